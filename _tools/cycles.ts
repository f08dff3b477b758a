// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * Finds import cycles among the repository's own modules, type-only imports
 * and dynamic imports included (`deno info --json` lists them all). Part of
 * `deno task check`; exits non-zero and prints each cycle when there is one.
 *
 * @module
 */

import { findCycles, importGraph } from "./_graph.ts";

const graph = await importGraph();
if (graph === undefined) Deno.exit(1);
const cycles = findCycles(graph);
for (const cycle of cycles) console.log(`cycle: ${cycle.join(" -> ")}`);
console.log(
  `cycles: ${cycles.length} among ${graph.size} modules (type-only included)`,
);
Deno.exit(cycles.length === 0 ? 0 : 1);
