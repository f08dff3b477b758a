// Copyright 2026 the happy-eyeballs authors. MIT license.
// Reading a caller's options safely: only their own properties count (a value
// that code polluting Object.prototype put there is no option of the caller's),
// and each is read once (a getter or a Proxy cannot answer one thing when
// checked and another when used).

/** A copy of each list of known keys, all `undefined`, to start from. */
const blanks = new WeakMap<readonly string[], Record<string, undefined>>();

/**
 * The own enumerable properties of `options`, each read once, in a new plain
 * object that also has every key of `known` as an own property (`undefined`
 * when not given): reading a known key never reaches `Object.prototype`. A
 * getter that throws makes this throw its error.
 *
 * @param options The caller's options.
 * @param known The keys the caller may give; the same array every time (the
 * object to start from is made once per array).
 * @returns The copy; unknown keys included, for the caller to refuse.
 */
export function ownOptions(
  options: object,
  known: readonly string[],
): Record<string, unknown> {
  let blank = blanks.get(known);
  if (blank === undefined) {
    // Defined, not assigned: an assignment would run a setter (or throw for a
    // getter without one) that polluting code put on Object.prototype.
    blank = Object.fromEntries(known.map((key) => [key, undefined]));
    blanks.set(known, blank);
  }
  // One spread: a small object of fixed keys stays a fast object, unlike one
  // without a prototype (which reads no inherited value, but slowly). A
  // spread defines each own enumerable property of `options` as an own
  // property, each read once: an own "__proto__" (from JSON.parse) is a key
  // like any other, refused as unknown, not a new prototype.
  return { ...blank, ...options };
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
