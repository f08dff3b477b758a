// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import type { ConnectEvent } from "../types.ts";
import { buildReport } from "./_report.ts";
import { RunFold, type RunSettings } from "./_fold.ts";
import {
  raceWonBySecond,
  resolved,
  SETTINGS,
  V4,
  V6,
  won,
} from "../_testing/events.ts";

/** Folds `events` into a new report state. */
function feed(events: ConnectEvent[], settings: RunSettings = SETTINGS) {
  const fold = new RunFold(settings);
  for (const event of events) fold.add(event);
  return { timeline: fold };
}

Deno.test("buildReport() reports a won race as JSON", () => {
  const { timeline } = feed(raceWonBySecond);
  const report = buildReport(timeline, won);
  assertEquals(report.ok, true);
  assertEquals(report.resolved, {
    elapsed: 1.25,
    hostname: "dual.test",
    addresses: [
      { address: "[::1]:443", hostname: "::1", port: 443, family: 6 },
      { address: "127.0.0.1:443", hostname: "127.0.0.1", port: 443, family: 4 },
    ],
    skipped: [],
  });
  assertEquals(report.attempts[0], {
    index: 0,
    address: "[::1]:443",
    hostname: "::1",
    port: 443,
    family: 6,
    outcome: "cancelled",
    started: 1.5,
    startedBecause: "first",
    ended: 252.5,
    duration: 251,
    error: null,
    connected: null,
    tls: null,
  });
  assertEquals(report.attempts[1]!.outcome, "won");
  assertEquals(report.attempts[1]!.startedBecause, "delay");
  assertEquals(report.connected, {
    address: "127.0.0.1:443",
    localAddress: "127.0.0.1:5555",
    index: 1,
  });
  assertEquals(report.error, null);
  assertEquals(report.stopped, null);
  assertEquals(report.elapsed, 253);
});

Deno.test("buildReport() has stable field names and survives JSON", () => {
  const { timeline } = feed(raceWonBySecond, { ...SETTINGS, delay: Infinity });
  const report = buildReport(timeline, won);
  assertEquals(JSON.parse(JSON.stringify(report)), report);
  assertEquals(Object.keys(report), [
    "ok",
    "host",
    "port",
    "settings",
    "resolved",
    "fallback",
    "attempts",
    "tls",
    "proxy",
    "connected",
    "stopped",
    "error",
    "elapsed",
  ]);
  assertEquals(Object.keys(report.settings), [
    "delay",
    "interleave",
    "family",
    "localAddr",
    "timeout",
    "attemptTimeout",
    "allErrors",
    "dns",
    "proxy",
    "tls",
  ]);
  assertEquals(report.settings.delay, null);
});

Deno.test("buildReport() lists the errors inside an AggregateError", () => {
  const { timeline } = feed([resolved]);
  const cause = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
  const inner = new Deno.errors.ConnectionRefused("at [::1]:443", { cause });
  const report = buildReport(timeline, {
    ok: false,
    elapsed: 1,
    error: new AggregateError([inner], "all failed"),
  });
  assertEquals(report.error?.errors, [
    {
      name: "ConnectionRefused",
      message: "at [::1]:443",
      code: "ECONNREFUSED",
    },
  ]);
});

Deno.test("buildReport() lists the addresses skipped for --local-addr", () => {
  const { timeline } = feed([
    { ...resolved, addresses: [V4], skipped: [V6] },
  ], { ...SETTINGS, localAddr: { hostname: "127.0.0.1", port: 0 } });
  const report = buildReport(timeline, won);
  assertEquals(report.resolved?.skipped, [
    { address: "[::1]:443", hostname: "::1", port: 443, family: 6 },
  ]);
  assertEquals(report.attempts.map((a) => a.address), ["127.0.0.1:443"]);
});

Deno.test("buildReport() says what the server did after the TLS handshake", () => {
  const { timeline } = feed([
    { ...resolved, addresses: [V4] },
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: V4 },
    { type: "attemptWon", elapsed: 2, index: 0, address: V4 },
    { type: "tlsStarted", elapsed: 2.5, address: V4, serverName: "dual.test" },
    {
      type: "tlsSucceeded",
      elapsed: 10,
      address: V4,
      serverName: "dual.test",
      alpnProtocol: null,
    },
  ], { ...SETTINGS, tls: { alpnProtocols: [], caFiles: [] } });
  const alert = new Deno.errors.InvalidData(
    "received fatal alert: CertificateRequired",
  );
  timeline.accepted({ waited: 40.0004, outcome: "alert" }, alert);
  const report = buildReport(timeline, {
    ok: false,
    elapsed: 51,
    error: alert,
  });
  assertEquals(report.tls?.ok, false);
  assertEquals(report.tls?.acceptance, { waited: 40, outcome: "alert" });
  assertEquals(report.tls?.error?.message, alert.message);
  assertEquals(report.error?.stage, "tls");
});

