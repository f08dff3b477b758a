// Copyright 2026 the happy-eyeballs authors. MIT license.
// The timer limit, and the signal that never aborts, in one place.

/**
 * The largest delay, in milliseconds, that `setTimeout` honours (about 24.8
 * days): a larger one fires at once, and Deno treats one as "never".
 */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** A signal that never aborts: for waits that only their outcome ends. */
export const NEVER: AbortSignal = new AbortController().signal;
