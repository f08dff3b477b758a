// Copyright 2026 the happy-eyeballs authors. MIT license.
// The waterfall of the command-line tool: one bar per attempt on a shared
// time axis, as the network panels of browsers draw requests. Drawn from the
// report alone (pure data in, lines out).
import type { Palette } from "./_colors.ts";
import type { AttemptOutcome, Report } from "./report_types.ts";
import { visible } from "../_common/visible.ts";

/** Options of {@linkcode waterfall}. */
export interface WaterfallOptions {
  /** The width of the terminal; none: no waterfall. */
  columns: number | undefined;
  /** The styles. */
  palette: Palette;
}

/** The narrowest time axis worth drawing, in columns. */
const MIN_AXIS = 20;
/** The widest outcome word, after the bar. */
const OUTCOME_WIDTH = "abandoned".length;

const BAR = "█";
const TLS = "▒";

/** One bar: an attempt (its TCP part, then its TLS part), or the handshake. */
interface Row {
  label: string;
  start: number;
  end: number;
  outcome: string;
  /** When its own handshake started, if it ran one. */
  tls?: number;
}
const TICK = "▏";

/**
 * The waterfall of a run: none when fewer than two attempts started, or when
 * the terminal is too narrow for a time axis of {@linkcode MIN_AXIS} columns.
 */
export function waterfall(report: Report, options: WaterfallOptions): string[] {
  const { columns, palette: p } = options;
  const started = report.attempts.filter((a) => a.started !== null);
  if (started.length < 2 || columns === undefined) return [];
  const rows: Row[] = started.map((a) => ({
    label: `#${a.index + 1} ${visible(a.address)}`,
    start: a.started!,
    end: a.ended ?? report.elapsed,
    outcome: a.outcome as string,
    // Its own handshake, with the handshake in the race: drawn apart.
    ...(a.tls && { tls: a.tls.started }),
  }));
  const raced = rows.some((row) => row.tls !== undefined);
  if (report.tls && !raced) {
    rows.push({
      label: "TLS",
      start: report.tls.started,
      end: report.tls.ended ?? report.elapsed,
      outcome: report.tls.ok ? "done" : "failed",
    });
  }
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  // "  label  ▏bar▏ outcome": two spaces, the label, two, the bar between
  // two ticks, one, the outcome; and the last column left free.
  const axis = columns - 1 - (2 + labelWidth + 2 + 1 + 1 + 1 + OUTCOME_WIDTH);
  if (axis < MIN_AXIS) return [];
  const total = Math.max(report.elapsed, ...rows.map((r) => r.end), 0.001);
  const column = (ms: number) => Math.min(axis, (ms / total) * axis);

  const styles: Record<string, (text: string) => string> = {
    won: p.green,
    done: p.green,
    failed: p.red,
    cancelled: p.yellow,
    abandoned: p.yellow,
  };
  const lines = [
    p.bold(
      `Waterfall: one bar per attempt${
        raced ? ` (${BAR} TCP, ${TLS} TLS)` : ""
      }, ${(total / axis).toFixed(1)} ms a column`,
    ),
  ];
  for (const row of rows) {
    const from = Math.floor(column(row.start));
    const to = Math.max(from + 1, Math.ceil(column(row.end)));
    const style = styles[row.outcome] ?? p.dim;
    // TCP up to the handshake's start (one column at least), then TLS.
    const split = row.tls === undefined
      ? to
      : Math.min(to, Math.max(from + 1, Math.round(column(row.tls))));
    const bar = " ".repeat(from) +
      style(BAR.repeat(split - from) + TLS.repeat(to - split)) +
      " ".repeat(axis - to);
    lines.push(
      `  ${p.cyan(row.label.padEnd(labelWidth))}  ${TICK}${bar}${TICK} ${
        style(outcomeWord(row.outcome))
      }`,
    );
  }
  const end = `${total.toFixed(1)} ms`;
  lines.push(
    `  ${" ".repeat(labelWidth)}  ${
      p.dim(`0 ms${end.padStart(axis + 2 - "0 ms".length)}`)
    }`,
  );
  return lines;
}

function outcomeWord(outcome: string): string {
  return outcome === ("notStarted" satisfies AttemptOutcome)
    ? "not tried"
    : outcome;
}
