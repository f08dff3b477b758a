// Copyright 2026 the happy-eyeballs authors. MIT license.
// The command-line tool behind cli.ts and the demo: checks everything it was
// given before any traffic (a usage error, exit 2), runs connect() with an
// event hook, and prints the timeline (_timeline.ts) or the report
// (_report.ts) as JSON.
import { delay } from "@std/async/delay";
import { stripAnsiCode as stripAnsi } from "@std/fmt/colors";
import { connect } from "../connect.ts";
import type {
  ConnectOptions,
  ConnectTarget,
  Resolver,
  TlsOptions,
} from "../types.ts";
import { ConnectHistory } from "../history.ts";
import { dnsResolver } from "../resolve_dns.ts";
import { formatAddress } from "../errors.ts";
import { checkOptions } from "../_connect/options.ts";
import { messageOf } from "../_common/errors.ts";
import { checkClientCertificate } from "../_common/client_certificate.ts";
import { palette, wantsColor } from "./_colors.ts";
import { safeJson, visible } from "../_common/visible.ts";
import { unbracket } from "../_common/ip.ts";
import { type CliArgs, parseCliArgs } from "./_args.ts";
import { USAGE, UsageError } from "./_usage.ts";
import { readPemFile } from "./_files.ts";
import type {
  AcceptanceReport,
  RepeatReport,
  RepeatSummary,
  Report,
  RunResult,
  StopReason,
} from "./report_types.ts";
import { Timeline } from "./_timeline.ts";
import { summary } from "./_summary.ts";

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
  /** The width of the terminal: the waiting line's, the waterfall's. */
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
  /** The report of the (last) connection, when connect() ran. */
  report?: Report;
  /** Every connection's report and the summary, with `--repeat`. */
  repeat?: RepeatReport;
}

/** What the tool asks of connect(): a host and port, and the options. */
type CliOptions = ConnectOptions & ConnectTarget;

/** The TLS handshake timeout the tool sets (asyncio's default, 60 s). */
const HANDSHAKE_TIMEOUT = 60_000;
/**
 * How long to wait after a TLS handshake for the server to refuse us: a TLS
 * 1.3 server checks a client certificate (or its absence) only once the
 * client's side of the handshake is done, and says no with an alert, which
 * comes within a round trip.
 */
export const ACCEPTANCE_WAIT = 300;
const WAITING_REFRESH_MS = 200;

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
 * Everything the command line asks of connect(), read and checked before any
 * traffic: an error here is the command line's.
 */
async function prepare(
  cli: CliArgs,
  extras: CliExtras,
): Promise<CliOptions> {
  let tls: TlsOptions | undefined;
  if (cli.tls) {
    const caCerts: string[] = [];
    for (const file of cli.tls.caFiles) {
      caCerts.push(await readPemFile("--ca", file, "certificate"));
    }
    const { certFile, keyFile } = cli.tls;
    tls = {
      handshakeTimeout: HANDSHAKE_TIMEOUT,
      ...(cli.tls.serverName !== undefined && {
        serverName: cli.tls.serverName,
      }),
      ...(caCerts.length > 0 && { caCerts }),
      ...(cli.tls.alpnProtocols.length > 0 && {
        alpnProtocols: cli.tls.alpnProtocols,
      }),
      ...(certFile !== undefined && keyFile !== undefined && {
        cert: await readPemFile("--cert", certFile, "certificate"),
        key: await readPemFile("--key", keyFile, "private key"),
      }),
    };
  }
  let resolver = extras.resolver;
  if (cli.dns) {
    resolver = dnsResolver(
      cli.dnsServer ? { nameServer: cli.dnsServer } : {},
    );
  }
  const options: CliOptions = {
    hostname: cli.hostname,
    port: cli.port,
    happyEyeballsDelay: cli.delay,
    interleave: cli.interleave,
    allErrors: cli.allErrors,
    ...(cli.attemptTimeout !== undefined &&
      { attemptTimeout: cli.attemptTimeout }),
    ...(cli.family !== undefined && { family: cli.family }),
    ...(cli.localAddr !== undefined && { localAddr: cli.localAddr }),
    ...(resolver !== undefined && { resolver }),
    ...(tls !== undefined && { tls }),
  };
  // connect() checks its options again; here, whatever it refuses is known
  // to be the command line's fault by where it is thrown.
  try {
    checkOptions(options);
    if (tls?.cert !== undefined && tls.key !== undefined) {
      await checkClientCertificate(tls.cert, tls.key, "tls.");
    }
  } catch (error) {
    throw new UsageError(messageOf(error), { cause: error });
  }
  return options;
}

