// Copyright 2026 the happy-eyeballs authors. MIT license.
// End to end, in a real terminal: what cli.ts shows of a race with more than
// one address (a broken [::1] and a good 127.0.0.1 on the same port, named by
// a DNS responder on loopback): --dns, the waterfall, --repeat with one
// ConnectHistory, and the addresses --local-addr skips.
import { assert, assertEquals } from "@std/assert";
import type { RepeatReport, Report } from "./main.ts";
import { acceptingServer, type Blackhole, blackhole } from "../_testing/net.ts";
import { dnsServer } from "../_testing/dns.ts";
import { needs } from "../_testing/needs.ts";
import {
  lineTimes,
  masked,
  run,
  runOnTerminal,
  screen,
} from "../_testing/command.ts";
import { type CliIo, runCli } from "./_run.ts";
import type { Resolver } from "../types.ts";

/**
 * `broken.test`: AAAA [::1] (blackholed), A 127.0.0.1 (a server), on one
 * port. The AAAA answer comes 20 ms after the A answer, within the
 * Resolution Delay: both come in one batch, IPv6 first. `args` are the
 * command line that races to it by DNS; disposing it stops all three.
 */
async function brokenIpv6(
  aaaaDelay = 20,
  aDelay = 0,
): Promise<{ port: number; args: string[] } & AsyncDisposable> {
  for (let tries = 1;; tries++) {
    const server = acceptingServer("127.0.0.1");
    let hole: Blackhole | undefined;
    try {
      hole = await blackhole("::1", server.port);
      const dns = await dnsServer({
        "broken.test": {
          AAAA: { addresses: ["::1"], delay: aaaaDelay },
          A: { addresses: ["127.0.0.1"], delay: aDelay },
        },
      });
      const { ipAddr, port: dnsPort } = dns.nameServer;
      const stopped = [server, hole, dns];
      return {
        port: server.port,
        args: [
          "broken.test",
          String(server.port),
          "--dns",
          "--dns-server",
          `${ipAddr}:${dnsPort}`,
        ],
        async [Symbol.asyncDispose]() {
          for (const each of stopped) await each[Symbol.asyncDispose]();
        },
      };
    } catch (error) {
      // That port may be taken on [::1]: try another one.
      await hole?.[Symbol.asyncDispose]();
      await server[Symbol.asyncDispose]();
      if (tries === 5) throw error;
    }
  }
}

async function onTerminal(args: string[], port: number, columns = 100) {
  const ran = await runOnTerminal("cli/main.ts", args, { NO_COLOR: "1" }, {
    columns,
  });
  const lines = screen(ran.stdout);
  // Each connection's lines are in time order (--repeat starts the clock
  // again for each).
  const runs = lines.join("\n").split(/^Connection \d+ of \d+$/m);
  for (const run of runs) {
    const times = lineTimes(run.split("\n"));
    assertEquals(times, [...times].sort((a, b) => a - b), run);
  }
  return {
    code: ran.code,
    lines: masked(lines, [port]).map((line) =>
      line.replace(/▏[ █]+▏/, "▏BAR▏").replace(/(?<=^ +0 ms) +/, " ")
    ),
    bars: lines.flatMap((line) => /▏([ █]+)▏/.exec(line)?.[1] ?? []),
  };
}

Deno.test({
  name:
    "cli.ts --dns shows the answers as they come, and a waterfall on a wide terminal",
  ...needs("script"),
  async fn() {
    // AAAA at once, A 100 ms later: the race starts with [::1] alone.
    await using broken = await brokenIpv6(0, 100);
    const { args } = broken;
    const { code, lines, bars } = await onTerminal(args, broken.port);
    assertEquals(code, 0, lines.join("\n"));
    assertEquals(lines, [
      "Connecting to broken.test:PORT (a new attempt every 250 ms, or at once when the latest fails; resolved by DNS queries (AAAA and A, RFC 8305 §3))",
      "Resolved broken.test in T ms to 1 address:",
      "  #1 [::1]:PORT  IPv6",
      "+T  #1 [::1]:PORT  started",
      "+T  late answer: 1 more address: 127.0.0.1:PORT",
      "+T  #2 127.0.0.1:PORT  started, as #1 had no answer after T ms",
      "+T  #2 127.0.0.1:PORT  connected in T ms: won",
      "+T  #1 [::1]:PORT      cancelled after T ms: #2 won",
      "Connected to 127.0.0.1:PORT (#2 of 2) from 127.0.0.1:LOCAL in T ms",
      "Waterfall: one bar per attempt, T ms a column",
      "  #1 [::1]:PORT      ▏BAR▏ cancelled",
      "  #2 127.0.0.1:PORT  ▏BAR▏ won",
      "                      0 ms T ms",
    ]);
    // #1 from its start to the win; #2 a short bar that starts 250 ms later
    // and ends with #1 (to a column).
    const [first, second] = bars;
    assert(second!.trim().length < first!.trim().length);
    assert(second!.indexOf("█") > first!.indexOf("█"));
    assert(
      Math.abs(second!.trimEnd().length - first!.trimEnd().length) <= 1,
      bars.join("|"),
    );

    // Too narrow for a time axis: no waterfall.
    const narrow = await onTerminal(args, broken.port, 40);
    assertEquals(narrow.code, 0);
    assert(!narrow.lines.some((line) => line.startsWith("Waterfall")));

    // Not a terminal: no waterfall either; the JSON has both batches.
    const json = await run("cli/main.ts", [...args, "--json"]);
    assertEquals(json.code, 0, json.stderr);
    const report: Report = JSON.parse(json.stdout);
    assertEquals(report.settings.dns, true);
    assertEquals(report.resolved?.addresses.map((a) => a.hostname), [
      "::1",
      "127.0.0.1",
    ]);
    assertEquals(report.resolved?.late?.length, 1);
    assertEquals(report.attempts.map((a) => a.outcome), ["cancelled", "won"]);
  },
});

