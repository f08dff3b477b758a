// Copyright 2026 the happy-eyeballs authors. MIT license.
// Errors of `node:net` and `node:tls` (used for `localAddr` and client
// certificates) as the `Deno.errors` classes that `Deno.connect` and
// `Deno.startTls` throw: one table, as std's `fs/_map_error.ts`, so that
// `instanceof Deno.errors.ConnectionRefused` works whichever way a
// connection was made. Read backwards, the same table gives the socket of
// `node/` the `code` that `node:net` sets.
import { getSystemErrorMessage } from "node:util";
import {
  DENO_ERROR_CLASSES,
  type ErrorClass,
  withCode,
} from "./error_classes.ts";
import { visible } from "./visible.ts";

/** Node's error codes and the classes Deno uses for them. */
const DENO_ERROR_BY_CODE: ReadonlyMap<string, ErrorClass> = new Map([
  ["ECONNREFUSED", Deno.errors.ConnectionRefused],
  ["ECONNRESET", Deno.errors.ConnectionReset],
  ["ECONNABORTED", Deno.errors.ConnectionAborted],
  ["EADDRINUSE", Deno.errors.AddrInUse],
  ["EADDRNOTAVAIL", Deno.errors.AddrNotAvailable],
  ["ETIMEDOUT", Deno.errors.TimedOut],
  ["ENOTFOUND", Deno.errors.NotFound],
  ["ENETUNREACH", Deno.errors.NetworkUnreachable],
  ["EHOSTUNREACH", Deno.errors.NetworkUnreachable],
  ["EPIPE", Deno.errors.BrokenPipe],
  // As Deno.connect: the peer reset the connection as it was made (dial()
  // gives it the class ConnectionReset there).
  ["ENOTCONN", Deno.errors.NotConnected],
  ["EACCES", Deno.errors.PermissionDenied],
  ["EPERM", Deno.errors.PermissionDenied],
  ["EINVAL", TypeError],
  // The TLS stream ended before the handshake or a record completed.
  ["ERR_STREAM_PREMATURE_CLOSE", Deno.errors.UnexpectedEof],
]);

/** Certificate and protocol errors of `node:tls`: rustls says InvalidData. */
const INVALID_DATA_CODE_REGEXP = /CERT|UNABLE_TO|SELF_SIGNED|^ERR_SSL|^ERR_TLS/;

/**
 * The table read backwards: the first OS error code (`E...`) of each class
 * of `Deno.errors`. Not `TypeError` (node's `EINVAL`), which is no network
 * error, nor the `ERR_*` codes of node's streams.
 */
const NODE_CODE_BY_DENO_ERROR: ReadonlyMap<ErrorClass, string> = new Map(
  [...DENO_ERROR_BY_CODE].reverse()
    .filter(([code, Class]) =>
      /^E[A-Z]+$/.test(code) && DENO_ERROR_CLASSES.includes(Class)
    )
    .map(([code, Class]) => [Class, code]),
);

/**
 * Gives an error of `node:net` or `node:tls` the `Deno.errors` class that
 * Deno would have thrown, with the error as `cause`, its `code`, and for an
 * OS error Deno's text (`Connection refused (os error 111)`, not Node's
 * `connect ECONNREFUSED 127.0.0.1:80`, which names one address and would
 * mislead once the error stands for several). Anything else, and an error
 * that already is one of `Deno.errors.*`, is returned as it is.
 *
 * @param error What `node:net` or `node:tls` threw or emitted.
 * @returns The error to throw.
 */
export function mapError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (DENO_ERROR_CLASSES.some((c) => error instanceof c)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error;
  const { syscall, errno } = error as { syscall?: unknown; errno?: unknown };
  // Deno's node:net says EINVAL where Linux says EADDRNOTAVAIL: binding an
  // address that is not this host's.
  const DenoError = syscall === "bind" && code === "EINVAL"
    ? Deno.errors.AddrNotAvailable
    : DENO_ERROR_BY_CODE.get(code) ??
      (INVALID_DATA_CODE_REGEXP.test(code)
        ? Deno.errors.InvalidData
        : undefined);
  if (!DenoError) return error;
  let message = error.message;
  if (typeof errno === "number" && errno < 0) {
    const text = getSystemErrorMessage(errno);
    message = `${text.charAt(0).toUpperCase()}${
      text.slice(1)
    } (os error ${-errno})`;
  }
  // node:tls quotes the certificate's names: no raw control character.
  return withCode(new DenoError(visible(message), { cause: error }), code);
}

/**
 * The `code` that `node:net` would set on an error: its own `code` if it has
 * one; for one of `Deno.errors.*` the code of {@linkcode mapError}'s table
 * (`ECONNREFUSED` for `ConnectionRefused`); `ETIMEDOUT` for a
 * `TimeoutError`, `ABORT_ERR` for an `AbortError`; for an `AggregateError`
 * the first code of its errors.
 *
 * @param error An error of `connect()` or of a connection.
 * @returns The code, or `undefined` when there is none.
 */
export function nodeCodeOf(error: unknown): string | undefined {
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = nodeCodeOf(inner);
      if (code) return code;
    }
    return undefined;
  }
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: unknown };
  if (typeof code === "string") return code;
  if (error instanceof DOMException) {
    if (error.name === "TimeoutError") return "ETIMEDOUT";
    if (error.name === "AbortError") return "ABORT_ERR";
  }
  for (const [Class, code] of NODE_CODE_BY_DENO_ERROR) {
    if (error instanceof Class) return code;
  }
  return undefined;
}
