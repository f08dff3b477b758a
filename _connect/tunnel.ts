// Copyright 2026 the happy-eyeballs authors. MIT license.
// 8. The tunnel: with a proxy, the race is to the proxy; once it is won, TLS
// to the proxy (`https://`), then the request for the target (HTTP CONNECT,
// or SOCKS5), told to `onEvent`, so that TLS to the target runs inside the
// tunnel.
import type { Checked } from "./options.ts";
import type { CallContext } from "./context.ts";
import { tunnelHttp } from "./tunnel_http.ts";
import { tunnelSocks } from "./tunnel_socks.ts";
import { type Handshake, tlsToProxy } from "./tunnel_tls.ts";
import { racesTargets, raceTunnels } from "./tunnel_race.ts";
import type { CheckedProxy } from "./proxy.ts";
import { showDestination } from "../_common/show.ts";
import { closeQuietly } from "../_common/conn.ts";

/**
 * The connection to the target: the race's winner itself, or, with a proxy,
 * the tunnel through it.
 *
 * @param checked The plan.
 * @param call The call's context (its events).
 * @param won The race (to the proxy, with one: its connection is closed on
 * any failure of the tunnel).
 * @param handshake The TLS handshake, for an `https://` proxy.
 * @returns The race itself without a proxy (no promise more), else the
 * tunnel.
 */
export function via<C extends Deno.Conn<Deno.NetAddr>>(
  checked: Checked,
  call: CallContext,
  won: Promise<C>,
  handshake: Handshake,
): Promise<C> {
  const { proxy } = checked;
  if (!proxy) return won;
  return won.then(async (won) => {
    // Through a proxy, the race ends at TCP: attempt.ts runs no TLS then.
    let conn = won as unknown as Deno.TcpConn;
    // The caller's signal, aborted too when a callback fails (an async
    // onEvent that rejects stops the hop at once, not after its timeout).
    const inner = call.inner;
    try {
      if (proxy.tls) {
        const { tls } = proxy;
        conn = await tlsToProxy(
          conn,
          { ...proxy, tls },
          inner,
          call,
          handshake,
        );
      }
      const open = (
        conn: Deno.TcpConn,
        proxy: CheckedProxy,
        signal: AbortSignal,
        index?: number,
      ) => tunnel(conn, proxy, signal, call, index);
      const opened = racesTargets(checked)
        ? await raceTunnels(conn, { ...checked, proxy }, call, open)
        : await open(conn, proxy, inner);
      return opened as unknown as C;
    } catch (error) {
      call.throwIfFailed();
      throw error;
    } finally {
      call.settle();
    }
  });
}

/**
 * Opens one tunnel on `conn`, the connection to the proxy, telling
 * `proxyRequested`, then `proxyOpened`, `proxyFailed` or (a loser of a race
 * of tunnels) `proxyCancelled`.
 */
async function tunnel(
  conn: Deno.TcpConn,
  proxy: CheckedProxy,
  signal: AbortSignal,
  call: CallContext,
  index: number | undefined,
): Promise<Deno.TcpConn> {
  const { emit } = call;
  const through = proxy.protocol.startsWith("socks") ? tunnelSocks : tunnelHttp;
  const about = {
    proxy: proxy.shown,
    target: showDestination(proxy.target),
    address: conn.remoteAddr,
    ...index !== undefined && { index },
  };
  try {
    emit?.({ type: "proxyRequested", ...about });
    call.throwIfFailed();
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
  try {
    await through(conn, proxy, signal);
  } catch (error) {
    // A tunnel of a race that another won (or that was aborted): cancelled,
    // as an attempt of the race to the proxy would be.
    if (index !== undefined && signal.aborted && error === signal.reason) {
      emit?.({ type: "proxyCancelled", ...about });
    } else emit?.({ type: "proxyFailed", ...about, error });
    call.throwIfFailed();
    throw error;
  }
  emit?.({ type: "proxyOpened", ...about });
  try {
    call.throwIfFailed();
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
  return conn;
}
