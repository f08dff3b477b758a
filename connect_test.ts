// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { connect, type ConnectEvent } from "./connect.ts";
import {
  acceptingServer,
  blackhole,
  firstLine,
  readTestdata,
  refusedPort,
  TEST_CA,
  tlsServer,
} from "./_testing/net.ts";
import { needs } from "./_testing/needs.ts";
import {
  connected,
  notCapable,
  REPORT,
  runWithPermissions,
} from "./_testing/permissions.ts";
import { fixedResolver } from "./_testing/resolvers.ts";

/** Events as short lines, such as `attemptFailed 1`. */
function timeline(events: ConnectEvent[]): string[] {
  return events.map((e) => "index" in e ? `${e.type} ${e.index}` : e.type);
}

Deno.test("connect() connects to an IPv4 literal", async () => {
  await using server = acceptingServer();
  using conn = await connect({ hostname: "127.0.0.1", port: server.port });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(conn.remoteAddr.port, server.port);
});

Deno.test("connect() connects to an IPv6 literal, with or without brackets", async () => {
  await using server = acceptingServer("::1");
  for (const hostname of ["::1", "[::1]"]) {
    using conn = await connect({ hostname, port: server.port });
    assertEquals(conn.remoteAddr.hostname, "::1");
  }
});

Deno.test("connect() passes a blackholed and a refused address to reach a good one", async () => {
  await using server = acceptingServer("127.0.0.1");
  await using hole = await blackhole("127.0.0.2", server.port);
  const events: ConnectEvent[] = [];
  const { resolver, calls } = fixedResolver([
    hole.hostname,
    "127.0.0.3", // Nothing listens there: refused.
    "127.0.0.1",
  ]);
  using conn = await connect({
    hostname: "race.test",
    port: server.port,
    resolver,
    // Long, so that "did not wait for it" below is no matter of luck.
    happyEyeballsDelay: 1_000,
    onEvent: (event) => events.push(event),
  });
  assertEquals(calls, ["race.test"]);
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(timeline(events), [
    "resolved",
    "attemptStarted 0",
    "attemptStarted 1",
    "attemptFailed 1",
    "attemptStarted 2",
    "attemptWon 2",
    "attemptCancelled 0",
  ]);
  const byType = (type: string, index: number) =>
    events.find((e) => e.type === type && "index" in e && e.index === index)!;
  // The second attempt waited for the delay; the third did not wait for it,
  // since the second failed (half the delay: loopback on a busy machine).
  assert(byType("attemptStarted", 1).elapsed >= 995);
  assert(
    byType("attemptStarted", 2).elapsed - byType("attemptFailed", 1).elapsed <
      500,
  );
});

Deno.test("connect() interleaves families from the resolver's order", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  // All loopback: `::ffff:127.0.0.2` is IPv4-mapped, so of family 6.
  const { resolver } = fixedResolver([
    "::1",
    "::ffff:127.0.0.2",
    "127.0.0.1",
    "127.0.0.3",
  ]);
  using conn = await connect({
    hostname: "mixed.test",
    port: server.port,
    resolver,
    happyEyeballsDelay: 50,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), [
    "::1",
    "127.0.0.1",
    "::ffff:127.0.0.2",
    "127.0.0.3",
  ]);
});

Deno.test("connect() names the address of a single refusal", async () => {
  const port = refusedPort();
  const error = await assertRejects(
    () => connect({ hostname: "127.0.0.1", port }),
    Deno.errors.ConnectionRefused,
  );
  assertStringIncludes(error.message, `Cannot connect to 127.0.0.1:${port}: `);
  assertInstanceOf(error.cause, Deno.errors.ConnectionRefused);
});

Deno.test("connect() names every address when all are refused alike", async () => {
  const port = refusedPort("127.0.0.1");
  const { resolver } = fixedResolver(["127.0.0.1", "127.0.0.2"]);
  const error = await assertRejects(
    () => connect({ hostname: "down.test", port, resolver }),
    Deno.errors.ConnectionRefused,
  );
  assertStringIncludes(
    error.message,
    `Cannot connect to down.test:${port} at 127.0.0.1:${port}, 127.0.0.2:${port}: `,
  );
});

