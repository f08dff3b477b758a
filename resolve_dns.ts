// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * {@linkcode dnsResolver}: host name resolution as RFC 8305 §3 asks, for
 * {@linkcode connect}'s `resolver` option.
 *
 * The AAAA and A queries go out together (`Deno.resolveDns`), and connecting
 * starts as soon as there is something to connect to: at once when AAAA
 * answers first, or, when A answers first, after waiting the Resolution Delay
 * (50 ms) for AAAA. Answers that come later are folded into the connection
 * attempts not yet started. So a slow or lost AAAA answer delays a connection
 * by 50 ms at most, and a slow A answer not at all.
 *
 * @example Connect with RFC 8305 §3 resolution
 * ```ts ignore
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import { dnsResolver } from "@happy-eyeballs/connect/resolve-dns";
 *
 * const conn = await connect({
 *   hostname: "example.com",
 *   port: 80,
 *   resolver: dnsResolver({ resolutionDelay: 50 }),
 * });
 * conn.close();
 * ```
 *
 * @module
 */
import type { Family, ResolverOptions } from "./types.ts";
import { deadline } from "@std/async/deadline";
import { show, showHost } from "./_common/show.ts";
import { messageOf } from "./_common/errors.ts";
import { hasZoneId, ipVersion } from "./_common/ip.ts";
import { MAX_TIMEOUT } from "./_common/timer.ts";

/** Options for {@linkcode dnsResolver}. Times are in milliseconds. */
export interface DnsResolverOptions {
  /**
   * How long to wait for the AAAA answer when the A answer came first (RFC
   * 8305 §3 "Resolution Delay"; it recommends 50). `0` starts with the A
   * answer at once.
   *
   * @default {50}
   */
  resolutionDelay?: number;
  /**
   * The name server to ask, as `Deno.resolveDns` takes it. Without it, the
   * system's (from /etc/resolv.conf) is asked.
   *
   * @default {undefined}
   */
  nameServer?: { ipAddr: string; port?: number } | undefined;
}

/**
 * A resolver for `connect()` that yields addresses in batches, as they come:
 * what {@linkcode dnsResolver} makes.
 */
export type DnsResolver = (
  hostname: string,
  options: ResolverOptions,
) => AsyncIterable<string[]>;

/** The record type that holds the addresses of a family. */
const RECORD_TYPE: Readonly<Record<Family, "A" | "AAAA">> = {
  4: "A",
  6: "AAAA",
};

/** The outcome of one query: its addresses, or why there are none. */
interface Answer {
  type: "A" | "AAAA";
  addresses: string[];
  error?: unknown;
}

function query(
  hostname: string,
  type: "A" | "AAAA",
  nameServer: DnsResolverOptions["nameServer"],
  signal: AbortSignal,
): Promise<Answer> {
  return Deno.resolveDns(hostname, type, {
    signal,
    ...(nameServer ? { nameServer } : {}),
  }).then(
    (addresses): Answer => ({ type, addresses }),
    (error): Answer => ({ type, addresses: [], error }),
  );
}

/** `answer`, or `undefined` when `ms` pass first. */
async function within(
  answer: Promise<Answer>,
  ms: number,
): Promise<Answer | undefined> {
  try {
    return await deadline(answer, ms);
  } catch (error) {
    // `answer` never rejects: only the deadline can.
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return undefined;
    }
    throw error;
  }
}

/**
 * Why a name has no address, as far as `Deno.resolveDns` tells: a missing
 * permission; no answer that could be read in time (a silent or unreachable
 * name server, or one that answers garbage: `TimedOut`); or an answer without
 * the record (no such name, no record of the type and a server failure alike:
 * `NotFound`).
 */
function noAddress(hostname: string, answers: Answer[]): Error {
  const denied = answers.find((a) => a.error instanceof Deno.errors.NotCapable);
  if (denied) return denied.error as Error;
  const name = showHost(hostname);
  const cause = new AggregateError(answers.map((a) => a.error));
  const types = answers.map((a) => a.type).join(" or ");
  const kinds = new Set(answers.map((a) => kindOf(a.error)));
  if (kinds.size === 1 && kinds.has("timeout")) {
    return new Deno.errors.TimedOut(
      `No answer to the ${types} query for ${name} came in time: the name server is silent or unreachable, or answered what could not be read`,
      { cause },
    );
  }
  if (kinds.size === 1 && kinds.has("none")) {
    return new Deno.errors.NotFound(
      `No ${types} record found for ${name}: ${NONE}`,
      { cause },
    );
  }
  return new Deno.errors.NotFound(
    `No address found for ${name}: ${
      answers.map((a) => `${a.type}: ${reasonOf(a.error)}`).join("; ")
    }`,
    { cause },
  );
}

/** What an answer without the record may mean. */
const NONE =
  "no such name, no record of the type, or a server failure (Deno.resolveDns does not tell them apart)";

/** How a query failed: no answer in time, no record, or otherwise. */
function kindOf(error: unknown): "timeout" | "none" | "other" {
  if (error instanceof Deno.errors.TimedOut) return "timeout";
  if (error === undefined || error instanceof Deno.errors.NotFound) {
    return "none";
  }
  return "other";
}

