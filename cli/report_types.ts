// Copyright 2026 the happy-eyeballs authors. MIT license.
// The report of one run of the command-line tool: pure data, the `--json`
// contract. main.ts exports these types, so that `deno doc` documents them.
import type { Family } from "../types.ts";

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
  /**
   * When its TCP connection was up (ms), with the handshake in the race
   * (`tls.raceHandshake`); otherwise `null`.
   */
  connected: number | null;
  /**
   * Its own TLS handshake, with the handshake in the race; otherwise `null`
   * (the run's one handshake is `Report.tls`).
   */
  tls: AttemptTlsReport | null;
}

/** An attempt's own TLS handshake, as JSON. */
export interface AttemptTlsReport {
  /** When it started (ms). */
  started: number;
  /** When it ended (ms), or `null` if it never did. */
  ended: number | null;
  /** `ended - started`, or `null`. */
  duration: number | null;
  /** Whether it succeeded; `null` if it never ended. */
  ok: boolean | null;
  /** Why it failed (or was stopped), or `null`. */
  error: ErrorReport | null;
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

/** The handshake with an `https://` proxy, as JSON. */
export interface ProxyTlsReport {
  /** The server name used: the proxy's host name. */
  serverName: string;
  /** When it started (ms). */
  started: number;
  /** When it ended (ms), or `null` if it never did. */
  ended: number | null;
  /** Whether it succeeded; `null` if it never ended. */
  ok: boolean | null;
  /** Why it failed, or `null`. */
  error: ErrorReport | null;
}

/**
 * The proxy of the run (`--proxy`), as JSON: the race reached the proxy,
 * then (for an `https://` proxy) a TLS handshake with it, then the tunnel
 * to the target through it. Credentials are never in it.
 */
export interface ProxyReport {
  /**
   * The proxy, as shown (`http://***@host:port`): as `connect()` named it
   * in its events, else as `--proxy` gave it.
   */
  proxy: string;
  /** The target of the tunnel, `host:port`. */
  target: string;
  /** The proxy's address that the race reached, or `null` if none was. */
  address: string | null;
  /** When the tunnel was requested (ms), or `null` if it never was. */
  requested: number | null;
  /** When the tunnel opened or failed (ms), or `null` if it did neither. */
  ended: number | null;
  /** Whether the tunnel opened; `null` if it never ended. */
  ok: boolean | null;
  /** The handshake with an `https://` proxy, or `null` when none started. */
  tls: ProxyTlsReport | null;
  /** Why the tunnel failed, or `null`. */
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
  /** `--attempt-timeout` in ms, or `null`. */
  attemptTimeout: number | null;
  /** `--all-errors`. */
  allErrors: boolean;
  /** `--dns`: resolved with `dnsResolver()`. */
  dns: boolean;
  /**
   * `--proxy` as shown (`http://***@host:port`, credentials never), or
   * `null` without it.
   */
  proxy: string | null;
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
   * With `remembered`, the look-up made afresh after the remembered
   * addresses failed (its new addresses).
   */
  late?: LateAnswerReport[];
  /**
   * `true` when no look-up was made: the addresses were those the history
   * remembered from an earlier connection (`--repeat`); absent otherwise.
   */
  remembered?: true;
  /**
   * With `remembered`: how long before this connection the name was looked
   * up (ms), when known.
   */
  lookedUpAgo?: number;
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
  /**
   * The TLS handshake with the target, or `null` when none started (the one
   * with an `https://` proxy is `proxy.tls`).
   */
  tls: TlsReport | null;
  /**
   * The proxy, its handshake and the tunnel; `null` without `--proxy` (with
   * `--proxy env`: until an event of `connect()` names the proxy, as the
   * environment may name none for the target).
   */
  proxy: ProxyReport | null;
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
      /**
       * Where it failed: `resolve`; `connect` (the race, to the proxy with
       * `--proxy`); `proxy` (the handshake with the proxy, or the tunnel
       * through it); `tls` (the handshake with the target, or the server's
       * verdict after it).
       */
      stage: "resolve" | "connect" | "proxy" | "tls";
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
