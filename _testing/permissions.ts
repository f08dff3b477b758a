// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * `connect()` in a child process with the permission flags a test gives, for
 * the tests of what it does without net permission, or with a scoped one.
 *
 * @module
 */
import { assertEquals } from "@std/assert";

/**
 * Runs `code` (a module body that can use `connect` and prints one JSON line
 * per result) in a new Deno process with the given permission flags, and
 * returns what it printed. The child resolves imports as this module does.
 */
export async function runWithPermissions(
  flags: string[],
  code: string,
  args: string[] = [],
  wrapper: string[] = [],
): Promise<unknown[]> {
  const imports: Record<string, string> = {};
  for (
    const specifier of [
      "@std/async/abortable",
      "@std/async/deadline",
      "@std/async/delay",
      "@std/net/unstable-ip",
    ]
  ) {
    try {
      imports[specifier] = import.meta.resolve(specifier);
    } catch {
      // Not used by this version of the module.
    }
  }
  const importMap = `data:application/json,${
    encodeURIComponent(JSON.stringify({ imports }))
  }`;
  const [program, ...before] = [...wrapper, Deno.execPath()];
  const child = new Deno.Command(program!, {
    args: [
      ...before,
      "run",
      "--no-config",
      "--no-prompt",
      `--import-map=${importMap}`,
      ...flags,
      "-",
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(
    `import { connect } from ${
      JSON.stringify(import.meta.resolve("../connect.ts"))
    };\n${code}`,
  ));
  await writer.close();
  const { code: exitCode, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  assertEquals(exitCode, 0, new TextDecoder().decode(stderr));
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

/** In the child: prints how `connect(options)` settled, as one JSON line. */
export const REPORT: string = `
async function report(options) {
  const events = [];
  try {
    const conn = await connect({ ...options, onEvent: (e) => events.push(e.type) });
    console.log(JSON.stringify({ ok: true, remote: conn.remoteAddr, events }));
    conn.close();
  } catch (error) {
    console.log(JSON.stringify({
      ok: false,
      class: error.constructor.name,
      message: error.message,
      errors: error.errors?.map((e) => [e.constructor.name, e.message]),
      cause: error.cause?.constructor.name,
      events,
    }));
  }
}
const port = Number(Deno.args[0]);
`;

/** What `report()` prints when `connect()` rejects with NotCapable. */
export function notCapable(
  message: string,
  events: string[] = [],
  cause?: string,
): Record<string, unknown> {
  return {
    ok: false,
    class: "NotCapable",
    message,
    ...(cause === undefined ? {} : { cause }),
    events,
  };
}

/** What `report()` prints for a conn to 127.0.0.1 on `port`. */
export function connected(
  port: number,
  events: string[],
): Record<string, unknown> {
  return {
    ok: true,
    remote: { transport: "tcp", hostname: "127.0.0.1", port },
    events,
  };
}

/**
 * In a child with `flags`, how `connect(options)` settled (`options` written
 * as code, with `port` defined), without the cause's class.
 */
export async function reportOnce(
  flags: string[],
  options: string,
  port: number,
): Promise<Record<string, unknown>> {
  const [result] = await runWithPermissions(
    flags,
    `${REPORT}\nawait report(${options});\n`,
    [String(port)],
  );
  const { cause: _, ...rest } = result as Record<string, unknown>;
  return rest;
}

/** A system file replaced for some children: see {@linkcode privateFile}. */
export interface PrivateFile extends AsyncDisposable {
  /** The command prefix of a child that sees the replacement. */
  wrapper: string[];
}

/**
 * `path` (such as /etc/hosts) with `text` instead, for the children run
 * behind `wrapper` alone: a private mount namespace (`unshare -m`, as root)
 * where a temporary file is bound over it; nothing outside changes. Dispose
 * of it to remove the temporary file.
 */
export async function privateFile(
  path: string,
  text: string,
): Promise<PrivateFile> {
  const file = await Deno.makeTempFile({ prefix: "he_private_" });
  await Deno.writeTextFile(file, text);
  return {
    // `sh -c SCRIPT file argv...`: the script sees the file as $0.
    wrapper: [
      "unshare",
      "-m",
      "sh",
      "-c",
      `mount --bind "$0" ${path} && exec "$@"`,
      file,
    ],
    [Symbol.asyncDispose]: () => Deno.remove(file),
  };
}
