// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * The TLS layer of `connect()`: {@linkcode upgradeTls} turns the TCP
 * connection that won the race into a verified TLS connection, with a
 * handshake timeout and an abort signal, and {@linkcode closeTls} closes one
 * gracefully, with a shutdown timeout. Both are asyncio's
 * `ssl_handshake_timeout` and `ssl_shutdown_timeout`; both close the
 * connection on every failure, so that nothing is left open and nothing waits
 * forever.
 *
 * `Deno.startTls` resolves before the handshake and would wait for a silent
 * server until the server closes; it silently treats a `hostname` of `""` as
 * `"localhost"`, and ignores a client certificate. `upgradeTls` waits for the
 * handshake itself, refuses an empty server name, and sends a client
 * certificate through `node:tls` when one is given.
 *
 * @example Upgrade a TCP connection and close it gracefully
 * ```ts
 * import { closeTls, upgradeTls } from "@happy-eyeballs/connect/tls";
 * import { assertEquals } from "@std/assert";
 *
 * // A local TLS server, with this repository's test certificates.
 * const read = (name: string) =>
 *   Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));
 * using server = Deno.listenTls({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   cert: read("server.pem"),
 *   key: read("server.key"),
 *   alpnProtocols: ["h2", "http/1.1"],
 * });
 * const accepted = server.accept().then(async (conn) => {
 *   await conn.handshake();
 *   await conn.read(new Uint8Array(1)); // Until the client's close_notify.
 *   conn.close();
 * });
 *
 * const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
 * const conn = await upgradeTls(tcp, {
 *   serverName: "tls.test",
 *   caCerts: [read("ca.pem")],
 *   alpnProtocols: ["h2"],
 *   handshakeTimeout: 10_000,
 * });
 * assertEquals((await conn.handshake()).alpnProtocol, "h2");
 * assertEquals(await closeTls(conn, { timeout: 5_000 }), true);
 * await accepted;
 * ```
 *
 * @module
 */

import { isNodeTcpConn } from "./_node_tcp_conn.ts";
import { formatAddress } from "./errors.ts";
import { messageOf, wrapError } from "./_errors.ts";
import {
  DEFAULT_SHUTDOWN_TIMEOUT,
  parseTimeout,
  parseTlsOptions,
  show,
} from "./_tls_options.ts";

/** TLS options of `connect()`, also taken by {@linkcode upgradeTls}. */
export interface TlsOptions {
  /**
   * The name sent to the server (SNI) and verified against its certificate:
   * a host name, or an IP address (sent without SNI, as RFC 6066 asks, and
   * checked against the certificate's IP addresses). An IPv6 address may be
   * written in brackets.
   *
   * An empty string is refused: asyncio reads `server_hostname=""` as "do not
   * check the name", and `Deno.startTls` reads `hostname: ""` as
   * `"localhost"`. To skip the name check, leave this out and set
   * {@linkcode TlsOptions.unsafelyDisableHostnameVerification}.
   *
   * @default {the host name given to `connect()`}
   */
  serverName?: string;
  /**
   * Skips the check that the certificate is valid for
   * {@linkcode TlsOptions.serverName}. The chain is still verified, so the
   * certificate must still come from a trusted CA. Without `serverName`, the
   * peer's IP address is used as the name, and no SNI is sent.
   *
   * Anyone with any certificate from a trusted CA can then impersonate the
   * server: use it only with a private CA that issues certificates to your
   * own servers alone.
   *
   * @default {false}
   */
  unsafelyDisableHostnameVerification?: boolean;
  /**
   * Root certificates to trust in addition to the default ones, as PEM text
   * (not file names). The defaults are Mozilla's roots, or the system's when
   * `DENO_TLS_CA_STORE=system`.
   *
   * @default {[]}
   */
  caCerts?: string[];
  /**
   * Protocols to offer through ALPN (RFC 7301), in order of preference, such
   * as `["h2", "http/1.1"]`. The chosen one is in the `tlsSucceeded` event
   * and in `(await conn.handshake()).alpnProtocol`.
   *
   * @default {undefined (no ALPN extension)}
   */
  alpnProtocols?: string[];
  /**
   * A client certificate chain (PEM) for mutual TLS, set together with
   * {@linkcode TlsOptions.key}. `Deno.startTls` cannot send one, so the
   * handshake then runs through `node:tls`; the result is still a
   * `Deno.TlsConn`.
   *
   * With TLS 1.3 the server checks the client certificate after the client's
   * side of the handshake has completed: a refused certificate shows up as an
   * error on the first read (such as `Deno.errors.InvalidData` "received fatal
   * alert: CertificateRequired"), not as a handshake failure.
   *
   * @default {undefined}
   */
  cert?: string;
  /**
   * The private key (PEM) of {@linkcode TlsOptions.cert}; both or neither.
   *
   * @default {undefined}
   */
  key?: string;
  /**
   * Milliseconds the TLS handshake may take (asyncio's
   * `ssl_handshake_timeout`). When it expires, the connection is closed and
   * the upgrade fails with a `DOMException` named `"TimeoutError"`. Must be
   * positive and at most 2147483647 (about 24.8 days); `Infinity` is refused
   * so that no handshake can wait forever.
   *
   * @default {60_000}
   */
  handshakeTimeout?: number;
  /**
   * Milliseconds {@linkcode closeTls} waits for the peer to close after
   * sending it close_notify (asyncio's `ssl_shutdown_timeout`), for
   * connections made with these options. Same range as `handshakeTimeout`.
   *
   * @default {30_000}
   */
  shutdownTimeout?: number;
}

