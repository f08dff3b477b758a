// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * A `node:net`-compatible socket on top of {@linkcode connect}, for the npm
 * clients that take a socket: pg (`stream`), postgres.js (`socket`), ioredis
 * (a connector), undici (`Agent({ connect })`, see
 * {@linkcode createUndiciConnector}) and `node:http`/`node:https`
 * (`Agent#createConnection`). They then get Happy Eyeballs, remembered
 * winners and explained failures.
 *
 * {@linkcode createConnection} returns at once a socket that is dialling, as
 * `node:net`'s `createConnection` does; {@linkcode toNodeSocket} wraps a
 * connection you already have (after a STARTTLS exchange, for instance).
 *
 * @example Talk to a server through the socket
 * ```ts
 * import { createConnection } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 * import { once } from "node:events";
 *
 * // An echo server on loopback.
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * server.accept().then(async (conn) => {
 *   await conn.readable.pipeTo(conn.writable);
 * });
 *
 * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
 * assertEquals(socket.readyState, "opening");
 * socket.end("hello"); // Kept until the connection is made.
 * const [data] = await once(socket, "data");
 * assertEquals(String(data), "hello");
 * await once(socket, "close");
 * ```
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { nextTick } from "node:process";
import { Duplex } from "node:stream";
import {
  connect,
  type ConnectEvent,
  type ConnectOptions,
  type ConnectTarget,
} from "./connect.ts";
import { checkOptions } from "./_connect_options.ts";
import { show } from "./_show.ts";
import type { TlsOptions } from "./tls.ts";

/** A connection this module can wrap: TCP, or TLS over TCP. */
export type NodeSocketConn = Deno.TcpConn | Deno.TlsConn;

/** The local address of a socket, as `node:net`'s `address()` gives it. */
export interface NodeSocketAddress {
  /** The IP address. */
  address: string;
  /** `"IPv4"` or `"IPv6"`. */
  family: string;
  /** The port. */
  port: number;
}

/**
 * Reads start with a buffer of `SMALL_READ` bytes (what an idle socket
 * holds); once one fills it, they fill slabs of `SLAB` bytes, at most
 * `MAX_BULK_READ` at a time, with a new slab when less than `MIN_BULK_READ`
 * is left, until a read brings less than `SMALL_READ`.
 */
const SMALL_READ = 4 * 1024;
const SLAB = 1024 * 1024;
const MAX_BULK_READ = 256 * 1024;
const MIN_BULK_READ = 16 * 1024;

/** `node:net` error codes of Deno's network errors. */
const CODES: ReadonlyArray<[new (...args: never[]) => Error, string]> = [
  [Deno.errors.ConnectionRefused, "ECONNREFUSED"],
  [Deno.errors.ConnectionReset, "ECONNRESET"],
  [Deno.errors.ConnectionAborted, "ECONNABORTED"],
  [Deno.errors.TimedOut, "ETIMEDOUT"],
  [Deno.errors.NotFound, "ENOTFOUND"],
  [Deno.errors.AddrNotAvailable, "EADDRNOTAVAIL"],
  [Deno.errors.AddrInUse, "EADDRINUSE"],
  [Deno.errors.PermissionDenied, "EACCES"],
  [Deno.errors.BrokenPipe, "EPIPE"],
  [Deno.errors.NotConnected, "ENOTCONN"],
];

/** The `node:net` code for an error, as `node:net` would set it. */
function codeOf(error: unknown): string | undefined {
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = codeOf(inner);
      if (code) return code;
    }
    return undefined;
  }
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: unknown };
  if (typeof code === "string") return code;
  if (error instanceof DOMException) {
    if (error.name === "TimeoutError") return "ETIMEDOUT";
    if (error.name === "AbortError") return "ABORT_ERR";
  }
  return CODES.find(([Class]) => error instanceof Class)?.[1];
}

/** The same error, with the `code` that `node:net` would have set. */
function withCode(error: unknown): Error {
  const result = error instanceof Error ? error : new Error(String(error));
  const code = codeOf(result);
  if (code && (result as { code?: unknown }).code === undefined) {
    try {
      Object.defineProperty(result, "code", {
        value: code,
        configurable: true,
        writable: true,
      });
    } catch {
      // A frozen error keeps its shape.
    }
  }
  return result;
}

