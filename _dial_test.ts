// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertRejects } from "@std/assert";
import { dial } from "./_dial.ts";
import { isNodeTcpConn } from "./_node_tcp_conn.ts";
import { acceptingServer, refusedPort } from "./_testing/net.ts";

const tcp = (hostname: string, port: number): Deno.NetAddr => ({
  transport: "tcp",
  hostname,
  port,
});

Deno.test("dial() connects with Deno.connect when no local address is set", async () => {
  await using server = acceptingServer();
  using conn = await dial(tcp("127.0.0.1", server.port), undefined, undefined);
  assertEquals(isNodeTcpConn(conn), false);
  assertEquals(conn.remoteAddr.port, server.port);
});

Deno.test("dial() binds the local address of the destination's family", async () => {
  await using server = acceptingServer();
  using conn = await dial(tcp("127.0.0.1", server.port), {
    addresses: ["::1", "127.0.0.3"],
    port: 0,
  }, undefined);
  assertEquals(isNodeTcpConn(conn), true);
  assertEquals(conn.localAddr.hostname, "127.0.0.3");
});

Deno.test("dial() rejects with the Deno error class, either way", async () => {
  const port = refusedPort();
  for (const from of [undefined, { addresses: ["127.0.0.1"], port: 0 }]) {
    await assertRejects(
      () => dial(tcp("127.0.0.1", port), from, undefined),
      Deno.errors.ConnectionRefused,
    );
  }
});

Deno.test("dial() rejects with the reason of an aborted signal", async () => {
  await using server = acceptingServer();
  const reason = new Error("stop");
  const controller = new AbortController();
  controller.abort(reason);
  for (const from of [undefined, { addresses: ["127.0.0.1"], port: 0 }]) {
    const error = await dial(
      tcp("127.0.0.1", server.port),
      from,
      controller.signal,
    )
      .catch((e) => e);
    assertEquals(error, reason);
  }
});
