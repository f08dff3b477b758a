// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * The ways to get the `node:net`-compatible socket: dial with
 * {@linkcode createConnection}, wrap a connection you have with
 * {@linkcode toNodeSocket}, or hand undici {@linkcode createUndiciConnector}.
 * Re-exported by `@happy-eyeballs/connect/node`.
 *
 * @module
 */

import { connect, type ConnectEvent, type ConnectOptions } from "../connect.ts";
import { checkOptions } from "../_connect/options.ts";
import { ownOptions } from "../_common/own_options.ts";
import { show } from "../_common/show.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";
import { isConn, isTls, SOCKET_ACCESS } from "./_access.ts";
import {
  fromNodeOptions,
  type NodeConnectOptions,
  type NodeSocketOptions,
} from "./options.ts";
import { NodeSocket, type NodeSocketConn } from "./socket.ts";
import { startDialling } from "./_dialling.ts";

/**
 * Opens a connection with {@linkcode connect} and returns at once a
 * `node:net`-compatible socket that is dialling, as `node:net`'s
 * `createConnection` does.
 *
 * The socket emits `connect` and `ready` when the race is won, and with
 * `tls` `secureConnect` after the handshake. When `connect()` fails, the
 * socket emits `error` with the error `connect()` rejected with, given a
 * `code` as `node:net` sets it (`"ECONNREFUSED"`, `"ETIMEDOUT"`, ...), then
 * `close` with `hadError` `true`.
 *
 * @param options The options of {@linkcode connect}, and `node:net`'s
 * `timeout` (the socket's `setTimeout()` from the start).
 * @param onConnect Added as a `connect` listener (a `secureConnect` listener
 * with `tls`, as `node:tls` does).
 * @returns The socket, dialling.
 * @throws {TypeError} If an option has the wrong type or is unknown, as
 * {@linkcode connect} would reject.
 * @throws {RangeError} If a number option is out of range.
 *
 * @example Refused, with the code `node:net` would set
 * ```ts
 * import { createConnection } from "@happy-eyeballs/connect/node";
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 * import { once } from "node:events";
 *
 * const port = (() => {
 *   using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 *   return listener.addr.port;
 * })();
 * const socket = createConnection({ hostname: "127.0.0.1", port });
 * const [error] = await once(socket, "error").catch((e) => [e]);
 * assertInstanceOf(error, Deno.errors.ConnectionRefused);
 * assertEquals((error as { code?: string }).code, "ECONNREFUSED");
 * ```
 */
export function createConnection(
  options: NodeSocketOptions,
  onConnect?: () => void,
): NodeSocket {
  // Each option is read once, into a copy that is checked and then handed
  // to connect(): a getter cannot answer the check one thing and the race
  // another. `timeout` is node:net's, not connect()'s.
  const given = copyOptions(options);
  const { timeout } = ownOptions(given, TIMEOUT_KEY);
  if (timeout !== undefined) delete (given as { timeout?: unknown }).timeout;
  const { history } = checkOptions(given);
  const socket = new NodeSocket();
  // Checked before any traffic; it runs while dialling too, as in node:net.
  if (timeout !== undefined) socket.setTimeout(timeout as number);
  const tls = given.tls !== undefined && given.tls !== false;
  if (onConnect) socket.once(tls ? "secureConnect" : "connect", onConnect);
  socket.connecting = true;
  const { onEvent } = given;
  let connected = false;
  // `signal` stops the dial, as destroying the socket does (`dialling`).
  const dialling = startDialling(connect, {
    ...given,
    onEvent(event: ConnectEvent) {
      // Over TLS, `connect` comes when the race is won: with the handshake
      // in the race, once it is done; else before it, as in node:tls. A
      // `connect` listener that throws is reported and closes the socket
      // (as below); the caller's hook still hears of the event, and
      // connect() reports it if it throws.
      if (
        tls && !connected && (event.type === "attemptWon" ||
          (event.type === "tlsStarted" && event.index === undefined))
      ) {
        connected = true;
        if (!socket.destroyed) {
          guarded(socket, () => SOCKET_ACCESS.connected(socket, event.address));
        }
      }
      onEvent?.(event);
    },
  }, history);
  // `connect` listeners run here, from a promise callback: guarded.
  SOCKET_ACCESS.attach(
    socket,
    dialling.ready,
    dialling,
    (conn) =>
      guarded(socket, () => {
        if (!connected) {
          connected = true;
          SOCKET_ACCESS.connected(socket, conn.remoteAddr);
        }
        if (isTls(conn)) secureWhenDone(socket, conn);
      }),
    dialling.ref,
  );
  return socket;
}

