// Copyright 2026 the happy-eyeballs authors. MIT license.
// The connection timeline of the command-line tool: events of `connect()` in,
// lines for a person and one JSON report out. Pure: no I/O, no clock; every
// time comes from the events (`elapsed`) or from the caller.
import type {
  AttemptEvent,
  ConnectEvent,
  Family,
  ResolvedEvent,
} from "./types.ts";
import { formatAddress } from "./errors.ts";
import { messageOf } from "./_errors.ts";
import { familyOf, ipVersion } from "./_ip.ts";
import { type Palette, palette } from "./_colors.ts";

/** Every event the timeline understands: those of `connect()`. */
export type TimelineEvent = ConnectEvent;

/** The end of a TLS handshake. */
type TlsEndEvent = Extract<
  ConnectEvent,
  { type: "tlsSucceeded" | "tlsFailed" }
>;

/** What the run was asked to do, as the command line said it. */
export interface TimelineSettings {
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
  /** The TLS settings, when a TLS handshake follows the connection. */
  tls?: {
    serverName?: string | undefined;
    alpnProtocols: string[];
    caFiles: string[];
  } | undefined;
}

/** Why the run gave up before `connect()` settled by itself. */
export type StopReason = "timeout" | "interrupted";

/** How the run ended. */
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
    /** What `connect()` rejected with. */
    error: unknown;
  };

// ---------------------------------------------------------------------------
// The JSON report. Field names are stable: they are documented in cli.ts.

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

/** What became of an address. */
export type AttemptOutcome =
  | "won"
  | "failed"
  | "cancelled"
  | "abandoned"
  | "notStarted";

/** Why an attempt started when it did. */
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
   * The position in the attempt order, from 0: the `index` of its attempt
   * events; for an address never tried, its place after every tried one, in
   * the order resolved.
   */
  index: number;
  /** What became of it. */
  outcome: AttemptOutcome;
  /** When it started (ms), or `null` if it never did. */
  started: number | null;
  /**
   * Why it started then: `first`; `delay` (the previous one was still
   * pending after the delay); `failure` (the previous one had just failed);
   * `lateAnswer` (every address known had been tried, and a later batch of
   * the resolver brought this one).
   */
  startedBecause: StartReason | null;
  /** When it ended (ms), or `null` if it was still pending. */
  ended: number | null;
  /** `ended - started`, or `null`. */
  duration: number | null;
  /** The error, for `failed` attempts; otherwise `null`. */
  error: AttemptErrorReport | null;
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
  /** Whether it succeeded; `null` if it never ended. */
  ok: boolean | null;
  /** The protocol agreed by ALPN, or `null`. */
  alpnProtocol: string | null;
  /** Why it failed, or `null`. */
  error: ErrorReport | null;
}

