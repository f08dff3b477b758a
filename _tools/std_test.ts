// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { filesFor, sourceFiles } from "./std.ts";

Deno.test("filesFor() leaves the tests out for `run`, and nothing else", () => {
  const files = [
    "mod.ts",
    "connect_test.ts",
    "connect_bench.ts",
    "_testing/net.ts",
    "_tools/demo.ts",
  ];
  assertEquals(filesFor(["run", "-A", "_tools/demo.ts"], files), [
    "mod.ts",
    "_tools/demo.ts",
  ]);
  assertEquals(filesFor(["test", "-A", "--doc"], files), files);
});

Deno.test("the registry check of `deno task demo` fetches no npm package (the tests' clients)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "he_std_" });
  try {
    const files = filesFor(["run", "_tools/demo.ts"], await sourceFiles());
    const { success } = await new Deno.Command(Deno.execPath(), {
      args: ["cache", "--quiet", "--no-lock", ...files],
      cwd: new URL("../", import.meta.url),
      env: { DENO_DIR: dir },
      stdout: "null",
      stderr: "inherit",
    }).output();
    assertEquals(success, true);
    let npm: string[] = [];
    try {
      npm = [...Deno.readDirSync(`${dir}/npm/registry.npmjs.org`)]
        .map((entry) => entry.name);
    } catch {
      // No npm folder: nothing fetched.
    }
    // The library's own optional dependency, which `deno cache` fetches as
    // it follows dynamic imports too: @opentelemetry/api, loaded at run time
    // only once a telemetry provider is registered.
    assertEquals(npm.filter((name) => name !== "@opentelemetry"), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno.json's imports hold no npm package: deno task would install them all before any task", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  assertEquals(
    Object.values<string>(config.imports).filter((to) => to.startsWith("npm:")),
    [],
  );
});
