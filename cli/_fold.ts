// Copyright 2026 the happy-eyeballs authors. MIT license.
// The events of one `connect()` folded into the state of the run: pure data,
// no I/O, no clock, no text. _report.ts turns it into the `--json` report;
// _timeline.ts, _waiting.ts and _verdict.ts into lines for a person. Its
// unions are those of the report (report_types.ts).
import type {
  ConnectEvent,
  Family,
  ResolvedEvent,
  TlsConnectEvent,
} from "../types.ts";
import type {
  AcceptanceReport,
  AttemptOutcome,
  StartReason,
  StopReason,
} from "./report_types.ts";
import { formatAddress } from "../errors.ts";
import { foldProxyEvent, type ProxyState } from "./_proxy_fold.ts";

export type { ProxyState };

/** What became of a started attempt (`AttemptOutcome` of the report). */
export type StartedOutcome = Exclude<AttemptOutcome, "notStarted">;

/** What the server did after the handshake. */
export type Acceptance = AcceptanceReport;

export type { StartReason, StopReason };

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
  /** Milliseconds each attempt may take (`attemptTimeout`), if limited. */
  attemptTimeout?: number | undefined;
  /** Whether every attempt's error is reported separately. */
  allErrors: boolean;
  /** The proxy, as shown (`http://***@host:port`), if any. */
  proxyShown?: string | undefined;
  /**
   * Whether the proxy is the one the environment names (`--proxy env`):
   * known only once an event names it, as the environment may name none.
   */
  proxyFromEnv?: boolean | undefined;
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

/** The state of one attempt (`index` is its place in the attempt order). */
export interface AttemptState {
  /** Its place in the attempt order, from 0. */
  index: number;
  /** Its address. */
  address: Deno.NetAddr;
  /** When it started (ms), if it did. */
  started?: number;
  /** Why it started then. */
  startedBecause?: StartReason;
  /** When it ended (ms), if it did. */
  ended?: number;
  /** What became of it, once it ended. */
  outcome?: StartedOutcome;
  /** Its error, if it failed. */
  error?: unknown;
  /** When its TCP connection was up (ms), with the handshake in the race. */
  connected?: number;
  /** Its own TLS handshake, with the handshake in the race. */
  tls?: TlsState;
}

/** The state of the TLS handshake. */
export interface TlsState {
  /** The address it runs on. */
  address: Deno.NetAddr;
  /** The server name used. */
  serverName: string;
  /** When it started (ms). */
  started: number;
  /** When it ended (ms), if it did. */
  ended?: number;
  /** Whether it succeeded, once it ended (a refusal after it is a failure). */
  ok?: boolean;
  /** The ALPN protocol agreed, if any. */
  alpnProtocol: string | null;
  /** What the server did after it. */
  acceptance?: Acceptance;
  /** Its error, or the server's refusal. */
  error?: unknown;
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
  /** The TLS handshake with the target (never the one with the proxy). */
  tls: TlsState | undefined;
  /** The proxy, with `--proxy`: its handshake and the tunnel. */
  proxy: ProxyState | undefined;
  /** Set when the run gave up. */
  stopped:
    | { reason: StopReason; elapsed: number; pending: number[] }
    | undefined;
  /** Set when the run ended: nothing is awaited any more. */
  ended = false;
  /** Whether the latest batch came while the race waited for an address. */
  #answerAwaited = false;
  #lastAttempt: ConnectEvent | undefined;

  /**
   * How long before this run the name was last looked up (ms), if it was:
   * said of addresses the history remembered.
   */
  readonly lookedUpAgo: number | undefined;

  /**
   * Starts the state of a run.
   *
   * @param settings What the run was asked to do.
   * @param lookedUpAgo How long before this run the name was last looked up
   * (ms), if it was.
   */
  constructor(settings: RunSettings, lookedUpAgo?: number) {
    this.settings = settings;
    this.lookedUpAgo = lookedUpAgo;
    this.proxy = settings.proxyShown === undefined || settings.proxyFromEnv
      ? undefined
      : { proxy: settings.proxyShown };
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

  /**
   * Where the run is, or where it failed: `proxy` once the proxy's
   * handshake started or the tunnel was requested, until the tunnel opened.
   */
  stage(): "resolve" | "connect" | "proxy" | "tls" {
    if (this.tls) return "tls";
    const proxy = this.proxy;
    if (
      proxy && proxy.ok !== true &&
      (proxy.tls !== undefined || proxy.requested !== undefined)
    ) {
      return "proxy";
    }
    return this.resolved || this.fallback ? "connect" : "resolve";
  }

  /** Takes one event of `connect()`. */
  add(event: ConnectEvent): void {
    this.#add(event);
    if (event.type.startsWith("attempt")) this.#lastAttempt = event;
  }

  #add(event: ConnectEvent): void {
    // The handshake with an https:// proxy is the proxy's, not the target's.
    if ("proxy" in event && event.proxy !== undefined) {
      this.proxy = foldProxyEvent(this.proxy, event);
      return;
    }
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
      case "attemptConnected":
        this.attempt(event.index, event.address).connected = event.elapsed;
        return;
      case "attemptCancelled": {
        const a = this.attempt(event.index, event.address);
        a.ended = event.elapsed;
        a.outcome = this.winner === undefined && this.stopped
          ? "abandoned"
          : "cancelled";
        return;
      }
      case "tlsStarted":
        if (event.index !== undefined) {
          return this.#attemptTls(event, event.index);
        }
        this.tls = {
          address: event.address,
          serverName: event.serverName,
          started: event.elapsed,
          alpnProtocol: null,
        };
        return;
      case "tlsSucceeded":
      case "tlsFailed": {
        if (event.index !== undefined) {
          return this.#attemptTls(event, event.index);
        }
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

  /**
   * A step of an attempt's own handshake (the handshake in the race). The
   * run's handshake is the one that succeeded, else the latest to start or
   * fail.
   */
  #attemptTls(event: TlsConnectEvent, index: number): void {
    const a = this.attempt(index, event.address);
    const tls = a.tls ??= {
      address: event.address,
      serverName: event.serverName,
      started: event.elapsed,
      alpnProtocol: null,
    };
    if (event.type !== "tlsStarted") {
      tls.ended = event.elapsed;
      tls.ok = event.type === "tlsSucceeded";
      if (event.type === "tlsSucceeded") tls.alpnProtocol = event.alpnProtocol;
      else tls.error = event.error;
    }
    if (this.tls?.ok !== true) this.tls = tls;
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
  accepted(acceptance: Acceptance, error?: unknown): void {
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

  /** Records that the run ended, however it did. */
  end(): void {
    this.ended = true;
  }

  /** What a TLS failure is judged against: the name, and our certificate. */
  tlsContext(): { serverName: string; clientCertificate: boolean } {
    return {
      serverName: this.tls?.serverName ?? this.settings.hostname,
      clientCertificate: this.settings.tls?.certFile !== undefined,
    };
  }
}
