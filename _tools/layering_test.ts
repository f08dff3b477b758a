// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { codeLines } from "./_graph.ts";
import { matches, violations } from "./layering.ts";

Deno.test("matches() reads the patterns of the tables", () => {
  assertEquals(matches("connect.ts", "*.ts"), true);
  assertEquals(matches("connect_test.ts", "*.ts"), false);
  assertEquals(matches("_common/ip.ts", "*.ts"), false);
  assertEquals(matches("_common/ip.ts", "_common/"), true);
  assertEquals(matches("errors.ts", "errors.ts"), true);
  assertEquals(matches("_common/ip_test.ts", "*_test.ts"), true);
});

Deno.test("codeLines() counts neither blank nor comment lines", () => {
  assertEquals(codeLines("// a\n/**\n * b\n */\n\nconst a = 1;\n  f();\n"), 2);
});

Deno.test("violations() names each broken rule", () => {
  const graph = new Map([
    ["mod.ts", ["connect.ts", "cli/main.ts"]],
    ["connect.ts", ["_connect/a.ts"]],
    ["_connect/a.ts", ["_connect/b.ts", "_common/x.ts"]],
    ["_connect/b.ts", []],
    ["_common/x.ts", ["errors.ts"]],
    ["errors.ts", []],
    ["cli/main.ts", ["_tls/options.ts"]],
    ["_tls/options.ts", []],
    ["cli/main_test.ts", ["cli/main.ts", "_connect/a.ts"]],
  ]);
  const lines = new Map([["connect.ts", 201], ["_connect/a.ts", 300]]);
  assertEquals(violations({ graph, codeLines: lines, entries: ["mod.ts"] }), [
    "import: mod.ts imports cli/main.ts (cli/ may be imported only from cli/, tests and tools)",
    "import: _connect/a.ts imports _connect/b.ts (not an edge of PIPELINE)",
    "import: _common/x.ts imports errors.ts (_common/ may import only _common/)",
    "import: cli/main.ts imports _tls/options.ts (cli/ may import only *.ts, _common/, _connect/options.ts, cli/)",
    "size: connect.ts has 201 code lines (> 200)",
  ]);
});

Deno.test("violations() finds cycles and long chains", () => {
  const graph = new Map<string, string[]>();
  for (let i = 0; i < 11; i++) {
    graph.set(`_common/m${i}.ts`, i < 10 ? [`_common/m${i + 1}.ts`] : []);
  }
  graph.set("_common/y.ts", ["_common/z.ts"]);
  graph.set("_common/z.ts", ["_common/y.ts"]);
  const found = violations({
    graph,
    codeLines: new Map(),
    entries: ["_common/m0.ts", "_common/m1.ts"],
  });
  assertEquals(found.length, 2);
  assertEquals(found[0], "cycle: _common/y.ts -> _common/z.ts -> _common/y.ts");
  assertEquals(
    found[1]?.startsWith("chain: from _common/m0.ts, 11 modules"),
    true,
  );
});
