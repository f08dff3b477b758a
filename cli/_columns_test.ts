// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { Columns, destination, ms, plural, seconds } from "./_columns.ts";
import { V4, V6 } from "../_testing/events.ts";

const PLAIN = { dim: (text: string) => text, cyan: (text: string) => text };

Deno.test("ms(), seconds(), plural() and destination() say the units and names", () => {
  assertEquals(ms(1.25), "1.3 ms");
  assertEquals(seconds(1500), "  1.5 s");
  assertEquals(seconds(123_400), "123.4 s");
  assertEquals(plural(1, "address"), "1 address");
  assertEquals(plural(2, "address"), "2 addresses");
  assertEquals(destination({ hostname: "[::1]", port: 443 }), "[::1]:443");
  assertEquals(
    destination({ hostname: "a\x1b.test", port: 1 }),
    "a\\x1b.test:1",
  );
});

Deno.test("Columns never stamp a line earlier than the one before", () => {
  const columns = new Columns(PLAIN, undefined);
  assertEquals(columns.line(2, "a"), "     +2.0 ms  a");
  assertEquals(columns.line(1, "b"), "     +2.0 ms  b");
  // A long --timeout widens the time column from the start.
  const wide = new Columns(PLAIN, 10_000_000);
  assertEquals(wide.line(2, "a"), "       +2.0 ms  a");
});

Deno.test("Columns pad the labels to the widest seen, and never narrow", () => {
  const columns = new Columns(PLAIN, undefined);
  const v4 = { index: 1, address: V4 };
  const v6 = { index: 0, address: V6 };
  assertEquals(columns.name(v4), "#2 127.0.0.1:443");
  columns.widen([v6]);
  assertEquals(columns.label(v6), "#1 [::1]:443");
  columns.widen([v4]);
  columns.widen([v6]);
  assertEquals(columns.label(v6), "#1 [::1]:443    ");
});