Deno.test({
  name:
    "cli.ts --repeat 3 remembers the winner with one ConnectHistory, and summarises",
  ...needs("script"),
  async fn() {
    await using broken = await brokenIpv6();
    const args = [...broken.args, "--repeat", "3"];
    const { code, lines } = await onTerminal(args, broken.port);
    assertEquals(code, 0, lines.join("\n"));
    const text = lines.join("\n");
    for (const n of [1, 2, 3]) {
      assert(text.includes(`Connection ${n} of 3\n`), text);
    }
    // The second and third runs try the remembered winner first.
    assertEquals(
      lines.filter((line) => line.startsWith("  history: ")),
      [
        "  history: 127.0.0.1 won last time (connect time T ms): tried first, next attempt after 100 ms",
        "  history: 127.0.0.1 won last time (connect time T ms): tried first, next attempt after 100 ms",
      ],
    );
    const table = lines.slice(-6).map((line) => line.split(/ {2,}/));
    assertEquals(table, [
      ["Summary: 3 of 3 connections made, with one ConnectHistory"],
      ["", "#", "winner", "connect time", "delay", "remembered", "total"],
      ["", "1", "127.0.0.1:PORT", "T ms", "250 ms", "no", "T ms"],
      ["", "2", "127.0.0.1:PORT", "T ms", "100 ms", "yes", "T ms"],
      ["", "3", "127.0.0.1:PORT", "T ms", "100 ms", "yes", "T ms"],
      [
        "",
        "delay: the wait before the next attempt starts, shortened once the winner's connect time is known",
      ],
    ]);

    const json = await run("cli/main.ts", [...args, "--json"]);
    assertEquals(json.code, 0, json.stderr);
    const repeat: RepeatReport = JSON.parse(json.stdout);
    assertEquals(repeat.runs.length, 3);
    assertEquals(repeat.summary.map((s) => [s.remembered, s.delay]), [
      [false, 250],
      [true, 100],
      [true, 100],
    ]);
    assertEquals(
      repeat.summary.map((s) => s.winner),
      Array(3).fill(`127.0.0.1:${broken.port}`),
    );
  },
});

Deno.test({
  name: "cli.ts --local-addr says which addresses it skips",
  ...needs("script"),
  async fn() {
    await using broken = await brokenIpv6();
    const args = [...broken.args, "--local-addr", "127.0.0.1"];
    const { code, lines } = await onTerminal(args, broken.port);
    assertEquals(code, 0, lines.join("\n"));
    assertEquals(lines.slice(1, 5), [
      "Resolved broken.test in T ms to 2 addresses; 1 skipped, as --local-addr 127.0.0.1 cannot reach it:",
      "  -- [::1]:PORT  IPv6, skipped",
      "The address to try:",
      "  #1 127.0.0.1:PORT  IPv4",
    ]);
  },
});

/**
 * Runs `runCli(args)` in plain text with `resolver`, and checks that it
 * succeeds; returns its outcome and the lines it wrote, with `port` masked.
 */
async function runPlain(args: string[], port: number, resolver: Resolver) {
  let out = "";
  const io: CliIo = {
    write: (text) => void (out += text),
    writeError: () => {},
    color: false,
    colorError: false,
    live: false,
  };
  const outcome = await runCli(args, io, { resolver });
  assertEquals(outcome.code, 0, out);
  return { outcome, lines: masked(out.trimEnd().split("\n"), [port]) };
}

Deno.test("runCli() says which addresses --local-addr skips", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { outcome, lines } = await runPlain(
    ["dual.test", String(server.port), "--local-addr", "127.0.0.1"],
    server.port,
    () => ["::1", "127.0.0.1"],
  );
  assertEquals(lines.slice(0, 5), [
    "Connecting to dual.test:PORT (a new attempt every 250 ms, or at once when the latest fails; from 127.0.0.1)",
    "Resolved dual.test in T ms to 2 addresses; 1 skipped, as --local-addr 127.0.0.1 cannot reach it:",
    "  -- [::1]:PORT  IPv6, skipped",
    "The address to try:",
    "  #1 127.0.0.1:PORT  IPv4",
  ]);
  assertEquals(outcome.report?.resolved?.skipped.map((a) => a.address), [
    `[::1]:${server.port}`,
  ]);
});

Deno.test("runCli() --repeat says when addresses come from the history, not a look-up", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { outcome, lines } = await runPlain(
    ["one.test", String(server.port), "--repeat", "2"],
    server.port,
    () => ["127.0.0.1"],
  );
  assertEquals(
    lines.filter((line) => /^(Resolved|Remembered) /.test(line)),
    [
      "Resolved one.test in T ms to 1 address:",
      "Remembered 1 address of one.test (looked up T s ago):",
    ],
  );
  const [first, second] = outcome.repeat!.runs;
  assertEquals(first!.resolved?.remembered, undefined);
  assertEquals(second!.resolved?.remembered, true);
  assert(second!.resolved!.lookedUpAgo! >= 0);
});
