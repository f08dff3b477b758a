// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { canonicalIp, hasZoneId } from "./_ip.ts";

Deno.test("canonicalIp() gives one form per address (RFC 5952)", () => {
  const cases: [string, string][] = [
    ["127.0.0.1", "127.0.0.1"],
    ["::1", "::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["0000:0000:0000:0000:0000:0000:0000:0001", "::1"],
    ["::", "::"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8::0001", "2001:db8::1"],
    ["2001:db8::", "2001:db8::"],
    ["fe80::1", "fe80::1"],
    ["::ffff:127.0.0.2", "::ffff:127.0.0.2"],
    ["::FFFF:7f00:2", "::ffff:127.0.0.2"],
    ["0:0:0:0:0:ffff:7f00:1", "::ffff:127.0.0.1"],
  ];
  for (const [given, canonical] of cases) {
    assertEquals(canonicalIp(given), canonical, given);
  }
});

Deno.test("hasZoneId() tells link-local addresses with a zone id", () => {
  assertEquals(hasZoneId("fe80::1%eth0"), true);
  assertEquals(hasZoneId("fe80::1"), false);
});
