// Copyright 2026 the happy-eyeballs authors. MIT license.
// Runs the repository's scripts (cli/main.ts, _tools/demo.ts) in a child `deno`, for the
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
  { columns = 100 }: {
    /** The width of the terminal. */
    columns?: number;
  } = {},
): Promise<Ran> {
  // script(1) gives the terminal no size of its own: set one.
  const command = `stty cols ${columns} rows 50; exec ${
    [Deno.execPath(), ...denoArgs(script, args)].map(shellQuote).join(" ")
  }`;
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

/** Carriage return, cursor to column 1, erase line, erase below, colour. */
// deno-lint-ignore no-control-regex
const CONTROLS_REGEXP = /(\r|\x1b\[0?G|\x1b\[2K|\x1b\[0?J|\x1b\[[\d;]*m)/;

/**
 * What a person sees on the terminal once `raw` (what a program wrote to it)
 * has been shown: carriage returns and line erasures applied, colours
 * removed, lines without their trailing spaces. Any other escape sequence is
 * left in, for the test to find.
 */
export function screen(raw: string): string[] {
  const lines: string[] = [];
  for (const row of raw.replaceAll("\r\n", "\n").split("\n")) {
    let line = "";
    let column = 0;
    for (const part of row.split(CONTROLS_REGEXP)) {
      if (part === "\r" || part === "\x1b[G" || part === "\x1b[0G") column = 0;
      else if (part === "\x1b[2K") line = "";
      else if (!part.startsWith("\x1b[") || !/[mJ]$/.test(part)) {
        line = line.slice(0, column) + part + line.slice(column + part.length);
        column += part.length;
      }
    }
    lines.push(line.trimEnd());
  }
  while (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * `lines` with what changes from run to run replaced: times (`+12.3 ms`,
 * `4.5 ms`, `1.2 s`) by `T`, ports by `PORT`.
 */
export function masked(lines: string[], ports: number[] = []): string[] {
  return lines.map((line) => {
    for (const port of ports) line = line.replaceAll(`:${port}`, ":PORT");
    return line
      .replace(/^ *\+\d+\.\d ms {2}/, "+T  ")
      .replace(/(?<=\() +/g, "")
      .replace(/\d+\.\d+ (ms|s)\b/g, "T $1")
      .replace(/from (127\.0\.0\.\d+|\[::1\]):\d+/, "from $1:LOCAL");
  });
}

/** The times (`+12.3 ms`) that start timeline lines, in order. */
export function lineTimes(lines: string[]): number[] {
  return lines.flatMap((line) => {
    const time = /^ *\+(\d+\.\d) ms {2}/.exec(line)?.[1];
    return time === undefined ? [] : [Number(time)];
  });
}
