// Copyright 2026 the happy-eyeballs authors. MIT license.
// Reading a caller's options safely: only their own properties count (a value
// that code polluting Object.prototype put there is no option of the caller's),
// and each is read once (a getter or a Proxy cannot answer one thing when
// checked and another when used).

/**
 * The own enumerable properties of `options`, each read once, in an object
 * without a prototype. A getter that throws makes this throw its error.
 */
export function ownOptions(options: object): Record<string, unknown> {
  const own: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(options)) {
    own[key] = (options as Record<string, unknown>)[key];
  }
  return own;
}

/**
 * A copy of an array, each element read once, or `undefined` when `value` is
 * not an array, or has holes (which would read elements inherited from a
 * polluted `Array.prototype`).
 */
export function ownElements(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const length = value.length;
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) {
    if (!Object.hasOwn(value, i)) return undefined;
    copy.push(value[i]);
  }
  return copy;
}
