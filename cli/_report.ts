// Copyright 2026 the happy-eyeballs authors. MIT license.
// The events of one `connect()` folded into a report: pure data, no I/O, no
// clock, no text for people (that is _timeline.ts). The report's types, the
// `--json` contract, are in _report_types.ts.
import type { ConnectEvent, ResolvedEvent } from "../types.ts";
import type {
  AcceptanceReport,
  AddressReport,
  AttemptOutcome,
  ErrorKind,
  ErrorReport,
  Report,
  RunResult,
  RunSettings,
  StartReason,
  StopReason,
} from "./report_types.ts";
import { formatAddress } from "../errors.ts";
import { messageOf } from "../_common/errors.ts";
import { familyOf } from "../_common/ip.ts";

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
  /**
   * How long before this run the name was last looked up (ms), if it was:
   * said of addresses the history remembered.
   */
  readonly lookedUpAgo: number | undefined;

  /**
   * @param settings What the run was asked to do.
   * @param lookedUpAgo How long before this run the name was last looked up
   * (ms), if it was.
   */
  constructor(settings: RunSettings, lookedUpAgo?: number) {
    this.settings = settings;
    this.lookedUpAgo = lookedUpAgo;
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
        attemptTimeout: s.attemptTimeout ?? null,
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
          ...(this.resolved.remembered && {
            remembered: true as const,
            ...(this.lookedUpAgo !== undefined &&
              { lookedUpAgo: round(this.lookedUpAgo) }),
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
