// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Offline stand-in for `jsr:@std/assert`: the assertions this project uses,
 * with the signatures, return values and error type of the real package.
 * Comparisons and messages come from `node:assert` and `node:util`.
 *
 * Never published; see README.md beside this file.
 *
 * @module
 */

import * as nodeAssert from "node:assert";
import {
  inspect,
  isDeepStrictEqual,
  stripVTControlCharacters,
} from "node:util";

/** Error thrown when an assertion fails. */
export class AssertionError extends Error {
  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param options Additional options, such as the `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

function suffix(msg: string | undefined): string {
  return msg ? `: ${msg}` : ".";
}

// node:assert explains a failure with a diff; keep that text, but throw our
// own AssertionError so that `assertThrows(..., AssertionError)` still works.
function viaNode(check: () => void, headline: string, msg?: string): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof nodeAssert.AssertionError)) throw error;
    throw new AssertionError(`${headline}${suffix(msg)}\n${error.message}`);
  }
}

/**
 * Makes an assertion, throwing if `expr` is falsy.
 *
 * @param expr The expression to test.
 * @param msg The optional message to display if the assertion fails.
 */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

/** Assertion condition for {@linkcode assertFalse}. */
export type Falsy = false | 0 | 0n | "" | null | undefined;

/**
 * Makes an assertion, throwing if `expr` is truthy.
 *
 * @param expr The expression to test.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertFalse(expr: unknown, msg = ""): asserts expr is Falsy {
  if (expr) throw new AssertionError(msg);
}

/**
 * Asserts that `actual` and `expected` are deeply equal.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value.
 * @param expected The expected value.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  viaNode(
    () => nodeAssert.deepStrictEqual(actual, expected),
    "Values are not equal",
    msg,
  );
}

/**
 * Asserts that `actual` and `expected` are not deeply equal.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value.
 * @param expected The value `actual` must differ from.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertNotEquals<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  if (!isDeepStrictEqual(actual, expected)) return;
  throw new AssertionError(
    `Expected actual: ${inspect(actual)} not to be: ${inspect(expected)}${
      suffix(msg)
    }`,
  );
}

/**
 * Asserts that `actual` and `expected` are the same value (`Object.is`).
 *
 * @typeParam T The type of the expected value.
 * @param actual The actual value.
 * @param expected The expected value.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  // node's strictEqual compares with Object.is, like @std/assert.
  viaNode(
    () => nodeAssert.strictEqual(actual, expected),
    "Values are not strictly equal",
    msg,
  );
}

/**
 * Asserts that `actual` and `expected` are not the same value (`Object.is`).
 *
 * @typeParam T The type of the values.
 * @param actual The actual value.
 * @param expected The value it must not be.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertNotStrictEquals<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  viaNode(
    () => nodeAssert.notStrictEqual(actual, expected),
    "Expected values to not be strictly equal",
    msg,
  );
}

/**
 * Asserts that `actual` is neither `null` nor `undefined`.
 *
 * @typeParam T The type of the actual value.
 * @param actual The value to check.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertExists<T>(
  actual: T,
  msg?: string,
): asserts actual is NonNullable<T> {
  if (actual !== undefined && actual !== null) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to not be null or undefined${suffix(msg)}`,
  );
}

// deno-lint-ignore no-explicit-any
type AnyConstructor = new (...args: any[]) => any;
type GetConstructorType<T extends AnyConstructor> = InstanceType<T>;

/**
 * Asserts that `actual` is an instance of `expectedType`.
 *
 * @typeParam T The expected class.
 * @param actual The object to check.
 * @param expectedType The expected class.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertInstanceOf<T extends AnyConstructor>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is GetConstructorType<T> {
  if (actual instanceof expectedType) return;
  throw new AssertionError(
    `Expected object to be an instance of "${expectedType.name}" but was ${
      inspect(actual)
    }${suffix(msg)}`,
  );
}

/**
 * Asserts that `actual` matches the regular expression `expected`.
 *
 * @param actual The string to test.
 * @param expected The pattern it must match.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertMatch(
  actual: string,
  expected: RegExp,
  msg?: string,
): void {
  viaNode(
    () => nodeAssert.match(actual, expected),
    `Expected actual: "${actual}" to match: "${expected}"`,
    msg,
  );
}

/**
 * Asserts that `actual` includes `expected`.
 *
 * @param actual The string to search in.
 * @param expected The text it must include.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertStringIncludes(
  actual: string,
  expected: string,
  msg?: string,
): void {
  if (actual.includes(expected)) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to contain: "${expected}"${suffix(msg)}`,
  );
}

/** An array-like object (`Array`, `Uint8Array`...) that is not a string. */
export type ArrayLikeArg<T> = ArrayLike<T> & object;

