// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * Runs a script of this repository with the right `@std` packages
 * (`deno task demo`, `deno task bench`...): the real ones from JSR where they
 * can be fetched, the offline stand-ins otherwise (see `std_source.ts`).
 *
 * `deno run -A _tools/run.ts [--bench] SCRIPT [ARGS...]`
 *
 * @module
 */

import { deno, stdSource } from "./std_source.ts";

if (import.meta.main) {
  const [first, ...rest] = Deno.args;
  const subcommand = first === "--bench" ? "bench" : "run";
  const args = first === "--bench" ? rest : Deno.args;
  const source = await stdSource();
  // The one line on stderr, so that a script's own stdout stays clean.
  console.error(source.line);
  Deno.exit(await deno([subcommand, "-A", ...source.flags, ...args]));
}
