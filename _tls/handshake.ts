// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.
// The one TLS handshake, used by `upgradeTls()` and by `connect()`: both check
// their options once (the client key included) and hand them here checked.
// It waits for the handshake within the timeout, stops on abort, and closes
// the connection on every failure. The graceful close is here too, so that
// the connection it returns closes with it on `await using`.
import { abortable } from "@std/async/abortable";
import { delay } from "@std/async/delay";
import { formatAddress } from "../errors.ts";
import { messageOf, wrapError } from "../_common/errors.ts";
import { CallbackFailure } from "../_common/callback_failure.ts";
import { closeQuietly, isForeignConn } from "../_common/conn.ts";
import type { NormalizedTlsOptions } from "./options.ts";
import { tracedShutdown } from "./telemetry.ts";
import type { CloseTlsResult, TlsEvent } from "../types.ts";

/** The `shutdownTimeout` of each connection made by {@linkcode handshake}. */
const shutdownTimeouts = new WeakMap<Deno.TlsConn, number>();

/** The `shutdownTimeout` that `conn` was upgraded with, if it was here. */
export function shutdownTimeoutOf(conn: Deno.TlsConn): number | undefined {
  return shutdownTimeouts.get(conn);
}

/**
 * Checks, when `options` has a client certificate, that its key matches it:
 * a mismatch fails before any traffic, not in the middle of a handshake.
 *
 * @param options Checked TLS options of `connect()`.
 * @throws {TypeError} If the key does not match the certificate.
 */
export async function checkClientKey(
  options: NormalizedTlsOptions,
): Promise<void> {
  if (options.cert === undefined || options.key === undefined) return;
  const { checkClientCertificate } = await import(
    "../_common/client_certificate.ts"
  );
  await checkClientCertificate(options.cert, options.key, "tls.");
}

/**
 * Whether the handshake can run through `node:tls`, whose socket closes at
 * once: it reads Deno's default roots to add `caCerts` to them, which takes
 * `--allow-sys=ca`, and those are Mozilla's roots only. Where Deno's own
 * default trust is more (`DENO_TLS_CA_STORE` naming the system's store,
 * `DENO_CERT`), or cannot be known (no permission to read those variables),
 * `Deno.startTls` serves, so that `caCerts` add to exactly what
 * `Deno.connectTls` trusts (a loser's socket is then closed when its server
 * speaks or closes).
 */
function canCloseAtOnce(options: NormalizedTlsOptions): boolean {
  if (options.caCerts === undefined) return true;
  return granted({ name: "sys", kind: "ca" }) &&
    granted({ name: "env", variable: "DENO_TLS_CA_STORE" }) &&
    granted({ name: "env", variable: "DENO_CERT" }) &&
    (Deno.env.get("DENO_TLS_CA_STORE") ?? "mozilla") === "mozilla" &&
    Deno.env.get("DENO_CERT") === undefined;
}

