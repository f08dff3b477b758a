// Copyright 2026 the happy-eyeballs authors. MIT license.
// What `connection.ts` may do to the sockets it makes, beyond their public
// surface: hand them their connection and tell them how the dial went. The
// socket class fills `SOCKET_ACCESS` in its static block, with functions that
// reach its private fields; nothing outside `node/` imports this module.
import type { Duplex } from "node:stream";

/** A connection the socket can wrap: TCP, or TLS over TCP. */
export type Conn = Deno.TcpConn | Deno.TlsConn;

/** What stops a dial when the socket is destroyed. */
export interface Abortable {
  /** Stops the dial: it rejects with `reason`. */
  abort(reason: unknown): void;
}

/** The private operations of the socket of `socket.ts`. */
export interface SocketAccess {
  /**
   * Makes the socket use the connection, now or once `ready` gives it; then
   * calls `onUse`, which must not throw. `onRef` is called when the socket
   * is referenced (`true`) or unreferenced while dialling.
   */
  attach(
    socket: Duplex,
    ready: Conn | Promise<Conn>,
    abort: Abortable | undefined,
    onUse: (conn: Conn) => void,
    onRef?: (refed: boolean) => void,
  ): void;
  /** The TCP race is won: `connect` and `ready`. */
  connected(socket: Duplex, address: Deno.NetAddr): void;
  /** The TLS handshake is done: `secureConnect`. */
  secured(socket: Duplex, alpnProtocol: string | null): void;
}

function unset(): never {
  throw new Error("The socket class is not loaded");
}

/** Filled by the socket class when its module loads. */
export const SOCKET_ACCESS: SocketAccess = {
  attach: unset,
  connected: unset,
  secured: unset,
};

/** Whether `conn` is a TLS connection. */
export function isTls(conn: Conn): conn is Deno.TlsConn {
  return typeof (conn as Partial<Deno.TlsConn>).handshake === "function";
}

/**
 * Whether `value` is a connection the socket can wrap: a `Deno.TcpConn`, or
 * a `Deno.TlsConn` (whose `remoteAddr` carries no `transport`).
 */
export function isConn(value: unknown): value is Conn {
  if (typeof value !== "object" || value === null) return false;
  const conn = value as Partial<Deno.TcpConn>;
  return typeof conn.read === "function" &&
    typeof conn.write === "function" &&
    typeof conn.closeWrite === "function" &&
    typeof conn.close === "function" &&
    typeof conn.remoteAddr?.hostname === "string" &&
    typeof conn.localAddr?.hostname === "string";
}
