// Copyright 2026 the happy-eyeballs authors. MIT license.
// An https:// proxy: TLS to the proxy, then the tunnel inside it, then the
// target's own TLS inside that; against squid's https_port (a real HTTPS
// proxy), and against fake proxies that stall or lie.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { connect } from "../connect.ts";
import { closeTls } from "../tls.ts";
import type { ConnectEvent } from "../types.ts";
import { checkOptions } from "./options.ts";
import { needs } from "../_testing/needs.ts";
import {
  acceptingServer,
  echoServer,
  roundTrip,
  TEST_CA,
  tlsServer,
} from "../_testing/net.ts";
import { runWithPermissions } from "../_testing/permissions.ts";
import { SQUID_USER, startSquid } from "../_testing/servers.ts";

/** An event as a short line: its type, and the proxy when it names one. */
function describe(event: ConnectEvent): string {
  if (event.type.startsWith("tls")) {
    const { serverName, proxy } = event as {
      serverName: string;
      proxy?: string;
    };
    return `${event.type} ${serverName}${proxy ? ` (proxy ${proxy})` : ""}`;
  }
  return event.type;
}

Deno.test({
  name:
    "https:// proxy (squid): the race to the proxy, TLS with it, the tunnel, then the target",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    await using echo = echoServer();
    const events: ConnectEvent[] = [];
    const proxy = `https://localhost:${squid.tlsPort}`;
    // "localhost" may resolve to ::1 too, where squid does not listen: the
    // race to the proxy's addresses reaches 127.0.0.1.
    const conn = await connect({
      hostname: "127.0.0.1",
      port: echo.port,
      proxy: { url: proxy, caCerts: [TEST_CA] },
      onEvent: (event) => events.push(event),
      signal: AbortSignal.timeout(10_000),
    });
    try {
      assertEquals(await roundTrip(conn), "ping");
      assertEquals(conn.remoteAddr.port, squid.tlsPort);
      // As through any proxy: a TCP connection's interface, no handshake().
      assertEquals("handshake" in conn, false);
      conn.setNoDelay(true);
      conn.setKeepAlive(true);
    } finally {
      conn.close();
    }
    const after = events.slice(
      events.findIndex((event) => event.type === "attemptWon"),
    );
    assertEquals(after.map(describe), [
      "attemptWon",
      `tlsStarted localhost (proxy ${proxy})`,
      `tlsSucceeded localhost (proxy ${proxy})`,
      "proxyRequested",
      "proxyOpened",
    ]);
  },
});

Deno.test({
  name:
    "https:// proxy (squid): the target's TLS runs inside the proxy's, with its own roots and ALPN",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    await using server = tlsServer();
    const events: string[] = [];
    const tls = await connect({
      hostname: "127.0.0.1",
      port: server.port,
      proxy: {
        protocol: "https",
        hostname: "127.0.0.1",
        port: squid.tlsPort!,
        caCerts: [TEST_CA],
      },
      tls: {
        serverName: "tls.test",
        caCerts: [TEST_CA],
        alpnProtocols: ["h2"],
      },
      onEvent: (event) => events.push(describe(event)),
      signal: AbortSignal.timeout(10_000),
    });
    assertEquals((await tls.handshake()).alpnProtocol, "h2");
    await closeTls(tls, { timeout: 1_000 });
    const shown = `https://127.0.0.1:${squid.tlsPort}`;
    assertEquals(events.slice(-6), [
      `tlsStarted 127.0.0.1 (proxy ${shown})`,
      `tlsSucceeded 127.0.0.1 (proxy ${shown})`,
      "proxyRequested",
      "proxyOpened",
      "tlsStarted tls.test",
      "tlsSucceeded tls.test",
    ]);
  },
});

Deno.test({
  name:
    "https:// proxy (squid): basic authentication inside TLS, accepted and refused (407)",
  ...needs("squid", "openssl"),
  async fn() {
    await using squid = await startSquid(true);
    await using echo = echoServer();
    const { username, password } = SQUID_USER;
    const proxy = `https://${encodeURIComponent(username)}:${
      encodeURIComponent(password)
    }@127.0.0.1:${squid.tlsPort}`;
    const conn = await connect({
      hostname: "127.0.0.1",
      port: echo.port,
      proxy: { url: proxy, caCerts: [TEST_CA] },
      signal: AbortSignal.timeout(10_000),
    });
    try {
      assertEquals(await roundTrip(conn), "ping");
    } finally {
      conn.close();
    }
    const events: string[] = [];
    const error = await assertRejects(
      () =>
        connect({
          hostname: "127.0.0.1",
          port: echo.port,
          proxy: {
            url: `https://${username}:wrong@127.0.0.1:${squid.tlsPort}`,
            caCerts: [TEST_CA],
          },
          onEvent: (event) => events.push(JSON.stringify(event)),
          signal: AbortSignal.timeout(10_000),
        }),
      Deno.errors.ConnectionRefused,
      `Cannot connect as proxy https://***@127.0.0.1:${squid.tlsPort} refused the credentials for the tunnel to 127.0.0.1:${echo.port}: 407 `,
    );
    assertEquals(error.message.includes("wrong"), false);
    assertEquals(events.join("\n").includes("wrong"), false);
  },
});

