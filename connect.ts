// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * {@linkcode connect}: Python asyncio's `loop.create_connection()` for Deno.
 * It resolves a host name, orders the addresses by interleaving families,
 * races staggered connection attempts (Happy Eyeballs v2, RFC 8305), can bind
 * a local address, and explains every failure.
 *
 * @example Connect to a local server
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * using conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * using _ = await listener.accept();
 * ```
 *
 * @module
 */
import { MAX_TIMEOUT } from "./_tls_options.ts";
import { connectFrom } from "./_node_tcp_conn.ts";
import {
  // deno-lint-ignore no-unused-vars -- linked from the JSDoc of connect()
  type closeTls,
  type TlsEvent,
  type TlsOptions,
  upgradeTls,
} from "./tls.ts";
import {
  type AttemptFailure,
  combineAttemptErrors,
  formatAddress,
} from "./errors.ts";
import {
  type Attempt,
  interleave,
  staggeredRace,
  type StaggeredRaceOptions,
} from "./happy_eyeballs.ts";
import type { ConnectHistory } from "./history.ts";
import { AddressQueue } from "./_address_queue.ts";
import { type Checked, checkOptions } from "./_connect_options.ts";
import {
  checkAddresses,
  familyOf,
  ipVersion,
  type Resolution,
  resolve,
} from "./_resolve.ts";

/** An IP address family: `4` for IPv4, `6` for IPv6. */
export type Family = 4 | 6;

/** A local address to bind, for {@linkcode ConnectOptions.localAddr}. */
export interface LocalAddr {
  /** An IP address, or a name that resolves to one. */
  hostname: string;
  /**
   * The local port; `0` lets the system choose one.
   *
   * @default {0}
   */
  port?: number;
}

/** What a {@linkcode Resolver} is given besides the host name. */
export interface ResolverOptions {
  /** The only family wanted, or `undefined` for both. */
  family: Family | undefined;
  /** Aborts when the connection is no longer wanted. */
  signal: AbortSignal;
}

/**
 * Resolves a host name to IP addresses (literals such as `"::1"` or
 * `"127.0.0.1"`), in the order in which they should be tried before
 * interleaving. It replaces the system resolver.
 *
 * It may also return an async iterable of batches of addresses, for answers
 * that come at different times (RFC 8305 §3, as `dnsResolver` of
 * `@happy-eyeballs/connect/resolve-dns` does): the race starts with the first
 * batch, and each later batch is folded into the attempts not yet started. An
 * error after the first batch is ignored. Once {@linkcode connect} settles,
 * `signal` aborts and later batches are ignored.
 *
 * An array answer may carry a `ttl` property, in milliseconds: how long a
 * `ConnectHistory` may remember it (`Object.assign(addresses, { ttl })`).
 */
export type Resolver = (
  hostname: string,
  options: ResolverOptions,
) =>
  | readonly string[]
  | Promise<readonly string[]>
  | AsyncIterable<readonly string[]>;

/** The fields every {@linkcode ConnectEvent} has. */
export interface ConnectEventBase {
  /** Milliseconds since {@linkcode connect} was called. */
  elapsed: number;
}

/**
 * The host name was resolved; the addresses are in attempt order. With a
 * resolver that answers in batches (RFC 8305 §3), one event comes for each
 * batch that brings new addresses; later ones are folded into the attempts not
 * yet started.
 */
export interface ResolvedEvent extends ConnectEventBase {
  /** The kind of event. */
  type: "resolved";
  /** The host name that was resolved. */
  hostname: string;
  /**
   * The addresses that will be tried, in the order they will be tried (for a
   * later batch: the new addresses, in the resolver's order).
   */
  addresses: Deno.NetAddr[];
}

/** A connection attempt started, failed, won, or was cancelled. */
export interface AttemptEvent extends ConnectEventBase {
  /**
   * The kind of event:
   * - `attemptStarted`: the attempt began to connect;
   * - `attemptFailed`: it failed, for `error`;
   * - `attemptWon`: it connected first, and is the result;
   * - `attemptCancelled`: another attempt won (or the signal aborted) and this
   *   one was stopped; if it had connected, it was closed.
   */
  type: "attemptStarted" | "attemptFailed" | "attemptWon" | "attemptCancelled";
  /** The position of the attempt in the attempt order, from 0. */
  index: number;
  /** The address the attempt connects to. */
  address: Deno.NetAddr;
  /** Why the attempt failed, for `attemptFailed` only. */
  error?: unknown;
}

/**
 * The addresses could not be raced, because Deno's net permission covers the
 * host name but not its addresses, so the connection was left to
 * `Deno.connect({ hostname })` and its own Happy Eyeballs.
 */
export interface FallbackEvent extends ConnectEventBase {
  /** The kind of event. */
  type: "fallback";
  /** Why the race was left to `Deno.connect`. */
  reason: string;
}

/**
 * A step of the TLS handshake on the winning connection (see
 * {@linkcode TlsEvent}): `tlsStarted`, then `tlsSucceeded` with the
 * negotiated ALPN protocol, or `tlsFailed` with the error.
 */
export type TlsConnectEvent = TlsEvent & ConnectEventBase & {
  /** The peer address of the handshake. */
  address: Deno.NetAddr;
};

/** Everything {@linkcode ConnectOptions.onEvent} can be told, in order. */
export type ConnectEvent =
  | ResolvedEvent
  | AttemptEvent
  | FallbackEvent
  | TlsConnectEvent;

/** Options for {@linkcode connect}. Times are in milliseconds. */
export interface ConnectOptions {
  /**
   * The host to connect to: a name, or an IP address (IPv6 with or without
   * brackets). Required unless `conn` is given.
   */
  hostname?: string;
  /** The port to connect to, 1 to 65535. Required unless `conn` is given. */
  port?: number;
  /**
   * An already connected TCP connection to adopt instead of connecting
   * (asyncio's `sock`). It belongs to the result from then on. It cannot be
   * combined with options that concern connecting. A closed connection cannot
   * be told from an open one without using it, so it is returned as is: its
   * first read or write then rejects with `Deno.errors.BadResource`.
   */
  conn?: Deno.TcpConn;
  /**
   * Use only addresses of this family.
   *
   * @default {undefined} (both)
   */
  family?: Family;
  /**
   * The delay between the starts of two connection attempts (RFC 8305
   * "Connection Attempt Delay"). The next attempt starts earlier when the
   * latest one fails. `0` starts all at once; `Infinity` tries the addresses
   * strictly one after another.
   *
   * @default {250}
   */
  happyEyeballsDelay?: number;
  /**
   * The "First Address Family Count" of RFC 8305 §4: how many addresses of
   * the first family come before the families alternate. `0` keeps the
   * resolver's order.
   *
   * @default {1}
   */
  interleave?: number;
  /**
   * The local address to bind. Destination addresses of a family that it
   * cannot serve are skipped.
   *
   * @default {undefined} (the system chooses)
   */
  localAddr?: LocalAddr;
  /**
   * When every attempt fails, always reject with an `AggregateError` holding
   * one error per attempt (asyncio's `all_errors`), instead of a single error
   * when there was only one attempt or all failed alike.
   *
   * @default {false}
   */
  allErrors?: boolean;
  /**
   * Aborting it rejects with `signal.reason` and closes every attempt.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Resolves `hostname` instead of the system resolver (getaddrinfo, which
   * honours /etc/hosts and orders by RFC 6724).
   *
   * @default {undefined} (the system resolver)
   */
  resolver?: Resolver;
  /**
   * Called synchronously with each step of the connection: resolution, every
   * attempt's start and end. Errors it throws are reported with
   * `reportError()` and do not affect the connection.
   *
   * @default {undefined}
   */
  onEvent?: (event: ConnectEvent) => void;
  /**
   * Run TLS on the winning connection (or on `conn`), as asyncio's `ssl`:
   * `true` for Deno's default trust store, or the {@linkcode TlsOptions}.
   * The race itself stays TCP-only. With `conn`, `tls.serverName` is
   * required (there is no host name to verify).
   *
   * @default {false}
   */
  tls?: boolean | TlsOptions;
  /**
   * Remembered winners, shared between calls (RFC 8305 §4 and §5, stateful
   * client): the address that won the last race to the same host name and
   * port is tried first, and the delay before the next attempt may be
   * shortened from its measured connect times. Each win is recorded in it,
   * and so are the addresses the name resolved to, for its `addressTtl`.
   *
   * @default {undefined} (no memory between calls)
   */
  history?: ConnectHistory;
}

/** {@linkcode ConnectOptions} that ask for TLS. */
export type ConnectTlsOptions = ConnectOptions & { tls: true | TlsOptions };

/** An event as made, before `elapsed` is stamped on it. */
type WithoutElapsed<T> = T extends unknown ? Omit<T, "elapsed"> : never;

/** Tells `onEvent` of an event, stamping `elapsed` on it. */
type Emit = (event: WithoutElapsed<ConnectEvent>) => void;

/** A signal that never aborts. */
const NEVER = new AbortController().signal;

/**
 * The reason of every abort once `connect()` has settled: one error made once,
 * as `abort()` without a reason would build one, stack included, every time.
 */
const SETTLED = new DOMException("The connection was settled", "AbortError");

/** One attempt: from the local address of the same family, if one is set. */
function connectTo(
  address: Deno.NetAddr,
  locals: readonly string[],
  localAddr: { port: number } | undefined,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const local = locals.find((l) => familyOf(l) === familyOf(address.hostname));
  if (local !== undefined && localAddr) {
    return connectFrom(
      address,
      { hostname: local, port: localAddr.port },
      signal ?? NEVER,
    );
  }
  const options: Deno.ConnectOptions = {
    hostname: address.hostname,
    port: address.port,
    // One literal address: no racing inside our race.
    autoSelectFamily: false,
  };
  // Deno does extra work for a signal: pass one only when there is one.
  if (signal) options.signal = signal;
  return Deno.connect(options);
}

/** One error for attempts that all lacked net permission. */
function permissionError(
  destination: string,
  failures: readonly AttemptFailure[],
): Error {
  const addresses = failures.map((failure) => formatAddress(failure.address));
  const where = addresses.join(", ");
  return new Deno.errors.NotCapable(
    `Cannot connect to ${destination} as net permission for ${
      where === destination ? "it" : where
    } is missing: run with --allow-net=${addresses.join(",")}`,
    { cause: combineAttemptErrors(destination, failures, { allErrors: true }) },
  );
}

/** The error of a race whose attempts all failed. */
function raceError(
  destination: string,
  failed: readonly AttemptFailure[],
  allErrors: boolean,
): Error {
  if (
    !allErrors && failed.length > 0 &&
    failed.every((f) => f.error instanceof Deno.errors.NotCapable)
  ) {
    return permissionError(destination, failed);
  }
  return combineAttemptErrors(destination, failed, { allErrors });
}

/**
 * Net permission for all hosts, queried once: Deno updates the state of a
 * status it handed out when the permission is revoked.
 */
let allHosts: Deno.PermissionStatus | undefined;

/** Whether net permission is granted for `hostname:port`, or for all hosts. */
function isGranted(hostname?: string, port?: number): boolean {
  if (hostname === undefined) {
    allHosts ??= Deno.permissions.querySync({ name: "net" });
    return allHosts.state === "granted";
  }
  const host = formatAddress({ hostname, port: port! });
  return Deno.permissions.querySync({ name: "net", host }).state === "granted";
}

/**
 * Opens a connection the way asyncio's `loop.create_connection()` does, with
 * Happy Eyeballs v2 (RFC 8305), and TLS on the winner when `tls` is given.
 *
 * The host name is resolved (by the system resolver unless `resolver` is
 * given); the addresses are interleaved by family (`interleave`); then one
 * attempt starts every `happyEyeballsDelay` milliseconds, or as soon as the
 * latest one fails, until one connects. Every other attempt is then stopped,
 * and closed if it had connected: when the promise settles, nothing else that
 * it opened is left open.
 *
 * Net permission: it connects to the resolved addresses, so it needs
 * `--allow-net` for them (or for all). When only the host name is allowed
 * (even for this port only, which does not allow looking it up), it leaves
 * the connection to `Deno.connect({ hostname })` and says so with a
 * `fallback` event.
 *
 * A resolver may answer in batches (`dnsResolver` of
 * `@happy-eyeballs/connect/resolve-dns` does, as RFC 8305 §3 asks): the race
 * starts with the first batch and folds later ones into the attempts not yet
 * started. A shared `history` (`ConnectHistory` of
 * `@happy-eyeballs/connect/history`) puts the last winner first and may
 * shorten the delay from its measured connect times.
 *
 * With `tls`, the TLS handshake runs on the winning connection (or on
 * `conn`) within `tls.handshakeTimeout`; close the result gracefully with
 * {@linkcode closeTls}.
 *
 * @param options Where to connect, and how.
 * @returns The TLS connection, after its handshake, when `tls` is given;
 * otherwise the TCP connection that won the race (or the adopted `conn`).
 * @throws {TypeError} If an option has the wrong type, is unknown, or clashes
 * with `conn`; before any network traffic.
 * @throws {RangeError} If a number option is out of range; before any network
 * traffic.
 * @throws {Deno.errors.NotFound} If the host name does not resolve, or
 * resolves to no address of the wanted family.
 * @throws {AggregateError} When attempts failed differently, or always with
 * `allErrors`: one error per attempt, each naming its address.
 * @throws {Error} When the only attempt failed, or all failed alike: an error
 * of the original class (such as `Deno.errors.ConnectionRefused`) that names
 * every address tried.
 * @throws {Deno.errors.NotCapable} If net permission is missing for looking
 * the name up, or for every address (without `allErrors`): one error naming
 * the addresses and the `--allow-net` value to grant.
 * @throws {DOMException} Named `TimeoutError` when the TLS handshake takes
 * longer than `tls.handshakeTimeout`; the message names the peer.
 * @throws {Deno.errors.InvalidData} When the TLS handshake fails (such as an
 * unknown issuer or a name mismatch); the message names the peer.
 * @throws {unknown} `signal.reason` when `signal` aborts.
 *
 * @example Connect by name, racing IPv6 and IPv4
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * using conn = await connect({
 *   hostname: "127.0.0.1",
 *   port: listener.addr.port,
 *   happyEyeballsDelay: 100,
 *   signal: AbortSignal.timeout(5_000),
 * });
 * using _ = await listener.accept();
 * ```
 *
 * @example TLS with a private CA, ALPN and a server name override
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import { closeTls } from "@happy-eyeballs/connect/tls";
 * import { assertEquals } from "@std/assert";
 *
 * const read = (name: string) =>
 *   Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));
 * using server = Deno.listenTls({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   cert: read("server.pem"),
 *   key: read("server.key"),
 *   alpnProtocols: ["h2"],
 * });
 * const accepted = server.accept();
 * const events: string[] = [];
 * const conn = await connect({
 *   hostname: "127.0.0.1",
 *   port: server.addr.port,
 *   tls: {
 *     serverName: "tls.test",
 *     caCerts: [read("ca.pem")],
 *     alpnProtocols: ["h2"],
 *   },
 *   onEvent: (event) => events.push(event.type),
 * });
 * const peer = await accepted;
 * assertEquals((await conn.handshake()).alpnProtocol, "h2");
 * assertEquals(events.slice(-2), ["tlsStarted", "tlsSucceeded"]);
 * peer.close();
 * await closeTls(conn, { timeout: 1_000 });
 * ```
 *
 * @example Explain a failure
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import { assertRejects } from "@std/assert";
 *
 * // A port with nothing listening on it.
 * const port = (() => {
 *   using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 *   return listener.addr.port;
 * })();
 * await assertRejects(
 *   () => connect({ hostname: "127.0.0.1", port }),
 *   Deno.errors.ConnectionRefused,
 *   `Cannot connect to 127.0.0.1:${port}`,
 * );
 * ```
 */
