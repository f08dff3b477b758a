// Copyright 2026 the happy-eyeballs authors. MIT license.
// The events of one `connect()` folded into a report: pure data, no I/O, no
// clock, no text for people (that is _timeline.ts). The types are the `--json`
// contract of the command-line tool, exported from cli.ts.
import type { ConnectEvent, Family, ResolvedEvent } from "./types.ts";
import { formatAddress } from "./errors.ts";
import { messageOf } from "./_errors.ts";
import { familyOf } from "./_ip.ts";

/** What a run was asked to do, as the command line said it. */
export interface RunSettings {
  /** The host as given. */
  hostname: string;
  /** The port. */
  port: number;
  /** Milliseconds between attempt starts; `Infinity`: one at a time. */
  delay: number;
  /** RFC 8305 "First Address Family Count". */
  interleave: number;
  /** The only family wanted, if any. */
  family?: Family | undefined;
  /** The local address to bind, if any. */
  localAddr?: { hostname: string; port: number } | undefined;
  /** Milliseconds before giving up, if any. */
  timeout?: number | undefined;
  /** Whether every attempt's error is reported separately. */
  allErrors: boolean;
  /** Whether `dnsResolver()` resolves the host (`--dns`). */
  dns?: boolean | undefined;
  /** The TLS settings, when a TLS handshake follows the connection. */
  tls?: {
    serverName?: string | undefined;
    alpnProtocols: string[];
    caFiles: string[];
    certFile?: string | undefined;
    keyFile?: string | undefined;
  } | undefined;
}

/** Why a run gave up before `connect()` settled by itself. */
export type StopReason = "timeout" | "interrupted";

/** How a run ended. */
export type RunResult =
  | {
    ok: true;
    /** Milliseconds from the call to the end. */
    elapsed: number;
    remoteAddr: Deno.NetAddr;
    localAddr: Deno.NetAddr;
  }
  | {
    ok: false;
    /** Milliseconds from the call to the end. */
    elapsed: number;
    /** What `connect()` rejected with, or why the server refused us. */
    error: unknown;
  };

/** The kind of an attempt's failure. */
export type ErrorKind =
  | "refused"
  | "timedOut"
  | "unreachable"
  | "reset"
  | "addressNotAvailable"
  | "addressInUse"
  | "permission"
  | "other";

/** An error, as JSON. */
export interface ErrorReport {
  /** The class name, such as `ConnectionRefused` or `TimeoutError`. */
  name: string;
  /** The message. */
  message: string;
  /** The system error code, such as `ECONNREFUSED`, or `null`. */
  code: string | null;
}

/** An attempt's error, as JSON. */
export interface AttemptErrorReport extends ErrorReport {
  /** What kind of failure it was. */
  kind: ErrorKind;
}

/** An address, as JSON. */
export interface AddressReport {
  /** `host:port`, with brackets around IPv6 addresses. */
  address: string;
  /** The IP address. */
  hostname: string;
  /** The port. */
  port: number;
  /** `4` or `6`. */
  family: Family;
}

/**
 * What became of an address: `won`; `failed`; `cancelled` (another attempt
 * won); `abandoned` (still pending when the run gave up); `notStarted`.
 */
export type AttemptOutcome =
  | "won"
  | "failed"
  | "cancelled"
  | "abandoned"
  | "notStarted";

/**
 * Why an attempt started when it did: `first`; `delay` (the previous one was
 * still pending after the delay); `failure` (the previous one had just
 * failed); `lateAnswer` (every address known had been tried, and a later
 * batch of the resolver brought this one).
 */
export type StartReason = "first" | "delay" | "failure" | "lateAnswer";

/** A batch of addresses that came after the first one, as JSON. */
export interface LateAnswerReport {
  /** When it came (ms). */
  elapsed: number;
  /** The addresses it added, in the resolver's order. */
  addresses: AddressReport[];
}

/** One resolved address and its attempt, as JSON. */
export interface AttemptReport extends AddressReport {
  /**
   * The position in the attempt order, from 0 (the timeline shows `#1` for
   * 0): the `index` of its attempt events; for an address never tried, its
   * place after every tried one, in the order resolved.
   */
  index: number;
  /** What became of it. */
  outcome: AttemptOutcome;
  /** When it started (ms), or `null` if it never did. */
  started: number | null;
  /** Why it started then, or `null` if it never did. */
  startedBecause: StartReason | null;
  /** When it ended (ms), or `null` if it was still pending. */
  ended: number | null;
  /** `ended - started`, or `null`. */
  duration: number | null;
  /** The error, for `failed` attempts; otherwise `null`. */
  error: AttemptErrorReport | null;
}

