// Copyright 2026 the happy-eyeballs authors. MIT license.
// The command-line tool behind cli.ts and demo.ts: parses the arguments, runs
// connect() with an event hook, and prints the timeline (see _timeline.ts).
import { parseArgs } from "node:util";
import { connect } from "./connect.ts";
import type {
  ConnectOptions,
  ConnectTarget,
  Family,
  LocalAddr,
  Resolver,
  TlsOptions,
} from "./types.ts";
import { stripAnsiCode as stripAnsi } from "@std/fmt/colors";
import { wantsColor } from "./_colors.ts";
import { messageOf } from "./_errors.ts";
import { MAX_TIMEOUT } from "./_timer.ts";
import {
  type Report,
  type RunResult,
  type StopReason,
  Timeline,
  type TimelineSettings,
} from "./_timeline.ts";

/** How to call the tool, in its usage message. */
const COMMAND = "deno run -A jsr:@happy-eyeballs/connect/cli";

/** The usage message (`--help`). */
export const USAGE = `Usage: ${COMMAND} HOST PORT [options]

Shows how a TCP (or TLS) connection to HOST:PORT is made: the addresses HOST
resolves to, in the order they are tried, and what became of every attempt of
the Happy Eyeballs race (RFC 8305). Like curl -v, for the connection race.

Options:
  --tls                    Do a TLS handshake once connected
  --server-name NAME       TLS: the name for SNI and the certificate check
                           (default: HOST)
  --ca FILE                TLS: also trust the PEM certificates in FILE
                           (repeatable)
  --alpn PROTOCOL          TLS: offer PROTOCOL by ALPN, such as h2 (repeatable)
  --delay MS               Milliseconds between attempt starts; 0 starts all at
                           once, Infinity tries one at a time (default: 250)
  --interleave N           Addresses of the first family before the families
                           alternate; 0 keeps the resolver's order (default: 1)
  -4, --ipv4               Use IPv4 addresses only
  -6, --ipv6               Use IPv6 addresses only
  --local-addr HOST[:PORT] Connect from this local address ([::1]:5000 for IPv6)
  --timeout MS             Give up after MS milliseconds
  --all-errors             Report one error per failed attempt
  --json                   Print one JSON object instead of the timeline
  -h, --help               Show this help

Exit status: 0 connected, 1 failed, 2 bad arguments, 130 interrupted.
`;

/** A bad command line: the message is printed with the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The command line, parsed and checked. */
export interface CliArgs {
  hostname: string;
  port: number;
  delay: number;
  interleave: number;
  family: Family | undefined;
  localAddr: Required<LocalAddr> | undefined;
  timeout: number | undefined;
  allErrors: boolean;
  json: boolean;
  /** The TLS settings, with `--tls` only. */
  tls: {
    serverName: string | undefined;
    caFiles: string[];
    alpnProtocols: string[];
  } | undefined;
}

const DEFAULT_DELAY = 250;
const DEFAULT_INTERLEAVE = 1;
const WAITING_REFRESH_MS = 200;

function bad(option: string, rule: string, value: string): never {
  throw new UsageError(
    `Cannot parse the command line as ${option} must be ${rule}: current value is ${
      JSON.stringify(value)
    }`,
  );
}

function parsePort(option: string, text: string, min: number): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= min && port <= 65535)) {
    bad(option, `an integer from ${min} to 65535`, text);
  }
  return port;
}

/**
 * Parses `--local-addr`: `HOST`, `HOST:PORT`, `IPv6`, `[IPv6]` or
 * `[IPv6]:PORT`.
 */
