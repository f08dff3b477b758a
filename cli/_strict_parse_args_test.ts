// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { strictParseArgs } from "./_strict_parse_args.ts";

const OPTIONS = {
  flag: { type: "boolean", short: "f" },
  other: { type: "boolean", short: "o" },
  name: { type: "string" },
  list: { type: "string", multiple: true },
} as const;

Deno.test("strictParseArgs() reads flags, values, repeats and positionals", () => {
  assertEquals(
    strictParseArgs(
      ["a", "--name", "1", "-fo", "--list=x", "--list", "y", "--name=2", "b"],
      OPTIONS,
    ),
    {
      values: { name: "2", flag: true, other: true, list: ["x", "y"] },
      positionals: ["a", "b"],
    },
  );
  // Nothing is guessed: numbers stay text, "true" after a flag is positional.
  assertEquals(strictParseArgs(["--flag", "true", "443"], OPTIONS), {
    values: { flag: true },
    positionals: ["true", "443"],
  });
  assertEquals(strictParseArgs([], OPTIONS), { values: {}, positionals: [] });
});

Deno.test("strictParseArgs() takes everything after -- as positional", () => {
  assertEquals(strictParseArgs(["-f", "--", "--name", "-o", "--"], OPTIONS), {
    values: { flag: true },
    positionals: ["--name", "-o", "--"],
  });
  assertEquals(strictParseArgs(["-", "--name=-x"], OPTIONS), {
    values: { name: "-x" },
    positionals: ["-"],
  });
});

Deno.test("strictParseArgs() refuses what node:util's strict parseArgs refuses", () => {
  const cases: [string[], string][] = [
    [["--nope"], "Unknown option '--nope'. To specify a positional"],
    [["--no-flag"], "Unknown option '--no-flag'"],
    [["--toString"], "Unknown option '--toString'"],
    [["-x"], "Unknown option '-x'"],
    [["-fx"], "Unknown option '-x'"],
    [["-1"], "Unknown option '-1'"],
    [["--name"], "Option '--name <value>' argument missing"],
    [["--flag=yes"], "Option '-f, --flag' does not take an argument"],
    [["--name", "-5"], "use '--name=-XYZ'"],
    [["--name", "--flag"], "Option '--name' argument is ambiguous"],
  ];
  for (const [args, message] of cases) {
    const error = assertThrows(() => strictParseArgs(args, OPTIONS), TypeError);
    assertStringIncludes(error.message, message);
  }
});
