// Copyright 2026 the happy-eyeballs authors. MIT license.
// The timer limit, in one place. Runtime-free.

/**
 * The largest delay, in milliseconds, that `setTimeout` honours (about 24.8
 * days): a larger one fires at once, and Deno treats one as "never".
 */
export const MAX_TIMEOUT = 2 ** 31 - 1;
