// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type CliIo, runCli } from "./_run.ts";
import { USAGE } from "./_usage.ts";
import { acceptingServer, blackhole } from "../_testing/net.ts";

/** An io that keeps what is written. */
function recorder(live = false, columns?: number) {
  const written = { out: "", err: "" };
  const io: CliIo = {
    write: (text) => void (written.out += text),
    writeError: (text) => void (written.err += text),
    color: false,
    colorError: false,
    live,
    columns,
  };
  return { io, written };
}

Deno.test("runCli() prints usage for --help, and usage on stderr for bad flags", async () => {
  const help = recorder();
  assertEquals(await runCli(["--help"], help.io), { code: 0 });
  assertEquals(help.written, { out: USAGE, err: "" });

  const bad = recorder();
  assertEquals(await runCli(["h", "1", "--nope"], bad.io), { code: 2 });
  assertEquals(bad.written.out, "");
  assertStringIncludes(bad.written.err, "error: Cannot parse the command line");
  assertStringIncludes(bad.written.err, USAGE);
});

Deno.test("runCli() turns options that connect() refuses into a usage error", async () => {
  const { io, written } = recorder();
  assertEquals((await runCli(["a b", "80"], io)).code, 2);
  assertEquals(written.out, "");
  assertStringIncludes(
    written.err,
    "error: Cannot connect as 'hostname' must be",
  );
  assertStringIncludes(written.err, "Usage:");
});

Deno.test("runCli() says which --ca file it cannot read", async () => {
  const { io, written } = recorder();
  const outcome = await runCli(
    ["h.test", "443", "--tls", "--ca", "/nonexistent/ca.pem"],
    io,
  );
  assertEquals(outcome.code, 2);
  assertStringIncludes(
    written.err,
    `Cannot read the file of '--ca' "/nonexistent/ca.pem"`,
  );
});

Deno.test("runCli() shows a race through a resolver, and reports it", async () => {
  // Nothing listens on 127.0.0.2 at the server's port: refused.
  await using server = acceptingServer("127.0.0.1");
  const { io, written } = recorder();
  const outcome = await runCli(
    ["race.test", String(server.port), "--interleave", "0"],
    io,
    { resolver: () => ["127.0.0.2", "127.0.0.1"] },
  );
  assertEquals(outcome.code, 0);
  assertEquals(written.err, "");
  const lines = written.out.trimEnd().split("\n");
  assertStringIncludes(lines[0]!, `Connecting to race.test:${server.port}`);
  assertStringIncludes(written.out, "#1 127.0.0.2:");
  assertStringIncludes(written.out, "refused after");
  assertStringIncludes(written.out, "started at once, as #1 failed");
  assertStringIncludes(
    lines.at(-1)!,
    `Connected to 127.0.0.1:${server.port} (#2 of 2)`,
  );
  const report = outcome.report!;
  assertEquals(report.attempts.map((a) => a.outcome), ["failed", "won"]);
  assertEquals(report.attempts[0]!.error?.kind, "refused");
  assertEquals(report.connected?.index, 1);
});

Deno.test("runCli() shows that it is still waiting, on a terminal, and stops on timeout", async () => {
  await using hole = await blackhole("127.0.0.1");
  const { io, written } = recorder(true, 30);
  const outcome = await runCli(
    [hole.hostname, String(hole.port), "--timeout", "2500"],
    io,
  );
  assertEquals(outcome.code, 1);
  // The waiting line, cut to the terminal's width, erased before each line.
  const shown = written.out.split("\r\x1b[2K").slice(1)
    .map((part) => part.split("\n")[0]!)
    .filter((line) => line.startsWith("…"));
  assert(shown.length > 0);
  assert(shown.every((line) => line.length < 30), shown.join("|"));
  assertEquals(shown[0], "… still waiting for #1 127.0…");
  assertStringIncludes(
    written.out,
    `timeout: gave up after 2500 ms (--timeout), with #1 127.0.0.1:${hole.port} still pending`,
  );
  assertStringIncludes(written.out, "abandoned after");
  assertStringIncludes(written.out, "Timed out after");
  assertStringIncludes(written.err, "error: ");
  assertEquals(outcome.report?.stopped?.reason, "timeout");
  assertEquals(outcome.report?.stopped?.pending, [0]);
  assertEquals(outcome.report?.attempts[0]?.outcome, "abandoned");
});

Deno.test("runCli() with --json writes one JSON object and nothing else", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { io, written } = recorder(true);
  const outcome = await runCli(
    ["127.0.0.1", String(server.port), "--json"],
    io,
  );
  assertEquals(outcome.code, 0);
  assertEquals(written.err, "");
  assertEquals(JSON.parse(written.out), outcome.report);
  assertEquals(outcome.report?.connected?.address, `127.0.0.1:${server.port}`);
});
