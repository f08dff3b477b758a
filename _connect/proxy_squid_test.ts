// Copyright 2026 the happy-eyeballs authors. MIT license.
// The proxy option against a real HTTP proxy, squid, started on loopback.
import { assertEquals, assertRejects } from "@std/assert";
import { connect } from "../connect.ts";
import { closeTls } from "../tls.ts";
import type { ConnectEvent } from "../types.ts";
import { needs } from "../_testing/needs.ts";
import {
  echoServer,
  refusedPort,
  roundTrip,
  TEST_CA,
  tlsServer,
} from "../_testing/net.ts";
import { SQUID_USER, startSquid } from "../_testing/servers.ts";

Deno.test({
  name:
    "squid: TCP and TLS to the target through the tunnel; the race is to the proxy",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    await using echo = echoServer();
    const events: ConnectEvent[] = [];
    const conn = await connect({
      hostname: "127.0.0.1",
      port: echo.port,
      proxy: `http://localhost:${squid.port}`,
      family: 4,
      onEvent: (event) => events.push(event),
      signal: AbortSignal.timeout(10_000),
    });
    try {
      assertEquals(await roundTrip(conn), "ping");
      assertEquals(conn.remoteAddr.port, squid.port);
    } finally {
      conn.close();
    }
    const started = events.flatMap((event) =>
      event.type === "attemptStarted" ? [event.address.port] : []
    );
    assertEquals(started, [squid.port]);

    await using server = tlsServer();
    const tls = await connect({
      hostname: "127.0.0.1",
      port: server.port,
      proxy: { hostname: "127.0.0.1", port: squid.port },
      tls: { caCerts: [TEST_CA], alpnProtocols: ["h2"] },
      signal: AbortSignal.timeout(10_000),
    });
    assertEquals((await tls.handshake()).alpnProtocol, "h2");
    // Through the proxy, not to the server directly.
    assertEquals(tls.remoteAddr.port, squid.port);
    await closeTls(tls, { timeout: 1_000 });
  },
});

Deno.test({
  name: "squid: basic authentication, accepted and refused (407)",
  ...needs("squid", "openssl"),
  async fn() {
    await using squid = await startSquid(true);
    await using echo = echoServer();
    const { username, password } = SQUID_USER;
    const conn = await connect({
      hostname: "127.0.0.1",
      port: echo.port,
      proxy: { hostname: "127.0.0.1", port: squid.port, username, password },
      signal: AbortSignal.timeout(10_000),
    });
    try {
      assertEquals(await roundTrip(conn), "ping");
    } finally {
      conn.close();
    }
    const error = await assertRejects(
      () =>
        connect({
          hostname: "127.0.0.1",
          port: echo.port,
          proxy: `http://${username}:wrong@127.0.0.1:${squid.port}`,
          signal: AbortSignal.timeout(10_000),
        }),
      Deno.errors.ConnectionRefused,
      `Cannot connect as proxy http://***@127.0.0.1:${squid.port} refused the credentials for the tunnel to 127.0.0.1:${echo.port}: 407 `,
    );
    assertEquals(error.message.includes("wrong"), false);
  },
});

Deno.test({
  name:
    "squid: a target the proxy cannot reach is named with the proxy's answer",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    const port = refusedPort();
    await assertRejects(
      () =>
        connect({
          hostname: "127.0.0.1",
          port,
          proxy: `http://127.0.0.1:${squid.port}`,
          signal: AbortSignal.timeout(10_000),
        }),
      Deno.errors.ConnectionRefused,
      `Cannot connect as proxy http://127.0.0.1:${squid.port} refused the tunnel to 127.0.0.1:${port}: 503`,
    );
  },
});
