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
 * assertEquals(await closeTls(conn, { timeout: 5_000 }), "closeNotify");
 * await accepted;
 * ```
 *
 * @module
 */

import { closeQuietly, isTcpConn } from "./_common/conn.ts";
import { handshake, shutDown, shutdownTimeoutOf } from "./_tls/handshake.ts";
import { upgradeRecorder } from "./_tls/telemetry.ts";
import {
  DEFAULT_SHUTDOWN_TIMEOUT,
  parseTimeout,
  parseTlsOptions,
  TLS_OPTION_KEYS,
} from "./_tls/options.ts";
import { checkKnownKeys, show } from "./_common/show.ts";
import { ownOptions } from "./_common/own_options.ts";
import type { CloseTlsResult, TlsEvent, TlsOptions } from "./types.ts";

export type { CloseTlsResult, TlsEvent, TlsOptions } from "./types.ts";

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
   * Called synchronously with each {@linkcode TlsEvent}. If it throws, the
   * upgrade stops: the connection is closed, no more events are sent, and
   * {@linkcode upgradeTls} rejects with the error thrown. It may abort
   * `signal`, even from `tlsSucceeded`: the upgrade then rejects with
   * `signal.reason` and the connection is closed.
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

/** Every key of {@linkcode UpgradeTlsOptions}. */
const UPGRADE_OPTION_KEYS = [...TLS_OPTION_KEYS, "signal", "onEvent"];
/** Every key of {@linkcode CloseTlsOptions}. */
const CLOSE_KEYS = ["timeout"];

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
 * @throws {TypeError} If `conn` is no connection (whatever it is, it is
 * closed), or `serverName` is missing or empty (without
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
 * @throws {unknown} `signal.reason` when `signal` aborts (also from within
 * `onEvent`, even on `tlsSucceeded`: the connection is closed).
 * @throws {unknown} What `onEvent` threw: the connection is closed first.
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
  let tlsOptions;
  let signal: AbortSignal | undefined;
  let onEvent: ((event: TlsEvent) => void) | undefined;
  try {
    // Something that is not a connection fails here, and is closed.
    if (!isTcpConn(conn)) {
      throw new TypeError(
        `Cannot start TLS as 'conn' must be a connected Deno.TcpConn: current value is ${
          show(conn)
        }`,
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot start TLS as 'options' must be an object: current value is ${
          show(options)
        }`,
      );
    }
    // Only the caller's own options, each read once.
    checkKnownKeys("Cannot start TLS", options, UPGRADE_OPTION_KEYS, "", {
      hostname: "serverName", // Deno.startTls's name
    });
    const own = ownOptions(options, UPGRADE_OPTION_KEYS);
    tlsOptions = parseTlsOptions(own, "");
    ({ signal, onEvent } = own as UpgradeTlsOptions);
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
      const { checkClientCertificate } = await import(
        "./_common/client_certificate.ts"
      );
      await checkClientCertificate(tlsOptions.cert, tlsOptions.key, "");
    }
    signal?.throwIfAborted();
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }

  // handshake() stops on an error that onEvent throws.
  const span = upgradeRecorder(conn);
  return await handshake(conn, tlsOptions, signal, (event) => {
    span?.(event);
    onEvent?.(event);
  });
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
 * Changed in 0.2.0: it used to resolve to a boolean, `true` for an end of
 * stream and `false` for everything else, so that a peer that closed without
 * close_notify looked like a timeout. Compare the result with
 * `"closeNotify"` where `true` was expected.
 *
 * @param conn The connection to close; it passes to this function.
 * @param options The timeout.
 * @returns How it ended (see {@linkcode CloseTlsResult}): `"closeNotify"`,
 * `"noCloseNotify"`, `"timedOut"` or `"alreadyClosed"`.
 * @throws {TypeError} If `conn` is no TLS connection (a plain TCP one would
 * wait out the timeout), or `timeout` is not a number (the connection is
 * closed all the same).
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
 * assertEquals(await closeTls(conn, { timeout: 1_000 }), "timedOut");
 * (await accepted).close();
 * ```
 */
export async function closeTls(
  conn: Deno.TlsConn,
  options: CloseTlsOptions = {},
): Promise<CloseTlsResult> {
  let timeout: number;
  try {
    // A plain TCP connection would wait out the whole timeout for a
    // close_notify that never comes.
    if (typeof (conn as Partial<Deno.TlsConn>)?.handshake !== "function") {
      throw new TypeError(
        `Cannot close TLS connection as 'conn' must be a TLS connection: current value is ${
          show(conn)
        }`,
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot close TLS connection as 'options' must be an object: current value is ${
          show(options)
        }`,
      );
    }
    timeout = parseTimeout(
      ownOptions(options, CLOSE_KEYS).timeout,
      "'timeout'",
      shutdownTimeoutOf(conn) ?? DEFAULT_SHUTDOWN_TIMEOUT,
      "Cannot close TLS connection",
    );
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }

  return await shutDown(conn, timeout);
}
