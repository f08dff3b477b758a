// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Offline stand-in for `jsr:@std/async/delay`. Never published; see
 * ../README.md.
 *
 * @module
 */

/** Options for {@linkcode delay}. */
export interface DelayOptions {
  /** Signal used to abort the delay. */
  signal?: AbortSignal;
  /**
   * Whether the process keeps running as long as the timer exists.
   *
   * @default {true}
   */
  persistent?: boolean;
}

// setTimeout fires at once for delays past a 32-bit int; @std waits them out.
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Resolves after `ms` milliseconds. Rejects with `signal.reason` if `signal`
 * aborts first (a `DOMException` named "AbortError" when `abort()` was called
 * without a reason).
 *
 * @param ms Duration in milliseconds for how long the delay should last.
 * @param options Additional options.
 * @returns A promise that resolves after `ms` milliseconds.
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal, persistent = true } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const end = Date.now() + Math.max(ms, 0);
    let id: ReturnType<typeof setTimeout>;
    function arm(): void {
      const left = end - Date.now();
      id = left > MAX_TIMER_DELAY
        ? setTimeout(arm, MAX_TIMER_DELAY)
        : setTimeout(done, left);
      // Number(): the types may be node's Timeout, the runtime's is a number.
      if (!persistent) Deno.unrefTimer(Number(id));
    }
    function done(): void {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(id);
      reject(signal?.reason);
    }
    arm();
    signal?.addEventListener("abort", abort, { once: true });
  });
}
