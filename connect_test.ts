// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import {
  connect,
  type ConnectEvent,
  type ConnectOptions,
  type ConnectTarget,
} from "./connect.ts";
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

/** A resolver that answers `addresses` for every name and records calls. */
function fixedResolver(addresses: string[]) {
  const calls: string[] = [];
  return {
    calls,
    resolver(hostname: string) {
      calls.push(hostname);
      return addresses;
    },
  };
}

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

Deno.test("connect() resolves names with the system resolver", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "localhost",
    port: server.port,
    family: 4,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.hostname, "localhost");
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
    happyEyeballsDelay: 100,
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
  // The second attempt waited for the delay; the third did not wait at all,
  // since the second failed (generous bounds: loopback on a busy machine).
  assert(byType("attemptStarted", 1).elapsed >= 95);
  assert(
    byType("attemptStarted", 2).elapsed - byType("attemptFailed", 1).elapsed <
      50,
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

Deno.test("connect() keeps only the wanted family", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  const { resolver } = fixedResolver(["::1", "127.0.0.1"]);
  using _conn = await connect({
    hostname: "both.test",
    port: server.port,
    family: 4,
    resolver,
    onEvent: (event) => events.push(event),
  });
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), ["127.0.0.1"]);
  await assertRejects(
    () =>
      connect({
        hostname: "v4.test",
        port: 1,
        family: 6,
        resolver: () => ["127.0.0.1"],
      }),
    Deno.errors.NotFound,
    "resolves to no IPv6 address",
  );
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

Deno.test("connect() skips destinations that localAddr's family cannot serve", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "both.test",
    port: server.port,
    resolver: (name) => name === "both.test" ? ["::1", "127.0.0.1"] : [name],
    localAddr: { hostname: "127.0.0.7" },
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.localAddr.hostname, "127.0.0.7");
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), ["127.0.0.1"]);
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        localAddr: { hostname: "::1" },
      }),
    TypeError,
    "no address matches the family of 'localAddr'",
  );
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

Deno.test("connect() says which host did not resolve", async () => {
  await assertRejects(
    () =>
      connect({
        hostname: "nowhere.test",
        port: 80,
        resolver: () => {
          throw new Error("NXDOMAIN");
        },
      }),
    Deno.errors.NotFound,
    "Cannot resolve 'nowhere.test': NXDOMAIN",
  );
  await assertRejects(
    () => connect({ hostname: "x.test", port: 80, resolver: () => ["nope"] }),
    TypeError,
    "must return IP addresses",
  );
  // An error whose message is no string, or whose message getter throws:
  // the message shows what it is, and the error is kept as cause.
  const noString = Object.assign(new Error(), {
    message: Object.create(null) as string,
  });
  const throwing = new Error();
  Object.defineProperty(throwing, "message", {
    get() {
      throw new Error("from the getter");
    },
  });
  // An error whose code getter throws: no OS error, still NotFound.
  const throwingCode = new Error("no such name");
  Object.defineProperty(throwingCode, "code", {
    get() {
      throw new Error("from the code getter");
    },
  });
  for (
    const [thrown, shown] of [
      [noString, "{}"],
      [throwing, "an Error"],
      [throwingCode, "no such name"],
    ] as const
  ) {
    const error = await assertRejects(
      () =>
        connect({
          hostname: "nowhere.test",
          port: 80,
          resolver: () => {
            throw thrown;
          },
        }),
      Deno.errors.NotFound,
    );
    assertEquals(error.message, `Cannot resolve 'nowhere.test': ${shown}`);
    assertStrictEquals(error.cause, thrown);
  }
});

