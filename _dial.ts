// Copyright 2026 the happy-eyeballs authors. MIT license.
// Connecting one address: the one place that opens a TCP connection for the
// race. `Deno.connect` by default; `node:net` (loaded only when needed) to
// bind a local address; or the caller's `dial` hook. Here too: trying each
// local address of the family in turn (as asyncio does), the per-attempt
// timeout, and the errors a reset can produce mapped to one class.
import type { Dialer } from "./connect.ts";
import { formatAddress } from "./errors.ts";
import { messageOf, withCode, wrapError } from "./_errors.ts";
import { familyOf } from "./_resolve.ts";
import { show } from "./_show.ts";

/** How every attempt of one `connect()` call connects. */
export interface DialPlan {
  /** The local addresses to bind (all families), or `undefined` for none. */
  locals: readonly string[] | undefined;
  /** The local port to bind. */
  localPort: number;
  /** The caller's hook, replacing `Deno.connect` and `node:net`. */
  dial: Dialer | undefined;
  /** Milliseconds an attempt may take, or `undefined` for no limit. */
  attemptTimeout: number | undefined;
}

/**
 * Connects to `address`, binding each local address of its family in turn
 * until one can be bound (asyncio's `_connect_sock`): a bind failure
 * (`AddrInUse`, `AddrNotAvailable`) moves on to the next; when all fail,
 * the error names each. Rejects with `signal.reason` when `signal` aborts,
 * leaving nothing open.
 */
export async function dial(
  address: Deno.NetAddr,
  plan: DialPlan,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const { locals, localPort } = plan;
  if (locals === undefined) {
    return await dialOnce(address, undefined, plan, signal);
  }
  const family = familyOf(address.hostname);
  const bindFailures: { local: Deno.NetAddr; error: unknown }[] = [];
  for (const hostname of locals) {
    if (familyOf(hostname) !== family) continue;
    const local: Deno.NetAddr = { transport: "tcp", hostname, port: localPort };
    try {
      return await dialOnce(address, local, plan, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!isBindFailure(error)) {
        if (bindFailures.length === 0) throw error;
        // As asyncio's error: the bind failures too, not only the last word.
        throw wrapError(
          error,
          `${messageOf(error)} (from ${
            formatAddress(local)
          }, after failing to bind ${listBindFailures(bindFailures)})`,
        );
      }
      bindFailures.push({ local, error });
    }
  }
  const last = bindFailures.at(-1);
  if (last === undefined) {
    // Destinations are filtered by the families of `locals` beforehand.
    throw new TypeError(
      `Cannot connect to ${
        formatAddress(address)
      } as no local address is of its family`,
    );
  }
  throw wrapError(last.error, `Cannot bind ${listBindFailures(bindFailures)}`);
}

function listBindFailures(
  failures: readonly { local: Deno.NetAddr; error: unknown }[],
): string {
  return failures.map(({ local, error }) =>
    `${formatAddress(local)}: ${messageOf(error)}`
  ).join("; ");
}

/** A bind failure: the next local address may do. */
function isBindFailure(error: unknown): boolean {
  return error instanceof Deno.errors.AddrInUse ||
    error instanceof Deno.errors.AddrNotAvailable;
}

/** One attempt from one local address (or none), within `attemptTimeout`. */
async function dialOnce(
  address: Deno.NetAddr,
  local: Deno.NetAddr | undefined,
  plan: DialPlan,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const { attemptTimeout } = plan;
  if (attemptTimeout === undefined) {
    return await connectOnce(address, local, plan.dial, signal);
  }
  // A timer of our own, cleared on every path (AbortSignal.timeout() would
  // leave one pending).
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), attemptTimeout);
  try {
    return await connectOnce(
      address,
      local,
      plan.dial,
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
    } else if (local) {
      const { connectFrom } = await import("./_node_tcp_conn.ts");
      conn = await connectFrom(address, local, signal ?? NEVER);
    } else {
      const options: Deno.ConnectOptions = {
        hostname: address.hostname,
        port: address.port,
        // One literal address: no racing inside our race.
        autoSelectFamily: false,
      };
      // Deno does extra work for a signal: pass one only when there is one.
      if (signal) options.signal = signal;
      conn = await Deno.connect(options);
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw asReset(error);
  }
  if (signal?.aborted) {
    // Connected as the signal aborted (or a hook that does not listen to
    // it): nobody will take this connection.
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

/** Calls the caller's `dial` hook, checking what it gives back. */
async function callHook(
  hook: Dialer,
  address: Deno.NetAddr,
  local: Deno.NetAddr | undefined,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const conn: unknown = await hook(
    { ...address },
    { localAddr: local && { ...local }, signal: signal ?? NEVER },
  );
  if (isTcpConn(conn)) return conn;
  if (
    typeof conn === "object" && conn !== null &&
    typeof (conn as { close?: unknown }).close === "function"
  ) {
    closeQuietly(conn as { close(): void });
  }
  throw new TypeError(
    `'dial' must resolve to a connected Deno.TcpConn: current value is ${
      show(conn)
    }`,
  );
}

/** What `connect()` needs of a connection: a Deno.TcpConn's interface. */
export function isTcpConn(value: unknown): value is Deno.TcpConn {
  if (typeof value !== "object" || value === null) return false;
  const conn = value as Partial<Deno.TcpConn>;
  return typeof conn.read === "function" &&
    typeof conn.write === "function" &&
    typeof conn.close === "function" &&
    conn.remoteAddr?.transport === "tcp";
}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed, or a hook's object that cannot be.
  }
}

/** A signal that never aborts. */
const NEVER = new AbortController().signal;
