// Copyright 2026 the happy-eyeballs authors. MIT license.
// Resolving the host name of connect() to IP literals: by the system resolver
// (getaddrinfo) or by the caller's `resolver`, which may answer in batches
// (RFC 8305 §3). Failures name the host.
import { abortable } from "@std/async/abortable";
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

/**
 * Whether `value` is a dotted-quad IPv4 address as `isIP()` takes it (four
 * decimal numbers up to 255, without leading zeros): a scan of its characters,
 * about a microsecond cheaper per connection than `isIP()`'s regular
 * expressions.
 */
function isIpv4(value: string): boolean {
  let parts = 0;
  let number = 0;
  let digits = 0;
  for (let i = 0; i <= value.length; i++) {
    // The end acts as a last dot.
    const code = i < value.length ? value.charCodeAt(i) : 46;
    if (code === 46) {
      if (digits === 0 || number > 255) return false;
      parts++;
      number = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      // A leading zero only alone.
      if (digits === 1 && number === 0) return false;
      number = number * 10 + code - 48;
      digits++;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** `isIP()`, quick to answer for host names and IPv4 (see {@linkcode isIpv4}). */
export function ipVersion(value: string): number {
  if (value.includes(":")) return isIP(value);
  return isIpv4(value) ? 4 : 0;
}

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
  const key = family === undefined ? hostname : `${family} ${hostname}`;
  let found = lookups.get(key);
  if (found === undefined) {
    // `verbatim` keeps getaddrinfo's order; Deno's default puts IPv4 first.
    // One `then` for both outcomes: each promise layer costs per connection.
    found = lookup(hostname, { all: true, verbatim: true, family: family ?? 0 })
      .then((entries) => {
        lookups.delete(key);
        const addresses = entries.map((entry) => entry.address);
        // getaddrinfo may list an address once per socket type.
        return addresses.length > 1 ? [...new Set(addresses)] : addresses;
      }, (error) => {
        lookups.delete(key);
        throw error;
      });
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
  /** How long the answer may be kept (ms), when the resolver said so. */
  ttl?: number | undefined;
}

/** The `ttl` a resolver's answer carries, if it is a non-negative number. */
function ttlOf(answer: unknown): number | undefined {
  const ttl = (answer as { ttl?: unknown }).ttl;
  return typeof ttl === "number" && ttl >= 0 ? ttl : undefined;
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
  if (!resolver && !cancellable) {
    // The system's answer needs no checking: the shortest path.
    try {
      return { addresses: await systemResolve(hostname, family) };
    } catch (error) {
      throw resolutionError(hostname, error);
    }
  }
  // getaddrinfo cannot be cancelled: stop waiting for it instead.
  const wait = <T>(answer: Promise<T>): Promise<T> =>
    cancellable ? abortable(answer, signal) : answer;
  let found: readonly string[] | AsyncIterable<readonly string[]>;
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
      while (all) {
        const next = await wait(more.next());
        if (next.done) break;
        found = [...found, ...next.value];
      }
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw resolutionError(hostname, error);
  }
  signal.throwIfAborted();
  const addresses = checkAddresses(hostname, family, found);
  return { addresses, more, ttl: more ? undefined : ttlOf(found) };
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
