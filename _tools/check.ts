// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * The checks (`deno task check`): `deno fmt --check`, `deno lint`,
 * `deno check` of all code and its JSDoc examples, `deno doc --lint` of every
 * module in deno.json `exports`, `deno check` of the examples in the Markdown
 * files at the root, and `deno publish --dry-run` when JSR is reachable (it
 * needs the registry).
 *
 * Where JSR cannot be reached, `deno check` and `deno doc` resolve the `@std`
 * names through the offline import map (see `std_source.ts`); fmt and lint
 * need no resolution. Every check runs, so one CI run shows every problem;
 * the exit code is non-zero when any failed.
 *
 * @module
 */

import { deno, ROOT, stdSource } from "./std_source.ts";

const source = await stdSource();
console.log(source.line);

const config = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", ROOT)),
);
const entryPoints: string[] = Object.values(config.exports ?? {});

// Markdown examples are type-checked, not run (deno.json test.exclude):
// they may reach out to real hosts.
const markdown: string[] = [];
for await (const entry of Deno.readDir(ROOT)) {
  if (entry.isFile && entry.name.endsWith(".md")) markdown.push(entry.name);
}

const checks: string[][] = [
  ["fmt", "--check"],
  ["lint"],
  ["check", "--doc", ...source.flags],
  ["doc", "--lint", ...source.flags, ...entryPoints],
];
if (markdown.length > 0) {
  checks.push(["check", "--doc-only", ...source.flags, ...markdown.sort()]);
}
if (source.jsr) {
  // The dry run checks what JSR would get, not the git state: allow local
  // edits.
  checks.push(["publish", "--dry-run", "--allow-dirty"]);
}

const failed: string[] = [];
for (const args of checks) {
  const command = `deno ${args.join(" ")}`;
  console.log(`\n$ ${command}`);
  if (await deno(args) !== 0) failed.push(command);
}
if (!source.jsr) {
  console.log(
    "\npublish: skipped `deno publish --dry-run`: it needs the real @std packages from JSR (see the std: line above)",
  );
}

console.log(
  failed.length === 0
    ? "\ncheck: all passed"
    : `\ncheck: failed: ${failed.join("; ")}`,
);
Deno.exit(failed.length === 0 ? 0 : 1);