Deno.test("connect() with allErrors rejects with one error per attempt", async () => {
  const port = refusedPort("127.0.0.1");
  const { resolver } = fixedResolver(["127.0.0.1", "127.0.0.2"]);
  const error = await assertRejects(
    () => connect({ hostname: "down.test", port, resolver, allErrors: true }),
    AggregateError,
  );
  assertEquals(error.errors.length, 2);
  error.errors.forEach((each: unknown, i: number) => {
    assertInstanceOf(each, Deno.errors.ConnectionRefused);
    assertStringIncludes(each.message, `127.0.0.${i + 1}:${port}`);
    assertInstanceOf(each.cause, Deno.errors.ConnectionRefused);
  });
  const single = await assertRejects(
    () => connect({ hostname: "127.0.0.1", port, allErrors: true }),
    AggregateError,
  );
  assertEquals(single.errors.length, 1);
});

Deno.test("connect() tries addresses strictly in turn with an infinite delay", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "turns.test",
    port: server.port,
    resolver: () => ["127.0.0.3", "127.0.0.1"],
    happyEyeballsDelay: Infinity,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(timeline(events), [
    "resolved",
    "attemptStarted 0",
    "attemptFailed 0",
    "attemptStarted 1",
    "attemptWon 1",
  ]);
});

Deno.test("connect() binds localAddr, and the server sees it", async () => {
  await using server = acceptingServer("127.0.0.1");
  using conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    localAddr: { hostname: "127.0.0.5" },
  });
  assertEquals(conn.localAddr.hostname, "127.0.0.5");
  // Wait until the server has accepted it.
  for (let i = 0; i < 100 && server.peers.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assertEquals(server.peers[0]?.hostname, "127.0.0.5");
  assertEquals(server.peers[0]?.port, conn.localAddr.port);
});

Deno.test("connect() with localAddr gives a working Deno.TcpConn", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conn = await connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
    localAddr: { hostname: "127.0.0.6", port: 0 },
  });
  using peer = await listener.accept();
  conn.setNoDelay(true);
  conn.setKeepAlive(true);
  assertEquals(await conn.write(new TextEncoder().encode("ping")), 4);
  const buffer = new Uint8Array(16);
  const n = await peer.read(buffer);
  assertEquals(new TextDecoder().decode(buffer.subarray(0, n!)), "ping");
  await peer.write(new TextEncoder().encode("pong"));
  const m = await conn.read(buffer);
  assertEquals(new TextDecoder().decode(buffer.subarray(0, m!)), "pong");
  await conn.closeWrite();
  assertEquals(await peer.read(buffer), null);
  peer.closeWrite();
  assertEquals(await conn.read(buffer), null);
  conn.close();
  assertEquals(conn.remoteAddr.port, listener.addr.port);
});

Deno.test("connect() adopts an already connected conn", async () => {
  await using server = acceptingServer("127.0.0.1");
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  using conn = await connect({ conn: tcp });
  assert(conn === tcp);
});

Deno.test("connect() rejects with the reason when aborted mid-race", async () => {
  await using hole = await blackhole("127.0.0.1");
  const controller = new AbortController();
  const events: ConnectEvent[] = [];
  const reason = new Error("changed my mind");
  const promise = connect({
    hostname: hole.hostname,
    port: hole.port,
    signal: controller.signal,
    onEvent: (event) => {
      events.push(event);
      if (event.type === "attemptStarted") controller.abort(reason);
    },
  });
  assertEquals(await assertRejects(() => promise), reason);
  assertEquals(timeline(events), [
    "resolved",
    "attemptStarted 0",
    "attemptCancelled 0",
  ]);
});

