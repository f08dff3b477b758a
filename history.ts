// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * {@linkcode ConnectHistory}: remembered winners for {@linkcode connect}, the
 * state that RFC 8305 §4 and §5 allow a stateful client to use.
 *
 * Shared between calls, it remembers for each destination which address won
 * the last race and how long its connections took. Later connections try that
 * address first, and may wait less before starting the next attempt, so a host
 * whose IPv6 path is broken costs the full Connection Attempt Delay once, not
 * on every connection. Entries expire, so that a repaired path is tried again,
 * and their number is bounded.
 *
 * @example Remember the winner between connections
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import { ConnectHistory } from "@happy-eyeballs/connect/history";
 * import { assertEquals } from "@std/assert";
 *
 * const history = new ConnectHistory();
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const { port } = listener.addr;
 * // Nothing listens on [::1]:port: refused, then 127.0.0.1 wins.
 * const resolver = () => ["::1", "127.0.0.1"];
 * for (let i = 0; i < 2; i++) {
 *   using _conn = await connect({ hostname: "db.test", port, resolver, history });
 *   using _ = await listener.accept();
 * }
 * assertEquals(history.get(`db.test:${port}`)?.address, "127.0.0.1");
 * ```
 *
 * @module
 */
import { show } from "./_common/show.ts";

/**
 * RFC 8305 §5: a Connection Attempt Delay must not be shorter than 10 ms.
 */
const MINIMUM_DELAY = 10;
/** RFC 8305 §5: the recommended upper bound of the delay, 2 s. */
const MAXIMUM_DELAY = 2_000;

/** Options for {@linkcode ConnectHistory}. Times are in milliseconds. */
export interface ConnectHistoryOptions {
  /**
   * How many destinations to remember. When one more is recorded, the one
   * least recently used is forgotten.
   *
   * @default {1024}
   */
  maxEntries?: number;
  /**
   * How long a winner is remembered after it was learned. A winner that keeps
   * winning does not extend it: when it expires, the next connection races
   * in the normal order again, so that an address that lost because its path
   * was broken (such as IPv6) is tried again once the path is repaired.
   *
   * @default {600_000} (10 minutes)
   */
  ttl?: number;
  /**
   * The shortest Connection Attempt Delay that measured connect times may
   * lead to: from 10 (RFC 8305's minimum) to 2000 (its recommended maximum).
   * RFC 8305 recommends 100.
   *
   * @default {100}
   */
  minimumAttemptDelay?: number;
  /**
   * How long the addresses a host name resolved to are remembered, so that
   * later connections to it skip the look-up (as curl, 60 s by default, and
   * browsers do). Never longer than a `ttl` the resolver reports with its
   * answer. `0` turns it off.
   *
   * @default {60_000} (1 minute)
   */
  addressTtl?: number;
}

/** What a {@linkcode ConnectHistory} remembers about one destination. */
export interface ConnectRecord {
  /** The address (an IP literal) that won the last race. */
  address: string;
  /** The smoothed connect time of `address` (RFC 6298's SRTT), in ms. */
  connectTime: number;
  /** How much its connect time varies (RFC 6298's RTTVAR), in ms. */
  connectTimeVariation: number;
  /** How many connect times of `address` were measured. */
  samples: number;
  /** `performance.now()` when `address` was learned as the winner. */
  learnedAt: number;
}

/** Addresses a host name resolved to, and when they expire. */
interface CachedAddresses {
  addresses: readonly string[];
  expiresAt: number;
  /**
   * The resolver that answered; `undefined` for the system resolver. A
   * strong reference: it keeps the function (and its closure) alive until
   * the entry expires or is replaced (documented on ConnectHistory).
   */
  resolver: object | undefined;
}

/**
 * One spelling per host, so that one host has one entry: ASCII letters in
 * lower case (DNS names are case-insensitive, RFC 4343), without the trailing
 * dot of a fully qualified name unless `absolute` is kept (a name with it is
 * not looked up with the search list: the address cache keeps the two
 * apart). An IPv6 zone id (after `%`) is kept as is.
 */
function normalizeHost(host: string, absolute = false): string {
  if (isNormal(host, host.length, absolute)) return host;
  const zone = host.indexOf("%");
  const name = zone === -1 ? host : host.slice(0, zone);
  const lower = name.toLowerCase();
  const bare = !absolute && lower.length > 1 && lower.endsWith(".")
    ? lower.slice(0, -1)
    : lower;
  return zone === -1 ? bare : bare + host.slice(zone);
}

/**
 * Whether the first `end` characters of `value` are already in the one
 * spelling: no upper-case ASCII letter, no zone id, no trailing dot (unless
 * `absolute`). Most are: a scan, to make no new string on every connection.
 */
function isNormal(value: string, end: number, absolute = false): boolean {
  for (let i = 0; i < end; i++) {
    const code = value.charCodeAt(i);
    if ((code >= 65 && code <= 90) || code === 37) return false;
  }
  return absolute || end <= 1 || value.charCodeAt(end - 1) !== 46;
}

/** A destination `host:port` (or `[ipv6]:port`) in one spelling per host. */
function normalizeDestination(destination: string): string {
  const colon = destination.lastIndexOf(":");
  if (colon <= 0 || destination.startsWith("[")) {
    return normalizeHost(destination);
  }
  if (isNormal(destination, colon)) return destination;
  return normalizeHost(destination.slice(0, colon)) + destination.slice(colon);
}

/**
 * A map that keeps its keys from least to most recently used, and at most a
 * given number of them.
 */
class RecentMap<T> {
  #map = new Map<string, T>();
  /** The key used last: using it again moves nothing. */
  #newest: string | undefined;

  get size(): number {
    return this.#map.size;
  }

  get(key: string): T | undefined {
    return this.#map.get(key);
  }

  /** Marks `key`, with its `value`, as the most recently used. */
  touch(key: string, value: T): void {
    if (this.#newest === key) return;
    // A Map iterates in insertion order: the last key is the newest.
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#newest = key;
  }

  /** Sets `key` as the most recently used; forgets the oldest beyond `max`. */
  set(key: string, value: T, max: number): void {
    this.#newest = undefined;
    this.touch(key, value);
    while (this.#map.size > max) {
      this.#map.delete(this.#map.keys().next().value!);
    }
  }

  delete(key: string): boolean {
    if (this.#newest === key) this.#newest = undefined;
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
    this.#newest = undefined;
  }
}

function checkNumber(
  option: string,
  value: unknown,
  rule: string,
  ok: (value: number) => boolean,
): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot create history as '${option}' must be a number: current value is ${
        show(value)
      }`,
    );
  }
  if (!ok(value)) {
    throw new RangeError(
      `Cannot create history as '${option}' must be ${rule}: current value is ${
        show(value)
      }`,
    );
  }
  return value;
}