/**
 * What the server did in the moments after a TLS handshake that succeeded on
 * our side. A TLS 1.3 server checks the client certificate (or its absence)
 * only then, and says no with an alert.
 */
export interface AcceptanceReport {
  /** How long the tool waited for a verdict (ms). */
  waited: number;
  /**
   * `quiet`: nothing came, as a server that accepted us and waits for a
   * request does; `data`: the server sent data (it accepted us); `alert`:
   * it sent a fatal alert (it refused us); `closed`: it closed the
   * connection.
   */
  outcome: "quiet" | "data" | "alert" | "closed";
}

/** The TLS handshake, as JSON. */
export interface TlsReport {
  /** The address it ran on. */
  address: string;
  /** The server name used. */
  serverName: string;
  /** When it started (ms). */
  started: number;
  /** When it ended (ms), or `null` if it never did. */
  ended: number | null;
  /** `ended - started`, or `null`. */
  duration: number | null;
  /**
   * Whether it succeeded, the server's verdict included; `null` if it never
   * ended.
   */
  ok: boolean | null;
  /** The protocol agreed by ALPN, or `null`. */
  alpnProtocol: string | null;
  /** What the server did after the handshake, or `null` when not checked. */
  acceptance: AcceptanceReport | null;
  /** Why it failed, or `null`. */
  error: ErrorReport | null;
}

/** What was asked, as JSON. */
export interface SettingsReport {
  /** Ms between attempt starts; `null` for one at a time (`Infinity`). */
  delay: number | null;
  /** RFC 8305 "First Address Family Count". */
  interleave: number;
  /** The only family wanted (`-4`, `-6`), or `null`. */
  family: Family | null;
  /** `host:port` to bind, or `null`. */
  localAddr: string | null;
  /** `--timeout` in ms, or `null`. */
  timeout: number | null;
  /** `--all-errors`. */
  allErrors: boolean;
  /** `--dns`: resolved with `dnsResolver()`. */
  dns: boolean;
  /** The TLS settings, or `null` without `--tls`. */
  tls: {
    serverName: string | null;
    alpnProtocols: string[];
    caFiles: string[];
    certFile: string | null;
    keyFile: string | null;
  } | null;
}

/** The resolution, as JSON. */
export interface ResolvedReport {
  /** When the first batch came (ms). */
  elapsed: number;
  /** The name resolved. */
  hostname: string;
  /**
   * Every address: the first batch in attempt order, then those of each
   * later batch.
   */
  addresses: AddressReport[];
  /**
   * The addresses left out, of a family that `--local-addr` cannot serve.
   */
  skipped: AddressReport[];
  /**
   * The later batches of a resolver that answers in batches (RFC 8305 §3,
   * `--dns`), in the order they came; absent when there was a single one.
   */
  late?: LateAnswerReport[];
}

/** The whole run, as one JSON object (`--json`). */
export interface Report {
  /** Whether it connected (and, with TLS, the server accepted us). */
  ok: boolean;
  /** The host as given. */
  host: string;
  /** The port. */
  port: number;
  /** What was asked. */
  settings: SettingsReport;
  /** The resolution, or `null` if it did not complete. */
  resolved: ResolvedReport | null;
  /**
   * Set when the race was left to `Deno.connect`: the net permission covers
   * the name but not its addresses.
   */
  fallback: { elapsed: number; reason: string } | null;
  /**
   * One entry per resolved address, in attempt order: the attempts in the
   * order they started, then the addresses never tried.
   */
  attempts: AttemptReport[];
  /** The TLS handshake, or `null` when none started. */
  tls: TlsReport | null;
  /** The connection made, or `null`. */
  connected: {
    /** The server's address. */
    address: string;
    /** Ours. */
    localAddress: string;
    /** The winning attempt's index, or `null` when unknown (fallback). */
    index: number | null;
  } | null;
  /** Set when the run gave up: timeout or interrupt. */
  stopped: {
    reason: StopReason;
    elapsed: number;
    /** Indexes of the attempts still pending then. */
    pending: number[];
  } | null;
  /** Why it failed, or `null`. */
  error:
    | (ErrorReport & {
      /** Where it failed. */
      stage: "resolve" | "connect" | "tls";
      /** The errors inside an `AggregateError`, else empty. */
      errors: ErrorReport[];
    })
    | null;
  /** Total milliseconds. */
  elapsed: number;
}