/** The whole run, as one JSON object (`--json`). */
export interface Report {
  /** Whether it connected (and, with TLS, completed the handshake). */
  ok: boolean;
  /** The host as given. */
  host: string;
  /** The port. */
  port: number;
  /** What was asked. */
  settings: {
    /** Ms between attempt starts; `null` for one at a time (`Infinity`). */
    delay: number | null;
    interleave: number;
    family: Family | null;
    localAddr: string | null;
    timeout: number | null;
    allErrors: boolean;
    tls: {
      serverName: string | null;
      alpnProtocols: string[];
      caFiles: string[];
    } | null;
  };
  /** The resolution, or `null` if it did not complete. */
  resolved: {
    /** When the first batch came (ms). */
    elapsed: number;
    hostname: string;
    /**
     * Every address: the first batch in attempt order, then those of each
     * later batch.
     */
    addresses: AddressReport[];
    /**
     * The later batches of a resolver that answers in batches (RFC 8305 §3),
     * in the order they came; absent when there was a single one.
     */
    late?: LateAnswerReport[];
  } | null;
  /** Set when the race was left to `Deno.connect` (net permission). */
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
    address: string;
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

// ---------------------------------------------------------------------------

interface AttemptState {
  index: number;
  address: Deno.NetAddr;
  started?: number;
  startedBecause?: StartReason;
  ended?: number;
  outcome?: Exclude<AttemptOutcome, "notStarted">;
  error?: unknown;
}

interface TlsState {
  address: Deno.NetAddr;
  serverName: string;
  started: number;
  ended?: number;
  ok?: boolean;
  alpnProtocol: string | null;
  error?: unknown;
}

function isAttemptEvent(event: TimelineEvent): event is AttemptEvent {
  return event.type === "attemptStarted" || event.type === "attemptFailed" ||
    event.type === "attemptWon" || event.type === "attemptCancelled";
}

/** Lines for the two output streams. */
export interface Lines {
  /** For standard output. */
  out: string[];
  /** For standard error. */
  err: string[];
}

const TIME_WIDTH = 11; // "+99999.9 ms"
const WAITING_AFTER_MS = 1000;

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function seconds(value: number): string {
  return `${(value / 1000).toFixed(1)} s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "es"}`;
}

/** Describes a thrown value as JSON. */
function errorReport(error: unknown): ErrorReport {
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

interface Classified {
  kind: ErrorKind;
  /** A few words for the timeline: "refused". */
  short: string;
  /** What it likely means, or `undefined`. */
  hint?: string;
}

/** Says what an attempt's error means. */
export function classify(error: unknown): Classified {
  const e = Deno.errors;
  if (error instanceof e.ConnectionRefused) {
    return {
      kind: "refused",
      short: "refused",
      hint:
        "nothing listens on that port there, or a firewall rejects the connection",
    };
  }
  if (error instanceof e.TimedOut) {
    return {
      kind: "timedOut",
      short: "timed out",
      hint:
        "no answer: packets to it may be dropped on the way (a blackhole or a firewall)",
    };
  }
  if (error instanceof e.NetworkUnreachable) {
    return {
      kind: "unreachable",
      short: "network unreachable",
      hint: "no route to it; for IPv6, this host may have no IPv6 connectivity",
    };
  }
  if (error instanceof e.ConnectionReset) {
    return { kind: "reset", short: "reset by the peer" };
  }
  if (error instanceof e.AddrNotAvailable) {
    return {
      kind: "addressNotAvailable",
      short: "local address not available",
      hint: "--local-addr must be an address of this host",
    };
  }
  if (error instanceof e.AddrInUse) {
    return {
      kind: "addressInUse",
      short: "local address in use",
      hint: "another socket uses that local port",
    };
  }
  if (error instanceof e.NotCapable || error instanceof e.PermissionDenied) {
    return {
      kind: "permission",
      short: "not permitted",
      hint: "Deno needs --allow-net for it, or the system forbids it",
    };
  }
  return { kind: "other", short: messageOf(error) };
}

function describeSettings(s: TimelineSettings): string {
  const parts: string[] = [];
  if (s.delay === 0) parts.push("all attempts at once");
  else if (s.delay === Infinity) parts.push("one attempt at a time");
  else {
    parts.push(
      `a new attempt every ${s.delay} ms, or at once when the latest fails`,
    );
  }
  if (s.family) parts.push(`IPv${s.family} only`);
  if (s.interleave === 0) parts.push("in the resolver's order");
  else if (s.interleave > 1) {
    parts.push(`${s.interleave} addresses of the first family first`);
  }
  if (s.localAddr) {
    parts.push(
      `from ${
        s.localAddr.port === 0
          ? s.localAddr.hostname
          : formatAddress(s.localAddr)
      }`,
    );
  }
  if (s.tls) {
    let tls = "then TLS";
    if (s.tls.serverName !== undefined) tls += ` for ${s.tls.serverName}`;
    if (s.tls.alpnProtocols.length > 0) {
      tls += ` offering ${s.tls.alpnProtocols.join(", ")}`;
    }
    parts.push(tls);
  }
  if (s.timeout !== undefined) parts.push(`giving up after ${s.timeout} ms`);
  return parts.join("; ");
}

/**
 * The timeline of one run: feed it the events of `connect()` as they come,
 * and print the lines each call returns.
 */
export class Timeline {
  #settings: TimelineSettings;
  #p: Palette;
  /** The first batch of addresses. */
  #resolved: ResolvedEvent | undefined;
  /** The later batches (RFC 8305 §3), in the order they came. */
  #late: ResolvedEvent[] = [];
  /** Every address resolved, in the order resolved. */
  #known: Deno.NetAddr[] = [];
  #fallback: { elapsed: number; reason: string } | undefined;
  /** The attempts named by attempt events, by `index` (start order). */
  #attempts: AttemptState[] = [];
  /** Whether the latest batch came while the race waited for an address. */
  #answerAwaited = false;
  #winner: number | undefined;
  #tls: TlsState | undefined;
  #stopped:
    | { reason: StopReason; elapsed: number; pending: number[] }
    | undefined;
  #lastAttempt: AttemptEvent | undefined;
  #labelWidth = 0;
  #done = false;

  /**
   * @param settings What the run was asked to do.
   * @param options `color`: style the lines with ANSI codes.
   */
  constructor(settings: TimelineSettings, options: { color?: boolean } = {}) {
    this.#settings = settings;
    this.#p = palette(options.color ?? false);
  }

  /** The first line: what is about to happen. */
  header(): string[] {
    const { hostname, port } = this.#settings;
    const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
    return [
      `${
        this.#p.bold(`Connecting to ${formatAddress({ hostname: bare, port })}`)
      } ${this.#p.dim(`(${describeSettings(this.#settings)})`)}`,
    ];
  }

  #line(elapsed: number, text: string): string {
    return `${this.#p.dim(`+${ms(elapsed)}`.padStart(TIME_WIDTH))}  ${text}`;
  }

  #label(attempt: AttemptState): string {
    const text = `#${attempt.index + 1} ${formatAddress(attempt.address)}`;
    return this.#p.cyan(text.padEnd(this.#labelWidth));
  }

  #attempt(index: number, address: Deno.NetAddr): AttemptState {
    const attempt = this.#attempts[index] ??= { index, address };
    this.#widen([attempt]);
    return attempt;
  }

  /** Widens the label column to fit these attempts; it never narrows. */
  #widen(attempts: AttemptState[]): void {
    this.#labelWidth = Math.max(
      this.#labelWidth,
      ...attempts.map((a) =>
        `#${a.index + 1} ${formatAddress(a.address)}`.length
      ),
    );
  }

