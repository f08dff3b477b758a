// Copyright 2026 the happy-eyeballs authors. MIT license.
// What connect() can attempt: the host name resolved to IP literals, by the
// system resolver (getaddrinfo) or by the caller's `resolver`, which may
// answer in batches (RFC 8305 §3); and `localAddr` resolved, which keeps only
// the destinations of a family it can serve. Failures name the host.
import { abortable } from "@std/async/abortable";
import type { Family, Resolver } from "../types.ts";
import {
  checkAddresses,
  closeBatches,
  MAX_ADDRESSES,
  tameBatches,
  ttlOf,
} from "./answers.ts";
import { systemResolve } from "./system_lookup.ts";
import { isAsyncIterable } from "../_common/async_iterable.ts";
import { messageOf, osErrorOf, withoutHost } from "../_common/errors.ts";
import { hideHost, show, showDestination, showHost } from "../_common/show.ts";
import {
  familyOf,
  ipVersion,
  joinHostPort,
  type LocalAddresses,
} from "../_common/ip.ts";

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

/**
 * Resolves `hostname` to distinct IP literals of the wanted family. A literal
 * needs no look-up. Failures name the host. "No address" is decided on the
 * whole answer: a resolver that streams is read on while its batches bring
 * no usable address.
 */
async function resolve(
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
  const checking = <T>(check: () => T): T => {
    try {
      return check();
    } catch (error) {
      invalid = error;
      throw error;
    }
  };
  const keep = (found: unknown): string[] => {
    const addresses = checking(() => checkAddresses(hostname, family, found));
    if (!usable) return addresses;
    const kept = addresses.filter(usable);
    unusable.push(...addresses.filter((address) => !usable(address)));
    return kept;
  };
  if (ipVersion(hostname)) return { addresses: keep([hostname]), unusable };
  if (!resolver && !cancellable && !usable) {
    // The system's answer needs no checking (a hosts entry with a zone id
    // included, as getaddrinfo gives it).
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
      ttl = checking(() => ttlOf(hostname, found as object));
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

function resolutionError(hostname: string, error: unknown): Error {
  // A key passed as the host name by mistake: not in the cause either.
  const cause = withoutHost(error, hostname);
  if (osErrorOf(cause) === "EPERM" || cause instanceof Deno.errors.NotCapable) {
    return new Deno.errors.NotCapable(
      `Cannot resolve ${
        showHost(hostname)
      } as net permission for it is missing: run with --allow-net=${
        hideHost(hostname, hostname)
      }`,
      { cause },
    );
  }
  return new Deno.errors.NotFound(
    `Cannot resolve ${showHost(hostname)}: ${messageOf(cause)}`,
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
  /**
   * Told once when the race wants its next attempt and none is pending
   * while `more` may still bring some: remembered addresses that have not
   * connected within the attempt delay (or failed), time to look up afresh.
   */
  starved?: (() => void) | undefined;
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
  // A name: an IP literal without `localAddr` is literalSource()'s.
  const { hostname, family } = options;
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
      showDestination(joinHostPort(hostname, port))
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
  const destination = showDestination(joinHostPort(hostname, port));
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
