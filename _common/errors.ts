// Copyright 2026 the happy-eyeballs authors. MIT license.
// Error helpers shared by the connection layers: every error they make keeps
// the class of `Deno.errors` that Deno itself would have thrown, so that
// `instanceof Deno.errors.ConnectionRefused` and the like work as they do
// with `Deno.connect`, and keeps the original error as `cause`.

import { hideHost, show } from "./show.ts";
import { visible } from "./visible.ts";
import {
  DENO_ERROR_CLASSES,
  type ErrorClass,
  withCode,
} from "./error_classes.ts";

/**
 * The OS error of an error, if it has one: its `code` (`"ECONNREFUSED"`, as
 * Deno's own errors and Node's have), else its `errno`. Two failures are
 * alike when they have the same class and the same OS error.
 */
export function osErrorOf(error: unknown): string | number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  try {
    const { code, errno } = error as { code?: unknown; errno?: unknown };
    if (typeof code === "string" && code !== "") return code;
    return typeof errno === "number" ? errno : undefined;
  } catch {
    // A getter that throws: no OS error we can read.
    return undefined;
  }
}

/**
 * The message of a thrown value, whatever it is, with control characters
 * made visible: it goes into the messages of our own errors, and what the
 * network or a caller put in it must not reach a terminal raw.
 */
export function messageOf(error: unknown): string {
  if (typeof error === "string") return visible(error);
  // A message may be no string, even one that cannot convert to a string
  // (`Object.create(null)`), or a getter that throws; a thrown value that is
  // not an error neither: show() says what it is, whatever it is. Never
  // throw here: this is the path of the caller's real error.
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      return typeof message === "string" ? visible(message) : show(message);
    }
  } catch {
    // The getter's error is not the one to report: the error itself is.
  }
  return show(error);
}

/**
 * A new error with `message` and `cause` as its cause: of `cause`'s class
 * when that is one of `Deno.errors.*`, else a plain `Error`; with `cause`'s
 * OS error `code`, if it has one.
 */
export function wrapError(cause: unknown, message: string): Error {
  const error = new (denoClassOf(cause) ?? Error)(message, { cause });
  const code = osErrorOf(cause);
  return typeof code === "string" ? withCode(error, code) : error;
}

/**
 * `error`, or, when its message names `hostname` and that reads as key
 * material (see `hideHost()`), a copy of its class and OS error code whose
 * message does not (without the original, which would carry it on).
 */
export function withoutHost(error: unknown, hostname: string): unknown {
  const message = messageOf(error);
  const hidden = hideHost(message, hostname);
  if (hidden === message) return error;
  const copy = new (denoClassOf(error) ?? Error)(hidden);
  const code = osErrorOf(error);
  return typeof code === "string" ? withCode(copy, code) : copy;
}

/** The class of `error` when it is one of `Deno.errors.*`; never throws. */
function denoClassOf(error: unknown): ErrorClass | undefined {
  try {
    if (!(error instanceof Error)) return undefined;
    const constructor = error.constructor as ErrorClass;
    return DENO_ERROR_CLASSES.includes(constructor) ? constructor : undefined;
  } catch {
    // A Proxy or a getter that throws: no class of ours.
    return undefined;
  }
}
