// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import fc from "fast-check";
import { isIP } from "node:net";
import { ipVersion } from "./_resolve.ts";

Deno.test("ipVersion() agrees with isIP()", () => {
  for (
    const value of [
      "127.0.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "256.0.0.1",
      "01.0.0.1",
      "1.0.0.00",
      "1.2.3",
      "1.2.3.4.5",
      "1..2.3",
      ".1.2.3",
      "1.2.3.",
      "1.2.3.4.",
      "1234.1.1.1",
      "",
      "localhost",
      "he.test",
      "::1",
      "fe80::1%lo",
      "::ffff:127.0.0.1",
      "[::1]",
      "1:2",
    ]
  ) {
    assertEquals(ipVersion(value), isIP(value), value);
  }
  const parts = fc.oneof(
    fc.nat(300).map(String),
    fc.constantFrom("", "0", "00", "01", "a", "-1", " 1"),
  );
  fc.assert(
    fc.property(
      fc.array(parts, { minLength: 0, maxLength: 6 }),
      (list) => {
        const value = list.join(".");
        assertEquals(ipVersion(value), isIP(value), value);
      },
    ),
  );
});
