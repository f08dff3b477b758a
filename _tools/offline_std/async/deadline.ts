// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Offline stand-in for `jsr:@std/async/deadline`. Never published; see
 * ../README.md.
 *
 * @module
 */

import { abortable } from "./abortable.ts";

/** Options for {@linkcode deadline}. */
export interface DeadlineOptions {
  /** Signal used to abort the deadline. */
  signal?: AbortSignal;
}

/**
 * Settles like `p`, unless `ms` milliseconds pass first (rejects with a
 * `DOMException` named "TimeoutError") or `signal` aborts first (rejects with
 * `signal.reason`).
 *
 * @typeParam T The type of the provided and returned promise.
 * @param p The promise to make rejectable.
 * @param ms Duration in milliseconds for when the promise should time out;
 * from `Number.MAX_SAFE_INTEGER` on, it never does.
 * @param options Additional options.
 * @returns A promise that rejects if the duration runs out before `p` settles.
 * @throws {TypeError} If `ms` is `NaN`.
 */
export function deadline<T>(
  p: Promise<T>,
  ms: number,
  options: DeadlineOptions = {},
): Promise<T> {
  if (Number.isNaN(ms)) {
    throw new TypeError("Ms must be a number, received NaN");
  }
  // AbortSignal.timeout rejects with the TimeoutError DOMException for us.
  const signals = ms < Number.MAX_SAFE_INTEGER ? [AbortSignal.timeout(ms)] : [];
  if (options.signal) signals.push(options.signal);
  if (signals.length === 0) return p;
  return abortable(p, AbortSignal.any(signals));
}