Deno.test("connect() rejects bad options before any look-up", async (t) => {
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
  const cases: [string, Record<string, unknown>, ErrorConstructor, string][] = [
    ["no hostname", { port: 80 }, TypeError, "'hostname'"],
    ["no port", { hostname: "x.test" }, TypeError, "'port'"],
    ["port as string", { hostname: "x.test", port: "80" }, TypeError, "'port'"],
    ["port 0", { hostname: "x.test", port: 0 }, RangeError, "'port'"],
    ["port 65536", { hostname: "x.test", port: 65536 }, RangeError, "'port'"],
    ["port 1.5", { hostname: "x.test", port: 1.5 }, RangeError, "'port'"],
    [
      "port Infinity",
      { hostname: "x.test", port: Infinity },
      RangeError,
      "'port'",
    ],
    ["port huge", { hostname: "x.test", port: 1e20 }, RangeError, "'port'"],
    ["port NaN", { hostname: "x.test", port: NaN }, RangeError, "'port'"],
    [
      "hostname not a string",
      { hostname: 127, port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "hostname in bad brackets",
      { hostname: "[x.test]", port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "family as string",
      { hostname: "x.test", port: 80, family: "4" },
      TypeError,
      "'family'",
    ],
    [
      "interleave Infinity",
      { hostname: "x.test", port: 80, interleave: Infinity },
      RangeError,
      "'interleave'",
    ],
    [
      "delay -Infinity",
      { hostname: "x.test", port: 80, happyEyeballsDelay: -Infinity },
      RangeError,
      "'happyEyeballsDelay'",
    ],
    [
      "localAddr hostname with space",
      { hostname: "x.test", port: 80, localAddr: { hostname: "a b" } },
      TypeError,
      "'localAddr.hostname'",
    ],
    [
      "localAddr unknown key",
      { hostname: "x.test", port: 80, localAddr: { host: "127.0.0.1" } },
      TypeError,
      "'localAddr'",
    ],
    [
      "two unknown options",
      { hostname: "x.test", port: 80, timeout: 5, ssl: true },
      TypeError,
      "'timeout', 'ssl'",
    ],
    ["empty hostname", { hostname: "", port: 80 }, TypeError, "'hostname'"],
    [
      "hostname with space",
      { hostname: "a b", port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "hostname with NUL",
      { hostname: "a\0b", port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "hostname too long",
      { hostname: "a".repeat(254), port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "family 5",
      { hostname: "x.test", port: 80, family: 5 },
      TypeError,
      "'family'",
    ],
    [
      "negative delay",
      { hostname: "x.test", port: 80, happyEyeballsDelay: -1 },
      RangeError,
      "'happyEyeballsDelay'",
    ],
    [
      "NaN delay",
      { hostname: "x.test", port: 80, happyEyeballsDelay: NaN },
      RangeError,
      "'happyEyeballsDelay'",
    ],
    [
      "string delay",
      { hostname: "x.test", port: 80, happyEyeballsDelay: "5" },
      TypeError,
      "'happyEyeballsDelay'",
    ],
    [
      "negative interleave",
      { hostname: "x.test", port: 80, interleave: -1 },
      RangeError,
      "'interleave'",
    ],
    [
      "fractional interleave",
      { hostname: "x.test", port: 80, interleave: 1.5 },
      RangeError,
      "'interleave'",
    ],
    [
      "allErrors not boolean",
      { hostname: "x.test", port: 80, allErrors: 1 },
      TypeError,
      "'allErrors'",
    ],
    [
      "signal not a signal",
      { hostname: "x.test", port: 80, signal: {} },
      TypeError,
      "'signal'",
    ],
    [
      "resolver not a function",
      { hostname: "x.test", port: 80, resolver: 1 },
      TypeError,
      "'resolver'",
    ],
    [
      "onEvent not a function",
      { hostname: "x.test", port: 80, onEvent: 1 },
      TypeError,
      "'onEvent'",
    ],
    [
      "localAddr not an object",
      { hostname: "x.test", port: 80, localAddr: "127.0.0.1" },
      TypeError,
      "'localAddr'",
    ],
    [
      "localAddr port",
      {
        hostname: "x.test",
        port: 80,
        localAddr: { hostname: "127.0.0.1", port: -1 },
      },
      RangeError,
      "'localAddr.port'",
    ],
    [
      "unknown option",
      { hostname: "x.test", port: 80, timeout: 5 },
      TypeError,
      "'timeout'",
    ],
    ["conn not a conn", { conn: {} }, TypeError, "'conn'"],
  ];
  for (const [name, options, ErrorClass, includes] of cases) {
    await t.step(name, async () => {
      await assertRejects(
        () =>
          connect(
            { resolver, ...options } as unknown as
              & ConnectOptions
              & ConnectTarget,
          ),
        ErrorClass,
        includes,
      );
    });
  }
  await t.step("options not an object", async () => {
    await assertRejects(
      () => connect(null as unknown as ConnectOptions & ConnectTarget),
      TypeError,
      "'options'",
    );
  });
  assertEquals(calls, []);
});

Deno.test("connect() refuses conn combined with connecting options", async () => {
  await using server = acceptingServer("127.0.0.1");
  using tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await assertRejects(
    // The types refuse it too: `hostname` and `port`, or `conn`.
    // @ts-expect-error: 'conn' with 'hostname'
    () => connect({ conn: tcp, hostname: "127.0.0.1", happyEyeballsDelay: 0 }),
    TypeError,
    "'conn' must not be combined with 'hostname', 'happyEyeballsDelay'",
  );
});

// ---------------------------------------------------------------------------
// Faults: a peer that resets, a name that does not resolve, a busy local
// port, missing net permission, a closed connection.
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

Deno.test("connect() faults: a name the system resolver does not know is NotFound, naming it", async () => {
  // `.invalid` never resolves (RFC 2606). Here getaddrinfo answers in a few
  // milliseconds; a resolver that cannot be reached would make this slow.
  const error = await assertRejects(
    () => connect({ hostname: "nosuch.invalid", port: 80 }),
    Deno.errors.NotFound,
    "Cannot resolve 'nosuch.invalid': ",
  );
  assert(error.cause instanceof Error);
});

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

/**
 * Runs `code` (a module body that can use `connect` and prints one JSON line
 * per result) in a new Deno process with the given permission flags, and
 * returns what it printed. The child resolves imports as this module does.
 */
async function runWithPermissions(
  flags: string[],
  code: string,
  args: string[] = [],
  wrapper: string[] = [],
): Promise<unknown[]> {
  const imports: Record<string, string> = {};
  for (
    const specifier of [
      "@std/async/abortable",
      "@std/async/deadline",
      "@std/async/delay",
    ]
  ) {
    try {
      imports[specifier] = import.meta.resolve(specifier);
    } catch {
      // Not used by this version of the module.
    }
  }
  const importMap = `data:application/json,${
    encodeURIComponent(JSON.stringify({ imports }))
  }`;
  const [program, ...before] = [...wrapper, Deno.execPath()];
  const child = new Deno.Command(program!, {
    args: [
      ...before,
      "run",
      "--no-config",
      "--no-prompt",
      `--import-map=${importMap}`,
      ...flags,
      "-",
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(
    `import { connect } from ${
      JSON.stringify(import.meta.resolve("./connect.ts"))
    };\n${code}`,
  ));
  await writer.close();
  const { code: exitCode, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  assertEquals(exitCode, 0, new TextDecoder().decode(stderr));
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

/** In the child: prints how `connect(options)` settled, as one JSON line. */
const REPORT = `
async function report(options) {
  const events = [];
  try {
    const conn = await connect({ ...options, onEvent: (e) => events.push(e.type) });
    console.log(JSON.stringify({ ok: true, remote: conn.remoteAddr, events }));
    conn.close();
  } catch (error) {
    console.log(JSON.stringify({
      ok: false,
      class: error.constructor.name,
      message: error.message,
      errors: error.errors?.map((e) => [e.constructor.name, e.message]),
      cause: error.cause?.constructor.name,
      events,
    }));
  }
}
const port = Number(Deno.args[0]);
`;

/** What `report()` prints when `connect()` rejects with NotCapable. */
function notCapable(
  message: string,
  events: string[] = [],
  cause?: string,
): Record<string, unknown> {
  return {
    ok: false,
    class: "NotCapable",
    message,
    ...(cause === undefined ? {} : { cause }),
    events,
  };
}

/** What `report()` prints for a conn to 127.0.0.1 on `port`. */
function connected(port: number, events: string[]): Record<string, unknown> {
  return {
    ok: true,
    remote: { transport: "tcp", hostname: "127.0.0.1", port },
    events,
  };
}

Deno.test("connect() faults: without --allow-net, one NotCapable that says what to grant", async () => {
  const port = refusedPort();
  const [literal, several, allErrors, name] = await runWithPermissions(
    ["--allow-read"],
    `${REPORT}
await report({ hostname: "127.0.0.1", port });
await report({ hostname: "two.test", port, resolver: () => ["127.0.0.1", "::1"] });
await report({ hostname: "two.test", port, resolver: () => ["127.0.0.1", "::1"], allErrors: true });
await report({ hostname: "localhost", port });
`,
    [String(port)],
  );
  assertEquals(
    literal,
    notCapable(
      `Cannot connect to 127.0.0.1:${port} as net permission for it is missing: run with --allow-net=127.0.0.1:${port}`,
      ["resolved", "attemptStarted", "attemptFailed"],
      "AggregateError",
    ),
  );
  // Not an AggregateError of two NotCapable errors.
  assertEquals(
    several,
    notCapable(
      `Cannot connect to two.test:${port} as net permission for 127.0.0.1:${port}, [::1]:${port} is missing: run with --allow-net=127.0.0.1:${port},[::1]:${port}`,
      [
        "resolved",
        "attemptStarted",
        "attemptFailed",
        "attemptStarted",
        "attemptFailed",
      ],
      "AggregateError",
    ),
  );
  // With allErrors: the AggregateError asked for, each entry a NotCapable.
  assert(typeof allErrors === "object" && allErrors !== null);
  const aggregate = allErrors as { class: string; errors: string[][] };
  assertEquals(aggregate.class, "AggregateError");
  assertEquals(aggregate.errors.map(([c]) => c), ["NotCapable", "NotCapable"]);
  assertStringIncludes(aggregate.errors[1]![1]!, `[::1]:${port}`);
  // The cause is whatever the look-up threw (an EPERM Error here).
  const { cause: _, ...lookup } = name as Record<string, unknown>;
  assertEquals(
    lookup,
    notCapable(
      "Cannot resolve 'localhost' as net permission for it is missing: run with --allow-net=localhost",
    ),
  );
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

Deno.test("connect() faults: with net permission for the name only, it falls back to Deno.connect", async () => {
  await using server = acceptingServer("127.0.0.1");
  const code = `${REPORT}
await report({ hostname: "localhost", port });
`;
  // The name (any port): the look-up is allowed, its addresses are not.
  const [byName] = await runWithPermissions(
    ["--allow-read", "--allow-net=localhost"],
    code,
    [String(server.port)],
  );
  assertEquals(byName, connected(server.port, ["resolved", "fallback"]));
  // The name on this port only: even the look-up is not allowed.
  const [byNameAndPort] = await runWithPermissions(
    ["--allow-read", `--allow-net=localhost:${server.port}`],
    code,
    [String(server.port)],
  );
  assertEquals(byNameAndPort, connected(server.port, ["fallback"]));
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

Deno.test("connect() serves concurrent connections to one name from a shared look-up", async () => {
  await using server = acceptingServer("127.0.0.1");
  const controller = new AbortController();
  // One caller gives up while the look-up is under way: the others go on.
  const quitter = connect({
    hostname: "localhost",
    port: server.port,
    family: 4,
    signal: controller.signal,
  });
  const conns = Array.from(
    { length: 20 },
    () => connect({ hostname: "localhost", port: server.port, family: 4 }),
  );
  controller.abort(new Error("gave up"));
  await assertRejects(() => quitter, Error, "gave up");
  for (const conn of await Promise.all(conns)) {
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    conn.close();
  }
  // And one after the shared look-up has answered.
  using again = await connect({
    hostname: "localhost",
    port: server.port,
    family: 4,
  });
  assertEquals(again.remoteAddr.hostname, "127.0.0.1");
});

// TLS on the winner -----------------------------------------------------------

const CA = TEST_CA;

Deno.test("connect() with tls races TCP, then handshakes on the winner", async () => {
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
    "attemptWon 1",
    "tlsStarted",
    "tlsSucceeded",
  ]);
  const done = events.at(-1)!;
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
  const error = await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: silent.port,
        tls: { serverName: "tls.test", handshakeTimeout: 100 },
      }),
    DOMException,
  );
  assertEquals(error.name, "TimeoutError");
  assertStringIncludes(error.message, `127.0.0.1:${silent.port}`);
});

Deno.test("connect() checks TLS options before any look-up", async () => {
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
  const base = { hostname: "x.test", port: 443, resolver };
  await assertRejects(
    () => connect({ ...base, tls: { serverName: "" } }),
    TypeError,
    "unsafelyDisableHostnameVerification",
  );
  await assertRejects(
    () => connect({ ...base, tls: { handshakeTimeout: 0 } }),
    RangeError,
    "'tls.handshakeTimeout'",
  );
  await assertRejects(
    () => connect({ ...base, tls: "yes" as unknown as true }),
    TypeError,
    "'tls'",
  );
  await assertRejects(
    () => connect({ ...base, tls: { caCerts: "pem" as unknown as string[] } }),
    TypeError,
    "'tls.caCerts'",
  );
  assertEquals(calls, []);
});

// The system resolver on a name with several addresses ------------------------

Deno.test({
  name:
    "connect() races every address of a name from /etc/hosts, in the system's order",
  ...needs("unshare"),
  async fn() {
    await using server = acceptingServer("127.0.0.1");
    // Nothing listens on [::1] at this port: refused, then 127.0.0.1 wins.
    const hosts = await Deno.makeTempFile({ suffix: ".hosts" });
    try {
      await Deno.writeTextFile(
        hosts,
        "127.0.0.1 localhost\n::1 multi.test\n127.0.0.1 multi.test\n",
      );
      // A private mount namespace: /etc/hosts changes for the child alone.
      const [result] = await runWithPermissions(
        ["--allow-net", "--allow-read"],
        `const events = [];
const conn = await connect({
  hostname: "multi.test",
  port: Number(Deno.args[0]),
  onEvent: (e) => events.push(e.type === "resolved"
    ? e.addresses.map((a) => a.hostname).join(" ")
    : \`\${e.type} \${e.address?.hostname}\`),
});
console.log(JSON.stringify({ remote: conn.remoteAddr.hostname, events }));
conn.close();`,
        [String(server.port)],
        [
          "unshare",
          "-m",
          "sh",
          "-c",
          'mount --bind "$0" /etc/hosts && exec "$@"',
          hosts,
        ],
      );
      assertEquals(result, {
        remote: "127.0.0.1",
        events: [
          "::1 127.0.0.1",
          "attemptStarted ::1",
          "attemptFailed ::1",
          "attemptStarted 127.0.0.1",
          "attemptWon 127.0.0.1",
        ],
      });
    } finally {
      await Deno.remove(hosts);
    }
  },
});

// ------------------------------------------- code written for Deno.connect

Deno.test('connect() takes Deno.connect\'s transport: "tcp", and no other', async () => {
  await using server = acceptingServer("127.0.0.1");
  const conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    transport: "tcp",
  });
  conn.close();
  await assertRejects(
    () =>
      connect(
        {
          hostname: "127.0.0.1",
          port: server.port,
          transport: "udp",
        } as unknown as ConnectOptions & ConnectTarget,
      ),
    TypeError,
    `'transport' must be "tcp"`,
  );
});

Deno.test("connect() points Deno.connectTls's top-level TLS keys to tls.*", async (t) => {
  const moved: [string, string][] = [
    ...["caCerts", "alpnProtocols", "cert", "key"].map((
      key,
    ): [string, string] => [key, `tls.${key}`]),
    // node:net's and node:tls's names.
    ["host", "hostname"],
    ["servername", "tls.serverName"],
  ];
  for (const [key, meant] of moved) {
    await t.step(key, async () => {
      await assertRejects(
        () =>
          connect(
            {
              hostname: "127.0.0.1",
              port: 1,
              [key]: [],
            } as unknown as ConnectOptions & ConnectTarget,
          ),
        TypeError,
        `'${key}' (did you mean '${meant}'?)`,
      );
    });
  }
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

/** A resolver that answers in batches, one after another. */
function batches(...answers: string[][]) {
  return () => ({
    async *[Symbol.asyncIterator]() {
      for (const answer of answers) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield answer;
      }
    },
  });
}

Deno.test("connect() decides 'no usable address' on a streaming resolver's whole answer", async () => {
  await using server = acceptingServer("127.0.0.1");
  // An IPv4 localAddr, and the AAAA answer first: the A answer serves.
  using fromLocal = await connect({
    hostname: "late-a.test",
    port: server.port,
    resolver: (name) =>
      name === "late-a.test" ? batches(["::1"], ["127.0.0.1"])() : [name],
    localAddr: { hostname: "127.0.0.1" },
  });
  assertEquals(fromLocal.remoteAddr.hostname, "127.0.0.1");
  // A first batch emptied by `family`, then one of that family.
  using byFamily = await connect({
    hostname: "late-a.test",
    port: server.port,
    family: 4,
    resolver: batches(["::1"], ["127.0.0.1"]),
  });
  assertEquals(byFamily.remoteAddr.hostname, "127.0.0.1");
  // An empty first batch.
  using afterEmpty = await connect({
    hostname: "late-a.test",
    port: server.port,
    resolver: batches([], ["127.0.0.1"]),
  });
  assertEquals(afterEmpty.remoteAddr.hostname, "127.0.0.1");
  // Nothing of the family in the whole answer.
  await assertRejects(
    () =>
      connect({
        hostname: "v6-only.test",
        port: server.port,
        family: 4,
        resolver: batches(["::1"], ["::2"]),
      }),
    Deno.errors.NotFound,
    `Cannot connect to v6-only.test:${server.port} as it resolves to no IPv4 address`,
  );
  await assertRejects(
    () =>
      connect({
        hostname: "v6-only.test",
        port: server.port,
        resolver: (name) =>
          name === "v6-only.test" ? batches(["::1"], ["::2"])() : [name],
        localAddr: { hostname: "127.0.0.1" },
      }),
    TypeError,
    "no address matches the family of 'localAddr': addresses are ::1, ::2",
  );
});

Deno.test("connect() holds IP literals to 'family', as getaddrinfo does", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        family: 6,
        onEvent: (event) => events.push(event),
      }),
    Deno.errors.NotFound,
    `Cannot connect to 127.0.0.1:${server.port} as it is an IPv4 address and 'family' is 6`,
  );
  await assertRejects(
    () => connect({ hostname: "[::1]", port: server.port, family: 4 }),
    Deno.errors.NotFound,
    "is an IPv6 address and 'family' is 4",
  );
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        family: 6,
        localAddr: { hostname: "127.0.0.1" },
      }),
    Deno.errors.NotFound,
    "'family' is 6",
  );
  assertEquals(events, []);
  assertEquals(server.peers.length, 0);
  using conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    family: 4,
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
});

