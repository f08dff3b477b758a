// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * A `node:net`-compatible socket on top of {@linkcode connect}, for the npm
 * clients that take a socket: pg (`stream`), postgres.js (`socket`), ioredis
 * (a connector), undici (`Agent({ connect })`, see
 * {@linkcode createUndiciConnector}) and `node:http`/`node:https`
 * (`Agent#createConnection`). They then get Happy Eyeballs, remembered
 * winners and explained failures.
 *
 * {@linkcode createConnection} returns at once a socket that is dialling, as
 * `node:net`'s `createConnection` does; {@linkcode toNodeSocket} wraps a
 * connection you already have (after a STARTTLS exchange, for instance).
 *
 * @example Talk to a server through the socket
 * ```ts
 * import { createConnection } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 * import { once } from "node:events";
 *
 * // An echo server on loopback.
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * server.accept().then(async (conn) => {
 *   await conn.readable.pipeTo(conn.writable);
 * });
 *
 * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
 * assertEquals(socket.readyState, "opening");
 * socket.end("hello"); // Kept until the connection is made.
 * const [data] = await once(socket, "data");
 * assertEquals(String(data), "hello");
 * await once(socket, "close");
 * ```
 *
 * @module
 */

import {
  connect,
  type ConnectEvent,
  type ConnectOptions,
  type ConnectTarget,
} from "./connect.ts";
import { checkOptions } from "./_connect_options.ts";
import {
  attach,
  isTls,
  markConnected,
  markSecured,
  NodeSocket,
  type NodeSocketConn,
} from "./_node_socket.ts";
import { show } from "./_show.ts";
import type { TlsOptions } from "./tls.ts";

export type {
  NodeSocket,
  NodeSocketAddress,
  NodeSocketConn,
} from "./_node_socket.ts";

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
 * @param options The options of {@linkcode connect}.
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
  options: ConnectOptions & ConnectTarget,
  onConnect?: () => void,
): NodeSocket {
  // Each option is read once, into a copy that is checked and then handed
  // to connect(): a getter cannot answer the check one thing and the race
  // another.
  const given = copyOptions(options);
  checkOptions(given);
  const socket = new NodeSocket();
  const tls = given.tls !== undefined && given.tls !== false;
  if (onConnect) socket.once(tls ? "secureConnect" : "connect", onConnect);
  socket.connecting = true;
  const abort = new AbortController();
  const signal = given.signal
    ? AbortSignal.any([given.signal, abort.signal])
    : abort.signal;
  const { onEvent } = given;
  let connected = false;
  const ready = connect({
    ...given,
    signal,
    onEvent(event: ConnectEvent) {
      // Over TLS, `connect` comes when the race is won, before the
      // handshake, as in node:tls. A `connect` listener that throws is
      // reported and closes the socket (as below); the caller's hook still
      // hears of the event, and connect() reports it if it throws.
      if (tls && !connected && event.type === "tlsStarted") {
        connected = true;
        if (!socket.destroyed) {
          guarded(socket, () => markConnected(socket, event.address));
        }
      }
      onEvent?.(event);
    },
  });
  // `connect` listeners run here, from a promise callback: guarded.
  attach(socket, ready, abort, (conn) =>
    guarded(socket, () => {
      if (!connected) {
        connected = true;
        markConnected(socket, conn.remoteAddr);
      }
      if (isTls(conn)) secureWhenDone(socket, conn);
    }));
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
      guarded(socket, () => markSecured(socket, alpnProtocol));
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
  const socket = new NodeSocket(allowHalfOpen);
  if (isTls(conn)) {
    socket.encrypted = true;
    socket.alpnProtocol = false;
  }
  attach(socket, conn, undefined, () => {
    if (isTls(conn)) secureWhenDone(socket, conn);
  });
  return socket;
}

/** PEM text or bytes, as `node:tls` takes a CA, a certificate or a key. */
export type NodePem = string | Uint8Array;

/**
 * The options that clients hand their connect hooks, in `node:net` and
 * `node:tls` names. Only the object's own properties are read; other keys
 * are ignored, except those that change how the server is verified, which
 * are refused (see {@linkcode fromNodeOptions}).
 */
