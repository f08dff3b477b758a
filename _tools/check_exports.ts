// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * The Deno Standard Library's checks of what a package exports
 * (`deno task check`), as they apply to us:
 *
 * - every public member of a class of the public modules (deno.json
 *   `exports`) has JSDoc with an `@example` (`deno doc --json` lists them);
 * - `mod.ts` re-exports every public module at the root;
 * - nothing is exported that nothing imports: each export of a private
 *   library module (a value: types name the parameters of exported
 *   functions) is imported by another module (a test that pins it
 *   counts: a bound or a type a test names is in use; a re-export such as
 *   `export * from` counts as an import of everything).
 *
 * Prints every finding as `file:line rule` and exits non-zero when there is
 * one.
 *
 * @module
 */

import { importGraph, isLibraryModule, ROOT } from "./_graph.ts";

const EXPORT_DECLARATION_REGEXP =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|const|let|var|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
const EXPORT_LIST_REGEXP = /^export\s+(?:type\s+)?\{([^}]*)\}\s*;/gm;
const IMPORT_REGEXP =
  /^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s*["'](\.{1,2}\/[^"']+)["']/gm;
const DYNAMIC_IMPORT_REGEXP = /import\(\s*["'](\.{1,2}\/[^"']+)["']/g;
const EVERYTHING = "*";

/** The line (from 1) of `index` in `source`. */
function lineOf(source: string, index: number): number {
  return source.slice(0, index).split("\n").length;
}

/** The names a module exports itself, with their lines. */
function declaredExports(source: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const match of source.matchAll(EXPORT_DECLARATION_REGEXP)) {
    // Types name the parameters of exported functions: the values count.
    if (/\b(?:interface|type)\s+[\w$]+\s*$/.test(match[0])) continue;
    found.set(match[1]!, lineOf(source, match.index));
  }
  for (const match of source.matchAll(EXPORT_LIST_REGEXP)) {
    if (/^export\s+type\b/.test(match[0])) continue;
    for (const item of match[1]!.split(",")) {
      const name = item.trim().replace(/^type\s+/, "").split(/\s+as\s+/).at(
        -1,
      );
      if (name) found.set(name, lineOf(source, match.index));
    }
  }
  return found;
}

/** The names `source` (the module at `path`) takes from each module. */
function importedNames(
  path: string,
  source: string,
): Map<string, Set<string>> {
  const taken = new Map<string, Set<string>>();
  function take(specifier: string, names: string[]): void {
    const target = new URL(specifier, new URL(path, ROOT)).href
      .slice(ROOT.href.length);
    const set = taken.get(target) ?? new Set<string>();
    for (const name of names) set.add(name);
    taken.set(target, set);
  }
  for (const match of source.matchAll(IMPORT_REGEXP)) {
    const clause = match[2]!;
    const names: string[] = [];
    const braces = clause.match(/\{([^}]*)\}/);
    if (braces) {
      for (const item of braces[1]!.split(",")) {
        const name = item.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
        if (name) names.push(name);
      }
    }
    const outside = clause.replace(/\{[^}]*\}/, "").replace(/,/g, " ").trim();
    if (outside.startsWith("*")) names.push(EVERYTHING);
    else if (outside !== "") names.push("default");
    take(match[3]!, names);
  }
  for (const match of source.matchAll(DYNAMIC_IMPORT_REGEXP)) {
    take(match[1]!, [EVERYTHING]);
  }
  return taken;
}

interface DocNode {
  kind: string;
  name: string;
  jsDoc?: { tags?: { kind: string }[] };
  location: { filename: string; line: number };
  accessibility?: string;
}
interface DocSymbol {
  name: string;
  declarations: (DocNode & {
    def?: { methods?: DocNode[]; properties?: DocNode[] };
  })[];
}

/** Public class members without an `@example`. */
async function membersWithoutExample(entries: string[]): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...entries],
    cwd: ROOT,
    stderr: "inherit",
  }).output();
  if (!output.success) return ["deno doc --json failed"];
  const { nodes } = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    nodes: Record<string, { symbols?: DocSymbol[] }>;
  };
  const found = new Set<string>();
  for (const { symbols = [] } of Object.values(nodes)) {
    for (const symbol of symbols) {
      for (const declaration of symbol.declarations) {
        if (declaration.kind !== "class") continue;
        const members = [
          ...declaration.def?.methods ?? [],
          ...declaration.def?.properties ?? [],
        ];
        for (const member of members) {
          if (member.accessibility !== undefined) continue;
          if (member.jsDoc?.tags?.some((tag) => tag.kind === "example")) {
            continue;
          }
          const file = member.location.filename.slice(ROOT.href.length);
          found.add(
            `${file}:${member.location.line} class-member-example: ${symbol.name}#${member.name} has no @example`,
          );
        }
      }
    }
  }
  return [...found].sort();
}

if (import.meta.main) {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const entries = Object.values<string>(config.exports ?? {})
    .map((path) => path.replace(/^\.\//, ""));
  const graph = await importGraph();
  if (graph === undefined) Deno.exit(1);
  const findings = await membersWithoutExample(entries);

  const sources = new Map<string, string>();
  for (const path of graph.keys()) {
    sources.set(path, await Deno.readTextFile(new URL(path, ROOT)));
  }

  // mod.ts re-exports every public module at the root.
  const mod = importedNames("mod.ts", sources.get("mod.ts") ?? "");
  for (const path of graph.keys()) {
    if (
      path.includes("/") || path.startsWith("_") || path === "mod.ts" ||
      !isLibraryModule(path)
    ) continue;
    if (!mod.get(path)?.has(EVERYTHING)) {
      findings.push(`mod.ts:1 mod-exports: mod.ts does not export ${path}`);
    }
  }

  // Nothing exported that nothing imports.
  const taken = new Map<string, Set<string>>();
  for (const [path, source] of sources) {
    for (const [target, names] of importedNames(path, source)) {
      const set = taken.get(target) ?? new Set<string>();
      for (const name of names) set.add(name);
      taken.set(target, set);
    }
  }
  for (const [path, source] of sources) {
    if (!isLibraryModule(path) || entries.includes(path)) continue;
    const used = taken.get(path) ?? new Set<string>();
    if (used.has(EVERYTHING)) continue;
    for (const [name, line] of declaredExports(source)) {
      if (!used.has(name)) {
        findings.push(
          `${path}:${line} unused-export: ${name} is imported by no module`,
        );
      }
    }
  }

  for (const finding of findings) console.log(finding);
  console.log(`exports: ${findings.length} findings`);
  Deno.exit(findings.length === 0 ? 0 : 1);
}