export function parseLocalAddr(text: string): Required<LocalAddr> {
  const option = "'--local-addr'";
  const rule = "HOST, HOST:PORT, or [IPv6]:PORT";
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  let hostname: string;
  let port: string | undefined;
  if (bracketed) {
    [, hostname = "", port] = bracketed;
  } else if ((text.match(/:/g) ?? []).length > 1) {
    hostname = text; // A bare IPv6 address: no port.
  } else {
    const colon = text.lastIndexOf(":");
    hostname = colon === -1 ? text : text.slice(0, colon);
    port = colon === -1 ? undefined : text.slice(colon + 1);
  }
  if (hostname === "" || /[\s\[\]]/.test(hostname)) bad(option, rule, text);
  return {
    hostname,
    port: port === undefined ? 0 : parsePort(option, port, 0),
  };
}

/**
 * Parses the command line.
 *
 * @returns The arguments, or `"help"` for `--help`.
 * @throws {UsageError} If the command line is wrong.
 */
export function parseCliArgs(args: string[]): CliArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        tls: { type: "boolean" },
        "server-name": { type: "string" },
        ca: { type: "string", multiple: true },
        alpn: { type: "string", multiple: true },
        delay: { type: "string" },
        interleave: { type: "string" },
        ipv4: { type: "boolean", short: "4" },
        ipv6: { type: "boolean", short: "6" },
        "local-addr": { type: "string" },
        timeout: { type: "string" },
        "all-errors": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(`Cannot parse the command line: ${messageOf(error)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";

  if (positionals.length !== 2) {
    throw new UsageError(
      `Cannot parse the command line as HOST and PORT must be given, and nothing else: current value is ${
        positionals.length === 0
          ? "(nothing)"
          : positionals.map((p) => JSON.stringify(p)).join(" ")
      }`,
    );
  }
  const [hostname = "", portText = ""] = positionals;
  const port = parsePort("PORT", portText, 1);

  let delay = DEFAULT_DELAY;
  if (values.delay !== undefined) {
    const text = values.delay;
    delay = /^(Infinity|inf)$/i.test(text)
      ? Infinity
      : /^\d+(\.\d+)?$/.test(text)
      ? Number(text)
      : bad(
        "'--delay'",
        "a non-negative number of milliseconds, or Infinity",
        text,
      );
  }
  let interleave = DEFAULT_INTERLEAVE;
  if (values.interleave !== undefined) {
    const text = values.interleave;
    interleave = /^\d{1,6}$/.test(text)
      ? Number(text)
      : bad("'--interleave'", "a non-negative integer", text);
  }
  let timeout: number | undefined;
  if (values.timeout !== undefined) {
    const text = values.timeout;
    timeout = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!(timeout > 0 && timeout <= MAX_TIMEOUT)) {
      bad(
        "'--timeout'",
        `a number of milliseconds above 0 and at most ${MAX_TIMEOUT}`,
        text,
      );
    }
  }
  if (values.ipv4 && values.ipv6) {
    throw new UsageError(
      "Cannot parse the command line as '-4' and '-6' must not be combined: current value is -4 -6",
    );
  }
  const family: Family | undefined = values.ipv4
    ? 4
    : values.ipv6
    ? 6
    : undefined;
  const localAddr = values["local-addr"] === undefined
    ? undefined
    : parseLocalAddr(values["local-addr"]);

  const serverName = values["server-name"];
  const caFiles = values.ca ?? [];
  const alpnProtocols = values.alpn ?? [];
  if (!values.tls) {
    const tlsOnly = [
      serverName !== undefined && "--server-name",
      caFiles.length > 0 && "--ca",
      alpnProtocols.length > 0 && "--alpn",
    ].filter(Boolean);
    if (tlsOnly.length > 0) {
      throw new UsageError(
        `Cannot parse the command line as ${
          tlsOnly.join(", ")
        } must come with --tls: current value is no --tls`,
      );
    }
  }
  if (serverName === "") bad("'--server-name'", "a host name", serverName);
  for (const protocol of alpnProtocols) {
    if (protocol === "") bad("'--alpn'", "a protocol name", protocol);
  }

  return {
    hostname,
    port,
    delay,
    interleave,
    family,
    localAddr,
    timeout,
    allErrors: values["all-errors"] ?? false,
    json: values.json ?? false,
    tls: values.tls ? { serverName, caFiles, alpnProtocols } : undefined,
  };
}

/** Where the tool writes, and how. */
export interface CliIo {
  /** Writes to standard output. */
  write(text: string): void;
  /** Writes to standard error. */
  writeError(text: string): void;
  /** Style standard output with colours. */
  color: boolean;
  /** Style standard error with colours. */
  colorError: boolean;
  /** Standard output is a terminal: show that it is still waiting. */
  live: boolean;
  /** The width of the terminal, to keep the waiting line on one line. */
  columns?: number | undefined;
}

/** What the demo adds to a run: things no command line can say. */
export interface CliExtras {
  /** Resolves host names instead of the system resolver. */
  resolver?: Resolver;
  /** Catch Ctrl-C (SIGINT): give up, print the timeline, exit 130. */
  handleInterrupt?: boolean;
}

/** How a run ended. */
export interface CliOutcome {
  /** The exit code. */
  code: number;
  /** The report, when connect() ran. */
  report?: Report;
}

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string) {
  let data = new TextEncoder().encode(text);
  try {
    while (data.byteLength > 0) data = data.subarray(file.writeSync(data));
  } catch (error) {
    // The reader went away (`| head`): nobody is left to tell.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

function terminalColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined;
  }
}

/** Standard output and error, in colour on a terminal unless `NO_COLOR`. */
export function terminalIo(): CliIo {
  const live = Deno.stdout.isTerminal();
  return {
    write: (text) => writeAll(Deno.stdout, text),
    writeError: (text) => writeAll(Deno.stderr, text),
    color: wantsColor(live),
    colorError: wantsColor(Deno.stderr.isTerminal()),
    live,
    columns: live ? terminalColumns() : undefined,
  };
}

async function readCaFiles(files: string[]): Promise<string[]> {
  return await Promise.all(files.map(async (file) => {
    try {
      return await Deno.readTextFile(file);
    } catch (error) {
      throw new UsageError(
        `Cannot read the file of '--ca' ${JSON.stringify(file)}: ${
          messageOf(error)
        }`,
      );
    }
  }));
}

/** Whether connect() refused its options (an error of the command line). */
function isOptionError(error: unknown): boolean {
  return (error instanceof TypeError || error instanceof RangeError) &&
    error.message.startsWith("Cannot connect as '");
}

/** Catches SIGINT while it runs, where the platform allows. */
function onInterrupt(handler: () => void): () => void {
  try {
    Deno.addSignalListener("SIGINT", handler);
  } catch {
    return () => {};
  }
  return () => Deno.removeSignalListener("SIGINT", handler);
}

/**
 * Runs the tool: parses `args`, connects, prints the timeline (or the JSON
 * report) to `io`.
 *
 * @param args The command-line arguments.
 * @param io Where to write.
 * @param extras What only code can add (the demo's resolver).
 * @returns The exit code, and the report when connect() ran.
 */
export async function runCli(
  args: string[],
  io: CliIo,
  extras: CliExtras = {},
): Promise<CliOutcome> {
  const usage = (message: string) => {
    const text = `error: ${message}\n\n${USAGE}`;
    io.writeError(text);
    return { code: 2 };
  };
  let cli: CliArgs;
  let caCerts: string[] = [];
  try {
    const parsed = parseCliArgs(args);
    if (parsed === "help") {
      io.write(USAGE);
      return { code: 0 };
    }
    cli = parsed;
    if (cli.tls) caCerts = await readCaFiles(cli.tls.caFiles);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }

  const settings: TimelineSettings = cli;
  const timeline = new Timeline(settings, { color: io.color });
  const human = !cli.json;
  const live = human && io.live;
  let status = false; // Whether the "still waiting" line is on screen.
  // The header waits for the first thing to show, so that options that
  // connect() refuses lead to the usage message alone.
  let header = timeline.header();
  const print = (lines: string[]) => {
    if (!human || lines.length + header.length === 0) return;
    if (status) io.write("\r\x1b[2K");
    status = false;
    io.write([...header, ...lines].map((line) => `${line}\n`).join(""));
    header = [];
  };

  const start = performance.now();
  const now = () => performance.now() - start;
  const cleanups: (() => void)[] = [];
  const signals: AbortSignal[] = [];
  const stopWith = (reason: StopReason, signal: AbortSignal) => {
    const onAbort = () => print(timeline.stop(reason, now()));
    signal.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener("abort", onAbort));
    signals.push(signal);
  };
  if (cli.timeout !== undefined) {
    stopWith("timeout", AbortSignal.timeout(cli.timeout));
  }
  if (extras.handleInterrupt) {
    const interrupt = new AbortController();
    cleanups.push(onInterrupt(() => {
      // A second Ctrl-C does not wait for the attempts to wind down.
      if (interrupt.signal.aborted) Deno.exit(130);
      interrupt.abort(new DOMException("Interrupted", "AbortError"));
    }));
    stopWith("interrupted", interrupt.signal);
  }
  if (live) {
    const timer = setInterval(() => {
      const text = timeline.waiting(now());
      if (text === undefined) return;
      const hint = extras.handleInterrupt ? "; Ctrl-C gives up" : "";
      let line = `… ${text}${hint}`;
      // One line only: erasing it must erase all of it.
      if (io.columns && line.length >= io.columns) {
        line = `${line.slice(0, Math.max(io.columns - 2, 1))}…`;
      }
      if (header.length > 0) print([]);
      io.write(`\r\x1b[2K${io.color ? `\x1b[2m${line}\x1b[22m` : line}`);
      status = true;
    }, WAITING_REFRESH_MS);
    cleanups.push(() => clearInterval(timer));
  }

  const tls: TlsOptions | undefined = cli.tls && {
    ...(cli.tls.serverName !== undefined && {
      serverName: cli.tls.serverName,
    }),
    ...(caCerts.length > 0 && { caCerts }),
    ...(cli.tls.alpnProtocols.length > 0 && {
      alpnProtocols: cli.tls.alpnProtocols,
    }),
  };
  const signal = signals.length === 0
    ? undefined
    : signals.length === 1
    ? signals[0]
    : AbortSignal.any(signals);
  const options: ConnectOptions & ConnectTarget = {
    hostname: cli.hostname,
    port: cli.port,
    happyEyeballsDelay: cli.delay,
    interleave: cli.interleave,
    allErrors: cli.allErrors,
    onEvent: (event) => print(timeline.add(event)),
    ...(cli.family !== undefined && { family: cli.family }),
    ...(cli.localAddr !== undefined && { localAddr: cli.localAddr }),
    ...(signal !== undefined && { signal }),
    ...(extras.resolver !== undefined && { resolver: extras.resolver }),
    ...(tls !== undefined && { tls }),
  };

  let result: RunResult;
  try {
    const conn = await connect(options);
    result = {
      ok: true,
      elapsed: now(),
      remoteAddr: conn.remoteAddr as Deno.NetAddr,
      localAddr: conn.localAddr as Deno.NetAddr,
    };
    conn.close();
  } catch (error) {
    result = { ok: false, elapsed: now(), error };
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
  if (!result.ok && isOptionError(result.error)) {
    if (status) io.write("\r\x1b[2K");
    return usage((result.error as Error).message);
  }

  const report = timeline.report(result);
  if (human) {
    const { out, err } = timeline.finish(result);
    print(out);
    if (err.length > 0) {
      const text = err.map((line) => `${line}\n`).join("");
      io.writeError(io.colorError ? text : stripAnsi(text));
    }
  } else {
    io.write(`${JSON.stringify(report, null, 2)}\n`);
  }
  const code = result.ok
    ? 0
    : report.stopped?.reason === "interrupted"
    ? 130
    : 1;
  return { code, report };
}