Deno.test("connect() rejects at once with an already aborted signal", async () => {
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
  const reason = new Error("already");
  const error = await assertRejects(() =>
    connect({
      hostname: "x.test",
      port: 80,
      resolver,
      signal: AbortSignal.abort(reason),
    })
  );
  assertEquals(error, reason);
  assertEquals(calls, []);
});

// ---------------------------------------------------------------------------
// Faults: a peer that resets, a busy local port, a local address without
// net permission, a closed connection.
// ---------------------------------------------------------------------------

// Accepts connections and resets each (SO_LINGER 0) at once, or after its
// first byte with "after-first-byte". Deno cannot send a reset, so Python does.
const RESETTING_SERVER_SCRIPT = `
import socket, struct, sys
host, port, when = sys.argv[1], int(sys.argv[2]), sys.argv[3]
server = socket.socket(socket.AF_INET)
server.bind((host, port))
server.listen(16)
sys.stdout.write(f"{server.getsockname()[1]}\\n")
sys.stdout.flush()
while True:
    conn, _ = server.accept()
    if when == "after-first-byte":
        conn.recv(1)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
`;

/** A loopback server that resets every connection it accepts. */
async function resettingServer(
  hostname: string,
  port: number,
  when: "at-once" | "after-first-byte",
): Promise<{ port: number } & AsyncDisposable> {
  const child = new Deno.Command("python3", {
    args: ["-c", RESETTING_SERVER_SCRIPT, hostname, String(port), when],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const bound = Number(await firstLine(child.stdout));
  return {
    port: bound,
    async [Symbol.asyncDispose]() {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

Deno.test(
  "connect() faults: a reset right after accept fails the attempt, or else the first read, with ConnectionReset",
  needs("python3"),
  async () => {
    // The reset races the end of the handshake: measured here, connect() sees
    // it 96 to 99 times in 100; otherwise the first read does. Both paths (with
    // and without localAddr) must say ConnectionReset, whatever class the
    // system gave the reset (Deno.connect says NotConnected when it comes
    // between the handshake and Deno's query of the peer address: _dial.ts).
    await using server = await resettingServer("127.0.0.1", 0, "at-once");
    async function resetOnce(localAddr?: { hostname: string }): Promise<void> {
      let conn: Deno.TcpConn;
      try {
        conn = await connect({
          hostname: "127.0.0.1",
          port: server.port,
          ...(localAddr ? { localAddr } : {}),
        });
      } catch (error) {
        assertInstanceOf(error, Deno.errors.ConnectionReset);
        assertStringIncludes(
          error.message,
          `Cannot connect to 127.0.0.1:${server.port}: `,
        );
        return;
      }
      try {
        await assertRejects(
          () => conn.read(new Uint8Array(8)),
          Deno.errors.ConnectionReset,
        );
      } finally {
        conn.close();
      }
    }
    for (const localAddr of [undefined, { hostname: "127.0.0.1" }]) {
      for (let i = 0; i < 3; i++) await resetOnce(localAddr);
    }
    // Concurrent connections make the rarer classes likelier (NotConnected:
    // about 3 in 1,000 here); each must still come as ConnectionReset.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 50; i++) await resetOnce();
      }),
    );
  },
);

Deno.test(
  "connect() faults: a reset during the race passes on to the next address at once",
  needs("python3"),
  async () => {
    await using good = acceptingServer("127.0.0.1");
    await using reset = await resettingServer(
      "127.0.0.3",
      good.port,
      "at-once",
    );
    const events: ConnectEvent[] = [];
    using conn = await connect({
      hostname: "reset.test",
      port: good.port,
      resolver: () => ["127.0.0.3", "127.0.0.1"],
      // Only a failure may start the second attempt.
      happyEyeballsDelay: Infinity,
      onEvent: (event) => events.push(event),
    });
    if (conn.remoteAddr.hostname === "127.0.0.3") {
      // The rare case where the reset came after the handshake.
      await assertRejects(
        () => conn.read(new Uint8Array(8)),
        Deno.errors.ConnectionReset,
      );
      return;
    }
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    assertEquals(timeline(events), [
      "resolved",
      "attemptStarted 0",
      "attemptFailed 0",
      "attemptStarted 1",
      "attemptWon 1",
    ]);
    const failed = events[2];
    assert(failed?.type === "attemptFailed");
    assertInstanceOf(failed.error, Deno.errors.ConnectionReset);
    assertEquals(reset.port, good.port);
  },
);

Deno.test(
  "connect() faults: a reset after the first byte leaves connect() alone and fails the read",
  needs("python3"),
  async () => {
    await using server = await resettingServer(
      "127.0.0.1",
      0,
      "after-first-byte",
    );
    for (const localAddr of [undefined, { hostname: "127.0.0.1" }]) {
      // The server waits for a byte: the connection is made before the reset.
      using conn = await connect({
        hostname: "127.0.0.1",
        port: server.port,
        ...(localAddr ? { localAddr } : {}),
      });
      await conn.write(new Uint8Array([1]));
      await assertRejects(
        () => conn.read(new Uint8Array(8)),
        Deno.errors.ConnectionReset,
      );
    }
  },
);

Deno.test("connect() faults: localAddr on a port in use is AddrInUse, naming both ends", async () => {
  await using server = acceptingServer("127.0.0.1");
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const local = `127.0.0.1:${busy.addr.port}`;
  const single = await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        localAddr: { hostname: "127.0.0.1", port: busy.addr.port },
      }),
    Deno.errors.AddrInUse,
  );
  assertStringIncludes(single.message, `127.0.0.1:${server.port}`);
  assertStringIncludes(single.message, local);
  assertInstanceOf(single.cause, Deno.errors.AddrInUse);
  // Every attempt fails alike: one AddrInUse naming every address.
  const both = await assertRejects(
    () =>
      connect({
        hostname: "busy.test",
        port: server.port,
        resolver: (name) =>
          name === "busy.test" ? ["127.0.0.1", "127.0.0.2"] : [name],
        localAddr: { hostname: "127.0.0.1", port: busy.addr.port },
      }),
    Deno.errors.AddrInUse,
  );
  assertStringIncludes(
    both.message,
    `Cannot connect to busy.test:${server.port} at 127.0.0.1:${server.port}, 127.0.0.2:${server.port}: `,
  );
  assertStringIncludes(both.message, local);
  assertEquals(server.peers.length, 0);
});