/**
 * Asserts that `actual` includes every value of `expected`, compared deeply.
 *
 * @typeParam T The element type.
 * @param actual The array-like object to search in.
 * @param expected The values that must be in `actual`.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertArrayIncludes<T>(
  actual: ArrayLikeArg<T>,
  expected: ArrayLikeArg<NoInfer<T>>,
  msg?: string,
): void {
  const items = Array.from(actual);
  const missing = Array.from(expected).filter((value) =>
    !items.some((item) => isDeepStrictEqual(item, value))
  );
  if (missing.length === 0) return;
  throw new AssertionError(
    `Expected actual: "${inspect(actual)}" to include: "${inspect(expected)}"${
      suffix(msg)
    }\nmissing: ${inspect(missing)}`,
  );
}

function compare<T>(
  holds: boolean,
  actual: T,
  operator: string,
  expected: T,
  msg?: string,
): void {
  if (holds) return;
  throw new AssertionError(
    msg ?? `Expect ${inspect(actual)} ${operator} ${inspect(expected)}`,
  );
}

/**
 * Asserts that `actual < expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value.
 * @param expected The bound.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  compare(actual < expected, actual, "<", expected, msg);
}

/**
 * Asserts that `actual <= expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value.
 * @param expected The bound.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertLessOrEqual<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  compare(actual <= expected, actual, "<=", expected, msg);
}

/**
 * Asserts that `actual > expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value.
 * @param expected The bound.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  compare(actual > expected, actual, ">", expected, msg);
}

/**
 * Asserts that `actual >= expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value.
 * @param expected The bound.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertGreaterOrEqual<T>(
  actual: T,
  expected: T,
  msg?: string,
): void {
  compare(actual >= expected, actual, ">=", expected, msg);
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

// The shared tail of assertThrows and assertRejects: the optional class and
// message checks of @std/assert's assertIsError.
function checkError<E extends Error>(
  error: unknown,
  errorClass: ErrorClass<E> | undefined,
  msgIncludes: string | undefined,
  msg: string | undefined,
  verb: string,
): void {
  if (!errorClass) return;
  if (!(error instanceof Error)) {
    throw new AssertionError(`A non-Error object was ${verb}${suffix(msg)}`);
  }
  if (!(error instanceof errorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${errorClass.name}", but was "${error.constructor?.name}"${
        suffix(msg)
      }`,
      { cause: error },
    );
  }
  if (
    msgIncludes !== undefined &&
    !stripVTControlCharacters(error.message).includes(
      stripVTControlCharacters(msgIncludes),
    )
  ) {
    throw new AssertionError(
      `Expected error message to include ${
        JSON.stringify(msgIncludes)
      }, but got ${JSON.stringify(error.message)}${suffix(msg)}`,
      { cause: error },
    );
  }
}

// @std/assert tells the (fn, msg) form from the (fn, ErrorClass, ...) form by
// the type of the second argument.
function parseArgs<E extends Error>(
  errorClassOrMsg: ErrorClass<E> | string | undefined,
  msgIncludesOrMsg: string | undefined,
  msg: string | undefined,
): [ErrorClass<E> | undefined, string | undefined, string | undefined] {
  if (typeof errorClassOrMsg === "string") {
    return [undefined, undefined, errorClassOrMsg];
  }
  return [errorClassOrMsg, msgIncludesOrMsg, msg];
}

/**
 * Executes `fn`, expecting it to throw.
 *
 * @param fn The function to execute.
 * @param msg The optional message to display if the assertion fails.
 * @returns The error that was thrown.
 */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
/**
 * Executes `fn`, expecting it to throw an instance of `ErrorClass` whose
 * message includes `msgIncludes`.
 *
 * @typeParam E The error class to assert.
 * @param fn The function to execute.
 * @param ErrorClass The error class to assert.
 * @param msgIncludes The string that should be included in the error message.
 * @param msg The optional message to display if the assertion fails.
 * @returns The error that was thrown.
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClassOrMsg?: ErrorClass<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): E | unknown {
  const [errorClass, msgIncludes, message] = parseArgs(
    errorClassOrMsg,
    msgIncludesOrMsg,
    msg,
  );
  try {
    fn();
  } catch (error) {
    checkError(error, errorClass, msgIncludes, message, "thrown");
    return error;
  }
  throw new AssertionError(`Expected function to throw${suffix(message)}`);
}

/**
 * Executes `fn`, expecting the promise it returns to reject.
 *
 * @param fn The function to execute.
 * @param msg The optional message to display if the assertion fails.
 * @returns A promise that resolves to the rejection reason.
 */
export function assertRejects(
  fn: () => PromiseLike<unknown>,
  msg?: string,
): Promise<unknown>;
/**
 * Executes `fn`, expecting the promise it returns to reject with an instance
 * of `ErrorClass` whose message includes `msgIncludes`.
 *
 * @typeParam E The error class to assert.
 * @param fn The function to execute.
 * @param ErrorClass The error class to assert.
 * @param msgIncludes The string that should be included in the error message.
 * @param msg The optional message to display if the assertion fails.
 * @returns A promise that resolves to the rejection reason.
 */
export function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E>;
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  errorClassOrMsg?: ErrorClass<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): Promise<E | unknown> {
  const [errorClass, msgIncludes, message] = parseArgs(
    errorClassOrMsg,
    msgIncludesOrMsg,
    msg,
  );
  let promise: PromiseLike<unknown>;
  try {
    promise = fn();
  } catch {
    // Like @std/assert: a synchronous throw is not a rejection.
    throw new AssertionError(
      `Function throws when expected to reject${suffix(message)}`,
    );
  }
  if (typeof promise?.then !== "function") {
    throw new AssertionError(
      `Function throws when expected to reject${suffix(message)}`,
    );
  }
  try {
    await promise;
  } catch (error) {
    checkError(error, errorClass, msgIncludes, message, "rejected");
    return error;
  }
  throw new AssertionError(`Expected function to reject${suffix(message)}`);
}

/**
 * Throws an {@linkcode AssertionError} unconditionally.
 *
 * @param msg The optional message to include in the error.
 * @returns Never returns, always throws.
 */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${suffix(msg)}`);
}

/**
 * Marks code that must never run.
 *
 * @param msg The optional message to include in the error.
 * @returns Never returns, always throws.
 */
export function unreachable(msg?: string): never {
  throw new AssertionError(`Unreachable${suffix(msg)}`);
}
