// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Fixtures for the tests of the `./node` socket: the events it emits, in
 * order, and a TCP echo server for one connection.
 *
 * @module
 */
import type { NodeSocket } from "../node/mod.ts";

/** The events of net.Socket that the tests follow. */
const EVENTS = [
  "connect",
  "ready",
  "secureConnect",
  "end",
  "finish",
  "timeout",
  "error",
  "close",
];

/** Every event the socket emits, in order (`close` with its argument). */
export function record(socket: NodeSocket): string[] {
  const events: string[] = [];
  for (const name of EVENTS) {
    socket.on(name, (arg: unknown) => {
      events.push(
        name === "close" ? `close(${arg})` : name === "error" ? "error" : name,
      );
    });
  }
  return events;
}

/**
 * A TCP server on 127.0.0.1 for one connection: it echoes until the client
 * ends, then ends too; `done` settles then.
 */
export function echoServer(): {
  listener: Deno.TcpListener;
  done: Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = listener.accept().then(async (conn) => {
    await conn.readable.pipeTo(conn.writable);
  });
  return { listener, done };
}