/**
 * Remembers, for each destination, the address that won the last race and
 * the times its connections took, for {@linkcode connect}'s `history` option
 * (RFC 8305 §4 and §5, stateful client).
 *
 * With it, a connection tries the remembered winner first; when the winner's
 * connect time is known, the next attempt starts after an estimate of it (its
 * smoothed connect time plus four times its variation, as TCP's RFC 6298
 * retransmission timeout), bounded by `minimumAttemptDelay` and 2 seconds,
 * and never later than the configured delay. Destinations are keys such as
 * `"example.com:443"`, one per host however it is spelled: `"Example.COM.:443"`
 * is the same destination.
 *
 * It also remembers the addresses each host name resolved to, for
 * `addressTtl` (1 minute by default), so that later connections skip the
 * look-up. A race that fails on remembered addresses resolves the name again
 * before it fails. Addresses are used only with the resolver that answered
 * them (the same function; the system resolver without one): a connection
 * with another resolver looks the name up, and its answer replaces them.
 *
 * Memory is bounded: at most `maxEntries` destinations, the least recently
 * used forgotten first, each holding one address and four numbers; and at
 * most as many remembered answers (one per host name and family asked for),
 * each holding its addresses, when it expires, and the `resolver` function
 * that answered: that function, with what its closure holds, stays in memory
 * while its answer is remembered (at most `addressTtl`), even when it was
 * made anew for one call and can never be asked again.
 *
 * @example Order addresses and shorten the delay
 * ```ts
 * import { ConnectHistory } from "@happy-eyeballs/connect/history";
 * import { assertEquals } from "@std/assert";
 *
 * const history = new ConnectHistory({ minimumAttemptDelay: 50 });
 * const addresses = ["::1", "127.0.0.1"];
 * assertEquals(history.order("db.test:5432", addresses), addresses);
 *
 * history.record("db.test:5432", "127.0.0.1", 1.5);
 * assertEquals(history.order("db.test:5432", addresses), ["127.0.0.1", "::1"]);
 * // 1.5 ms measured: the next attempt may start after 50 ms instead of 250.
 * assertEquals(history.attemptDelay("db.test:5432", "127.0.0.1", 250), 50);
 * ```
 */
