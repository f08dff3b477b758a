// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import { run } from "../_testing/command.ts";
import { needs } from "../_testing/needs.ts";

Deno.test(
  "_tools/demo.ts runs to completion with no network, and exits 0",
  needs("python3"),
  async () => {
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
    assertMatch(
      stdout,
      /#2 127\.0\.0\.1:\d+ +not tried: the timeout came first/,
    );
    // Third run: --repeat 3, the remembered winner first.
    assertStringIncludes(stdout, "3. Three connections in a row");
    assertMatch(
      stdout,
      /Summary: 3 of 3 connections made, with one ConnectHistory/,
    );
    assertMatch(
      stdout,
      /\n {2}2 {2}127\.0\.0\.1:\d+ +[\d.]+ ms {2}100 ms {2}yes /,
    );
    // Its second and third connections look nothing up: they say so.
    assertEquals(
      stdout.match(
        /Remembered 2 addresses of broken-ipv6\.test \(looked up \d+\.\d s ago\), in the order they will be tried:/g,
      )?.length,
      2,
    );
    assertStringIncludes(stdout, "What it shows");
    // The last lines: commands that work here, with deno on PATH.
    assert(
      stdout.endsWith(
        "Try it on a real host:\n" +
          "  deno run -A cli/main.ts example.com 443 --tls    (this clone)\n" +
          "  deno run -A jsr:@happy-eyeballs/connect/cli example.com 443 --tls\n",
      ),
      stdout.slice(-300),
    );
    // The second run's timeout, as expected: no line says "error:".
    assertEquals(
      stderr,
      "as expected, it failed: timed out after 2000 ms (--timeout)\n",
    );
  },
);

Deno.test(
  "_tools/demo.ts says to run the tool through npx when no deno is on PATH but npx's",
  needs("python3"),
  async () => {
    // A PATH with python3 (for the blackhole), and deno only in the folder
    // npx puts on the PATH of what it runs, which the reader's shell lacks.
    const bin = await Deno.makeTempDir();
    const npxBin = `${bin}/_npx/0123abcd/node_modules/.bin`;
    await Deno.mkdir(npxBin, { recursive: true });
    await Deno.symlink(Deno.execPath(), `${npxBin}/deno`);
    try {
      // The interpreter itself: python3 on PATH may be a shim (pyenv).
      const python = new Deno.Command("python3", {
        args: ["-c", "import sys; print(sys.executable)"],
      }).outputSync();
      await Deno.symlink(
        new TextDecoder().decode(python.stdout).trim(),
        `${bin}/python3`,
      );
      const { code, stdout, stderr } = await run("_tools/demo.ts", [], {
        PATH: `${npxBin}:${bin}`,
      });
      assertEquals(code, 0, stderr);
      assert(
        stdout.endsWith(
          "Try it on a real host:\n" +
            `  npx -y deno@${Deno.version.deno} run -A cli/main.ts example.com 443 --tls    (this clone)\n` +
            `  npx -y deno@${Deno.version.deno} run -A jsr:@happy-eyeballs/connect/cli example.com 443 --tls\n`,
        ),
        stdout.slice(-300),
      );
    } finally {
      await Deno.remove(bin, { recursive: true });
    }
  },
);
