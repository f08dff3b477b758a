// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { scopedAddress } from "./zone.ts";
import { canonicalIp, isDialable, withoutZone } from "./ip.ts";

/** An interface with a link-local address, and its index, if there is one. */
function linkLocalInterface(): { name: string; index: number } | undefined {
  const found = Deno.networkInterfaces().find((info) =>
    info.family === "IPv6" && info.scopeid !== null && info.scopeid > 0
  );
  return found && { name: found.name, index: found.scopeid! };
}

Deno.test("scopedAddress() keeps an index, canonical, and maps an interface name to its index", () => {
  assertEquals(scopedAddress("fe80::1%2"), "fe80::1%2");
  assertEquals(scopedAddress("FE80:0:0:0:0:0:0:0001%002"), "fe80::1%2");
  assertEquals(scopedAddress("fe80::1%no-such-if0"), undefined);
  const link = linkLocalInterface();
  if (link) {
    assertEquals(
      scopedAddress(`fe80::1%${link.name}`),
      `fe80::1%${link.index}`,
    );
  }
});

Deno.test("canonicalIp(), isDialable() and withoutZone() with zone ids", () => {
  assertEquals(canonicalIp("0:0:0:0:0:0:0:1%01"), "::1%1");
  assertEquals(canonicalIp("FE80::1%eth0"), "fe80::1%eth0");
  assertEquals(isDialable("::1"), true);
  assertEquals(isDialable("::1%1"), true);
  assertEquals(isDialable("::1%01"), false);
  assertEquals(isDialable("::1%lo"), false);
  assertEquals(withoutZone("fe80::1%2"), "fe80::1");
  assertEquals(withoutZone("::1"), "::1");
});
