// Copyright 2026 the happy-eyeballs authors. MIT license.
// The socket's own I/O, backpressure, timers and events.
import { delay } from "@std/async/delay";
import { assert, assertEquals } from "@std/assert";
import { once } from "node:events";
import { Buffer } from "node:buffer";
import { createConnection } from "./mod.ts";
import { blackhole } from "../_testing/net.ts";
import { echoServer, record } from "../_testing/node_socket.ts";

Deno.test("createConnection() dials at once, keeps early writes, and emits net.Socket's events in order", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const events = record(socket);
  assertEquals(socket.readyState, "opening");
  assertEquals(socket.connecting, true);
  assertEquals(socket.pending, true);
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  socket.write("hello ");
  socket.end("world");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  await done;
  assertEquals(Buffer.concat(chunks).toString(), "hello world");
  assertEquals(events, ["connect", "ready", "finish", "end", "close(false)"]);
  assertEquals(socket.remoteAddress, "127.0.0.1");
  assertEquals(socket.remotePort, listener.addr.port);
  assertEquals(socket.remoteFamily, "IPv4");
  assertEquals(socket.localAddress, "127.0.0.1");
  assertEquals(socket.bytesRead, 11);
  assertEquals(socket.bytesWritten, 11);
  assertEquals(socket.readyState, "closed");
});

Deno.test("destroy() while dialling stops the race and closes only once nothing is left", async () => {
  await using hole = await blackhole();
  const socket = createConnection({
    hostname: hole.hostname,
    port: hole.port,
  });
  const events = record(socket);
  socket.write("never sent");
  setTimeout(() => socket.destroy(), 50);
  await once(socket, "close");
  assertEquals(events, ["close(false)"]);
  assertEquals(socket.destroyed, true);
});

Deno.test("the socket ends its side when the peer ends (allowHalfOpen false)", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept().then(async (conn) => {
    await conn.write(new TextEncoder().encode("bye"));
    await conn.closeWrite();
    // The client's FIN follows by itself.
    const rest = await new Response(conn.readable).text();
    return rest;
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const events = record(socket);
  socket.resume();
  await once(socket, "close");
  assertEquals(await accepted, "");
  assertEquals(events, ["connect", "ready", "end", "finish", "close(false)"]);
});

Deno.test("backpressure: a consumer that does not read stops the reads", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const block = new Uint8Array(64 * 1024);
  let sent = 0;
  const sender = listener.accept().then(async (conn) => {
    try {
      // 64 MiB, far more than any buffer on the way.
      for (let i = 0; i < 1024; i++) {
        await conn.write(block);
        sent += block.length;
      }
    } catch {
      // Closed by the client.
    } finally {
      conn.close();
    }
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  await once(socket, "connect");
  socket.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The stream's buffer plus one read at most: never the whole 64 MiB.
  assert(socket.bytesRead < 4 * 1024 * 1024, `read ${socket.bytesRead}`);
  assert(sent < 64 * 1024 * 1024);
  socket.destroy();
  await once(socket, "close");
  await sender;
});

Deno.test("backpressure: write() returns false while a peer does not read", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  await once(socket, "connect");
  const block = Buffer.alloc(1024 * 1024);
  let writes = 0;
  while (socket.write(block)) {
    writes++;
    assert(writes < 256, "write() never returned false");
  }
  assert(socket.writableLength > 0);
  socket.destroy();
  await once(socket, "close");
  (await accepted).close();
});

Deno.test("setTimeout() emits timeout after idleness, and 0 turns it off", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  await once(socket, "connect");
  let fired = 0;
  socket.setTimeout(30, () => fired++);
  await once(socket, "timeout");
  assert(fired >= 1);
  socket.setTimeout(0);
  // Off: two periods more, and not once more.
  const seen = fired;
  let timeouts = 0;
  socket.on("timeout", () => timeouts++);
  await delay(60);
  assertEquals([fired, timeouts], [seen, 0]);
  socket.destroy();
  await once(socket, "close");
  (await accepted).close();
});

Deno.test("ref() and unref() are kept until connected", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  socket.unref();
  socket.ref();
  await once(socket, "connect");
  assertEquals(socket.address(), {
    address: "127.0.0.1",
    family: "IPv4",
    port: socket.localPort!,
  });
  socket.destroySoon();
  await once(socket, "close");
  (await accepted).close();
});

Deno.test("reads hand on every byte in order, small and large, slab or not", async () => {
  // 8 MiB of a pattern, written in sizes from 1 byte to 300 KiB, with pauses,
  // so that reads switch between the small buffer and the slabs.
  const data = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 13)) & 0xff;
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sender = listener.accept().then(async (conn) => {
    const sizes = [1, 100, 4095, 4096, 70_000, 300_000, 16_384, 3];
    let offset = 0;
    for (let i = 0; offset < data.length; i++) {
      const end = Math.min(offset + sizes[i % sizes.length]!, data.length);
      let written = offset;
      while (written < end) {
        written += await conn.write(data.subarray(written, end));
      }
      offset = end;
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    conn.close();
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  await sender;
  const received = Buffer.concat(chunks);
  assertEquals(received.length, data.length);
  assert(received.equals(data), "the bytes differ");
});
