// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Offline stand-in for `jsr:@std/async/abortable`. Never published; see
 * ../README.md.
 *
 * @module
 */

/**
 * Makes a promise abortable: the result settles like `p`, or rejects with
 * `signal.reason` as soon as `signal` aborts.
 *
 * @typeParam T The type of the provided and returned promise.
 * @param p The promise to make abortable.
 * @param signal The signal to abort the promise with.
 * @returns A promise that can be aborted.
 */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T>;
/**
 * Makes an async iterable abortable: iteration stops with `signal.reason` as
 * soon as `signal` aborts.
 *
 * @typeParam T The type of the provided and returned async iterable.
 * @param p The async iterable to make abortable.
 * @param signal The signal to abort the iteration with.
 * @returns An async iterable that can be aborted.
 */
export function abortable<T>(
  p: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T>;
export function abortable<T>(
  p: Promise<T> | AsyncIterable<T>,
  signal: AbortSignal,
): Promise<T> | AsyncGenerator<T> {
  return p instanceof Promise
    ? abortablePromise(p, signal)
    : abortableAsyncIterable(p, signal);
}

// A promise that rejects with signal.reason on abort, and a way to stop
// listening so that the signal does not keep a reference to the caller.
function rejectOnAbort(signal: AbortSignal): [Promise<never>, () => void] {
  const { promise, reject } = Promise.withResolvers<never>();
  const abort = () => reject(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  return [promise, () => signal.removeEventListener("abort", abort)];
}

function abortablePromise<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const [aborted, stop] = rejectOnAbort(signal);
  return Promise.race([aborted, p]).finally(stop);
}

async function* abortableAsyncIterable<T>(
  p: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  signal.throwIfAborted();
  const [aborted, stop] = rejectOnAbort(signal);
  const iterator = p[Symbol.asyncIterator]();
  let completed = false;
  try {
    while (true) {
      const { done, value } = await Promise.race([aborted, iterator.next()]);
      if (done) {
        completed = true;
        return;
      }
      yield value;
    }
  } finally {
    stop();
    // Close the source when the consumer stops early or the signal aborts.
    if (!completed) await iterator.return?.();
  }
}
