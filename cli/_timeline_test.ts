// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import { getColorEnabled, stripAnsiCode as stripAnsi } from "@std/fmt/colors";
import type { ConnectEvent as TimelineEvent } from "../types.ts";
import type { RunResult } from "./report_types.ts";
import type { RunSettings as TimelineSettings } from "./_fold.ts";
import { Timeline } from "./_timeline.ts";
import { palette } from "./_colors.ts";
import { header } from "./_header.ts";
import { type Lines, verdict } from "./_verdict.ts";
import { buildReport } from "./_report.ts";
import { waiting } from "./_waiting.ts";
import {
  raceWonBySecond,
  resolved,
  SETTINGS,
  V4,
  V6,
  won,
} from "../_testing/events.ts";

const refused = () => new Deno.errors.ConnectionRefused("Connection refused");

/** Feeds `events` to a new timeline; returns it and every line printed. */
function feed(
  events: TimelineEvent[],
  settings: TimelineSettings = SETTINGS,
  color = false,
) {
  const timeline = new Timeline(settings, { color });
  const lines = [...header(settings, palette(color))];
  for (const event of events) lines.push(...timeline.add(event));
  return { timeline, lines };
}

/** The closing lines of a run that ended with `result`, as the tool says them. */
function finish(timeline: Timeline, result: RunResult): Lines {
  timeline.fold.end();
  return verdict(result, timeline.fold, {
    palette: timeline.palette,
    label: (a) => timeline.label(a),
  });
}

Deno.test("Timeline shows a race that the second address wins", () => {
  const { timeline, lines } = feed(raceWonBySecond);
  const { out, err } = finish(timeline, won);
  assertEquals([...lines, ...out], [
    "Connecting to dual.test:443 (a new attempt every 250 ms, or at once when the latest fails)",
    "Resolved dual.test in 1.3 ms to 2 addresses, in the order they will be tried:",
    "  #1 [::1]:443      IPv6",
    "  #2 127.0.0.1:443  IPv4",
    "     +1.5 ms  #1 [::1]:443      started",
    "   +251.5 ms  #2 127.0.0.1:443  started, as #1 had no answer after 250.0 ms",
    "   +252.0 ms  #2 127.0.0.1:443  connected in 0.5 ms: won",
    "   +252.5 ms  #1 [::1]:443      cancelled after 251.0 ms: #2 won",
    "Connected to 127.0.0.1:443 (#2 of 2) from 127.0.0.1:5555 in 253.0 ms",
  ]);
  assertEquals(err, []);
});

Deno.test("Timeline says when an attempt starts at once after a failure", () => {
  const { timeline, lines } = feed([
    resolved,
    { type: "attemptStarted", elapsed: 2, index: 0, address: V6 },
    {
      type: "attemptFailed",
      elapsed: 3,
      index: 0,
      address: V6,
      error: new Deno.errors.NetworkUnreachable("Network is unreachable"),
    },
    { type: "attemptStarted", elapsed: 3.1, index: 1, address: V4 },
    { type: "attemptWon", elapsed: 4, index: 1, address: V4 },
  ]);
  assertEquals(lines.slice(-3), [
    "     +3.0 ms  #1 [::1]:443      network unreachable after 1.0 ms",
    "     +3.1 ms  #2 127.0.0.1:443  started at once, as #1 failed",
    "     +4.0 ms  #2 127.0.0.1:443  connected in 0.9 ms: won",
  ]);
  const report = buildReport(timeline.fold, { ...won, elapsed: 5 });
  assertEquals(
    report.attempts.map((a) => [a.outcome, a.startedBecause, a.error?.kind]),
    [["failed", "first", "unreachable"], ["won", "failure", undefined]],
  );
});

