// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { safeJson, visible } from "./visible.ts";

Deno.test("visible() writes control characters as escapes", () => {
  assertEquals(visible("plain text, ünïcode"), "plain text, ünïcode");
  assertEquals(
    visible("evil\x1b[31mred\x1b]0;title\x07.test"),
    "evil\\x1b[31mred\\x1b]0;title\\x07.test",
  );
  assertEquals(visible("a\nb\rc\td\x7f\x9b"), "a\\x0ab\\x0dc\\x09d\\x7f\\x9b");
  // Bidirectional overrides and line separators reorder or break lines.
  assertEquals(visible("a\u202eb\u2066c\u2028d"), "a\\u202eb\\u2066c\\u2028d");
  // Zero-width characters, the byte-order mark, a soft hyphen, tag
  // characters (outside the BMP) and a lone surrogate show as nothing.
  assertEquals(
    visible("a\u200bb\u200dc\ufeffd\u00ade\u2060f"),
    "a\\u200bb\\u200dc\\ufeffd\\xade\\u2060f",
  );
  assertEquals(visible("x\u{e0041}\u{e007f}y"), "x\\u{e0041}\\u{e007f}y");
  assertEquals(visible("x\ud800y"), "x\\ud800y");
  // Emoji and letters stay as they are.
  assertEquals(visible("caf\u00e9 \u{1f600}"), "caf\u00e9 \u{1f600}");
});

Deno.test("safeJson() is the same JSON, with what JSON leaves raw escaped", () => {
  const value = {
    name: "a\x1b[2J\x9b\u202eb\u200b\ufeff\u{e0041}",
    list: [1, "x"],
  };
  const text = safeJson(value);
  assertEquals(JSON.parse(text), value);
  assertEquals(text.includes("\x1b") || text.includes("\u202e"), false);
  assertEquals(text.includes("\x9b"), false);
  assertEquals(/[\u200b\ufeff]|\u{e0041}/u.test(text), false);
  assertEquals(
    text.split("\n").length,
    JSON.stringify(value, null, 2).split("\n").length,
  );
});
