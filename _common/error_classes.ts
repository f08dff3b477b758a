// Copyright 2026 the happy-eyeballs authors. MIT license.
// The classes of `Deno.errors` and their OS error codes: what `map_error.ts`
// needs to dress a `node:net` error as Deno's own, without the message helpers
// of `errors.ts` (and what they load).

/** A constructor of errors, such as `Deno.errors.ConnectionRefused`. */
export type ErrorClass = new (
  message?: string,
  options?: ErrorOptions,
) => Error;

/** Every class of `Deno.errors`. */
export const DENO_ERROR_CLASSES: readonly ErrorClass[] = Object.values(
  Deno.errors,
);

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
