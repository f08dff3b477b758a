// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { type CliIo, runCli } from "./_run.ts";
import { acceptingServer } from "../_testing/net.ts";
import { byName, parentOf, withTelemetry } from "../_testing/telemetry.ts";

/** An io that keeps what is written. */
function recorder() {
  const written = { out: "", err: "" };
  const io: CliIo = {
    write: (text) => void (written.out += text),
    writeError: (text) => void (written.err += text),
    color: false,
    colorError: false,
    live: false,
  };
  return { io, written };
}

Deno.test("--otel without a registered provider is a usage error, before any traffic", async () => {
  const { io, written } = recorder();
  assertEquals(await runCli(["127.0.0.1", "1", "--otel"], io), { code: 2 });
  assertEquals(written.out, "");
  assertStringIncludes(
    written.err,
    "error: Cannot send the trace as '--otel' needs Deno's telemetry",
  );
  assertStringIncludes(written.err, "OTEL_DENO=true");
});

Deno.test("--otel: every connection of the run in one trace, its id on stderr", async () => {
  await withTelemetry(async (spans) => {
    await using server = acceptingServer();
    const { io, written } = recorder();
    const args = ["127.0.0.1", `${server.port}`, "--otel", "--repeat", "2"];
    assertEquals((await runCli(args, io)).code, 0);
    const [root] = byName(spans(), "happy-eyeballs cli");
    const calls = byName(spans(), "connect");
    assertEquals(calls.length, 2);
    for (const call of calls) {
      assertEquals(parentOf(call), root?.spanContext().spanId);
    }
    assertEquals(root?.attributes["process.exit.code"], 0);
    const traceId = root?.spanContext().traceId;
    assertMatch(traceId!, /^[0-9a-f]{32}$/);
    assertEquals(written.err, `trace: ${traceId}\n`);
  });
});
