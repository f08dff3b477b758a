// Copyright 2026 the happy-eyeballs authors. MIT license.
// Connecting to one address: the one place where a transport is chosen.
// `Deno.connect` by default; `node:net`, loaded on first use, when a local
// address must be bound, which `Deno.connect` cannot do; or the caller's
// `dial` hook. Here too: each local address of the family tried in turn (as
// asyncio does), the per-attempt timeout, and the error classes a reset can
// produce given one class.
import { NEVER } from "../_common/timer.ts";
import { familyOf, joinHostPort, type LocalAddresses } from "../_common/ip.ts";
import { bindPermissionError, isBindDenial } from "./permission.ts";
import { messageOf, wrapError } from "../_common/errors.ts";
import { withCode } from "../_common/error_classes.ts";
import type { Dialer } from "../types.ts";
import { closeQuietly } from "../_common/conn.ts";
import { callHook } from "./dial_hook.ts";

/** How each attempt connects, besides where from. */
export interface Dialing {
  /** The caller's hook, in place of `Deno.connect` and `node:net`. */
  hook?: Dialer | undefined;
  /** Milliseconds an attempt may take, or `undefined` for no limit. */
  attemptTimeout?: number | undefined;
}

/**
 * Connects to one IP literal address, from each local address of its family
 * in turn when `from` is given, until one can be bound (asyncio's
 * `_connect_sock`): a bind failure (`AddrInUse`, `AddrNotAvailable`, or no
 * net permission for it) moves on to the next; the final error names each
 * bind failure.
 *
 * @param address The address to connect to.
 * @param from The local addresses to bind, if any.
 * @param signal Aborting it stops the attempt; it rejects with its reason,
 * leaving nothing open.
 * @param options The caller's dial hook, the per-attempt timeout.
 * @returns The connection.
 */
export function dial(
  address: Deno.NetAddr,
  from: LocalAddresses | undefined,
  signal: AbortSignal | undefined,
  options: Dialing = {},
): Promise<Deno.TcpConn> {
  // The common case without extra promise layers: it is the hot path.
  return from === undefined
    ? dialOnce(address, undefined, options, signal)
    : dialFrom(address, from, signal, options);
}

/** {@linkcode dial} from each local address of the family in turn. */
async function dialFrom(
  address: Deno.NetAddr,
  from: LocalAddresses,
  signal: AbortSignal | undefined,
  options: Dialing,
): Promise<Deno.TcpConn> {
  const family = familyOf(address.hostname);
  const bindFailures: BindFailure[] = [];
  for (const hostname of from.addresses) {
    if (familyOf(hostname) !== family) continue;
    const local: Deno.NetAddr = { transport: "tcp", hostname, port: from.port };
    try {
      return await dialOnce(address, local, options, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!isBindFailure(error)) {
        if (bindFailures.length === 0) throw error;
        // As asyncio's error: the bind failures too, not only the last word.
        throw wrapError(
          error,
          `${messageOf(error)} (from ${
            joinHostPort(local.hostname, local.port)
          }, after failing to bind ${listBindFailures(bindFailures)})`,
        );
      }
      bindFailures.push({ local, error });
    }
  }
  const last = bindFailures.at(-1);
  if (last === undefined) {
    // No local address of the family: connect from wherever the system picks
    // (destinations are filtered by the families of `from` beforehand).
    return await dialOnce(address, undefined, options, signal);
  }
  throw wrapError(last.error, `Cannot bind ${listBindFailures(bindFailures)}`);
}

interface BindFailure {
  local: Deno.NetAddr;
  error: unknown;
}

function listBindFailures(failures: readonly BindFailure[]): string {
  return failures.map(({ local, error }) =>
    `${joinHostPort(local.hostname, local.port)}: ${messageOf(error)}`
  ).join("; ");
}

/**
 * A bind failure: the next local address may do. A local address that net
 * permission does not cover is one too.
 */
function isBindFailure(error: unknown): boolean {
  return error instanceof Deno.errors.AddrInUse ||
    error instanceof Deno.errors.AddrNotAvailable || isBindDenial(error);
}

