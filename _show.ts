// Copyright 2026 the happy-eyeballs authors. MIT license.
// Values shown in error messages: one formatter, cut to a sane length, so that
// a huge input is never echoed whole.

/** The most characters of a value that a message shows. */
export const MAX_SHOWN = 100;

/**
 * Shows a value in a message: strings quoted as JSON (control characters
 * escaped), functions as "a function", the rest as `String()` does; anything
 * longer than {@linkcode MAX_SHOWN} characters is cut, saying how long it was.
 */
export function show(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "string") {
    return value.length > MAX_SHOWN
      ? `${
        JSON.stringify(value.slice(0, MAX_SHOWN))
      }… (${value.length} characters)`
      : JSON.stringify(value);
  }
  let text: string;
  try {
    text = String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  // deno-lint-ignore no-control-regex
  text = text.replace(/[\x00-\x1f\x7f]/g, " ");
  return text.length > MAX_SHOWN
    ? `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)`
    : text;
}
