// Copyright 2026 the happy-eyeballs authors. MIT license.
// What connect() can attempt: the host name resolved to IP literals, by the
// system resolver (getaddrinfo) or by the caller's `resolver`, which may
// answer in batches (RFC 8305 §3); and `localAddr` resolved, which keeps only
// the destinations of a family it can serve. Failures name the host.
import { NEVER } from "../_common/timer.ts";
import { abortable } from "@std/async/abortable";
import { delay } from "@std/async/delay";
import { lookup } from "node:dns/promises";
import type { Family, Resolver } from "../types.ts";
import type { LocalAddresses } from "./dial.ts";
import { formatAddress } from "../errors.ts";
import { isAsyncIterable } from "../_common/async_iterable.ts";
import { messageOf, osErrorOf } from "../_common/errors.ts";
import { show } from "../_common/show.ts";
import {
  canonicalIp,
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

/** The look-ups under way, by family and name. */
const lookups = new Map<string, Promise<readonly string[]>>();

/**
 * The most getaddrinfo calls of ours under way at once, in the process.
 *
 * getaddrinfo cannot be cancelled: an abandoned look-up keeps one of the
 * runtime's threads for look-ups (about 32 in Deno 2.9.6, shared with
 * `Deno.connect` by name) until the system resolver gives up, 10 s or more
 * against a DNS server that does not answer. Measured here: 100 look-ups
 * abandoned at once stalled every later look-up in the process, even of
 * `localhost` by `Deno.connect`, for 30 s. Ours never take more than this
 * many of those threads; the others wait for their turn, and one whose call
 * has settled by then never starts.
 */
export const MAX_SYSTEM_LOOKUPS = 16;

/** How many getaddrinfo calls of ours are under way. */
let systemLookups = 0;
/** Look-ups waiting for their turn, first come first served. */
const waitingLookups: (() => void)[] = [];

/**
 * Waits until a getaddrinfo call of ours may start, and takes that turn;
 * rejects when `signal` aborts first.
 */
function waitForTurn(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = () => {
      signal?.removeEventListener("abort", abort);
      systemLookups++;
      resolve();
    };
    const abort = () => {
      waitingLookups.splice(waitingLookups.indexOf(start), 1);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
    waitingLookups.push(start);
  });
}

/** A getaddrinfo call of ours has ended: the next one may start. */
function endTurn(): void {
  systemLookups--;
  waitingLookups.shift()?.();
}

/**
 * The system resolver: getaddrinfo, in its own (RFC 6724) order, each
 * address once, at most {@linkcode MAX_ADDRESSES}. Concurrent look-ups of
 * the same name share one getaddrinfo call (as Go's resolver does); nothing
 * is kept once it has answered. At most {@linkcode MAX_SYSTEM_LOOKUPS} calls
 * run at once: the others wait for their turn, as long as `signal` lets them.
 */
function systemResolve(
  hostname: string,
  family: Family | undefined,
  signal?: AbortSignal,
): Promise<readonly string[]> {
  const key = family === undefined ? hostname : `${family} ${hostname}`;
  const found = lookups.get(key);
  if (found !== undefined) return found;
  if (systemLookups < MAX_SYSTEM_LOOKUPS) {
    systemLookups++;
    return startLookup(key, hostname, family);
  }
  return waitForTurn(signal).then(() => {
    // Another call may have started the same look-up meanwhile.
    const started = lookups.get(key);
    if (started === undefined) return startLookup(key, hostname, family);
    endTurn();
    return started;
  });
}

/**
 * Calls getaddrinfo on a turn already taken, and gives the turn back once
 * it has answered. The answer is frozen: concurrent calls share it.
 */
function startLookup(
  key: string,
  hostname: string,
  family: Family | undefined,
): Promise<readonly string[]> {
  let found: Promise<readonly string[]>;
  try {
    // `verbatim` keeps getaddrinfo's order; Deno's default puts IPv4 first.
    // One `then` for both outcomes: each promise layer costs per connection.
    found = lookup(hostname, { all: true, verbatim: true, family: family ?? 0 })
      .then((entries) => {
        lookups.delete(key);
        endTurn();
        let addresses = entries.map((entry) => entry.address);
        // getaddrinfo may list an address once per socket type.
        if (addresses.length > 1) addresses = [...new Set(addresses)];
        if (addresses.length > MAX_ADDRESSES) {
          addresses = addresses.slice(0, MAX_ADDRESSES);
        }
        return Object.freeze(addresses);
      }, (error) => {
        lookups.delete(key);
        endTurn();
        throw error;
      });
  } catch (error) {
    endTurn();
    return Promise.reject(error);
  }
  lookups.set(key, found);
  return found;
}

