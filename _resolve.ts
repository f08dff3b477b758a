// Copyright 2026 the happy-eyeballs authors. MIT license.
// Resolving the host name of connect() to IP literals: by the system resolver
// (getaddrinfo) or by the caller's `resolver`, which may answer in batches
// (RFC 8305 §3). Failures name the host.
import { abortable } from "@std/async/abortable";
import { delay } from "@std/async/delay";
import { isIP } from "node:net";
import { lookup } from "node:dns/promises";
import type { Family, Resolver } from "./connect.ts";
import { isAsyncIterable } from "./_async_iterable.ts";
import { messageOf } from "./_errors.ts";

/** The family of an IP literal (checked before). */
export function familyOf(address: string): Family {
  // Cheaper than isIP(), whose regular expressions dominate the JavaScript
  // cost of a connection.
  return address.includes(":") ? 6 : 4;
}

/** `isIP()`, quick to say no to host names (see {@linkcode familyOf}). */
export function ipVersion(value: string): number {
  return value.includes(":") || /^[\d.]+$/.test(value) ? isIP(value) : 0;
}

/**
 * The most addresses that one name may bring, counted as they come
 * (duplicates included): what a resolver answers beyond them is ignored.
 * RFC 8305 sets no bound; memory needs one, against a resolver that never
 * stops answering.
 */
export const MAX_ADDRESSES = 64;

/** The look-ups under way, by family and name. */
const lookups = new Map<string, Promise<string[]>>();

/**
 * The system resolver: getaddrinfo, in its own (RFC 6724) order. Concurrent
 * look-ups of the same name share one getaddrinfo call (as Go's resolver
 * does); nothing is kept once it has answered.
 */
function systemResolve(
  hostname: string,
  family: Family | undefined,
): Promise<string[]> {
  const key = `${family ?? 0} ${hostname}`;
  let found = lookups.get(key);
  if (found === undefined) {
    // `verbatim` keeps getaddrinfo's order; Deno's default puts IPv4 first.
    found = lookup(hostname, { all: true, verbatim: true, family: family ?? 0 })
      .then((entries) => entries.map((entry) => entry.address))
      .finally(() => lookups.delete(key));
    lookups.set(key, found);
  }
  return found;
}

/** What {@linkcode resolve} found. */
export interface Resolution {
  /** The addresses (of the first batch, from a resolver that streams). */
  addresses: string[];
  /** The batches still to come, from a resolver that streams (RFC 8305 §3). */
  more?: AsyncIterator<readonly string[]> | undefined;
}

/**
 * Resolves `hostname` to distinct IP literals of the wanted family. A literal
 * needs no look-up. Failures name the host.
 */
export async function resolve(
  hostname: string,
  family: Family | undefined,
  resolver: Resolver | undefined,
  signal: AbortSignal,
  { all = false, cancellable = true }: {
    /** Wait for every batch of a resolver that streams. */
    all?: boolean;
    /**
     * Whether `signal` may abort before the answer comes; if not, waits are
     * not made abortable, which costs.
     */
    cancellable?: boolean;
  } = {},
): Promise<Resolution> {
  if (ipVersion(hostname)) return { addresses: [hostname] };
  // getaddrinfo cannot be cancelled: stop waiting for it instead.
  const wait = <T>(answer: Promise<T>): Promise<T> =>
    cancellable ? abortable(answer, signal) : answer;
  let found: unknown;
  let more: AsyncIterator<readonly string[]> | undefined;
  try {
    found = await wait(Promise.resolve(
      resolver
        ? resolver(hostname, { family, signal })
        : systemResolve(hostname, family),
    ));
    // A resolver that answers in batches: start with the first.
    if (isAsyncIterable<readonly string[]>(found)) {
      more = found[Symbol.asyncIterator]();
      const first = await wait(more.next());
      found = first.done ? [] : first.value;
      // Every batch, when all addresses are needed at once.
      if (all) {
        const batches = [firstOf(found)];
        const iterator = more;
        more = undefined;
        await readBatches(
          iterator,
          signal,
          MAX_ADDRESSES - batches[0]!.length,
          (batch) => batches.push(batch),
          wait,
        );
        found = batches.flat();
      }
    }
  } catch (error) {
    closeBatches(more);
    if (signal.aborted) throw signal.reason;
    throw resolutionError(hostname, error);
  }
  if (signal.aborted) {
    closeBatches(more);
    throw signal.reason;
  }
  let addresses;
  try {
    addresses = checkAddresses(hostname, family, firstOf(found));
  } catch (error) {
    closeBatches(more);
    throw error;
  }
  return { addresses, more };
}

