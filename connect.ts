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
import type {
  ConnectOptions,
  ConnectTarget,
  ConnectTlsOptions,
} from "./types.ts";
import { type Checked, checkOptions } from "./_connect/options.ts";
import { CallContext } from "./_connect/context.ts";
import { frozenFor } from "./_connect/emit.ts";
import {
  forgetAddresses,
  rememberedAddresses,
  takeAnswer,
} from "./_connect/remembered.ts";
import {
  literalSource,
  resolveSource,
  type Source,
} from "./_connect/source.ts";
import { closeBatches } from "./_connect/answers.ts";
import { fallBack, fallbackReason } from "./_connect/permission.ts";
import {
  attemptDelay,
  foldLater,
  orderAddresses,
  targetOf,
  tellResolved,
} from "./_connect/order.ts";
import { Attempts, type Connection } from "./_connect/attempt.ts";
import { raceAttempts } from "./_connect/race.ts";
import { raceError } from "./_connect/failure.ts";
import { connectDirect } from "./_connect/dial.ts";
import { via } from "./_connect/tunnel.ts";
import { checkClientKey, handshake } from "./_tls/handshake.ts";
import { telemetry } from "./_common/telemetry.ts";

// Every type of the options and events, for the `./connect` entry alone.
export type * from "./types.ts";

/**
 * Opens a connection the way asyncio's `loop.create_connection()` does, with
 * Happy Eyeballs v2 (RFC 8305), and TLS when `tls` is given: by default each
 * attempt's handshake runs inside the race (the Happy Eyeballs v3 draft).
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
 * With `tls`, each attempt runs its own TLS handshake, within
 * `tls.handshakeTimeout`, and wins only once it is done: a handshake that
 * stalls lets the next address start after the delay, one that fails on the
 * path (reset, end of file, timeout) starts it at once, and a verdict on a
 * certificate (unknown issuer, name mismatch, expired) ends the call at once,
 * as every address of a name serves one identity. `tls.raceHandshake: false`
 * is asyncio's way: the handshake on the TCP winner (or on `conn`) only.
 * Close the result gracefully with {@linkcode closeTls}.
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
 * longer than `tls.handshakeTimeout`, on the winner only
 * (`tls.raceHandshake: false`); inside the race, the combined error of the
 * attempts names each one's timeout. The message names the peer.
 * @throws {Deno.errors.InvalidData} When the TLS handshake fails (such as an
 * unknown issuer or a name mismatch); the message names the peer. Inside the
 * race, a verdict on a certificate is thrown as it is, at once.
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
 * // The handshake ran inside the race: the attempt won once it was done.
 * assertEquals(events.slice(-3), ["tlsStarted", "tlsSucceeded", "attemptWon"]);
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
  // The plan: the options checked once, saying what this call is.
  let checked: Checked;
  try {
    checked = checkOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  // The one fast path: the most common call, an IP literal and nothing else
  // (what connect() adds is paid on every connection).
  if (checked.plain && !telemetry()) return connectLiteral(checked);
  const call = new CallContext(checked);
  if (checked.tls) return call.traced(connectTls(checked, checked.tls, call));
  // TCP: no `await` here, so that nothing of this call waits in memory
  // beside the race itself.
  const { signal } = checked;
  if (signal?.aborted) return call.traced(Promise.reject(signal.reason));
  if (checked.conn) return call.traced(Promise.resolve(checked.conn));
  return call.traced(connectTcp(checked, call));
}

/**
 * Connects to an IP literal, with no event, history, local address, dial
 * hook nor attempt timeout (`checked.plain`).
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
  call: CallContext,
): Promise<Deno.TlsConn> {
  // A key that does not match its certificate fails now, not mid-handshake.
  await checkClientKey(tls);
  checked.signal?.throwIfAborted();
  const tcp = checked.conn ?? await connectTcp(checked, call);
  // The winner of a race with the handshake in it (tls.raceHandshake), or
  // of Deno.connect's after a fallback (no handshake yet).
  if ("handshake" in tcp) return tcp;
  // It stops on an error thrown by onEvent, as the race does.
  return await handshake(
    tcp,
    tls,
    checked.signal,
    (event) => call.emit?.({ ...event, address: tcp.remoteAddr }),
    call.callbacks,
  );
}

/**
 * The TCP part of {@linkcode connect}, as Go's `DialContext`: one race per
 * source of addresses, the history's remembered ones first (no look-up),
 * then a fresh look-up when every attempt on those failed (the name may
 * have moved), racing only the addresses not tried yet.
 */
