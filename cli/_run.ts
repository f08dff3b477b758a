// Copyright 2026 the happy-eyeballs authors. MIT license.
// The command-line tool behind main.ts and the demo: checks everything it was
// given before any traffic (a usage error, exit 2), runs connect() with an
// event hook, and prints the timeline (_timeline.ts and its siblings) or the
// report (_report.ts) as JSON.
import { stripAnsiCode as stripAnsi } from "@std/fmt/colors";
import { connect } from "../connect.ts";
import type {
  ConnectOptions,
  ConnectTarget,
  ConnectTlsSettings,
  Resolver,
} from "../types.ts";
import { ConnectHistory } from "../history.ts";
import { dnsResolver } from "../resolve_dns.ts";
import { formatAddress } from "../errors.ts";
import { checkOptions } from "../_connect/options.ts";
import { messageOf } from "../_common/errors.ts";
import { checkClientCertificate } from "../_common/client_certificate.ts";
import { palette } from "./_colors.ts";
import { safeJson, visible } from "../_common/visible.ts";
import { unbracket } from "../_common/ip.ts";
import { type CliArgs, parseCliArgs } from "./_args.ts";
import { USAGE, UsageError } from "./_usage.ts";
import { readProxyOption, readTlsFiles } from "./_files.ts";
import type { RepeatReport, Report, RunResult } from "./report_types.ts";
import type { StopReason } from "./_fold.ts";
import { catchInterrupt, type CliIo, terminalIo } from "./_io.ts";
import { type CliTrace, cliTrace, inTrace } from "./_otel.ts";
import { serverVerdict } from "./_acceptance.ts";
import { Timeline } from "./_timeline.ts";
import { header, historyLines } from "./_header.ts";
import { statusLine, waiting } from "./_waiting.ts";
import { verdict } from "./_verdict.ts";
import { buildReport } from "./_report.ts";
import { waterfall } from "./_waterfall.ts";
import { exitCode, repeatReport, type RepeatRun, summary } from "./_summary.ts";

export { type CliIo, terminalIo };

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
const WAITING_REFRESH_MS = 200;

/**
 * Everything the command line asks of connect(), read and checked before any
 * traffic: an error here is the command line's.
 */
async function prepare(
  cli: CliArgs,
  extras: CliExtras,
): Promise<CliOptions> {
  let tls: ConnectTlsSettings | undefined;
  if (cli.tls) {
    tls = {
      handshakeTimeout: HANDSHAKE_TIMEOUT,
      ...(!cli.tls.raceHandshake && { raceHandshake: false }),
      ...(cli.tls.serverName !== undefined && {
        serverName: cli.tls.serverName,
      }),
      ...(cli.tls.alpnProtocols.length > 0 && {
        alpnProtocols: cli.tls.alpnProtocols,
      }),
      ...await readTlsFiles(cli.tls),
    };
  }
  const proxy = await readProxyOption(cli);
  const resolver = cli.dns
    ? dnsResolver(cli.dnsServer ? { nameServer: cli.dnsServer } : {})
    : extras.resolver;
  const options: CliOptions = {
    hostname: cli.hostname,
    port: cli.port,
    happyEyeballsDelay: cli.delay,
    interleave: cli.interleave,
    allErrors: cli.allErrors,
    ...(cli.attemptTimeout !== undefined &&
      { attemptTimeout: cli.attemptTimeout }),
    ...(cli.family !== undefined && { family: cli.family }),
    ...(proxy !== undefined && { proxy }),
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

/** One connection: its exit code, report, delay, and the history's part. */
interface Run extends RepeatRun {
  code: number;
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
    lookedUpAgo: lookup.at === undefined
      ? undefined
      : performance.now() - lookup.at,
  });
  let status = false; // Whether the "still waiting" line is on screen.
  const p = palette(io.color);
  let heading = [
    ...(context.title ? [p.bold(context.title)] : []),
    ...header(timeline.fold.settings, p),
  ];
  const print = (lines: string[]) => {
    if (!human || lines.length + heading.length === 0) return;
    if (status) io.write("\r\x1b[2K");
    status = false;
    io.write([...heading, ...lines].map((line) => `${line}\n`).join(""));
    heading = [];
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
      const text = waiting(timeline.fold, timeline.columns, now(), {
        handshakeTimeout: HANDSHAKE_TIMEOUT,
      });
      if (text === undefined) return;
      if (heading.length > 0) print([]);
      const hint = context.interrupt ? "; Ctrl-C gives up" : "";
      io.write(statusLine(`${text}${hint}`, io));
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
        print(historyLines(remembered, record?.connectTime, delayUsed, p));
      }
    },
    ...(signal !== undefined && { signal }),
    ...(history !== undefined && { history }),
  };

  let result: RunResult;
  try {
    const conn = await connect(options);
    const connected: RunResult & { ok: true } = {
      ok: true,
      elapsed: now(),
      remoteAddr: conn.remoteAddr as Deno.NetAddr,
      localAddr: conn.localAddr as Deno.NetAddr,
    };
    result = !("handshake" in conn) ? connected : await serverVerdict(
      conn,
      connected,
      { ...timeline.view, signal, now, print },
    );
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

  timeline.fold.end();
  const report = buildReport(timeline.fold, result);
  if (human) {
    const { out, err } = verdict(result, timeline.fold, {
      palette: p,
      label: (a) => timeline.label(a),
    });
    print(out);
    if (io.live) print(waterfall(report, { columns: io.columns, palette: p }));
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
  let trace: CliTrace | undefined;
  try {
    const parsed = parseCliArgs(args);
    if (parsed === "help") {
      io.write(USAGE);
      return { code: 0 };
    }
    cli = parsed;
    base = await prepare(cli, extras);
    trace = cli.otel ? cliTrace(cli.hostname, cli.port) : undefined;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.writeError(`error: ${visible(error.message)}\n\n${USAGE}`);
    return { code: 2 };
  }

  const ctrlC = extras.handleInterrupt ? catchInterrupt() : undefined;
  const interrupt = ctrlC?.signal;
  const history = cli.repeat > 1 ? new ConnectHistory() : undefined;
  const lookup = {};
  const runs: Run[] = [];
  try {
    await inTrace(trace, async () => {
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
    });
  } finally {
    ctrlC?.stop();
  }

  const last = runs.at(-1)!;
  const code = exitCode(runs);
  trace?.end(code, io);
  if (cli.repeat === 1) {
    if (cli.json) io.write(`${safeJson(last.report)}\n`);
    return { code, report: last.report };
  }
  const repeat = repeatReport(runs);
  if (cli.json) io.write(`${safeJson(repeat)}\n`);
  else io.write(summary(repeat, { color: io.color, requested: cli.repeat }));
  return { code, report: last.report, repeat };
}