/**
 * A copy of `connect()`'s options (and of its `tls` object), each read once;
 * anything but an object as it is, for the check to refuse.
 */
function copyOptions<T>(options: T): T {
  if (typeof options !== "object" || options === null) return options;
  const copy = { ...options } as { tls?: unknown };
  if (typeof copy.tls === "object" && copy.tls !== null) {
    copy.tls = { ...copy.tls };
  }
  return copy as T;
}

/**
 * Runs `emit`, which calls event listeners from a promise callback: a
 * listener that throws is reported with `reportError()` (uncaught, as in
 * Node), and the socket is destroyed so that nothing is left open.
 */
function guarded(socket: NodeSocket, emit: () => void): void {
  try {
    emit();
  } catch (error) {
    socket.destroy();
    reportError(error);
  }
}

/** Emits `secureConnect` once the handshake of `conn` is done. */
function secureWhenDone(socket: NodeSocket, conn: Deno.TlsConn): void {
  conn.handshake().then(({ alpnProtocol }) => {
    if (!socket.destroyed) {
      guarded(socket, () => SOCKET_ACCESS.secured(socket, alpnProtocol));
    }
  }, () => {
    // The next read or write reports it.
  });
}

/**
 * Wraps a connection you already have in the socket of
 * {@linkcode createConnection}: after a STARTTLS exchange (a `Deno.TlsConn`
 * from `upgradeTls()`), or around any `Deno.TcpConn`. The socket owns the
 * connection from then on.
 *
 * The socket is connected: `readyState` is `"open"`, and `connect()` on it
 * emits `connect` at once (pg calls it and waits for the event). Over TLS,
 * `alpnProtocol` is known, and `secureConnect` emitted, once the handshake
 * has completed.
 *
 * @param conn The connection to wrap.
 * @param allowHalfOpen Whether the socket stays writable after the peer has
 * ended its side.
 * @returns The socket.
 * @throws {TypeError} If `conn` is no connection, or `allowHalfOpen` no
 * boolean.
 *
 * @example Wrap a connection
 * ```ts
 * import { toNodeSocket } from "@happy-eyeballs/connect/node";
 * import { connect } from "@happy-eyeballs/connect";
 * import { assertEquals } from "@std/assert";
 * import { once } from "node:events";
 *
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * server.accept().then(async (conn) => {
 *   await conn.write(new TextEncoder().encode("hi"));
 *   conn.close();
 * });
 * const conn = await connect({ hostname: "127.0.0.1", port: server.addr.port });
 * const socket = toNodeSocket(conn);
 * assertEquals(socket.readyState, "open");
 * const [data] = await once(socket, "data");
 * assertEquals(String(data), "hi");
 * await once(socket, "close");
 * ```
 */
export function toNodeSocket(
  conn: NodeSocketConn,
  allowHalfOpen = false,
): NodeSocket {
  if (!isConn(conn)) {
    throw new TypeError(
      `Cannot wrap the connection as 'conn' must be a connected Deno.TcpConn or Deno.TlsConn: current value is ${
        show(conn)
      }`,
    );
  }
  if (typeof allowHalfOpen !== "boolean") {
    throw new TypeError(
      `Cannot wrap the connection as 'allowHalfOpen' must be a boolean: current value is ${
        show(allowHalfOpen)
      }`,
    );
  }
  const socket = new NodeSocket(allowHalfOpen);
  if (isTls(conn)) {
    socket.encrypted = true;
    socket.alpnProtocol = false;
  }
  SOCKET_ACCESS.attach(socket, conn, undefined, () => {
    if (isTls(conn)) secureWhenDone(socket, conn);
  });
  return socket;
}

/**
 * The `connect` function of undici's `Agent` and `Client` (undici calls it
 * with `node:net` options and a callback).
 */
export type UndiciConnector = (
  options: NodeConnectOptions,
  callback: (error: Error | null, socket: NodeSocket | null) => void,
) => void;

/** The options of {@linkcode createUndiciConnector}. */
export interface UndiciConnectorOptions extends ConnectOptions {
  /**
   * Milliseconds a connection may take, TLS handshake included, as undici's
   * own `connectTimeout` (which undici does not apply to a `connect`
   * function): then undici is told of an error whose `code` is
   * `"UND_ERR_CONNECT_TIMEOUT"`. At most 2147483647.
   *
   * @default {10_000} (undici's)
   */
  connectTimeout?: number;
}

