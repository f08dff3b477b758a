// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * Internal: TLS through `node:tls` over an existing `Deno.TcpConn`, for what
 * `Deno.startTls` cannot do: send a client certificate, trust the given
 * roots alone (`caCertsOnly`), run over a connection that Deno did not open
 * itself (a `localAddr` connection comes from `node:net`; a tunnel through an
 * `https://` proxy is TLS already), or close a loser of the race at once
 * (`_tls/handshake.ts` decides which).
 *
 * `Deno.startTls` (Deno 2.9) has no `cert`/`key` options and silently drops
 * them; only `Deno.connectTls`, which opens its own connection, sends a
 * client certificate. `node:tls` does: `tls.connect({ socket })` accepts any
 * duplex stream, so the TCP connection's web streams are wrapped in one and
 * the resulting `TLSSocket` is adapted back to the `Deno.TlsConn` interface.
 *
 * @module
 */

import type { ConnectionOptions, TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import { mapError } from "../_common/map_error.ts";
import { ipVersion } from "../_common/ip.ts";

/** What {@linkcode startNodeTls} needs. */
export interface NodeTlsOptions {
  /** Name to verify, and to send as SNI unless it is an IP address. */
  serverName: string;
  /** Skip the name check (the chain is still verified). */
  unsafelyDisableHostnameVerification: boolean;
  /** Extra trusted roots, added to the default ones. */
  caCerts: string[] | undefined;
  /** Whether `caCerts` replace the default roots. */
  caCertsOnly: boolean;
  /** ALPN protocols to offer. */
  alpnProtocols: string[] | undefined;
  /** Client certificate chain (PEM), if any. */
  cert: string | undefined;
  /** Client private key (PEM), if any. */
  key: string | undefined;
}

/**
 * Starts TLS with a client certificate on `conn`, which it takes over. Like
 * `Deno.startTls`, the handshake runs in the background; `handshake()` on the
 * result waits for it.
 *
 * @param conn The TCP connection, owned from now on.
 * @param options What to send and verify.
 * @returns The TLS connection.
 */
export async function startNodeTls(
  conn: Deno.TcpConn,
  options: NodeTlsOptions,
): Promise<Deno.TlsConn> {
  const [tls, { Duplex }] = await Promise.all([
    import("node:tls"),
    import("node:stream"),
  ]);
  const { serverName } = options;
  // Every option that Deno's node:tls reads from these options is an own
  // property, even when undefined: it would otherwise read one that polluted
  // code put on Object.prototype (a `checkServerIdentity` that accepts
  // anything, a `secureProtocol`, a `pfx`). tls_test.ts lists what it still
  // reads through the prototype: options of the objects it makes itself.
  const tcp = Duplex.fromWeb({
    readable: conn.readable,
    writable: conn.writable,
  });
  const connectOptions = {
    socket: tcp,
    host: serverName,
    cert: options.cert,
    key: options.key,
    rejectUnauthorized: true,
    // Node's `ca` replaces the default roots; Deno's `caCerts` adds to them
    // unless `caCertsOnly`.
    ca: options.caCerts && !options.caCertsOnly
      ? [...tls.rootCertificates, ...options.caCerts]
      : options.caCerts,
    // RFC 6066 forbids an IP address as SNI; Node warns about it.
    servername: ipVersion(serverName) === 0 ? serverName : undefined,
    ALPNProtocols: options.alpnProtocols,
    checkServerIdentity: options.unsafelyDisableHostnameVerification
      ? () => undefined
      : tls.checkServerIdentity,
    secureContext: undefined,
    pskCallback: undefined,
    minVersion: undefined,
    maxVersion: undefined,
    secureProtocol: undefined,
    ciphers: undefined,
    sigalgs: undefined,
    ecdhCurve: undefined,
    minDHSize: 1024, // Node's default; it must be a number.
    session: undefined,
    pfx: undefined,
    passphrase: undefined,
    crl: undefined,
    clientCertEngine: undefined,
    privateKeyEngine: undefined,
    privateKeyIdentifier: undefined,
    keepAlive: undefined,
    allowHalfOpen: undefined,
    path: undefined,
    highWaterMark: undefined,
    onread: undefined,
    signal: undefined,
    timeout: undefined,
    // The types forbid `undefined` (exactOptionalPropertyTypes): here it is
    // meant, as an own property that shadows a polluted one.
  } as unknown as ConnectionOptions;
  return new NodeTlsConn(conn, tls.connect(connectOptions), tcp);
}

/**
 * Whether the TLS socket's readable side has ended (close_notify read), even
 * if its 'end' event waits for the reader: the flag that node:stream sets at
 * `push(null)`, which Deno's own node:tls reads too. No public property says
 * it before 'end'.
 */
export function tlsEnded(socket: TLSSocket): boolean {
  const state = (socket as unknown as { _readableState?: { ended?: unknown } })
    ._readableState;
  return socket.readableEnded || state?.ended === true;
}

/** A `node:tls` socket seen through the `Deno.TlsConn` interface. */
class NodeTlsConn implements Deno.TlsConn {
  #tcp: Deno.TcpConn;
  #socket: TLSSocket;
  #handshake: Promise<Deno.TlsHandshakeInfo>;
  #leftover: Uint8Array | null = null;
  #ended = false;
  /** The peer closed TCP without close_notify (a truncation attack, or nginx). */
  #truncated = false;
  #closed = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;
  /** Whether `ref()` (the default) or `unref()` was called last. */
  #refed = true;
  /** Operations pending (the handshake, reads, writes). */
  #busy = 0;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array<ArrayBufferLike>> | undefined;
  readonly localAddr: Deno.NetAddr;
  readonly remoteAddr: Deno.NetAddr;

  /**
   * @param tcp The TCP connection.
   * @param socket The TLS socket over it.
   * @param stream The stream between them, whose end tells whether the TLS
   * end of stream came with close_notify.
   */
  constructor(tcp: Deno.TcpConn, socket: TLSSocket, stream: Duplex) {
    this.#tcp = tcp;
    this.#socket = socket;
    this.localAddr = tcp.localAddr;
    this.remoteAddr = tcp.remoteAddr;
    const wake = () => {
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    };
    socket.on("readable", wake);
    // node:tls ends the TLS stream on close_notify, and also when TCP ends
    // without one; Deno.startTls then fails the read with UnexpectedEof, and
    // so does this. Which one it was is decided when TCP ends, before
    // node:tls hears of it (this listener goes first): node:tls decrypts
    // each chunk of TCP synchronously as it comes (JSStreamSocket's
    // readBuffer()), in order, so every record sent before the FIN has been
    // read, and the TLS stream has ended by now if and only if one of them
    // was close_notify. Not by which 'end' event comes first: the TLS one
    // waits for the reader, the TCP one does not.
    stream.prependOnceListener("end", () => {
      this.#truncated = !tlsEnded(socket);
    });
    socket.on("end", () => {
      this.#ended = true;
      wake();
    });
    socket.on("error", (error) => {
      this.#error ??= mapError(error);
      wake();
    });
    socket.on("close", wake);
    this.#handshake = new Promise((resolve, reject) => {
      socket.once("secureConnect", () => {
        resolve({ alpnProtocol: socket.alpnProtocol || null });
      });
      socket.once("close", () => {
        reject(
          this.#error ??
            new Deno.errors.UnexpectedEof(
              "Connection closed before the TLS handshake completed",
            ),
        );
      });
    });
    // Observed through handshake(), read() and write(); never unhandled.
    this.#handshake.catch(() => {});
    // node:tls reads from TCP all the time: the process is kept alive only
    // while an operation is pending, as with a Deno.TlsConn.
    this.#hold(this.#handshake).catch(() => {});
  }

  handshake(): Promise<Deno.TlsHandshakeInfo> {
    return this.#handshake;
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#hold(this.#read(p));
  }

  /** Keeps the process alive (unless unreferenced) until `done` settles. */
  #hold<T>(done: Promise<T>): Promise<T> {
    this.#busy++;
    this.#sync();
    return done.finally(() => {
      this.#busy--;
      this.#sync();
    });
  }

  #sync(): void {
    if (this.#closed) return;
    try {
      if (this.#refed && this.#busy > 0) this.#tcp.ref();
      else this.#tcp.unref();
    } catch {
      // Closed underneath: nothing to keep alive.
    }
  }

  async #read(p: Uint8Array): Promise<number | null> {
    this.#checkOpen();
    await this.#handshake;
    if (p.byteLength === 0) return 0;
    while (true) {
      this.#checkOpen();
      const chunk = this.#leftover ??
        (this.#socket.read() as Uint8Array | null);
      this.#leftover = null;
      if (chunk !== null) {
        const n = Math.min(p.byteLength, chunk.byteLength);
        p.set(chunk.subarray(0, n));
        if (n < chunk.byteLength) this.#leftover = chunk.subarray(n);
        return n;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#truncated) {
        throw new Deno.errors.UnexpectedEof(
          "peer closed connection without sending TLS close_notify",
        );
      }
      if (this.#ended || this.#socket.destroyed) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
      if (this.#closed) throw new Deno.errors.Interrupted("operation canceled");
    }
  }

  write(p: Uint8Array): Promise<number> {
    return this.#hold(this.#write(p));
  }

  async #write(p: Uint8Array): Promise<number> {
    this.#checkOpen();
    await this.#handshake;
    this.#checkOpen();
    if (this.#error !== undefined) throw this.#error;
    await new Promise<void>((resolve, reject) => {
      this.#socket.write(p, (error) => {
        if (error) reject(mapError(error));
        else resolve();
      });
    });
    return p.byteLength;
  }

  async closeWrite(): Promise<void> {
    this.#checkOpen();
    // Sends close_notify, then ends the TCP write side.
    await this.#hold(
      new Promise<void>((resolve) => this.#socket.end(resolve)),
    );
  }

  close(): void {
    this.#checkOpen();
    this.#closed = true;
    this.#socket.destroy();
    try {
      this.#tcp.close();
    } catch {
      // Already closed through the socket.
    }
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  ref(): void {
    this.#refed = true;
    this.#sync();
  }

  unref(): void {
    this.#refed = false;
    this.#sync();
  }

  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#readable ??= new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: 16_384,
      pull: async (controller) => {
        const request = controller.byobRequest!;
        const view = request.view!;
        try {
          const n = await this.read(
            new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
          );
          if (n === null) {
            // As Deno's own conn.readable does, end of stream closes.
            this[Symbol.dispose]();
            controller.close();
            request.respond(0);
          } else {
            request.respond(n);
          }
        } catch (error) {
          controller.error(error);
          this[Symbol.dispose]();
        }
      },
      cancel: () => this[Symbol.dispose](),
    }) as ReadableStream<Uint8Array<ArrayBuffer>>;
    return this.#readable;
  }

  get writable(): WritableStream<Uint8Array<ArrayBufferLike>> {
    this.#writable ??= new WritableStream({
      write: async (chunk) => {
        await this.write(chunk);
      },
      close: () => this[Symbol.dispose](),
      abort: () => this[Symbol.dispose](),
    });
    return this.#writable;
  }

  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Deno.errors.BadResource("Bad resource ID");
  }
}
