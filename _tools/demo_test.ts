// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { run } from "../_testing/command.ts";

Deno.test("_tools/demo.ts runs to completion with no network, and exits 0", async () => {
  const { code, stdout, stderr } = await run("_tools/demo.ts");
  assertEquals(code, 0, stderr);
  // First run: Happy Eyeballs passes the blackholed [::1] for 127.0.0.1.
  assertStringIncludes(stdout, "1. With Happy Eyeballs");
  assertMatch(stdout, /#1 \[::1\]:\d+ +started\n/);
  assertMatch(stdout, /#2 127\.0\.0\.1:\d+ +started, as #1 had no answer/);
  assertMatch(stdout, /Connected to 127\.0\.0\.1:\d+ \(#2 of 2\)/);
  // Second run: one at a time, still waiting for [::1] at the timeout.
  assertStringIncludes(stdout, "2. Strictly one address at a time");
  assertMatch(
    stdout,
    /timeout: gave up after 2000 ms .* \[::1\]:\d+ still pending/,
  );
  assertMatch(stdout, /#2 127\.0\.0\.1:\d+ +not tried: the timeout came first/);
  assertStringIncludes(stdout, "What it shows");
  // The only error printed is the second run's timeout.
  assertEquals(stderr, "error: timed out after 2000 ms (--timeout)\n");
});
