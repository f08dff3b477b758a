// Copyright 2026 the happy-eyeballs authors. MIT license.
// What every part needs of a connection it was handed: whether it is one, and
// closing it without caring whether it already was.

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