/** Whether `permission` is granted, without prompting. */
function granted(permission: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(permission).state === "granted";
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
 * @param emit Told each step, through `callbacks`. If it throws (or returns
 * a promise that rejects in time), the handshake stops: the connection is
 * closed, `emit` is told nothing more, and the error thrown is what this
 * rejects with.
 * @param callbacks The caller's callbacks of the whole call: one that
 * failed before stops the handshake too.
 * @param closable Run it through `node:tls`, whose socket closes at once
 * when the handshake is abandoned (a loser of the race): `Deno.startTls`
 * keeps it until the server speaks.
 * @returns The TLS connection, its handshake completed.
 */
export async function handshake(
  conn: Deno.TcpConn,
  options: NormalizedTlsOptions,
  signal: AbortSignal | undefined,
  emit: (event: TlsEvent) => unknown,
  callbacks: CallbackFailure = new CallbackFailure(),
  closable = false,
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
  // The first error that `emit` throws stops the handshake.
  const tell = (event: TlsEvent) => {
    if (!callbacks.failed) callbacks.call(() => emit(event));
  };

  let tlsConn: Deno.TlsConn | undefined;
  let handshake: Promise<Deno.TlsHandshakeInfo> | undefined;
  try {
    tell({ type: "tlsStarted", serverName });
    callbacks.throwIfFailed();
    // A Deno.TlsConn has no setNoDelay(): set here or never. Each TLS record
    // goes out whole, so Nagle saves nothing and costs a delayed ACK (about
    // 40 ms) per small write after unacknowledged data: HTTP/2's window
    // updates, measured 45 ms each (Go's TLS dials with no delay too).
    setNoDelay(conn);
    // Deno.startTls neither sends a client certificate, nor trusts given
    // roots alone (its `caCerts` add to the default ones), nor takes a socket
    // it did not open itself (a `localAddr` connection comes from node:net,
    // a tunnel through an https:// proxy is TLS already),
    // nor closes a loser of the race at once.
    if (
      options.cert !== undefined || options.caCertsOnly ||
      isForeignConn(conn) ||
      (closable && canCloseAtOnce(options))
    ) {
      const { startNodeTls } = await import("./node_tls_conn.ts");
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
    tell({ type: "tlsSucceeded", serverName, alpnProtocol });
    // `emit` threw, or aborted the signal: the connection is not the result.
    callbacks.throwIfFailed();
    signal?.throwIfAborted();
    shutdownTimeouts.set(tlsConn, options.shutdownTimeout);
    // `await using` closes gracefully, as `closeTls()`; `using` still closes
    // at once.
    const closing = tlsConn;
    Object.defineProperty(closing, Symbol.asyncDispose, {
      value: async () => void await shutDown(closing, options.shutdownTimeout),
      configurable: true,
    });
    return tlsConn;
  } catch (cause) {
    closeQuietly(tlsConn ?? conn);
    // Closing cancels the handshake; let it settle so that no operation
    // outlives the call.
    await handshake?.catch(() => {});
    const error = cause === timedOut ||
        (callbacks.failed && cause === callbacks.error) ||
        (signal?.aborted && cause === signal.reason)
      ? cause
      : wrapError(cause, `${describe} failed: ${messageOf(cause)}`);
    tell({ type: "tlsFailed", serverName, error });
    callbacks.throwIfFailed();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The graceful close of `closeTls()`, with its options checked: sends
 * close_notify, then reads until the peer's end of stream, for at most
 * `timeout` milliseconds, and closes `conn` in every case.
 *
 * @param conn The connection to close; it passes to this function.
 * @param timeout A valid timer delay.
 * @returns How it ended (see `CloseTlsResult`).
 */
export function shutDown(
  conn: Deno.TlsConn,
  timeout: number,
): Promise<CloseTlsResult> {
  return tracedShutdown(conn, () => closeWithin(conn, timeout));
}

async function closeWithin(
  conn: Deno.TlsConn,
  timeout: number,
): Promise<CloseTlsResult> {
  // Aborted in `finally`: it clears the timer of `expired`.
  const settled = new AbortController();
  const expired = delay(timeout, { signal: settled.signal }).then(() => {
    // Closing also cancels the pending write or read of `drain`.
    closeQuietly(conn);
    return "timedOut" as const;
  });
  try {
    return await Promise.race([drain(conn), expired]);
  } finally {
    settled.abort();
    // The abort rejects `expired`: nothing waits for it any more.
    expired.catch(() => {});
    closeQuietly(conn);
  }
}

/** Sends close_notify, then reads until the peer's end of stream. */
async function drain(conn: Deno.TlsConn): Promise<CloseTlsResult> {
  try {
    await conn.closeWrite();
  } catch (error) {
    return error instanceof Deno.errors.BadResource
      ? "alreadyClosed"
      : "noCloseNotify";
  }
  try {
    const buffer = new Uint8Array(16_384);
    while ((await conn.read(buffer)) !== null) {
      // Discard what the peer still sends.
    }
    // A TLS end of stream: Deno.TlsConn reads null only after close_notify,
    // and fails with UnexpectedEof when TCP ends without it (and so does the
    // node:tls connection of node_tls_conn.ts).
    return "closeNotify";
  } catch {
    return "noCloseNotify";
  }
}

/** Turns Nagle's algorithm off on `conn`, if it can (a closed one cannot). */
function setNoDelay(conn: Deno.TcpConn): void {
  try {
    conn.setNoDelay(true);
  } catch {
    // Closed: the handshake says so.
  }
}