function familyName(hostname: string): "IPv4" | "IPv6" {
  return hostname.includes(":") ? "IPv6" : "IPv4";
}

function isTls(conn: NodeSocketConn): conn is Deno.TlsConn {
  return typeof (conn as Partial<Deno.TlsConn>).handshake === "function";
}

// Module-private access to the socket, for the two functions that make one.
/** Makes the socket use the connection, now or once `ready` gives it. */
let attach: (
  socket: NodeSocket,
  ready: NodeSocketConn | Promise<NodeSocketConn>,
  abort: AbortController | undefined,
  onUse: (conn: NodeSocketConn) => void,
) => void;
/** The TCP race is won: `connect` and `ready`. */
let markConnected: (socket: NodeSocket, address: Deno.NetAddr) => void;
/** The TLS handshake is done: `secureConnect`. */
let markSecured: (socket: NodeSocket, alpnProtocol: string | null) => void;

/**
 * A `node:stream` `Duplex` with the surface of `node:net`'s `Socket` (and,
 * over TLS, of `node:tls`'s `TLSSocket`) that clients use. Made by
 * {@linkcode createConnection} and {@linkcode toNodeSocket}.
 *
 * Events come in `node:net` order: `connect` and `ready` when the race is
 * won, `secureConnect` after the TLS handshake, `data`, `end`, `timeout`,
 * `error` (with a `code` such as `"ECONNREFUSED"`), and `close` with
 * `hadError` once the connection and every pending operation are closed.
 *
 * Writes and settings made while dialling are kept and applied once
 * connected. Reads stop while the consumer does not keep up, and writes
 * complete only once the connection has taken the data, so nothing is
 * buffered without bound. With `allowHalfOpen` `false` (the default, as in
 * `node:net`), the socket ends its side when the peer ends its own.
 *
 * @example The socket's addresses
 * ```ts
 * import { createConnection } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 * import { once } from "node:events";
 *
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const accepted = server.accept();
 * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
 * await once(socket, "connect");
 * assertEquals(socket.remoteAddress, "127.0.0.1");
 * assertEquals(socket.remoteFamily, "IPv4");
 * assertEquals(socket.address(), {
 *   address: "127.0.0.1",
 *   family: "IPv4",
 *   port: socket.localPort!,
 * });
 * socket.destroy();
 * await once(socket, "close");
 * (await accepted).close();
 * ```
 */
export class NodeSocket extends Duplex {
  static {
    attach = (socket, ready, abort, onUse) =>
      socket.#attach(ready, abort, onUse);
    markConnected = (socket, address) => socket.#connected(address);
    markSecured = (socket, alpnProtocol) => socket.#secured(alpnProtocol);
  }

  #conn: NodeSocketConn | undefined;
  #ready: Promise<NodeSocketConn> | undefined;
  #dial: AbortController | undefined;
  /** Settles when the dial has settled, one way or the other. */
  #dialled: Promise<unknown> = Promise.resolve();
  /** The read loop, while one runs. */
  #reading: Promise<void> | undefined;
  /** The buffer of small reads. */
  #small: Buffer | undefined;
  /** The slab that large reads fill, and how much of it is handed on. */
  #slab: Buffer | undefined;
  #used = 0;
  #noDelay: boolean | undefined;
  #keepAlive: boolean | undefined;
  #refed = true;
  #timeout = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActive = 0;
  #bytesRead = 0;
  #bytesWritten = 0;

