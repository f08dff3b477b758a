// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.
// TLS to an `https://` proxy, on the connection the race won to it: the
// proxy's certificate is verified as any server's (`Deno.startTls`: the
// default store, `DENO_TLS_CA_STORE`, `DENO_CERT`, and `proxy.caCerts`), told
// to `onEvent` as TLS events that name the proxy. The tunnel then runs inside
// this TLS, and so does the target's own TLS: `Deno.startTls` cannot wrap a
// TLS connection, `node:tls` can (the tunnel is marked as not Deno's own).
// The handshake is `_tls/handshake.ts`'s, which `connect.ts` hands down (as
// it composes every stage): it is not imported here.
import type { CheckedProxy } from "./proxy.ts";
import type { TlsEvent } from "../types.ts";
import type { Emit } from "./emit.ts";
import type { NormalizedTlsOptions } from "../_tls/options.ts";
import { hopOf } from "./proxy_hop.ts";
import type { CallbackFailure } from "../_common/callback_failure.ts";
import { closeQuietly, markForeignConn } from "../_common/conn.ts";
import { messageOf, wrapError } from "../_common/errors.ts";

/** `handshake()` of `_tls/handshake.ts`. */
export type Handshake = (
  conn: Deno.TcpConn,
  options: NormalizedTlsOptions,
  signal: AbortSignal | undefined,
  emit: (event: TlsEvent) => unknown,
  callbacks?: CallbackFailure,
) => Promise<Deno.TlsConn>;

/**
 * Runs the TLS handshake with an `https://` proxy on `conn`, within
 * `proxy.timeout` and `signal`.
 *
 * @param conn The connection the race won to the proxy (closed on failure).
 * @param proxy The proxy, checked, with its `tls`.
 * @param signal The call's signal.
 * @param call The call's events, and its callbacks (the first that fails
 * stops the handshake).
 * @param handshake The TLS handshake (`_tls/handshake.ts`).
 * @returns The connection to the proxy, TLS inside, as a `Deno.TcpConn`.
 * @throws {Deno.errors.InvalidData} When the handshake fails (an unknown
 * issuer, a name mismatch...): the message names the proxy.
 * @throws {DOMException} Named `TimeoutError` after `proxy.timeout`.
 * @throws {unknown} `signal.reason` on abort; what `onEvent` threw.
 */
export async function tlsToProxy(
  conn: Deno.TcpConn,
  proxy: CheckedProxy & { tls: object },
  signal: AbortSignal | undefined,
  call: {
    emit?: Emit | undefined;
    callbacks?: CallbackFailure | undefined;
  },
  handshake: Handshake,
): Promise<Deno.TcpConn> {
  const hop = hopOf(conn, proxy);
  const address = conn.remoteAddr;
  let tls: Deno.TlsConn;
  try {
    tls = await handshake(
      conn,
      proxy.tls,
      signal,
      (event) => call.emit?.({ ...event, address, proxy: proxy.shown }),
      call.callbacks,
    );
  } catch (error) {
    // The caller's own error (an abort, a callback's) is thrown as it is.
    if (signal?.aborted && error === signal.reason) throw error;
    if (call.callbacks?.failed && error === call.callbacks.error) throw error;
    const message = `Cannot connect through ${hop}: ${messageOf(error)}`;
    throw error instanceof DOMException
      ? new DOMException(message, error.name)
      : wrapError(error, message);
  }
  return new ProxyTunnel(tls);
}

/**
 * The connection through an `https://` proxy, TLS to the proxy inside, with
 * the interface of a `Deno.TcpConn`, as through any other proxy: its
 * `remoteAddr` is the proxy's. It is no `Deno.TlsConn` (its TLS is the
 * proxy's, not the target's).
 */
class ProxyTunnel implements Deno.TcpConn {
  readonly localAddr: Deno.NetAddr;
  readonly remoteAddr: Deno.NetAddr;
  #tls: Deno.TlsConn;

  constructor(tls: Deno.TlsConn) {
    this.#tls = tls;
    this.localAddr = tls.localAddr;
    this.remoteAddr = tls.remoteAddr;
    markForeignConn(this);
  }

  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#tls.readable;
  }

  get writable(): WritableStream<Uint8Array<ArrayBufferLike>> {
    return this.#tls.writable;
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#tls.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    return this.#tls.write(p);
  }

  /** Ends writing: the proxy gets TLS's close_notify, and ends the tunnel. */
  closeWrite(): Promise<void> {
    return this.#tls.closeWrite();
  }

  close(): void {
    this.#tls.close();
  }

  /**
   * Nagle's algorithm is off already: the handshake turned it off on the
   * socket, as on every TLS connection (each record is sent whole).
   */
  setNoDelay(_noDelay?: boolean): void {}

  /**
   * Not available: `Deno.startTls` owns the socket to the proxy, and has no
   * keep-alive setting. Keep-alive probes would reach the proxy only.
   */
  setKeepAlive(_keepAlive?: boolean): void {}

  ref(): void {
    this.#tls.ref();
  }

  unref(): void {
    this.#tls.unref();
  }

  [Symbol.dispose](): void {
    closeQuietly(this.#tls);
  }
}
