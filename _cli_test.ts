// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  type CliIo,
  parseCliArgs,
  parseLocalAddr,
  runCli,
  USAGE,
  UsageError,
} from "./_cli.ts";
import { acceptingServer, blackhole } from "./_testing/net.ts";

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

Deno.test("parseCliArgs() fills in the defaults", () => {
  assertEquals(parseCliArgs(["example.test", "443"]), {
    hostname: "example.test",
    port: 443,
    delay: 250,
    interleave: 1,
    family: undefined,
    localAddr: undefined,
    timeout: undefined,
    allErrors: false,
    json: false,
    tls: undefined,
  });
});

Deno.test("parseCliArgs() reads every option", () => {
  assertEquals(
    parseCliArgs([
      "--tls",
      "--server-name",
      "name.test",
      "--ca",
      "a.pem",
      "--ca=b.pem",
      "--alpn",
      "h2",
      "--alpn",
      "http/1.1",
      "--delay",
      "100.5",
      "--interleave",
      "2",
      "-6",
      "--local-addr",
      "[::1]:5000",
      "--timeout",
      "3000",
      "--all-errors",
      "--json",
      "[::1]",
      "8443",
    ]),
    {
      hostname: "[::1]",
      port: 8443,
      delay: 100.5,
      interleave: 2,
      family: 6,
      localAddr: { hostname: "::1", port: 5000 },
      timeout: 3000,
      allErrors: true,
      json: true,
      tls: {
        serverName: "name.test",
        caFiles: ["a.pem", "b.pem"],
        alpnProtocols: ["h2", "http/1.1"],
      },
    },
  );
  assertEquals(
    (parseCliArgs(["h", "1", "-4"]) as { family: number }).family,
    4,
  );
  assertEquals(parseCliArgs(["h", "1", "--help"]), "help");
  assertEquals(parseCliArgs(["-h"]), "help");
});

Deno.test("parseCliArgs() takes Infinity and 0 as delays", () => {
  for (const text of ["Infinity", "inf", "INF"]) {
    const args = parseCliArgs(["h", "1", "--delay", text]);
    assertEquals(args !== "help" && args.delay, Infinity);
  }
  const args = parseCliArgs(["h", "1", "--delay", "0"]);
  assertEquals(args !== "help" && args.delay, 0);
});

Deno.test("parseLocalAddr() reads host, port and bracketed IPv6", () => {
  const cases: [string, { hostname: string; port: number }][] = [
    ["127.0.0.5", { hostname: "127.0.0.5", port: 0 }],
    ["127.0.0.5:5000", { hostname: "127.0.0.5", port: 5000 }],
    ["localhost:0", { hostname: "localhost", port: 0 }],
    ["::1", { hostname: "::1", port: 0 }],
    ["fe80::1", { hostname: "fe80::1", port: 0 }],
    ["[::1]", { hostname: "::1", port: 0 }],
    ["[::1]:5000", { hostname: "::1", port: 5000 }],
  ];
  for (const [text, expected] of cases) {
    assertEquals(parseLocalAddr(text), expected, text);
  }
  for (const text of ["", ":80", "[::1]:", "[::1]:x", "h:65536", "[]:1"]) {
    assertThrows(() => parseLocalAddr(text), UsageError, "'--local-addr'");
  }
});

Deno.test("parseCliArgs() rejects bad command lines with a clear message", () => {
  const cases: [string[], string][] = [
    [[], "HOST and PORT must be given"],
    [["h"], "HOST and PORT must be given"],
    [["h", "1", "extra"], 'current value is "h" "1" "extra"'],
    [["h", "0"], "PORT must be an integer from 1 to 65535"],
    [["h", "65536"], "PORT must be"],
    [["h", "http"], "PORT must be"],
    [["h", "1", "--nope"], "Unknown option '--nope'"],
    [["h", "1", "--delay"], "Option '--delay <value>' argument missing"],
    [["h", "1", "--json=yes"], "'--json' does not take an argument"],
    [["h", "1", "--delay", "-5"], "use '--delay=-XYZ'"],
    [["h", "1", "--delay=-5"], "'--delay' must be a non-negative number"],
    [["h", "1", "--delay", "soon"], "'--delay' must be"],
    [["h", "1", "--interleave", "1.5"], "'--interleave' must be"],
    [["h", "1", "--timeout", "0"], "'--timeout' must be a number"],
    [["h", "1", "--timeout", "1e99"], "'--timeout' must be"],
    [["h", "1", "-4", "-6"], "'-4' and '-6' must not be combined"],
    [["h", "1", "--alpn", "h2"], "--alpn must come with --tls"],
    [
      ["h", "1", "--server-name", "x", "--ca", "f"],
      "--server-name, --ca must come with --tls",
    ],
    [["h", "1", "--tls", "--alpn", ""], "'--alpn' must be a protocol name"],
    [["h", "1", "--tls", "--server-name="], "'--server-name' must be"],
    [["h", "1", "--local-addr", "[::1]:99999"], "'--local-addr' must be"],
  ];
  for (const [args, message] of cases) {
    const error = assertThrows(() => parseCliArgs(args), UsageError);
    assertStringIncludes(error.message, message, args.join(" "));
    assert(error.message.startsWith("Cannot parse the command line"));
  }
});

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