Deno.test("connect() says 'no address' for an empty answer, and cuts long values in messages", async () => {
  await assertRejects(
    () => connect({ hostname: "none.test", port: 80, resolver: () => [] }),
    Deno.errors.NotFound,
    "Cannot connect to none.test:80 as it resolves to no address",
  );
  const huge = "a".repeat(1 << 20);
  const tooLong = await assertRejects(
    () => connect({ hostname: huge, port: 80 }),
    TypeError,
    "'hostname'",
  );
  assert(tooLong.message.length < 400, tooLong.message.slice(0, 400));
  const badAnswer = await assertRejects(
    () => connect({ hostname: "x.test", port: 80, resolver: () => [huge] }),
    TypeError,
    "must return IP addresses",
  );
  assert(badAnswer.message.length < 400);
  const badLocal = await assertRejects(
    () =>
      connect({
        hostname: "x.test",
        port: 80,
        localAddr: { hostname: "127.0.0.1", [huge]: 1 } as never,
      }),
    TypeError,
    "'localAddr'",
  );
  assert(badLocal.message.length < 400);
});

Deno.test("connect() treats IPv6 addresses in one canonical form", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "same.test",
    port: server.port,
    resolver: () => [
      "0:0:0:0:0:0:0:1",
      "::1",
      "[0000::0001]",
      "0:0:0:0:0:ffff:7f00:1",
      "127.0.0.1",
    ],
    onEvent: (event) => events.push(event),
  });
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), [
    "::1",
    "127.0.0.1",
    "::ffff:127.0.0.1",
  ]);
  conn.close();
  // A literal is named in its canonical form.
  const port = refusedPort();
  await assertRejects(
    () => connect({ hostname: "0:0:0:0:0:0:0:1", port }),
    Deno.errors.ConnectionRefused,
    `Cannot connect to [::1]:${port}: `,
  );
});

