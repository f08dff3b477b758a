// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * The checks (`deno task check`): `deno fmt --check`, `deno lint`,
 * `deno check` of all code and its JSDoc examples, `deno doc --lint` of every
 * module in deno.json `exports`, no import cycle, the layering, module sizes
 * and import chain depths (`_tools/layering.ts`), std's
 * checks of the exports (`_tools/check_exports.ts`), every module once in the
 * module map of `docs/development.md` (`_tools/module_map.ts`), `deno check`
 * of the examples in the Markdown files at the root and in `docs/`, and
 * `deno publish --dry-run`.
 *
 * Run it through `_tools/std.ts` (as `deno task check` does), which says
 * where the `@std` packages come from. Every check runs, so one CI run shows
 * every problem; the exit code is non-zero when any failed.
 *
 * @module
 */

/** The repository root: every command runs there, next to deno.json. */
const ROOT = new URL("../", import.meta.url);

const config = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", ROOT)),
);
const entryPoints: string[] = Object.values(config.exports ?? {});

// Markdown examples are type-checked here (deno.json test.exclude keeps
// `deno test --doc` from running them: they may reach out to real hosts);
// `_tools/readme_test.ts` runs the README's against local servers.
const markdown: string[] = [];
for (const folder of ["", "docs/"]) {
  for await (const entry of Deno.readDir(new URL(folder || ".", ROOT))) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      markdown.push(folder + entry.name);
    }
  }
}

const checks: string[][] = [
  ["fmt", "--check"],
  ["lint"],
  ["check", "--doc"],
  ["doc", "--lint", ...entryPoints],
  // No import cycle (type-only imports included), who imports whom, module
  // sizes, import chain depths.
  ["run", "-A", "_tools/layering.ts"],
  // std's export checks: class members with examples, mod.ts, unused exports.
  ["run", "-A", "_tools/check_exports.ts"],
  // The module map (docs/development.md) names every module once.
  ["run", "-A", "_tools/module_map.ts"],
];
if (markdown.length > 0) {
  checks.push(["check", "--doc-only", ...markdown.sort()]);
}
// The dry run checks what JSR would get, not the git state: allow local edits.
checks.push(["publish", "--dry-run", "--allow-dirty"]);

const failed: string[] = [];
for (const args of checks) {
  const command = `deno ${args.join(" ")}`;
  console.log(`\n$ ${command}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
  }).spawn().status;
  if (code !== 0) failed.push(command);
}

console.log(
  failed.length === 0
    ? "\ncheck: all passed"
    : `\ncheck: failed: ${failed.join("; ")}`,
);
Deno.exit(failed.length === 0 ? 0 : 1);