  /** Whether the socket is still dialling (`node:net`'s `connecting`). */
  connecting = false;
  /** The peer's IP address, once known. */
  remoteAddress: string | undefined = undefined;
  /** The peer's port, once known. */
  remotePort: number | undefined = undefined;
  /** `"IPv4"` or `"IPv6"`, once the peer is known. */
  remoteFamily: string | undefined = undefined;
  /** The local IP address, once connected. */
  localAddress: string | undefined = undefined;
  /** The local port, once connected. */
  localPort: number | undefined = undefined;
  /** `true` on a TLS socket, as `node:tls` sets it. */
  encrypted: boolean | undefined = undefined;
  /**
   * The protocol chosen through ALPN on a TLS socket once the handshake is
   * done, or `false` when none was (as `node:tls`).
   */
  alpnProtocol: string | false | null | undefined = undefined;
  /**
   * `true` on a TLS socket once the handshake is done: the certificate was
   * verified (an unverified one fails the connection).
   */
  authorized: boolean | undefined = undefined;

  /**
   * Makes a socket; use {@linkcode createConnection} or
   * {@linkcode toNodeSocket} instead.
   *
   * @param allowHalfOpen Whether the socket stays writable after the peer has
   * ended its side.
   */
  constructor(allowHalfOpen = false) {
    super({ allowHalfOpen, emitClose: false, decodeStrings: true });
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes the connection has taken so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Whether the socket is not connected yet (`node:net`'s `pending`). */
  get pending(): boolean {
    return this.#conn === undefined;
  }

  /**
   * `"opening"`, `"open"`, `"readOnly"`, `"writeOnly"` or `"closed"`, as
   * `node:net`.
   */
  get readyState(): string {
    if (this.connecting) return "opening";
    if (this.readable && this.writable) return "open";
    if (this.readable) return "readOnly";
    if (this.writable) return "writeOnly";
    return "closed";
  }

  /**
   * The local address, as `node:net`'s `address()`.
   *
   * @returns The local address, port and family; empty before connecting.
   */
  address(): NodeSocketAddress | Record<string, never> {
    if (this.localAddress === undefined) return {};
    return {
      address: this.localAddress,
      family: familyName(this.localAddress),
      port: this.localPort!,
    };
  }

  /**
   * Harmless: the socket dials when it is made. Calls `listener` on
   * `connect`, at once (on the next tick) when already connected.
   *
   * @param args Whatever `node:net`'s `connect()` takes; only a trailing
   * function is used.
   * @returns The socket.
   */
  connect(...args: unknown[]): this {
    const listener = args.findLast((a) => typeof a === "function") as
      | (() => void)
      | undefined;
    if (this.connecting) {
      if (listener) this.once("connect", listener);
    } else if (this.#conn && !this.destroyed) {
      queueMicrotask(() => {
        listener?.call(this);
        this.emit("connect");
      });
    }
    return this;
  }

  /**
   * Sets or clears `TCP_NODELAY`, now or once connected. A no-op on TLS
   * (Deno sets it on every TCP connection it makes).
   *
   * @param noDelay `true` to send small writes at once.
   * @returns The socket.
   */
  setNoDelay(noDelay = true): this {
    this.#noDelay = noDelay;
    this.#applySettings();
    return this;
  }

  /**
   * Turns TCP keep-alive probes on or off, now or once connected. A no-op on
   * TLS.
   *
   * @param enable Whether to send keep-alive probes.
   * @param _initialDelay Ignored: Deno does not set the delay.
   * @returns The socket.
   */
  setKeepAlive(enable = false, _initialDelay?: number): this {
    this.#keepAlive = enable;
    this.#applySettings();
    return this;
  }

  /**
   * Emits `timeout` after `timeout` milliseconds without reading or writing
   * (`0` turns it off). It does not close the socket.
   *
   * @param timeout Milliseconds of inactivity.
   * @param callback Added as a `timeout` listener.
   * @returns The socket.
   */
  setTimeout(timeout: number, callback?: () => void): this {
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      throw new RangeError(
        `Cannot set timeout as 'timeout' must be a non-negative number: current value is ${
          show(timeout)
        }`,
      );
    }
    this.#timeout = Number.isFinite(timeout) ? timeout : 0;
    if (callback) {
      if (this.#timeout === 0) this.off("timeout", callback);
      else this.once("timeout", callback);
    }
    this.#clearTimer();
    if (this.#timeout > 0) {
      this.#lastActive = performance.now();
      this.#armTimer(this.#timeout);
    }
    return this;
  }

  /**
   * Lets the process exit while the socket is open.
   *
   * @returns The socket.
   */
  unref(): this {
    this.#refed = false;
    this.#conn?.unref();
    if (this.#timer !== undefined) Deno.unrefTimer(this.#timer);
    return this;
  }

  /**
   * Keeps the process alive while the socket is open (the default).
   *
   * @returns The socket.
   */
  ref(): this {
    this.#refed = true;
    this.#conn?.ref();
    if (this.#timer !== undefined) Deno.refTimer(this.#timer);
    return this;
  }

  /** Ends the writable side, then destroys the socket once it has finished. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }

  #attach(
    ready: NodeSocketConn | Promise<NodeSocketConn>,
    abort: AbortController | undefined,
    onUse: (conn: NodeSocketConn) => void,
  ): void {
    if (!(ready instanceof Promise)) {
      this.#use(ready);
      onUse(ready);
      return;
    }
    this.#ready = ready;
    this.#dial = abort;
    this.#dialled = ready.then((conn) => {
      this.#dial = undefined;
      if (this.destroyed) {
        closeQuietly(conn);
      } else {
        this.#use(conn);
        // `connect` listeners run here: one that throws is reported as
        // uncaught, and the socket is closed rather than left open.
        guarded(this, () => onUse(conn));
      }
    }, (error) => {
      this.#dial = undefined;
      this.connecting = false;
      if (!this.destroyed) this.destroy(withCode(error));
    });
  }

  #use(conn: NodeSocketConn): void {
    this.#conn = conn;
    this.connecting = false;
    this.localAddress = conn.localAddr.hostname;
    this.localPort = conn.localAddr.port;
    this.#setRemote(conn.remoteAddr);
    if (!this.#refed) conn.unref();
    this.#applySettings();
    this.#readIfWanted();
  }

  #connected(address: Deno.NetAddr): void {
    this.#setRemote(address);
    this.connecting = false;
    this.emit("connect");
    this.emit("ready");
  }

  #secured(alpnProtocol: string | null): void {
    this.encrypted = true;
    this.authorized = true;
    this.alpnProtocol = alpnProtocol ?? false;
    this.emit("secureConnect");
  }

  #setRemote(address: Deno.NetAddr): void {
    this.remoteAddress = address.hostname;
    this.remotePort = address.port;
    this.remoteFamily = familyName(address.hostname);
  }

  #applySettings(): void {
    const conn = this.#conn as Partial<Deno.TcpConn> | undefined;
    if (!conn || this.destroyed) return;
    try {
      if (this.#noDelay !== undefined) conn.setNoDelay?.(this.#noDelay);
      if (this.#keepAlive !== undefined) conn.setKeepAlive?.(this.#keepAlive);
    } catch {
      // The connection is closing: its next read or write says so.
    }
  }

  #armTimer(ms: number): void {
    const timer = setTimeout(() => this.#onTimer(), ms);
    if (!this.#refed) Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.destroyed || this.#timeout === 0) return;
    // One timer per period; activity only moves the mark it checks.
    const idle = performance.now() - this.#lastActive;
    if (idle + 1 >= this.#timeout) {
      this.#lastActive = performance.now();
      this.#armTimer(this.#timeout);
      this.emit("timeout");
    } else {
      this.#armTimer(this.#timeout - idle);
    }
  }

  #touch(): void {
    if (this.#timeout > 0) this.#lastActive = performance.now();
  }

  /** Whether the consumer asked for data that no read loop is fetching. */
  #wanted = false;

  /** Starts reading from the connection (`Readable` calls it). */
  override _read(): void {
    this.#wanted = true;
    this.#readIfWanted();
  }

  #readIfWanted(): void {
    if (!this.#wanted || this.#reading || !this.#conn) return;
    this.#wanted = false;
    this.#reading = this.#readLoop(this.#conn).finally(() => {
      this.#reading = undefined;
    });
  }

  async #readLoop(conn: NodeSocketConn): Promise<void> {
    try {
      while (!this.destroyed) {
        // Small reads use a small buffer of the socket's own, copied out:
        // an idle socket holds no more than that. Once a read fills it, reads
        // fill a large slab from one end to the other, and each chunk handed
        // on is a view of it: one allocation serves many reads, no copy.
        let target: Buffer;
        const bulk = this.#slab !== undefined;
        if (bulk) {
          if (this.#slab!.length - this.#used < MIN_BULK_READ) {
            this.#slab = Buffer.allocUnsafe(SLAB);
            this.#used = 0;
          }
          target = this.#slab!.subarray(
            this.#used,
            Math.min(this.#used + MAX_BULK_READ, SLAB),
          );
        } else {
          target = this.#small ??= Buffer.allocUnsafe(SMALL_READ);
        }
        const n = await conn.read(target);
        if (this.destroyed) return;
        if (n === null) {
          this.push(null);
          return;
        }
        this.#bytesRead += n;
        this.#touch();
        let chunk: Buffer;
        if (n < SMALL_READ) {
          // A copy: a small message kept for long pins no slab. The flow
          // has slowed down: back to the small buffer.
          chunk = Buffer.from(target.subarray(0, n));
          this.#slab = undefined;
        } else if (bulk) {
          chunk = target.subarray(0, n);
          this.#used += n;
        } else {
          chunk = Buffer.from(target);
          this.#slab = Buffer.allocUnsafe(SLAB);
          this.#used = 0;
        }
        if (!this.push(chunk)) return;
      }
    } catch (error) {
      if (!this.destroyed) this.destroy(withCode(error));
    }
  }

  /**
   * Writes one chunk once connected (`Writable` calls it).
   *
   * @param chunk The bytes.
   * @param _encoding Unused: strings arrive as bytes.
   * @param callback Called once the connection has taken every byte.
   */
  override _write(
    chunk: Uint8Array,
    _encoding: string,
    callback: (error?: Error | null) => void,
  ): void {
    this.#writeAll(chunk).then(() => callback(), callback);
  }

  /**
   * Writes the chunks buffered meanwhile as one (`Writable` calls it).
   *
   * @param chunks The chunks.
   * @param callback Called once the connection has taken every byte.
   */
  override _writev(
    chunks: { chunk: Uint8Array }[],
    callback: (error?: Error | null) => void,
  ): void {
    const data = chunks.length === 1
      ? chunks[0]!.chunk
      : Buffer.concat(chunks.map(({ chunk }) => chunk));
    this.#writeAll(data).then(() => callback(), callback);
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    const conn = this.#conn ?? await this.#ready!;
    try {
      let offset = 0;
      while (offset < data.length) {
        offset += await conn.write(data.subarray(offset));
      }
      this.#bytesWritten += data.length;
      this.#touch();
    } catch (error) {
      throw withCode(error);
    }
  }

  /**
   * Ends the writable side: FIN, or close_notify then FIN over TLS
   * (`Writable` calls it).
   *
   * @param callback Called once done.
   */
  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      const conn = this.#conn ?? await this.#ready!;
      // Sends FIN, or close_notify then FIN over TLS. A peer that is gone
      // already is no error here: reading says so.
      await conn.closeWrite().catch(() => {});
    })().then(() => callback(), (error) => callback(withCode(error)));
  }

  /**
   * Stops dialling, or closes the connection (`destroy()` calls it).
   *
   * @param error The error the socket is destroyed with, if any.
   * @param callback Called once nothing is left.
   */
  override _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    this.#clearTimer();
    this.#dial?.abort(
      new DOMException("The socket was destroyed", "AbortError"),
    );
    if (this.#conn) closeQuietly(this.#conn);
    this.#slab = undefined;
    this.#small = undefined;
    // `close` means that nothing is left: the dial has settled and the
    // pending read has ended.
    Promise.all([this.#dialled, this.#reading]).finally(() => {
      callback(error);
      // After `error`, which Duplex emits on the next tick.
      nextTick(() => this.emit("close", error !== null));
    });
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Opens a connection with {@linkcode connect} and returns at once a
 * `node:net`-compatible socket that is dialling, as `node:net`'s
 * `createConnection` does.
 *
 * The socket emits `connect` and `ready` when the race is won, and with
 * `tls` `secureConnect` after the handshake. When `connect()` fails, the
 * socket emits `error` with the error `connect()` rejected with, given a
 * `code` as `node:net` sets it (`"ECONNREFUSED"`, `"ETIMEDOUT"`, ...), then
 * `close` with `hadError` `true`.
 *
 * @param options The options of {@linkcode connect}.
 * @param onConnect Added as a `connect` listener (a `secureConnect` listener
 * with `tls`, as `node:tls` does).
 * @returns The socket, dialling.
 * @throws {TypeError} If an option has the wrong type or is unknown, as
 * {@linkcode connect} would reject.
 * @throws {RangeError} If a number option is out of range.
 *
 * @example Refused, with the code `node:net` would set
 * ```ts
 * import { createConnection } from "@happy-eyeballs/connect/node";
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 * import { once } from "node:events";
 *
 * const port = (() => {
 *   using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 *   return listener.addr.port;
 * })();
 * const socket = createConnection({ hostname: "127.0.0.1", port });
 * const [error] = await once(socket, "error").catch((e) => [e]);
 * assertInstanceOf(error, Deno.errors.ConnectionRefused);
 * assertEquals((error as { code?: string }).code, "ECONNREFUSED");
 * ```
 */
export function createConnection(
  options: ConnectOptions & ConnectTarget,
  onConnect?: () => void,
): NodeSocket {
  checkOptions(options);
  const socket = new NodeSocket();
  const tls = options.tls !== undefined && options.tls !== false;
  if (onConnect) socket.once(tls ? "secureConnect" : "connect", onConnect);
  socket.connecting = true;
  const abort = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, abort.signal])
    : abort.signal;
  const { onEvent } = options;
  let connected = false;
  const ready = connect({
    ...options,
    signal,
    onEvent(event: ConnectEvent) {
      // The socket's events first, so that a hook that throws (reported by
      // connect()) cannot stop them. Over TLS, `connect` comes when the race
      // is won, before the handshake, as in node:tls.
      if (tls && !connected && event.type === "tlsStarted") {
        connected = true;
        if (!socket.destroyed) markConnected(socket, event.address);
      }
      onEvent?.(event);
    },
  });
  attach(socket, ready, abort, (conn) => {
    if (!connected) {
      connected = true;
      markConnected(socket, conn.remoteAddr);
    }
    if (isTls(conn)) secureWhenDone(socket, conn);
  });
  return socket;
}