/** One attempt from one local address (or none), within `attemptTimeout`. */
function dialOnce(
  address: Deno.NetAddr,
  local: Deno.NetAddr | undefined,
  options: Dialing,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const { attemptTimeout, hook } = options;
  if (attemptTimeout === undefined && !hook && !local) {
    return connectDirect(address, signal);
  }
  return attemptTimeout === undefined
    ? connectOnce(address, local, hook, signal)
    : connectWithin(attemptTimeout, address, local, hook, signal);
}

/**
 * {@linkcode connectOnce} with `Deno.connect` and nothing else, as promise
 * callbacks: the path of most attempts, where an async function would cost
 * time per connection and memory per attempt in flight.
 *
 * @param address The IP literal address to connect to.
 * @param signal Aborting it stops the attempt; it rejects with its reason.
 * @param fail Makes the error to throw of a failure (not of an abort), so
 * that a caller needs no promise layer of its own.
 * @returns The connection.
 */
export function connectDirect(
  address: Deno.NetAddr,
  signal: AbortSignal | undefined,
  fail: (error: unknown) => unknown = (error) => error,
): Promise<Deno.TcpConn> {
  const options: Deno.ConnectOptions = {
    hostname: address.hostname,
    port: address.port,
    // One literal address: no racing inside our race.
    autoSelectFamily: false,
  };
  // Deno does extra work for a signal: pass one only when there is one.
  if (signal) options.signal = signal;
  return Deno.connect(options).then((conn) => {
    if (signal?.aborted) {
      // Connected as the signal aborted: nobody will take this connection.
      closeQuietly(conn);
      throw signal.reason;
    }
    return conn;
  }, (error) => {
    if (signal?.aborted) throw signal.reason;
    throw fail(asReset(error));
  });
}

/** {@linkcode connectOnce}, failing with `TimedOut` after `attemptTimeout`. */
async function connectWithin(
  attemptTimeout: number,
  address: Deno.NetAddr,
  local: Deno.NetAddr | undefined,
  hook: Dialer | undefined,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  // A timer of our own, cleared on every path (AbortSignal.timeout() would
  // leave one pending).
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), attemptTimeout);
  try {
    return await connectOnce(
      address,
      local,
      hook,
      signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
    );
  } catch (error) {
    if (timeout.signal.aborted && !signal?.aborted) {
      throw new Deno.errors.TimedOut(
        `Connection attempt timed out after ${attemptTimeout} ms ('attemptTimeout')`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects once, by the caller's hook, `node:net` (to bind `local`) or
 * `Deno.connect`; a connection that comes after `signal` aborted is closed.
 */
async function connectOnce(
  address: Deno.NetAddr,
  local: Deno.NetAddr | undefined,
  hook: Dialer | undefined,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  let conn: Deno.TcpConn;
  try {
    if (hook) {
      conn = await callHook(hook, address, local, signal);
    } else if (!local) {
      // The path of most attempts: connectDirect() and nothing else.
      return await connectDirect(address, signal);
    } else {
      // node:net would throw a denied bind where no caller can catch it.
      const denied = bindPermissionError(local.hostname, local.port);
      if (denied) throw denied;
      // Loaded on the first attempt with a local address (cached by Deno).
      const { connectFrom } = await import("../_common/node_tcp_conn.ts");
      conn = await connectFrom(address, local, signal ?? NEVER);
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw asReset(error);
  }
  if (signal?.aborted) {
    // Connected as the signal aborted: nobody will take this connection.
    closeQuietly(conn);
    throw signal.reason;
  }
  return conn;
}

/**
 * A reset that comes as the handshake ends can surface as `NotConnected`
 * (ENOTCONN: Deno asks the socket for its peer address after connecting,
 * and the peer is gone) instead of `ConnectionReset`: one class for both.
 */
function asReset(error: unknown): unknown {
  if (!(error instanceof Deno.errors.NotConnected)) return error;
  return withCode(
    new Deno.errors.ConnectionReset(
      `Connection reset by peer (${messageOf(error)})`,
      { cause: error },
    ),
    "ECONNRESET",
  );
}