/**
 * What the server does just after a TLS handshake: wait up to
 * {@linkcode ACCEPTANCE_WAIT} ms for an alert, data or a close. Closes
 * `conn` when it gives up waiting.
 */
async function awaitAcceptance(
  conn: Deno.TlsConn,
  signal: AbortSignal | undefined,
): Promise<{ outcome: AcceptanceReport["outcome"]; error?: unknown }> {
  const read = conn.read(new Uint8Array(4096)).then(
    (n) => ({ outcome: n === null ? "closed" as const : "data" as const }),
    (error) => ({
      outcome: /alert/i.test(messageOf(error))
        ? "alert" as const
        : "closed" as const,
      error,
    }),
  );
  const stop = new AbortController();
  const wait = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const quiet = delay(ACCEPTANCE_WAIT, { signal: wait }).then(
    () => ({ outcome: "quiet" as const }),
    () => ({ outcome: "quiet" as const }),
  );
  const verdict = await Promise.race([read, quiet]);
  stop.abort();
  await quiet;
  if (verdict.outcome === "quiet") {
    conn.close();
    await read; // Rejects now that the connection is closed.
  }
  return verdict;
}

interface Run {
  code: number;
  report: Report;
  /** The delay in force and whether the history chose the first address. */
  delay: number;
  remembered: boolean;
}

