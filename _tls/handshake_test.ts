// Copyright 2026 the happy-eyeballs authors. MIT license.
// The handshake of upgradeTls() (and of connect() with `tls`): within
// handshakeTimeout, stopped by an abort or by an onEvent that throws, and
// the connection closed on every failure. Loopback only.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { type TlsEvent, upgradeTls } from "../tls.ts";
import { collectReportedErrors } from "../_testing/errors.ts";
import { acceptingServer, readTestdata, serve } from "../_testing/net.ts";
import { connectTo, echoServer, isClosed } from "../_testing/tls.ts";

const read = readTestdata;
const CA = read("ca.pem");
const SERVER = { cert: read("server.pem"), key: read("server.key") };
const CLIENT = { cert: read("client.pem"), key: read("client.key") };

Deno.test("upgradeTls() with a client certificate times out and closes", async () => {
  await using server = acceptingServer();
  const tcp = await connectTo(server);
  const error = await assertRejects(
    () =>
      upgradeTls(tcp, {
        serverName: "localhost",
        ...CLIENT,
        handshakeTimeout: 200,
      }),
    DOMException,
  );
  assertStrictEquals(error.name, "TimeoutError");
  assert(isClosed(tcp));
});

Deno.test("upgradeTls() rejects at handshakeTimeout against a silent server", async () => {
  await using server = acceptingServer();
  const tcp = await connectTo(server);
  const events: TlsEvent[] = [];
  const start = performance.now();
  const error = await assertRejects(
    () =>
      upgradeTls(tcp, {
        serverName: "tls.test",
        handshakeTimeout: 200,
        onEvent: (event) => events.push(event),
      }),
    DOMException,
  );
  const elapsed = performance.now() - start;
  assertStrictEquals(error.name, "TimeoutError");
  assertStrictEquals(
    error.message,
    `TLS handshake with 127.0.0.1:${server.port} (server name "tls.test") timed out after 200 ms`,
  );
  assert(elapsed >= 190 && elapsed < 5_000, `elapsed ${elapsed} ms`);
  assertEquals(events.map((e) => e.type), ["tlsStarted", "tlsFailed"]);
  assert(isClosed(tcp));
});

Deno.test("upgradeTls() canary: Deno keeps a timed-out socket open until the peer speaks", async () => {
  // Deno.startTls runs the handshake in a task of its own that holds the
  // socket until the handshake ends; closing the TlsConn does not end it.
  // When this test fails, Deno has fixed it: update the docs of upgradeTls.
  await using server = acceptingServer();
  const tcp = await connectTo(server);
  const accepted = server.nextConn();
  const error = await assertRejects(
    () => upgradeTls(tcp, { serverName: "tls.test", handshakeTimeout: 100 }),
    DOMException,
  );
  assertStrictEquals(error.name, "TimeoutError");
  const conn = await accepted;
  await conn.read(new Uint8Array(4096)); // The ClientHello.
  const timer = Promise.withResolvers<"open">();
  const id = setTimeout(() => timer.resolve("open"), 300);
  const outcome = await Promise.race([
    conn.read(new Uint8Array(4096)).then((n) => n === null ? "closed" : "data"),
    timer.promise,
  ]);
  clearTimeout(id);
  assertStrictEquals(outcome, "open");
  // Disposing the server closes `conn`, which ends Deno's handshake task.
});

Deno.test("upgradeTls() with a client certificate releases the socket on timeout", async () => {
  await using server = acceptingServer();
  const accepted = server.nextConn();
  const error = await assertRejects(
    async () =>
      upgradeTls(await connectTo(server), {
        serverName: "tls.test",
        ...CLIENT,
        handshakeTimeout: 100,
      }),
    DOMException,
  );
  assertStrictEquals(error.name, "TimeoutError");
  // The server sees the end of the stream after the ClientHello.
  const conn = await accepted;
  while (await conn.read(new Uint8Array(4096)) !== null) { /* ClientHello */ }
});

