// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * Runs `deno ARGS...` where the real `@std` packages can be had:
 * `deno run -A _tools/std.ts test -A --doc` is what `deno task test` does.
 *
 * The registry is, in this order:
 * 1. the one `JSR_URL` names, if set;
 * 2. JSR itself, if Deno can fetch the `jsr:` imports of deno.json from it;
 * 3. the copy of the registry at `../shared/jsr` beside the clone (see its
 *    README), if there is one.
 *
 * It prints one line saying which (`std: ...`), on stderr so that a script's
 * own output stays clean, and runs the command with `JSR_URL` set for it and
 * every process it starts. Where none serves, it stops with one line saying
 * how to point `JSR_URL` at a registry mirror, never with a stack of
 * resolution errors. Deciding by asking Deno to fetch, rather than by probing
 * a host, lets whatever Deno honours (proxies, a warm `DENO_DIR`) decide.
 * For `run`, it asks for what the files other than tests import (the
 * script's children may need any `@std` package), so that `deno task demo`
 * fetches nothing that only the tests import (the npm clients); for `test`
 * and anything else, for what every file of the repository imports.
 *
 * @module
 */

/** The repository root: every command runs there, next to deno.json. */
const ROOT = new URL("../", import.meta.url);

/** The registry copy that CI and the developers' machines have beside us. */
const SHARED = new URL("../shared/jsr/", ROOT);

// Long enough for a cold cache on a slow link (a few dozen small files),
// short enough that a registry that swallows packets does not hang CI.
const FETCH_TIMEOUT_MS = 60_000;

/** The `jsr:` specifiers that deno.json imports, to name them. */
async function jsrImports(): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  return Object.values<string>(config.imports ?? {})
    .filter((target) => target.startsWith("jsr:"));
}

/**
 * The repository's TypeScript files: fetching what they import is the test
 * (a package name alone is not: some `@std` packages have no root export).
 */
export async function sourceFiles(dir: URL = ROOT): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory) files.push(...await sourceFiles(url));
    else if (entry.isFile && entry.name.endsWith(".ts")) {
      files.push(url.pathname);
    }
  }
  return files;
}

/** A file of the tests' fixtures or of the benchmarks, by its path from the root. */
const TEST_FOLDER_REGEXP = /^(?:_testing|bench)\//;

/**
 * The files whose imports show that a registry serves what `args` runs: for
 * `run`, every file but the tests, their fixtures and the benchmarks (which
 * alone import the tests' npm packages); else every file.
 */
export function filesFor(
  args: readonly string[],
  files: readonly string[],
): string[] {
  return args[0] === "run"
    ? files.filter((file) =>
      !file.endsWith("_test.ts") && !file.endsWith("_bench.ts") &&
      !TEST_FOLDER_REGEXP.test(
        file.startsWith(ROOT.pathname)
          ? file.slice(ROOT.pathname.length)
          : file,
      )
    )
    : [...files];
}

/** JSR itself. */
const JSR = "https://jsr.io/";

/**
 * Asks Deno to fetch what `files` import from the registry at `jsrUrl` and returns
 * why it could not, or `undefined` when it could.
 */
async function fetchFailure(
  files: string[],
  jsrUrl: string,
): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    // No lock file: one written against another registry would not match.
    args: ["cache", "--quiet", "--no-lock", ...files],
    cwd: ROOT,
    env: { JSR_URL: jsrUrl },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: timeout,
  }).output();
  return success ? undefined : firstLine(stderr, timeout);
}

/** The first line of Deno's error, without colours. */
function firstLine(stderr: Uint8Array, timeout: AbortSignal): string {
  if (timeout.aborted) return `no answer within ${FETCH_TIMEOUT_MS / 1000} s`;
  const text = new TextDecoder().decode(stderr)
    // deno-lint-ignore no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, "");
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.replace(/^error: /, "").trim() || "deno cache failed";
}

/** Whether `url` is a folder that exists. */
async function isFolder(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isDirectory;
  } catch {
    return false;
  }
}

/** The registry chosen, or why none serves. */
type Registry =
  | { ok: true; jsrUrl: string; line: string }
  | { ok: false; line: string };

/** Decides the registry: the value for `JSR_URL` and the line to print. */
async function chooseRegistry(): Promise<Registry> {
  const names = (await jsrImports()).join(", ");
  const files = filesFor(Deno.args, await sourceFiles());
  const given = Deno.env.get("JSR_URL");
  if (given) {
    const failure = await fetchFailure(files, given);
    return failure === undefined
      ? { ok: true, jsrUrl: given, line: `std: registry ${given} (JSR_URL)` }
      : {
        ok: false,
        line: `std: cannot fetch ${names} from JSR_URL=${given}: ${failure}`,
      };
  }
  const failure = await fetchFailure(files, JSR);
  if (failure === undefined) {
    return { ok: true, jsrUrl: JSR, line: `std: registry ${JSR}` };
  }
  if (await isFolder(SHARED)) {
    const copy = SHARED.href;
    const copyFailure = await fetchFailure(files, copy);
    if (copyFailure === undefined) {
      return {
        ok: true,
        jsrUrl: copy,
        line:
          `std: registry ${copy} (the copy beside the clone; JSR: ${failure})`,
      };
    }
  }
  return {
    ok: false,
    line:
      `std: cannot fetch ${names} from JSR (${failure}): point JSR_URL at a registry mirror, e.g. JSR_URL=file:///path/to/jsr/ deno task test`,
  };
}

if (import.meta.main) {
  const registry = await chooseRegistry();
  console.error(registry.line);
  if (!registry.ok) Deno.exit(1);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: Deno.args,
    cwd: ROOT,
    env: { JSR_URL: registry.jsrUrl },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  Deno.exit(code);
}
