// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Fixtures for the tests of `upgradeTls()` and `closeTls()`: a TLS echo
 * server, a TCP connection to a test server, and whether a connection was
 * closed.
 *
 * @module
 */
import { serve, type TestServer } from "./net.ts";

/** A TLS server: handshakes, echoes what it reads, closes at end of stream. */
export function echoServer(
  options: { cert: string; key: string; alpnProtocols?: string[] },
  hostname = "127.0.0.1",
): TestServer {
  return serve(
    Deno.listenTls({ hostname, port: 0, ...options }),
    async (conn) => {
      const buffer = new Uint8Array(1024);
      let n;
      while ((n = await conn.read(buffer)) !== null) {
        await conn.write(buffer.subarray(0, n));
      }
      conn.close();
    },
  );
}

/** A TCP connection to `server`. */
export function connectTo(server: TestServer): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: server.hostname, port: server.port });
}

/**
 * Whether `conn` was closed: closing it again throws BadResource. (When it
 * was open, it is closed now, and the assertion using this fails.)
 */
export function isClosed(conn: Deno.Conn): boolean {
  try {
    conn.close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.BadResource;
  }
}