Deno.test("connect() faults: a localAddr without net permission rejects with NotCapable, not an uncaught error", async () => {
  await using server = acceptingServer("127.0.0.1");
  const [literal, name] = await runWithPermissions(
    ["--allow-read", "--allow-net=127.0.0.1"],
    `${REPORT}
addEventListener("error", (event) => {
  event.preventDefault();
  console.log(JSON.stringify({ uncaught: String(event.error) }));
});
await report({ hostname: "127.0.0.1", port, localAddr: { hostname: "127.0.0.2" } });
await report({ hostname: "127.0.0.1", port, localAddr: { hostname: "127.0.0.2", port: 40000 } });
`,
    [String(server.port)],
  );
  // The bind fails within the attempt, as EADDRINUSE would.
  assertEquals(
    literal,
    notCapable(
      `Cannot connect to 127.0.0.1:${server.port}: Cannot bind 127.0.0.2:0: net permission for it is missing: run with --allow-net=127.0.0.2`,
      ["resolved", "attemptStarted", "attemptFailed"],
      "NotCapable",
    ),
  );
  assertStringIncludes(
    (name as { message: string }).message,
    "Cannot bind 127.0.0.2:40000: net permission for it is missing: run with --allow-net=127.0.0.2:40000",
  );
  assertEquals(server.conns.length, 0);
});

