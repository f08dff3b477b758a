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

export {
  createConnection,
  createUndiciConnector,
  toNodeSocket,
  type UndiciConnector,
  type UndiciConnectorOptions,
} from "./connection.ts";
export {
  fromNodeOptions,
  type NodeConnectOptions,
  type NodePem,
  type NodeSocketOptions,
} from "./options.ts";
export type {
  NodeSocket,
  NodeSocketAddress,
  NodeSocketConn,
} from "./socket.ts";
