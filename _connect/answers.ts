// Copyright 2026 the happy-eyeballs authors. MIT license.
// A resolver's answers: checked (distinct IP literals of the wanted family),
// and, from a resolver that answers in batches (RFC 8305 §3), tamed: bounded
// in how many addresses they may bring, yielding to timers and I/O between
// batches, and told when no more are wanted.
import { delay } from "@std/async/delay";
import { scopedAddress } from "../_common/zone.ts";
import { show, showHost } from "../_common/show.ts";
import {
  canonicalIp,
  type Family,
  familyOf,
  hasZoneId,
  ipVersion,
  unbracket,
} from "../_common/ip.ts";

/**
 * The most addresses that one name may bring, counted as they come
 * (duplicates included): what a resolver answers beyond them is ignored.
 * RFC 8305 sets no bound; memory needs one, against a resolver that never
 * stops answering.
 */
export const MAX_ADDRESSES = 64;

/**
 * The batches of a resolver that answers in batches, tamed: before each
 * batch but the first, timers, I/O and `signal` get their turn (a resolver
 * that answers without ever waiting would otherwise starve them); once
 * `room` addresses have come (a batch counts as one at least), it is done,
 * so that memory stays bounded; when done or returned, the resolver's
 * iterator is closed.
 *
 * @param batches The resolver's iterator.
 * @param signal Aborting it rejects the pending `next()` with its reason.
 * @param room How many addresses may come; the rest is ignored.
 * @returns An iterator of the batches, each cut to the room left.
 */
export function tameBatches(
  batches: AsyncIterator<readonly unknown[]>,
  signal: AbortSignal,
  room: number,
): AsyncIterator<readonly unknown[]> {
  let first = true;
  const done = (): Promise<IteratorReturnResult<undefined>> => {
    room = 0;
    closeBatches(batches);
    return Promise.resolve({ done: true, value: undefined });
  };
  return {
    async next() {
      if (room <= 0) return done();
      try {
        if (!first) await delay(0, { signal });
        first = false;
        const next = await batches.next();
        signal.throwIfAborted();
        if (next.done) return done();
        const batch: unknown = next.value;
        // Not an array: checkAddresses() says what is wrong with it.
        if (!Array.isArray(batch)) return { done: false, value: batch as [] };
        const kept = batch.length > room ? batch.slice(0, room) : batch;
        room -= Math.max(1, kept.length);
        return { done: false, value: kept };
      } catch (error) {
        done();
        throw error;
      }
    },
    return: done,
  };
}

/**
 * Tells a resolver that answers in batches that no more are wanted.
 *
 * @param more The batches still to come, if any.
 */
export function closeBatches(
  more: AsyncIterator<unknown> | undefined,
): void {
  if (more === undefined) return;
  // return() may throw, reject, or be missing: none of it matters here.
  new Promise((done) => done(more.return?.())).catch(() => {});
}

/**
 * How long a resolver's array answer may be kept (ms): its own `ttl`, a
 * finite non-negative number, or `undefined` when it has none (an inherited
 * one is not the answer's).
 *
 * @throws {TypeError} When the answer has a `ttl` of another kind.
 */
export function ttlOf(hostname: string, answer: object): number | undefined {
  if (!Object.hasOwn(answer, "ttl")) return undefined;
  const ttl: unknown = (answer as { ttl?: unknown }).ttl;
  if (ttl === undefined) return undefined;
  if (typeof ttl === "number" && Number.isFinite(ttl) && ttl >= 0) return ttl;
  throw new TypeError(
    `Cannot resolve ${
      showHost(hostname)
    } as the 'ttl' of the resolver's answer must be a finite non-negative number of milliseconds: current value is ${
      show(ttl)
    }`,
  );
}

/** Distinct IP literals of the wanted family, from a resolver's answer. */
export function checkAddresses(
  hostname: string,
  family: Family | undefined,
  found: unknown,
): string[] {
  if (!Array.isArray(found)) {
    throw new TypeError(
      `Cannot resolve ${
        showHost(hostname)
      } as the resolver must return an array of IP addresses: current value is ${
        show(found)
      }`,
    );
  }
  // Distinct in their canonical form: `0:0:0:0:0:0:0:1` is `::1`.
  const addresses = [
    ...new Set(found.map((address) => {
      const bare = typeof address === "string" ? unbracket(address) : address;
      if (typeof bare !== "string" || !ipVersion(bare)) {
        throw new TypeError(
          `Cannot resolve ${
            showHost(hostname)
          } as the resolver must return IP addresses: current value is ${
            show(address)
          }`,
        );
      }
      if (hasZoneId(bare)) {
        // Deno.connect takes the interface index: a name is mapped to it.
        const scoped = scopedAddress(bare);
        if (scoped !== undefined) return scoped;
        throw new TypeError(
          `Cannot resolve ${
            showHost(hostname)
          } as the resolver must return IP addresses, an IPv6 zone id an interface index or the name of an interface with a link-local address: current value is ${
            show(address)
          }`,
        );
      }
      return canonicalIp(bare);
    })),
  ];
  return family === undefined
    ? addresses
    : addresses.filter((address) => familyOf(address) === family);
}