/** What {@linkcode resolve} found. */
export interface Resolution {
  /**
   * The usable addresses: from a resolver that streams, those of the
   * batches up to the first that has any not `tried` (none of those only
   * when the whole answer has none).
   */
  addresses: readonly string[];
  /** Addresses of the wanted family found unusable, until then. */
  unusable: string[];
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
 * needs no look-up. Failures name the host. "No address" is decided on the
 * whole answer: a resolver that streams is read on while its batches bring
 * no usable address.
 */
export async function resolve(
  hostname: string,
  family: Family | undefined,
  resolver: Resolver | undefined,
  signal: AbortSignal,
  { all = false, cancellable = true, usable, tried }: {
    /** Wait for every batch of a resolver that streams. */
    all?: boolean;
    /**
     * Addresses already tried: a resolver that streams is read on while its
     * batches bring only these (they are kept in the answer all the same).
     */
    tried?: ReadonlySet<string> | undefined;
    /** Which addresses of the family can be used (such as by `localAddr`). */
    usable?: ((address: string) => boolean) | undefined;
    /**
     * Whether `signal` may abort before the answer comes; if not, waits are
     * not made abortable, which costs.
     */
    cancellable?: boolean;
  } = {},
): Promise<Resolution> {
  const unusable: string[] = [];
  let invalid: unknown;
  /** The usable addresses of a batch; the others are kept for messages. */
  const keep = (found: unknown): string[] => {
    let addresses: string[];
    try {
      addresses = checkAddresses(hostname, family, found);
    } catch (error) {
      invalid = error;
      throw error;
    }
    if (!usable) return addresses;
    const kept = addresses.filter(usable);
    unusable.push(...addresses.filter((address) => !usable(address)));
    return kept;
  };
  if (ipVersion(hostname)) return { addresses: keep([hostname]), unusable };
  if (!resolver && !cancellable && !usable) {
    // The system's answer needs no checking: the shortest path.
    try {
      return {
        addresses: await systemResolve(hostname, family, signal),
        unusable,
      };
    } catch (error) {
      throw resolutionError(hostname, error);
    }
  }
  // getaddrinfo cannot be cancelled: stop waiting for it instead.
  const wait = <T>(answer: Promise<T>): Promise<T> =>
    cancellable ? abortable(answer, signal) : answer;
  let addresses: string[];
  let more: AsyncIterator<readonly unknown[]> | undefined;
  let ttl: number | undefined;
  try {
    const found = await wait(Promise.resolve(
      resolver
        ? resolver(hostname, { family, signal })
        : systemResolve(hostname, family, signal),
    ));
    if (isAsyncIterable<readonly string[]>(found)) {
      // A resolver that answers in batches: start with the first that has a
      // usable address, or with all of them when all are needed at once.
      // Tamed: timers and the signal run between two batches, and at most
      // MAX_ADDRESSES come.
      more = tameBatches(found[Symbol.asyncIterator](), signal, MAX_ADDRESSES);
      addresses = [];
      const untried = tried
        ? () => addresses.some((address) => !tried.has(address))
        : () => addresses.length > 0;
      while (all || !untried()) {
        const next = await wait(more.next());
        if (next.done) {
          more = undefined;
          break;
        }
        addresses.push(...keep(next.value));
      }
    } else {
      addresses = keep(firstOf(found));
      ttl = ttlOf(found);
    }
  } catch (error) {
    closeBatches(more);
    if (signal.aborted) throw signal.reason;
    // A resolver's answer that is no list of IP addresses: its own error.
    if (error === invalid) throw error;
    throw resolutionError(hostname, error);
  }
  if (signal.aborted) {
    closeBatches(more);
    throw signal.reason;
  }
  return {
    addresses: [...new Set(addresses)],
    unusable,
    more: more as AsyncIterator<readonly string[]> | undefined,
    ttl,
  };
}

/** At most {@linkcode MAX_ADDRESSES} of an answer; not an array as it is. */
function firstOf(found: unknown): unknown {
  return Array.isArray(found) && found.length > MAX_ADDRESSES
    ? found.slice(0, MAX_ADDRESSES)
    : found;
}

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

/** Distinct IP literals of the wanted family, from a resolver's answer. */
export function checkAddresses(
  hostname: string,
  family: Family | undefined,
  found: unknown,
): string[] {
  if (!Array.isArray(found)) {
    throw new TypeError(
      `Cannot resolve '${hostname}' as the resolver must return an array of IP addresses: current value is ${
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
          `Cannot resolve '${hostname}' as the resolver must return IP addresses: current value is ${
            show(address)
          }`,
        );
      }
      if (hasZoneId(bare)) {
        throw new TypeError(
          `Cannot resolve '${hostname}' as the resolver must return IP addresses without a zone id: current value is ${
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

function resolutionError(hostname: string, cause: unknown): Error {
  if (osErrorOf(cause) === "EPERM" || cause instanceof Deno.errors.NotCapable) {
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

/** What {@linkcode resolveTargets} resolves: the checked options. */
export interface TargetOptions {
  hostname: string;
  port: number;
  family: Family | undefined;
  localAddr: { hostname: string; port: number } | undefined;
  resolver: Resolver | undefined;
}

/** What can be attempted. */
export interface Targets {
  /** The addresses of the first batch that can be attempted. */
  addresses: readonly string[];
  /** The batches still to come, from a resolver that streams. */
  more: AsyncIterator<readonly string[]> | undefined;
  /** The local addresses to bind, when `localAddr` is set. */
  from: LocalAddresses | undefined;
  /** Checks a later batch as the first was: the addresses that can be attempted. */
  check(batch: unknown): string[];
  /**
   * Addresses left out before the first that can be attempted: `localAddr`
   * has no address of their family.
   */
  skipped: string[];
  /** The first batch as resolved, before `tried` was left out. */
  resolved: readonly string[];
  /** How long the answer may be kept (ms), when the resolver said so. */
  ttl: number | undefined;
}

/**
 * The addresses a history remembers for the host name, as targets: what
 * {@linkcode resolveTargets} makes of them without `localAddr`, at once.
 */
export function rememberedTargets(
  options: TargetOptions,
  cached: readonly string[],
): Targets {
  const { hostname, family } = options;
  return {
    addresses: [...cached],
    more: undefined,
    from: undefined,
    check: (batch) => checkAddresses(hostname, family, batch),
    skipped: [],
    resolved: cached,
    ttl: undefined,
  };
}

/**
 * What {@linkcode resolveTargets} makes of the system's answer, without
 * `localAddr` nor a signal to heed: the same, with two promise layers fewer,
 * on the path of most connections by name.
 */
export function systemTargets(
  options: TargetOptions,
  tried?: ReadonlySet<string>,
): Promise<Targets> {
  const { hostname, family } = options;
  if (ipVersion(hostname)) {
    return resolveTargets(options, NEVER, false, tried);
  }
  return systemResolve(hostname, family).then((resolved) => {
    if (resolved.length === 0) throw noAddress(options);
    return {
      addresses: tried ? resolved.filter((a) => !tried.has(a)) : resolved,
      more: undefined,
      from: undefined,
      check: (batch) => checkAddresses(hostname, family, batch),
      skipped: [],
      resolved,
      ttl: undefined,
    };
  }, (error) => {
    throw resolutionError(hostname, error);
  });
}

/** The error of a name that resolves to no address of the wanted family. */
function noAddress(options: TargetOptions): Error {
  const { hostname, port, family } = options;
  return new Deno.errors.NotFound(
    `Cannot connect to ${
      formatAddress({ hostname, port })
    } as it resolves to no ${
      family === undefined ? "" : `IPv${family} `
    }address`,
  );
}

/**
 * Resolves the host name, and `localAddr` if set, to what can be attempted.
 *
 * @param tried Addresses already tried: left out of every batch; a resolver
 * that streams is read on past batches that bring only these (the caller
 * handles a whole answer left empty).
 * @throws {Deno.errors.NotFound} If the name does not resolve, or to no
 * address of the wanted family.
 * @throws {TypeError} If no address has the family of a local address.
 */
export async function resolveTargets(
  options: TargetOptions,
  signal: AbortSignal,
  cancellable: boolean,
  tried?: ReadonlySet<string>,
): Promise<Targets> {
  const { hostname, port, family, localAddr, resolver } = options;
  const destination = formatAddress({ hostname, port });
  // The local addresses first: their families decide which answers of the
  // destination can be used (a literal, as usual, costs no look-up).
  let from: LocalAddresses | undefined;
  let served: Set<Family> | undefined;
  if (localAddr) {
    const locals =
      (await resolve(localAddr.hostname, undefined, resolver, signal, {
        all: true,
        cancellable,
      })).addresses;
    if (locals.length === 0) {
      throw new Deno.errors.NotFound(
        `Cannot connect to ${destination} from ${
          show(localAddr.hostname)
        } as 'localAddr.hostname' resolves to no address`,
      );
    }
    from = { addresses: locals, port: localAddr.port };
    served = new Set(locals.map(familyOf));
  }
  const resolution = await resolve(hostname, family, resolver, signal, {
    cancellable,
    usable: served && ((address) => served.has(familyOf(address))),
    tried,
  });
  const { addresses, unusable } = resolution;
  if (addresses.length === 0) {
    closeBatches(resolution.more);
    if (unusable.length > 0) {
      throw new TypeError(
        `Cannot connect to ${destination} from ${
          show(localAddr!.hostname)
        } as no address matches the family of 'localAddr': addresses are ${
          unusable.join(", ")
        }`,
      );
    }
    throw noAddress(options);
  }
  // Later batches too: an address already tried is not dialled again.
  const check = tried
    ? (batch: unknown) =>
      checkAddresses(hostname, family, batch).filter((a) => !tried.has(a))
    : (batch: unknown) => checkAddresses(hostname, family, batch);
  return {
    addresses: tried ? addresses.filter((a) => !tried.has(a)) : addresses,
    resolved: addresses,
    ttl: resolution.ttl,
    // Those of the family of no local address, until a usable batch came.
    skipped: unusable,
    more: resolution.more,
    from,
    check: served
      ? (batch) => check(batch).filter((a) => served.has(familyOf(a)))
      : check,
  };
}