/**
 * Runs `emit`, which calls event listeners from a promise callback: a
 * listener that throws is reported with `reportError()` (uncaught, as in
 * Node), and the socket is destroyed so that nothing is left open.
 */
function guarded(socket: NodeSocket, emit: () => void): void {
  try {
    emit();
  } catch (error) {
    socket.destroy();
    reportError(error);
  }
}

/** Emits `secureConnect` once the handshake of `conn` is done. */
function secureWhenDone(socket: NodeSocket, conn: Deno.TlsConn): void {
  conn.handshake().then(({ alpnProtocol }) => {
    if (!socket.destroyed) {
      guarded(socket, () => markSecured(socket, alpnProtocol));
    }
  }, () => {
    // The next read or write reports it.
  });
}

/**
 * Wraps a connection you already have in the socket of
 * {@linkcode createConnection}: after a STARTTLS exchange (a `Deno.TlsConn`
 * from `upgradeTls()`), or around any `Deno.TcpConn`. The socket owns the
 * connection from then on.
 *
 * The socket is connected: `readyState` is `"open"`, and `connect()` on it
 * emits `connect` at once (pg calls it and waits for the event). Over TLS,
 * `alpnProtocol` is known, and `secureConnect` emitted, once the handshake
 * has completed.
 *
 * @param conn The connection to wrap.
 * @param allowHalfOpen Whether the socket stays writable after the peer has
 * ended its side.
 * @returns The socket.
 *
 * @example Wrap a connection
 * ```ts
 * import { toNodeSocket } from "@happy-eyeballs/connect/node";
 * import { connect } from "@happy-eyeballs/connect";
 * import { assertEquals } from "@std/assert";
 * import { once } from "node:events";
 *
 * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * server.accept().then(async (conn) => {
 *   await conn.write(new TextEncoder().encode("hi"));
 *   conn.close();
 * });
 * const conn = await connect({ hostname: "127.0.0.1", port: server.addr.port });
 * const socket = toNodeSocket(conn);
 * assertEquals(socket.readyState, "open");
 * const [data] = await once(socket, "data");
 * assertEquals(String(data), "hi");
 * await once(socket, "close");
 * ```
 */
