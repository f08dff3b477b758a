// Copyright 2026 the happy-eyeballs authors. MIT license.
// The styles of the command-line tool, from @std/fmt/colors, all switched off
// at once when an output does not want colour (std's own switch is global).

import { bold, cyan, dim, green, red, yellow } from "@std/fmt/colors";

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

const COLORS: Palette = { bold, dim, red, green, yellow, cyan };

/** Text as it is: the style of every colour without colours. */
function plain(text: string): string {
  return text;
}

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
