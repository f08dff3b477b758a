// Copyright 2026 the happy-eyeballs authors. MIT license.
// The first lines of the timeline: where to, what the run was asked to do,
// and the address the history puts first.
import { formatAddress } from "../errors.ts";
import { visible } from "../_common/visible.ts";
import type { Palette } from "./_colors.ts";
import type { RunSettings } from "./_fold.ts";
import { destination } from "./_columns.ts";

/**
 * What the run was asked to do, in words.
 *
 * @param s The settings.
 * @returns One line, control characters made visible.
 */
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
  if (s.proxyShown) parts.push(`through ${s.proxyShown}`);
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
 * The first line: what is about to happen.
 *
 * @param settings What the run was asked to do.
 * @param p The styles.
 * @returns The lines to print first.
 */
export function header(settings: RunSettings, p: Palette): string[] {
  return [
    `${p.bold(`Connecting to ${destination(settings)}`)} ${
      p.dim(`(${describeSettings(settings)})`)
    }`,
  ];
}

/**
 * The line under the addresses when the history chose the first one.
 *
 * @param remembered The address that won last time.
 * @param connectTime Its connect time then (ms).
 * @param delay The delay in force, shortened to that time.
 * @param p The styles.
 * @returns The line to print.
 */
export function historyLines(
  remembered: string,
  connectTime: number | undefined,
  delay: number,
  p: Palette,
): string[] {
  return [
    `  ${
      p.dim(
        `history: ${visible(remembered)} won last time (connect time ${
          connectTime?.toFixed(1)
        } ms): tried first, next attempt after ${delay} ms`,
      )
    }`,
  ];
}