  /**
   * Every address, in attempt order: the attempts in the order they started,
   * then the addresses not tried (yet), in the order resolved. With a single
   * batch, that is the order of the `resolved` event.
   */
  #ordered(): AttemptState[] {
    // `filter` skips the indexes no event named.
    const tried = this.#attempts.filter(() => true);
    const triedCount = new Map<string, number>();
    for (const a of tried) {
      const key = formatAddress(a.address);
      triedCount.set(key, (triedCount.get(key) ?? 0) + 1);
    }
    let index = this.#attempts.length;
    const untried: AttemptState[] = [];
    for (const address of this.#known) {
      const key = formatAddress(address);
      const count = triedCount.get(key) ?? 0;
      if (count > 0) triedCount.set(key, count - 1);
      else untried.push({ index: index++, address });
    }
    return [...tried, ...untried];
  }

  /**
   * Takes one event.
   *
   * @param event An event of `connect()`.
   * @returns The lines to print for it (often one; none for unknown events).
   */
  add(event: TimelineEvent): string[] {
    const lines = this.#add(event);
    if (isAttemptEvent(event)) this.#lastAttempt = event;
    return lines;
  }

  #add(event: TimelineEvent): string[] {
    const p = this.#p;
    switch (event.type) {
      case "resolved": {
        if (this.#resolved) return this.#lateAnswer(event);
        this.#resolved = event;
        this.#known.push(...event.addresses);
        const ordered = this.#ordered();
        this.#widen(ordered);
        if (ipVersion(event.hostname)) {
          return [
            `No look-up: ${event.hostname} is an IP address ${
              p.dim(`(+${ms(event.elapsed)})`)
            }`,
          ];
        }
        const n = event.addresses.length;
        return [
          `Resolved ${event.hostname} in ${ms(event.elapsed)} to ${
            plural(n, "address")
          }${n === 1 ? ":" : ", in the order they will be tried:"}`,
          ...ordered.map((a) =>
            `  ${this.#label(a)}  ${
              p.dim(`IPv${familyOf(a.address.hostname)}`)
            }`
          ),
        ];
      }
      case "fallback":
        this.#fallback = { elapsed: event.elapsed, reason: event.reason };
        return [
          this.#line(
            event.elapsed,
            p.yellow(
              `fallback: ${event.reason}; Deno.connect() races the addresses itself, so its attempts cannot be shown`,
            ),
          ),
        ];
      case "attemptStarted": {
        const a = this.#attempt(event.index, event.address);
        a.started = event.elapsed;
        let why: string;
        const last = this.#lastAttempt;
        const awaited = this.#answerAwaited;
        this.#answerAwaited = false;
        if (event.index === 0) {
          a.startedBecause = "first";
          why = "started";
        } else if (awaited) {
          a.startedBecause = "lateAnswer";
          why = "started at once, as a late answer brought it";
        } else if (
          last?.type === "attemptFailed" && last.index === event.index - 1
        ) {
          a.startedBecause = "failure";
          why = `started at once, as #${event.index} failed`;
        } else {
          a.startedBecause = "delay";
          const previous = this.#attempts[event.index - 1]?.started;
          why = this.#settings.delay === 0 || previous === undefined
            ? "started"
            : `started, as #${event.index} had no answer after ${
              ms(event.elapsed - previous)
            }`;
        }
        return [this.#line(event.elapsed, `${this.#label(a)}  ${why}`)];
      }
      case "attemptFailed": {
        const a = this.#attempt(event.index, event.address);
        a.ended = event.elapsed;
        a.outcome = "failed";
        a.error = event.error;
        const { kind, short } = classify(event.error);
        const after = `after ${ms(event.elapsed - (a.started ?? 0))}`;
        const text = kind === "other"
          ? `failed ${after}: ${short}`
          : `${short} ${after}`;
        return [this.#line(event.elapsed, `${this.#label(a)}  ${p.red(text)}`)];
      }
      case "attemptWon": {
        const a = this.#attempt(event.index, event.address);
        a.ended = event.elapsed;
        a.outcome = "won";
        this.#winner = event.index;
        return [
          this.#line(
            event.elapsed,
            `${this.#label(a)}  ${
              p.green(
                `connected in ${ms(event.elapsed - (a.started ?? 0))}: won`,
              )
            }`,
          ),
        ];
      }
      case "attemptCancelled": {
        const a = this.#attempt(event.index, event.address);
        a.ended = event.elapsed;
        const after = `after ${ms(event.elapsed - (a.started ?? 0))}`;
        let text: string;
        if (this.#winner === undefined && this.#stopped) {
          a.outcome = "abandoned";
          text = `abandoned ${after} without an answer`;
        } else {
          a.outcome = "cancelled";
          text = this.#winner === undefined
            ? `cancelled ${after}`
            : `cancelled ${after}: #${this.#winner + 1} won`;
        }
        return [
          this.#line(event.elapsed, `${this.#label(a)}  ${p.yellow(text)}`),
        ];
      }
      case "tlsStarted":
        this.#tls = {
          address: event.address,
          serverName: event.serverName,
          started: event.elapsed,
          alpnProtocol: null,
        };
        return [
          this.#line(
            event.elapsed,
            `TLS handshake with ${
              formatAddress(event.address)
            } started, server name ${event.serverName}`,
          ),
        ];
      case "tlsSucceeded": {
        const tls = this.#tlsFor(event);
        tls.ended = event.elapsed;
        tls.ok = true;
        tls.alpnProtocol = event.alpnProtocol;
        const offered = (this.#settings.tls?.alpnProtocols.length ?? 0) > 0;
        const alpn = event.alpnProtocol !== null
          ? `, ALPN protocol ${event.alpnProtocol}`
          : offered
          ? ", no ALPN protocol agreed"
          : "";
        return [
          this.#line(
            event.elapsed,
            p.green(
              `TLS handshake done in ${ms(event.elapsed - tls.started)}${alpn}`,
            ),
          ),
        ];
      }
      case "tlsFailed": {
        const tls = this.#tlsFor(event);
        tls.ended = event.elapsed;
        tls.ok = false;
        tls.error = event.error;
        return [
          this.#line(
            event.elapsed,
            p.red(
              `TLS handshake failed after ${ms(event.elapsed - tls.started)}: ${
                messageOf(event.error)
              }`,
            ),
          ),
        ];
      }
      default:
        return [];
    }
  }

  /** A later batch of addresses (RFC 8305 §3): only the new ones. */
  #lateAnswer(event: ResolvedEvent): string[] {
    const n = event.addresses.length;
    if (n === 0) return [];
    // Was the race waiting for an address? It was if every address known
    // had been tried, and the newest attempt had failed or had no answer
    // after the delay: then the next attempt starts because of this batch
    // (or of an earlier one, if it has not started yet).
    const untried = this.#ordered().length - this.#attempts.length;
    const newest = this.#attempts.at(-1);
    this.#answerAwaited ||= untried === 0 && newest?.started !== undefined &&
      (newest.outcome === "failed" ||
        (newest.outcome === undefined &&
          event.elapsed - newest.started >= this.#settings.delay));
    this.#late.push(event);
    this.#known.push(...event.addresses);
    this.#widen(this.#ordered());
    return [
      this.#line(
        event.elapsed,
        `late answer: ${n} more address${n === 1 ? "" : "es"}: ${
          event.addresses.map(formatAddress).join(", ")
        }`,
      ),
    ];
  }

  #tlsFor(event: TlsEndEvent): TlsState {
    return this.#tls ??= {
      address: event.address,
      serverName: event.serverName,
      started: event.elapsed,
      alpnProtocol: null,
    };
  }

  #pending(): AttemptState[] {
    return this.#attempts.filter((a) =>
      a.started !== undefined && a.ended === undefined
    );
  }

  /**
   * Records that the run gave up (its signal aborted) at `elapsed`; the
   * attempts then pending are abandoned, not cancelled.
   *
   * @returns The line to print.
   */
  stop(reason: StopReason, elapsed: number): string[] {
    const pending = this.#pending();
    this.#stopped = {
      reason,
      elapsed,
      pending: pending.map((a) => a.index),
    };
    const what = reason === "timeout"
      ? `timeout: gave up after ${this.#settings.timeout ?? "?"} ms (--timeout)`
      : "interrupted: gave up";
    let state = "";
    if (pending.length > 0) {
      state = `, with ${
        pending.map((a) => `#${a.index + 1} ${formatAddress(a.address)}`)
          .join(", ")
      } still pending`;
    } else if (!this.#resolved && !this.#fallback) {
      state = `, while resolving ${this.#settings.hostname}`;
    } else if (this.#tls && this.#tls.ended === undefined) {
      state = ", during the TLS handshake";
    }
    return [this.#line(elapsed, this.#p.yellow(`${what}${state}`))];
  }

  /**
   * What to show while waiting, at `now` ms since the start: `undefined`
   * until something has been pending for over a second.
   */
  waiting(now: number): string | undefined {
    if (this.#done || this.#stopped) return undefined;
    const pending = this.#pending();
    if (pending.length > 0) {
      const oldest = Math.min(...pending.map((a) => a.started!));
      if (now - oldest <= WAITING_AFTER_MS) return undefined;
      return `still waiting for ${
        pending.map((a) =>
          `#${a.index + 1} ${formatAddress(a.address)} (${
            seconds(now - a.started!)
          })`
        ).join(", ")
      }`;
    }
    if (this.#tls && this.#tls.ended === undefined) {
      const waited = now - this.#tls.started;
      return waited > WAITING_AFTER_MS
        ? `still waiting for the TLS handshake (${seconds(waited)})`
        : undefined;
    }
    if (this.#fallback && this.#winner === undefined) {
      const waited = now - this.#fallback.elapsed;
      return waited > WAITING_AFTER_MS
        ? `still waiting for Deno.connect() (${seconds(waited)})`
        : undefined;
    }
    if (!this.#resolved && now > WAITING_AFTER_MS) {
      return `still resolving ${this.#settings.hostname} (${seconds(now)})`;
    }
    return undefined;
  }

  #stage(): "resolve" | "connect" | "tls" {
    if (this.#tls) return "tls";
    return this.#resolved ? "connect" : "resolve";
  }

  #why(a: AttemptState): string {
    const p = this.#p;
    const took = a.started !== undefined && a.ended !== undefined
      ? ms(a.ended - a.started)
      : "";
    switch (a.outcome) {
      case "failed": {
        const { kind, short, hint } = classify(a.error);
        return p.red(
          kind === "other"
            ? `failed after ${took}: ${short}`
            : `${short} after ${took}: ${hint ?? messageOf(a.error)}`,
        );
      }
      case "abandoned":
        return p.yellow(
          `still no answer after ${took}, ${
            this.#stopped?.reason === "interrupted"
              ? "when interrupted"
              : "when the timeout came"
          }: packets to it may be dropped on the way (a blackhole or a firewall)`,
        );
      case "cancelled":
        return p.yellow(`cancelled after ${took}`);
      case "won":
        return p.green(`connected in ${took}`);
      default:
        if (this.#stopped) {
          return p.dim(
            `not tried: ${
              this.#stopped.reason === "timeout"
                ? "the timeout came first"
                : "interrupted first"
            }`,
          );
        }
        return p.dim(
          this.#winner === undefined
            ? "not tried"
            : `not tried: #${this.#winner + 1} connected first`,
        );
    }
  }

  /**
   * The closing lines: the verdict, and on failure every address with the
   * reason for its fate.
   *
   * @param result How the run ended.
   * @returns Lines for standard output and standard error.
   */
  finish(result: RunResult): Lines {
    this.#done = true;
    const p = this.#p;
    const { hostname, port } = this.#settings;
    const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
    const destination = formatAddress({ hostname: bare, port });
    if (result.ok) {
      const index = this.#winnerIndex(result.remoteAddr);
      const of = index === undefined
        ? ""
        : ` (#${index + 1} of ${this.#ordered().length})`;
      const tls = this.#tls?.ok
        ? ` with TLS${
          this.#tls.alpnProtocol !== null
            ? ` (ALPN ${this.#tls.alpnProtocol})`
            : ""
        }`
        : "";
      return {
        out: [
          p.bold(p.green(
            `Connected to ${formatAddress(result.remoteAddr)}${of} from ${
              formatAddress(result.localAddr)
            }${tls} in ${ms(result.elapsed)}`,
          )),
        ],
        err: [],
      };
    }
    const stage = this.#stage();
    const verdict = this.#stopped?.reason === "timeout"
      ? "Timed out"
      : this.#stopped?.reason === "interrupted"
      ? "Interrupted"
      : "Failed";
    const what = stage === "resolve"
      ? `could not resolve ${bare}`
      : stage === "tls"
      ? `the TLS handshake with ${formatAddress(this.#tls!.address)} failed`
      : `could not connect to ${destination}`;
    const out = [
      p.bold(p.red(`${verdict} after ${ms(result.elapsed)}: ${what}`)),
    ];
    if (stage === "connect") {
      for (const a of this.#ordered()) {
        out.push(`  ${this.#label(a)}  ${this.#why(a)}`);
      }
    }
    // A run that gave up rejected with its own signal's reason: say why.
    const message = this.#stopped?.reason === "timeout"
      ? `timed out after ${this.#settings.timeout} ms (--timeout)`
      : this.#stopped?.reason === "interrupted"
      ? "interrupted"
      : messageOf(result.error);
    return { out, err: [`${p.red("error")}: ${message}`] };
  }

  #winnerIndex(remote: Deno.NetAddr): number | undefined {
    if (this.#winner !== undefined) return this.#winner;
    return this.#ordered().find((a) => a.address.hostname === remote.hostname)
      ?.index;
  }

  /**
   * The whole run as one JSON-ready object.
   *
   * @param result How the run ended.
   * @returns The report; `JSON.stringify` it.
   */
  report(result: RunResult): Report {
    const s = this.#settings;
    const address = (a: Deno.NetAddr): AddressReport => ({
      address: formatAddress(a),
      hostname: a.hostname,
      port: a.port,
      family: familyOf(a.hostname),
    });
    const optional = (value: number | undefined) =>
      value === undefined ? null : round(value);
    let error: Report["error"] = null;
    if (!result.ok) {
      const inner = result.error instanceof AggregateError
        ? result.error.errors.map(errorReport)
        : [];
      error = {
        ...errorReport(result.error),
        stage: this.#stage(),
        errors: inner,
      };
    }
    let connected: Report["connected"] = null;
    if (result.ok) {
      connected = {
        address: formatAddress(result.remoteAddr),
        localAddress: formatAddress(result.localAddr),
        index: this.#winnerIndex(result.remoteAddr) ?? null,
      };
    }
    const tls = this.#tls;
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
        tls: s.tls
          ? {
            serverName: s.tls.serverName ?? null,
            alpnProtocols: s.tls.alpnProtocols,
            caFiles: s.tls.caFiles,
          }
          : null,
      },
      resolved: this.#resolved
        ? {
          elapsed: round(this.#resolved.elapsed),
          hostname: this.#resolved.hostname,
          addresses: this.#known.map(address),
          ...(this.#late.length > 0 && {
            late: this.#late.map((batch) => ({
              elapsed: round(batch.elapsed),
              addresses: batch.addresses.map(address),
            })),
          }),
        }
        : null,
      fallback: this.#fallback
        ? {
          elapsed: round(this.#fallback.elapsed),
          reason: this.#fallback.reason,
        }
        : null,
      attempts: this.#ordered().map((a) => ({
        index: a.index,
        ...address(a.address),
        outcome: a.outcome ?? "notStarted",
        started: optional(a.started),
        startedBecause: a.startedBecause ?? null,
        ended: optional(a.ended),
        duration: a.started !== undefined && a.ended !== undefined
          ? round(a.ended - a.started)
          : null,
        error: a.outcome === "failed"
          ? { ...errorReport(a.error), kind: classify(a.error).kind }
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
          error: tls.error === undefined ? null : errorReport(tls.error),
        }
        : null,
      connected,
      stopped: this.#stopped
        ? { ...this.#stopped, elapsed: round(this.#stopped.elapsed) }
        : null,
      error,
      elapsed: round(result.elapsed),
    };
  }
}