/**
 * What happened during a TLS upgrade, as reported to
 * {@linkcode UpgradeTlsOptions.onEvent}. `connect()` adds the time elapsed
 * and the peer address when it forwards these events.
 */
export type TlsEvent =
  | {
    /** The handshake is about to start. */
    type: "tlsStarted";
    /** The name sent and verified (the peer's IP address when none). */
    serverName: string;
  }
  | {
    /** The handshake completed and the certificate was accepted. */
    type: "tlsSucceeded";
    /** The name sent and verified. */
    serverName: string;
    /** The protocol chosen through ALPN, or `null` when none was. */
    alpnProtocol: string | null;
  }
  | {
    /** The upgrade failed; the connection is closed. */
    type: "tlsFailed";
    /** The name sent and verified. */
    serverName: string;
    /** The error that {@linkcode upgradeTls} rejects with. */
    error: unknown;
  };

/** Options for {@linkcode upgradeTls}. */
export interface UpgradeTlsOptions extends TlsOptions {
  /**
   * Aborting it closes the connection; {@linkcode upgradeTls} then rejects
   * with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Called synchronously with each {@linkcode TlsEvent}. An exception it
   * throws does not change the outcome of the upgrade; it is reported with
   * `reportError()`, as an exception in an event listener is.
   *
   * @default {undefined}
   */
  onEvent?: (event: TlsEvent) => void;
}

/** Options for {@linkcode closeTls}. */
export interface CloseTlsOptions {
  /**
   * Milliseconds to wait for the peer to close after sending it close_notify;
   * the connection is closed at the latest then. Must be positive and at most
   * 2147483647.
   *
   * @default {the `shutdownTimeout` the connection was upgraded with, else 30_000}
   */
  timeout?: number;
}

/** The `shutdownTimeout` of each connection made by {@linkcode upgradeTls}. */
const shutdownTimeouts = new WeakMap<Deno.TlsConn, number>();

const UPGRADE_KEYS = ["signal", "onEvent"];