Deno.test("upgradeTls() fails clearly when the server closes mid-handshake", async () => {
  // Reads the ClientHello, then closes.
  await using server = serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      await conn.read(new Uint8Array(65_536));
      conn.close();
    },
  );
  const error = await assertRejects(
    async () =>
      upgradeTls(await connectTo(server), {
        serverName: "localhost",
        caCerts: [CA],
      }),
    Error,
  );
  assert(
    error instanceof Deno.errors.UnexpectedEof ||
      error instanceof Deno.errors.ConnectionReset,
    String(error),
  );
  assert(
    error.message.startsWith(
      `TLS handshake with 127.0.0.1:${server.port} (server name "localhost") failed: `,
    ),
    error.message,
  );
  assert(error.cause instanceof Error);
});

Deno.test("upgradeTls() rejects with signal.reason when aborted during the handshake", async () => {
  await using server = acceptingServer();
  const tcp = await connectTo(server);
  const controller = new AbortController();
  const reason = new Error("stop");
  const events: TlsEvent[] = [];
  const promise = upgradeTls(tcp, {
    serverName: "localhost",
    signal: controller.signal,
    onEvent: (event) => events.push(event),
  });
  await server.nextConn();
  controller.abort(reason);
  assertStrictEquals(await assertRejects(() => promise), reason);
  assertEquals(events.map((e) => e.type), ["tlsStarted", "tlsFailed"]);
  assert(isClosed(tcp));
});

Deno.test("upgradeTls() with an aborted signal closes the connection at once", async () => {
  await using server = acceptingServer();
  const tcp = await connectTo(server);
  const events: TlsEvent[] = [];
  const signal = AbortSignal.abort(new Error("too late"));
  const error = await assertRejects(
    () =>
      upgradeTls(tcp, {
        serverName: "localhost",
        signal,
        onEvent: (event) => events.push(event),
      }),
  );
  assertStrictEquals(error, signal.reason);
  assertEquals(events, []);
  assert(isClosed(tcp));
});

Deno.test("upgradeTls() keeps the Busy error of a connection being read", async () => {
  let pending;
  {
    await using server = acceptingServer();
    const tcp = await connectTo(server);
    pending = tcp.read(new Uint8Array(16));
    const error = await assertRejects(
      () => upgradeTls(tcp, { serverName: "localhost" }),
      Deno.errors.Busy,
    );
    assert(error.message.includes(`127.0.0.1:${server.port}`));
    assert(isClosed(tcp));
    // Deno took the connection out of its table, but the pending read holds
    // the socket until the peer sends or closes: disposing the server does.
  }
  assertStrictEquals(await pending, null);
});

Deno.test("upgradeTls() fails with the error that onEvent throws, and closes", async (t) => {
  for (const at of ["tlsStarted", "tlsSucceeded"] as const) {
    await t.step(at, async () => {
      await using server = echoServer(SERVER);
      const tcp = await connectTo(server);
      const hookError = new Error("faulty hook");
      const events: string[] = [];
      const reported = await collectReportedErrors(async () => {
        const error = await upgradeTls(tcp, {
          serverName: "localhost",
          caCerts: [CA],
          onEvent: (event) => {
            events.push(event.type);
            if (event.type === at) throw hookError;
          },
        }).catch((e) => e);
        assertStrictEquals(error, hookError);
      });
      // Nothing reported, no event after the one that threw, and closed.
      assertEquals(reported, []);
      assertEquals(events.at(-1), at);
      assert(isClosed(tcp));
    });
  }
});

Deno.test("upgradeTls() rejects with signal.reason when onEvent aborts on tlsSucceeded", async () => {
  await using server = echoServer(SERVER);
  const tcp = await connectTo(server);
  const controller = new AbortController();
  const reason = new Error("enough");
  const error = await upgradeTls(tcp, {
    serverName: "localhost",
    caCerts: [CA],
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === "tlsSucceeded") controller.abort(reason);
    },
  }).catch((e) => e);
  assertStrictEquals(error, reason);
  assert(isClosed(tcp));
});
