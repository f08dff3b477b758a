// Copyright 2026 the happy-eyeballs authors. MIT license.
// The text timeline of the command-line tool: events of `connect()` in (folded
// by _report.ts), lines for a person out. No I/O, no clock: every time comes
// from the events (`elapsed`) or from the caller. Every string that did not
// come from this file is shown through `visible()`: it may come from the
// network.
import type { ConnectEvent } from "../types.ts";
import { formatAddress } from "../errors.ts";
import { familyOf, ipVersion, unbracket } from "../_common/ip.ts";
import { type Palette, palette } from "./_colors.ts";
import { visible } from "../_common/visible.ts";
import { attemptAdvice, tlsAdvice } from "./_advice.ts";
import { type AttemptState, errorKind, RunFold } from "./_report.ts";
import type {
  AcceptanceReport,
  Report,
  RunResult,
  RunSettings,
  StopReason,
} from "./report_types.ts";
import { waterfall } from "./_waterfall.ts";
import { type Lines, verdict } from "./_verdict.ts";

export type { Lines } from "./_verdict.ts";

/** Options of {@linkcode Timeline}. */
export interface TimelineOptions {
  /** Style the lines with ANSI codes. */
  color?: boolean;
  /** The handshake timeout in force (ms), to say when waiting ends. */
  handshakeTimeout?: number;
  /** How long the tool waits for the server's verdict after a handshake. */
  acceptanceWait?: number;
  /**
   * How long before this run the name was last looked up (ms), if it was:
   * said of addresses the history remembered.
   */
  lookedUpAgo?: number | undefined;
}

/**
 * Smallest width of the time column: "+999999.9 ms" (over 16 minutes), wider
 * when `--timeout` allows longer, so the columns stay aligned.
 */
const MIN_TIME_WIDTH = 12;
const WAITING_AFTER_MS = 1000;

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Seconds, padded so that the waiting line keeps its columns. */
function seconds(value: number): string {
  return `${(value / 1000).toFixed(1).padStart(5)} s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "es"}`;
}

function describeSettings(s: RunSettings): string {
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
  if (s.dns) parts.push("resolved by DNS queries (AAAA and A, RFC 8305 §3)");
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
    if (s.tls.certFile !== undefined) tls += " with a client certificate";
    parts.push(tls);
  }
  if (s.attemptTimeout !== undefined) {
    parts.push(`each attempt at most ${s.attemptTimeout} ms`);
  }
  if (s.timeout !== undefined) parts.push(`giving up after ${s.timeout} ms`);
  return visible(parts.join("; "));
}

/**
 * The timeline of one run: feed it the events of `connect()` as they come,
 * and print the lines each call returns. Lines are in time order: a line is
 * never stamped earlier than the one before it.
 */
export class Timeline {
  #fold: RunFold;
  #p: Palette;
  #handshakeTimeout: number | undefined;
  #acceptanceWait: number | undefined;
  #labelWidth = 0;
  #timeWidth: number;
  /** The time of the latest line, so that times never go backwards. */
  #latest = 0;
  #done = false;