/** Why one query found no address, in a few words. */
function reasonOf(error: unknown): string {
  switch (kindOf(error)) {
    case "timeout":
      return "no answer that could be read came in time";
    case "none":
      return NONE;
    default:
      return messageOf(error);
  }
}

async function* resolveFamily(
  hostname: string,
  type: "A" | "AAAA",
  nameServer: DnsResolverOptions["nameServer"],
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  const answer = await query(hostname, type, nameServer, signal);
  signal.throwIfAborted();
  if (answer.addresses.length === 0) throw noAddress(hostname, [answer]);
  yield answer.addresses;
}

async function* resolveBoth(
  hostname: string,
  resolutionDelay: number,
  nameServer: DnsResolverOptions["nameServer"],
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  const aaaa = query(hostname, "AAAA", nameServer, signal);
  const a = query(hostname, "A", nameServer, signal);
  const first = await Promise.race([aaaa, a]);
  signal.throwIfAborted();
  if (first.type === "A" && first.addresses.length > 0) {
    // A came first: give AAAA the Resolution Delay to come too.
    const prompt = await within(aaaa, resolutionDelay);
    signal.throwIfAborted();
    if (prompt) {
      yield [...prompt.addresses, ...first.addresses];
      return;
    }
    yield first.addresses;
  } else if (first.addresses.length > 0) {
    // A positive AAAA answer: connect at once.
    yield first.addresses;
  }
  const last = await (first.type === "A" ? aaaa : a);
  signal.throwIfAborted();
  if (last.addresses.length > 0) {
    yield last.addresses;
  } else if (first.addresses.length === 0) {
    throw noAddress(
      hostname,
      first.type === "AAAA" ? [first, last] : [last, first],
    );
  }
}

/**
 * Makes a resolver that resolves names as RFC 8305 §3 asks, for
 * {@linkcode connect}'s `resolver` option.
 *
 * It sends the AAAA and A queries at once and yields batches of addresses as
 * they come: the AAAA answer at once when it comes first; when the A answer
 * comes first, both together if AAAA follows within `resolutionDelay`, or
 * else the A answer alone, then the AAAA answer when it comes. `connect()`
 * starts racing with the first batch and folds the second into the attempts
 * not yet started. With `family`, only that query is sent.
 *
 * Unlike the system resolver, it neither reads /etc/hosts the way getaddrinfo
 * does nor sorts addresses by RFC 6724: each answer keeps the name server's
 * order, IPv6 before IPv4 when they come together.
 *
 * @param options The Resolution Delay and the name server.
 * @returns A resolver for `connect()`: it returns an async iterable of batches
 * of IP literals. It throws `Deno.errors.NotFound` when neither query
 * finds an address, and `signal.reason` when its signal aborts.
 * @throws {TypeError} If an option has the wrong type.
 * @throws {RangeError} If `resolutionDelay` is negative or not finite.
 *
 * @example Use a name server on loopback
 * ```ts ignore
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import { dnsResolver } from "@happy-eyeballs/connect/resolve-dns";
 *
 * const resolver = dnsResolver({
 *   resolutionDelay: 50,
 *   nameServer: { ipAddr: "127.0.0.1", port: 5353 },
 * });
 * const conn = await connect({ hostname: "db.test", port: 5432, resolver });
 * conn.close();
 * ```
 *
 * @example Read the batches
 * ```ts ignore
 * import { dnsResolver } from "@happy-eyeballs/connect/resolve-dns";
 *
 * const resolve = dnsResolver();
 * const signal = AbortSignal.timeout(5_000);
 * for await (const batch of resolve("example.com", { family: undefined, signal })) {
 *   console.log(batch); // ["2606:2800::1"], then ["93.184.215.14"]
 * }
 * ```
 */
export function dnsResolver(options: DnsResolverOptions = {}): DnsResolver {
  const { resolutionDelay = 50, nameServer } = options;
  if (typeof resolutionDelay !== "number") {
    throw new TypeError(
      `Cannot create a DNS resolver as 'resolutionDelay' must be a number: current value is ${
        show(resolutionDelay)
      }`,
    );
  }
  if (!(resolutionDelay >= 0 && resolutionDelay <= MAX_TIMEOUT)) {
    throw new RangeError(
      `Cannot create a DNS resolver as 'resolutionDelay' must be a non-negative finite number: current value is ${
        show(resolutionDelay)
      }`,
    );
  }
  if (
    nameServer !== undefined &&
    (typeof nameServer !== "object" || nameServer === null ||
      typeof nameServer.ipAddr !== "string")
  ) {
    throw new TypeError(
      `Cannot create a DNS resolver as 'nameServer' must be an object { ipAddr, port? }: current value is ${
        show(nameServer)
      }`,
    );
  }
  if (
    nameServer !== undefined &&
    (!ipVersion(nameServer.ipAddr) || hasZoneId(nameServer.ipAddr))
  ) {
    throw new TypeError(
      `Cannot create a DNS resolver as 'nameServer.ipAddr' must be an IP address without a zone id: current value is ${
        show(nameServer.ipAddr)
      }`,
    );
  }
  return (
    hostname: string,
    { family, signal }: ResolverOptions,
  ): AsyncIterable<string[]> => {
    return family === undefined
      ? resolveBoth(hostname, resolutionDelay, nameServer, signal)
      : resolveFamily(hostname, RECORD_TYPE[family], nameServer, signal);
  };
}