Deno.test("connect() refuses zone ids before any traffic", async () => {
  const events: ConnectEvent[] = [];
  const onEvent = (event: ConnectEvent) => events.push(event);
  await assertRejects(
    () => connect({ hostname: "fe80::1%lo", port: 80, onEvent }),
    TypeError,
    "'hostname' must be an IP address without a zone id",
  );
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: 80,
        localAddr: { hostname: "[fe80::1%lo]" },
        onEvent,
      }),
    TypeError,
    "'localAddr.hostname' must be an IP address without a zone id",
  );
  await assertRejects(
    () =>
      connect({
        hostname: "zone.test",
        port: 80,
        resolver: () => ["fe80::1%lo"],
        onEvent,
      }),
    TypeError,
    "without a zone id",
  );
  assertEquals(events, []);
});

Deno.test("connect() turns a Unicode host name into its ASCII form, once, up front", async () => {
  await using server = tlsServer("127.0.0.1");
  const calls: string[] = [];
  const events: ConnectEvent[] = [];
  const error = await assertRejects(
    () =>
      connect({
        hostname: "Bücher.example",
        port: server.port,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
        tls: { caCerts: [TEST_CA], handshakeTimeout: 5_000 },
        onEvent: (event) => events.push(event),
      }),
    Deno.errors.InvalidData,
  );
  assertEquals(calls, ["xn--bcher-kva.example"]);
  const started = events.find((e) => e.type === "tlsStarted");
  assert(started?.type === "tlsStarted");
  // SNI and the certificate check use the ASCII form too.
  assertEquals(started.serverName, "xn--bcher-kva.example");
  assertStringIncludes(error.message, "xn--bcher-kva.example");
  // Not a valid internationalized name: a TypeError, before any look-up.
  await assertRejects(
    () =>
      connect({
        hostname: "xn--ü.example",
        port: server.port,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
      }),
    TypeError,
    "'hostname' must be a valid internationalized host name",
  );
  assertEquals(calls.length, 1);
});

