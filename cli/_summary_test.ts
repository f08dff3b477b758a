// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { exitCode, repeatReport, summary } from "./_summary.ts";
import type { Report } from "./report_types.ts";

/** The parts of a report that the summary reads. */
function report(ok: boolean, duration: number | null): Report {
  return {
    ok,
    attempts: duration === null
      ? []
      : [{ outcome: "won", duration } as Report["attempts"][number]],
    connected: ok ? { address: "[::1]:443", localAddress: "", index: 0 } : null,
    elapsed: 12.5,
  } as Report;
}

Deno.test("repeatReport() sums up each connection", () => {
  const repeat = repeatReport([
    { report: report(true, 1.5), delay: 250, remembered: false },
    { report: report(false, null), delay: Infinity, remembered: true },
  ]);
  assertEquals(repeat.summary, [
    {
      ok: true,
      winner: "[::1]:443",
      connectTime: 1.5,
      delay: 250,
      remembered: false,
      elapsed: 12.5,
    },
    {
      ok: false,
      winner: null,
      connectTime: null,
      delay: null,
      remembered: true,
      elapsed: 12.5,
    },
  ]);
  assertEquals(repeat.runs.length, 2);
});

Deno.test("summary() lines up one row per connection", () => {
  const repeat = repeatReport([
    { report: report(true, 1.5), delay: 250, remembered: false },
  ]);
  assertEquals(summary(repeat, { color: false, requested: 3 }).split("\n"), [
    "",
    "Summary: 1 of 1 connection made (3 asked for), with one ConnectHistory",
    "  #  winner     connect time   delay  remembered    total",
    "  1  [::1]:443        1.5 ms  250 ms  no          12.5 ms",
    "  delay: the wait before the next attempt starts, shortened once the winner's connect time is known",
    "",
  ]);
});

Deno.test("exitCode() is 130 when interrupted, 0 when all connected, else 1", () => {
  assertEquals(exitCode([{ code: 0 }, { code: 0 }]), 0);
  assertEquals(exitCode([{ code: 0 }, { code: 1 }]), 1);
  assertEquals(exitCode([{ code: 1 }, { code: 130 }]), 130);
});