Deno.test("connect() faults: a local address without net permission is a bind failure: the next one is tried", async () => {
  await using server = acceptingServer("127.0.0.1");
  const [second, none] = await runWithPermissions(
    ["--allow-read", "--allow-net=127.0.0.1,127.0.0.3"],
    `${REPORT}
const resolver = (name) => name === "two.test" ? ["127.0.0.2", "127.0.0.3"] : [name];
await report({ hostname: "127.0.0.1", port, localAddr: { hostname: "two.test" }, resolver });
await report({ hostname: "127.0.0.1", port, localAddr: { hostname: "127.0.0.4" }, resolver, allErrors: true });
`,
    [String(server.port)],
  );
  assertEquals(
    second,
    connected(server.port, ["resolved", "attemptStarted", "attemptWon"]),
  );
  // With allErrors, a denied bind stays a bind failure in the list.
  assertEquals((none as { errors: string[][] }).errors, [[
    "NotCapable",
    `Cannot connect to 127.0.0.1:${server.port}: Cannot bind 127.0.0.4:0: net permission for it is missing: run with --allow-net=127.0.0.4`,
  ]]);
  assertEquals(server.conns.length, 1);
  assertEquals(
    (server.conns[0]!.remoteAddr as Deno.NetAddr).hostname,
    "127.0.0.3",
  );
});

Deno.test("connect() faults: a closed conn is returned as is, and fails on first use", async () => {
  // No public API tells a closed Deno.TcpConn from an open one without using
  // it (reads, writes and setNoDelay have effects), so it is not checked.
  await using server = acceptingServer("127.0.0.1");
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  tcp.close();
  const conn = await connect({ conn: tcp });
  assert(conn === tcp);
  await assertRejects(
    () => conn.read(new Uint8Array(8)),
    Deno.errors.BadResource,
  );
});

// TLS on the winner -----------------------------------------------------------

const CA = TEST_CA;

Deno.test("connect() with tls.raceHandshake false races TCP, then handshakes on the winner", async () => {
  await using server = tlsServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "tls.test",
    port: server.port,
    resolver: () => ["127.0.0.3", "127.0.0.1"], // The first refuses.
    tls: { caCerts: [CA], alpnProtocols: ["h2"], raceHandshake: false },
    onEvent: (event) => events.push(event),
  });
  assertEquals((await conn.handshake()).alpnProtocol, "h2");
  assertEquals(timeline(events), [
    "resolved",
    "attemptStarted 0",
    "attemptFailed 0",
    "attemptStarted 1",
    "attemptWon 1",
    "tlsStarted",
    "tlsSucceeded",
  ]);
  const done = events.at(-1)!;
  assert(done.type === "tlsSucceeded");
  assertEquals(done.serverName, "tls.test");
  assertEquals(done.alpnProtocol, "h2");
  assertEquals(done.address.hostname, "127.0.0.1");
  assertEquals("index" in done, false);
});

Deno.test("connect() with tls runs each attempt's handshake inside the race", async () => {
  await using server = tlsServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "tls.test",
    port: server.port,
    resolver: () => ["127.0.0.3", "127.0.0.1"], // The first refuses.
    tls: { caCerts: [CA], alpnProtocols: ["h2"] },
    onEvent: (event) => events.push(event),
  });
  assertEquals((await conn.handshake()).alpnProtocol, "h2");
  assertEquals(timeline(events), [
    "resolved",
    "attemptStarted 0",
    "attemptFailed 0",
    "attemptStarted 1",
    "attemptConnected 1",
    "tlsStarted 1",
    "tlsSucceeded 1",
    "attemptWon 1",
  ]);
  const done = events.at(-2)!;
  assert(done.type === "tlsSucceeded");
  assertEquals(done.serverName, "tls.test");
  assertEquals(done.alpnProtocol, "h2");
  assertEquals(done.address.hostname, "127.0.0.1");
});

Deno.test("connect() with tls: true uses the default trust store", async () => {
  await using server = tlsServer("127.0.0.1");
  const error = await assertRejects(
    () =>
      connect({
        hostname: "localhost",
        port: server.port,
        family: 4,
        tls: true,
      }),
    Deno.errors.InvalidData,
  );
  assertStringIncludes(error.message, `127.0.0.1:${server.port}`);
  assertStringIncludes(error.message, '"localhost"');
});

