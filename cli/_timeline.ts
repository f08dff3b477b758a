// Copyright 2026 the happy-eyeballs authors. MIT license.
// The text timeline of the command-line tool: events of `connect()` in (folded
// by _fold.ts), a line for a person out for each. No I/O, no clock: every time
// comes from the events (`elapsed`) or from the caller. Every string that did
// not come from this file is shown through `visible()`: it may come from the
// network. Its siblings say the rest: _header.ts the first lines, _waiting.ts
// the waiting line, _acceptance.ts the server's verdict after a handshake,
// _verdict.ts the closing lines, _waterfall.ts the waterfall; _run.ts calls
// each.
import type { ConnectEvent, TlsConnectEvent } from "../types.ts";
import { formatAddress } from "../errors.ts";
import { familyOf, ipVersion } from "../_common/ip.ts";
import { visible } from "../_common/visible.ts";
import { type Palette, palette } from "./_colors.ts";
import { attemptAdvice, errorKind } from "./_advice.ts";
import {
  type AttemptState,
  RunFold,
  type RunSettings,
  type StopReason,
} from "./_fold.ts";
import { Columns, ms, plural } from "./_columns.ts";
import { attemptTlsText, tlsText } from "./_tls_lines.ts";
import { proxyTlsText, tunnelText } from "./_proxy_lines.ts";

/** Options of {@linkcode Timeline}. */
export interface TimelineOptions {
  /** Style the lines with ANSI codes. */
  color?: boolean;
  /**
   * How long before this run the name was last looked up (ms), if it was:
   * said of addresses the history remembered.
   */
  lookedUpAgo?: number | undefined;
}

/**
 * The timeline of one run: feed it the events of `connect()` as they come,
 * and print the lines each call returns. Lines are in time order: a line is
 * never stamped earlier than the one before it.
 */
export class Timeline {
  #fold: RunFold;
  #p: Palette;
  #columns: Columns;

  /**
   * Starts the timeline of a run.
   *
   * @param settings What the run was asked to do.
   * @param options How to style the lines.
   */
  constructor(settings: RunSettings, options: TimelineOptions = {}) {
    this.#fold = new RunFold(settings, options.lookedUpAgo);
    this.#p = palette(options.color ?? false);
    this.#columns = new Columns(this.#p, settings.timeout);
  }

  /** The state folded so far. */
  get fold(): RunFold {
    return this.#fold;
  }

  /** The time and label columns. */
  get columns(): Columns {
    return this.#columns;
  }

  /** The styles of its lines. */
  get palette(): Palette {
    return this.#p;
  }

