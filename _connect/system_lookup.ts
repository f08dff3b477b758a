// Copyright 2026 the happy-eyeballs authors. MIT license.
// The system resolver (getaddrinfo through node:dns), shared and bounded:
// concurrent look-ups of one name share one call, and at most
// MAX_SYSTEM_LOOKUPS run at once in the process. `node:dns` is loaded on the
// first look-up, not when this is imported: a program that connects only to
// IP literals, or with its own resolver, never pays for it.
import type { Family } from "../_common/ip.ts";
import { MAX_ADDRESSES } from "./answers.ts";

/** `node:dns/promises`'s `lookup`, once loaded. */
type Lookup = typeof import("node:dns/promises").lookup;

/** `lookup`, once `node:dns/promises` has been loaded. */
let loaded: Lookup | undefined;
/** `node:dns/promises` being loaded (the first look-up). */
let loading: Promise<Lookup> | undefined;

/**
 * `lookup`, as soon as it can be called: at once when loaded, else once
 * `node:dns/promises` is (one dynamic import for the whole process).
 */
function lookupFunction(): Lookup | Promise<Lookup> {
  return loaded ??
    (loading ??= import("node:dns/promises").then((dns) =>
      loaded = dns.lookup
    ));
}

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
const MAX_SYSTEM_LOOKUPS = 16;

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
export function systemResolve(
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
  // `verbatim` keeps getaddrinfo's order; Deno's default puts IPv4 first.
  const options = { all: true, verbatim: true, family: family ?? 0 } as const;
  const lookup = lookupFunction();
  try {
    // One `then` for both outcomes: each promise layer costs per connection.
    found = (typeof lookup === "function"
      ? lookup(hostname, options)
      : lookup.then((loaded) =>
        loaded(hostname, options)
      ))
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
