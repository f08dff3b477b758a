// Copyright 2026 the happy-eyeballs authors. MIT license.
// What importing the library loads before any call: no `node:*` module and
// nothing of `node:net`/`node:tls` connections until a call needs them
// (dynamic imports, which `deno info --json` marks, are not loaded at once).
import { assertEquals } from "@std/assert";

interface Dependency {
  specifier: string;
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface Module {
  specifier: string;
  dependencies?: Dependency[];
}

/** The modules that importing `entry` evaluates: static, non-type imports. */
async function loadedBy(entry: string): Promise<string[]> {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(`../${entry}`, import.meta.url).href],
    stderr: "inherit",
  }).output();
  const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: Module[];
  };
  const bySpecifier = new Map(modules.map((m) => [m.specifier, m]));
  const root = new URL("../", import.meta.url).href;
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) visit(dep.code.specifier);
    }
  };
  visit(new URL(`../${entry}`, import.meta.url).href);
  return [...seen].map((s) => s.startsWith(root) ? s.slice(root.length) : s);
}

/** What only some calls need: `node:*` modules and what loads them. */
const ON_DEMAND = [
  "_common/node_tcp_conn.ts",
  "_common/map_error.ts",
  "_common/client_certificate.ts",
  "_tls/node_tls_conn.ts",
];

for (const entry of ["mod.ts", "connect.ts"]) {
  Deno.test(`importing ${entry} loads no node:* module, nor what uses one`, async () => {
    const loaded = await loadedBy(entry);
    assertEquals(
      loaded.filter((m) => m.startsWith("node:") || ON_DEMAND.includes(m)),
      [],
    );
  });
}
