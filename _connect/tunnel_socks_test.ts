// Copyright 2026 the happy-eyeballs authors. MIT license.
// SOCKS5 through microsocks on loopback, and a hostile fake SOCKS server.
import { assert, assertEquals, assertRejects } from "@std/assert";
import { connect } from "../connect.ts";
import { needs } from "../_testing/needs.ts";
import { echoServer, refusedPort, roundTrip, serve } from "../_testing/net.ts";
import { SOCKS_USER, startMicrosocks } from "../_testing/servers.ts";

Deno.test({
  name: "socks5: microsocks without credentials, socks5:// and socks5h://",
  ...needs("microsocks"),
  async fn() {
    await using socks = await startMicrosocks();
    await using echo = echoServer();
    for (
      const proxy of [
        `socks5://127.0.0.1:${socks.port}`,
        `socks5h://127.0.0.1:${socks.port}`,
      ]
    ) {
      // By name: see the fake server's tests, and tunnel_race_test.ts.
      const conn = await connect({
        hostname: "127.0.0.1",
        port: echo.port,
        proxy,
        family: 4,
        signal: AbortSignal.timeout(10_000),
      });
      try {
        assertEquals(await roundTrip(conn), "ping");
        assertEquals(conn.remoteAddr.port, socks.port);
      } finally {
        conn.close();
      }
    }
    // A refused target: reply 5, as Deno's ConnectionRefused.
    const port = refusedPort();
    await assertRejects(
      () =>
        connect({
          hostname: "127.0.0.1",
          port,
          proxy: `socks5://127.0.0.1:${socks.port}`,
          signal: AbortSignal.timeout(10_000),
        }),
      Deno.errors.ConnectionRefused,
      `Cannot connect as proxy socks5://127.0.0.1:${socks.port} could not open the tunnel to 127.0.0.1:${port}: connection refused (SOCKS5 reply 5)`,
    );
  },
});

Deno.test({
  name: "socks5: microsocks with username and password (RFC 1929)",
  ...needs("microsocks"),
  async fn() {
    await using socks = await startMicrosocks(true);
    await using echo = echoServer();
    const { username, password } = SOCKS_USER;
    const conn = await connect({
      hostname: "127.0.0.1",
      port: echo.port,
      proxy: {
        protocol: "socks5h",
        hostname: "127.0.0.1",
        port: socks.port,
        username,
        password,
      },
      signal: AbortSignal.timeout(10_000),
    });
    try {
      assertEquals(await roundTrip(conn), "ping");
    } finally {
      conn.close();
    }
    for (
      const proxy of [
        `socks5://${username}:wrong@127.0.0.1:${socks.port}`,
        `socks5://127.0.0.1:${socks.port}`,
      ]
    ) {
      const error = await assertRejects(
        () =>
          connect({
            hostname: "127.0.0.1",
            port: echo.port,
            proxy,
            signal: AbortSignal.timeout(10_000),
          }),
        Deno.errors.ConnectionRefused,
        `Cannot connect as proxy socks5://`,
      );
      assert(!error.message.includes("wrong"), error.message);
    }
  },
});

/** A fake SOCKS5 server: answers `greeting` after the client's, and so on. */
function fakeSocks(answers: Uint8Array[], requests: Uint8Array[] = []) {
  return serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      const buffer = new Uint8Array(512);
      for (const answer of answers) {
        const n = await conn.read(buffer);
        if (n === null) return;
        requests.push(buffer.slice(0, n));
        await conn.write(answer);
      }
      // Then the "target": echo.
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) return;
        await conn.write(buffer.subarray(0, n));
      }
    },
  );
}

Deno.test("socks5: the request names the target; the reply is read exactly", async () => {
  const requests: Uint8Array[] = [];
  await using socks = fakeSocks([
    Uint8Array.of(5, 0),
    // Success, bound to a domain name, then the target's first bytes.
    Uint8Array.of(5, 0, 0, 3, 3, 97, 98, 99, 0, 80, 104, 105),
  ], requests);
  const conn = await connect({
    hostname: "db.example",
    port: 5432,
    proxy: `socks5h://127.0.0.1:${socks.port}`,
  });
  try {
    const buffer = new Uint8Array(2);
    assertEquals(await conn.read(buffer), 2);
    assertEquals(new TextDecoder().decode(buffer), "hi");
  } finally {
    conn.close();
  }
  assertEquals(requests[0], Uint8Array.of(5, 1, 0));
  assertEquals(
    requests[1],
    Uint8Array.of(
      5,
      1,
      0,
      3,
      10,
      ...new TextEncoder().encode("db.example"),
      0x15,
      0x38,
    ),
  );
});

