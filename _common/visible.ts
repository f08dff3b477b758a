// Copyright 2026 the happy-eyeballs authors. MIT license.
// What the command-line tool prints of strings it did not write itself (from
// the network, from errors, from the command line): control characters made
// visible, so that no escape sequence reaches the terminal. Stripping colour
// codes is not enough: a cursor move, a title change or a bidirectional
// override rewrites what a person sees.

/**
 * Controls (C0, DEL, C1), format characters (bidirectional marks and
 * overrides, zero-width spaces and joiners, the byte-order mark, soft
 * hyphens, tag characters), the other default-ignorable code points (which a
 * terminal shows as nothing), line and paragraph separators, and lone
 * surrogates: whatever could hide, reorder or break what a person reads.
 */
const INVISIBLE_REGEXP =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

/** Those of {@linkcode INVISIBLE_REGEXP} that JSON does not escape itself. */
const RAW_IN_JSON_REGEXP =
  /[\x7f-\x9f\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

function escape(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : code < 0x10000
    ? `\\u${code.toString(16).padStart(4, "0")}`
    : `\\u{${code.toString(16)}}`;
}

/** `char` as JSON escapes: one `\uXXXX` per UTF-16 code unit. */
function jsonEscape(char: string): string {
  let escaped = "";
  for (let i = 0; i < char.length; i++) {
    escaped += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
  }
  return escaped;
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
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON_REGEXP, jsonEscape);
}
