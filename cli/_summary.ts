// Copyright 2026 the happy-eyeballs authors. MIT license.
// The summary of `--repeat N`: one line per connection, made with one
// ConnectHistory, so that a reader sees the remembered winner go first and
// the delay shrink to its measured connect time.
import { palette } from "./_colors.ts";
import type { RepeatReport, RepeatSummary, Report } from "./report_types.ts";
import { visible } from "../_common/visible.ts";

/** Options of {@linkcode summary}. */
export interface SummaryOptions {
  /** Style with ANSI codes. */
  color: boolean;
  /** How many connections were asked for (fewer ran when interrupted). */
  requested: number;
}

/** The summary of `--repeat`, as text ending in a newline. */
export function summary(repeat: RepeatReport, options: SummaryOptions): string {
  const p = palette(options.color);
  const rows = repeat.summary.map((run, i) => [
    `${i + 1}`,
    run.winner === null ? "(failed)" : visible(run.winner),
    run.connectTime === null ? "-" : `${run.connectTime.toFixed(1)} ms`,
    run.delay === null ? "Infinity" : `${run.delay} ms`,
    run.remembered ? "yes" : "no",
    `${run.elapsed.toFixed(1)} ms`,
  ]);
  const head = ["#", "winner", "connect time", "delay", "remembered", "total"];
  const widths = head.map((h, c) =>
    Math.max(h.length, ...rows.map((row) => row[c]!.length))
  );
  // Text columns to the left, figures to the right.
  const cell = (text: string, c: number) =>
    c === 1 || c === 4 ? text.padEnd(widths[c]!) : text.padStart(widths[c]!);
  const line = (row: string[]) => `  ${row.map(cell).join("  ").trimEnd()}`;
  const ran = repeat.summary.length;
  const ok = repeat.summary.filter((run) => run.ok).length;
  const title = `Summary: ${ok} of ${ran} connection${
    ran === 1 ? "" : "s"
  } made${
    ran < options.requested ? ` (${options.requested} asked for)` : ""
  }, with one ConnectHistory`;
  return [
    "",
    p.bold(title),
    p.dim(line(head)),
    ...rows.map((row, i) =>
      repeat.summary[i]!.ok ? line(row) : p.red(line(row))
    ),
    p.dim(
      "  delay: the wait before the next attempt starts, shortened once the winner's connect time is known",
    ),
    "",
  ].join("\n");
}

/**
 * The exit code of a run: 130 when interrupted, 0 when every connection
 * succeeded, else 1.
 *
 * @param runs The code of each connection.
 * @returns The tool's exit code.
 */
export function exitCode(runs: readonly { code: number }[]): number {
  if (runs.some((run) => run.code === 130)) return 130;
  return runs.every((run) => run.code === 0) ? 0 : 1;
}

/** One connection of `--repeat`, as {@linkcode repeatReport} needs it. */
export interface RepeatRun {
  /** Its report. */
  report: Report;
  /** The delay in force (ms). */
  delay: number;
  /** Whether the history chose the first address. */
  remembered: boolean;
}

/**
 * Every connection's report, and a line of summary for each.
 *
 * @param runs The connections, in order.
 * @returns The `--repeat` report.
 */
export function repeatReport(runs: RepeatRun[]): RepeatReport {
  return {
    runs: runs.map((run) => run.report),
    summary: runs.map((run): RepeatSummary => {
      const won = run.report.attempts.find((a) => a.outcome === "won");
      return {
        ok: run.report.ok,
        winner: run.report.connected?.address ?? null,
        connectTime: won?.duration ?? null,
        delay: run.delay === Infinity ? null : run.delay,
        remembered: run.remembered,
        elapsed: run.report.elapsed,
      };
    }),
  };
}