export function toNodeSocket(
  conn: NodeSocketConn,
  allowHalfOpen = false,
): NodeSocket {
  const socket = new NodeSocket(allowHalfOpen);
  if (isTls(conn)) {
    socket.encrypted = true;
    socket.alpnProtocol = false;
  }
  attach(socket, conn, undefined, () => {
    if (isTls(conn)) secureWhenDone(socket, conn);
  });
  return socket;
}

/**
 * The options that clients hand their connect hooks, in `node:net` and
 * `node:tls` names. Other keys are ignored.
 */
export interface NodeConnectOptions {
  /** The host (`node:net`). */
  host?: string | null | undefined;
  /** The host, as undici names it; wins over `host`. */
  hostname?: string | null | undefined;
  /** The port, a number or a string; empty means the protocol's default. */
  port?: number | string | null | undefined;
  /** `"https:"` asks for TLS (undici). */
  protocol?: string | null | undefined;
  /** The TLS server name (SNI); empty means none. */
  servername?: string | null | undefined;
  /** ALPN protocols to offer. */
  ALPNProtocols?: readonly string[] | null | undefined;
  /** CA certificates (PEM) to trust. */
  ca?:
    | string
    | Uint8Array
    | readonly (string | Uint8Array)[]
    | null
    | undefined;
  /** `false` is refused: see {@linkcode fromNodeOptions}. */
  rejectUnauthorized?: boolean | undefined;
  /** Other keys are ignored. */
  [key: string]: unknown;
}

