// Copyright 2026 the happy-eyeballs authors. MIT license.
// What the server does just after a TLS handshake: a TLS 1.3 server refuses a
// client certificate (or its absence) only then, with an alert.
import { delay } from "@std/async/delay";
import { formatAddress } from "../errors.ts";
import { messageOf } from "../_common/errors.ts";
import { visible } from "../_common/visible.ts";
import type { AcceptanceReport, RunResult } from "./report_types.ts";
import type { Palette } from "./_colors.ts";
import type { Columns } from "./_columns.ts";
import type { Acceptance, RunFold } from "./_fold.ts";
import { tlsAdvice } from "./_advice.ts";

const ALERT_REGEXP = /alert/i;

/**
 * How long to wait after a TLS handshake for the server to refuse us: a TLS
 * 1.3 server checks a client certificate (or its absence) only once the
 * client's side of the handshake is done, and says no with an alert, which
 * comes within a round trip.
 */
export const ACCEPTANCE_WAIT = 300;
/** The longest wait, however long the round trip (ms). */
const MAX_ACCEPTANCE_WAIT = 30_000;

/**
 * How long to wait for the server's verdict over this connection: it comes a
 * round trip after our side of the handshake, so four round trips as
 * measured (the winning attempt's TCP connect time, or else the
 * handshake's)
 * when that is longer than {@linkcode ACCEPTANCE_WAIT}; 30 s at most.
 *
 * @param fold The run so far.
 * @returns The wait, and the round trip when it set the wait.
 */
export function acceptanceWait(
  fold: RunFold,
): { wait: number; roundTrip?: number } {
  const won = fold.winner === undefined
    ? undefined
    : fold.attempts[fold.winner];
  const { tls } = fold;
  // With the handshake in the race, the attempt ends once TLS is up: its
  // TCP connection alone is the round trip.
  const tcpUp = won?.connected ?? won?.ended;
  const roundTrip = won?.started !== undefined && tcpUp !== undefined
    ? tcpUp - won.started
    : tls?.ended !== undefined
    ? tls.ended - tls.started
    : undefined;
  if (roundTrip === undefined || !(4 * roundTrip > ACCEPTANCE_WAIT)) {
    return { wait: ACCEPTANCE_WAIT };
  }
  return {
    wait: Math.min(Math.ceil(4 * roundTrip), MAX_ACCEPTANCE_WAIT),
    roundTrip,
  };
}

/**
 * What the server does just after a TLS handshake: wait up to `wait` ms for
 * an alert, data or a close. Closes `conn` when it gives up waiting.
 *
 * @param conn The TLS connection, its handshake done.
 * @param signal Ends the wait early.
 * @param wait How long to wait (see {@linkcode acceptanceWait}).
 * @returns What came, and the error that came with an alert or a close.
 */
export async function awaitAcceptance(
  conn: Deno.TlsConn,
  signal: AbortSignal | undefined,
  wait: number = ACCEPTANCE_WAIT,
): Promise<{ outcome: AcceptanceReport["outcome"]; error?: unknown }> {
  const read = conn.read(new Uint8Array(4096)).then(
    (n) => ({ outcome: n === null ? "closed" as const : "data" as const }),
    (error) => ({
      outcome: ALERT_REGEXP.test(messageOf(error))
        ? "alert" as const
        : "closed" as const,
      error,
    }),
  );
  const stop = new AbortController();
  const ended = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const quiet = delay(wait, { signal: ended }).then(
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

/** The timeline's parts that say the server's verdict. */
export interface TimelineView {
  /** The state of the run. */
  fold: RunFold;
  /** The time column. */
  columns: Columns;
  /** The styles. */
  palette: Palette;
}

/**
 * Records what the server did just after the TLS handshake.
 *
 * @param view The timeline.
 * @param acceptance What came, and how long it waited.
 * @param elapsed When the wait ended.
 * @param options The alert, or why the connection ended; the wait as set,
 * and the round trip it counted.
 * @returns The line to print.
 */
export function acceptedLines(
  view: TimelineView,
  acceptance: Acceptance,
  elapsed: number,
  options: { error?: unknown; wait?: number; roundTrip?: number } = {},
): string[] {
  const { fold, columns, palette: p } = view;
  const { error, roundTrip } = options;
  fold.accepted(acceptance, error);
  // The wait as set: the measured one is in the report.
  const waited = `${options.wait ?? Math.round(acceptance.waited)} ms${
    roundTrip === undefined
      ? ""
      : ` (four round trips of ${roundTrip.toFixed(1)} ms, as measured)`
  }`;
  switch (acceptance.outcome) {
    case "quiet":
      return [columns.line(
        elapsed,
        `no alert from the server in ${waited}: it accepted us ${
          p.dim(
            "(the tool waits that long, as a TLS 1.3 server refuses a client certificate only after the handshake)",
          )
        }`,
      )];
    case "data":
      return [columns.line(
        elapsed,
        "the server sent data after the handshake: it accepted us",
      )];
    case "alert":
      return [columns.line(
        elapsed,
        p.red(
          `the server refused us after the handshake: ${
            visible(tlsAdvice(error, fold.tlsContext()).short)
          }`,
        ),
      )];
    case "closed":
      return [columns.line(
        elapsed,
        p.red(
          "the server closed the connection just after the handshake: it refused us",
        ),
      )];
  }
}

/** What {@linkcode serverVerdict} works with. */
export interface VerdictContext extends TimelineView {
  /** Ends the wait early. */
  signal: AbortSignal | undefined;
  /** The run's clock (ms). */
  now(): number;
  /** Prints lines. */
  print(lines: string[]): void;
}

/**
 * Waits for the server's verdict after a TLS handshake, says it, and returns
 * the run's result: a refusal makes it a failure.
 *
 * @param conn The TLS connection, its handshake done.
 * @param connected The result when the connection was made.
 * @param context The timeline, the signal, the clock and where to print.
 * @returns How the run ended.
 */
export async function serverVerdict(
  conn: Deno.TlsConn,
  connected: Extract<RunResult, { ok: true }>,
  context: VerdictContext,
): Promise<RunResult> {
  const { signal } = context;
  const begun = context.now();
  const { wait, roundTrip } = acceptanceWait(context.fold);
  const { outcome, error } = await awaitAcceptance(conn, signal, wait);
  const elapsed = context.now();
  if (signal?.aborted) return { ok: false, elapsed, error: signal.reason };
  const refused = outcome === "alert" || outcome === "closed";
  context.print(acceptedLines(
    context,
    { waited: elapsed - begun, outcome },
    elapsed,
    {
      wait,
      ...(roundTrip !== undefined && { roundTrip }),
      error: refused
        ? error ??
          new Deno.errors.ConnectionReset(
            "The server closed the connection just after the TLS handshake",
          )
        : undefined,
    },
  ));
  if (!refused) return { ...connected, elapsed };
  const cause = context.fold.tls?.error;
  const refusal = new Deno.errors.InvalidData(
    `TLS with ${
      formatAddress(connected.remoteAddr)
    } refused by the server after the handshake: ${messageOf(cause)}`,
    { cause },
  );
  return { ok: false, elapsed, error: refusal };
}
