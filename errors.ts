// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Turning the failures of several connection attempts into one clear error.
 *
 * Every error made here names the address it is about and keeps the original
 * error as `cause`. Errors of Deno's own classes (`Deno.errors.*`) keep their
 * class, so `error instanceof Deno.errors.ConnectionRefused` works as it does
 * with `Deno.connect`.
 *
 * @example Combine two failures
 * ```ts
 * import { combineAttemptErrors } from "@happy-eyeballs/connect/errors";
 * import { assertInstanceOf, assertStringIncludes } from "@std/assert";
 *
 * const error = combineAttemptErrors("example.com:80", [
 *   {
 *     address: { transport: "tcp", hostname: "::1", port: 80 },
 *     error: new Deno.errors.ConnectionRefused("Connection refused"),
 *   },
 *   {
 *     address: { transport: "tcp", hostname: "127.0.0.1", port: 80 },
 *     error: new Deno.errors.TimedOut("Connection timed out"),
 *   },
 * ]);
 * assertInstanceOf(error, AggregateError);
 * assertStringIncludes(error.message, "[::1]:80: Connection refused");
 * ```
 *
 * @module
 */
import { messageOf, osErrorOf, wrapError } from "./_common/errors.ts";
import { joinHostPort } from "./_common/ip.ts";
import type { AttemptFailure } from "./types.ts";

export type { AttemptFailure } from "./types.ts";

/** Options for {@linkcode combineAttemptErrors}. */
export interface CombineAttemptErrorsOptions {
  /**
   * Always return an `AggregateError` holding one error per attempt, like
   * asyncio's `all_errors=True`, instead of collapsing a single failure or
   * identical failures into one error.
   *
   * @default {false}
   */
  allErrors?: boolean;
}

/**
 * Formats an address as `host:port`, with brackets around IPv6 addresses.
 *
 * @param address The address to format.
 * @returns The address as `127.0.0.1:80` or `[::1]:80`.
 *
 * @example Format an IPv6 address
 * ```ts
 * import { formatAddress } from "@happy-eyeballs/connect/errors";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(formatAddress({ hostname: "::1", port: 443 }), "[::1]:443");
 * ```
 */
export function formatAddress(
  address: { hostname: string; port: number },
): string {
  return joinHostPort(address.hostname, address.port);
}

/**
 * Makes an error that says which address `cause` is about, keeping `cause`'s
 * class when it is one of `Deno.errors.*` (so that `instanceof` checks keep
 * working) and `cause` itself as `cause`.
 *
 * @param cause The original error.
 * @param where What the error is about, such as `127.0.0.1:80`.
 * @returns A new error whose message is `Cannot connect to <where>: <cause>`.
 *
 * @example Name the address of a refusal
 * ```ts
 * import { attemptError } from "@happy-eyeballs/connect/errors";
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 *
 * const cause = new Deno.errors.ConnectionRefused("Connection refused");
 * const error = attemptError(cause, "127.0.0.1:80");
 * assertInstanceOf(error, Deno.errors.ConnectionRefused);
 * assertEquals(error.message, "Cannot connect to 127.0.0.1:80: Connection refused");
 * assertEquals(error.cause, cause);
 * ```
 */
export function attemptError(cause: unknown, where: string): Error {
  return wrapError(
    cause,
    `Cannot connect to ${where}: ${messageOf(cause)}`,
  );
}

/**
 * Combines the failures of every attempt to reach `destination` into one
 * error, the way asyncio's `create_connection` does, but naming every
 * address.
 *
 * - With `allErrors`: always an `AggregateError` whose `errors` hold one error
 *   per attempt, in attempt order, each made by {@linkcode attemptError}.
 * - Otherwise, when there was one attempt, or every attempt failed alike:
 *   one error of the first error's class that names every address tried.
 *   Alike means the same class and the same OS error (`code`, else `errno`,
 *   such as `ECONNREFUSED`), whatever the messages say (`node:net`'s name
 *   the address); errors without an OS error are alike when they also have
 *   the same message.
 * - Otherwise: an `AggregateError` whose message lists every address with its
 *   reason.
 *
 * @param destination What was being connected to, such as `example.com:80`.
 * @param failures The failure of each attempt, in attempt order; at least one.
 * @param options Options.
 * @returns The error to throw.
 * @throws {RangeError} If `failures` is empty: there is nothing to report.
 *
 * @example Identical failures collapse into one error
 * ```ts
 * import { combineAttemptErrors } from "@happy-eyeballs/connect/errors";
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 *
 * const refused = () => new Deno.errors.ConnectionRefused("Connection refused");
 * const error = combineAttemptErrors("localhost:80", [
 *   { address: { transport: "tcp", hostname: "::1", port: 80 }, error: refused() },
 *   { address: { transport: "tcp", hostname: "127.0.0.1", port: 80 }, error: refused() },
 * ]);
 * assertInstanceOf(error, Deno.errors.ConnectionRefused);
 * assertEquals(
 *   error.message,
 *   "Cannot connect to localhost:80 at [::1]:80, 127.0.0.1:80: Connection refused",
 * );
 * ```
 */
export function combineAttemptErrors(
  destination: string,
  failures: readonly AttemptFailure[],
  options: CombineAttemptErrorsOptions = {},
): Error {
  if (failures.length === 0) {
    throw new RangeError(
      "Cannot combine attempt errors as 'failures' must not be empty: current value is []",
    );
  }
  const addresses = failures.map((failure) => formatAddress(failure.address));
  const each = failures.map((failure, i) =>
    attemptError(failure.error, addresses[i]!)
  );
  if (options.allErrors) {
    return new AggregateError(
      each,
      `Cannot connect to ${destination}: ${listReasons(addresses, failures)}`,
    );
  }
  const first = failures[0]!.error;
  if (failures.every((failure) => isAlike(failure.error, first))) {
    const where = addresses.join(", ");
    return attemptError(
      failures[0]!.error,
      where === destination ? where : `${destination} at ${where}`,
    );
  }
  return new AggregateError(
    each,
    `Cannot connect to ${destination}: ${listReasons(addresses, failures)}`,
  );
}

/** Whether two failures are the same: class and OS error (see above). */
function isAlike(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const classOf = (e: unknown) =>
    typeof e === "object" && e !== null ? e.constructor : typeof e;
  if (classOf(a) !== classOf(b)) return false;
  const osError = osErrorOf(a);
  return osError === undefined && osErrorOf(b) === undefined
    ? messageOf(a) === messageOf(b)
    : osError === osErrorOf(b);
}

function listReasons(
  addresses: readonly string[],
  failures: readonly AttemptFailure[],
): string {
  const count = failures.length === 1
    ? "the only attempt failed"
    : `all ${failures.length} attempts failed`;
  const reasons = failures.map((failure, i) =>
    `${addresses[i]}: ${messageOf(failure.error)}`
  );
  return `${count}: ${reasons.join("; ")}`;
}
