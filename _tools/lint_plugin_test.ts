// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import plugin from "./lint_plugin.ts";

const HEADER = "// Copyright 2026 the happy-eyeballs authors. MIT license.\n";

function ids(filename: string, source: string): string[] {
  return Deno.lint.runPlugin(plugin, filename, source).map((d) => d.id);
}

Deno.test("lint plugin passes code written in std's style", () => {
  assertEquals(
    ids(
      "connect.ts",
      HEADER +
        "const HOST_REGEXP = /x/;\n" +
        "export function f(a: string, b: number, options = {}): void {}\n" +
        "throw new TypeError(\"Cannot connect as 'port' must be given: it is 0\");\n" +
        "class A { #b = 1; }\n",
    ),
    [],
  );
});

Deno.test("lint plugin names each broken rule", () => {
  assertEquals(
    ids(
      "connect.ts",
      "const host = /x/;\n" +
        "export const f = () => 1;\n" +
        "export function g(a: string, b: number, c: number): void {}\n" +
        'throw new Error("can\'t connect.");\n' +
        "class A { private b = 1; }\n",
    ).sort(),
    [
      "std-style/copyright",
      "std-style/error-message",
      "std-style/error-message",
      "std-style/error-message",
      "std-style/exported-function-args-maximum",
      "std-style/no-top-level-arrow-syntax",
      "std-style/prefer-private-field",
      "std-style/regexp-name",
    ],
  );
});

Deno.test("lint plugin spares tests and private modules where std does", () => {
  assertEquals(
    ids(
      "_connect/x_test.ts",
      HEADER + "const f = () => 1;\n" + 'new Error("lower");\n' +
        "export function g(a: string, b: number, c: number): void {}\n",
    ),
    [],
  );
});