Deno.test("buildReport() says when the history's addresses were used, and how old the look-up was", () => {
  const fold = new RunFold(SETTINGS, 12_345.6781);
  fold.add({ ...resolved, remembered: true });
  const report = buildReport(fold, won);
  assertEquals(report.resolved?.remembered, true);
  assertEquals(report.resolved?.lookedUpAgo, 12_345.678);
  // A look-up: neither field.
  const { timeline } = feed([resolved]);
  const fresh = buildReport(timeline, won).resolved!;
  assertEquals("remembered" in fresh || "lookedUpAgo" in fresh, false);
});

Deno.test("buildReport() carries each attempt's TCP and TLS parts when the handshake races", () => {
  const error = new Deno.errors.Interrupted("operation canceled");
  const events: ConnectEvent[] = [
    resolved,
    { type: "attemptStarted", elapsed: 1.5, index: 0, address: V6 },
    { type: "attemptConnected", elapsed: 2, index: 0, address: V6 },
    {
      type: "tlsStarted",
      elapsed: 2.5,
      index: 0,
      address: V6,
      serverName: "dual.test",
    },
    { type: "attemptStarted", elapsed: 251.5, index: 1, address: V4 },
    { type: "attemptConnected", elapsed: 252, index: 1, address: V4 },
    {
      type: "tlsStarted",
      elapsed: 252.5,
      index: 1,
      address: V4,
      serverName: "dual.test",
    },
    {
      type: "tlsSucceeded",
      elapsed: 260,
      index: 1,
      address: V4,
      serverName: "dual.test",
      alpnProtocol: "h2",
    },
    { type: "attemptWon", elapsed: 260.5, index: 1, address: V4 },
    {
      type: "tlsFailed",
      elapsed: 261,
      index: 0,
      address: V6,
      serverName: "dual.test",
      error,
    },
    { type: "attemptCancelled", elapsed: 261.5, index: 0, address: V6 },
  ];
  const { timeline } = feed(events);
  const report = buildReport(timeline, { ...won, elapsed: 262 });
  assertEquals(report.attempts.map((a) => [a.connected, a.tls?.ok]), [
    [2, false],
    [252, true],
  ]);
  assertEquals(report.attempts[1]!.tls, {
    started: 252.5,
    ended: 260,
    duration: 7.5,
    ok: true,
    error: null,
  });
  assertEquals(report.attempts[0]!.tls?.error?.message, "operation canceled");
  // The run's handshake is the winner's.
  assertEquals(report.tls?.address, "127.0.0.1:443");
  assertEquals(report.tls?.alpnProtocol, "h2");
  assertEquals(report.tls?.ok, true);
});

Deno.test("buildReport() through a race of tunnels (socks5://): the winner's, a loser cancelled", () => {
  const shown = "socks5://127.0.0.1:1080";
  const tunnel = (index: number, target: string) => ({
    proxy: shown,
    target,
    address: V4,
    index,
  });
  const { timeline } = feed([
    ...raceWonBySecond,
    { type: "proxyRequested", elapsed: 253, ...tunnel(0, "[::1]:443") },
    { type: "proxyRequested", elapsed: 503, ...tunnel(1, "127.0.0.1:443") },
    { type: "proxyOpened", elapsed: 504, ...tunnel(1, "127.0.0.1:443") },
    { type: "proxyCancelled", elapsed: 505, ...tunnel(0, "[::1]:443") },
  ], { ...SETTINGS, proxyShown: shown });
  const report = buildReport(timeline, won);
  assertEquals(report.proxy?.ok, true);
  assertEquals(report.proxy?.target, "127.0.0.1:443");
  assertEquals(report.proxy?.error, null);
});

Deno.test("buildReport() reports the proxy: null without --proxy, else its tunnel", () => {
  const plain = buildReport(feed(raceWonBySecond).timeline, won);
  assertEquals(plain.proxy, null);
  assertEquals(plain.settings.proxy, null);

  const shown = "http://***@127.0.0.1:3128";
  const base = { proxy: shown, target: "dual.test:443", address: V4 };
  const { timeline } = feed([
    ...raceWonBySecond,
    { type: "proxyRequested", elapsed: 252.75, ...base },
    { type: "proxyFailed", elapsed: 260.5, ...base, error: new Error("403") },
  ], { ...SETTINGS, proxyShown: shown });
  const report = buildReport(timeline, {
    ok: false,
    elapsed: 261,
    error: new Error("403"),
  });
  assertEquals(report.settings.proxy, shown);
  assertEquals(report.proxy, {
    proxy: shown,
    target: "dual.test:443",
    address: "127.0.0.1:443",
    requested: 252.75,
    ended: 260.5,
    ok: false,
    tls: null,
    error: { name: "Error", message: "403", code: null },
  });
  assertEquals(report.error?.stage, "proxy");
  assertEquals(report.tls, null);
});