/** One connection of `--repeat`, in the summary. */
export interface RepeatSummary {
  /** Whether it connected. */
  ok: boolean;
  /** The winning address, or `null`. */
  winner: string | null;
  /** The winning attempt's connect time (ms), or `null`. */
  connectTime: number | null;
  /**
   * The delay between attempt starts in force (ms): shorter than
   * `settings.delay` once the history knows the winner's connect time;
   * `null` for `Infinity`.
   */
  delay: number | null;
  /** Whether the history put the winner of an earlier run first. */
  remembered: boolean;
  /** Total milliseconds. */
  elapsed: number;
}

/** `--repeat N --json`: every run, then the summary. */
export interface RepeatReport {
  /** The report of each run, in order. */
  runs: Report[];
  /** One line per run. */
  summary: RepeatSummary[];
}

/** The state of one attempt (`index` is its place in the attempt order). */
export interface AttemptState {
  index: number;
  address: Deno.NetAddr;
  started?: number;
  startedBecause?: StartReason;
  ended?: number;
  outcome?: Exclude<AttemptOutcome, "notStarted">;
  error?: unknown;
}

/** The state of the TLS handshake. */
export interface TlsState {
  address: Deno.NetAddr;
  serverName: string;
  started: number;
  ended?: number;
  ok?: boolean;
  alpnProtocol: string | null;
  acceptance?: AcceptanceReport;
  error?: unknown;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function optional(value: number | undefined): number | null {
  return value === undefined ? null : round(value);
}

/** Describes a thrown value as JSON. */
export function errorReport(error: unknown): ErrorReport {
  const name = error instanceof Error || error instanceof DOMException
    ? error.name
    : typeof error;
  // Errors that name an address keep the system's code on their cause.
  const withCode = error as { code?: unknown; cause?: { code?: unknown } };
  const code = withCode?.code ?? withCode?.cause?.code;
  return {
    name,
    message: messageOf(error),
    code: typeof code === "string" ? code : null,
  };
}

/** The kind of an attempt's error. */
export function errorKind(error: unknown): ErrorKind {
  const e = Deno.errors;
  if (error instanceof e.ConnectionRefused) return "refused";
  if (error instanceof e.TimedOut) return "timedOut";
  if (error instanceof e.NetworkUnreachable) return "unreachable";
  if (error instanceof e.ConnectionReset) return "reset";
  if (error instanceof e.AddrNotAvailable) return "addressNotAvailable";
  if (error instanceof e.AddrInUse) return "addressInUse";
  if (error instanceof e.NotCapable || error instanceof e.PermissionDenied) {
    return "permission";
  }
  return "other";
}

function addressReport(a: Deno.NetAddr): AddressReport {
  return {
    address: formatAddress(a),
    hostname: a.hostname,
    port: a.port,
    family: familyOf(a.hostname),
  };
}

/**
 * The events of one run folded into its state; {@linkcode RunFold.report}
 * turns it into the JSON report. Feed it every event of `connect()` in order.
 */
export class RunFold {
  /** What the run was asked to do. */
  readonly settings: RunSettings;
  /** The first batch of addresses. */
  resolved: ResolvedEvent | undefined;
  /** The later batches (RFC 8305 §3), in the order they came. */
  readonly late: ResolvedEvent[] = [];
  /** Every address resolved, in the order resolved. */
  readonly known: Deno.NetAddr[] = [];
  /** Addresses left out for `--local-addr`. */
  readonly skipped: Deno.NetAddr[] = [];
  /** Set when the race was left to `Deno.connect`. */
  fallback: { elapsed: number; reason: string } | undefined;
  /** The attempts named by attempt events, by `index` (start order). */
  readonly attempts: AttemptState[] = [];
  /** The index of the winning attempt. */
  winner: number | undefined;
  /** The TLS handshake. */
  tls: TlsState | undefined;
  /** Set when the run gave up. */
  stopped:
    | { reason: StopReason; elapsed: number; pending: number[] }
    | undefined;
  /** Whether the latest batch came while the race waited for an address. */
  #answerAwaited = false;
  #lastAttempt: ConnectEvent | undefined;

