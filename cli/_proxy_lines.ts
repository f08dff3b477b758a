// Copyright 2026 the happy-eyeballs authors. MIT license.
// The timeline's words for the proxy (`--proxy`): the handshake with an
// https:// proxy, told apart from the target's by naming the proxy on every
// line, and the tunnel through the proxy to the target.
import type { ProxyEvent, TlsConnectEvent } from "../types.ts";
import { visible } from "../_common/visible.ts";
import { messageOf } from "../_common/errors.ts";
import type { Palette } from "./_colors.ts";
import { proxyTlsAdvice } from "./_advice.ts";
import type { RunFold } from "./_fold.ts";
import { ms } from "./_columns.ts";

/**
 * What the timeline says of `event`, a step of the handshake with an
 * `https://` proxy (a TLS event with `proxy`), once `fold` has taken it.
 *
 * @param fold The run, the event included.
 * @param event A TLS event with `proxy`.
 * @param p The styles.
 * @returns The text of its line.
 */
export function proxyTlsText(
  fold: RunFold,
  event: TlsConnectEvent,
  p: Palette,
): string {
  const who = `TLS with proxy ${visible(event.proxy ?? "")}`;
  const took = ms(event.elapsed - (fold.proxy?.tls?.started ?? event.elapsed));
  switch (event.type) {
    case "tlsStarted":
      return `${who} started, server name ${visible(event.serverName)}`;
    case "tlsSucceeded":
      return p.green(`${who} done in ${took}`);
    case "tlsFailed": {
      const short = fold.stopped
        ? "abandoned"
        : proxyTlsAdvice(event.error, event.serverName).short;
      return p.red(`${who} failed after ${took}: ${visible(short)}`);
    }
  }
}

/**
 * What the timeline says of `event`, a step of the tunnel through the proxy.
 *
 * @param event A proxy event.
 * @param p The styles.
 * @returns The text of its line.
 */
export function tunnelText(event: ProxyEvent, p: Palette): string {
  const { proxy, target } = event;
  if (event.type === "proxyRequested") {
    return visible(`tunnel to ${target} requested from ${proxy}`);
  }
  if (event.type === "proxyOpened") {
    return p.green(visible(`tunnel to ${target} open through ${proxy}`));
  }
  if (event.type === "proxyCancelled") {
    return p.yellow(visible(`tunnel to ${target} cancelled`));
  }
  return p.red(`tunnel failed: ${messageOf(event.error)}`);
}
