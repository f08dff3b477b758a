// Copyright 2026 the happy-eyeballs authors. MIT license.
// The caller's code that connect() runs (onEvent, the history's methods) may
// throw: the first error thrown stops the call, and connect() rejects with it,
// as it was thrown, once everything it opened is closed. A leaf, so that the
// TLS handshake can use it without loading the resolver.

/**
 * The first error thrown by the caller's code during one `connect()` call.
 * Once there is one, the call stops: the controller given to
 * `abortOnFailure()` aborts, and no more events are sent. A callback that
 * returns a promise is not waited for; if it rejects, that counts as a throw
 * (a rejection after the call has settled changes nothing, and is never left
 * unhandled).
 */
export class CallbackFailure {
  #thrown: { error: unknown } | undefined;
  #onFailure: ((error: unknown) => void) | undefined;

  /** Whether a callback has thrown. */
  get failed(): boolean {
    return this.#thrown !== undefined;
  }

  /** What the first callback to throw threw. */
  get error(): unknown {
    return this.#thrown?.error;
  }

  /**
   * Calls `callback`; if it throws, or returns a promise that rejects,
   * records the error and stops the call.
   */
  call(callback: () => unknown): void {
    try {
      onRejection(callback(), (error) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Records `error`, unless one came first, and stops the call. */
  fail(error: unknown): void {
    if (this.#thrown) return;
    this.#thrown = { error };
    this.#onFailure?.(error);
  }

  /** Aborts `controller` with the error when a callback fails. */
  abortOnFailure(controller: AbortController): void {
    if (this.#thrown) controller.abort(this.#thrown.error);
    else this.#onFailure = (error) => controller.abort(error);
  }

  /** Throws the recorded error, if any. */
  throwIfFailed(): void {
    if (this.#thrown) throw this.#thrown.error;
  }
}

/**
 * Tells `rejected` why `value` rejected, if it is a promise (or any
 * thenable, as `await` sees it); nothing otherwise.
 */
export function onRejection(
  value: unknown,
  rejected: (error: unknown) => void,
): void {
  if (
    (typeof value === "object" || typeof value === "function") &&
    value !== null && typeof (value as { then?: unknown }).then === "function"
  ) {
    // A thenable's then() may throw: that is its rejection too.
    new Promise((resolve) => resolve(value)).then(undefined, rejected);
  }
}