/**
 * Upgrades a TCP connection to TLS and waits for the handshake, within
 * `handshakeTimeout` (asyncio's `ssl_handshake_timeout`).
 *
 * The connection passes to this function: on any failure, including invalid
 * options, it is closed before the promise rejects, and nothing is left
 * open or running. On success the caller owns the returned `Deno.TlsConn`;
 * close it with {@linkcode closeTls} for a graceful shutdown, which is also
 * what `await using` does with it (`Symbol.asyncDispose`).
 *
 * A limit of Deno 2.9 to know about: `Deno.startTls` runs the handshake in a
 * task of its own that holds the socket until the handshake ends, and closing
 * the `Deno.TlsConn` does not stop that task. After a timeout or an abort the
 * connection is closed as far as JavaScript can tell (no resource is left, and
 * the sanitizers of `deno test` are satisfied), but the operating system's
 * socket stays open until the peer sends something or closes. With a client
 * certificate (`cert` and `key`) the handshake runs through `node:tls`, and
 * the socket is closed at once.
 *
 * Unlike {@linkcode TlsOptions.serverName} in `connect()`, `serverName` has
 * no default here, as there is no host name to fall back on: it is required
 * unless `unsafelyDisableHostnameVerification` is `true`, in which case the
 * peer's IP address is used.
 *
 * @param conn The TCP connection to upgrade. Nothing may be reading from it
 * (`Deno.startTls` would fail with `Deno.errors.Busy`).
 * @param options The TLS options, an abort signal and an event hook.
 * @returns The TLS connection, its handshake completed and the server's
 * certificate verified.
 * @throws {TypeError} If `serverName` is missing or empty (without
 * `unsafelyDisableHostnameVerification`), an option is invalid, or `key` is
 * not the private key of `cert`.
 * @throws {RangeError} If a timeout is not a positive finite number up to
 * 2147483647, or an ALPN protocol is longer than 255 bytes.
 * @throws {DOMException} Named `"TimeoutError"`, when the handshake did not
 * complete within `handshakeTimeout`; the message names the peer, the server
 * name and the timeout.
 * @throws {Deno.errors.InvalidData} When the certificate is not trusted or
 * not valid for `serverName`, or the peer broke the protocol. Errors of the
 * handshake keep their `Deno.errors` class, get a message naming the peer
 * and the server name, and carry the original error as `cause`.
 * @throws {Deno.errors.UnexpectedEof} When the peer closed the connection
 * during the handshake.
 * @throws {unknown} `signal.reason` when `signal` aborts.
 *
 * @example Give up on a server that never answers
 * ```ts
 * import { upgradeTls } from "@happy-eyeballs/connect/tls";
 * import { assertEquals, assertRejects } from "@std/assert";
 *
 * // A server that accepts TCP connections and never says anything.
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const accepted = server.accept();
 *
 * const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
 * const error = await assertRejects(
 *   () => upgradeTls(tcp, { serverName: "tls.test", handshakeTimeout: 100 }),
 *   DOMException,
 * );
 * assertEquals(error.name, "TimeoutError");
 * (await accepted).close();
 * ```
 *
 * @example An empty server name is refused
 * ```ts
 * import { upgradeTls } from "@happy-eyeballs/connect/tls";
 * import { assertRejects } from "@std/assert";
 *
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const accepted = server.accept();
 *
 * const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
 * await assertRejects(
 *   () => upgradeTls(tcp, { serverName: "" }),
 *   TypeError,
 *   "unsafelyDisableHostnameVerification",
 * );
 * // The connection was closed all the same.
 * (await accepted).close();
 * ```
 */