Deno.test("connect() checks the host name as the default TLS server name before any traffic", async () => {
  const calls: string[] = [];
  await assertRejects(
    () =>
      connect({
        hostname: "bad!name.test",
        port: 443,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
        tls: true,
      }),
    TypeError,
    "'hostname' must be a host name or an IP address",
  );
  assertEquals(calls, []);
  // With a server name given, the host name is only resolved.
  const port = refusedPort();
  await assertRejects(
    () =>
      connect({
        hostname: "bad!name.test",
        port,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
        tls: { serverName: "tls.test" },
      }),
    Deno.errors.ConnectionRefused,
  );
  assertEquals(calls, ["bad!name.test"]);
});

Deno.test("connect() checks localAddr as asyncio does", async () => {
  await using server = acceptingServer("127.0.0.1");
  // A name that resolves to nothing: NotFound naming localAddr.
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        resolver: () => [],
        localAddr: { hostname: "nowhere.test" },
      }),
    Deno.errors.NotFound,
    `Cannot connect to 127.0.0.1:${server.port} from "nowhere.test" as 'localAddr.hostname' resolves to no address`,
  );
  // Unknown keys, `transport: "udp"` among them, are a TypeError.
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        localAddr: { hostname: "127.0.0.1", transport: "udp" } as never,
      }),
    TypeError,
    "'localAddr.transport' must be \"tcp\" if given",
  );
  // A Deno.NetAddr of TCP is taken as it is.
  const local: Deno.NetAddr = {
    transport: "tcp",
    hostname: "127.0.0.4",
    port: 0,
  };
  using conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    localAddr: local,
  });
  assertEquals(conn.localAddr.hostname, "127.0.0.4");
});

