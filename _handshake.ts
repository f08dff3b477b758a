// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.
// The one TLS handshake, used by `upgradeTls()` and by `connect()`: both check
// their options once (the client key included) and hand them here checked.
// It waits for the handshake within the timeout, stops on abort, and closes
// the connection on every failure.
import { abortable } from "@std/async/abortable";
import { formatAddress } from "./errors.ts";
import { messageOf, wrapError } from "./_errors.ts";
import { isNodeTcpConn } from "./_node_tcp_conn.ts";
import type { NormalizedTlsOptions } from "./_tls_options.ts";
import type { TlsEvent } from "./types.ts";

/** The `shutdownTimeout` of each connection made by {@linkcode handshake}. */
const shutdownTimeouts = new WeakMap<Deno.TlsConn, number>();

/** The `shutdownTimeout` that `conn` was upgraded with, if it was here. */
export function shutdownTimeoutOf(conn: Deno.TlsConn): number | undefined {
  return shutdownTimeouts.get(conn);
}

/** Closes `conn`, if it is not closed yet. */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Upgrades `conn` to TLS and waits for the handshake, within
 * `options.handshakeTimeout`. `conn` passes to this function: it is closed
 * on every failure.
 *
 * @param conn The TCP connection; nothing may be reading from it.
 * @param options Checked options (the client key too). Without `serverName`,
 * the peer's IP address is the name (with `unsafelyDisableHostnameVerification`).
 * @param signal Aborting it closes the connection and rejects with its reason.
 * @param emit Told each step; it must not throw.
 * @returns The TLS connection, its handshake completed.
 */
export async function handshake(
  conn: Deno.TcpConn,
  options: NormalizedTlsOptions,
  signal: AbortSignal | undefined,
  emit: (event: TlsEvent) => void,
): Promise<Deno.TlsConn> {
  const serverName = options.serverName ?? conn.remoteAddr.hostname;
  const describe = `TLS handshake with ${
    formatAddress(conn.remoteAddr)
  } (server name ${JSON.stringify(serverName)})`;
  const timeout = options.handshakeTimeout;
  // A plain timer, cleared in `finally`: `delay()` with an abort signal costs
  // about 80 µs more per handshake (measured on loopback, bench/).
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut: DOMException | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = new DOMException(
        `${describe} timed out after ${timeout} ms`,
        "TimeoutError",
      );
      reject(timedOut);
    }, timeout);
  });
  expired.catch(() => {});

  emit({ type: "tlsStarted", serverName });
  let tlsConn: Deno.TlsConn | undefined;
  let handshake: Promise<Deno.TlsHandshakeInfo> | undefined;
  try {
    // Deno.startTls neither sends a client certificate nor takes a socket it
    // did not open itself (a `localAddr` connection comes from node:net).
    if (options.cert !== undefined || isNodeTcpConn(conn)) {
      const { startNodeTls } = await import("./_node_tls_conn.ts");
      tlsConn = await startNodeTls(conn, { ...options, serverName });
    } else {
      tlsConn = await Deno.startTls(conn, {
        hostname: serverName,
        caCerts: options.caCerts ?? [],
        ...(options.alpnProtocols
          ? { alpnProtocols: options.alpnProtocols }
          : {}),
        unsafelyDisableHostnameVerification:
          options.unsafelyDisableHostnameVerification,
      });
    }
    signal?.throwIfAborted();
    if (timedOut) throw timedOut;
    handshake = tlsConn.handshake();
    const done = Promise.race([handshake, expired]);
    const { alpnProtocol } = await (signal ? abortable(done, signal) : done);
    shutdownTimeouts.set(tlsConn, options.shutdownTimeout);
    emit({ type: "tlsSucceeded", serverName, alpnProtocol });
    return tlsConn;
  } catch (cause) {
    closeQuietly(tlsConn ?? conn);
    // Closing cancels the handshake; let it settle so that no operation
    // outlives the call.
    await handshake?.catch(() => {});
    const error =
      cause === timedOut || (signal?.aborted && cause === signal.reason)
        ? cause
        : wrapError(cause, `${describe} failed: ${messageOf(cause)}`);
    emit({ type: "tlsFailed", serverName, error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
