// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * Checks the shape of the library (`deno task check`): which folder may import
 * which, the edges between the stages of `connect()`, the size of each module
 * and the depth of the import chains. The rules are the tables below; edit
 * them, not the code. Prints every violation, naming the import, and exits
 * non-zero when there is one.
 *
 * Patterns in the tables: `"_common/"` is every module under `_common/`,
 * `"errors.ts"` that one module, and `"*.ts"` every public module at the root
 * (no folder, no leading `_`, no test).
 *
 * Imports are those of `deno info --json`: type-only and dynamic imports
 * count. Code lines are the lines that are neither blank nor comment lines
 * (starting with `//`, `/*` or `*`). The import chain from an entry point
 * counts modules, the entry included, through library modules only.
 *
 * @module
 */

import {
  codeLines,
  findCycles,
  importGraph,
  isLibraryModule,
  isTestOrBench,
  ROOT,
} from "./_graph.ts";

/** Which modules a layer's modules may import, and who may import them. */
export interface Layer {
  /** The layer's modules, as a pattern. */
  modules: string;
  /** What they may import (besides the `PIPELINE` edges); all when absent. */
  mayImport?: string[];
  /** The only modules that may import them (besides `EXEMPT`). */
  importedOnlyFrom?: string[];
}

/** The public root modules. */
const PUBLIC = "*.ts";

/** The layers: every library module belongs to one. */
export const LAYERS: Layer[] = [
  { modules: PUBLIC },
  { modules: "_common/", mayImport: ["_common/"] },
  {
    modules: "_tls/",
    mayImport: ["_common/", "_tls/", "errors.ts", "types.ts"],
  },
  {
    modules: "_connect/",
    mayImport: [
      "_common/",
      "_tls/",
      "errors.ts",
      "types.ts",
      "history.ts",
      "happy_eyeballs.ts",
      "resolve_dns.ts",
    ],
  },
  {
    modules: "cli/",
    mayImport: [PUBLIC, "_common/", "_connect/options.ts", "cli/"],
    importedOnlyFrom: ["cli/"],
  },
  {
    modules: "node/",
    mayImport: [PUBLIC, "_common/", "_connect/options.ts", "node/"],
    importedOnlyFrom: ["node/"],
  },
];

/**
 * The pipeline: the only imports from one `_connect/` module to another,
 * as `[importer, imported]`. `connect.ts` calls the stages in order: the plan
 * (options), the sources (remembered), resolve, the fallback decision
 * (permission), order, race with its attempts, the combined error
 * (failure). A stage imports no other stage, except:
 * - the plan (`options.ts`) and the call's context (`context.ts`), which
 *   every stage reads;
 * - the type of what the stage before it returns (`Targets` of resolve);
 * - its own parts, and attempt → dial.
 */
