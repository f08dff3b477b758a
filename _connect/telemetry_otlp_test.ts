// Copyright 2026 the happy-eyeballs authors. MIT license.
// End to end, with Deno's built-in telemetry and its real OTLP exporter: a
// child `deno` with OTEL_DENO=true connects to a name whose ::1 is
// blackholed and whose 127.0.0.1 listens, inside a span of its own; the
// receiver gets the span tree and the metrics.
import { assert, assertEquals } from "@std/assert";
import { acceptingServer, blackhole } from "../_testing/net.ts";
import { needs } from "../_testing/needs.ts";
import { privateFile } from "../_testing/permissions.ts";
import { ROOT } from "../_testing/command.ts";
import { otlpReceiver, type ReceivedSpan } from "../_testing/otlp.ts";

const CHILD = `
import { trace } from "@opentelemetry/api";
import { connect } from ${JSON.stringify(import.meta.resolve("../connect.ts"))};
const port = Number(Deno.args[0]);
await trace.getTracer("e2e").startActiveSpan("request", async (span) => {
  const conn = await connect({ hostname: "eyeballs.test", port });
  console.log(conn.remoteAddr.hostname);
  conn.close();
  span.end();
});
`;

Deno.test({
  name:
    "OTEL_DENO=true: the spans and metrics of a race past a blackholed ::1 reach an OTLP collector",
  ...needs("unshare", "python3", "ipv6"),
  async fn() {
    await using receiver = otlpReceiver();
    await using hole = await blackhole("::1");
    await using _server = acceptingServer("127.0.0.1", hole.port);
    await using hosts = await privateFile(
      "/etc/hosts",
      "127.0.0.1 localhost\n::1 eyeballs.test\n127.0.0.1 eyeballs.test\n",
    );
    const [unshare, ...wrapper] = hosts.wrapper;
    const { code, stdout, stderr } = await new Deno.Command(unshare!, {
      args: [...wrapper, Deno.execPath(), "eval", CHILD, String(hole.port)],
      cwd: ROOT,
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "e2e",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    assertEquals(code, 0, decoder.decode(stderr));
    assertEquals(decoder.decode(stdout).trim(), "127.0.0.1");

    const spans = receiver.spans;
    const named = (name: string) => spans.filter((span) => span.name === name);
    const [request] = named("request");
    const [call, ...more] = named("connect");
    assert(
      request && call && more.length === 0,
      spans.map((span) => span.name).join(),
    );
    // A child of the span that was active when connect() was called.
    assertEquals(call.parentSpanId, request.spanId);
    assertEquals(call.traceId, request.traceId);
    assertEquals(call.scope, "@happy-eyeballs/connect");
    assertEquals(call.kind, 3); // SPAN_KIND_CLIENT
    assertEquals(call.status, 1); // STATUS_CODE_OK
    assertEquals(call.attributes["server.address"], "eyeballs.test");
    assertEquals(call.attributes["server.port"], hole.port);
    assertEquals(call.attributes["network.peer.address"], "127.0.0.1");

    const [resolve] = named("resolve");
    assertEquals(resolve?.parentSpanId, call.spanId);
    assertEquals(resolve?.attributes["happy_eyeballs.resolver"], "system");
    assertEquals(resolve?.attributes["happy_eyeballs.addresses.ipv6"], 1);
    assertEquals(resolve?.attributes["happy_eyeballs.addresses.ipv4"], 1);

    const attempts = named("connect attempt").sort((a, b) =>
      Number(a.start - b.start)
    );
    assertEquals(
      attempts.map((span) => [
        span.parentSpanId === call.spanId,
        span.attributes["network.peer.address"],
        span.attributes["network.type"],
        span.attributes["happy_eyeballs.attempt.outcome"],
      ]),
      [[true, "::1", "ipv6", "cancelled"], [true, "127.0.0.1", "ipv4", "won"]],
    );
    // Times consistent: in the call, in order, the second attempt about
    // 250 ms after the first (generous bounds: loopback on a busy machine).
    const [v6, v4] = attempts as [ReceivedSpan, ReceivedSpan];
    const ms = (ns: bigint) => Number(ns) / 1e6;
    // Within 2 ms, as in telemetry_test.ts: spans that end in the same
    // tick need not be ordered to the microsecond.
    const SLACK = 2_000_000n;
    assert(call.start <= resolve!.start + SLACK);
    assert(resolve!.end <= v6.start + SLACK);
    assert(v4.end <= call.end + SLACK && v6.end <= call.end + SLACK);
    const delay = ms(v4.start - v6.start);
    assert(delay >= 240 && delay < 2_000, `${delay} ms`);

    const points = receiver.points;
    const point = (name: string) => points.filter((p) => p.name === name);
    const [duration] = point("happy_eyeballs.connect.duration");
    assertEquals(duration?.unit, "s");
    assertEquals(duration?.value, 1);
    assertEquals(
      point("happy_eyeballs.connect.attempts")
        .map((p) => [p.attributes["network.type"], p.value, p.attributes])
        .sort().map(([, , attributes]) => attributes),
      [
        { "network.type": "ipv4", "happy_eyeballs.attempt.outcome": "won" },
        {
          "network.type": "ipv6",
          "happy_eyeballs.attempt.outcome": "cancelled",
        },
      ],
    );
    assertEquals(point("happy_eyeballs.connect.wins")[0]?.attributes, {
      "network.type": "ipv4",
      "happy_eyeballs.first_family": false,
    });
    // No metric carries a peer address.
    for (const { attributes } of points) {
      assert(!("network.peer.address" in attributes));
    }
  },
});

Deno.test("the command-line tool with --otel: one trace, its id on stderr", async () => {
  await using receiver = otlpReceiver();
  await using server = acceptingServer("127.0.0.1");
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "cli/main.ts",
      "127.0.0.1",
      String(server.port),
      "--otel",
      "--json",
    ],
    cwd: ROOT,
    env: {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(code, 0, decoder.decode(stderr));
  assertEquals(JSON.parse(decoder.decode(stdout)).ok, true);
  const traceId = decoder.decode(stderr).match(/^trace: ([0-9a-f]{32})$/m)?.[1];
  const [root] = receiver.spans.filter((span) =>
    span.name === "happy-eyeballs cli"
  );
  const [call] = receiver.spans.filter((span) => span.name === "connect");
  assertEquals(root?.traceId, traceId);
  assertEquals(call?.traceId, traceId);
  assertEquals(call?.parentSpanId, root?.spanId);
});