function connectTcp(
  checked: Checked,
  call: CallContext,
): Promise<Connection> {
  const attempts = new Attempts(checked, call, formatAddress(checked));
  let cached: readonly string[] | undefined;
  try {
    cached = rememberedAddresses(checked, call);
  } catch (error) {
    return Promise.reject(error);
  }
  // Without remembered addresses, one source: handed on, not awaited. With
  // a proxy, the race is to the proxy, and the tunnel follows.
  const won = cached
    ? raceSources(checked, call, attempts, { cached })
    : race(checked, call, attempts, {});
  return via(checked, call, won, handshake);
}

/** Races each source in turn: remembered addresses, then fresh ones. */
async function raceSources(
  checked: Checked,
  call: CallContext,
  attempts: Attempts,
  source: Source,
): Promise<Connection> {
  for (;;) {
    try {
      return await race(checked, call, attempts, source);
    } catch (error) {
      // A callback that failed, even by a rejection that landed once the
      // race was lost: its error, not the race's.
      call.throwIfFailed();
      // Only a race on remembered addresses that every attempt lost calls
      // for a look-up (not an abort, nor an error of the history's), unless
      // it raced a fresh answer already.
      if (
        !source.cached || source.raced || error !== attempts.lost ||
        checked.signal?.aborted
      ) throw error;
      forgetAddresses(checked, call);
      source = { tried: new Set(source.cached), error };
    }
  }
}

/**
 * One race, as asyncio's `create_connection` (Go's `dialParallel`): resolve
 * the source, the one fallback decision, order, race, combine the errors.
 */
async function race(
  checked: Checked,
  call: CallContext,
  attempts: Attempts,
  source: Source,
): Promise<Connection> {
  const toTarget = targetOf(call.emit, checked.port);
  // Set once the race runs: it settles the call itself when it is over.
  let racing = false;
  // The later batches of a resolver, until the race takes them over.
  let more: AsyncIterator<readonly string[]> | undefined;
  try {
    // An IP literal needs no look-up: its attempt starts within this call.
    const found = literalSource(checked) ??
      await resolveSource(checked, call, source);
    const { targets } = found;
    let ordered: readonly string[] = [];
    let first: Deno.NetAddr[] = [];
    if (targets) {
      takeAnswer(checked, call, targets, source);
      more = targets.more;
      attempts.from = targets.from;
      // Resolved afresh after remembered addresses failed, and nothing new.
      if (source.tried && targets.addresses.length === 0) throw source.error;
      ordered = orderAddresses(
        checked,
        attempts.destination,
        targets.addresses,
      );
      first = frozenFor(call.emit, ordered.map(toTarget));
      tellResolved(checked, call, first, targets.skipped.map(toTarget), source);
      call.throwIfFailed();
    }
    // The one decision: leave the call to Deno.connect (a denied look-up, or
    // denied addresses), or throw the look-up's error, or race.
    const reason = fallbackReason(
      checked,
      targets ? { addresses: first } : found,
    );
    if (reason !== undefined) {
      call.emit?.({ type: "fallback", reason });
      call.throwIfFailed();
      return await fallBack(checked, call.inner);
    }
    if (!targets) throw found.lookupError;
    // One address, and no more to come: nothing to race; the attempt has
    // the caller's signal, as a dial of its own would.
    if (first.length === 1 && !more) {
      racing = true;
      call.settle();
      return attempts.only(first[0]!);
    }
    const delay = attemptDelay(checked, attempts.destination, ordered[0]!);
    // RFC 8305 §3: later batches fold into the attempts not yet started.
    const each = more
      ? foldLater(checked, call, ordered, targets, toTarget)
        .map((address) => attempts.to(toTarget(address)))
      : first.map((address) => attempts.to(address));
    more = undefined;
    racing = true;
    return raceAttempts(each, delay, call, attempts);
  } finally {
    // Stops the resolver, its late batches, and what is left of the race.
    if (!racing) call.settle();
    closeBatches(more);
  }
}
