// Copyright 2026 the happy-eyeballs authors. MIT license.
// The spans and metrics of connect(), upgradeTls() and closeTls(), with
// @opentelemetry/sdk-trace-base's tracer (see _testing/telemetry.ts).
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { assert, assertEquals, assertRejects } from "@std/assert";
import { connect } from "../connect.ts";
import { closeTls, upgradeTls } from "../tls.ts";
import type { Dialer } from "../types.ts";
import { ConnectHistory } from "../history.ts";
import {
  attribute,
  errorType,
  loadTelemetry,
  telemetry,
} from "../_common/telemetry.ts";
import {
  acceptingServer,
  readTestdata,
  refusedPort,
  TEST_CA,
} from "../_testing/net.ts";
import { connectTo, echoServer } from "../_testing/tls.ts";
import { createConnection } from "../node/mod.ts";
import { once } from "node:events";
import { byName, parentOf, withTelemetry } from "../_testing/telemetry.ts";
import { needs } from "../_testing/needs.ts";
import { SQUID_USER, startSquid } from "../_testing/servers.ts";

/** A dial hook: `::1` never answers (until aborted), the rest dial. */
const blackholedIpv6: Dialer = (address, { signal }) => {
  const { hostname, port } = address;
  if (hostname !== "::1") return Deno.connect({ hostname, port });
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason), {
      once: true,
    });
  });
};

