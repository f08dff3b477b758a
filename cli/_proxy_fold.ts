// Copyright 2026 the happy-eyeballs authors. MIT license.
// The proxy of one run (`--proxy`) folded from its events: pure data, as
// _fold.ts is for the rest of the run, which hands it the proxy's events
// (the tunnel's, and the TLS events that name the proxy: the handshake with
// an https:// proxy, never the target's).
import type { ProxyEvent, TlsConnectEvent } from "../types.ts";

/** The handshake with an `https://` proxy. */
export interface ProxyTlsState {
  /** The proxy's address it runs on. */
  address: Deno.NetAddr;
  /** The server name used: the proxy's host name. */
  serverName: string;
  /** When it started (ms). */
  started: number;
  /** When it ended (ms), if it did. */
  ended?: number;
  /** Whether it succeeded, once it ended. */
  ok?: boolean;
  /** Its error, if it failed. */
  error?: unknown;
}

/**
 * The proxy of the run: the handshake with an `https://` proxy, then the
 * tunnel through it.
 */
export interface ProxyState {
  /** The proxy, as shown (`https://***@host:port`). */
  proxy: string;
  /** The target of the tunnel, `host:port`, once a proxy event named it. */
  target?: string;
  /** The proxy's address, which the race reached. */
  address?: Deno.NetAddr;
  /** The handshake with an `https://` proxy, if one started. */
  tls?: ProxyTlsState;
  /** When the tunnel was requested (ms), if it was. */
  requested?: number;
  /** When the tunnel opened or failed (ms), if it did. */
  ended?: number;
  /** Whether the tunnel opened, once it ended. */
  ok?: boolean;
  /** Why the tunnel failed. */
  error?: unknown;
}

/**
 * Folds a step of the handshake with the proxy, or of the tunnel through it,
 * into the proxy's state.
 *
 * @param state The state so far, if any.
 * @param event A proxy event, or a TLS event with `proxy`.
 * @returns The state, the event included (`state` itself, when given).
 */
export function foldProxyEvent(
  state: ProxyState | undefined,
  event: ProxyEvent | TlsConnectEvent,
): ProxyState {
  const proxy = state ?? { proxy: event.proxy ?? "" };
  // connect()'s own words for the proxy, over the command line's.
  proxy.proxy = event.proxy ?? proxy.proxy;
  proxy.address = event.address;
  switch (event.type) {
    case "proxyRequested":
      proxy.target = event.target;
      proxy.requested = event.elapsed;
      break;
    case "proxyCancelled":
      // A tunnel of a race that another won: the winner's tells the story.
      break;
    case "proxyOpened":
    case "proxyFailed":
      proxy.target = event.target;
      proxy.ended = event.elapsed;
      proxy.ok = event.type === "proxyOpened";
      if (event.type === "proxyFailed") proxy.error = event.error;
      break;
    default: {
      const tls = proxy.tls ??= {
        address: event.address,
        serverName: event.serverName,
        started: event.elapsed,
      };
      if (event.type === "tlsStarted") break;
      tls.ended = event.elapsed;
      tls.ok = event.type === "tlsSucceeded";
      if (event.type === "tlsFailed") tls.error = event.error;
    }
  }
  return proxy;
}
