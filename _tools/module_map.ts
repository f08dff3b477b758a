// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * Checks that the module map of `docs/development.md` (the table after "The
 * modules, one concern each") names every module exactly once, and nothing
 * else: each `.ts` file that is no test at the root and in the folders below,
 * by its path in backticks in the table's first column. Run by
 * `deno task check`.
 *
 * @module
 */

/** The repository root. */
const ROOT = new URL("../", import.meta.url);

/** The folders whose modules the map lists, beside the root. */
const FOLDERS = [
  "",
  "_common/",
  "_connect/",
  "_tls/",
  "cli/",
  "node/",
  "_testing/",
  "_tools/",
  "bench/",
];

/** The modules on disk, as paths from the root. */
async function modules(): Promise<string[]> {
  const found: string[] = [];
  for (const folder of FOLDERS) {
    for await (const entry of Deno.readDir(new URL(folder || ".", ROOT))) {
      if (
        entry.isFile && entry.name.endsWith(".ts") &&
        !entry.name.endsWith("_test.ts")
      ) {
        found.push(folder + entry.name);
      }
    }
  }
  return found.sort();
}

/** Where the module map is, from the root. */
const MAP_FILE = "docs/development.md";

/** The paths named in the first column of the module map. */
async function mapped(): Promise<string[]> {
  const text = await Deno.readTextFile(new URL(MAP_FILE, ROOT));
  const start = text.indexOf("The modules, one concern each");
  if (start === -1) throw new Error(`${MAP_FILE} has no module map`);
  const lines = text.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith("|"));
  const rows = lines.slice(first, end === -1 ? undefined : end);
  return rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([^`]+\.ts)`/g)].map((m) => m[1]!)
  );
}

const onDisk = await modules();
const named = await mapped();
const problems = [
  ...onDisk.filter((path) => !named.includes(path)).map((path) =>
    `${path} is not in the module map`
  ),
  ...named.filter((path, i) => named.indexOf(path) !== i).map((path) =>
    `${path} is in the module map more than once`
  ),
  ...named.filter((path) => !onDisk.includes(path)).map((path) =>
    `${path} is in the module map but is no module`
  ),
];
for (const problem of problems) console.log(`${MAP_FILE}: ${problem}`);
if (problems.length > 0) Deno.exit(1);
console.log(`module map: all ${onDisk.length} modules, each once`);