export function connect(options: ConnectTlsOptions): Promise<Deno.TlsConn>;
/**
 * Opens a TCP connection: see the overload with `tls`.
 *
 * @param options Where to connect, and how.
 * @returns The connection that won the race (or the adopted `conn`).
 */
export function connect(
  options: ConnectOptions & { tls?: false | undefined },
): Promise<Deno.TcpConn>;
/**
 * Opens a TCP connection, with TLS when `options.tls` says so: see the
 * overload with `tls`.
 *
 * @param options Where to connect, and how.
 * @returns The connection.
 */
export function connect(
  options: ConnectOptions,
): Promise<Deno.TcpConn | Deno.TlsConn>;
export function connect(
  options: ConnectOptions,
): Promise<Deno.TcpConn | Deno.TlsConn> {
  let checked: Checked;
  try {
    checked = checkOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  const { hostname, family } = checked;
  // The most common call, an IP literal and nothing else, takes the shortest
  // path: what connect() adds is paid on every connection.
  if (
    !checked.conn && !checked.tls && !checked.onEvent && !checked.history &&
    !checked.localAddr && ipVersion(hostname) &&
    (family === undefined || familyOf(hostname) === family)
  ) {
    return connectLiteral(checked);
  }
  return connectChecked(checked);
}

/** Connects to an IP literal, with no event, history nor local address. */
function connectLiteral(checked: Checked): Promise<Deno.TcpConn> {
  const { hostname, port, signal } = checked;
  const options: Deno.ConnectOptions = {
    hostname,
    port,
    autoSelectFamily: false,
  };
  if (signal) options.signal = signal;
  return Deno.connect(options).then(undefined, (error) => {
    if (signal?.aborted) throw signal.reason;
    throw raceError(
      formatAddress({ hostname, port }),
      [{ address: { transport: "tcp", hostname, port }, error }],
      checked.allErrors,
    );
  });
}

/** {@linkcode connect} with its options checked. */
async function connectChecked(
  checked: Checked,
): Promise<Deno.TcpConn | Deno.TlsConn> {
  const { signal, onEvent, tls } = checked;
  // Clock readings only for those who read them.
  const start = onEvent ? performance.now() : 0;
  if (tls?.cert !== undefined && tls.key !== undefined) {
    // A key that does not match its certificate fails now, not mid-handshake.
    const { checkClientCertificate } = await import("./_node_tls_conn.ts");
    await checkClientCertificate(tls.cert, tls.key, "tls.");
  }
  signal?.throwIfAborted();

  // Undefined without a listener: `emit?.(event)` then builds no event.
  const emit: Emit | undefined = onEvent && ((event) => {
    try {
      onEvent({ ...event, elapsed: performance.now() - start } as ConnectEvent);
    } catch (error) {
      reportError(error);
    }
  });

  const tcp = checked.conn ?? await raceRemembered(checked, emit);
  if (!tls) return tcp;
  return await upgradeTls(tcp, {
    ...tls,
    // A host name, or an IP literal checked against the certificate's IP SANs.
    serverName: tls.serverName ??
      (checked.conn ? undefined : checked.hostname),
    signal,
    onEvent: emit && ((event) => emit?.({ ...event, address: tcp.remoteAddr })),
  });
}

/**
 * {@linkcode race}, on the addresses a `history` remembers for the name when
 * it has them. When that race fails, the name may have moved: it is resolved
 * afresh once, and the addresses not tried yet are raced before failing.
 */
async function raceRemembered(
  checked: Checked,
  emit: Emit | undefined,
): Promise<Deno.TcpConn> {
  const { history, hostname, family } = checked;
  const cached = history?.addresses(hostname, family);
  if (cached === undefined) return await race(checked, emit);
  const attempted: Deno.NetAddr[] = [];
  try {
    return await race(checked, emit, { cached, attempted });
  } catch (error) {
    if (checked.signal?.aborted) throw error;
    history!.deleteAddresses(hostname);
    return await race(checked, emit, {
      attempted,
      tried: new Set(cached),
      error,
    });
  }
}

/** Resolves, orders and races: the TCP part of {@linkcode connect}. */
async function race(
  checked: Checked,
  emit: Emit | undefined,
  remembered: {
    /** The addresses the history remembers for the name. */
    cached?: readonly string[];
    /** The address of each attempt, by index, over both races. */
    attempted?: Deno.NetAddr[];
    /** Addresses the race on remembered ones tried: not tried again. */
    tried?: ReadonlySet<string>;
    /** Why the race on remembered addresses failed. */
    error?: unknown;
  } = {},
): Promise<Deno.TcpConn> {
  const { hostname, port, family, localAddr, signal, history, allErrors } =
    checked;
  const destination = formatAddress({ hostname, port });
  const { cached, tried } = remembered;

  function toTarget(address: string): Deno.NetAddr {
    return { transport: "tcp", hostname: address, port };
  }

  let locals: string[] = [];
  const failures: AttemptFailure[] = [];
  // The address of each attempt, by index: the order in which they started.
  const attempted: Deno.NetAddr[] = remembered.attempted ?? [];
  let winner: number | undefined;

  /** An attempt to connect to `address`, reporting it with events. */
  function attemptTo(
    address: Deno.NetAddr,
  ): (attemptSignal?: AbortSignal) => Promise<Deno.TcpConn> {
    return async (attemptSignal) => {
      const index = attempted.push(address) - 1;
      emit?.({ type: "attemptStarted", index, address });
      const begun = history ? performance.now() : 0;
      let conn: Deno.TcpConn;
      try {
        conn = await connectTo(address, locals, localAddr, attemptSignal);
      } catch (error) {
        if (attemptSignal?.aborted) {
          emit?.({ type: "attemptCancelled", index, address });
        } else {
          failures[index] = { address, error };
          emit?.({ type: "attemptFailed", index, address, error });
        }
        throw error;
      }
      // The race settles on the first attempt to get here; a later one is
      // a runner-up, closed by `dispose` below.
      if (winner === undefined) {
        winner = index;
        history?.record(
          destination,
          address.hostname,
          performance.now() - begun,
        );
        emit?.({ type: "attemptWon", index, address });
      }
      return conn;
    };
  }

  function failure(): Error {
    // `failures` is indexed by attempt: drop the holes of cancelled attempts.
    return raceError(destination, failures.filter(Boolean), allErrors);
  }

  // A single address needs no race, nor an abort signal of its own.
  async function connectOnly(address: Deno.NetAddr): Promise<Deno.TcpConn> {
    try {
      return await attemptTo(address)(signal);
    } catch {
      if (signal?.aborted) throw signal.reason;
      throw failure();
    }
  }

  // An IP literal: nothing to resolve, nothing to race.
  if (
    !localAddr && ipVersion(hostname) &&
    (family === undefined || familyOf(hostname) === family)
  ) {
    const address = toTarget(hostname);
    emit?.({ type: "resolved", hostname, addresses: [address] });
    return await connectOnly(address);
  }

  // One controller for the whole call: it stops the resolver too. Made when
  // first needed: a single address found by the system resolver needs none.
  let controller: AbortController | undefined;
  let inner: AbortSignal | undefined;
  const innerSignal = (): AbortSignal => {
    if (inner === undefined) {
      controller = new AbortController();
      inner = signal
        ? AbortSignal.any([signal, controller.signal])
        : controller.signal;
    }
    return inner;
  };
  try {
    // Where Deno's net permission covers the name but not its look-up or its
    // addresses, Deno.connect({ hostname }) can still connect: leave it to it.
    const mayFallBack = !localAddr && !checked.resolver &&
      !ipVersion(hostname);
    // Deno treats a huge delay (our Infinity: strictly in turn) as "never
    // start the next attempt"; clamp to the largest timer it honours.
    const fallbackDelay = Math.min(checked.delay, MAX_TIMEOUT);
    const fallBack = (reason: string): Promise<Deno.TcpConn> => {
      emit?.({ type: "fallback", reason });
      return Deno.connect({
        hostname,
        port,
        signal: innerSignal(),
        autoSelectFamilyAttemptDelay: fallbackDelay,
      });
    };

    let resolution: Resolution;
    try {
      resolution = cached ? { addresses: [...cached] } : await resolve(
        hostname,
        family,
        checked.resolver,
        // Only a resolver or the caller's signal can use it.
        checked.resolver || signal ? innerSignal() : NEVER,
        // Only the caller's signal can abort while resolving.
        { cancellable: signal !== undefined },
      );
    } catch (error) {
      if (
        mayFallBack && error instanceof Deno.errors.NotCapable &&
        isGranted(hostname, port)
      ) {
        return await fallBack(
          `net permission covers ${destination} but not looking up '${hostname}'`,
        );
      }
      throw error;
    }
    let addresses = resolution.addresses;
    const remember = history && !cached && !ipVersion(hostname);
    if (remember && !resolution.more) {
      history.recordAddresses(hostname, family, addresses, resolution.ttl);
    }
    if (tried) {
      // Resolved afresh after remembered addresses failed: only what is new.
      addresses = addresses.filter((a) => !tried.has(a));
      if (addresses.length === 0) throw remembered.error;
    }
    if (addresses.length === 0) {
      throw new Deno.errors.NotFound(
        `Cannot connect to ${destination} as it resolves to no IPv${family} address`,
      );
    }

    let served: Set<Family> | undefined;
    if (localAddr) {
      locals = (await resolve(
        localAddr.hostname,
        undefined,
        checked.resolver,
        innerSignal(),
        { all: true, cancellable: signal !== undefined },
      )).addresses;
      served = new Set(locals.map(familyOf));
      const usable = addresses.filter((a) => served!.has(familyOf(a)));
      if (usable.length === 0) {
        throw new TypeError(
          `Cannot connect to ${destination} from '${localAddr.hostname}' as no address matches the family of 'localAddr': addresses are ${
            addresses.join(", ")
          }`,
        );
      }
      addresses = usable;
    }

    // The remembered winner first, then the families interleaved (RFC 8305
    // §4: history may rank addresses before interleaving).
    if (history) addresses = history.order(destination, addresses);
    const ordered = addresses.length > 1
      ? interleave(addresses, familyOf, checked.interleave)
      : addresses;
    const targets: Deno.NetAddr[] = ordered.map(toTarget);
    emit?.({ type: "resolved", hostname, addresses: targets });

    if (
      // One query when every host is allowed.
      mayFallBack && !isGranted() &&
      !targets.every((t) => isGranted(t.hostname, port)) &&
      isGranted(hostname, port)
    ) {
      return await fallBack(
        `net permission covers ${destination} but not all of its addresses`,
      );
    }

    const { more } = resolution;
    // One address, and no more to come: nothing to race.
    if (targets.length === 1 && !more) return await connectOnly(targets[0]!);

    let attempts:
      | readonly Attempt<Deno.TcpConn>[]
      | AsyncIterable<Attempt<Deno.TcpConn>> = targets.map(attemptTo);
    // RFC 8305 §3: later batches are folded into the attempts not yet
    // started; the race takes each address only when its attempt is due.
    if (more) {
      const queue = new AddressQueue(ordered, familyOf, checked.interleave);
      // Every batch, remembered once the last one came.
      const all = [...resolution.addresses];
      (async () => {
        try {
          let next = await more.next();
          for (; !next.done && !inner!.aborted; next = await more.next()) {
            let found = checkAddresses(hostname, family, next.value);
            if (remember) all.push(...found);
            if (served) found = found.filter((a) => served.has(familyOf(a)));
            const fresh = queue.add(found);
            if (fresh.length > 0) {
              emit?.({
                type: "resolved",
                hostname,
                addresses: fresh.map(toTarget),
              });
            }
          }
          if (remember && next.done) {
            history.recordAddresses(hostname, family, [...new Set(all)]);
          }
        } catch {
          // Late answers are a bonus: the race goes on with what it has.
        } finally {
          queue.close();
        }
      })();
      attempts = {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            const next = await queue.next();
            return next.done
              ? next
              : { done: false, value: attemptTo(toTarget(next.value)) };
          },
          return: () => queue.return(),
        }),
      };
    }

    // A remembered fast winner may shorten the delay.
    const delay =
      history?.attemptDelay(destination, ordered[0]!, checked.delay) ??
        checked.delay;
    const raceOptions: StaggeredRaceOptions<Deno.TcpConn> = {
      delay,
      dispose(conn, index) {
        conn.close();
        emit?.({ type: "attemptCancelled", index, address: attempted[index]! });
      },
    };
    // Only the caller's signal can abort the race while it runs (the inner
    // one aborts once it is over): without it, no listener is added.
    if (signal) raceOptions.signal = signal;
    const result = await staggeredRace<Deno.TcpConn>(attempts, raceOptions);
    if (result.ok) return result.value;
    throw failure();
  } finally {
    // Stops the resolver, its late batches, and what is left of the race.
    controller?.abort(SETTLED);
  }
}