/** One connection, printed as it goes. */
async function runOnce(
  cli: CliArgs,
  base: CliOptions,
  io: CliIo,
  context: {
    history: ConnectHistory | undefined;
    interrupt: AbortSignal | undefined;
    title: string | undefined;
    /** When (`performance.now()`) an earlier run last looked the name up. */
    lookup: { at?: number };
  },
): Promise<Run> {
  const { history, lookup } = context;
  const human = !cli.json;
  const live = human && io.live;
  const timeline = new Timeline(cli, {
    color: io.color,
    handshakeTimeout: HANDSHAKE_TIMEOUT,
    acceptanceWait: ACCEPTANCE_WAIT,
    lookedUpAgo: lookup.at === undefined
      ? undefined
      : performance.now() - lookup.at,
  });
  let status = false; // Whether the "still waiting" line is on screen.
  const p = palette(io.color);
  let header = [
    ...(context.title ? [p.bold(context.title)] : []),
    ...timeline.header(),
  ];
  const print = (lines: string[]) => {
    if (!human || lines.length + header.length === 0) return;
    if (status) io.write("\r\x1b[2K");
    status = false;
    io.write([...header, ...lines].map((line) => `${line}\n`).join(""));
    header = [];
  };

  // connect()'s clock, once its first event tells it (see onEvent); never
  // earlier than the latest event, so that lines stay in time order.
  let start = performance.now();
  let latest = 0;
  const now = () => Math.max(performance.now() - start, latest);
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
  if (context.interrupt) stopWith("interrupted", context.interrupt);
  if (live) {
    const timer = setInterval(() => {
      const text = timeline.waiting(now());
      if (text === undefined) return;
      const hint = context.interrupt ? "; Ctrl-C gives up" : "";
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

  const signal = signals.length === 0
    ? undefined
    : signals.length === 1
    ? signals[0]
    : AbortSignal.any(signals);
  const destination = formatAddress({
    hostname: unbracket(cli.hostname),
    port: cli.port,
  });
  const remembered = history?.get(destination)?.address;
  let delayUsed = cli.delay;
  let first: string | undefined;
  const options: CliOptions = {
    ...base,
    onEvent: (event) => {
      // connect() stamps events from its own start: take its clock, so that
      // our times and its times are one time line.
      start = Math.max(start, performance.now() - event.elapsed);
      latest = Math.max(latest, event.elapsed);
      if (event.type === "resolved" && !event.remembered) {
        lookup.at = performance.now();
      }
      if (event.type === "resolved" && first === undefined) {
        first = event.addresses[0]?.hostname;
        if (history && first !== undefined) {
          delayUsed = history.attemptDelay(destination, first, cli.delay);
        }
      }
      print(timeline.add(event));
      if (
        event.type === "resolved" && remembered !== undefined &&
        remembered === first && timeline.fold.late.length === 0
      ) {
        const record = history?.get(destination);
        print([
          `  ${
            p.dim(
              `history: ${visible(remembered)} won last time (connect time ${
                record?.connectTime.toFixed(1)
              } ms): tried first, next attempt after ${delayUsed} ms`,
            )
          }`,
        ]);
      }
    },
    ...(signal !== undefined && { signal }),
    ...(history !== undefined && { history }),
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
    if ("handshake" in conn) {
      const begun = now();
      const { outcome, error } = await awaitAcceptance(conn, signal);
      const elapsed = now();
      if (signal?.aborted) {
        result = { ok: false, elapsed, error: signal.reason };
      } else {
        print(timeline.accepted(
          { waited: elapsed - begun, outcome },
          elapsed,
          outcome === "alert" || outcome === "closed"
            ? error ??
              new Deno.errors.ConnectionReset(
                "The server closed the connection just after the TLS handshake",
              )
            : undefined,
        ));
        if (outcome === "alert" || outcome === "closed") {
          const cause = timeline.fold.tls?.error;
          const error = new Deno.errors.InvalidData(
            `TLS with ${
              formatAddress(result.remoteAddr)
            } refused by the server after the handshake: ${messageOf(cause)}`,
            { cause },
          );
          result = { ok: false, elapsed, error };
        } else {
          result = { ...result, elapsed };
        }
      }
    }
    try {
      conn.close();
    } catch {
      // Closed while waiting for the server's verdict.
    }
  } catch (error) {
    result = { ok: false, elapsed: now(), error };
  } finally {
    for (const cleanup of cleanups) cleanup();
  }

  const report = timeline.report(result);
  if (human) {
    const { out, err } = timeline.finish(result);
    print(out);
    if (io.live) print(timeline.waterfall(report, io.columns));
    if (err.length > 0) {
      const text = err.map((line) => `${line}\n`).join("");
      io.writeError(io.colorError ? text : stripAnsi(text));
    }
  }
  const code = result.ok
    ? 0
    : report.stopped?.reason === "interrupted"
    ? 130
    : 1;
  return {
    code,
    report,
    delay: delayUsed,
    remembered: remembered !== undefined && remembered === first,
  };
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
  let cli: CliArgs;
  let base: CliOptions;
  try {
    const parsed = parseCliArgs(args);
    if (parsed === "help") {
      io.write(USAGE);
      return { code: 0 };
    }
    cli = parsed;
    base = await prepare(cli, extras);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.writeError(`error: ${visible(error.message)}\n\n${USAGE}`);
    return { code: 2 };
  }

  const cleanups: (() => void)[] = [];
  let interrupt: AbortSignal | undefined;
  if (extras.handleInterrupt) {
    const controller = new AbortController();
    cleanups.push(onInterrupt(() => {
      // A second Ctrl-C does not wait for the attempts to wind down.
      if (controller.signal.aborted) Deno.exit(130);
      controller.abort(new DOMException("Interrupted", "AbortError"));
    }));
    interrupt = controller.signal;
  }
  const history = cli.repeat > 1 ? new ConnectHistory() : undefined;
  const lookup = {};
  const runs: Run[] = [];
  try {
    for (let i = 0; i < cli.repeat && !interrupt?.aborted; i++) {
      if (i > 0 && !cli.json) io.write("\n");
      runs.push(
        await runOnce(cli, base, io, {
          history,
          interrupt,
          lookup,
          title: cli.repeat > 1
            ? `Connection ${i + 1} of ${cli.repeat}`
            : undefined,
        }),
      );
    }
  } finally {
    for (const cleanup of cleanups) cleanup();
  }

  const last = runs.at(-1)!;
  const code = runs.some((run) => run.code === 130)
    ? 130
    : runs.every((run) => run.code === 0)
    ? 0
    : 1;
  if (cli.repeat === 1) {
    if (cli.json) io.write(`${safeJson(last.report)}\n`);
    return { code, report: last.report };
  }
  const repeat: RepeatReport = {
    runs: runs.map((run) => run.report),
    summary: runs.map((run): RepeatSummary => {
      const won = run.report.attempts.find((a) => a.outcome === "won");
      return {
        ok: run.report.ok,
        winner: run.report.connected?.address ?? null,
        connectTime: won?.duration ?? null,
        delay: run.delay === Infinity ? null : run.delay,
        remembered: run.remembered,
        elapsed: run.report.elapsed,
      };
    }),
  };
  if (cli.json) io.write(`${safeJson(repeat)}\n`);
  else io.write(summary(repeat, { color: io.color, requested: cli.repeat }));
  return { code, report: last.report, repeat };
}