Deno.test("connect() verifies the host name unless told otherwise", async () => {
  await using server = tlsServer("127.0.0.1");
  const options = {
    hostname: "elsewhere.test",
    port: server.port,
    resolver: () => ["127.0.0.1"],
  };
  await assertRejects(
    () => connect({ ...options, tls: { caCerts: [CA] } }),
    Deno.errors.InvalidData,
  );
  using conn = await connect({
    ...options,
    tls: { caCerts: [CA], unsafelyDisableHostnameVerification: true },
  });
  await conn.handshake();
});

Deno.test("connect() upgrades an adopted conn, given a serverName", async () => {
  await using server = tlsServer("127.0.0.1");
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  using conn = await connect({
    conn: tcp,
    tls: { serverName: "tls.test", caCerts: [CA] },
  });
  await conn.handshake();
  using other = await Deno.connect({
    hostname: "127.0.0.1",
    port: server.port,
  });
  await assertRejects(
    () => connect({ conn: other, tls: { caCerts: [CA] } }),
    TypeError,
    "'tls.serverName' must be given with 'conn'",
  );
});

Deno.test("connect() runs TLS over a localAddr connection", async () => {
  await using server = tlsServer("127.0.0.1");
  using conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    localAddr: { hostname: "127.0.0.8" },
    tls: { caCerts: [CA], alpnProtocols: ["http/1.1"] },
  });
  assertEquals((await conn.handshake()).alpnProtocol, "http/1.1");
  assertEquals(conn.localAddr.hostname, "127.0.0.8");
  assertEquals(server.conns[0]?.remoteAddr.hostname, "127.0.0.8");
  await conn.write(new TextEncoder().encode("hello"));
  const buffer = new Uint8Array(5);
  assertEquals(await server.conns[0]!.read(buffer), 5);
  assertEquals(new TextDecoder().decode(buffer), "hello");
});

Deno.test("connect() gives up on a silent TLS server at handshakeTimeout", async () => {
  await using silent = acceptingServer("127.0.0.1");
  const options = {
    hostname: "127.0.0.1",
    port: silent.port,
    tls: { serverName: "tls.test", handshakeTimeout: 100 },
  };
  // Inside the race: the attempt failed, for the handshake's timeout.
  const error = await assertRejects(() => connect(options), Error);
  assertStringIncludes(
    error.message,
    `TLS handshake with 127.0.0.1:${silent.port} (server name "tls.test") timed out after 100 ms`,
  );
  assert(error.cause instanceof DOMException);
  assertEquals(error.cause.name, "TimeoutError");
  // On the TCP winner only: the handshake's own error.
  const alone = await assertRejects(
    () =>
      connect({ ...options, tls: { ...options.tls, raceHandshake: false } }),
    DOMException,
  );
  assertEquals(alone.name, "TimeoutError");
  assertStringIncludes(alone.message, `127.0.0.1:${silent.port}`);
});

Deno.test("await using closes a TLS connection with closeTls(): close_notify, then the peer's close", async () => {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: readTestdata("server.pem"),
    key: readTestdata("server.key"),
  });
  const order: string[] = [];
  const served = listener.accept().then(async (conn) => {
    await conn.handshake();
    const read = await conn.read(new Uint8Array(1));
    order.push(read === null ? "server read close_notify" : "server read data");
    conn.close();
  });
  try {
    {
      await using conn = await connect({
        hostname: "localhost",
        port: listener.addr.port,
        tls: { caCerts: [TEST_CA], shutdownTimeout: 5_000 },
      });
      await conn.handshake();
    }
    order.push("disposed");
    await served;
    // closeTls() waited for the server to close its side.
    assertEquals(order, ["server read close_notify", "disposed"]);
  } finally {
    listener.close();
  }
});
