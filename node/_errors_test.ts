// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
} from "@std/assert";
import { withNodeCode } from "./_errors.ts";

Deno.test("withNodeCode() gives a Deno error the code node:net would set", () => {
  const error = new Deno.errors.ConnectionRefused("refused");
  assertStrictEquals(withNodeCode(error), error);
  assertEquals((error as { code?: string }).code, "ECONNREFUSED");
  const all = withNodeCode(
    new AggregateError([new Deno.errors.ConnectionRefused("refused")]),
  );
  assertEquals((all as { code?: string }).code, "ECONNREFUSED");
});

Deno.test("withNodeCode() keeps an error's own code, and a frozen error as it is", () => {
  const coded = Object.assign(new Deno.errors.ConnectionReset("reset"), {
    code: "EOWN",
  });
  assertEquals((withNodeCode(coded) as { code?: string }).code, "EOWN");
  const frozen = Object.freeze(new Deno.errors.BrokenPipe("gone"));
  assertStrictEquals(withNodeCode(frozen), frozen);
  assertEquals((frozen as { code?: string }).code, undefined);
});

Deno.test("withNodeCode() makes an Error of anything else", () => {
  const error = withNodeCode("failed");
  assertInstanceOf(error, Error);
  assertEquals(error.message, "failed");
  assertEquals((error as { code?: string }).code, undefined);
});
