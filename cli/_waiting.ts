// Copyright 2026 the happy-eyeballs authors. MIT license.
// The line the tool shows on a terminal while it waits: what it waits for,
// for how long, and when the run gives up by itself.
import { visible } from "../_common/visible.ts";
import type { RunFold } from "./_fold.ts";
import { type Columns, seconds } from "./_columns.ts";

/** Options of {@linkcode waiting}. */
export interface WaitingOptions {
  /** The handshake timeout in force (ms), to say when waiting ends. */
  handshakeTimeout?: number | undefined;
}

/** How long something is pending before the line speaks up (ms). */
const WAITING_AFTER_MS = 1000;

/** When the run gives up by itself, seen from `now`. */
function limit(
  fold: RunFold,
  handshakeTimeout: number | undefined,
  now: number,
  since?: number,
): string {
  const timeout = fold.settings.timeout;
  const byTimeout = timeout === undefined ? Infinity : timeout - now;
  const handshake = since !== undefined && handshakeTimeout
    ? since + handshakeTimeout - now
    : Infinity;
  if (handshake < byTimeout) {
    return `gives up in ${
      seconds(Math.max(handshake, 0)).trim()
    } (handshake timeout)`;
  }
  if (byTimeout !== Infinity) {
    return `gives up in ${seconds(Math.max(byTimeout, 0)).trim()} (--timeout)`;
  }
  return "no --timeout";
}

/**
 * What to show while waiting, at `now` ms since the start: `undefined`
 * until something has been pending for over a second, and once the run
 * ended or gave up. It says how long, and when the run gives up by itself.
 *
 * @param fold The state of the run.
 * @param columns The timeline's columns, which name the attempts.
 * @param now Milliseconds since the start.
 * @param options The handshake timeout in force.
 * @returns The text of the waiting line, or `undefined`.
 */
export function waiting(
  fold: RunFold,
  columns: Columns,
  now: number,
  options: WaitingOptions = {},
): string | undefined {
  if (fold.ended || fold.stopped) return undefined;
  const { handshakeTimeout } = options;
  const pending = fold.pending();
  if (pending.length > 0) {
    const oldest = Math.min(...pending.map((a) => a.started!));
    if (now - oldest <= WAITING_AFTER_MS) return undefined;
    return `still waiting for ${
      pending.map((a) => `${columns.name(a)} (${seconds(now - a.started!)})`)
        .join(", ")
    }; ${limit(fold, handshakeTimeout, now)}`;
  }
  const tls = fold.tls;
  if (tls && tls.ended === undefined) {
    const waited = now - tls.started;
    return waited > WAITING_AFTER_MS
      ? `still waiting for the TLS handshake (${seconds(waited)}); ${
        limit(fold, handshakeTimeout, now, tls.started)
      }`
      : undefined;
  }
  const proxy = fold.proxy;
  if (proxy && proxy.ended === undefined && fold.stage() === "proxy") {
    // The proxy's own time limit (`proxy.timeout`) is connect()'s to keep.
    const handshake = proxy.tls?.ended === undefined ? proxy.tls : undefined;
    const since = handshake?.started ?? proxy.requested;
    const waited = since === undefined ? 0 : now - since;
    return waited > WAITING_AFTER_MS
      ? `still waiting for ${
        handshake
          ? "the TLS handshake with the proxy"
          : "the proxy to open the tunnel"
      } (${seconds(waited)}); ${limit(fold, undefined, now)}`
      : undefined;
  }
  if (fold.fallback && fold.winner === undefined) {
    const waited = now - fold.fallback.elapsed;
    return waited > WAITING_AFTER_MS
      ? `still waiting for Deno.connect() (${seconds(waited)}); ${
        limit(fold, handshakeTimeout, now)
      }`
      : undefined;
  }
  if (!fold.resolved && now > WAITING_AFTER_MS) {
    return `still resolving ${visible(fold.settings.hostname)} (${
      seconds(now)
    }); ${limit(fold, handshakeTimeout, now)}`;
  }
  return undefined;
}

/**
 * The waiting line as written to a terminal: it replaces the one before,
 * fits on one line (erasing it must erase all of it), and is dim in colour.
 *
 * @param text What it says.
 * @param terminal The terminal's width, and whether it takes colour.
 * @returns What to write.
 */
export function statusLine(
  text: string,
  terminal: { columns?: number | undefined; color: boolean },
): string {
  const { columns } = terminal;
  let line = `… ${text}`;
  if (columns && line.length >= columns) {
    line = `${line.slice(0, Math.max(columns - 2, 1))}…`;
  }
  return `\r\x1b[2K${terminal.color ? `\x1b[2m${line}\x1b[22m` : line}`;
}