function pem(value: string | Uint8Array): string {
  return typeof value === "string" ? value : new TextDecoder().decode(value);
}

/**
 * Translates the `node:net`/`node:tls` options that a client hands its
 * connect hook into options of {@linkcode connect}: `host` (or `hostname`)
 * to `hostname`, a `port` string to a number, and, when `options.tls` is set
 * or `protocol` is `"https:"`, `servername` to `tls.serverName`,
 * `ALPNProtocols` to `tls.alpnProtocols` and `ca` to `tls.caCerts`. What is
 * set in `options` wins.
 *
 * `rejectUnauthorized: false` is refused, never mapped: Deno always verifies
 * the certificate chain. Trust the server's CA with `tls.caCerts`, or skip
 * the name check alone with `tls.unsafelyDisableHostnameVerification`.
 *
 * @param nodeOptions What the client handed its hook.
 * @param options The options of {@linkcode connect} to add (`history`,
 * `tls` settings, ...).
 * @returns The options for {@linkcode connect} or {@linkcode createConnection}.
 * @throws {TypeError} If `rejectUnauthorized` is `false`.
 *
 * @example The options of a `node:https` agent
 * ```ts
 * import { fromNodeOptions } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 *
 * const options = fromNodeOptions(
 *   { host: "example.com", port: "8443", servername: "example.com" },
 *   { tls: { alpnProtocols: ["http/1.1"] } },
 * );
 * assertEquals(options, {
 *   hostname: "example.com",
 *   port: 8443,
 *   tls: { serverName: "example.com", alpnProtocols: ["http/1.1"] },
 * });
 * ```
 */
