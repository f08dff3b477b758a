// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { scriptOf } from "./std.ts";

Deno.test("scriptOf() names the script of `run`, after its flags, and nothing else", () => {
  assertEquals(
    scriptOf(["run", "-A", "_tools/demo.ts", "--x"]),
    "_tools/demo.ts",
  );
  assertEquals(
    scriptOf(["run", "-A", "--v8-flags=--expose-gc", "_tools/soak.ts"]),
    "_tools/soak.ts",
  );
  assertEquals(scriptOf(["test", "-A", "--doc"]), undefined);
  assertEquals(scriptOf(["run", "-A"]), undefined);
});

Deno.test("`deno task demo`'s registry check fetches no npm package (the tests' clients)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "he_std_" });
  try {
    const { success } = await new Deno.Command(Deno.execPath(), {
      args: ["cache", "--quiet", "--no-lock", "_tools/demo.ts"],
      cwd: new URL("../", import.meta.url),
      env: { DENO_DIR: dir },
      stdout: "null",
      stderr: "inherit",
    }).output();
    assertEquals(success, true);
    let npm: string[] = [];
    try {
      npm = [...Deno.readDirSync(`${dir}/npm`)].map((e) => e.name);
    } catch {
      // No npm folder: nothing fetched.
    }
    assertEquals(npm, []);
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
