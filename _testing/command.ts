// Copyright 2026 the happy-eyeballs authors. MIT license.
// Runs the repository's scripts (cli.ts, _tools/demo.ts) in a child `deno`, for the
// end-to-end tests. Not published.

/** The repository root. */
export const ROOT: URL = new URL("../", import.meta.url);

/** The arguments of `deno` to run `script` with `args`. */
export function denoArgs(script: string, args: string[] = []): string[] {
  return [
    "run",
    "--allow-all",
    new URL(script, ROOT).pathname,
    ...args,
  ];
}

/** What a finished child said. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** How long any child may run before it is killed: it should never be. */
const CHILD_TIMEOUT_MS = 60_000;

/**
 * Runs `script` with `args` to completion, without a terminal.
 *
 * @param env Extra environment variables.
 */
export async function run(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Ran> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: denoArgs(script, args),
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output();
  const decoder = new TextDecoder();
  return {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
  };
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Whether `script(1)` is there to give a child a terminal. */
export function hasScriptCommand(): boolean {
  try {
    return new Deno.Command("script", { args: ["--version"] }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/**
 * Runs `script` with `args` on a pseudo-terminal (through `script(1)`), so
 * that its standard output is a terminal. Standard error goes there too.
 *
 * @param env Extra environment variables.
 */
export async function runOnTerminal(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Ran> {
  const command = [Deno.execPath(), ...denoArgs(script, args)]
    .map(shellQuote).join(" ");
  // The parent's NO_COLOR (CI sets it) must not reach the child: a terminal
  // run is there to see colours, unless the test itself sets NO_COLOR.
  const { NO_COLOR: _, ...inherited } = Deno.env.toObject();
  return await new Deno.Command("script", {
    args: ["--quiet", "--return", "--command", command, "/dev/null"],
    cwd: ROOT,
    clearEnv: true,
    env: { ...inherited, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output().then(({ code, stdout, stderr }) => ({
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  }));
}
