// Copyright 2026 the happy-eyeballs authors. MIT license.
// A tiny stand-in for @std/fmt/colors: the few ANSI styles the command-line
// tool uses, all switched off at once when colour is not wanted.

/** Wraps text in one style, or returns it unchanged when colour is off. */
export type Style = (text: string) => string;

/** The styles of the command-line tool. */
export interface Palette {
  /** Headings and the final verdict. */
  bold: Style;
  /** Times and side remarks. */
  dim: Style;
  /** Failures. */
  red: Style;
  /** The winner and success. */
  green: Style;
  /** Cancellations, timeouts and waiting. */
  yellow: Style;
  /** Addresses. */
  cyan: Style;
}

function style(open: number, close: number): Style {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

const COLORS: Palette = {
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
};

const plain: Style = (text) => text;

const PLAIN: Palette = {
  bold: plain,
  dim: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
};

/** The styles, in colour when `enabled`, else plain text. */
export function palette(enabled: boolean): Palette {
  return enabled ? COLORS : PLAIN;
}

/** Whether colour suits an output: a terminal, and `NO_COLOR` is not set. */
export function wantsColor(isTerminal: boolean): boolean {
  return isTerminal && !Deno.noColor;
}

/** Removes ANSI styles, to measure or compare text. */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
