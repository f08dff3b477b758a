// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import fc from "fast-check";
import { isIP } from "node:net";
import {
  canonicalIp,
  familyOf,
  hasZoneId,
  ipVersion,
  joinHostPort,
  splitHostPort,
  unbracket,
} from "./ip.ts";

Deno.test("ipVersion() tells IPv4, IPv6 and host names apart", () => {
  const cases: [string, number][] = [
    ["127.0.0.1", 4],
    ["0.0.0.0", 4],
    ["255.255.255.255", 4],
    ["256.0.0.1", 0],
    ["127.0.0.01", 0],
    ["127.1", 0],
    ["::1", 6],
    ["::", 6],
    ["1::", 6],
    ["1:2:3:4:5:6:7:8", 6],
    ["1:2:3:4:5:6:7::", 6],
    ["1:2:3:4:5:6:7:8:9", 0],
    ["1::2::3", 0],
    [":::", 0],
    ["::ffff:127.0.0.1", 6],
    ["1:2:3:4:5:6:127.0.0.1", 6],
    ["1:2:3:4:5:6:7:127.0.0.1", 0],
    ["::127.0.0.1:1", 0],
    ["fe80::1%eth0", 6],
    ["fe80::1%", 0],
    ["[::1]", 0],
    ["localhost", 0],
    ["a.test", 0],
    ["", 0],
  ];
  for (const [value, version] of cases) {
    assertEquals(ipVersion(value), version, value);
    // The grammar of Node's net.isIP(), which it replaces.
    assertEquals(isIP(value), version, `isIP ${value}`);
  }
});

Deno.test("ipVersion() agrees with node:net isIP() on any address or near-miss", () => {
  const near = fc.stringMatching(/^[0-9a-fA-F:.%]{0,24}$/);
  fc.assert(
    fc.property(
      fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), near, fc.domain()),
      (value) => ipVersion(value) === isIP(value),
    ),
    { numRuns: 2_000 },
  );
});

Deno.test("familyOf(), unbracket() and joinHostPort()", () => {
  assertEquals(familyOf("::1"), 6);
  assertEquals(familyOf("127.0.0.1"), 4);
  assertEquals(unbracket("[::1]"), "::1");
  assertEquals(unbracket("::1"), "::1");
  assertEquals(unbracket("[x"), "[x");
  assertEquals(joinHostPort("::1", 443), "[::1]:443");
  assertEquals(joinHostPort("127.0.0.1", 80), "127.0.0.1:80");
  assertEquals(joinHostPort("a.test", 80), "a.test:80");
});

Deno.test("ipVersion() agrees with node:net isIP() on dotted near-misses", () => {
  // Numbers up to 300, leading zeros, empty and foreign parts, 0 to 6 parts:
  // what the scan of isIpv4() must get right.
  const part = fc.oneof(
    fc.nat(300).map(String),
    fc.constantFrom("", "0", "00", "01", "009", "a", "-1", " 1", "1e2"),
  );
  fc.assert(
    fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
      const value = parts.join(".");
      return ipVersion(value) === isIP(value);
    }),
    { numRuns: 2_000 },
  );
});

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

Deno.test("splitHostPort() splits host and port, brackets dropped", () => {
  const cases: [string, string, string | undefined][] = [
    ["h", "h", undefined],
    ["h:80", "h", "80"],
    ["127.0.0.1:", "127.0.0.1", ""],
    ["::1", "::1", undefined],
    ["fe80::1", "fe80::1", undefined],
    ["[::1]", "::1", undefined],
    ["[::1]:53", "::1", "53"],
    ["[]:1", "", "1"],
    // Not a bracketed address: left for the caller to refuse.
    ["[::1]x", "[::1]x", undefined],
  ];
  for (const [text, hostname, port] of cases) {
    assertEquals(splitHostPort(text), { hostname, port }, text);
  }
});
