// Copyright 2026 the happy-eyeballs authors. MIT license.
// What every part needs of a connection it was handed: whether it is one, and
// closing it without caring whether it already was; whether Deno opened it
// (known without loading `node:net` or the module that uses it).

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

/**
 * The connections Deno did not open itself, which `Deno.startTls` cannot
 * take: those `_common/node_tcp_conn.ts` made through `node:net` (for
 * `localAddr`), and tunnels through an `https://` proxy.
 */
const foreignConns = new WeakSet<Deno.TcpConn>();

/** Marks `conn` as not opened by Deno (`node:net`, or a tunnel). */
export function markForeignConn(conn: Deno.TcpConn): void {
  foreignConns.add(conn);
}

/** Whether `conn` was not opened by Deno: TLS on it needs `node:tls`. */
export function isForeignConn(conn: Deno.TcpConn): boolean {
  return foreignConns.has(conn);
}