  /** The state, the columns and the styles, for the other renderers. */
  get view(): { fold: RunFold; columns: Columns; palette: Palette } {
    return { fold: this.#fold, columns: this.#columns, palette: this.#p };
  }

  /**
   * An attempt's label, padded to the label column.
   *
   * @param a The attempt.
   * @returns The label.
   */
  label(a: AttemptState): string {
    return this.#columns.label(a);
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
          this.#columns.line(
            event.elapsed,
            p.yellow(
              `fallback: ${
                visible(event.reason)
              }; Deno.connect() races the addresses itself, so its attempts cannot be shown`,
            ),
          ),
        ];
      case "proxyRequested":
      case "proxyOpened":
      case "proxyFailed":
      case "proxyCancelled":
        return [this.#columns.line(event.elapsed, tunnelText(event, p))];
      case "attemptStarted": {
        const a = fold.attempt(event.index, event.address);
        this.#columns.widen([a]);
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
        return [
          this.#columns.line(
            event.elapsed,
            `${this.#columns.label(a)}  ${why}`,
          ),
        ];
      }
      case "attemptFailed": {
        const a = fold.attempt(event.index, event.address);
        this.#columns.widen([a]);
        // Its own handshake failed: the line before said why.
        if (a.tls?.ok === false) return [];
        const { short } = attemptAdvice(event.error);
        const after = `after ${ms(event.elapsed - (a.started ?? 0))}`;
        const text = errorKind(event.error) === "other"
          ? `failed ${after}: ${visible(short)}`
          : `${short} ${after}`;
        return [
          this.#columns.line(
            event.elapsed,
            `${this.#columns.label(a)}  ${p.red(text)}`,
          ),
        ];
      }
      case "attemptWon": {
        const a = fold.attempt(event.index, event.address);
        this.#columns.widen([a]);
        return [
          this.#columns.line(
            event.elapsed,
            `${this.#columns.label(a)}  ${
              p.green(
                `connected in ${ms(event.elapsed - (a.started ?? 0))}: won`,
              )
            }`,
          ),
        ];
      }
      case "attemptCancelled": {
        const a = fold.attempt(event.index, event.address);
        this.#columns.widen([a]);
        const after = `after ${ms(event.elapsed - (a.started ?? 0))}`;
        const text = a.outcome === "abandoned"
          ? `abandoned ${after} without an answer`
          : fold.winner === undefined
          ? `cancelled ${after}`
          : `cancelled ${after}: #${fold.winner + 1} won`;
        return [
          this.#columns.line(
            event.elapsed,
            `${this.#columns.label(a)}  ${p.yellow(text)}`,
          ),
        ];
      }
      case "attemptConnected": {
        const a = fold.attempt(event.index, event.address);
        this.#columns.widen([a]);
        const took = ms(event.elapsed - (a.started ?? 0));
        return [
          this.#columns.line(
            event.elapsed,
            `${this.#columns.label(a)}  TCP connected in ${took}`,
          ),
        ];
      }
      case "tlsStarted":
      case "tlsSucceeded":
      case "tlsFailed":
        return [this.#tlsLine(event)];
      default:
        return [];
    }
  }

  /**
   * A step of a TLS handshake: the one with an `https://` proxy (the event
   * names it), the run's one handshake, on the winner, or an attempt's own
   * (the handshake in the race).
   */
  #tlsLine(event: TlsConnectEvent): string {
    const fold = this.#fold;
    if (event.proxy !== undefined) {
      return this.#columns.line(
        event.elapsed,
        proxyTlsText(fold, event, this.#p),
      );
    }
    if (event.index === undefined) {
      return this.#columns.line(event.elapsed, tlsText(fold, event, this.#p));
    }
    const a = fold.attempt(event.index, event.address);
    this.#columns.widen([a]);
    return this.#columns.line(
      event.elapsed,
      `${this.#columns.label(a)}  ${attemptTlsText(fold, event, a, this.#p)}`,
    );
  }

  /** The first batch of addresses. */
  #resolved(): string[] {
    const fold = this.#fold;
    const event = fold.resolved!;
    const p = this.#p;
    const ordered = fold.ordered();
    this.#columns.widen(ordered);
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
        `  ${this.#columns.label(a)}  ${
          p.dim(`IPv${familyOf(a.address.hostname)}`)
        }`
      ),
    ];
  }

  /** A later batch of addresses (RFC 8305 §3): only the new ones. */
  #lateAnswer(event: ConnectEvent & { type: "resolved" }): string[] {
    const n = event.addresses.length;
    if (n === 0) return [];
    this.#columns.widen(this.#fold.ordered());
    return [
      this.#columns.line(
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
        pending.map((a) => this.#columns.name(a)).join(", ")
      } still pending`;
    } else if (!fold.resolved && !fold.fallback) {
      state = `, while resolving ${visible(fold.settings.hostname)}`;
    } else if (fold.tls && fold.tls.ended === undefined) {
      state = ", during the TLS handshake";
    } else if (fold.proxy?.tls && fold.proxy.tls.ended === undefined) {
      state = ", during the TLS handshake with the proxy";
    } else if (fold.stage() === "proxy" && fold.proxy?.ended === undefined) {
      state = ", waiting for the proxy's answer to the tunnel request";
    }
    return [this.#columns.line(elapsed, this.#p.yellow(`${what}${state}`))];
  }
}
