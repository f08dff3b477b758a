// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertThrows } from "@std/assert";
import { interleave } from "./happy_eyeballs.ts";

const familyOf = (address: string) => address.includes(":") ? 6 : 4;

Deno.test("interleave() alternates families, starting with the first seen", () => {
  assertEquals(
    interleave(["::1", "::2", "::3", "10.0.0.1"], familyOf),
    ["::1", "10.0.0.1", "::2", "::3"],
  );
});

Deno.test("interleave() keeps the resolver's order when firstFamilyCount is 0", () => {
  const addresses = ["::1", "::2", "10.0.0.1"];
  const result = interleave(addresses, familyOf, 0);
  assertEquals(result, addresses);
  // A copy, so that callers can reorder it freely.
  assertEquals(result === addresses, false);
});

Deno.test("interleave() throws RangeError on a bad firstFamilyCount", () => {
  assertThrows(() => interleave([], familyOf, -1), RangeError, "non-negative");
  assertThrows(() => interleave([], familyOf, 1.5), RangeError);
});
