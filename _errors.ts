// Copyright 2026 the happy-eyeballs authors. MIT license.
// Error helpers shared by the connection layers: every error they make keeps
// the class of `Deno.errors` that Deno itself would have thrown, so that
// `instanceof Deno.errors.ConnectionRefused` and the like work as they do
// with `Deno.connect`, and keeps the original error as `cause`.
import { getSystemErrorMessage } from "node:util";

/** A constructor of errors, such as `Deno.errors.ConnectionRefused`. */
export type ErrorClass = new (
  message?: string,
  options?: ErrorOptions,
) => Error;

const DENO_ERROR_CLASSES: ReadonlySet<unknown> = new Set(
  Object.values(Deno.errors),
);

/** The message of a thrown value, whatever it is. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A new error with `message` and `cause` as its cause: of `cause`'s class
 * when that is one of `Deno.errors.*`, else a plain `Error`.
 */
export function wrapError(cause: unknown, message: string): Error {
  const ErrorClass =
    cause instanceof Error && DENO_ERROR_CLASSES.has(cause.constructor)
      ? cause.constructor as ErrorClass
      : Error;
  const error = new ErrorClass(message, { cause });
  const code = osErrorOf(cause);
  return typeof code === "string" ? withCode(error, code) : error;
}

/**
 * Gives `error` an OS error `code` (such as `ECONNRESET`), as Deno's own
 * errors have, so that failures are compared by it.
 */
export function withCode<E extends Error>(error: E, code: string): E {
  Object.defineProperty(error, "code", {
    value: code,
    writable: true,
    configurable: true,
  });
  return error;
}

/**
 * The OS error of an error, if it has one: its `code` (`"ECONNREFUSED"`, as
 * Deno's own errors and Node's have), else its `errno`. Two failures are
 * alike when they have the same class and the same OS error.
 */
export function osErrorOf(error: unknown): string | number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string" && code !== "") return code;
  return typeof errno === "number" ? errno : undefined;
}

/**
 * Gives an error of `node:net` or `node:tls` the `Deno.errors` class that
 * `classOf` finds for its `code`, with the error as `cause`, and the OS
 * error's text as Deno writes it (`Connection refused (os error 111)`, not
 * Node's `connect ECONNREFUSED 127.0.0.1:80`, which names one address and
 * would mislead once the error stands for several). The new error keeps the
 * `code`, as Deno's own errors have one. Anything else, and an error that
 * already is one of `Deno.errors.*`, is returned as it is.
 */
export function fromNodeError(
  error: unknown,
  classOf: (code: string) => ErrorClass | undefined,
): unknown {
  if (!(error instanceof Error)) return error;
  if (Object.values(Deno.errors).some((c) => error instanceof c)) return error;
  const code = (error as { code?: unknown }).code;
  const DenoError = typeof code === "string" ? classOf(code) : undefined;
  if (!DenoError) return error;
  const errno = (error as { errno?: unknown }).errno;
  let message = error.message;
  if (typeof errno === "number" && errno < 0) {
    const text = getSystemErrorMessage(errno);
    message = `${text.charAt(0).toUpperCase()}${
      text.slice(1)
    } (os error ${-errno})`;
  }
  return withCode(new DenoError(message, { cause: error }), code as string);
}
