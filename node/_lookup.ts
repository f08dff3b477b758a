// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * Internal: a `node:net` `lookup` function (`dns.lookup`'s shape) as a
 * {@linkcode Resolver} of `connect()`, for `fromNodeOptions()`: a lookup
 * is how SSRF filters refuse private addresses, so it must be the resolver,
 * never ignored.
 *
 * @module
 */

import type { Resolver } from "../types.ts";

/** What `node:net` calls: `lookup(hostname, options, callback)`. */
export type NodeLookup = (
  hostname: string,
  options: { family: number; all: boolean; hints?: number },
  callback: (
    error: Error | null,
    address: string | readonly { address: string; family?: number }[],
    family?: number,
  ) => void,
) => void;

/**
 * The resolver that asks `lookup` for every address of a name (`all: true`,
 * as `node:net` asks when it races families). It rejects with the error the
 * lookup hands its callback or throws; it rejects with the signal's reason
 * when the call is no longer wanted, so that a lookup that never calls back
 * holds nothing. Later calls of the callback are ignored.
 *
 * @param lookup The caller's function.
 * @returns The resolver.
 */
export function lookupResolver(lookup: NodeLookup): Resolver {
  return (hostname, { family, signal }) =>
    new Promise<string[]>((resolve, reject) => {
      signal.throwIfAborted();
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = (error: unknown, addresses?: string[]) => {
        signal.removeEventListener("abort", onAbort);
        if (error !== undefined) reject(error);
        else resolve(addresses!);
      };
      try {
        lookup(hostname, { family: family ?? 0, all: true }, (
          error,
          address,
        ) => {
          if (error) return settle(error);
          const list = typeof address === "string"
            ? [address]
            : Array.isArray(address)
            ? address.map((entry) => entry?.address)
            : [];
          // connect() checks each answer; a list of no address fails the
          // name as a resolver's empty answer does.
          settle(undefined, list as string[]);
        });
      } catch (error) {
        settle(error);
      }
    });
}
