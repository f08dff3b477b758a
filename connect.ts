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
 * import { assertEquals } from "@std/assert";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * using conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * using peer = await listener.accept();
 * assertEquals(peer.remoteAddr, conn.localAddr);
 * ```
 *
 * @module
 */
// deno-lint-ignore no-unused-vars -- linked from the JSDoc of connect()
import type { closeTls } from "./tls.ts";
import { formatAddress } from "./errors.ts";
import {
  type Attempt,
  interleave,
  staggeredRace,
  type StaggeredRaceOptions,
} from "./happy_eyeballs.ts";
import type {
  ConnectOptions,
  ConnectTarget,
  ConnectTlsOptions,
} from "./types.ts";
import { type Checked, checkOptions } from "./_connect/options.ts";
import { Attempts, raceError } from "./_connect/attempt.ts";
import { type Emit, emitter, frozenFor } from "./_connect/emit.ts";
import {
  closeBatches,
  rememberedTargets,
  resolveTargets,
  systemTargets,
  type Targets,
} from "./_connect/resolve.ts";
import { CallbackFailure } from "./_connect/callback_failure.ts";
import { delayByHistory, orderByHistory } from "./_connect/history_calls.ts";
import {
  raceRemembered,
  rememberAnswer,
  type Remembered,
} from "./_connect/remembered.ts";
import { AddressQueue } from "./_connect/address_queue.ts";
import {
  addressesFallback,
  fallBack,
  lookupError,
  lookupFallback,
  mayFallBack,
} from "./_connect/permission.ts";
import { connectDirect } from "./_connect/dial.ts";
import { handshake } from "./_tls/handshake.ts";
import { familyOf, ipVersion } from "./_common/ip.ts";
import { NEVER } from "./_common/timer.ts";

export type {
  AttemptEvent,
  ConnectEvent,
  ConnectEventBase,
  ConnectOptions,
  ConnectTarget,
  ConnectTlsOptions,
  Dialer,
  DialOptions,
  FallbackEvent,
  Family,
  LocalAddr,
  ResolvedEvent,
  Resolver,
  ResolverOptions,
  TlsConnectEvent,
} from "./types.ts";

/**
 * The reason of every abort once `connect()` has settled: one error made once,
 * as `abort()` without a reason would build one, stack included, every time.
 */
const SETTLED = new DOMException("The connection was settled", "AbortError");

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
 * A resolver may answer in batches (RFC 8305 §3, as `dnsResolver` does):
 * later ones are folded into the attempts not yet started. A shared
 * `history` puts the last winner first and may shorten the delay.
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
 * @throws {unknown} `signal.reason` when `signal` aborts (also from within
 * `onEvent`, even on `attemptWon`: the connection is closed).
 * @throws {unknown} What `onEvent`, or a method of `history`, threw: the call
 * stops there, and everything it opened is closed first.
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
 */
export function connect(
  options: ConnectTlsOptions & ConnectTarget,
): Promise<Deno.TlsConn>;
/**
 * Opens a TCP connection: see the overload with `tls` for the whole story.
 *
 * @param options Where to connect, and how.
 * @returns The connection that won the race (or the adopted `conn`).
 *
 * @example Connect by name
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import { assert, assertEquals } from "@std/assert";
 *
 * // "localhost" resolves to 127.0.0.1, and often to ::1 too (refused here:
 * // nothing listens there); the race reaches the server on 127.0.0.1.
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const tried: string[] = [];
 * using conn = await connect({
 *   hostname: "localhost",
 *   port: listener.addr.port,
 *   happyEyeballsDelay: 100,
 *   onEvent: (event) => {
 *     if (event.type === "attemptStarted") tried.push(event.address.hostname);
 *   },
 *   signal: AbortSignal.timeout(5_000),
 * });
 * using _ = await listener.accept();
 * assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
 * assert(tried.includes("127.0.0.1"));
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
export function connect(
  options: ConnectOptions & ConnectTarget & { tls?: false | undefined },
): Promise<Deno.TcpConn>;
/**
 * Opens a TCP connection, with TLS when `options.tls` says so: see the
 * overload with `tls`.
 *
 * @param options Where to connect, and how.
 * @returns The connection: a `Deno.TlsConn` when `tls` is given, else a
 * `Deno.TcpConn`.
 *
 * @example Decide on TLS at run time
 * ```ts
 * import {
 *   connect,
 *   type ConnectOptions,
 *   type ConnectTarget,
 * } from "@happy-eyeballs/connect/connect";
 * import { assertEquals } from "@std/assert";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * // ConnectTarget: `hostname` and `port` are required (or `conn`).
 * const options: ConnectOptions & ConnectTarget = {
 *   hostname: "127.0.0.1",
 *   port: listener.addr.port,
 *   tls: Deno.env.get("HAPPY_EYEBALLS_EXAMPLE_TLS") === "1",
 * };
 * using conn = await connect(options);
 * using _ = await listener.accept();
 * // A Deno.TlsConn would have a handshake() method.
 * assertEquals("handshake" in conn, options.tls);
 * ```
 */
export function connect(
  options: ConnectOptions & ConnectTarget,
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
  const { hostname, family, signal } = checked;
  // The most common call, an IP literal and nothing else, takes the shortest
  // path: what connect() adds is paid on every connection.
  if (
    !checked.conn && !checked.tls && !checked.onEvent && !checked.history &&
    !checked.localAddr && !checked.dial &&
    checked.attemptTimeout === undefined && ipVersion(hostname) &&
    (family === undefined || familyOf(hostname) === family)
  ) {
    return connectLiteral(checked);
  }
  // The first error thrown by onEvent or the history stops the call.
  const callbacks = checked.onEvent || checked.history
    ? new CallbackFailure()
    : undefined;
  const emit = emitter(checked.onEvent, callbacks);
  if (checked.tls) return connectTls(checked, checked.tls, emit, callbacks);
  // TCP: no `await` here, so that nothing of this call waits in memory
  // beside the race itself.
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (checked.conn) return Promise.resolve(checked.conn);
  return raceRemembered(
    checked,
    callbacks,
    (remembered) => race(checked, emit, callbacks, remembered),
  );
}

/**
 * Connects to an IP literal, with no event, history, local address, dial hook
 * nor attempt timeout.
 */
function connectLiteral(checked: Checked): Promise<Deno.TcpConn> {
  const { hostname, port, signal } = checked;
  const address: Deno.NetAddr = { transport: "tcp", hostname, port };
  return connectDirect(
    address,
    signal,
    (error) => raceError(formatAddress(address), [{ address, error }], checked),
  );
}

/** {@linkcode connect} with TLS on the connection. */
async function connectTls(
  checked: Checked,
  tls: NonNullable<Checked["tls"]>,
  emit: Emit | undefined,
  callbacks: CallbackFailure | undefined,
): Promise<Deno.TlsConn> {
  const { signal } = checked;
  if (tls.cert !== undefined && tls.key !== undefined) {
    // A key that does not match its certificate fails now, not mid-handshake.
    const { checkClientCertificate } = await import("./_tls/node_tls_conn.ts");
    await checkClientCertificate(tls.cert, tls.key, "tls.");
  }
  signal?.throwIfAborted();
  const tcp = checked.conn ?? await raceRemembered(
    checked,
    callbacks,
    (remembered) => race(checked, emit, callbacks, remembered),
  );
  // It stops on an error thrown by onEvent, as the race does.
  return await handshake(
    tcp,
    tls,
    signal,
    (event) => emit?.({ ...event, address: tcp.remoteAddr }),
    callbacks,
  );
}

/**
 * The TCP part of {@linkcode connect}, as asyncio's `create_connection`:
 * resolve, order, race, combine the errors.
 */
async function race(
  checked: Checked,
  emit: Emit | undefined,
  callbacks: CallbackFailure | undefined,
  remembered: Remembered = {},
): Promise<Deno.TcpConn> {
  const { hostname, port, family, signal, history } = checked;
  const destination = formatAddress({ hostname, port });
  const toTarget = (address: string): Deno.NetAddr =>
    frozenFor(emit, { transport: "tcp", hostname: address, port });

  // Indexed by attempt, in the order in which the attempts started.
  const attempts = new Attempts(
    checked,
    destination,
    emit,
    callbacks,
    remembered,
  );

  if (ipVersion(hostname)) {
    if (family !== undefined && familyOf(hostname) !== family) {
      // As getaddrinfo with a family: no address of the other one.
      throw new Deno.errors.NotFound(
        `Cannot connect to ${destination} as it is an IPv${
          familyOf(hostname)
        } address and 'family' is ${family}`,
      );
    }
    // An IP literal: nothing to resolve, nothing to race.
    if (!checked.localAddr) {
      const address = toTarget(hostname);
      emit?.({ type: "resolved", hostname, addresses: [address] });
      return await attempts.only(address);
    }
  }

  // One controller for the whole call: it stops the resolver too. Made when
  // first needed: a single address from the system resolver needs none.
  let controller: AbortController | undefined;
  let inner: AbortSignal | undefined;
  const innerSignal = (): AbortSignal => {
    if (inner === undefined) {
      controller = new AbortController();
      inner = signal
        ? AbortSignal.any([signal, controller.signal])
        : controller.signal;
      // A callback that throws stops what listens to it.
      callbacks?.abortOnFailure(controller);
    }
    return inner;
  };
  // Where Deno's net permission covers the name but not its look-up or its
  // addresses, Deno.connect({ hostname }) can still connect: leave it to it.
  const fallsBack = mayFallBack(checked);
  const leaveToDeno = (reason: string): Promise<Deno.TcpConn> => {
    emit?.({ type: "fallback", reason });
    callbacks?.throwIfFailed();
    return fallBack(checked, innerSignal());
  };
  // Set once the race runs: it aborts the controller itself when it is over.
  let racing = false;
  // The later batches of a resolver, until the race takes them over.
  let more: Targets["more"];
  try {
    // Resolve (only the caller's signal can abort while resolving), or take
    // the addresses a history remembers.
    const { cached, tried } = remembered;
    let targets: Targets;
    try {
      targets = cached
        ? rememberedTargets(checked, cached)
        : !checked.resolver && !checked.localAddr && !signal
        ? await systemTargets(checked, tried)
        : await resolveTargets(
          checked,
          // Only a resolver or the caller's signal can use it.
          checked.resolver || signal || checked.localAddr
            ? innerSignal()
            : NEVER,
          signal !== undefined,
          tried,
        );
    } catch (error) {
      const reason = fallsBack ? lookupFallback(checked, error) : undefined;
      if (reason) return await leaveToDeno(reason);
      throw lookupError(checked, error);
    }
    more = targets.more;
    attempts.from = targets.from;
    if (history && !cached) rememberAnswer(checked, callbacks!, targets);
    // Resolved afresh after remembered addresses failed, and nothing new in
    // the whole answer (a resolver that streams was read on past batches of
    // tried addresses only, so no batch is left to come).
    if (tried && targets.addresses.length === 0) throw remembered.error;

    // Order: the remembered winner first, then the families interleaved
    // (RFC 8305 §4: history may rank addresses before interleaving).
    let { addresses } = targets;
    if (history) addresses = orderByHistory(history, destination, addresses);
    const ordered = addresses.length > 1
      ? interleave(addresses, familyOf, {
        firstFamilyCount: checked.interleave,
      })
      : addresses;
    const first = frozenFor(emit, ordered.map(toTarget));
    emit?.({
      type: "resolved",
      hostname,
      addresses: first,
      ...(targets.skipped.length > 0 &&
        { skipped: frozenFor(emit, targets.skipped.map(toTarget)) }),
      // No look-up: the history's address cache.
      ...(cached && { remembered: true as const }),
    });
    callbacks?.throwIfFailed();
    const reason = fallsBack ? addressesFallback(checked, first) : undefined;
    if (reason) return await leaveToDeno(reason);

    // One address, and no more to come: nothing to race.
    if (first.length === 1 && !more) {
      // Handed on, not awaited: nothing here waits in memory beside it.
      racing = true;
      controller?.abort(SETTLED);
      return attempts.only(first[0]!);
    }

    // Race. RFC 8305 §3: later batches are folded into the attempts not yet
    // started; the race takes each address only when its attempt is due.
    let each:
      | Attempt<Deno.TcpConn>[]
      | AsyncIterable<Attempt<Deno.TcpConn>> = first.map((address) =>
        attempts.to(address)
      );
    if (more) {
      const queue = new AddressQueue(ordered, familyOf, checked.interleave);
      queue.fold(more, targets.check, (fresh) => {
        const addresses = frozenFor(emit, fresh.map(toTarget));
        emit?.({ type: "resolved", hostname, addresses });
      }, innerSignal());
      // fold() closes it.
      more = undefined;
      each = queue.map((address) => attempts.to(toTarget(address)));
    }
    // A remembered fast winner may shorten the delay.
    const delay = history
      ? delayByHistory(history, destination, ordered[0]!, checked.delay)
      : checked.delay;
    const raceOptions: StaggeredRaceOptions<Deno.TcpConn> = {
      delay,
      dispose(conn, index) {
        conn.close();
        emit?.({
          type: "attemptCancelled",
          index,
          address: attempts.attempted[index]!,
        });
      },
    };
    // Only the caller's signal, or a callback that throws, can abort the
    // race while it runs (the inner signal also aborts once it is over):
    // without either, no listener is added.
    if (callbacks) raceOptions.signal = innerSignal();
    else if (signal) raceOptions.signal = signal;
    // Not awaited here, so that this function does not wait in memory with
    // every race in flight: its promise takes the race's outcome.
    racing = true;
    return staggeredRace<Deno.TcpConn>(each, raceOptions).then(
      (result) => {
        controller?.abort(SETTLED);
        if (result.ok) {
          // onEvent threw, or aborted the signal, once the race was decided.
          if (callbacks?.failed || signal?.aborted) {
            result.value.close();
            throw callbacks?.failed ? callbacks.error : signal!.reason;
          }
          return result.value;
        }
        callbacks?.throwIfFailed();
        // Combine the errors.
        throw attempts.failure();
      },
      (error) => {
        controller?.abort(SETTLED);
        throw error;
      },
    );
  } finally {
    // Stops the resolver, its late batches, and what is left of the race.
    if (!racing) controller?.abort(SETTLED);
    closeBatches(more);
  }
}