Deno.test("Timeline explains every address when all attempts fail", () => {
  const error = new Error("Cannot connect to dual.test:443 at ...");
  const { timeline, lines } = feed([
    resolved,
    { type: "attemptStarted", elapsed: 2, index: 0, address: V6 },
    {
      type: "attemptFailed",
      elapsed: 2.5,
      index: 0,
      address: V6,
      error: refused(),
    },
    { type: "attemptStarted", elapsed: 2.6, index: 1, address: V4 },
    {
      type: "attemptFailed",
      elapsed: 3,
      index: 1,
      address: V4,
      error: new Error("something odd"),
    },
  ]);
  assertEquals(lines.slice(-3), [
    "     +2.5 ms  #1 [::1]:443      refused after 0.5 ms",
    "     +2.6 ms  #2 127.0.0.1:443  started at once, as #1 failed",
    "     +3.0 ms  #2 127.0.0.1:443  failed after 0.4 ms: something odd",
  ]);
  const result: RunResult = { ok: false, elapsed: 3.5, error };
  const { out, err } = finish(timeline, result);
  assertEquals(out, [
    "Failed after 3.5 ms: could not connect to dual.test:443",
    "  #1 [::1]:443      refused after 0.5 ms: nothing listens on that port there, or a firewall rejects the connection",
    "  #2 127.0.0.1:443  failed after 0.4 ms: something odd",
  ]);
  assertEquals(err, ["error: Cannot connect to dual.test:443 at ..."]);
  const report = buildReport(timeline.fold, result);
  assertEquals(report.ok, false);
  assertEquals(report.error, {
    name: "Error",
    message: "Cannot connect to dual.test:443 at ...",
    code: null,
    stage: "connect",
    errors: [],
  });
  assertEquals(report.attempts[0]!.error, {
    name: "ConnectionRefused",
    message: "Connection refused",
    code: null,
    kind: "refused",
  });
});

