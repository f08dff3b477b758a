// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * The repository's own modules and their imports, for the checks of
 * `deno task check` (`_tools/layering.ts`,
 * `_tools/check_exports.ts`): every `.ts` file, found by walking the tree, and
 * its imports among them as `deno info --json` lists them, type-only and
 * dynamic imports included. Paths are relative to the root, with `/`.
 *
 * @module
 */

/** The repository root: every module is found from there. */
export const ROOT: URL = new URL("../", import.meta.url);

/** Folders never walked: not code, or not ours. */
const SKIPPED_FOLDERS = new Set([
  ".git",
  ".worktrees",
  "node_modules",
  "testdata",
]);

/**
 * Folders of development code: tools, test helpers, benchmarks, fixtures,
 * CI and docs. Their modules are no part of the library.
 */
const DEVELOPMENT_FOLDERS = new Set([
  "_tools",
  "_testing",
  "bench",
  "testdata",
  ".ci",
  "docs",
  "node_modules",
  ".worktrees",
]);

/** Whether `path` is a test or a benchmark file. */
export function isTestOrBench(path: string): boolean {
  return path.endsWith("_test.ts") || path.endsWith("_bench.ts");
}

/**
 * Whether `path` is a module of the library: no test, no benchmark, nothing
 * under the folders of development code.
 */
export function isLibraryModule(path: string): boolean {
  if (!path.endsWith(".ts") || isTestOrBench(path)) return false;
  return !path.split("/").slice(0, -1).some((folder) =>
    DEVELOPMENT_FOLDERS.has(folder)
  );
}

const COMMENT_LINE_REGEXP = /^\s*(\/\/|\/\*|\*)/;

/**
 * The lines of code of a source text: the lines that are neither blank nor
 * begin (after indentation) with `//`, `/*` or `*`.
 */
export function codeLines(source: string): number {
  return source.split("\n").filter((line) =>
    line.trim() !== "" && !COMMENT_LINE_REGEXP.test(line)
  ).length;
}

/** Every `.ts` file under `dir`, as paths relative to the root. */
async function walk(dir: URL = ROOT): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory && !SKIPPED_FOLDERS.has(entry.name)) {
      found.push(...await walk(new URL(`${entry.name}/`, dir)));
    } else if (entry.isFile && entry.name.endsWith(".ts")) {
      found.push(new URL(entry.name, dir).href.slice(ROOT.href.length));
    }
  }
  return found;
}

interface Dependency {
  code?: { specifier: string };
  type?: { specifier: string };
}
interface InfoModule {
  specifier: string;
  dependencies?: Dependency[];
}

/**
 * The import graph of the repository's modules: each module's path (sorted)
 * with the paths of the repository's modules it imports.
 *
 * @returns The graph, or `undefined` when `deno info` failed (it has said
 * why on stderr).
 */
export async function importGraph(): Promise<
  Map<string, string[]> | undefined
> {
  const paths = (await walk()).sort();
  // `deno info` takes one module: one that imports every module.
  const all = await Deno.makeTempFile({ suffix: ".ts" });
  let output: Deno.CommandOutput;
  try {
    await Deno.writeTextFile(
      all,
      paths.map((path) =>
        `import ${JSON.stringify(new URL(path, ROOT).href)};\n`
      ).join(""),
    );
    output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", all],
      cwd: ROOT,
      stderr: "inherit",
    }).output();
  } finally {
    await Deno.remove(all);
  }
  if (!output.success) return undefined;
  const { modules } = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: InfoModule[];
  };
  const graph = new Map<string, string[]>();
  for (const module of modules) {
    if (!module.specifier.startsWith(ROOT.href)) continue;
    const targets = (module.dependencies ?? [])
      .flatMap((d) => [d.code?.specifier, d.type?.specifier])
      .filter((s): s is string => s !== undefined && s.startsWith(ROOT.href))
      .map((s) => s.slice(ROOT.href.length));
    graph.set(
      module.specifier.slice(ROOT.href.length),
      [
        ...new Set(targets),
      ].sort(),
    );
  }
  return new Map([...graph].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The import cycles of `graph`, each as the list of its modules with the
 * first repeated at the end; one cycle per back edge of a depth-first search.
 */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  function visit(node: string): void {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") {
        cycles.push([...path.slice(path.indexOf(next)), next]);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    path.pop();
    state.set(node, "done");
  }
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) visit(node);
  }
  return cycles;
}
