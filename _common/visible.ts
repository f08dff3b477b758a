// Copyright 2026 the happy-eyeballs authors. MIT license.
// What the command-line tool prints of strings it did not write itself (from
// the network, from errors, from the command line): control characters made
// visible, so that no escape sequence reaches the terminal. Stripping colour
// codes is not enough: a cursor move, a title change or a bidirectional
// override rewrites what a person sees.

/**
 * C0 and C1 controls, DEL, and the invisible characters that reorder or
 * break lines (bidirectional marks and overrides, line and paragraph
 * separators).
 */
const INVISIBLE_REGEXP =
  // deno-lint-ignore no-control-regex
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const RAW_IN_JSON_REGEXP =
  /[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every control character written as an escape (`\x1b`,
 * `\u202e`): safe to print on a terminal, on one line.
 */
export function visible(text: string): string {
  return text.replace(INVISIBLE_REGEXP, escape);
}

/**
 * `JSON.stringify(value, null, 2)`, with the characters that JSON leaves raw
 * (DEL, C1 controls, bidirectional overrides) escaped too: the same value,
 * safe on a terminal.
 */
export function safeJson(value: unknown): string {
  // JSON escapes C0 controls itself; the newlines left are its own layout.
  return JSON.stringify(value, null, 2).replace(
    RAW_IN_JSON_REGEXP,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
