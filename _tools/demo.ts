// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * `deno task demo`: what this module is for, in a few seconds, with no
 * network at all.
 *
 * It stands up a loopback scenario: a made-up name that resolves (through the
 * resolver hook of `connect()`) to `::1`, whose packets go unanswered (like a
 * broken IPv6 route), and to `127.0.0.1`, where a server accepts connections.
 * Then it runs the command-line tool (the same code as `cli/main.ts`) against it
 * twice: with Happy Eyeballs, then strictly one address at a time with a short
 * timeout, then three times in a row with one `ConnectHistory`. It exits by
 * itself, and leaves nothing running. Its last lines give commands to try
 * the tool on a real host, that work where the reader is.
 *
 * Not published: it needs `_testing/net.ts` (and Python, for the blackhole).
 *
 * @module
 */
import { acceptingServer, type Blackhole, blackhole } from "../_testing/net.ts";
import { type CliOutcome, runCli, terminalIo } from "../cli/_run.ts";
import type { CliIo } from "../cli/_io.ts";
import { palette } from "../cli/_colors.ts";

const NAME = "broken-ipv6.test";
const TIMEOUT_MS = 2000;

type Server = ReturnType<typeof acceptingServer>;

/** A server on 127.0.0.1 and a blackhole on [::1], on the same port. */
async function scenario(): Promise<{ server: Server; hole: Blackhole }> {
  for (let tries = 1;; tries++) {
    const server = acceptingServer("127.0.0.1");
    try {
      return { server, hole: await blackhole("::1", server.port) };
    } catch (error) {
      // That port may be taken on [::1]: try another one.
      await server[Symbol.asyncDispose]();
      if (tries === 5) throw error;
    }
  }
}

async function main(): Promise<number> {
  const io = terminalIo();
  const p = palette(io.color);
  const say = (text = "") => io.write(`${text}\n`);

  const { server, hole } = await scenario();
  await using _server = server;
  await using _hole = hole;
  const port = server.port;
  const resolver = (hostname: string) =>
    hostname === NAME ? ["::1", "127.0.0.1"] : [];

  say(p.bold("Happy Eyeballs demo: a host with a broken IPv6 address"));
  say();
  say(`${NAME} resolves (through connect()'s resolver hook) to:`);
  say(`  [::1]:${port}      packets go unanswered, like a broken IPv6 route`);
  say(`  127.0.0.1:${port}  a server that accepts connections`);
  say("All on this machine: no network is used.");

  const run = async (
    title: string,
    args: string[],
    failing = false,
  ): Promise<CliOutcome> => {
    say();
    say(p.bold(title));
    say(p.dim(`$ deno run -A cli/main.ts ${args.join(" ")}`));
    // A failure the demo means to show is no error of the demo's.
    const shown = failing ? { ...io, writeError: asExpected(io) } : io;
    return await runCli(args, shown, { resolver });
  };

  const raced = await run(
    "1. With Happy Eyeballs (the default): a new attempt every 250 ms",
    [NAME, String(port)],
  );
  const serial = await run(
    `2. Strictly one address at a time, giving up after ${TIMEOUT_MS} ms`,
    [NAME, String(port), "--delay", "Infinity", "--timeout", `${TIMEOUT_MS}`],
    true,
  );

  const repeated = await run(
    "3. Three connections in a row, remembering the winner (ConnectHistory)",
    [NAME, String(port), "--repeat", "3"],
  );

  const won = raced.report?.connected;
  const stopped = serial.report?.stopped;
  const remembered = repeated.repeat?.summary.map((run) => run.remembered);
  if (
    raced.code !== 0 || won?.address !== `127.0.0.1:${port}` ||
    serial.code !== 1 || stopped?.reason !== "timeout" ||
    repeated.code !== 0 || remembered?.join() !== "false,true,true"
  ) {
    io.writeError(
      `error: the demo did not go as expected: exit codes ${raced.code}, ${serial.code} and ${repeated.code}\n`,
    );
    return 1;
  }
  say();
  say(p.bold("What it shows"));
  say(
    `With Happy Eyeballs, the IPv4 address connected in ${
      raced.report!.elapsed.toFixed(0)
    } ms, though [::1] never answered.`,
  );
  say(
    `One at a time, it was still waiting for [::1] when the ${TIMEOUT_MS} ms timeout came, and 127.0.0.1 was never tried;`,
  );
  say(
    "without a timeout, it would wait for the system to give up: often minutes.",
  );
  say(
    "Remembering the winner, the next connections tried 127.0.0.1 first, and connected at once.",
  );
  say();
  say("Try it on a real host:");
  for (const command of tryCommands()) say(`  ${command}`);
  return 0;
}

/** Writes standard error with "error:" lines said to be expected. */
function asExpected(io: CliIo): (text: string) => void {
  return (text) =>
    io.writeError(text.replace(/^error: /gm, "as expected, it failed: "));
}

/**
 * The folders npx and `npm exec` put on the PATH of what they run: the
 * reader's shell has none of them.
 */
const NPX_BIN_REGEXP = /(?:^|\/)_npx\/|(?:^|\/)node_modules\/\.bin\/?$/;

/** Whether an executable `name` is on the reader's PATH (not npx's). */
function onPath(name: string): boolean {
  const path = Deno.env.get("PATH") ?? "";
  return path.split(":").some((dir) => {
    if (NPX_BIN_REGEXP.test(dir)) return false;
    try {
      const info = Deno.statSync(`${dir || "."}/${name}`);
      return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
    } catch {
      return false;
    }
  });
}

/**
 * Commands that run the tool against a real host where the reader is: from
 * this clone, and from the published package; through npx when no `deno` is
 * on PATH (the demo itself ran through npx).
 */
export function tryCommands(hasDeno: boolean = onPath("deno")): string[] {
  const args = "example.com 443 --tls";
  const deno = hasDeno ? "deno" : `npx -y deno@${Deno.version.deno}`;
  const cli = new URL("../cli/main.ts", import.meta.url).pathname;
  const here = relative(Deno.cwd(), cli);
  return [
    `${deno} run -A ${here} ${args}    (this clone)`,
    `${deno} run -A jsr:@happy-eyeballs/connect/cli ${args}`,
  ];
}

/** `to` relative to `from` when it is below it, else as it is. */
function relative(from: string, to: string): string {
  return to.startsWith(`${from}/`) ? to.slice(from.length + 1) : to;
}

if (import.meta.main) {
  Deno.exit(await main());
}
