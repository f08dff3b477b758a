// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Decides where `@std/assert` and `@std/async` come from for one run of the
 * tests or the checks: the real packages, when Deno itself can fetch them
 * from JSR (or from the mirror that `JSR_URL` names), or else the stand-ins
 * in `offline_std/`, through its import map.
 *
 * Asking Deno, rather than probing a host, means that whatever Deno honours
 * (`JSR_URL`, proxies, a warm `DENO_DIR`) decides, and that a "yes" really
 * means the packages are there.
 *
 * @module
 */

/** The repository root: every command runs there, next to deno.json. */
export const ROOT: URL = new URL("../", import.meta.url);

// The import map that sends the `@std` names to the stand-ins.
const IMPORT_MAP = new URL("offline_std/import_map.json", import.meta.url);

// Long enough for a cold cache on a slow link (a few dozen small files), short
// enough that a registry that swallows packets does not hang CI.
const PROBE_TIMEOUT_MS = 60_000;

/** Where the `@std` packages come from, and how to tell Deno so. */
export interface StdSource {
  /** Whether the real packages from JSR are used. */
  jsr: boolean;
  /** Flags for `deno test`, `deno check` and `deno doc` in this mode. */
  flags: string[];
  /** The one line that tells which packages the run used. */
  line: string;
}

type Imports = Record<string, string>;

async function readImports(url: URL): Promise<Imports> {
  return JSON.parse(await Deno.readTextFile(url)).imports ?? {};
}

/**
 * Returns the `jsr:` imports of deno.json, after checking that the offline
 * import map maps every one of them, and every other import of deno.json
 * exactly as deno.json does: `--import-map` replaces the `imports` of
 * deno.json as a whole, so a missing npm entry would break offline runs only.
 */
function checkImportMap(config: Imports, offline: Imports): Imports {
  const jsr: Imports = {};
  const problems: string[] = [];
  for (const [name, target] of Object.entries(config)) {
    if (target.startsWith("jsr:")) {
      jsr[name] = target;
      if (!(name in offline)) problems.push(`"${name}" has no stand-in`);
    } else if (offline[name] !== target) {
      problems.push(`"${name}" must be "${target}" as in deno.json`);
    }
  }
  for (const name of Object.keys(offline)) {
    const known = name in config ||
      Object.keys(jsr).some((root) => name.startsWith(`${root}/`));
    if (!known) problems.push(`"${name}" is not in deno.json`);
  }
  if (problems.length > 0) {
    throw new Error(
      `Cannot use _tools/offline_std/import_map.json as it must mirror the imports of deno.json: ${
        problems.join("; ")
      }`,
    );
  }
  return jsr;
}

/**
 * Asks Deno to fetch the packages, with the project's config, and returns
 * why it could not, or `undefined` when it could.
 */
async function fetchFailure(specifiers: string[]): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--quiet", ...specifiers],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: timeout,
  }).output();
  if (success) return undefined;
  if (timeout.aborted) return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  // The first line of Deno's error, without colours, says what failed.
  const text = new TextDecoder().decode(stderr)
    // deno-lint-ignore no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, "");
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.replace(/^error: /, "").trim() || "deno cache failed";
}

/**
 * Decides where the `@std` packages come from. `HAPPY_EYEBALLS_STD=offline`
 * forces the stand-ins (to test them on a machine that reaches JSR);
 * `HAPPY_EYEBALLS_STD=jsr` makes an unreachable JSR an error instead.
 *
 * @returns The source, its flags, and the line to print.
 * @throws {Error} If the offline import map does not mirror deno.json, or
 * `HAPPY_EYEBALLS_STD=jsr` and the packages cannot be fetched.
 */
export async function stdSource(): Promise<StdSource> {
  const jsr = checkImportMap(
    await readImports(new URL("deno.json", ROOT)),
    await readImports(IMPORT_MAP),
  );
  const names = Object.keys(jsr).join(", ");
  const forced = Deno.env.get("HAPPY_EYEBALLS_STD");
  let reason = "forced by HAPPY_EYEBALLS_STD=offline";
  if (forced !== "offline") {
    const failure = await fetchFailure(Object.values(jsr));
    if (failure === undefined) {
      const mirror = Deno.env.get("JSR_URL");
      const from = mirror ? `JSR mirror ${mirror}` : "jsr";
      return { jsr: true, flags: [], line: `std: ${from} (real ${names})` };
    }
    if (forced === "jsr") {
      throw new Error(`Cannot fetch ${names} from JSR: ${failure}`);
    }
    reason = `JSR unreachable: ${failure}`;
  }
  return {
    jsr: false,
    // Relative, to read well in logs: every command runs in ROOT.
    flags: ["--import-map=_tools/offline_std/import_map.json"],
    line: `std: offline stand-ins (_tools/offline_std; ${reason})`,
  };
}

/**
 * Runs the deno that runs this script, in the repository root, with the
 * terminal inherited.
 *
 * @param args The arguments after `deno`.
 * @returns The exit code.
 */
export async function deno(args: string[]): Promise<number> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  return code;
}