  /** @param settings What the run was asked to do. */
  constructor(settings: RunSettings) {
    this.settings = settings;
  }

  /** The attempt at `index`, made on first mention. */
  attempt(index: number, address: Deno.NetAddr): AttemptState {
    return this.attempts[index] ??= { index, address };
  }

  /**
   * Every address, in attempt order: the attempts in the order they started,
   * then the addresses not tried (yet), in the order resolved. With a single
   * batch, that is the order of the `resolved` event.
   */
  ordered(): AttemptState[] {
    // `filter` skips the indexes no event named.
    const tried = this.attempts.filter(() => true);
    const triedCount = new Map<string, number>();
    for (const a of tried) {
      const key = formatAddress(a.address);
      triedCount.set(key, (triedCount.get(key) ?? 0) + 1);
    }
    let index = this.attempts.length;
    const untried: AttemptState[] = [];
    for (const address of this.known) {
      const key = formatAddress(address);
      const count = triedCount.get(key) ?? 0;
      if (count > 0) triedCount.set(key, count - 1);
      else untried.push({ index: index++, address });
    }
    return [...tried, ...untried];
  }

  /** The attempts started and not ended. */
  pending(): AttemptState[] {
    return this.attempts.filter((a) =>
      a.started !== undefined && a.ended === undefined
    );
  }

  /** Where the run is, or where it failed. */
  stage(): "resolve" | "connect" | "tls" {
    if (this.tls) return "tls";
    return this.resolved || this.fallback ? "connect" : "resolve";
  }

  /** Takes one event of `connect()`. */
  add(event: ConnectEvent): void {
    this.#add(event);
    if (event.type.startsWith("attempt")) this.#lastAttempt = event;
  }

  #add(event: ConnectEvent): void {
    switch (event.type) {
      case "resolved":
        if (this.resolved) {
          this.#lateAnswer(event);
        } else {
          this.resolved = event;
          this.known.push(...event.addresses);
          this.skipped.push(...(event.skipped ?? []));
        }
        return;
      case "fallback":
        this.fallback = { elapsed: event.elapsed, reason: event.reason };
        return;
      case "attemptStarted": {
        const a = this.attempt(event.index, event.address);
        a.started = event.elapsed;
        const last = this.#lastAttempt;
        const awaited = this.#answerAwaited;
        this.#answerAwaited = false;
        a.startedBecause = event.index === 0
          ? "first"
          : awaited
          ? "lateAnswer"
          : last?.type === "attemptFailed" && last.index === event.index - 1
          ? "failure"
          : "delay";
        return;
      }
      case "attemptFailed": {
        const a = this.attempt(event.index, event.address);
        a.ended = event.elapsed;
        a.outcome = "failed";
        a.error = event.error;
        return;
      }
      case "attemptWon": {
        const a = this.attempt(event.index, event.address);
        a.ended = event.elapsed;
        a.outcome = "won";
        this.winner = event.index;
        return;
      }
      case "attemptCancelled": {
        const a = this.attempt(event.index, event.address);
        a.ended = event.elapsed;
        a.outcome = this.winner === undefined && this.stopped
          ? "abandoned"
          : "cancelled";
        return;
      }
      case "tlsStarted":
        this.tls = {
          address: event.address,
          serverName: event.serverName,
          started: event.elapsed,
          alpnProtocol: null,
        };
        return;
      case "tlsSucceeded":
      case "tlsFailed": {
        const tls = this.tls ??= {
          address: event.address,
          serverName: event.serverName,
          started: event.elapsed,
          alpnProtocol: null,
        };
        tls.ended = event.elapsed;
        tls.ok = event.type === "tlsSucceeded";
        if (event.type === "tlsSucceeded") {
          tls.alpnProtocol = event.alpnProtocol;
        } else {
          tls.error = event.error;
        }
        return;
      }
    }
  }

