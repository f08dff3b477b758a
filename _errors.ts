// Copyright 2026 the happy-eyeballs authors. MIT license.
// Error helpers shared by the connection layers: every error they make keeps
// the class of `Deno.errors` that Deno itself would have thrown, so that
// `instanceof Deno.errors.ConnectionRefused` and the like work as they do
// with `Deno.connect`, and keeps the original error as `cause`.

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
  return new ErrorClass(message, { cause });
}