export interface NodeConnectOptions {
  /** The host (`node:net`). */
  host?: string | null | undefined;
  /** The host, as undici names it; wins over `host`. */
  hostname?: string | null | undefined;
  /** The port, a number or a string; empty means the protocol's default. */
  port?: number | string | null | undefined;
  /** `"https:"` asks for TLS (undici). */
  protocol?: string | null | undefined;
  /** The TLS server name (SNI); empty means none. */
  servername?: string | null | undefined;
  /** ALPN protocols to offer. */
  ALPNProtocols?: readonly string[] | null | undefined;
  /** CA certificates (PEM) to trust. */
  ca?: NodePem | readonly NodePem[] | null | undefined;
  /** The client certificate chain (PEM), with `key`. */
  cert?: NodePem | readonly NodePem[] | null | undefined;
  /** The client certificate's private key (PEM, unencrypted), with `cert`. */
  key?: NodePem | readonly NodePem[] | null | undefined;
  /** `false` is refused: see {@linkcode fromNodeOptions}. */
  rejectUnauthorized?: boolean | undefined;
  /** Refused: see {@linkcode fromNodeOptions}. */
  checkServerIdentity?: unknown;
  /** Other keys are ignored. */
  [key: string]: unknown;
}

/**
 * `node:tls` options that change how the server is verified or what the
 * client proves, which Deno cannot honour, and what to use instead.
 */
const REFUSED: Readonly<Record<string, string>> = {
  checkServerIdentity:
    "Deno checks the server's name itself; trust the server's CA with 'tls.caCerts', or skip only the name check with 'tls.unsafelyDisableHostnameVerification'",
  secureContext:
    "its settings cannot be read; give 'ca', 'cert' and 'key' (or 'tls.caCerts', 'tls.cert' and 'tls.key')",
  pfx:
    "Deno takes a client certificate as PEM; give 'cert' and 'key' (or 'tls.cert' and 'tls.key')",
  passphrase:
    "Deno takes an unencrypted private key; give it decrypted as 'key' (or 'tls.key')",
  crl: "Deno does not check certificate revocation lists",
};

/**
 * `object[key]` if `object` has it itself: never an inherited value (an
 * `Object.prototype.ca` put there by a polluted dependency is no CA to trust).
 */
function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The PEM text of a `node:tls` value: PEM text or bytes, or a list of them
 * (for `ca`; a list of one for `cert` and `key`). A key is never shown.
 */
function pem(name: string, value: unknown, list: boolean): string[] {
  const items = Array.isArray(value) && (list || value.length === 1)
    ? value
    : [value];
  return items.map((item) => {
    if (typeof item === "string") return item;
    if (item instanceof Uint8Array) return new TextDecoder().decode(item);
    throw new TypeError(
      `Cannot connect as '${name}' must be ${
        list ? "PEM text or bytes, or a list of them" : "one PEM text or bytes"
      }: current value is ${
        name !== "key"
          ? show(value)
          : Array.isArray(value)
          ? `a list of ${value.length}`
          : `of type ${value === null ? "null" : typeof value}`
      }`,
    );
  });
}

/**
 * Translates the `node:net`/`node:tls` options that a client hands its
 * connect hook into options of {@linkcode connect}: `host` (or `hostname`)
 * to `hostname`, a `port` string to a number, and, when `options.tls` is set
 * or `protocol` is `"https:"`, `servername` to `tls.serverName`,
 * `ALPNProtocols` to `tls.alpnProtocols`, `ca` to `tls.caCerts`, and `cert`
 * and `key` (a client certificate) to `tls.cert` and `tls.key`. What is set
 * in `options` wins. Only own properties of `nodeOptions` are read.
 *
 * Options that would change how the server is verified are refused, never
 * mapped or ignored: Deno always verifies the certificate chain and the
 * name. `rejectUnauthorized: false` and `checkServerIdentity` throw: trust
 * the server's CA with `tls.caCerts`, or skip the name check alone with
 * `tls.unsafelyDisableHostnameVerification`. So do `secureContext`, `pfx`,
 * `passphrase` and `crl`, which Deno cannot honour.
 *
 * @param nodeOptions What the client handed its hook.
 * @param options The options of {@linkcode connect} to add (`history`,
 * `tls` settings, ...).
 * @returns The options for {@linkcode connect} or {@linkcode createConnection}.
 * @throws {TypeError} If `rejectUnauthorized` is `false`, if one of
 * `checkServerIdentity`, `secureContext`, `pfx`, `passphrase` and `crl` is
 * set, or if `ca`, `cert` or `key` is not PEM text or bytes.
 *
 * @example The options of a `node:https` agent
 * ```ts
 * import { fromNodeOptions } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 *
 * const options = fromNodeOptions(
 *   { host: "example.com", port: "8443", servername: "example.com" },
 *   { tls: { alpnProtocols: ["http/1.1"] } },
 * );
 * assertEquals(options, {
 *   hostname: "example.com",
 *   port: 8443,
 *   tls: { serverName: "example.com", alpnProtocols: ["http/1.1"] },
 * });
 * ```
 *
 * @example A custom name check is refused, with what to use instead
 * ```ts
 * import { fromNodeOptions } from "@happy-eyeballs/connect/node";
 * import { assertThrows } from "@std/assert";
 *
 * assertThrows(
 *   () =>
 *     fromNodeOptions({
 *       host: "example.com",
 *       port: 443,
 *       checkServerIdentity: () => undefined,
 *     }),
 *   TypeError,
 *   "tls.unsafelyDisableHostnameVerification",
 * );
 * ```
 */
