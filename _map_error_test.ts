// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertInstanceOf, assertStrictEquals } from "@std/assert";
import { mapError } from "./_map_error.ts";

function nodeError(code: string): Error {
  return Object.assign(new Error(`failed: ${code}`), { code });
}

Deno.test("mapError() gives node errors the class Deno uses", () => {
  const cases: [string, new (...args: never[]) => Error][] = [
    ["ECONNREFUSED", Deno.errors.ConnectionRefused],
    ["EHOSTUNREACH", Deno.errors.NetworkUnreachable],
    ["EINVAL", TypeError],
    ["ERR_STREAM_PREMATURE_CLOSE", Deno.errors.UnexpectedEof],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", Deno.errors.InvalidData],
    ["ERR_SSL_WRONG_VERSION_NUMBER", Deno.errors.InvalidData],
  ];
  for (const [code, Class] of cases) {
    const error = nodeError(code);
    const mapped = mapError(error);
    assertInstanceOf(mapped, Class);
    assertStrictEquals(mapped.message, error.message);
    assertStrictEquals(mapped.cause, error);
  }
});

Deno.test("mapError() leaves alone what it does not know", () => {
  const deno = new Deno.errors.ConnectionReset("reset");
  const odd = nodeError("ESOMETHING");
  for (const value of [deno, odd, new Error("no code"), "text", undefined]) {
    assertStrictEquals(mapError(value), value);
  }
});
