// Copyright 2026 the happy-eyeballs authors. MIT license.
// The socket of `createConnection()` and `toNodeSocket()`: a `node:stream`
// `Duplex` with the surface of `node:net`'s `Socket` over a `Deno.TcpConn` or
// `Deno.TlsConn`. Its read path is `_reader.ts`, its write path
// `_writer.ts`, its inactivity timer `_idle_timer.ts`; settings are kept
// until connected. `connection.ts` makes it (through
// `_access.ts`); `mod.ts` exports its type only: the constructor is not for
// users.
import { nextTick } from "node:process";
import { Duplex } from "node:stream";
import { closeQuietly } from "../_common/conn.ts";
import { familyOf } from "../_common/ip.ts";
import { show } from "../_common/show.ts";
import { type Abortable, SOCKET_ACCESS } from "./_access.ts";
import { withNodeCode } from "./_errors.ts";
import { IdleTimer } from "./_idle_timer.ts";
import { Reader } from "./_reader.ts";
import { joinChunks, writeAll } from "./_writer.ts";

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

function familyName(address: string): "IPv4" | "IPv6" {
  return familyOf(address) === 6 ? "IPv6" : "IPv4";
}

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
    SOCKET_ACCESS.attach = (socket, ready, abort, onUse, onRef) =>
      (socket as NodeSocket).#attach(ready, abort, onUse, onRef);
    SOCKET_ACCESS.connected = (socket, address) =>
      (socket as NodeSocket).#connected(address);
    SOCKET_ACCESS.secured = (socket, alpnProtocol) =>
      (socket as NodeSocket).#secured(alpnProtocol);
  }

  #conn: NodeSocketConn | undefined;
  #ready: Promise<NodeSocketConn> | undefined;
  #dial: Abortable | undefined;
  /** Called by `ref()` and `unref()` while dialling. */
  #onRef: ((refed: boolean) => void) | undefined;
  /** Settles when the dial has settled, one way or the other. */
  #dialled: Promise<unknown> = Promise.resolve();
  #reader = new Reader(this, (n) => {
    this.#bytesRead += n;
    this.#idle.touch();
  });
  #noDelay: boolean | undefined;
  #keepAlive: boolean | undefined;
  #refed = true;
  #idle = new IdleTimer(() => {
    if (!this.destroyed) this.emit("timeout");
  });
  #bytesRead = 0;
  #bytesWritten = 0;

  /**
   * Whether the socket is still dialling (`node:net`'s `connecting`).
   *
   * @example Dialling, then connected
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.connecting, true);
   * await once(socket, "connect");
   * assertEquals(socket.connecting, false);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  connecting = false;
  /**
   * The peer's IP address, once known.
   *
   * @example The peer's address
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
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  remoteAddress: string | undefined = undefined;
  /**
   * The peer's port, once known.
   *
   * @example The peer's port
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * assertEquals(socket.remotePort, server.addr.port);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  remotePort: number | undefined = undefined;
  /**
   * `"IPv4"` or `"IPv6"`, once the peer is known.
   *
   * @example The peer's family
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * assertEquals(socket.remoteFamily, "IPv4");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  remoteFamily: string | undefined = undefined;
  /**
   * The local IP address, once connected.
   *
   * @example The local address
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * assertEquals(socket.localAddress, "127.0.0.1");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  localAddress: string | undefined = undefined;
  /**
   * The local port, once connected.
   *
   * @example The local port, as the server sees it
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * const conn = await accepted;
   * assertEquals(socket.localPort, conn.remoteAddr.port);
   * socket.destroy();
   * await once(socket, "close");
   * conn.close();
   * ```
   */
  localPort: number | undefined = undefined;
  /**
   * `true` on a TLS socket, as `node:tls` sets it.
   *
   * @example Unset over TCP
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * assertEquals(socket.encrypted, undefined);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  encrypted: boolean | undefined = undefined;
  /**
   * The protocol chosen through ALPN on a TLS socket once the handshake is
   * done, or `false` when none was (as `node:tls`).
   *
   * @example Unset over TCP
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * assertEquals(socket.alpnProtocol, undefined);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  alpnProtocol: string | false | null | undefined = undefined;
  /**
   * `true` on a TLS socket once the handshake is done: the certificate was
   * verified (an unverified one fails the connection).
   *
   * @example Unset over TCP
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * assertEquals(socket.authorized, undefined);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  authorized: boolean | undefined = undefined;

  /**
   * Internal: `mod.ts` exports the type only. Sockets come from
   * {@linkcode createConnection} and {@linkcode toNodeSocket}; one made
   * here would do nothing.
   *
   * @param allowHalfOpen Whether the socket stays writable after the peer has
   * ended its side.
   *
   * @example Sockets come from createConnection()
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   * import { Duplex } from "node:stream";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket instanceof Duplex, true);
   * // Connected first: a socket destroyed while dialling may never reach
   * // the server, and `accepted` would wait for ever.
   * await once(socket, "connect");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  constructor(allowHalfOpen = false) {
    super({ allowHalfOpen, emitClose: false, decodeStrings: true });
  }

  /**
   * Bytes received so far.
   *
   * @example Bytes received
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * socket.write("hello");
   * await once(socket, "data");
   * assertEquals(socket.bytesRead, 5);
   * socket.destroy();
   * await once(socket, "close");
   * ```
   */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /**
   * Bytes the connection has taken so far.
   *
   * @example Bytes sent
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * socket.write("hello");
   * await once(socket, "data");
   * assertEquals(socket.bytesWritten, 5);
   * socket.destroy();
   * await once(socket, "close");
   * ```
   */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /**
   * Whether the socket is not connected yet (`node:net`'s `pending`).
   *
   * @example Pending until connected
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.pending, true);
   * await once(socket, "connect");
   * assertEquals(socket.pending, false);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  get pending(): boolean {
    return this.#conn === undefined;
  }

  /**
   * `"opening"`, `"open"`, `"readOnly"`, `"writeOnly"` or `"closed"`, as
   * `node:net`.
   *
   * @example From opening to open
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.readyState, "opening");
   * await once(socket, "connect");
   * assertEquals(socket.readyState, "open");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
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
   *
   * @example The local address
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.address(), {});
   * await once(socket, "connect");
   * assertEquals(socket.address().address, "127.0.0.1");
   * assertEquals(socket.address().family, "IPv4");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
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
   *
   * @example Wait for the connection
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await new Promise<void>((resolve) => socket.connect(server.addr.port, resolve));
   * assertEquals(socket.readyState, "open");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
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
   *
   * @example Small writes at once
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.setNoDelay(true), socket);
   * await once(socket, "connect");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
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
   *
   * @example Keep-alive probes
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.setKeepAlive(true), socket);
   * await once(socket, "connect");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
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
   *
   * @example Told of inactivity
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * let idle = false;
   * socket.setTimeout(10, () => idle = true);
   * await once(socket, "timeout");
   * assertEquals(idle, true);
   * socket.setTimeout(0);
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  setTimeout(timeout: number, callback?: () => void): this {
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      throw new RangeError(
        `Cannot set timeout as 'timeout' must be a non-negative number: current value is ${
          show(timeout)
        }`,
      );
    }
    const ms = Number.isFinite(timeout) ? timeout : 0;
    if (callback) {
      if (ms === 0) this.off("timeout", callback);
      else this.once("timeout", callback);
    }
    this.#idle.set(ms);
    return this;
  }

  /**
   * Lets the process exit while the socket is open, or dialling (as
   * `node:net`: the attempts in flight start again through `node:net`
   * sockets that do not keep it alive, which a pending `Deno.connect` would).
   *
   * @returns The socket.
   *
   * @example A socket that lets the process exit
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * assertEquals(socket.unref(), socket);
   * await once(socket, "connect");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  unref(): this {
    this.#refed = false;
    this.#conn?.unref();
    if (this.connecting) this.#onRef?.(false);
    this.#idle.ref(false);
    return this;
  }

  /**
   * Keeps the process alive while the socket is open (the default).
   *
   * @returns The socket.
   *
   * @example Back to keeping the process alive
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * socket.unref();
   * assertEquals(socket.ref(), socket);
   * await once(socket, "connect");
   * socket.destroy();
   * await once(socket, "close");
   * (await accepted).close();
   * ```
   */
  ref(): this {
    this.#refed = true;
    this.#conn?.ref();
    if (this.connecting) this.#onRef?.(true);
    this.#idle.ref(true);
    return this;
  }

  /**
   * Ends the writable side, then destroys the socket once it has finished.
   *
   * @example End, then close
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * socket.resume();
   * socket.destroySoon();
   * await once(socket, "close");
   * assertEquals(socket.destroyed, true);
   * ```
   */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }

  #attach(
    ready: NodeSocketConn | Promise<NodeSocketConn>,
    abort: Abortable | undefined,
    onUse: (conn: NodeSocketConn) => void,
    onRef: ((refed: boolean) => void) | undefined,
  ): void {
    if (!(ready instanceof Promise)) {
      this.#use(ready);
      onUse(ready);
      return;
    }
    this.#ready = ready;
    this.#dial = abort;
    this.#onRef = onRef;
    this.#dialled = ready.then((conn) => {
      this.#dial = undefined;
      this.#onRef = undefined;
      if (this.destroyed) {
        closeQuietly(conn);
      } else {
        this.#use(conn);
        onUse(conn);
      }
    }, (error) => {
      this.#dial = undefined;
      this.#onRef = undefined;
      this.connecting = false;
      if (!this.destroyed) this.destroy(withNodeCode(error));
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
    this.#reader.use(conn);
    // Reading starts at once, as in node:net, up to the high-water mark:
    // the peer's FIN or reset is seen without a `data` listener.
    this.read(0);
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

  /**
   * Starts reading from the connection (`Readable` calls it).
   *
   * @example Reading calls it
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * socket.write("hi");
   * const [data] = await once(socket, "data");
   * assertEquals(String(data), "hi");
   * socket.destroy();
   * await once(socket, "close");
   * ```
   */
  override _read(): void {
    this.#reader.want();
  }

  /**
   * Writes one chunk once connected (`Writable` calls it).
   *
   * @param chunk The bytes.
   * @param _encoding Unused: strings arrive as bytes.
   * @param callback Called once the connection has taken every byte.
   *
   * @example Writing calls it
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await new Promise((resolve) => socket.write("hi", resolve));
   * assertEquals(socket.bytesWritten, 2);
   * socket.destroy();
   * await once(socket, "close");
   * ```
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
   *
   * @example Writes buffered while corked go as one
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await new Promise((resolve) => {
   *   socket.cork();
   *   socket.write("a");
   *   socket.write("b", resolve);
   *   socket.uncork();
   * });
   * assertEquals(socket.bytesWritten, 2);
   * socket.destroy();
   * await once(socket, "close");
   * ```
   */
  override _writev(
    chunks: { chunk: Uint8Array }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.#writeAll(joinChunks(chunks)).then(() => callback(), callback);
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    const conn = this.#conn ?? await this.#ready!;
    await writeAll(conn, data);
    this.#bytesWritten += data.length;
    this.#idle.touch();
  }

  /**
   * Ends the writable side: FIN, or close_notify then FIN over TLS
   * (`Writable` calls it).
   *
   * @param callback Called once done.
   *
   * @example Ending calls it
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * server.accept().then((conn) => conn.readable.pipeTo(conn.writable));
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * socket.resume();
   * socket.end("bye");
   * await once(socket, "finish");
   * assertEquals(socket.writableFinished, true);
   * await once(socket, "close");
   * ```
   */
  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      const conn = this.#conn ?? await this.#ready!;
      // Sends FIN, or close_notify then FIN over TLS. A peer that is gone
      // already is no error here: reading says so.
      await conn.closeWrite().catch(() => {});
    })().then(() => callback(), (error) => callback(withNodeCode(error)));
  }

  /**
   * Stops dialling, or closes the connection (`destroy()` calls it).
   *
   * @param error The error the socket is destroyed with, if any.
   * @param callback Called once nothing is left.
   *
   * @example Destroying calls it
   * ```ts
   * import { createConnection } from "@happy-eyeballs/connect/node";
   * import { assertEquals } from "@std/assert";
   * import { once } from "node:events";
   *
   * using server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * const accepted = server.accept();
   * const socket = createConnection({ hostname: "127.0.0.1", port: server.addr.port });
   * await once(socket, "connect");
   * socket.destroy();
   * const [hadError] = await once(socket, "close");
   * assertEquals(hadError, false);
   * (await accepted).close();
   * ```
   */
  override _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    this.#idle.clear();
    this.#dial?.abort(
      new DOMException("The socket was destroyed", "AbortError"),
    );
    if (this.#conn) {
      // Referenced again, so that the pending read's end is waited for:
      // an unreferenced one lets the event loop stop before `close`.
      if (!this.#refed) this.#conn.ref();
      closeQuietly(this.#conn);
    }
    this.#reader.release();
    // `close` means that nothing is left: the dial has settled and the
    // pending read has ended.
    Promise.all([this.#dialled, this.#reader.reading]).finally(() => {
      callback(error);
      // After `error`, which Duplex emits on the next tick.
      nextTick(() => this.emit("close", error !== null));
    });
  }
}
