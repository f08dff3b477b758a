// Copyright 2026 the happy-eyeballs authors. MIT license.
// The Deno.TcpConn made of a node:net socket, for localAddr.
import { assertEquals, assertStrictEquals } from "@std/assert";
import { Socket } from "node:net";
import { connectFrom, NodeTcpConn } from "./node_tcp_conn.ts";
import { acceptingServer } from "../_testing/net.ts";

Deno.test("NodeTcpConn takes remoteAddr from the address dialled, not from node:net", () => {
  // A socket with no peer to tell, as node:net has none once the peer reset
  // the connection before it asked (about 1 in 50 to a server that resets at
  // once).
  const socket = new Socket();
  assertStrictEquals(socket.remoteAddress, undefined);
  for (const hostname of ["127.0.0.1", "::1"]) {
    using conn = new NodeTcpConn(socket, { hostname, port: 5432 });
    assertEquals(conn.remoteAddr, { transport: "tcp", hostname, port: 5432 });
  }
});

Deno.test("connectFrom() gives the address dialled as remoteAddr, and the bound one as localAddr", async () => {
  await using server = acceptingServer("127.0.0.1");
  using conn = await connectFrom(
    { hostname: "127.0.0.1", port: server.port },
    { hostname: "127.0.0.2", port: 0 },
    new AbortController().signal,
  );
  assertEquals(conn.remoteAddr, {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: server.port,
  });
  assertEquals(conn.localAddr.hostname, "127.0.0.2");
});
