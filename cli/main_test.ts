// Copyright 2026 the happy-eyeballs authors. MIT license.
// End to end: cli.ts in a child process, on loopback only.
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import type { Report } from "./main.ts";
import {
  acceptingServer,
  blackhole,
  refusedPort,
  tlsServer,
} from "../_testing/net.ts";
import { denoArgs, ROOT, run, runOnTerminal } from "../_testing/command.ts";
import { needs } from "../_testing/needs.ts";

// deno-lint-ignore no-control-regex
const ANSI_COLOR_REGEXP = /\x1b\[(1|2|3\d)m/;

Deno.test("cli.ts connects and shows the timeline", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { code, stdout, stderr } = await run("cli/main.ts", [
    "127.0.0.1",
    String(server.port),
  ]);
  assertEquals(stderr, "");
  assertEquals(code, 0);
  const lines = stdout.trimEnd().split("\n");
  assertEquals(lines.length, 5);
  assertEquals(
    lines[0],
    `Connecting to 127.0.0.1:${server.port} (a new attempt every 250 ms, or at once when the latest fails)`,
  );
  assertMatch(lines[1]!, /^No look-up: 127\.0\.0\.1 is an IP address/);
  assertMatch(
    lines[2]!,
    new RegExp(`^ +\\+[\\d.]+ ms  #1 127\\.0\\.0\\.1:${server.port}  started$`),
  );
  assertMatch(lines[3]!, /connected in [\d.]+ ms: won$/);
  assertMatch(
    lines[4]!,
    new RegExp(
      `^Connected to 127\\.0\\.0\\.1:${server.port} \\(#1 of 1\\) from 127\\.0\\.0\\.1:\\d+ in [\\d.]+ ms$`,
    ),
  );
  assert(!ANSI_COLOR_REGEXP.test(stdout), "no colours when not on a terminal");
});

Deno.test("cli.ts --json prints one object with the same facts", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { code, stdout, stderr } = await run("cli/main.ts", [
    "127.0.0.1",
    String(server.port),
    "--json",
  ]);
  assertEquals([code, stderr], [0, ""]);
  const report: Report = JSON.parse(stdout);
  assertEquals(report.ok, true);
  assertEquals(report.host, "127.0.0.1");
  assertEquals(report.port, server.port);
  assertEquals(report.attempts.length, 1);
  assertEquals(report.attempts[0]!.outcome, "won");
  assertEquals(report.attempts[0]!.startedBecause, "first");
  assertEquals(report.connected?.address, `127.0.0.1:${server.port}`);
  assertEquals(report.error, null);
  assert(report.elapsed >= report.attempts[0]!.ended!);
});

