// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { ownElements, ownOptions } from "./own_options.ts";

/** Runs `fn` with `key` on Object.prototype as a getter without a setter. */
function withGetterOnly<T>(key: string, value: unknown, fn: () => T): T {
  Object.defineProperty(Object.prototype, key, {
    get: () => value,
    configurable: true,
  });
  try {
    return fn();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[key];
  }
}

Deno.test("ownOptions() reads own properties only, each once", () => {
  let reads = 0;
  const options = {
    get port() {
      reads++;
      return 80;
    },
  };
  const copy = ownOptions(options, ["hostname", "port"]);
  assertEquals(copy, { hostname: undefined, port: 80 });
  assertStrictEquals(reads, 1);
  assertStrictEquals(Object.hasOwn(copy, "hostname"), true);
});

Deno.test("ownOptions() keeps out what a polluted Object.prototype holds, even a getter without a setter", () => {
  // A fresh list of keys: the blank object for it is made under pollution.
  const known = ["cert", "key"];
  const copy = withGetterOnly(
    "cert",
    "-----BEGIN CERTIFICATE-----",
    () => ownOptions({ key: "k" }, known),
  );
  assertEquals(copy, { cert: undefined, key: "k" });
});

Deno.test("ownOptions() surfaces a throwing getter as itself", () => {
  const error = new Error("getter");
  const options = Object.defineProperty({}, "port", {
    enumerable: true,
    get() {
      throw error;
    },
  });
  assertStrictEquals(
    assertThrows(() => ownOptions(options, ["port"])),
    error,
  );
});

Deno.test("ownElements() copies dense arrays and refuses holes and non-arrays", () => {
  assertEquals(ownElements(["a", "b"]), ["a", "b"]);
  assertEquals(ownElements([, "b"]), undefined);
  assertEquals(ownElements("ab"), undefined);
});