export function fromNodeOptions(
  nodeOptions: NodeConnectOptions,
  options: ConnectOptions = {},
): ConnectOptions & ConnectTarget {
  if (nodeOptions.rejectUnauthorized === false) {
    throw new TypeError(
      "Cannot connect as 'rejectUnauthorized' must not be false: Deno always verifies the certificate chain; trust the server's CA with 'tls.caCerts', or skip only the name check with 'tls.unsafelyDisableHostnameVerification'",
    );
  }
  // undici names the scheme; node:net's hooks leave it to `options.tls`.
  const useTls = nodeOptions.protocol === "https:" ||
    (nodeOptions.protocol !== "http:" && options.tls !== undefined &&
      options.tls !== false);
  const { port: rawPort } = nodeOptions;
  const port = rawPort === undefined || rawPort === null || rawPort === ""
    ? (useTls ? 443 : 80)
    : Number(rawPort);
  const result = {
    hostname: nodeOptions.hostname || nodeOptions.host || "localhost",
    port,
    ...options,
  } as ConnectOptions & { hostname: string; port: number };
  if (!useTls) {
    // A plain-text origin of a hook whose TLS settings are for the others.
    delete result.tls;
    return result;
  }
  const given = typeof options.tls === "object" ? options.tls : {};
  const tls: TlsOptions = {};
  if (nodeOptions.servername) tls.serverName = nodeOptions.servername;
  if (nodeOptions.ALPNProtocols) {
    tls.alpnProtocols = [...nodeOptions.ALPNProtocols];
  }
  if (nodeOptions.ca) {
    const ca = nodeOptions.ca;
    tls.caCerts = (Array.isArray(ca) ? ca : [ca]).map(pem);
  }
  result.tls = { ...tls, ...given };
  return result;
}