Deno.test("cli.ts explains a refusal and exits 1", async () => {
  const port = refusedPort("127.0.0.1");
  const human = await run("cli/main.ts", ["127.0.0.1", String(port)]);
  assertEquals(human.code, 1);
  assertMatch(human.stdout, /#1 127\.0\.0\.1:\d+ {2}refused after [\d.]+ ms\n/);
  assertStringIncludes(
    human.stdout,
    `could not connect to 127.0.0.1:${port}\n  #1 127.0.0.1:${port}  refused after`,
  );
  assertStringIncludes(human.stdout, "nothing listens on that port there");
  assertStringIncludes(
    human.stderr,
    `error: Cannot connect to 127.0.0.1:${port}: Connection refused`,
  );

  const json = await run("cli/main.ts", ["127.0.0.1", String(port), "--json"]);
  assertEquals([json.code, json.stderr], [1, ""]);
  const report: Report = JSON.parse(json.stdout);
  assertEquals(report.ok, false);
  assertEquals(report.attempts[0]!.outcome, "failed");
  assertEquals(report.attempts[0]!.error?.kind, "refused");
  assertEquals(report.attempts[0]!.error?.code, "ECONNREFUSED");
  assertEquals(report.error?.name, "ConnectionRefused");
  assertEquals(report.error?.stage, "connect");
});

Deno.test("cli.ts --all-errors reports one error per attempt", async () => {
  const port = refusedPort("127.0.0.1");
  const { code, stdout } = await run("cli/main.ts", [
    "127.0.0.1",
    String(port),
    "--json",
    "--all-errors",
  ]);
  assertEquals(code, 1);
  const report: Report = JSON.parse(stdout);
  assertEquals(report.settings.allErrors, true);
  assertEquals(report.error?.name, "AggregateError");
  assertEquals(report.error?.errors.length, 1);
  assertEquals(report.error?.errors[0]?.name, "ConnectionRefused");
});

Deno.test("cli.ts --timeout says which attempt was still pending", async () => {
  await using hole = await blackhole("127.0.0.1");
  const where = `127.0.0.1:${hole.port}`;
  const human = await run("cli/main.ts", [
    hole.hostname,
    String(hole.port),
    "--timeout",
    "500",
  ]);
  assertEquals(human.code, 1);
  assertStringIncludes(
    human.stdout,
    `timeout: gave up after 500 ms (--timeout), with #1 ${where} still pending`,
  );
  assertStringIncludes(human.stdout, `#1 ${where}  abandoned after`);
  assertStringIncludes(human.stdout, "Timed out after");
  assertStringIncludes(human.stdout, "still no answer after");
  assert(!human.stdout.includes("still waiting"), "not a terminal");
  assertEquals(human.stderr, "error: timed out after 500 ms (--timeout)\n");

  const json = await run("cli/main.ts", [
    hole.hostname,
    String(hole.port),
    "--timeout",
    "500",
    "--json",
  ]);
  assertEquals(json.code, 1);
  const report: Report = JSON.parse(json.stdout);
  assertEquals(report.stopped?.reason, "timeout");
  assertEquals(report.stopped?.pending, [0]);
  assertEquals(report.attempts[0]!.outcome, "abandoned");
  assertEquals(report.error?.name, "TimeoutError");
  assertEquals(report.settings.timeout, 500);
});

Deno.test("cli.ts --attempt-timeout fails each attempt after so long, and exits 2 for a bad value", async () => {
  await using hole = await blackhole("127.0.0.1");
  const json = await run("cli/main.ts", [
    hole.hostname,
    String(hole.port),
    "--attempt-timeout",
    "300",
    "--timeout",
    "20000",
    "--json",
  ]);
  assertEquals(json.code, 1);
  const report: Report = JSON.parse(json.stdout);
  assertEquals(report.settings.attemptTimeout, 300);
  assertEquals(report.stopped, null);
  assertEquals(report.attempts.length, 1);
  assertEquals(report.error?.name, "TimedOut");
  assertStringIncludes(
    report.error!.message,
    "timed out after 300 ms ('attemptTimeout')",
  );
  const human = await run("cli/main.ts", [
    hole.hostname,
    String(hole.port),
    "--attempt-timeout",
    "300",
  ]);
  assertEquals(human.code, 1);
  assertStringIncludes(human.stdout, "each attempt at most 300 ms");
  // A bad value: exit 2 before any traffic.
  const bad = await run("cli/main.ts", [
    hole.hostname,
    String(hole.port),
    "--attempt-timeout",
    "0",
  ]);
  assertEquals([bad.code, bad.stdout], [2, ""]);
  assertStringIncludes(
    bad.stderr,
    "error: Cannot parse the command line as '--attempt-timeout' must be",
  );
});

Deno.test("cli.ts --local-addr binds the local address", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { code, stdout } = await run("cli/main.ts", [
    "127.0.0.1",
    String(server.port),
    "--local-addr",
    "127.0.0.5",
    "--json",
  ]);
  assertEquals(code, 0);
  const report: Report = JSON.parse(stdout);
  assertMatch(report.connected!.localAddress, /^127\.0\.0\.5:\d+$/);
  assertEquals(report.settings.localAddr, "127.0.0.5:0");
  for (let i = 0; i < 100 && server.peers.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assertEquals(server.peers[0]?.hostname, "127.0.0.5");
});

Deno.test("cli.ts rejects bad flags with usage on stderr and exit 2", async () => {
  const cases = [
    ["127.0.0.1"],
    ["127.0.0.1", "80", "--nope"],
    ["127.0.0.1", "80", "--delay", "soon"],
    ["127.0.0.1", "80", "-4", "-6"],
    ["127.0.0.1", "80", "--alpn", "h2"],
    ["127.0.0.1", "99999"],
    ["bad host", "80"],
  ];
  for (const args of cases) {
    const { code, stdout, stderr } = await run("cli/main.ts", args);
    assertEquals(code, 2, args.join(" "));
    assertEquals(stdout, "", args.join(" "));
    assertMatch(stderr, /^error: Cannot /, args.join(" "));
    assertStringIncludes(
      stderr,
      "\nUsage: deno run -A jsr:@happy-eyeballs/connect/cli HOST PORT [options]\n",
    );
  }
});

Deno.test("cli.ts --help prints usage and exits 0", async () => {
  const { code, stdout, stderr } = await run("cli/main.ts", ["--help"]);
  assertEquals([code, stderr], [0, ""]);
  assertStringIncludes(stdout, "Usage: ");
  for (
    const flag of [
      "--tls",
      "--server-name",
      "--ca",
      "--alpn",
      "--delay",
      "--interleave",
      "-4",
      "-6",
      "--local-addr",
      "--timeout",
      "--all-errors",
      "--json",
      "--help",
    ]
  ) {
    assertStringIncludes(stdout, flag);
  }
});

Deno.test({
  name: "cli.ts on a terminal: colours, and says it is still waiting",
  ...needs("script"),
  async fn() {
    await using hole = await blackhole("127.0.0.1");
    const args = [hole.hostname, String(hole.port), "--timeout", "2500"];
    const colored = await runOnTerminal("cli/main.ts", args);
    assertEquals(colored.code, 1, colored.stdout + colored.stderr);
    assertMatch(colored.stdout, ANSI_COLOR_REGEXP);
    assertStringIncludes(
      colored.stdout,
      `still waiting for #1 127.0.0.1:${hole.port} (  1.`,
    );
    assertStringIncludes(colored.stdout, " s (--timeout); Ctrl-C gives up");

    const plain = await runOnTerminal("cli/main.ts", args, { NO_COLOR: "1" });
    assertEquals(plain.code, 1, plain.stdout + plain.stderr);
    assert(!ANSI_COLOR_REGEXP.test(plain.stdout), "NO_COLOR is respected");
    assertStringIncludes(plain.stdout, "still waiting for #1");
  },
});

Deno.test("cli.ts on Ctrl-C gives up, shows what was pending, exits 130", async () => {
  await using hole = await blackhole("127.0.0.1");
  const child = new Deno.Command(Deno.execPath(), {
    args: denoArgs("cli/main.ts", [hole.hostname, String(hole.port)]),
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let stdout = "";
  let interrupted = false;
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    stdout += decoder.decode(chunk, { stream: true });
    if (!interrupted && stdout.includes(" started\n")) {
      interrupted = true;
      child.kill("SIGINT");
    }
  }
  const { code } = await child.status;
  assertEquals(code, 130);
  assertStringIncludes(
    stdout,
    `interrupted: gave up, with #1 127.0.0.1:${hole.port} still pending`,
  );
  assertStringIncludes(stdout, "Interrupted after");
  assertStringIncludes(stdout, "still no answer after");
  assertEquals(await stderr, "error: interrupted\n");
});

Deno.test("cli.ts --tls shows the handshake and its ALPN protocol", async () => {
  await using server = tlsServer("127.0.0.1");
  const args = [
    "127.0.0.1",
    String(server.port),
    "--tls",
    "--server-name",
    "tls.test",
    "--alpn",
    "h2",
  ];
  const ok = await run("cli/main.ts", [...args, "--ca", "testdata/ca.pem"]);
  assertEquals(ok.code, 0, ok.stderr);
  assertStringIncludes(ok.stdout, "TLS handshake done in");
  assertStringIncludes(ok.stdout, "h2");

  const json = await run("cli/main.ts", [
    ...args,
    "--ca",
    "testdata/ca.pem",
    "--json",
  ]);
  assertEquals(json.code, 0, json.stderr);
  const report: Report = JSON.parse(json.stdout);
  assertEquals(report.ok, true);
  assertEquals(report.tls?.ok, true);
  assertEquals(report.tls?.alpnProtocol, "h2");
  assertEquals(report.tls?.serverName, "tls.test");

  // Without the test CA, the certificate is from an unknown issuer.
  const failed = await run("cli/main.ts", args);
  assertEquals(failed.code, 1);
  assertStringIncludes(failed.stdout, "TLS handshake failed after");
});
