// Copyright 2026 the happy-eyeballs authors. MIT license.
// The dial of `createConnection()`: `connect()` as it is, and, when the socket
// is unreferenced while dialling, the same call again through `node:net`
// sockets that do not keep the process alive. A pending `Deno.connect` always
// does (Deno has no way to unreference it), where `node:net` lets the process
// exit, as Node does; the attempts in flight are aborted (which ends their
// `Deno.connect`) and the race starts again, unreferenced.
import { closeQuietly } from "../_common/conn.ts";
import type { connectFrom as ConnectFrom } from "../_common/node_tcp_conn.ts";
import type { Socket } from "node:net";
import type { ConnectOptions } from "../types.ts";
import type { Conn } from "./_access.ts";

/** `connect()`, handed in by `connection.ts` (a shorter import chain). */
type Connect = (options: ConnectOptions) => Promise<Conn>;

/** A dial in progress. */
export interface Dialling {
  /** The connection, once the race (and the TLS handshake) is done. */
  ready: Promise<Conn>;
  /**
   * Called by the socket's `ref()` and `unref()` while dialling. The first
   * `unref()` dials again through unreferenced `node:net` sockets, unless the
   * race cannot be dialled that way (the caller's `dial` hook, an adopted
   * `conn`); later calls reference or unreference those sockets.
   */
  ref(refed: boolean): void;
  /** Stops the dial (the socket is destroyed): it rejects with `reason`. */
  abort(reason: unknown): void;
}

/**
 * Starts `connect(options)`, switchable to unreferenced `node:net` sockets.
 *
 * @param connect `connect()`.
 * @param options The call's options, checked; `signal` stops either dial.
 * @param history The history the call uses as checked (the process-wide one
 * included): the dial again keeps it, though it has a `dial` hook.
 * @returns The dial.
 */
export function startDialling(
  connect: Connect,
  options: ConnectOptions,
  history: ConnectOptions["history"],
): Dialling {
  const { promise: ready, resolve, reject } = Promise.withResolvers<Conn>();
  const given = options.signal;
  /** Stops the dial under way: the first, or the one again. */
  let current = new AbortController();
  function signalOf(controller: AbortController): AbortSignal {
    return given
      ? AbortSignal.any([given, controller.signal])
      : controller.signal;
  }
  /** Whether the first dial has settled (its connection handed on). */
  let settled = false;
  /** Whether `node:net` is being loaded to dial again. */
  let loading = false;
  let again = false;
  let refed = true;
  /** The `node:net` sockets of the dial again, while they connect. */
  const connecting = new Set<Socket>();
  connect({ ...options, signal: signalOf(current) }).then((conn) => {
    if (again) return closeQuietly(conn);
    settled = true;
    resolve(conn);
  }, (error) => {
    if (again) return;
    settled = true;
    reject(error);
  });

  function dialAgain(connectFrom: typeof ConnectFrom): void {
    // Referenced again, connected or stopped while `node:net` was loading:
    // the first dial goes on, or has ended.
    if (settled || refed || current.signal.aborted || given?.aborted) return;
    again = true;
    current.abort(
      new DOMException("Dialling again, unreferenced", "AbortError"),
    );
    current = new AbortController();
    const unreferenced: ConnectOptions = {
      ...options,
      signal: signalOf(current),
      // Each attempt: a `node:net` socket, unreferenced unless ref() came.
      dial: (address, { localAddr, signal }) => {
        let made: Socket | undefined;
        return connectFrom(address, localAddr, signal, (socket) => {
          made = socket;
          if (!refed) socket.unref();
          connecting.add(socket);
        }).finally(() => {
          if (made) connecting.delete(made);
        });
      },
    };
    if (history) unreferenced.history = history;
    connect(unreferenced).then(resolve, reject);
  }

  return {
    ready,
    abort(reason) {
      current.abort(reason);
    },
    ref(value) {
      refed = value;
      if (again) {
        for (const socket of connecting) value ? socket.ref() : socket.unref();
        return;
      }
      if (value || settled || loading || options.dial || options.conn) return;
      // Loaded before the first dial is aborted, which keeps the process
      // alive meanwhile (loading a module does not).
      loading = true;
      Promise.all([import("../_common/node_tcp_conn.ts"), import("node:net")])
        .then(([{ connectFrom }]) => {
          loading = false;
          dialAgain(connectFrom);
        }, () => {
          // Dialling goes on as it is.
          loading = false;
        });
    },
  };
}