export class ConnectHistory {
  #entries = new RecentMap<ConnectRecord>();
  #addresses = new RecentMap<CachedAddresses>();
  #maxEntries: number;
  #ttl: number;
  #minimumAttemptDelay: number;
  #addressTtl: number;

  /**
   * Makes an empty history.
   *
   * @param options How much to remember, for how long, and the shortest
   * delay.
   * @throws {TypeError} If an option is not a number.
   * @throws {RangeError} If `maxEntries` is not a positive integer, `ttl` is
   * not positive, `minimumAttemptDelay` is not from 10 to 2000, or
   * `addressTtl` is negative.
   */
  constructor(options: ConnectHistoryOptions = {}) {
    const {
      maxEntries = 1024,
      ttl = 600_000,
      minimumAttemptDelay = 100,
      addressTtl = 60_000,
    } = options;
    this.#maxEntries = checkNumber(
      "maxEntries",
      maxEntries,
      "a positive integer",
      (n) => Number.isInteger(n) && n > 0,
    );
    this.#ttl = checkNumber("ttl", ttl, "a positive number", (n) => n > 0);
    this.#minimumAttemptDelay = checkNumber(
      "minimumAttemptDelay",
      minimumAttemptDelay,
      `from ${MINIMUM_DELAY} to ${MAXIMUM_DELAY}`,
      (n) => n >= MINIMUM_DELAY && n <= MAXIMUM_DELAY,
    );
    this.#addressTtl = checkNumber(
      "addressTtl",
      addressTtl,
      "a non-negative number",
      (n) => n >= 0,
    );
  }

  /**
   * How many destinations are remembered, counting expired ones.
   *
   * @example Count the destinations
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * assertEquals(history.size, 0);
   * history.record("db.test:5432", "::1", 3);
   * history.record("db.test:5432", "127.0.0.1", 2);
   * history.record("cache.test:6379", "127.0.0.1", 1);
   * assertEquals(history.size, 2);
   * ```
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * What is remembered about a destination, unless it expired.
   *
   * @param destination The destination, such as `"example.com:443"`.
   * @returns A copy of the record, or `undefined`.
   *
   * @example Read a record
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.record("db.test:5432", "127.0.0.1", 2);
   * assertEquals(history.get("db.test:5432")?.connectTime, 2);
   * assertEquals(history.get("other.test:5432"), undefined);
   * ```
   */
  get(destination: string): ConnectRecord | undefined {
    const entry = this.#lookup(normalizeDestination(destination));
    return entry && { ...entry };
  }

  /**
   * Puts the remembered winner of a destination first, keeping the order of
   * the other addresses (RFC 8305 §4: history may rank addresses before the
   * families are interleaved).
   *
   * @param destination The destination, such as `"example.com:443"`.
   * @param addresses The addresses in the resolver's order.
   * @returns A new array of the same addresses.
   *
   * @example Winner first
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.record("db.test:5432", "127.0.0.2", 1);
   * assertEquals(
   *   history.order("db.test:5432", ["::1", "127.0.0.1", "127.0.0.2"]),
   *   ["127.0.0.2", "::1", "127.0.0.1"],
   * );
   * ```
   */
  order(destination: string, addresses: readonly string[]): string[] {
    const winner = this.#lookup(normalizeDestination(destination))?.address;
    const at = winner === undefined ? -1 : addresses.indexOf(winner);
    if (at <= 0) return [...addresses];
    return [winner!, ...addresses.slice(0, at), ...addresses.slice(at + 1)];
  }

  /**
   * The Connection Attempt Delay to use after starting an attempt to
   * `address`: shorter than `delay` when `address` is the remembered winner
   * and its connect times say that it answers sooner (RFC 8305 §5).
   *
   * @param destination The destination, such as `"example.com:443"`.
   * @param address The address of the attempt just started.
   * @param delay The delay configured, used when nothing is known.
   * @returns `min(delay, max(minimumAttemptDelay, min(2000, estimate)))`
   * where the estimate is `connectTime + 4 * connectTimeVariation`; `delay`
   * when `address` is not the remembered winner.
   *
   * @example A fast winner shortens the delay
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * assertEquals(history.attemptDelay("db.test:5432", "::1", 250), 250);
   * history.record("db.test:5432", "::1", 30);
   * // 30 + 4 * 15 = 90, raised to the recommended minimum of 100.
   * assertEquals(history.attemptDelay("db.test:5432", "::1", 250), 100);
   * ```
   */
  attemptDelay(destination: string, address: string, delay: number): number {
    const entry = this.#lookup(normalizeDestination(destination));
    if (entry?.address !== address) return delay;
    const estimate = entry.connectTime + 4 * entry.connectTimeVariation;
    const bounded = Math.max(
      this.#minimumAttemptDelay,
      Math.min(MAXIMUM_DELAY, estimate),
    );
    return Math.min(delay, bounded);
  }

  /**
   * Records that `address` won a race to `destination` after connecting in
   * `connectTime` ms. The same winner again refines its connect time (RFC
   * 6298's smoothing) without extending its life; a different winner
   * replaces it.
   *
   * @param destination The destination, such as `"example.com:443"`.
   * @param address The address (an IP literal) that won.
   * @param connectTime How long its connection took, in ms.
   * @throws {RangeError} If `connectTime` is negative or not finite.
   *
   * @example Record a win
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.record("db.test:5432", "::1", 8);
   * history.record("db.test:5432", "::1", 16);
   * assertEquals(history.get("db.test:5432")?.connectTime, 9);
   * ```
   */
  record(destination: string, address: string, connectTime: number): void {
    if (!(connectTime >= 0 && connectTime < Infinity)) {
      throw new RangeError(
        `Cannot record a connection as 'connectTime' must be a non-negative finite number: current value is ${
          show(connectTime)
        }`,
      );
    }
    const key = normalizeDestination(destination);
    const entry = this.#lookup(key);
    if (entry?.address === address) {
      // RFC 6298 §2.3, with its alpha = 1/8 and beta = 1/4.
      entry.connectTimeVariation = 0.75 * entry.connectTimeVariation +
        0.25 * Math.abs(entry.connectTime - connectTime);
      entry.connectTime = 0.875 * entry.connectTime + 0.125 * connectTime;
      entry.samples++;
      return;
    }
    this.#entries.set(key, {
      address,
      connectTime,
      connectTimeVariation: connectTime / 2,
      samples: 1,
      learnedAt: performance.now(),
    }, this.#maxEntries);
  }

  /**
   * Forgets a destination.
   *
   * @param destination The destination, such as `"example.com:443"`.
   * @returns Whether it was remembered.
   *
   * @example Forget one destination
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.record("db.test:5432", "::1", 1);
   * assertEquals(history.delete("db.test:5432"), true);
   * assertEquals(history.size, 0);
   * ```
   */
  delete(destination: string): boolean {
    return this.#entries.delete(normalizeDestination(destination));
  }

  /**
   * Forgets every destination.
   *
   * @example Start afresh
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.record("db.test:5432", "::1", 1);
   * history.clear();
   * assertEquals(history.size, 0);
   * ```
   */
  clear(): void {
    this.#entries.clear();
    this.#addresses.clear();
  }

  /**
   * The addresses a host name resolved to, while they are remembered (see
   * `addressTtl`): {@linkcode connect} uses them instead of resolving again.
   *
   * @param hostname The host name, in any case; with a trailing dot, another
   * name than without (it is not looked up with the search list).
   * @param family The family asked for (`4` or `6`), or `undefined` for both.
   * @param resolver The `resolver` function that would look the name up;
   * `undefined` for the system resolver. Addresses another one answered are
   * not given.
   * @returns The addresses in the resolver's order, or `undefined`.
   *
   * @example Remember a look-up
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory({ addressTtl: 30_000 });
   * history.recordAddresses("db.test", undefined, ["::1", "127.0.0.1"]);
   * assertEquals(history.addresses("DB.test"), ["::1", "127.0.0.1"]);
   * // Absolute: another name, which is looked up without the search list.
   * assertEquals(history.addresses("db.test."), undefined);
   * assertEquals(history.addresses("db.test", 4), undefined);
   * // Another resolver's look-up: not the system's answer.
   * assertEquals(history.addresses("db.test", undefined, () => []), undefined);
   * ```
   */
  addresses(
    hostname: string,
    family?: 4 | 6 | undefined,
    resolver?: object | undefined,
  ): readonly string[] | undefined {
    if (this.#addressTtl === 0) return undefined;
    const key = `${family ?? 0} ${normalizeHost(hostname, true)}`;
    const entry = this.#addresses.get(key);
    if (entry === undefined || entry.resolver !== resolver) return undefined;
    if (performance.now() >= entry.expiresAt) {
      this.#addresses.delete(key);
      return undefined;
    }
    this.#addresses.touch(key, entry);
    return entry.addresses;
  }

  /**
   * Remembers the addresses a host name resolved to, for `addressTtl`, or for
   * `ttl` if the resolver reported a shorter one. An empty list is not
   * remembered.
   *
   * @param hostname The host name that was resolved.
   * @param family The family asked for (`4` or `6`), or `undefined` for both.
   * @param addresses The addresses, in the resolver's order.
   * @param ttl How long the resolver says its answer may be kept, in ms.
   * @param resolver The `resolver` function that answered; `undefined` for
   * the system resolver.
   *
   * @example A resolver's TTL shortens the time
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.recordAddresses("db.test", 6, ["::1"], 0);
   * assertEquals(history.addresses("db.test", 6), undefined);
   * ```
   */
  recordAddresses(
    hostname: string,
    family: 4 | 6 | undefined,
    addresses: readonly string[],
    ttl: number = Infinity,
    resolver?: object | undefined,
  ): void {
    const key = `${family ?? 0} ${normalizeHost(hostname, true)}`;
    const time = Math.min(this.#addressTtl, ttl);
    this.#addresses.delete(key);
    // `!(time > 0)` also refuses NaN.
    if (!(time > 0) || addresses.length === 0) return;
    this.#addresses.set(key, {
      addresses: Object.freeze([...addresses]),
      expiresAt: performance.now() + time,
      resolver,
    }, this.#maxEntries);
  }

  /**
   * Forgets the addresses a host name resolved to, for both families and
   * each one, so that the next connection resolves it again.
   *
   * @param hostname The host name, in any spelling.
   * @returns Whether any were remembered.
   *
   * @example Resolve afresh
   * ```ts
   * import { ConnectHistory } from "@happy-eyeballs/connect/history";
   * import { assertEquals } from "@std/assert";
   *
   * const history = new ConnectHistory();
   * history.recordAddresses("db.test", undefined, ["::1"]);
   * assertEquals(history.deleteAddresses("db.test"), true);
   * assertEquals(history.addresses("db.test"), undefined);
   * ```
   */
  deleteAddresses(hostname: string): boolean {
    const host = normalizeHost(hostname, true);
    let found = false;
    for (const family of [0, 4, 6]) {
      found = this.#addresses.delete(`${family} ${host}`) || found;
    }
    return found;
  }

  /** The live entry of a normalized destination, marked as recently used. */
  #lookup(key: string): ConnectRecord | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (performance.now() - entry.learnedAt >= this.#ttl) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.touch(key, entry);
    return entry;
  }
}
