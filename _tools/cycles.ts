// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * Finds import cycles among the repository's own modules, type-only imports
 * and dynamic imports included (`deno info --json` lists them all). Part of
 * `deno task check`; exits non-zero and prints each cycle when there is one.
 *
 * @module
 */

/** The repository root: every module is found from there. */
const ROOT = new URL("../", import.meta.url);

interface Dependency {
  code?: { specifier: string };
  type?: { specifier: string };
}
interface Module {
  specifier: string;
  dependencies?: Dependency[];
}

// `deno info` takes one module: one that imports every module of the root
// and of its folders of code.
const imports: string[] = [];
for (
  const folder of [
    "",
    "_common/",
    "_connect/",
    "_tls/",
    "cli/",
    "node/",
    "_testing/",
    "_tools/",
    "bench/",
  ]
) {
  try {
    for await (const entry of Deno.readDir(new URL(folder, ROOT))) {
      if (entry.isFile && entry.name.endsWith(".ts")) {
        imports.push(new URL(folder + entry.name, ROOT).href);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
const all = await Deno.makeTempFile({ suffix: ".ts" });
let output: Deno.CommandOutput;
try {
  await Deno.writeTextFile(
    all,
    imports.sort().map((href) => `import ${JSON.stringify(href)};\n`).join(""),
  );
  output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", all],
    cwd: ROOT,
    stderr: "inherit",
  }).output();
} finally {
  await Deno.remove(all);
}
if (!output.success) Deno.exit(1);
const { modules } = JSON.parse(new TextDecoder().decode(output.stdout)) as {
  modules: Module[];
};

const own = (specifier: string) => specifier.startsWith(ROOT.href);
const edges = new Map<string, string[]>();
for (const module of modules) {
  if (!own(module.specifier)) continue;
  const targets = (module.dependencies ?? [])
    .flatMap((d) => [d.code?.specifier, d.type?.specifier])
    .filter((s): s is string => s !== undefined && own(s));
  edges.set(module.specifier, [...new Set(targets)]);
}

// Depth-first search; a back edge closes a cycle.
const cycles: string[][] = [];
const state = new Map<string, "open" | "done">();
const path: string[] = [];
function visit(node: string): void {
  state.set(node, "open");
  path.push(node);
  for (const next of edges.get(node) ?? []) {
    if (state.get(next) === "open") {
      cycles.push([...path.slice(path.indexOf(next)), next]);
    } else if (!state.has(next)) {
      visit(next);
    }
  }
  path.pop();
  state.set(node, "done");
}
for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);

const name = (specifier: string) => specifier.slice(ROOT.href.length);
for (const cycle of cycles) {
  console.log(`cycle: ${cycle.map(name).join(" -> ")}`);
}
console.log(
  `cycles: ${cycles.length} among ${edges.size} modules (type-only included)`,
);
Deno.exit(cycles.length === 0 ? 0 : 1);