Deno.test({
  name:
    "https:// proxy (squid): a certificate from an unknown issuer names the proxy, nothing left open",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    const events: string[] = [];
    const error = await assertRejects(
      () =>
        connect({
          hostname: "127.0.0.1",
          port: 9,
          // The target's roots are not the proxy's: caCerts for the proxy
          // are left out.
          proxy: `https://127.0.0.1:${squid.tlsPort}`,
          tls: { caCerts: [TEST_CA] },
          onEvent: (event) => events.push(describe(event)),
          signal: AbortSignal.timeout(10_000),
        }),
      Deno.errors.InvalidData,
      `Cannot connect through proxy https://127.0.0.1:${squid.tlsPort}: TLS handshake with 127.0.0.1:${squid.tlsPort} (server name "127.0.0.1") failed`,
    );
    assertStringIncludes(error.message, "UnknownIssuer");
    assertEquals(events.slice(-2), [
      `tlsStarted 127.0.0.1 (proxy https://127.0.0.1:${squid.tlsPort})`,
      `tlsFailed 127.0.0.1 (proxy https://127.0.0.1:${squid.tlsPort})`,
    ]);
  },
});

Deno.test({
  name:
    "https:// proxy (squid): its certificate is verified as any server's: DENO_CERT is trusted",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    await using echo = echoServer();
    const ca = decodeURIComponent(
      new URL("../testdata/ca.pem", import.meta.url).pathname,
    );
    const [result] = await runWithPermissions(
      ["--allow-net=127.0.0.1", "--allow-env"],
      `const conn = await connect({
        hostname: "127.0.0.1",
        port: ${echo.port},
        proxy: "https://127.0.0.1:${squid.tlsPort}",
        signal: AbortSignal.timeout(10_000),
      });
      console.log(JSON.stringify(conn.remoteAddr.port));
      conn.close();`,
      [],
      ["env", `DENO_CERT=${ca}`],
    );
    assertEquals(result, squid.tlsPort);
  },
});

Deno.test({
  name:
    "https:// proxy (squid): plain http:// to its TLS port fails, the error naming the hop",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid();
    const error = await assertRejects(() =>
      connect({
        hostname: "127.0.0.1",
        port: 9,
        proxy: { url: `http://127.0.0.1:${squid.tlsPort}`, timeout: 5_000 },
      })
    );
    // Reset, garbage or end of stream, as the proxy's TLS stack answers:
    // whichever, the message names the proxy.
    assertStringIncludes(
      (error as Error).message,
      `proxy http://127.0.0.1:${squid.tlsPort}`,
    );
  },
});

Deno.test("https:// proxy: one that never does TLS fails after proxy.timeout, named", async () => {
  // It accepts, and says nothing: the handshake waits.
  await using silent = acceptingServer();
  const error = await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: 9,
        proxy: { url: `https://127.0.0.1:${silent.port}`, timeout: 200 },
      }),
    DOMException,
    `Cannot connect through proxy https://127.0.0.1:${silent.port}: TLS handshake with 127.0.0.1:${silent.port} (server name "127.0.0.1") timed out after 200 ms`,
  );
  assertEquals(error.name, "TimeoutError");
});

Deno.test("https:// proxy: an abort during TLS with the proxy rejects with its reason", async () => {
  await using silent = acceptingServer();
  const controller = new AbortController();
  const reason = new Error("given up");
  const events: string[] = [];
  const error = await assertRejects(() =>
    connect({
      hostname: "127.0.0.1",
      port: 9,
      proxy: `https://127.0.0.1:${silent.port}`,
      onEvent: (event) => {
        events.push(event.type);
        if (event.type === "tlsStarted") {
          setTimeout(() => controller.abort(reason), 50);
        }
      },
      signal: controller.signal,
    })
  );
  assert(error === reason);
  assertEquals(events.at(-1), "tlsFailed");
});

Deno.test("https:// proxy: the option is checked before any traffic", () => {
  const target = { hostname: "db.test", port: 5432 };
  const plan = checkOptions({
    ...target,
    proxy: { url: "https://u:p@proxy.test", caCerts: [TEST_CA] },
  });
  assertEquals(plan.hostname, "proxy.test");
  assertEquals(plan.port, 443);
  assertEquals(plan.proxy?.shown, "https://***@proxy.test:443");
  assertEquals(plan.proxy?.tls?.serverName, "proxy.test");
  assertEquals(plan.proxy?.tls?.caCerts, [TEST_CA]);
  assertThrows(
    () =>
      checkOptions({
        ...target,
        proxy: { url: "http://proxy.test:3128", caCerts: [TEST_CA] },
      }),
    TypeError,
    "'proxy.caCerts' must be left out but for an https:// proxy",
  );
  assertThrows(
    () =>
      checkOptions({
        ...target,
        proxy: { url: "https://proxy.test", hostname: "other.test" },
      } as never),
    TypeError,
    "'proxy.hostname' must be left out with 'proxy.url'",
  );
  assertThrows(
    () =>
      checkOptions({
        ...target,
        proxy: { url: "https://proxy.test", cacerts: [TEST_CA] },
      } as never),
    TypeError,
    "'proxy.cacerts' (did you mean 'proxy.caCerts'?)",
  );
  assertThrows(
    () =>
      checkOptions({
        ...target,
        proxy: { url: "https://proxy.test", caCerts: ["not a certificate"] },
      }),
    TypeError,
    "proxy.caCerts[0]",
  );
});