/**
 * The `connect` function of undici's `Agent` and `Client` (undici calls it
 * with `node:net` options and a callback).
 */
export type UndiciConnector = (
  options: NodeConnectOptions,
  callback: (error: Error | null, socket: NodeSocket | null) => void,
) => void;

/**
 * A `connect` function for undici's `Agent({ connect })`: every connection
 * undici opens goes through {@linkcode createConnection}, and undici gets the
 * socket once it is connected (after the TLS handshake for `https:`).
 *
 * For `https:` origins, ALPN offers `["http/1.1"]` unless
 * `options.tls.alpnProtocols` says otherwise: undici speaks HTTP/2 whenever
 * the socket reports `"h2"`, which needs `allowH2` on the agent.
 *
 * @param options Options of {@linkcode connect} for every connection
 * (`history`, `happyEyeballsDelay`, ...); `tls` applies to `https:` origins
 * only.
 * @returns The function to pass as `connect`.
 *
 * @example An undici agent with Happy Eyeballs
 * ```ts ignore
 * import { createUndiciConnector } from "@happy-eyeballs/connect/node";
 * import { ConnectHistory } from "@happy-eyeballs/connect/history";
 * import { Agent, request } from "npm:undici";
 *
 * const agent = new Agent({
 *   connect: createUndiciConnector({ history: new ConnectHistory() }),
 * });
 * const response = await request("https://example.com/", { dispatcher: agent });
 * ```
 *
 * @example Refusals reach undici's callback
 * ```ts
 * import { createUndiciConnector } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 *
 * const port = (() => {
 *   using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 *   return listener.addr.port;
 * })();
 * const connector = createUndiciConnector();
 * const error = await new Promise<Error | null>((resolve) => {
 *   connector({ hostname: "127.0.0.1", port, protocol: "http:" }, resolve);
 * });
 * assertEquals((error as { code?: string }).code, "ECONNREFUSED");
 * ```
 */
export function createUndiciConnector(
  options: ConnectOptions = {},
): UndiciConnector {
  const tls = typeof options.tls === "object" ? options.tls : {};
  const httpsOptions: ConnectOptions = {
    ...options,
    tls: { alpnProtocols: ["http/1.1"], ...tls },
  };
  return (nodeOptions, callback) => {
    let socket: NodeSocket;
    const https = nodeOptions.protocol === "https:";
    try {
      socket = createConnection(
        fromNodeOptions(nodeOptions, https ? httpsOptions : options),
      );
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)), null);
      return;
    }
    const ready = https ? "secureConnect" : "connect";
    const onError = (error: Error) => {
      socket.off(ready, onReady);
      callback(error, null);
    };
    const onReady = () => {
      socket.off("error", onError);
      callback(null, socket);
    };
    socket.once(ready, onReady);
    socket.once("error", onError);
  };
}