  /** A later batch of addresses (RFC 8305 §3): only the new ones. */
  #lateAnswer(event: ResolvedEvent): void {
    if (event.addresses.length === 0) return;
    // Was the race waiting for an address? It was if every address known
    // had been tried, and the newest attempt had failed or had no answer
    // after the delay: then the next attempt starts because of this batch
    // (or of an earlier one, if it has not started yet).
    const untried = this.ordered().length - this.attempts.length;
    const newest = this.attempts.at(-1);
    this.#answerAwaited ||= untried === 0 && newest?.started !== undefined &&
      (newest.outcome === "failed" ||
        (newest.outcome === undefined &&
          event.elapsed - newest.started >= this.settings.delay));
    this.late.push(event);
    this.known.push(...event.addresses);
  }

  /**
   * Records what the server did after the TLS handshake; an alert or a
   * close makes the handshake a failure, for `error`.
   */
  accepted(acceptance: AcceptanceReport, error?: unknown): void {
    if (!this.tls) return;
    this.tls.acceptance = acceptance;
    if (error !== undefined) {
      this.tls.ok = false;
      this.tls.error = error;
    }
  }

  /**
   * Records that the run gave up (its signal aborted) at `elapsed`; the
   * attempts then pending are abandoned, not cancelled.
   */
  stop(reason: StopReason, elapsed: number): void {
    this.stopped = {
      reason,
      elapsed,
      pending: this.pending().map((a) => a.index),
    };
  }

  /** The index of the attempt that connected to `remote`. */
  winnerIndex(remote: Deno.NetAddr): number | undefined {
    if (this.winner !== undefined) return this.winner;
    return this.ordered().find((a) => a.address.hostname === remote.hostname)
      ?.index;
  }

  /**
   * The whole run as one JSON-ready object.
   *
   * @param result How the run ended.
   * @returns The report; `JSON.stringify` it.
   */
  report(result: RunResult): Report {
    const s = this.settings;
    let error: Report["error"] = null;
    if (!result.ok) {
      const inner = result.error instanceof AggregateError
        ? result.error.errors.map(errorReport)
        : [];
      error = {
        ...errorReport(result.error),
        stage: this.stage(),
        errors: inner,
      };
    }
    const tls = this.tls;
    return {
      ok: result.ok,
      host: s.hostname,
      port: s.port,
      settings: {
        delay: s.delay === Infinity ? null : s.delay,
        interleave: s.interleave,
        family: s.family ?? null,
        localAddr: s.localAddr ? formatAddress(s.localAddr) : null,
        timeout: s.timeout ?? null,
        allErrors: s.allErrors,
        dns: s.dns ?? false,
        tls: s.tls
          ? {
            serverName: s.tls.serverName ?? null,
            alpnProtocols: s.tls.alpnProtocols,
            caFiles: s.tls.caFiles,
            certFile: s.tls.certFile ?? null,
            keyFile: s.tls.keyFile ?? null,
          }
          : null,
      },
      resolved: this.resolved
        ? {
          elapsed: round(this.resolved.elapsed),
          hostname: this.resolved.hostname,
          addresses: this.known.map(addressReport),
          skipped: this.skipped.map(addressReport),
          ...(this.late.length > 0 && {
            late: this.late.map((batch) => ({
              elapsed: round(batch.elapsed),
              addresses: batch.addresses.map(addressReport),
            })),
          }),
        }
        : null,
      fallback: this.fallback
        ? {
          elapsed: round(this.fallback.elapsed),
          reason: this.fallback.reason,
        }
        : null,
      attempts: this.ordered().map((a) => ({
        index: a.index,
        ...addressReport(a.address),
        outcome: a.outcome ?? "notStarted",
        started: optional(a.started),
        startedBecause: a.startedBecause ?? null,
        ended: optional(a.ended),
        duration: a.started !== undefined && a.ended !== undefined
          ? round(a.ended - a.started)
          : null,
        error: a.outcome === "failed"
          ? { ...errorReport(a.error), kind: errorKind(a.error) }
          : null,
      })),
      tls: tls
        ? {
          address: formatAddress(tls.address),
          serverName: tls.serverName,
          started: round(tls.started),
          ended: optional(tls.ended),
          duration: tls.ended === undefined
            ? null
            : round(tls.ended - tls.started),
          ok: tls.ok ?? null,
          alpnProtocol: tls.alpnProtocol,
          acceptance: tls.acceptance
            ? { ...tls.acceptance, waited: round(tls.acceptance.waited) }
            : null,
          error: tls.error === undefined ? null : errorReport(tls.error),
        }
        : null,
      connected: result.ok
        ? {
          address: formatAddress(result.remoteAddr),
          localAddress: formatAddress(result.localAddr),
          index: this.winnerIndex(result.remoteAddr) ?? null,
        }
        : null,
      stopped: this.stopped
        ? { ...this.stopped, elapsed: round(this.stopped.elapsed) }
        : null,
      error,
      elapsed: round(result.elapsed),
    };
  }
}
