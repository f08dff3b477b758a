// Copyright 2026 the happy-eyeballs authors. MIT license.
// What every part needs of a connection it was handed: whether it is one, and
// closing it without caring whether it already was; whether it came from
// `node:net` (known without loading `node:net` or the module that uses it).

/** What `connect()` needs of a connection: a Deno.TcpConn's interface. */
export function isTcpConn(value: unknown): value is Deno.TcpConn {
  if (typeof value !== "object" || value === null) return false;
  const conn = value as Partial<Deno.TcpConn>;
  return typeof conn.read === "function" &&
    typeof conn.write === "function" &&
    typeof conn.close === "function" &&
    conn.remoteAddr?.transport === "tcp";
}

/** Closes `conn`, if it is not closed yet. */
export function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed, or a hook's object that cannot be.
  }
}

/** The connections that `_common/node_tcp_conn.ts` made through `node:net`. */
const nodeTcpConns = new WeakSet<Deno.TcpConn>();

/** Marks `conn` as made through `node:net` (by `localAddr`). */
export function markNodeTcpConn(conn: Deno.TcpConn): void {
  nodeTcpConns.add(conn);
}

/** Whether `conn` was made through `node:net`, not by `Deno.connect`. */
export function isNodeTcpConn(conn: Deno.TcpConn): boolean {
  return nodeTcpConns.has(conn);
}
