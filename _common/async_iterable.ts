// Copyright 2026 the happy-eyeballs authors. MIT license.
// Shared by staggeredRace() (attempts) and connect()'s resolution (batches of
// addresses): both take an array or an async iterable.

/** Whether `value` can be iterated with `for await`. */
export function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof (value as Partial<AsyncIterable<T>> | null | undefined)
    ?.[Symbol.asyncIterator] === "function";
}
