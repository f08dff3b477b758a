// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { palette } from "./_colors.ts";
import type { AttemptReport, Report } from "./report_types.ts";
import { waterfall } from "./_waterfall.ts";

function attempt(
  index: number,
  address: string,
  outcome: AttemptReport["outcome"],
  started: number | null,
  ended: number | null,
): AttemptReport {
  return {
    index,
    address,
    hostname: address.replace(/^\[?(.*?)\]?:\d+$/, "$1"),
    port: 443,
    family: address.startsWith("[") ? 6 : 4,
    outcome,
    started,
    startedBecause: started === null ? null : index === 0 ? "first" : "delay",
    ended,
    duration: started !== null && ended !== null ? ended - started : null,
    error: null,
    connected: null,
    tls: null,
  };
}

function report(attempts: AttemptReport[], elapsed: number): Report {
  return { attempts, elapsed, tls: null } as unknown as Report;
}

const RACE = report([
  attempt(0, "[::1]:443", "cancelled", 0, 300),
  attempt(1, "127.0.0.1:443", "won", 250, 300),
  attempt(2, "127.0.0.2:443", "notStarted", null, null),
], 300);

Deno.test("waterfall() draws one bar per attempt on a shared axis", () => {
  const lines = waterfall(RACE, { columns: 60, palette: palette(false) });
  // 60 columns: 27 for the axis, 300 ms / 27 = 11.1 ms a column.
  assertEquals(lines, [
    "Waterfall: one bar per attempt, 11.1 ms a column",
    `  #1 [::1]:443      ▏${"█".repeat(27)}▏ cancelled`,
    `  #2 127.0.0.1:443  ▏${" ".repeat(22)}${"█".repeat(5)}▏ won`,
    `                    0 ms${" ".repeat(17)}300.0 ms`,
  ]);
});

Deno.test("waterfall() draws nothing for one attempt or a narrow terminal", () => {
  const p = palette(false);
  assertEquals(waterfall(RACE, { columns: 40, palette: p }), []);
  assertEquals(waterfall(RACE, { columns: undefined, palette: p }), []);
  const single = report([attempt(0, "127.0.0.1:443", "won", 0, 1)], 1);
  assertEquals(waterfall(single, { columns: 120, palette: p }), []);
});

Deno.test("waterfall() draws each attempt's TCP part, then its TLS part", () => {
  const tls = (started: number, ended: number, ok: boolean) => ({
    started,
    ended,
    duration: ended - started,
    ok,
    error: null,
  });
  const race = report([
    // [::1] connects TCP at once, then its handshake stalls.
    {
      ...attempt(0, "[::1]:443", "cancelled", 0, 300),
      connected: 1,
      tls: tls(1, 300, false),
    },
    {
      ...attempt(1, "127.0.0.1:443", "won", 250, 300),
      connected: 251,
      tls: tls(272, 300, true),
    },
  ], 300);
  race.tls = {
    address: "127.0.0.1:443",
    serverName: "a.test",
    started: 272,
    ended: 300,
    duration: 28,
    ok: true,
    alpnProtocol: null,
    acceptance: null,
    error: null,
  };
  const lines = waterfall(race, { columns: 60, palette: palette(false) });
  // No TLS row of its own: each bar has its TLS part.
  assertEquals(lines, [
    "Waterfall: one bar per attempt (█ TCP, ▒ TLS), 11.1 ms a column",
    `  #1 [::1]:443      ▏█${"▒".repeat(26)}▏ cancelled`,
    `  #2 127.0.0.1:443  ▏${" ".repeat(22)}██${"▒".repeat(3)}▏ won`,
    `                    0 ms${" ".repeat(17)}300.0 ms`,
  ]);
});