export const PIPELINE: [string, string][] = [
  // The plan and the context, read by the stages.
  ["_connect/options.ts", "_connect/check_address.ts"],
  ["_connect/context.ts", "_connect/emit.ts"],
  ["_connect/context.ts", "_connect/telemetry.ts"],
  ["_connect/remembered.ts", "_connect/options.ts"],
  ["_connect/remembered.ts", "_connect/context.ts"],
  ["_connect/source.ts", "_connect/options.ts"],
  ["_connect/resolve.ts", "_connect/options.ts"],
  ["_connect/order.ts", "_connect/options.ts"],
  ["_connect/order.ts", "_connect/context.ts"],
  ["_connect/race.ts", "_connect/context.ts"],
  ["_connect/attempt.ts", "_connect/options.ts"],
  ["_connect/attempt.ts", "_connect/context.ts"],
  // What the stage before returns: the resolved targets.
  ["_connect/remembered.ts", "_connect/resolve.ts"],
  ["_connect/order.ts", "_connect/resolve.ts"],
  // The parts of a stage.
  ["_connect/options.ts", "_connect/default_history.ts"],
  ["_connect/context.ts", "_connect/default_history.ts"],
  ["_connect/remembered.ts", "_connect/default_history.ts"],
  ["_connect/remembered.ts", "_connect/history_calls.ts"],
  // The remembered source races a fresh one once its addresses stall.
  ["_connect/remembered.ts", "_connect/source.ts"],
  ["_connect/source.ts", "_connect/resolve.ts"],
  ["_connect/resolve.ts", "_connect/answers.ts"],
  ["_connect/resolve.ts", "_connect/system_lookup.ts"],
  ["_connect/system_lookup.ts", "_connect/answers.ts"],
  ["_connect/order.ts", "_connect/address_queue.ts"],
  ["_connect/order.ts", "_connect/history_calls.ts"],
  ["_connect/order.ts", "_connect/emit.ts"],
  ["_connect/address_queue.ts", "_connect/answers.ts"],
  ["_connect/history_calls.ts", "_connect/answers.ts"],
  // The race: attempt → dial; a denied bind, and the combined error.
  ["_connect/attempt.ts", "_connect/dial.ts"],
  ["_connect/dial.ts", "_connect/dial_hook.ts"],
  ["_connect/attempt.ts", "_connect/failure.ts"],
  ["_connect/dial.ts", "_connect/permission.ts"],
  ["_connect/failure.ts", "_connect/permission.ts"],
  // The proxy: checked in the plan; the tunnel through it after the race.
  ["_connect/options.ts", "_connect/proxy.ts"],
  ["_connect/proxy.ts", "_connect/check_address.ts"],
  ["_connect/tunnel.ts", "_connect/options.ts"],
  ["_connect/tunnel.ts", "_connect/context.ts"],
  ["_connect/tunnel.ts", "_connect/tunnel_http.ts"],
  ["_connect/tunnel_http.ts", "_connect/proxy.ts"],
  ["_connect/tunnel.ts", "_connect/tunnel_socks.ts"],
  ["_connect/tunnel_socks.ts", "_connect/proxy.ts"],
  ["_connect/tunnel_http.ts", "_connect/proxy_hop.ts"],
  ["_connect/tunnel_socks.ts", "_connect/proxy_hop.ts"],
  ["_connect/proxy_hop.ts", "_connect/proxy.ts"],
  ["_connect/tunnel.ts", "_connect/tunnel_tls.ts"],
  ["_connect/tunnel_tls.ts", "_connect/proxy.ts"],
  ["_connect/tunnel_tls.ts", "_connect/proxy_hop.ts"],
  ["_connect/tunnel_tls.ts", "_connect/emit.ts"],
  ["_connect/tunnel.ts", "_connect/tunnel_race.ts"],
  ["_connect/tunnel.ts", "_connect/proxy.ts"],
  ["_connect/tunnel_race.ts", "_connect/options.ts"],
  ["_connect/tunnel_race.ts", "_connect/proxy.ts"],
  ["_connect/tunnel_race.ts", "_connect/proxy_hop.ts"],
  ["_connect/tunnel_race.ts", "_connect/system_lookup.ts"],
];

/** Modules whose imports are not checked (only for cycles). */
export const EXEMPT: string[] = [
  "*_test.ts",
  "*_bench.ts",
  "_tools/",
  "_testing/",
  "bench/",
];

/** The most code lines of a library module. */
export const MAX_CODE_LINES = 300;
/** Lower limits for some modules. */
export const MAX_CODE_LINES_OF: Record<string, number> = { "connect.ts": 200 };
/** The longest import chain from an entry point, in modules. */
export const MAX_CHAIN = 10;
/** The deno.json `exports` whose import chains are measured. */
export const CHAIN_ENTRIES = [".", "./cli", "./node"];

/** Whether module `path` matches `pattern` (see the module doc). */
export function matches(path: string, pattern: string): boolean {
  if (pattern === PUBLIC) {
    return !path.includes("/") && !path.startsWith("_") &&
      path.endsWith(".ts") && !isTestOrBench(path);
  }
  if (pattern.startsWith("*")) return path.endsWith(pattern.slice(1));
  if (pattern.endsWith("/")) return path.startsWith(pattern);
  return path === pattern;
}

function matchesAny(path: string, patterns: string[]): boolean {
  return patterns.some((pattern) => matches(path, pattern));
}

