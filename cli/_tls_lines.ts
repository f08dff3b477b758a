// Copyright 2026 the happy-eyeballs authors. MIT license.
// The timeline's words for a step of a TLS handshake: the run's one
// handshake on the winner, or an attempt's own (the handshake inside the
// race): started, done, failed, or stopped because another attempt won or a
// certificate verdict ended the call.
import type { TlsConnectEvent } from "../types.ts";
import { formatAddress } from "../errors.ts";
import { visible } from "../_common/visible.ts";
import type { Palette } from "./_colors.ts";
import { tlsAdvice } from "./_advice.ts";
import type { AttemptState, RunFold } from "./_fold.ts";
import { ms } from "./_columns.ts";

/**
 * What the timeline says of `event`, a step of the run's one handshake (on
 * the winner), once `fold` has taken it.
 *
 * @param fold The run, the event included.
 * @param event A TLS event without an attempt index.
 * @param p The styles.
 * @returns The text of its line.
 */
export function tlsText(
  fold: RunFold,
  event: TlsConnectEvent,
  p: Palette,
): string {
  const started = fold.tls?.started ?? event.elapsed;
  switch (event.type) {
    case "tlsStarted":
      return `TLS handshake with ${
        visible(formatAddress(event.address))
      } started, server name ${visible(event.serverName)}`;
    case "tlsSucceeded":
      return p.green(
        `TLS handshake done in ${ms(event.elapsed - started)}${
          alpnText(fold, event.alpnProtocol)
        }`,
      );
    case "tlsFailed": {
      const short = fold.stopped
        ? fold.stopped.reason === "timeout"
          ? "abandoned at the --timeout"
          : "abandoned when interrupted"
        : tlsAdvice(event.error, fold.tlsContext()).short;
      return p.red(
        `TLS handshake failed after ${ms(event.elapsed - started)}: ${
          visible(short)
        }`,
      );
    }
  }
}

/** The protocol agreed by ALPN, or that none was when some were offered. */
function alpnText(fold: RunFold, alpnProtocol: string | null): string {
  const offered = (fold.settings.tls?.alpnProtocols.length ?? 0) > 0;
  return alpnProtocol !== null
    ? `, ALPN protocol ${visible(alpnProtocol)}`
    : offered
    ? ", no ALPN protocol agreed"
    : "";
}

/**
 * What the timeline says of `event`, a step of attempt `a`'s handshake,
 * once `fold` has taken it.
 *
 * @param fold The run, the event included.
 * @param event A TLS event with an attempt index.
 * @param a Its attempt.
 * @param p The styles.
 * @returns The text after the attempt's label.
 */
export function attemptTlsText(
  fold: RunFold,
  event: TlsConnectEvent,
  a: AttemptState,
  p: Palette,
): string {
  const took = ms(event.elapsed - (a.tls?.started ?? event.elapsed));
  if (event.type === "tlsStarted") {
    return `TLS handshake started, server name ${visible(event.serverName)}`;
  }
  if (event.type === "tlsSucceeded") {
    return p.green(
      `TLS handshake done in ${took}${alpnText(fold, event.alpnProtocol)}`,
    );
  }
  if (fold.winner !== undefined && fold.winner !== a.index) {
    return p.yellow(`TLS handshake stopped after ${took}`);
  }
  // Stopped with another attempt's error: its certificate verdict.
  if (fold.attempts.some((o) => o !== a && o.tls?.error === event.error)) {
    return p.yellow(
      `TLS handshake stopped after ${took}: a certificate verdict ends the call`,
    );
  }
  const short = fold.stopped
    ? "abandoned"
    : tlsAdvice(event.error, fold.tlsContext()).short;
  return p.red(`TLS handshake failed after ${took}: ${visible(short)}`);
}
