// Copyright 2026 the happy-eyeballs authors. MIT license.
// The inactivity timer of the socket of `socket.ts` (`net.Socket#setTimeout`):
// one timer per period, whatever the traffic; activity only moves the mark
// that the timer checks when it fires.

import { MAX_TIMEOUT } from "../_common/timer.ts";

/** Calls `onIdle` after `timeout` milliseconds without activity, again and again. */
export class IdleTimer {
  #onIdle: () => void;
  #timeout = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActive = 0;
  #refed = true;

  /** @param onIdle Called at each period without activity. */
  constructor(onIdle: () => void) {
    this.#onIdle = onIdle;
  }

  /** Starts over with `timeout` milliseconds (`0` stops the timer). */
  set(timeout: number): void {
    this.#timeout = timeout;
    this.clear();
    if (timeout > 0) {
      this.#lastActive = performance.now();
      this.#arm(timeout);
    }
  }

  /** Notes activity: the period starts again. */
  touch(): void {
    if (this.#timeout > 0) this.#lastActive = performance.now();
  }

  /** Stops the timer until the next {@linkcode IdleTimer.set}. */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Whether the timer keeps the process alive. */
  ref(refed: boolean): void {
    this.#refed = refed;
    if (this.#timer === undefined) return;
    if (refed) Deno.refTimer(this.#timer);
    else Deno.unrefTimer(this.#timer);
  }

  #arm(ms: number): void {
    // A longer delay would be taken as 1 ms, again and again: a period
    // beyond the limit takes several timers, each within it.
    const timer = setTimeout(() => this.#fire(), Math.min(ms, MAX_TIMEOUT));
    if (!this.#refed) Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#timeout === 0) return;
    const idle = performance.now() - this.#lastActive;
    if (idle + 1 >= this.#timeout) {
      this.#lastActive = performance.now();
      this.#arm(this.#timeout);
      this.#onIdle();
    } else {
      this.#arm(this.#timeout - idle);
    }
  }
}