Deno.test("socks5: IPv6 targets go as 16 bytes", async () => {
  const requests: Uint8Array[] = [];
  await using socks = fakeSocks([
    Uint8Array.of(5, 0),
    Uint8Array.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 80),
  ], requests);
  const conn = await connect({
    hostname: "2001:db8::1:2",
    port: 443,
    proxy: `socks5://127.0.0.1:${socks.port}`,
  });
  conn.close();
  assertEquals(
    requests[1],
    Uint8Array.of(
      5,
      1,
      0,
      4,
      0x20,
      1,
      0xd,
      0xb8,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      2,
      1,
      0xbb,
    ),
  );
});

Deno.test("socks5: reply codes as Deno's error classes; a wrong version", async () => {
  const cases: [number, new (message: string) => Error, string][] = [
    [2, Deno.errors.PermissionDenied, "connection not allowed by ruleset"],
    [3, Deno.errors.NetworkUnreachable, "network unreachable"],
    [4, Deno.errors.NetworkUnreachable, "host unreachable"],
    [5, Deno.errors.ConnectionRefused, "connection refused"],
    [6, Deno.errors.TimedOut, "TTL expired"],
  ];
  for (const [code, Class, words] of cases) {
    await using socks = fakeSocks([
      Uint8Array.of(5, 0),
      Uint8Array.of(5, code, 0, 1, 0, 0, 0, 0, 0, 0),
    ]);
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 5432,
          proxy: `socks5h://127.0.0.1:${socks.port}`,
        }),
      Class,
      `to db.example:5432: ${words} (SOCKS5 reply ${code})`,
    );
  }
  {
    await using socks = fakeSocks([Uint8Array.of(4, 0)]);
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 5432,
          proxy: `socks5h://127.0.0.1:${socks.port}`,
        }),
      Deno.errors.InvalidData,
      "its answer is not SOCKS5 (version byte 4)",
    );
  }
  {
    // A success reply with an address type SOCKS5 does not have.
    await using socks = fakeSocks([
      Uint8Array.of(5, 0),
      Uint8Array.of(5, 0, 0, 9, 0, 0),
    ]);
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 5432,
          proxy: `socks5h://127.0.0.1:${socks.port}`,
        }),
      Deno.errors.InvalidData,
      "its answer is not SOCKS5 (address type 9)",
    );
  }
  {
    // RFC 1929's reply has version 1: 5 is no answer to credentials.
    await using socks = fakeSocks([Uint8Array.of(5, 2), Uint8Array.of(5, 0)]);
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 5432,
          proxy: `socks5h://u:p@127.0.0.1:${socks.port}`,
        }),
      Deno.errors.InvalidData,
      "its answer is not SOCKS5 (auth version 5)",
    );
  }
  {
    // No acceptable method: 0xff.
    await using socks = fakeSocks([Uint8Array.of(5, 0xff)]);
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 5432,
          proxy: `socks5h://127.0.0.1:${socks.port}`,
        }),
      Deno.errors.ConnectionRefused,
      "requires credentials",
    );
  }
});

Deno.test("socks5: socks5:// resolves the name here and sends an address", async () => {
  const requests: Uint8Array[] = [];
  await using socks = fakeSocks([
    Uint8Array.of(5, 0),
    Uint8Array.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 80),
  ], requests);
  const conn = await connect({
    hostname: "localhost",
    port: 80,
    proxy: `socks5://127.0.0.1:${socks.port}`,
  });
  conn.close();
  const request = requests[1]!;
  // IPv4 (127.0.0.1) or IPv6 (::1), as the system answers first.
  const expected = request[3] === 1
    ? Uint8Array.of(5, 1, 0, 1, 127, 0, 0, 1, 0, 80)
    : Uint8Array.of(5, 1, 0, 4, ...new Array(15).fill(0), 1, 0, 80);
  assertEquals(request, expected);
});