/** At most {@linkcode MAX_ADDRESSES} of an answer; not an array as it is. */
function firstOf(found: unknown): readonly unknown[] {
  return Array.isArray(found) && found.length > MAX_ADDRESSES
    ? found.slice(0, MAX_ADDRESSES)
    : found as readonly unknown[];
}

/**
 * Reads the batches still to come from a resolver that answers in batches,
 * until it is done, `signal` aborts, or `room` more addresses have come; then
 * closes it. Between two batches it lets timers, I/O and the signal run: a
 * resolver that answers without ever waiting would otherwise starve them.
 *
 * @param more The batches still to come.
 * @param signal Stops the reading; it then rejects with `signal.reason`.
 * @param room How many more addresses may come; the rest is ignored.
 * @param onBatch Called with each batch (at most `room` addresses in all).
 * @param wait Wraps each wait for a batch (to make it abortable).
 */
export async function readBatches(
  more: AsyncIterator<readonly string[]>,
  signal: AbortSignal,
  room: number,
  onBatch: (batch: readonly unknown[]) => void,
  wait: <T>(answer: Promise<T>) => Promise<T> = (answer) => answer,
): Promise<void> {
  try {
    while (room > 0) {
      await delay(0, { signal });
      const next = await wait(more.next());
      signal.throwIfAborted();
      if (next.done) return;
      const batch: unknown = next.value;
      if (!Array.isArray(batch)) {
        // checkAddresses() says what is wrong with it.
        onBatch(batch as readonly unknown[]);
        return;
      }
      const kept = batch.length > room ? batch.slice(0, room) : batch;
      room -= kept.length;
      onBatch(kept);
    }
  } finally {
    closeBatches(more);
  }
}

/** Tells a resolver that answers in batches that no more are wanted. */
export function closeBatches(more: AsyncIterator<unknown> | undefined): void {
  if (more === undefined) return;
  // return() may throw, reject, or be missing: none of it matters here.
  new Promise((done) => done(more.return?.())).catch(() => {});
}

/** Distinct IP literals of the wanted family, from a resolver's answer. */
export function checkAddresses(
  hostname: string,
  family: Family | undefined,
  found: unknown,
): string[] {
  if (!Array.isArray(found)) {
    throw new TypeError(
      `Cannot resolve '${hostname}' as the resolver must return an array of IP addresses: current value is ${found}`,
    );
  }
  const addresses = [
    ...new Set(found.map((address) => {
      const bare = typeof address === "string"
        ? address.replace(/^\[(.*)\]$/, "$1")
        : address;
      if (typeof bare !== "string" || !ipVersion(bare)) {
        throw new TypeError(
          `Cannot resolve '${hostname}' as the resolver must return IP addresses: current value is ${
            JSON.stringify(address)
          }`,
        );
      }
      return bare;
    })),
  ];
  return family === undefined
    ? addresses
    : addresses.filter((address) => familyOf(address) === family);
}

function resolutionError(hostname: string, cause: unknown): Error {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === "EPERM" || cause instanceof Deno.errors.NotCapable) {
    return new Deno.errors.NotCapable(
      `Cannot resolve '${hostname}' as net permission for it is missing: run with --allow-net=${hostname}`,
      { cause },
    );
  }
  return new Deno.errors.NotFound(
    `Cannot resolve '${hostname}': ${messageOf(cause)}`,
    { cause },
  );
}