/**
 * In a child with `flags`, how `connect(options)` settled (`options` written
 * as code, with `port` defined), without the cause's class.
 */
async function reportOnce(
  flags: string[],
  options: string,
  port: number,
): Promise<Record<string, unknown>> {
  const [result] = await runWithPermissions(
    flags,
    `${REPORT}\nawait report(${options});\n`,
    [String(port)],
  );
  const { cause: _, ...rest } = result as Record<string, unknown>;
  return rest;
}

Deno.test("connect() faults: with a Unicode name and scoped net permission, NotCapable naming the ASCII form", async () => {
  const result = await reportOnce(
    ["--allow-read", "--allow-net=127.0.0.1"],
    `{ hostname: "bücher.example", port }`,
    80,
  );
  assertEquals(
    result,
    notCapable(
      "Cannot resolve 'xn--bcher-kva.example' as net permission for it is missing: run with --allow-net=xn--bcher-kva.example",
    ),
  );
});

Deno.test("connect() faults: with 'family', no fallback to Deno.connect, and the error says why", async () => {
  await using server = acceptingServer("127.0.0.1");
  const options = `{ hostname: "localhost", port, family: 4 }`;
  const addresses = await reportOnce(
    ["--allow-read", "--allow-net=localhost"],
    options,
    server.port,
  );
  assertEquals(
    addresses,
    notCapable(
      `Cannot connect to localhost:${server.port} as net permission for 127.0.0.1:${server.port} is missing: run with --allow-net=127.0.0.1:${server.port} (net permission covers localhost:${server.port}, but Deno.connect({ hostname }) cannot take 'family')`,
      ["resolved", "attemptStarted", "attemptFailed"],
    ),
  );
  // The name on this port only: the look-up itself is denied.
  const lookup = await reportOnce(
    ["--allow-read", `--allow-net=localhost:${server.port}`],
    options,
    server.port,
  );
  assertEquals(
    lookup,
    notCapable(
      `Cannot resolve 'localhost' as net permission for it is missing: run with --allow-net=localhost (net permission covers localhost:${server.port}, but Deno.connect({ hostname }) cannot take 'family')`,
    ),
  );
  assertEquals(server.peers.length, 0);
});

Deno.test("connect() checks the server name taken from 'hostname' before any traffic", async () => {
  const events: string[] = [];
  // A label may not end with a hyphen: no certificate can hold the name.
  await assertRejects(
    () =>
      connect({
        hostname: "bad-.test",
        port: 443,
        tls: true,
        onEvent: (event) => events.push(event.type),
      }),
    TypeError,
    "Cannot start TLS as 'hostname' must be a host name or an IP address",
  );
  assertEquals(events, []);
});

Deno.test("connect() shows a bad value cut to a sane length", async () => {
  const error = await assertRejects(
    () => connect({ hostname: "a".repeat(1 << 20), port: 80 }),
    TypeError,
    "'hostname'",
  );
  assert(error.message.length < 300, `${error.message.length} characters`);
});
