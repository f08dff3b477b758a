// Copyright 2026 the happy-eyeballs authors. MIT license.
// The history's answers, checked: a caller's history (a subclass, a Proxy)
// may answer nonsense, and an answer connect() cannot use is a TypeError that
// names the method (a history that throws stops the call: see
// _callback_failure.ts).
import type { ConnectHistory } from "../history.ts";
import type { Family, Resolver } from "../types.ts";
import { familyOf, ipVersion, isDialable } from "../_common/ip.ts";
import { ownElements } from "../_common/own_options.ts";
import { MAX_ADDRESSES } from "./answers.ts";
import { show } from "../_common/show.ts";
import { onRejection } from "../_common/callback_failure.ts";

/**
 * What an answer that is refused anyway rejects with changes nothing; so
 * does a `then` that throws when read (a Proxy): the answer is refused all
 * the same, with the TypeError that names the method.
 */
function ignoreRejection(value: unknown): void {
  try {
    onRejection(value, () => {});
  } catch {
    // Nothing to wait for.
  }
}

/**
 * The elements of an answer that may throw when looked at (a Proxy, a
 * revoked one): `undefined`, as for any answer that is no array.
 */
function elementsOf(value: unknown): unknown[] | undefined {
  try {
    return ownElements(value);
  } catch {
    return undefined;
  }
}

/**
 * `history.order()`, checked: it must return the addresses it was given, in
 * any order (a history cannot add an address that was not resolved).
 */
export function orderByHistory(
  history: ConnectHistory,
  destination: string,
  addresses: readonly string[],
): string[] {
  // A copy: what the history does to its argument changes nothing here.
  const answer: unknown = history.order(destination, [...addresses]);
  const ordered = elementsOf(answer);
  if (!ordered || !isPermutation(ordered, addresses)) {
    ignoreRejection(answer);
    throw new TypeError(
      `Cannot connect as 'history.order()' must return the addresses it was given, reordered: current value is ${
        show(answer)
      }`,
    );
  }
  return ordered as string[];
}

/**
 * Whether `ordered` holds each of the distinct `addresses` once. A loop, not
 * sets: lists are short (at most MAX_ADDRESSES), and this runs per call.
 */
function isPermutation(
  ordered: readonly unknown[],
  addresses: readonly string[],
): boolean {
  if (ordered.length !== addresses.length) return false;
  for (let i = 0; i < ordered.length; i++) {
    const address = ordered[i];
    if (
      typeof address !== "string" || !addresses.includes(address) ||
      ordered.indexOf(address) !== i
    ) {
      return false;
    }
  }
  return true;
}

/**
 * `history.addresses()`, checked: `undefined` (also for an empty list), or
 * distinct IP literals of `family` (of any family without one), the first
 * {@linkcode MAX_ADDRESSES} of them, copied.
 */
export function rememberedByHistory(
  history: ConnectHistory,
  hostname: string,
  family: Family | undefined,
  resolver: Resolver | undefined,
): readonly string[] | undefined {
  const remembered: unknown = resolver
    ? history.addresses(hostname, family, resolver)
    : history.addresses(hostname, family);
  if (remembered === undefined) return undefined;
  const addresses = elementsOf(remembered);
  const wrong = addresses === undefined ? -1 : addresses.findIndex((
    address,
    i,
  ) =>
    typeof address !== "string" || !ipVersion(address) ||
    !isDialable(address) ||
    (family !== undefined && familyOf(address) !== family) ||
    addresses.indexOf(address) !== i
  );
  if (addresses === undefined || wrong !== -1) {
    // An async addresses(): its rejection must not go unhandled.
    ignoreRejection(remembered);
    throw new TypeError(
      `Cannot connect as 'history.addresses()' must return undefined or distinct IP addresses${
        family === undefined ? "" : ` of IPv${family}`
      }: current value is ${show(addresses ? addresses[wrong] : remembered)}`,
    );
  }
  if (addresses.length === 0) return undefined;
  return (addresses.length > MAX_ADDRESSES
    ? addresses.slice(0, MAX_ADDRESSES)
    : addresses) as string[];
}

/** `history.attemptDelay()`, checked: a non-negative number of ms. */
export function delayByHistory(
  history: ConnectHistory,
  destination: string,
  address: string,
  delay: number,
): number {
  const shortened: unknown = history.attemptDelay(destination, address, delay);
  if (typeof shortened !== "number" || !(shortened >= 0)) {
    ignoreRejection(shortened);
    throw new TypeError(
      `Cannot connect as 'history.attemptDelay()' must return a non-negative number of milliseconds: current value is ${
        show(shortened)
      }`,
    );
  }
  return shortened;
}