export async function upgradeTls(
  conn: Deno.TcpConn,
  options: UpgradeTlsOptions,
): Promise<Deno.TlsConn> {
  let peer: string;
  let tlsOptions;
  let signal: AbortSignal | undefined;
  let onEvent: ((event: TlsEvent) => void) | undefined;
  try {
    peer = formatAddress(conn.remoteAddr);
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot start TLS as 'options' must be an object: current value is ${
          show(options)
        }`,
      );
    }
    tlsOptions = parseTlsOptions(
      options as unknown as Record<string, unknown>,
      "",
      UPGRADE_KEYS,
    );
    ({ signal, onEvent } = options);
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(
        `Cannot start TLS as 'signal' must be an AbortSignal: current value is ${
          show(signal)
        }`,
      );
    }
    if (onEvent !== undefined && typeof onEvent !== "function") {
      throw new TypeError(
        `Cannot start TLS as 'onEvent' must be a function: current value is ${
          show(onEvent)
        }`,
      );
    }
    if (
      tlsOptions.serverName === undefined &&
      !tlsOptions.unsafelyDisableHostnameVerification
    ) {
      throw new TypeError(
        `Cannot start TLS as 'serverName' must be a host name or IP address to verify (or 'unsafelyDisableHostnameVerification' must be true): current value is undefined`,
      );
    }
    if (tlsOptions.cert !== undefined && tlsOptions.key !== undefined) {
      const { checkClientCertificate } = await import("./_node_tls_conn.ts");
      await checkClientCertificate(tlsOptions.cert, tlsOptions.key, "");
    }
    signal?.throwIfAborted();
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }

  const serverName = tlsOptions.serverName ?? conn.remoteAddr.hostname;
  const emit = (event: TlsEvent) => {
    try {
      onEvent?.(event);
    } catch (error) {
      reportError(error);
    }
  };
  const describe = `TLS handshake with ${peer} (server name ${
    JSON.stringify(serverName)
  })`;

  // Settles only by rejecting: on timeout or abort.
  const stop = new AbortController();
  const stopped = new Promise<never>((_, reject) => {
    stop.signal.addEventListener("abort", () => reject(stop.signal.reason), {
      once: true,
    });
  });
  stopped.catch(() => {});
  const onAbort = () => stop.abort(signal!.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    stop.abort(
      new DOMException(
        `${describe} timed out after ${tlsOptions.handshakeTimeout} ms`,
        "TimeoutError",
      ),
    );
  }, tlsOptions.handshakeTimeout);

  emit({ type: "tlsStarted", serverName });
  let tlsConn: Deno.TlsConn | undefined;
  let handshake: Promise<Deno.TlsHandshakeInfo> | undefined;
  try {
    // Deno.startTls neither sends a client certificate nor takes a socket it
    // did not open itself (a `localAddr` connection comes from node:net).
    if (tlsOptions.cert !== undefined || isNodeTcpConn(conn)) {
      const { startNodeTls } = await import("./_node_tls_conn.ts");
      tlsConn = await startNodeTls(conn, { ...tlsOptions, serverName });
    } else {
      tlsConn = await Deno.startTls(conn, {
        hostname: serverName,
        caCerts: tlsOptions.caCerts ?? [],
        ...(tlsOptions.alpnProtocols
          ? { alpnProtocols: tlsOptions.alpnProtocols }
          : {}),
        unsafelyDisableHostnameVerification:
          tlsOptions.unsafelyDisableHostnameVerification,
      });
    }
    stop.signal.throwIfAborted();
    handshake = tlsConn.handshake();
    const { alpnProtocol } = await Promise.race([handshake, stopped]);
    shutdownTimeouts.set(tlsConn, tlsOptions.shutdownTimeout);
    // `await using` closes gracefully; `using` still closes at once.
    const closing = tlsConn;
    Object.defineProperty(closing, Symbol.asyncDispose, {
      value: async () => void await closeTls(closing),
      configurable: true,
    });
    emit({ type: "tlsSucceeded", serverName, alpnProtocol });
    return tlsConn;
  } catch (cause) {
    closeQuietly(tlsConn ?? conn);
    // Closing cancels the handshake; let it settle so that no operation
    // outlives the call.
    await handshake?.catch(() => {});
    const error = stop.signal.aborted && cause === stop.signal.reason
      ? cause
      : wrapError(cause, `${describe} failed: ${messageOf(cause)}`);
    emit({ type: "tlsFailed", serverName, error });
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Closes a TLS connection gracefully (asyncio's `ssl_shutdown_timeout`):
 * sends close_notify and ends the write side, then reads and discards
 * whatever the peer still sends until it closes its side, for at most
 * `timeout` milliseconds, and then closes the connection.
 *
 * It never waits longer than the timeout, never throws because the
 * connection is already closed, and always leaves the connection closed.
 *
 * @param conn The connection to close; it passes to this function.
 * @param options The timeout.
 * @returns `true` when the peer closed its side (end of stream) within the
 * timeout; `false` when the timeout expired first, reading or writing
 * failed (such as a reset, or a peer that closed without close_notify), or
 * the connection was already closed.
 * @throws {TypeError} If `timeout` is not a number (the connection is closed
 * all the same).
 * @throws {RangeError} If `timeout` is not positive, finite and at most
 * 2147483647 (the connection is closed all the same).
 *
 * @example Close gracefully, waiting at most one second
 * ```ts
 * import { closeTls, upgradeTls } from "@happy-eyeballs/connect/tls";
 * import { assertEquals } from "@std/assert";
 *
 * const read = (name: string) =>
 *   Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));
 * using server = Deno.listenTls({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   cert: read("server.pem"),
 *   key: read("server.key"),
 * });
 * // A server that never closes its side: closeTls() gives up after 1 s.
 * const accepted = server.accept();
 *
 * const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
 * const conn = await upgradeTls(tcp, {
 *   serverName: "localhost",
 *   caCerts: [read("ca.pem")],
 * });
 * assertEquals(await closeTls(conn, { timeout: 1_000 }), false);
 * (await accepted).close();
 * ```
 */
export async function closeTls(
  conn: Deno.TlsConn,
  options: CloseTlsOptions = {},
): Promise<boolean> {
  let timeout: number;
  try {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot close TLS connection as 'options' must be an object: current value is ${
          show(options)
        }`,
      );
    }
    timeout = parseTimeout(
      options.timeout,
      "'timeout'",
      shutdownTimeouts.get(conn) ?? DEFAULT_SHUTDOWN_TIMEOUT,
      "Cannot close TLS connection",
    );
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      // Closing also cancels the pending write or read below.
      closeQuietly(conn);
      resolve(false);
    }, timeout);
  });
  try {
    return await Promise.race([drain(conn), expired]);
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
  }
}

/** Sends close_notify, then reads until the peer's end of stream. */
async function drain(conn: Deno.TlsConn): Promise<boolean> {
  try {
    await conn.closeWrite();
    const buffer = new Uint8Array(16_384);
    while ((await conn.read(buffer)) !== null) {
      // Discard what the peer still sends.
    }
    return true;
  } catch {
    return false;
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