  /**
   * @param settings What the run was asked to do.
   * @param options How to style the lines.
   */
  constructor(settings: RunSettings, options: TimelineOptions = {}) {
    this.#fold = new RunFold(settings, options.lookedUpAgo);
    this.#p = palette(options.color ?? false);
    this.#handshakeTimeout = options.handshakeTimeout;
    this.#acceptanceWait = options.acceptanceWait;
    this.#timeWidth = Math.max(
      MIN_TIME_WIDTH,
      `+${ms(settings.timeout ?? 0)}`.length,
    );
  }

  /** The state folded so far. */
  get fold(): RunFold {
    return this.#fold;
  }

  #destination(): string {
    const { hostname, port } = this.#fold.settings;
    return visible(formatAddress({ hostname: unbracket(hostname), port }));
  }

  /** The first line: what is about to happen. */
  header(): string[] {
    return [
      `${this.#p.bold(`Connecting to ${this.#destination()}`)} ${
        this.#p.dim(`(${describeSettings(this.#fold.settings)})`)
      }`,
    ];
  }

  #line(elapsed: number, text: string): string {
    this.#latest = Math.max(this.#latest, elapsed);
    return `${
      this.#p.dim(`+${ms(this.#latest)}`.padStart(this.#timeWidth))
    }  ${text}`;
  }

  #name(a: AttemptState): string {
    return `#${a.index + 1} ${visible(formatAddress(a.address))}`;
  }

  #label(a: AttemptState): string {
    return this.#p.cyan(this.#name(a).padEnd(this.#labelWidth));
  }

  /** Widens the label column to fit these attempts; it never narrows. */
  #widen(attempts: AttemptState[]): void {
    this.#labelWidth = Math.max(
      this.#labelWidth,
      ...attempts.map((a) => this.#name(a).length),
    );
  }

  /**
   * Takes one event.
   *
   * @param event An event of `connect()`.
   * @returns The lines to print for it (often one; none for unknown events).
   */
  add(event: ConnectEvent): string[] {
    const fold = this.#fold;
    const firstBatch = event.type === "resolved" && !fold.resolved;
    fold.add(event);
    const p = this.#p;
    switch (event.type) {
      case "resolved":
        return firstBatch ? this.#resolved() : this.#lateAnswer(event);
      case "fallback":
        return [
          this.#line(
            event.elapsed,
            p.yellow(
              `fallback: ${
                visible(event.reason)
              }; Deno.connect() races the addresses itself, so its attempts cannot be shown`,
            ),
          ),
        ];
      case "attemptStarted": {
        const a = fold.attempt(event.index, event.address);
        this.#widen([a]);
        let why = "started";
        if (a.startedBecause === "lateAnswer") {
          why = "started at once, as a late answer brought it";
        } else if (a.startedBecause === "failure") {
          why = `started at once, as #${event.index} failed`;
        } else if (a.startedBecause === "delay") {
          const previous = fold.attempts[event.index - 1]?.started;
          if (fold.settings.delay !== 0 && previous !== undefined) {
            why = `started, as #${event.index} had no answer after ${
              ms(event.elapsed - previous)
            }`;
          }
        }
        return [this.#line(event.elapsed, `${this.#label(a)}  ${why}`)];
      }
      case "attemptFailed": {
        const a = fold.attempt(event.index, event.address);
        this.#widen([a]);
        const { short } = attemptAdvice(event.error);
        const after = `after ${ms(event.elapsed - (a.started ?? 0))}`;
        const text = errorKind(event.error) === "other"
          ? `failed ${after}: ${visible(short)}`
          : `${short} ${after}`;
        return [this.#line(event.elapsed, `${this.#label(a)}  ${p.red(text)}`)];
      }
      case "attemptWon": {
        const a = fold.attempt(event.index, event.address);
        this.#widen([a]);
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
        const a = fold.attempt(event.index, event.address);
        this.#widen([a]);
        const after = `after ${ms(event.elapsed - (a.started ?? 0))}`;
        const text = a.outcome === "abandoned"
          ? `abandoned ${after} without an answer`
          : fold.winner === undefined
          ? `cancelled ${after}`
          : `cancelled ${after}: #${fold.winner + 1} won`;
        return [
          this.#line(event.elapsed, `${this.#label(a)}  ${p.yellow(text)}`),
        ];
      }
      case "tlsStarted":
        return [
          this.#line(
            event.elapsed,
            `TLS handshake with ${
              visible(formatAddress(event.address))
            } started, server name ${visible(event.serverName)}`,
          ),
        ];
      case "tlsSucceeded": {
        const tls = fold.tls!;
        const offered = (fold.settings.tls?.alpnProtocols.length ?? 0) > 0;
        const alpn = event.alpnProtocol !== null
          ? `, ALPN protocol ${visible(event.alpnProtocol)}`
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
        const tls = fold.tls!;
        const short = fold.stopped
          ? fold.stopped.reason === "timeout"
            ? "abandoned at the --timeout"
            : "abandoned when interrupted"
          : this.#tlsAdvice(event.error).short;
        return [
          this.#line(
            event.elapsed,
            p.red(
              `TLS handshake failed after ${ms(event.elapsed - tls.started)}: ${
                visible(short)
              }`,
            ),
          ),
        ];
      }
      default:
        return [];
    }
  }

  #tlsAdvice(error: unknown) {
    const fold = this.#fold;
    return tlsAdvice(error, {
      serverName: fold.tls?.serverName ?? fold.settings.hostname,
      clientCertificate: fold.settings.tls?.certFile !== undefined,
    });
  }

  /** The first batch of addresses. */
  #resolved(): string[] {
    const fold = this.#fold;
    const event = fold.resolved!;
    const p = this.#p;
    const ordered = fold.ordered();
    this.#widen(ordered);
    const hostname = visible(event.hostname);
    if (ipVersion(event.hostname) && fold.skipped.length === 0) {
      return [
        `No look-up: ${hostname} is an IP address ${
          p.dim(`(+${ms(event.elapsed)})`)
        }`,
      ];
    }
    const n = event.addresses.length;
    const lines = [];
    if (fold.skipped.length > 0) {
      const local = fold.settings.localAddr?.hostname ?? "";
      const total = n + fold.skipped.length;
      lines.push(
        `Resolved ${hostname} in ${ms(event.elapsed)} to ${
          plural(total, "address")
        }; ${fold.skipped.length} skipped, as --local-addr ${
          visible(local)
        } cannot reach ${fold.skipped.length === 1 ? "it" : "them"}:`,
        ...fold.skipped.map((a) =>
          `  ${
            p.dim(
              `-- ${visible(formatAddress(a))}  IPv${
                familyOf(a.hostname)
              }, skipped`,
            )
          }`
        ),
        `${n === 1 ? "The address" : `The ${n} addresses`} to try${
          n === 1 ? ":" : ", in the order they will be tried:"
        }`,
      );
    } else if (event.remembered) {
      // No look-up: "Resolved in 0.0 ms" would not be true.
      const ago = fold.lookedUpAgo;
      lines.push(
        `Remembered ${plural(n, "address")} of ${hostname} ${
          ago === undefined
            ? "from an earlier look-up"
            : `(looked up ${(ago / 1000).toFixed(1)} s ago)`
        }${n === 1 ? ":" : ", in the order they will be tried:"}`,
      );
    } else {
      lines.push(
        `Resolved ${hostname} in ${ms(event.elapsed)} to ${
          plural(n, "address")
        }${n === 1 ? ":" : ", in the order they will be tried:"}`,
      );
    }
    return [
      ...lines,
      ...ordered.map((a) =>
        `  ${this.#label(a)}  ${p.dim(`IPv${familyOf(a.address.hostname)}`)}`
      ),
    ];
  }

  /** A later batch of addresses (RFC 8305 §3): only the new ones. */
  #lateAnswer(event: ConnectEvent & { type: "resolved" }): string[] {
    const n = event.addresses.length;
    if (n === 0) return [];
    this.#widen(this.#fold.ordered());
    return [
      this.#line(
        event.elapsed,
        // After remembered addresses failed: a look-up afresh, not a late
        // batch of the same answer.
        `${
          this.#fold.resolved?.remembered
            ? `looked up afresh in ${ms(event.elapsed)}`
            : "late answer"
        }: ${n} more address${n === 1 ? "" : "es"}: ${
          visible(event.addresses.map(formatAddress).join(", "))
        }`,
      ),
    ];
  }

  /**
   * Records what the server did just after the TLS handshake.
   *
   * @param acceptance What came, and how long it waited.
   * @param elapsed When the wait ended.
   * @param error The alert, or why the connection ended.
   * @returns The line to print.
   */
  accepted(
    acceptance: AcceptanceReport,
    elapsed: number,
    error?: unknown,
  ): string[] {
    this.#fold.accepted(acceptance, error);
    const p = this.#p;
    // The wait as set: the measured one is in the report.
    const waited = `${
      this.#acceptanceWait ?? Math.round(acceptance.waited)
    } ms`;
    switch (acceptance.outcome) {
      case "quiet":
        return [this.#line(
          elapsed,
          `no alert from the server in ${waited}: it accepted us ${
            p.dim(
              "(the tool waits that long, as a TLS 1.3 server refuses a client certificate only after the handshake)",
            )
          }`,
        )];
      case "data":
        return [this.#line(
          elapsed,
          "the server sent data after the handshake: it accepted us",
        )];
      case "alert":
        return [this.#line(
          elapsed,
          p.red(
            `the server refused us after the handshake: ${
              visible(this.#tlsAdvice(error).short)
            }`,
          ),
        )];
      case "closed":
        return [this.#line(
          elapsed,
          p.red(
            "the server closed the connection just after the handshake: it refused us",
          ),
        )];
    }
  }

  /**
   * Records that the run gave up (its signal aborted) at `elapsed`; the
   * attempts then pending are abandoned, not cancelled.
   *
   * @returns The line to print.
   */
  stop(reason: StopReason, elapsed: number): string[] {
    const fold = this.#fold;
    const pending = fold.pending();
    fold.stop(reason, elapsed);
    const what = reason === "timeout"
      ? `timeout: gave up after ${fold.settings.timeout ?? "?"} ms (--timeout)`
      : "interrupted: gave up";
    let state = "";
    if (pending.length > 0) {
      state = `, with ${
        pending.map((a) => this.#name(a)).join(", ")
      } still pending`;
    } else if (!fold.resolved && !fold.fallback) {
      state = `, while resolving ${visible(fold.settings.hostname)}`;
    } else if (fold.tls && fold.tls.ended === undefined) {
      state = ", during the TLS handshake";
    }
    return [this.#line(elapsed, this.#p.yellow(`${what}${state}`))];
  }

  /** When the run gives up by itself, seen from `now`. */
  #limit(now: number, since?: number): string {
    const timeout = this.#fold.settings.timeout;
    const byTimeout = timeout === undefined ? Infinity : timeout - now;
    const handshake = since !== undefined && this.#handshakeTimeout
      ? since + this.#handshakeTimeout - now
      : Infinity;
    if (handshake < byTimeout) {
      return `gives up in ${
        seconds(Math.max(handshake, 0)).trim()
      } (handshake timeout)`;
    }
    if (byTimeout !== Infinity) {
      return `gives up in ${
        seconds(Math.max(byTimeout, 0)).trim()
      } (--timeout)`;
    }
    return "no --timeout";
  }

  /**
   * What to show while waiting, at `now` ms since the start: `undefined`
   * until something has been pending for over a second. It says how long,
   * and when the run gives up by itself.
   */
  waiting(now: number): string | undefined {
    const fold = this.#fold;
    if (this.#done || fold.stopped) return undefined;
    const pending = fold.pending();
    if (pending.length > 0) {
      const oldest = Math.min(...pending.map((a) => a.started!));
      if (now - oldest <= WAITING_AFTER_MS) return undefined;
      return `still waiting for ${
        pending.map((a) => `${this.#name(a)} (${seconds(now - a.started!)})`)
          .join(", ")
      }; ${this.#limit(now)}`;
    }
    const tls = fold.tls;
    if (tls && tls.ended === undefined) {
      const waited = now - tls.started;
      return waited > WAITING_AFTER_MS
        ? `still waiting for the TLS handshake (${seconds(waited)}); ${
          this.#limit(now, tls.started)
        }`
        : undefined;
    }
    if (fold.fallback && fold.winner === undefined) {
      const waited = now - fold.fallback.elapsed;
      return waited > WAITING_AFTER_MS
        ? `still waiting for Deno.connect() (${seconds(waited)}); ${
          this.#limit(now)
        }`
        : undefined;
    }
    if (!fold.resolved && now > WAITING_AFTER_MS) {
      return `still resolving ${visible(fold.settings.hostname)} (${
        seconds(now)
      }); ${this.#limit(now)}`;
    }
    return undefined;
  }

  /**
   * The closing lines: the verdict, and on failure every address with the
   * reason for its fate; the error, once, and a hint, on standard error.
   *
   * @param result How the run ended.
   * @returns Lines for standard output and standard error.
   */
  finish(result: RunResult): Lines {
    this.#done = true;
    return verdict(result, {
      fold: this.#fold,
      palette: this.#p,
      destination: this.#destination(),
      label: (a) => this.#label(a),
      tlsAdvice: (error) => this.#tlsAdvice(error),
    });
  }

  /**
   * The whole run as one JSON-ready object.
   *
   * @param result How the run ended.
   * @returns The report; `JSON.stringify` it.
   */
  report(result: RunResult): Report {
    return this.#fold.report(result);
  }

  /**
   * The waterfall of the attempts, one bar each on a shared time axis, for a
   * terminal `columns` wide: none for a single attempt or a narrow terminal.
   */
  waterfall(report: Report, columns: number | undefined): string[] {
    return waterfall(report, { columns, palette: this.#p });
  }
}