Deno.test("Timeline shows a timeout: what was pending, what was never tried", () => {
  const settings = { ...SETTINGS, delay: Infinity, timeout: 2000 };
  const { timeline, lines } = feed([
    resolved,
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: V6 },
  ], settings);
  assertEquals(
    lines[0],
    "Connecting to dual.test:443 (one attempt at a time; giving up after 2000 ms)",
  );
  assertEquals(timeline.stop("timeout", 2000.5), [
    "  +2000.5 ms  timeout: gave up after 2000 ms (--timeout), with #1 [::1]:443 still pending",
  ]);
  assertEquals(
    timeline.add({
      type: "attemptCancelled",
      elapsed: 2001.5,
      index: 0,
      address: V6,
    }),
    ["  +2001.5 ms  #1 [::1]:443      abandoned after 2000.0 ms without an answer"],
  );
  const error = new DOMException("Signal timed out.", "TimeoutError");
  const result: RunResult = { ok: false, elapsed: 2002, error };
  const { out, err } = finish(timeline, result);
  assertEquals(err, ["error: timed out after 2000 ms (--timeout)"]);
  assertEquals(out, [
    "Timed out after 2002.0 ms: could not connect to dual.test:443",
    "  #1 [::1]:443      still no answer after 2000.0 ms, when the timeout came: packets to it may be dropped on the way (a blackhole or a firewall)",
    "  #2 127.0.0.1:443  not tried: the timeout came first",
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(report.stopped, {
    reason: "timeout",
    elapsed: 2000.5,
    pending: [0],
  });
  assertEquals(report.attempts.map((a) => a.outcome), [
    "abandoned",
    "notStarted",
  ]);
  assertEquals(report.attempts[1]!.started, null);
  assertEquals(report.error?.name, "TimeoutError");
  assertEquals(report.error?.stage, "connect");
});

Deno.test("Timeline shows an interrupt during resolution", () => {
  const { timeline } = feed([]);
  assertEquals(timeline.stop("interrupted", 5000), [
    "  +5000.0 ms  interrupted: gave up, while resolving dual.test",
  ]);
  const result: RunResult = { ok: false, elapsed: 5001, error: new Error("x") };
  assertEquals(finish(timeline, result), {
    out: ["Interrupted after 5001.0 ms: could not resolve dual.test"],
    err: ["error: interrupted"],
  });
  assertEquals(buildReport(timeline.fold, result).error?.stage, "resolve");
});

Deno.test("Timeline says when a resolution fails", () => {
  const { timeline } = feed([]);
  const error = new Deno.errors.NotFound(
    "Cannot resolve 'dual.test': NXDOMAIN",
  );
  const result: RunResult = { ok: false, elapsed: 9, error };
  assertEquals(finish(timeline, result), {
    out: ["Failed after 9.0 ms: could not resolve dual.test"],
    err: ["error: Cannot resolve 'dual.test': NXDOMAIN"],
  });
  const report = buildReport(timeline.fold, result);
  assertEquals(report.resolved, null);
  assertEquals(report.attempts, []);
  assertEquals(report.error?.stage, "resolve");
});

Deno.test("Timeline needs no look-up for an IP address", () => {
  const { lines } = feed([
    {
      type: "resolved",
      elapsed: 0.5,
      hostname: "::1",
      addresses: [V6],
    },
  ], { ...SETTINGS, hostname: "[::1]" });
  assertEquals(lines, [
    "Connecting to [::1]:443 (a new attempt every 250 ms, or at once when the latest fails)",
    "No look-up: ::1 is an IP address (+0.5 ms)",
  ]);
});

const TLS_SETTINGS: TimelineSettings = {
  ...SETTINGS,
  tls: { alpnProtocols: ["h2", "http/1.1"], caFiles: ["ca.pem"] },
};

const connectedThenTls: TimelineEvent[] = [
  { ...resolved, addresses: [V4] },
  { type: "attemptStarted", elapsed: 1.5, index: 0, address: V4 },
  { type: "attemptWon", elapsed: 2, index: 0, address: V4 },
  { type: "tlsStarted", elapsed: 2.5, address: V4, serverName: "dual.test" },
];

Deno.test("Timeline shows the TLS handshake and its ALPN protocol", () => {
  const { timeline, lines } = feed([
    ...connectedThenTls,
    {
      type: "tlsSucceeded",
      elapsed: 10,
      address: V4,
      serverName: "dual.test",
      alpnProtocol: "h2",
    },
  ], TLS_SETTINGS);
  assertEquals(lines.slice(-2), [
    "     +2.5 ms  TLS handshake with 127.0.0.1:443 started, server name dual.test",
    "    +10.0 ms  TLS handshake done in 7.5 ms, ALPN protocol h2",
  ]);
  const result: RunResult = { ...won, elapsed: 10.5 };
  assertEquals(finish(timeline, result).out, [
    "Connected to 127.0.0.1:443 (#1 of 1) from 127.0.0.1:5555 with TLS (ALPN h2) in 10.5 ms",
  ]);
  assertEquals(buildReport(timeline.fold, result).tls, {
    address: "127.0.0.1:443",
    serverName: "dual.test",
    started: 2.5,
    ended: 10,
    duration: 7.5,
    ok: true,
    alpnProtocol: "h2",
    acceptance: null,
    error: null,
  });
});

Deno.test("Timeline says when no ALPN protocol was agreed", () => {
  const { lines } = feed([
    ...connectedThenTls,
    {
      type: "tlsSucceeded",
      elapsed: 10,
      address: V4,
      serverName: "dual.test",
      alpnProtocol: null,
    },
  ], TLS_SETTINGS);
  assertEquals(
    lines.at(-1),
    "    +10.0 ms  TLS handshake done in 7.5 ms, no ALPN protocol agreed",
  );
});

Deno.test("Timeline shows a failed TLS handshake", () => {
  const error = new Error("invalid peer certificate: UnknownIssuer");
  const { timeline, lines } = feed([
    ...connectedThenTls,
    {
      type: "tlsFailed",
      elapsed: 5,
      address: V4,
      serverName: "dual.test",
      error,
    },
  ], TLS_SETTINGS);
  assertEquals(
    lines.at(-1),
    "     +5.0 ms  TLS handshake failed after 2.5 ms: certificate from an unknown issuer",
  );
  const result: RunResult = { ok: false, elapsed: 6, error };
  assertEquals(finish(timeline, result).out, [
    "Failed after 6.0 ms: the TLS handshake with 127.0.0.1:443 failed",
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(report.error?.stage, "tls");
  assertEquals(report.tls?.ok, false);
  assertEquals(report.tls?.error?.message, error.message);
});

Deno.test("Timeline shows a fallback to Deno.connect", () => {
  const { timeline, lines } = feed([
    resolved,
    {
      type: "fallback",
      elapsed: 2,
      reason:
        "net permission covers dual.test:443 but not all of its addresses",
    },
  ]);
  assertMatch(lines.at(-1)!, /^ +\+2\.0 ms {2}fallback: net permission covers/);
  const report = buildReport(timeline.fold, won);
  assertEquals(report.fallback?.reason.startsWith("net permission"), true);
  // The winner is found by its address, since no attempt event named it.
  assertEquals(report.connected?.index, 1);
  assertEquals(
    waiting(timeline.fold, timeline.columns, 1500),
    "still waiting for Deno.connect() (  1.5 s); no --timeout",
  );
  finish(timeline, won);
  assertEquals(waiting(timeline.fold, timeline.columns, 1600), undefined);
});

Deno.test("Timeline ignores events it does not know", () => {
  const { lines } = feed([
    { type: "somethingNew", elapsed: 1 } as unknown as TimelineEvent,
  ]);
  assertEquals(lines.length, 1);
});

Deno.test("Timeline colours only when asked to", () => {
  const events = [
    ...raceWonBySecond.slice(0, 2),
    {
      type: "attemptFailed",
      elapsed: 2,
      index: 0,
      address: V6,
      error: refused(),
    },
    ...raceWonBySecond.slice(2),
  ] as TimelineEvent[];
  const plain = feed(events);
  const colored = feed(events, SETTINGS, true);
  assert(plain.lines.every((line) => !line.includes("\x1b")));
  // @std/fmt/colors obeys NO_COLOR (CI sets it) above any request: there,
  // colour is checked end to end in cli_test.ts, with NO_COLOR unset.
  if (getColorEnabled()) {
    assert(colored.lines.some((line) => line.includes("\x1b[32m")));
    assert(colored.lines.some((line) => line.includes("\x1b[31m")));
  }
  assertEquals(colored.lines.map(stripAnsi), plain.lines);
  const out = finish(colored.timeline, won).out;
  assertEquals(out.map(stripAnsi), finish(plain.timeline, won).out);
});

// RFC 8305 §3: a resolver that answers in batches. `connect()` emits one
// `resolved` event per batch; a later one carries only the new addresses,
// which are folded into the attempts not yet started.
const V4B: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.2",
  port: 443,
};
const V4C: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.3",
  port: 443,
};

Deno.test("Timeline folds a late answer in before the second attempt", () => {
  // The A answer came first; the AAAA answer came after the first attempt
  // started, and its address went before the untried IPv4 one.
  const { timeline, lines } = feed([
    { ...resolved, elapsed: 50.5, addresses: [V4, V4B] },
    { type: "attemptStarted", elapsed: 50.7, index: 0, address: V4 },
    { type: "resolved", elapsed: 53.1, hostname: "dual.test", addresses: [V6] },
    { type: "attemptStarted", elapsed: 300.7, index: 1, address: V6 },
    { type: "attemptWon", elapsed: 301.2, index: 1, address: V6 },
    { type: "attemptCancelled", elapsed: 301.5, index: 0, address: V4 },
  ]);
  const result: RunResult = { ...won, elapsed: 302, remoteAddr: V6 };
  assertEquals([...lines.slice(1), ...finish(timeline, result).out], [
    "Resolved dual.test in 50.5 ms to 2 addresses, in the order they will be tried:",
    "  #1 127.0.0.1:443  IPv4",
    "  #2 127.0.0.2:443  IPv4",
    "    +50.7 ms  #1 127.0.0.1:443  started",
    "    +53.1 ms  late answer: 1 more address: [::1]:443",
    "   +300.7 ms  #2 [::1]:443      started, as #1 had no answer after 250.0 ms",
    "   +301.2 ms  #2 [::1]:443      connected in 0.5 ms: won",
    "   +301.5 ms  #1 127.0.0.1:443  cancelled after 250.8 ms: #2 won",
    "Connected to [::1]:443 (#2 of 3) from 127.0.0.1:5555 in 302.0 ms",
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(report.resolved?.elapsed, 50.5);
  assertEquals(
    report.resolved?.addresses.map((a) => a.address),
    ["127.0.0.1:443", "127.0.0.2:443", "[::1]:443"],
  );
  assertEquals(report.resolved?.late, [
    {
      elapsed: 53.1,
      addresses: [
        { address: "[::1]:443", hostname: "::1", port: 443, family: 6 },
      ],
    },
  ]);
  assertEquals(
    report.attempts.map((a) => [a.index, a.address, a.outcome]),
    [
      [0, "127.0.0.1:443", "cancelled"],
      [1, "[::1]:443", "won"],
      [2, "127.0.0.2:443", "notStarted"],
    ],
  );
  assertEquals(report.connected?.index, 1);
});

Deno.test("Timeline shows the addresses of a late answer tried, one winning", () => {
  // The only address of the first batch fails; the race waits for more.
  const { timeline, lines } = feed([
    { ...resolved, elapsed: 1, addresses: [V6] },
    { type: "attemptStarted", elapsed: 1.2, index: 0, address: V6 },
    {
      type: "attemptFailed",
      elapsed: 1.5,
      index: 0,
      address: V6,
      error: refused(),
    },
    {
      type: "resolved",
      elapsed: 53.1,
      hostname: "dual.test",
      addresses: [V4, V4B],
    },
    { type: "attemptStarted", elapsed: 53.2, index: 1, address: V4 },
    {
      type: "attemptFailed",
      elapsed: 53.5,
      index: 1,
      address: V4,
      error: refused(),
    },
    { type: "attemptStarted", elapsed: 53.6, index: 2, address: V4B },
    { type: "attemptWon", elapsed: 54, index: 2, address: V4B },
  ]);
  const result: RunResult = { ...won, elapsed: 54.5, remoteAddr: V4B };
  assertEquals([...lines.slice(1), ...finish(timeline, result).out], [
    "Resolved dual.test in 1.0 ms to 1 address:",
    "  #1 [::1]:443  IPv6",
    // The column widens for the longer labels of the late addresses.
    "     +1.2 ms  #1 [::1]:443  started",
    "     +1.5 ms  #1 [::1]:443  refused after 0.3 ms",
    "    +53.1 ms  late answer: 2 more addresses: 127.0.0.1:443, 127.0.0.2:443",
    "    +53.2 ms  #2 127.0.0.1:443  started at once, as a late answer brought it",
    "    +53.5 ms  #2 127.0.0.1:443  refused after 0.3 ms",
    "    +53.6 ms  #3 127.0.0.2:443  started at once, as #2 failed",
    "    +54.0 ms  #3 127.0.0.2:443  connected in 0.4 ms: won",
    "Connected to 127.0.0.2:443 (#3 of 3) from 127.0.0.1:5555 in 54.5 ms",
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(
    report.attempts.map((
      a,
    ) => [a.index, a.address, a.outcome, a.startedBecause]),
    [
      [0, "[::1]:443", "failed", "first"],
      [1, "127.0.0.1:443", "failed", "lateAnswer"],
      [2, "127.0.0.2:443", "won", "failure"],
    ],
  );
  assertEquals(report.resolved?.addresses.length, 3);
  assertEquals(report.resolved?.late?.[0]?.addresses.length, 2);
  assertEquals(report.connected?.index, 2);
});

Deno.test("Timeline reports the addresses of a late answer never tried", () => {
  const settings = { ...SETTINGS, delay: Infinity, timeout: 2000 };
  const { timeline, lines } = feed([
    resolved,
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: V6 },
    {
      type: "resolved",
      elapsed: 40,
      hostname: "dual.test",
      addresses: [V4B, V4C],
    },
  ], settings);
  assertEquals(
    lines.at(-1),
    "    +40.0 ms  late answer: 2 more addresses: 127.0.0.2:443, 127.0.0.3:443",
  );
  timeline.stop("timeout", 2000.5);
  timeline.add({
    type: "attemptCancelled",
    elapsed: 2001,
    index: 0,
    address: V6,
  });
  const result: RunResult = {
    ok: false,
    elapsed: 2002,
    error: new DOMException("Signal timed out.", "TimeoutError"),
  };
  assertEquals(finish(timeline, result).out, [
    "Timed out after 2002.0 ms: could not connect to dual.test:443",
    "  #1 [::1]:443      still no answer after 1999.5 ms, when the timeout came: packets to it may be dropped on the way (a blackhole or a firewall)",
    "  #2 127.0.0.1:443  not tried: the timeout came first",
    "  #3 127.0.0.2:443  not tried: the timeout came first",
    "  #4 127.0.0.3:443  not tried: the timeout came first",
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(
    report.attempts.map((a) => [a.index, a.address, a.outcome, a.started]),
    [
      [0, "[::1]:443", "abandoned", 1.5],
      [1, "127.0.0.1:443", "notStarted", null],
      [2, "127.0.0.2:443", "notStarted", null],
      [3, "127.0.0.3:443", "notStarted", null],
    ],
  );
  assertEquals(report.resolved?.late?.map((batch) => batch.elapsed), [40]);
  assertEquals(report.stopped?.pending, [0]);
});

Deno.test("Timeline never stamps a line earlier than the one before", () => {
  // The timeout fires, then connect() reports the handshake it stopped,
  // stamped by its own clock a little earlier.
  const { timeline } = feed(connectedThenTls, TLS_SETTINGS);
  assertEquals(timeline.stop("timeout", 3001.7), [
    "  +3001.7 ms  timeout: gave up after ? ms (--timeout), during the TLS handshake",
  ]);
  assertEquals(
    timeline.add({
      type: "tlsFailed",
      elapsed: 3000.8,
      address: V4,
      serverName: "dual.test",
      error: new DOMException("Signal timed out.", "TimeoutError"),
    }),
    [
      "  +3001.7 ms  TLS handshake failed after 2998.3 ms: abandoned at the --timeout",
    ],
  );
});

Deno.test("Timeline keeps its columns past 100 s, and wider with a long --timeout", () => {
  const { lines } = feed([
    resolved,
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: V6 },
    { type: "attemptStarted", elapsed: 131_072.5, index: 1, address: V4 },
  ]);
  assertEquals(lines.slice(-2), [
    "     +1.5 ms  #1 [::1]:443      started",
    "+131072.5 ms  #2 127.0.0.1:443  started, as #1 had no answer after 131071.0 ms",
  ]);
  const long = feed([
    resolved,
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: V6 },
  ], { ...SETTINGS, timeout: 20_000_000 });
  assertEquals(
    long.lines.at(-1),
    "       +1.5 ms  #1 [::1]:443      started",
  );
});

Deno.test("Timeline shows control characters from names and errors as text", () => {
  const { timeline, lines } = feed([
    { ...resolved, hostname: "evil\x1b[2J.test" },
    { type: "attemptStarted", elapsed: 2, index: 0, address: V6 },
    {
      type: "attemptFailed",
      elapsed: 3,
      index: 0,
      address: V6,
      error: new Error("odd \x1b]0;title\x07 error"),
    },
  ], { ...SETTINGS, hostname: "evil\x1b[2J.test" });
  const { out, err } = finish(timeline, {
    ok: false,
    elapsed: 4,
    error: new Error("all \x9b failed"),
  });
  const printed = [...lines, ...out, ...err].join("\n");
  // deno-lint-ignore no-control-regex
  assertEquals(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(printed), false);
  assertEquals(
    lines[0]!.startsWith("Connecting to evil\\x1b[2J.test:443"),
    true,
  );
  assertEquals(
    lines.at(-1),
    "     +3.0 ms  #1 [::1]:443      failed after 1.0 ms: odd \\x1b]0;title\\x07 error",
  );
  assertEquals(err, ["error: all \\x9b failed"]);
});

Deno.test("Timeline says 'Remembered', not 'Resolved in 0.0 ms', when no look-up was made", () => {
  const remembered: TimelineEvent = { ...resolved, remembered: true };
  const timeline = new Timeline(SETTINGS, { lookedUpAgo: 2_500 });
  assertEquals(
    timeline.add(remembered)[0],
    "Remembered 2 addresses of dual.test (looked up 2.5 s ago), in the order they will be tried:",
  );
  const unknown = new Timeline(SETTINGS);
  assertEquals(
    unknown.add({ ...remembered, addresses: [V4] })[0],
    "Remembered 1 address of dual.test from an earlier look-up:",
  );
});

Deno.test("Timeline says a look-up afresh after remembered addresses failed, not a late answer", () => {
  const timeline = new Timeline(SETTINGS, { lookedUpAgo: 2_500 });
  timeline.add({ ...resolved, addresses: [V6], remembered: true });
  const lines = timeline.add({ ...resolved, elapsed: 3, addresses: [V4] });
  assertEquals(lines.length, 1);
  assertStringIncludes(
    lines[0]!,
    "looked up afresh in 3.0 ms: 1 more address: 127.0.0.1:443",
  );
});

/** The address of an `https://` proxy, `proxy.test`, which the race reaches. */
const PROXY_ADDRESS: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.1",
  port: 3129,
};
const HTTPS_PROXY = "https://***@proxy.test:3129";

/** A run to `db.test:5432` through {@linkcode HTTPS_PROXY}, with TLS. */
const PROXY_SETTINGS: TimelineSettings = {
  ...TLS_SETTINGS,
  hostname: "db.test",
  port: 5432,
  proxyShown: HTTPS_PROXY,
};

/** The race to the proxy, won, and the handshake with it started. */
const proxyTlsStarted: TimelineEvent[] = [
  {
    type: "resolved",
    elapsed: 1,
    hostname: "proxy.test",
    addresses: [PROXY_ADDRESS],
  },
  { type: "attemptStarted", elapsed: 1.5, index: 0, address: PROXY_ADDRESS },
  { type: "attemptWon", elapsed: 2, index: 0, address: PROXY_ADDRESS },
  {
    type: "tlsStarted",
    elapsed: 2.5,
    address: PROXY_ADDRESS,
    serverName: "proxy.test",
    proxy: HTTPS_PROXY,
  },
];

/** The tunnel through {@linkcode HTTPS_PROXY}, from request to `type`. */
function tunnel(
  type: "proxyOpened" | "proxyFailed",
  error?: unknown,
): TimelineEvent[] {
  const base = {
    proxy: HTTPS_PROXY,
    target: "db.test:5432",
    address: PROXY_ADDRESS,
  };
  return [
    { type: "proxyRequested", elapsed: 6, ...base },
    type === "proxyOpened"
      ? { type, elapsed: 8, ...base }
      : { type, elapsed: 8, ...base, error },
  ];
}

Deno.test("Timeline tells the handshake with an https:// proxy from the target's", () => {
  const { timeline, lines } = feed([
    ...proxyTlsStarted,
    {
      type: "tlsSucceeded",
      elapsed: 5,
      address: PROXY_ADDRESS,
      serverName: "proxy.test",
      alpnProtocol: null,
      proxy: HTTPS_PROXY,
    },
    ...tunnel("proxyOpened"),
    {
      type: "tlsStarted",
      elapsed: 8.5,
      address: PROXY_ADDRESS,
      serverName: "db.test",
    },
    {
      type: "tlsSucceeded",
      elapsed: 12,
      address: PROXY_ADDRESS,
      serverName: "db.test",
      alpnProtocol: "h2",
    },
  ], PROXY_SETTINGS);
  assertStringIncludes(lines[0]!, `through ${HTTPS_PROXY}`);
  assertEquals(lines.slice(-6), [
    `     +2.5 ms  TLS with proxy ${HTTPS_PROXY} started, server name proxy.test`,
    `     +5.0 ms  TLS with proxy ${HTTPS_PROXY} done in 2.5 ms`,
    `     +6.0 ms  tunnel to db.test:5432 requested from ${HTTPS_PROXY}`,
    `     +8.0 ms  tunnel to db.test:5432 open through ${HTTPS_PROXY}`,
    "     +8.5 ms  TLS handshake with 127.0.0.1:3129 started, server name db.test",
    "    +12.0 ms  TLS handshake done in 3.5 ms, ALPN protocol h2",
  ]);
  const result: RunResult = {
    ...won,
    elapsed: 12.5,
    remoteAddr: PROXY_ADDRESS,
  };
  assertEquals(finish(timeline, result).err, []);
  const report = buildReport(timeline.fold, result);
  // The target's handshake only: the proxy's is the proxy's.
  assertEquals(report.tls?.serverName, "db.test");
  assertEquals(report.tls?.started, 8.5);
  assertEquals(report.proxy, {
    proxy: HTTPS_PROXY,
    target: "db.test:5432",
    address: "127.0.0.1:3129",
    requested: 6,
    ended: 8,
    ok: true,
    tls: {
      serverName: "proxy.test",
      started: 2.5,
      ended: 5,
      ok: true,
      error: null,
    },
    error: null,
  });
  assertEquals(report.settings.proxy, HTTPS_PROXY);
});

Deno.test("Timeline shows a failed handshake with an https:// proxy as the proxy's", () => {
  const error = new Error("invalid peer certificate: UnknownIssuer");
  const { timeline, lines } = feed([
    ...proxyTlsStarted,
    {
      type: "tlsFailed",
      elapsed: 4,
      address: PROXY_ADDRESS,
      serverName: "proxy.test",
      error,
      proxy: HTTPS_PROXY,
    },
  ], PROXY_SETTINGS);
  assertEquals(
    lines.at(-1),
    `     +4.0 ms  TLS with proxy ${HTTPS_PROXY} failed after 1.5 ms: certificate from an unknown issuer`,
  );
  const result: RunResult = { ok: false, elapsed: 4.5, error };
  const { out, err } = finish(timeline, result);
  assertEquals(out, [
    `Failed after 4.5 ms: the TLS handshake with the proxy ${HTTPS_PROXY} failed`,
  ]);
  assertEquals(err, [
    `error: ${error.message}`,
    "hint: trust the proxy's CA with --proxy-ca FILE, or the system's CA store with DENO_TLS_CA_STORE=system",
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(report.error?.stage, "proxy");
  assertEquals(report.tls, null);
  assertEquals(report.proxy?.tls?.ok, false);
  assertEquals(report.proxy?.tls?.error?.message, error.message);
  assertEquals(report.proxy?.requested, null);
  assertEquals(report.proxy?.ok, null);
});

Deno.test("Timeline says which tunnel through the proxy failed", () => {
  const error = new Error("the proxy refused the tunnel: 403 Forbidden");
  const { timeline, lines } = feed([
    ...proxyTlsStarted.slice(0, 3),
    ...tunnel("proxyFailed", error),
  ], { ...SETTINGS, hostname: "db.test", port: 5432, proxyShown: HTTPS_PROXY });
  assertEquals(
    lines.at(-1),
    `     +8.0 ms  tunnel failed: ${error.message}`,
  );
  const result: RunResult = { ok: false, elapsed: 8.5, error };
  assertEquals(finish(timeline, result).out, [
    `Failed after 8.5 ms: the tunnel to db.test:5432 through the proxy ${HTTPS_PROXY} failed`,
  ]);
  const report = buildReport(timeline.fold, result);
  assertEquals(report.error?.stage, "proxy");
  assertEquals(report.proxy?.ok, false);
  assertEquals(report.proxy?.ended, 8);
  assertEquals(report.proxy?.tls, null);
  assertEquals(report.proxy?.error?.message, error.message);
});

Deno.test("Timeline names the proxy when the race to it fails", () => {
  const { timeline } = feed([
    { ...proxyTlsStarted[0]!, elapsed: 1 } as TimelineEvent,
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: PROXY_ADDRESS },
    {
      type: "attemptFailed",
      elapsed: 2,
      index: 0,
      address: PROXY_ADDRESS,
      error: refused(),
    },
  ], PROXY_SETTINGS);
  const result: RunResult = { ok: false, elapsed: 2.5, error: refused() };
  assertEquals(
    finish(timeline, result).out[0],
    `Failed after 2.5 ms: could not connect to the proxy ${HTTPS_PROXY}`,
  );
  const report = buildReport(timeline.fold, result);
  assertEquals(report.error?.stage, "connect");
  assertEquals(report.proxy?.address, null);
  assertEquals(report.proxy?.target, "db.test:5432");
});

Deno.test("Timeline waits for, and gives up on, the handshake with the proxy", () => {
  const { timeline } = feed(proxyTlsStarted, {
    ...PROXY_SETTINGS,
    timeout: 3000,
  });
  assertEquals(
    waiting(timeline.fold, timeline.columns, 2000),
    "still waiting for the TLS handshake with the proxy (  2.0 s); gives up in 1.0 s (--timeout)",
  );
  assertEquals(timeline.stop("timeout", 3000), [
    "  +3000.0 ms  timeout: gave up after 3000 ms (--timeout), during the TLS handshake with the proxy",
  ]);
});

Deno.test("Timeline with --proxy env reports no proxy until an event names one", () => {
  const { timeline } = feed(raceWonBySecond, {
    ...SETTINGS,
    proxyShown: "the proxy of the environment",
    proxyFromEnv: true,
  });
  const report = buildReport(timeline.fold, won);
  assertEquals(report.proxy, null);
  assertEquals(report.settings.proxy, "the proxy of the environment");
});