/** The longest import chain from `entry` through library modules. */
function longestChain(
  graph: Map<string, string[]>,
  entry: string,
): string[] {
  const memo = new Map<string, string[]>();
  const open = new Set<string>();
  function chain(node: string): string[] {
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return []; // A cycle: reported as one.
    open.add(node);
    let longest: string[] = [];
    for (const next of graph.get(node) ?? []) {
      if (!isLibraryModule(next)) continue;
      const candidate = chain(next);
      if (candidate.length > longest.length) longest = candidate;
    }
    open.delete(node);
    const result = [node, ...longest];
    memo.set(node, result);
    return result;
  }
  return chain(entry);
}

/** What the checks measure of the repository. */
export interface Measures {
  /** Each module's imports among the repository's modules. */
  graph: Map<string, string[]>;
  /** The code lines of each library module. */
  codeLines: Map<string, number>;
  /** The entry points whose import chains are limited. */
  entries: string[];
}

/**
 * Every violation of the rules, one line each, naming the import, the
 * module or the chain.
 *
 * @param measures The import graph, the code lines and the entry points.
 * @returns The violations, in a stable order; none when all rules hold.
 */
export function violations(measures: Measures): string[] {
  const { graph, entries } = measures;
  const found: string[] = [];
  for (const cycle of findCycles(graph)) {
    found.push(`cycle: ${cycle.join(" -> ")}`);
  }
  const pipeline = new Set(PIPELINE.map(([from, to]) => `${from} ${to}`));
  for (const [module, imports] of graph) {
    if (!isLibraryModule(module) || matchesAny(module, EXEMPT)) continue;
    const layer = LAYERS.find((l) => matches(module, l.modules));
    if (layer === undefined) {
      found.push(`layer: ${module} is in no layer of LAYERS`);
      continue;
    }
    for (const target of imports) {
      if (!isLibraryModule(target)) continue;
      if (
        layer.mayImport !== undefined &&
        !matchesAny(target, layer.mayImport) &&
        !pipeline.has(`${module} ${target}`)
      ) {
        const rule = target.startsWith("_connect/") &&
            module.startsWith("_connect/")
          ? "not an edge of PIPELINE"
          : `${layer.modules} may import only ${layer.mayImport.join(", ")}`;
        found.push(`import: ${module} imports ${target} (${rule})`);
      }
      const targetLayer = LAYERS.find((l) => matches(target, l.modules));
      const only = targetLayer?.importedOnlyFrom;
      if (only !== undefined && !matchesAny(module, only)) {
        found.push(
          `import: ${module} imports ${target} (${
            targetLayer!.modules
          } may be imported only from ${only.join(", ")}, tests and tools)`,
        );
      }
    }
  }
  for (const [module, lines] of measures.codeLines) {
    const max = MAX_CODE_LINES_OF[module] ?? MAX_CODE_LINES;
    if (lines > max) {
      found.push(`size: ${module} has ${lines} code lines (> ${max})`);
    }
  }
  for (const entry of entries) {
    const chain = longestChain(graph, entry);
    if (chain.length > MAX_CHAIN) {
      found.push(
        `chain: from ${entry}, ${chain.length} modules (> ${MAX_CHAIN}): ${
          chain.join(" -> ")
        }`,
      );
    }
  }
  return found;
}

if (import.meta.main) {
  const graph = await importGraph();
  if (graph === undefined) Deno.exit(1);
  const lines = new Map<string, number>();
  for (const module of graph.keys()) {
    if (!isLibraryModule(module)) continue;
    lines.set(
      module,
      codeLines(await Deno.readTextFile(new URL(module, ROOT))),
    );
  }
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const exports: Record<string, string> = config.exports ?? {};
  const entries = CHAIN_ENTRIES.flatMap((key) =>
    exports[key] === undefined ? [] : [exports[key].replace(/^\.\//, "")]
  );
  const found = violations({ graph, codeLines: lines, entries });
  for (const line of found) console.log(line);
  console.log(
    `layering: ${found.length} violations among ${graph.size} modules`,
  );
  Deno.exit(found.length === 0 ? 0 : 1);
}