export function fromNodeOptions(
  nodeOptions: NodeConnectOptions,
  options: ConnectOptions = {},
): ConnectOptions & ConnectTarget {
  if (own(nodeOptions, "rejectUnauthorized") === false) {
    throw new TypeError(
      "Cannot connect as 'rejectUnauthorized' must not be false: Deno always verifies the certificate chain; trust the server's CA with 'tls.caCerts', or skip only the name check with 'tls.unsafelyDisableHostnameVerification'",
    );
  }
  for (const [key, instead] of Object.entries(REFUSED)) {
    const value = own(nodeOptions, key);
    if (value !== undefined && value !== null) {
      throw new TypeError(
        `Cannot connect as '${key}' must be left out: ${instead}`,
      );
    }
  }
  const givenTls = own(options, "tls");
  // undici names the scheme; node:net's hooks leave it to `options.tls`.
  const protocol = own(nodeOptions, "protocol");
  const useTls = protocol === "https:" ||
    (protocol !== "http:" && givenTls !== undefined && givenTls !== false);
  const rawPort = own(nodeOptions, "port");
  const port = rawPort === undefined || rawPort === null || rawPort === ""
    ? (useTls ? 443 : 80)
    : Number(rawPort);
  const result = {
    hostname: own(nodeOptions, "hostname") || own(nodeOptions, "host") ||
      "localhost",
    port,
    ...options,
  } as ConnectOptions & { hostname: string; port: number };
  if (!useTls) {
    // A plain-text origin of a hook whose TLS settings are for the others.
    delete result.tls;
    return result;
  }
  const tls: TlsOptions = {};
  const servername = own(nodeOptions, "servername");
  if (servername) tls.serverName = servername as string;
  const alpn = own(nodeOptions, "ALPNProtocols");
  if (alpn) tls.alpnProtocols = [...alpn as readonly string[]];
  const ca = own(nodeOptions, "ca");
  if (ca) tls.caCerts = pem("ca", ca, true);
  const cert = own(nodeOptions, "cert");
  if (cert) tls.cert = pem("cert", cert, false)[0]!;
  const key = own(nodeOptions, "key");
  if (key) tls.key = pem("key", key, false)[0]!;
  result.tls = {
    ...tls,
    ...(typeof givenTls === "object" ? givenTls : {}),
  };
  return result;
}

/**
 * The `connect` function of undici's `Agent` and `Client` (undici calls it
 * with `node:net` options and a callback).
 */
export type UndiciConnector = (
  options: NodeConnectOptions,
  callback: (error: Error | null, socket: NodeSocket | null) => void,
) => void;

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
 * only.
 * @returns The function to pass as `connect`.
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
  options: ConnectOptions = {},
): UndiciConnector {
  const tls = typeof options.tls === "object" ? options.tls : {};
  const httpsOptions: ConnectOptions = {
    ...options,
    tls: { alpnProtocols: ["http/1.1"], ...tls },
  };
  return (nodeOptions, callback) => {
    let socket: NodeSocket;
    const https = nodeOptions.protocol === "https:";
    try {
      socket = createConnection(
        fromNodeOptions(nodeOptions, https ? httpsOptions : options),
      );
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)), null);
      return;
    }
    const ready = https ? "secureConnect" : "connect";
    const onError = (error: Error) => {
      socket.off(ready, onReady);
      callback(error, null);
    };
    const onReady = () => {
      socket.off("error", onError);
      callback(null, socket);
    };
    socket.once(ready, onReady);
    socket.once("error", onError);
  };
}