Deno.test("connect() is traced past a blackholed ::1: call, resolution, two attempts", async () => {
  await withTelemetry(async (spans, recorded) => {
    await using server = acceptingServer();
    using conn = await connect({
      hostname: "example.test",
      port: server.port,
      resolver: () => ["::1", "127.0.0.1"],
      dial: blackholedIpv6,
      happyEyeballsDelay: 20,
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");

    const [call, ...more] = byName(spans(), "connect");
    assert(call && more.length === 0);
    assertEquals(call.kind, SpanKind.CLIENT);
    const { version } = JSON.parse(
      await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
    );
    const { name, version: used } = call.instrumentationScope;
    assertEquals([name, used], ["@happy-eyeballs/connect", version]);
    assertEquals(call.status.code, SpanStatusCode.OK);
    assertEquals(call.attributes, {
      "server.address": "example.test",
      "server.port": server.port,
      "network.transport": "tcp",
      "network.peer.address": "127.0.0.1",
      "network.peer.port": server.port,
      "network.type": "ipv4",
    });
    const id = call.spanContext().spanId;

    const [resolve] = byName(spans(), "resolve");
    assert(resolve);
    assertEquals(parentOf(resolve), id);
    assertEquals(resolve.attributes, {
      "dns.question.name": "example.test",
      "happy_eyeballs.addresses.ipv6": 1,
      "happy_eyeballs.addresses.ipv4": 1,
      "happy_eyeballs.resolver": "resolver",
    });

    const attempts = byName(spans(), "connect attempt")
      .sort((a, b) =>
        Number(a.attributes["happy_eyeballs.attempt.index"]) -
        Number(b.attributes["happy_eyeballs.attempt.index"])
      );
    assertEquals(
      attempts.map((span) => [
        span.attributes["network.peer.address"],
        span.attributes["network.type"],
        span.attributes["happy_eyeballs.attempt.outcome"],
        parentOf(span) === id,
      ]),
      [["::1", "ipv6", "cancelled", true], [
        "127.0.0.1",
        "ipv4",
        "won",
        true,
      ]],
    );
    // Times: the second attempt started after the first, by the delay.
    const ms = ([s, ns]: [number, number]) => s * 1e3 + ns / 1e6;
    const [first, second] = attempts as [ReadableSpan, ReadableSpan];
    // Within 2 ms: spans that end in the same tick are not ordered by the
    // SDK's clock to the microsecond (CI once saw the winner's attempt end
    // "after" the call, which it ends).
    const SLACK = 2;
    assert(ms(second.startTime) - ms(first.startTime) >= 15 - SLACK);
    assert(ms(first.startTime) >= ms(call.startTime) - SLACK);
    assert(ms(second.endTime) <= ms(call.endTime) + SLACK);

    const names = recorded.map(([name]) => name);
    assertEquals(names.filter((n) => n.endsWith("duration")).length, 1);
    const [, seconds, attributes] = recorded.find(([name]) =>
      name === "happy_eyeballs.connect.duration"
    )!;
    assert(seconds > 0 && seconds < 5);
    // Never the peer address in a metric.
    assertEquals(attributes, {
      "server.address": "example.test",
      "server.port": server.port,
      "network.transport": "tcp",
    });
    assertEquals(
      recorded.filter(([name]) => name === "happy_eyeballs.connect.attempts")
        .map(([, value, attributes]) => [value, attributes]),
      [[1, {
        "network.type": "ipv4",
        "happy_eyeballs.attempt.outcome": "won",
      }], [1, {
        "network.type": "ipv6",
        "happy_eyeballs.attempt.outcome": "cancelled",
      }]],
    );
    assertEquals(
      recorded.find(([name]) => name === "happy_eyeballs.connect.wins"),
      ["happy_eyeballs.connect.wins", 1, {
        "network.type": "ipv4",
        "happy_eyeballs.first_family": false,
      }],
    );
  });
});

Deno.test("connect() traced: a failure has error.type and an error status", async () => {
  await withTelemetry(async (spans, recorded) => {
    const port = refusedPort();
    await assertRejects(
      () => connect({ hostname: "127.0.0.1", port }),
      Deno.errors.ConnectionRefused,
    );
    const [call] = byName(spans(), "connect");
    assertEquals(call?.status, {
      code: SpanStatusCode.ERROR,
      message: "ConnectionRefused",
    });
    assertEquals(call?.attributes["error.type"], "ConnectionRefused");
    // An IP literal: nothing to resolve, no resolution span.
    assertEquals(byName(spans(), "resolve"), []);
    const [attempt] = byName(spans(), "connect attempt");
    assertEquals(
      attempt?.attributes["happy_eyeballs.attempt.outcome"],
      "failed",
    );
    assertEquals(attempt?.attributes["error.type"], "ConnectionRefused");
    const duration = recorded.find(([name]) => name.endsWith("duration"));
    assertEquals(duration?.[2]?.["error.type"], "ConnectionRefused");
  });
});

Deno.test("connect() traced: an attempt that times out (attemptTimeout)", async () => {
  await withTelemetry(async (spans, recorded) => {
    await assertRejects(
      () =>
        connect({
          hostname: "::1",
          port: 1,
          dial: blackholedIpv6,
          attemptTimeout: 20,
        }),
      Deno.errors.TimedOut,
    );
    const [attempt] = byName(spans(), "connect attempt");
    assertEquals(
      attempt?.attributes["happy_eyeballs.attempt.outcome"],
      "timed_out",
    );
    assertEquals(attempt?.attributes["error.type"], "TimedOut");
    assertEquals(
      recorded.find(([name]) => name === "happy_eyeballs.connect.attempts")
        ?.[2],
      {
        "network.type": "ipv6",
        "happy_eyeballs.attempt.outcome": "timed_out",
        "error.type": "TimedOut",
      },
    );
  });
});

Deno.test("connect() traced: a history's remembered addresses are said so, and counted", async () => {
  await withTelemetry(async (spans, recorded) => {
    await using server = acceptingServer();
    const history = new ConnectHistory();
    const options = {
      hostname: "example.test",
      port: server.port,
      resolver: () => ["127.0.0.1"],
      history,
    };
    (await connect(options)).close();
    (await connect(options)).close();
    assertEquals(
      byName(spans(), "resolve").map((span) =>
        span.attributes["happy_eyeballs.resolver"]
      ),
      ["resolver", "history"],
    );
    assertEquals(
      recorded.filter(([name]) => name === "happy_eyeballs.history.hits"),
      [["happy_eyeballs.history.hits", 1, undefined]],
    );
  });
});

Deno.test("connect() traced: a look-up that fails ends the resolution span failed", async () => {
  await withTelemetry(async (spans) => {
    await assertRejects(() =>
      connect({
        hostname: "example.test",
        port: 80,
        resolver: () => {
          throw new Deno.errors.NotFound("no such name");
        },
      })
    );
    const [resolve] = byName(spans(), "resolve");
    assertEquals(resolve?.status.code, SpanStatusCode.ERROR);
    assertEquals(byName(spans(), "connect attempt"), []);
  });
});

Deno.test("connect() traced: TLS handshake span, with server name and ALPN", async () => {
  await withTelemetry(async (spans) => {
    await using server = echoServer({
      cert: readTestdata("server.pem"),
      key: readTestdata("server.key"),
      alpnProtocols: ["h2"],
    });
    const conn = await connect({
      hostname: "127.0.0.1",
      port: server.port,
      tls: {
        serverName: "tls.test",
        caCerts: [TEST_CA],
        alpnProtocols: ["h2"],
      },
    });
    assertEquals(await closeTls(conn, { timeout: 5_000 }), "closeNotify");
    const [call] = byName(spans(), "connect");
    const [attempt] = byName(spans(), "connect attempt");
    const [tls] = byName(spans(), "tls handshake");
    // The handshake runs inside the race: a phase of its attempt.
    assertEquals(parentOf(attempt!), call?.spanContext().spanId);
    assertEquals(parentOf(tls!), attempt?.spanContext().spanId);
    assertEquals(tls?.attributes["tls.client.server_name"], "tls.test");
    assertEquals(tls?.attributes["tls.next_protocol"], "h2");
    assertEquals(tls?.attributes["tls.established"], true);
    const [shutdown] = byName(spans(), "tls shutdown");
    assertEquals(
      shutdown?.attributes["happy_eyeballs.tls.close"],
      "closeNotify",
    );
  });
});

Deno.test({
  name:
    "connect() traced through an https:// proxy: the tunnel, both handshakes, no credentials",
  ...needs("squid", "openssl"),
  async fn() {
    await withTelemetry(async (spans) => {
      await using squid = await startSquid(true);
      await using server = echoServer({
        cert: readTestdata("server.pem"),
        key: readTestdata("server.key"),
      });
      const { username, password } = SQUID_USER;
      const conn = await connect({
        hostname: "127.0.0.1",
        port: server.port,
        proxy: {
          protocol: "https",
          hostname: "localhost",
          port: squid.tlsPort!,
          username,
          password,
          caCerts: [TEST_CA],
        },
        tls: { serverName: "tls.test", caCerts: [TEST_CA] },
        family: 4,
      });
      await closeTls(conn, { timeout: 5_000 });
      const [call] = byName(spans(), "connect");
      // The server is the target; the peer, the proxy.
      assertEquals(call?.attributes["server.port"], server.port);
      assertEquals(call?.attributes["network.peer.port"], squid.tlsPort);
      const [tunnel] = byName(spans(), "proxy tunnel");
      assertEquals(parentOf(tunnel!), call?.spanContext().spanId);
      assertEquals(
        tunnel?.attributes["happy_eyeballs.proxy"],
        `https://***@localhost:${squid.tlsPort}`,
      );
      assertEquals(
        tunnel?.attributes["happy_eyeballs.proxy.target"],
        `127.0.0.1:${server.port}`,
      );
      const names = byName(spans(), "tls handshake").map((span) =>
        span.attributes["tls.client.server_name"]
      );
      assertEquals(names, ["localhost", "tls.test"]);
      const all = JSON.stringify(spans().map((span) => span.attributes));
      assertEquals(all.includes(password), false);
      assertEquals(all.includes(username), false);
    });
  },
});

Deno.test("upgradeTls() traced: a failed handshake", async () => {
  await withTelemetry(async (spans) => {
    await using server = echoServer({
      cert: readTestdata("server.pem"),
      key: readTestdata("server.key"),
    });
    const tcp = await connectTo(server);
    // The default trust store does not know the test CA.
    await assertRejects(() => upgradeTls(tcp, { serverName: "tls.test" }));
    const [tls] = byName(spans(), "tls handshake");
    assertEquals(tls?.status.code, SpanStatusCode.ERROR);
    assertEquals(tls?.attributes["tls.established"], false);
    assertEquals(tls?.attributes["network.peer.address"], "127.0.0.1");
  });
});

Deno.test("createConnection() of ./node is traced as connect() is", async () => {
  await withTelemetry(async (spans) => {
    const port = refusedPort();
    const socket = createConnection({ hostname: "127.0.0.1", port });
    const closed = new Promise((resolve) => socket.once("close", resolve));
    await once(socket, "error");
    await closed;
    const [call] = byName(spans(), "connect");
    assertEquals(call?.attributes["error.type"], "ConnectionRefused");
    assertEquals(byName(spans(), "connect attempt").length, 1);
  });
});

Deno.test("telemetry() is undefined without a provider", async () => {
  await loadTelemetry();
  assertEquals(telemetry(), undefined);
  await using server = acceptingServer();
  using _ = await connect({ hostname: "127.0.0.1", port: server.port });
  assertEquals(telemetry(), undefined);
});

Deno.test("attributes: control characters made visible, error types only names", () => {
  assertEquals(attribute("h2\x1b[31m\u202e"), "h2\\x1b[31m\\u202e");
  assertEquals(attribute("a".repeat(300)).length, 256);
  assertEquals(
    errorType(new Deno.errors.ConnectionRefused("x")),
    "ConnectionRefused",
  );
  assertEquals(
    errorType(new DOMException("x", "TimeoutError")),
    "TimeoutError",
  );
  const odd = new Error("x");
  odd.name = "a\nb";
  assertEquals(errorType(odd), "_OTHER");
  assertEquals(errorType("a string"), "_OTHER");
});