/** The keys read of `createUndiciConnector()`'s options and undici's. */
const CONNECT_TIMEOUT_KEY = ["connectTimeout"];
const TIMEOUT_KEY = ["timeout"];
const TLS_KEY = ["tls"];
const PROTOCOL_KEY = ["protocol"];

/**
 * A `connect` function for undici's `Agent({ connect })`: every connection
 * undici opens goes through {@linkcode createConnection}, and undici gets the
 * socket once it is connected (after the TLS handshake for `https:`).
 *
 * For `https:` origins, ALPN offers `["http/1.1"]` unless
 * `options.tls.alpnProtocols` says otherwise: undici speaks HTTP/2 whenever
 * the socket reports `"h2"`, which needs `allowH2` on the agent.
 *
 * @param options Options of {@linkcode connect} for every connection
 * (`history`, `happyEyeballsDelay`, ...); `tls` applies to `https:` origins
 * only; and `connectTimeout`, undici's.
 * @returns The function to pass as `connect`.
 * @throws {RangeError} If `connectTimeout` is not a positive number of
 * milliseconds up to 2147483647.
 *
 * @example An undici agent with Happy Eyeballs
 * ```ts ignore
 * import { createUndiciConnector } from "@happy-eyeballs/connect/node";
 * import { ConnectHistory } from "@happy-eyeballs/connect/history";
 * import { Agent, request } from "npm:undici";
 *
 * const agent = new Agent({
 *   connect: createUndiciConnector({ history: new ConnectHistory() }),
 * });
 * const response = await request("https://example.com/", { dispatcher: agent });
 * ```
 *
 * @example Refusals reach undici's callback
 * ```ts
 * import { createUndiciConnector } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 *
 * const port = (() => {
 *   using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 *   return listener.addr.port;
 * })();
 * const connector = createUndiciConnector();
 * const error = await new Promise<Error | null>((resolve) => {
 *   connector({ hostname: "127.0.0.1", port, protocol: "http:" }, resolve);
 * });
 * assertEquals((error as { code?: string }).code, "ECONNREFUSED");
 * ```
 */
export function createUndiciConnector(
  options: UndiciConnectorOptions = {},
): UndiciConnector {
  const { connectTimeout = 10_000, ...rest } = ownOptions(
    options,
    CONNECT_TIMEOUT_KEY,
  );
  if (
    typeof connectTimeout !== "number" ||
    !(connectTimeout > 0 && connectTimeout <= MAX_TIMEOUT)
  ) {
    throw new RangeError(
      `Cannot connect as 'connectTimeout' must be a positive number of milliseconds up to ${MAX_TIMEOUT}: current value is ${
        show(connectTimeout)
      }`,
    );
  }
  options = rest as ConnectOptions;
  // Own properties only: a `tls` on a polluted Object.prototype is no TLS
  // setting of the caller's.
  const given = ownOptions(options, TLS_KEY).tls;
  const tls = typeof given === "object" ? given : {};
  const httpsOptions: ConnectOptions = {
    ...options,
    tls: { alpnProtocols: ["http/1.1"], ...tls },
  };
  return (nodeOptions, callback) => {
    let socket: NodeSocket;
    let https = false;
    try {
      // Each of undici's options read once: a getter could say "https:"
      // here and "http:" to fromNodeOptions().
      const given = { ...nodeOptions };
      https = ownOptions(given, PROTOCOL_KEY).protocol === "https:";
      socket = createConnection(
        fromNodeOptions(given, https ? httpsOptions : options),
      );
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)), null);
      return;
    }
    const ready = https ? "secureConnect" : "connect";
    const timer = setTimeout(() => {
      socket.destroy(
        Object.assign(
          new Error(
            `Cannot connect as 'connectTimeout' passed: no connection within ${connectTimeout} ms`,
          ),
          { name: "ConnectTimeoutError", code: "UND_ERR_CONNECT_TIMEOUT" },
        ),
      );
    }, connectTimeout);
    const onError = (error: Error) => {
      clearTimeout(timer);
      socket.off(ready, onReady);
      callback(error, null);
    };
    const onReady = () => {
      clearTimeout(timer);
      socket.off("error", onError);
      callback(null, socket);
    };
    socket.once(ready, onReady);
    socket.once("error", onError);
  };
}
