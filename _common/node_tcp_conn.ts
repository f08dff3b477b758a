// Copyright 2026 the happy-eyeballs authors. MIT license.
// Connecting from a chosen local address. `Deno.connect` cannot bind the local
// end, but Deno's `node:net` can (the server sees the bound address), so this
// drives one `node:net` socket per attempt and dresses it as a Deno.TcpConn.
// This module, `node:net` and `node:util` are loaded on the first such attempt
// (`_connect/dial.ts` imports it then), not with `connect()`.
import type { Socket } from "node:net";
import { mapError } from "./map_error.ts";
import { markForeignConn } from "./conn.ts";

/** An address to connect to or to bind. */
interface Endpoint {
  hostname: string;
  port: number;
}

/**
 * Connects from `local` (or wherever the system picks) to `remote`, IP
 * literals of the same family. Rejects with `signal.reason` when `signal`
 * aborts, destroying the socket. `onSocket` is given the `node:net` socket as
 * soon as it is made, to `unref()` it while it connects (which a pending
 * `Deno.connect` cannot do).
 */
export async function connectFrom(
  remote: Endpoint,
  local: Endpoint | undefined,
  signal: AbortSignal,
  onSocket?: (socket: Socket) => void,
): Promise<Deno.TcpConn> {
  signal.throwIfAborted();
  const net = await import("node:net");
  signal.throwIfAborted();
  return await new Promise((resolve, reject) => {
    const socket = net.connect({
      host: remote.hostname,
      port: remote.port,
      ...local && { localAddress: local.hostname, localPort: local.port },
      // One literal address: no racing inside our race.
      autoSelectFamily: false,
    });
    onSocket?.(socket);
    let settled = false;
    function settle(): void {
      settled = true;
      signal.removeEventListener("abort", onAbort);
      socket.off("connect", onConnect);
    }
    function onAbort(): void {
      settle();
      socket.destroy();
      reject(signal.reason);
    }
    function onConnect(): void {
      settle();
      resolve(new NodeTcpConn(socket, remote));
    }
    function onError(error: Error): void {
      // A socket destroyed on abort may still report its failed connect: an
      // "error" without a listener would be an uncaught exception.
      if (settled) return;
      settle();
      socket.off("error", onError);
      socket.destroy();
      reject(mapError(error));
    }
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", onConnect);
    socket.on("error", onError);
  });
}

function netAddr(hostname: string | undefined, port: number | undefined) {
  return {
    transport: "tcp" as const,
    hostname: hostname ?? "",
    port: port ?? 0,
  };
}

/** A connected `node:net` socket with the interface of a `Deno.TcpConn`. */
export class NodeTcpConn implements Deno.TcpConn {
  readonly localAddr: Deno.NetAddr;
  readonly remoteAddr: Deno.NetAddr;
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: WritableStream<Uint8Array<ArrayBufferLike>>;
  #socket: Socket;
  #closed = false;
  #reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>> | undefined;
  #leftover: Uint8Array | undefined;
  /** Whether `ref()` (the default) or `unref()` was called last. */
  #refed = true;
  /** Whether a read waits for data (the stream pulls only then). */
  #reading = false;
  /** Writes (and the end of writing) not yet done. */
  #writing = 0;

  constructor(socket: Socket, remote: Endpoint) {
    this.#socket = socket;
    markForeignConn(this);
    this.localAddr = netAddr(socket.localAddress, socket.localPort);
    // The address connected to: node:net has none to tell once the peer has
    // reset the connection (the first read then says so).
    this.remoteAddr = netAddr(remote.hostname, remote.port);
    socket.pause();
    // As a Deno.TcpConn: the connection keeps the process alive only while
    // a read or write is pending, so an idle one lets it exit.
    this.#sync();
    const idle = () => {
      this.#reading = false;
      this.#sync();
    };
    // A high-water mark of 0: the stream pulls only for a waiting read.
    this.readable = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        socket.on("data", (chunk: Uint8Array) => {
          controller.enqueue(new Uint8Array(chunk));
          // Back-pressure: stop reading from the kernel until pulled.
          if ((controller.desiredSize ?? 0) <= 0) {
            socket.pause();
            idle();
          }
        });
        socket.once("close", () => {
          idle();
          // Destroyed (by close()) before the peer ended: a pending read
          // ends too, as a Deno.TcpConn's does when closed.
          try {
            controller.close();
          } catch {
            // Already closed or errored.
          }
        });
        socket.once("end", () => {
          try {
            controller.close();
          } catch {
            // Already closed or errored by the consumer.
          }
        });
        socket.once("error", (error) => {
          try {
            controller.error(mapError(error));
          } catch {
            // Already closed.
          }
        });
      },
      pull: () => {
        this.#reading = true;
        this.#sync();
        socket.resume();
      },
      cancel() {
        socket.destroy();
      },
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await this.write(chunk);
      },
      close: () => this.closeWrite(),
      abort: () => {
        socket.destroy();
      },
    });
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#closed) throw new Deno.errors.BadResource("Bad resource ID");
    if (!this.#leftover) {
      this.#reader ??= this.readable.getReader();
      const { value, done } = await this.#reader.read();
      if (done) return null;
      this.#leftover = value;
    }
    const chunk = this.#leftover;
    const n = Math.min(p.byteLength, chunk.byteLength);
    p.set(chunk.subarray(0, n));
    this.#leftover = n < chunk.byteLength ? chunk.subarray(n) : undefined;
    return n;
  }

  write(p: Uint8Array): Promise<number> {
    if (this.#closed) {
      return Promise.reject(new Deno.errors.BadResource("Bad resource ID"));
    }
    // Node keeps a reference to the buffer until written: copy it, as the
    // caller may reuse `p` once this promise resolves.
    const copy = p.slice();
    return this.#busy(
      new Promise((resolve, reject) => {
        this.#socket.write(copy, (error) => {
          if (error) reject(mapError(error));
          else resolve(copy.byteLength);
        });
      }),
    );
  }

  closeWrite(): Promise<void> {
    return this.#busy(new Promise((resolve) => this.#socket.end(resolve)));
  }

  /** Keeps the process alive (unless unreferenced) until `done` settles. */
  #busy<T>(done: Promise<T>): Promise<T> {
    this.#writing++;
    this.#sync();
    return done.finally(() => {
      this.#writing--;
      this.#sync();
    });
  }

  #sync(): void {
    if (this.#refed && (this.#reading || this.#writing > 0)) {
      this.#socket.ref();
    } else {
      this.#socket.unref();
    }
  }

  close(): void {
    if (this.#closed) throw new Deno.errors.BadResource("Bad resource ID");
    this.#closed = true;
    this.#socket.destroy();
  }

  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  setKeepAlive(keepAlive = true): void {
    this.#socket.setKeepAlive(keepAlive);
  }

  ref(): void {
    this.#refed = true;
    this.#sync();
  }

  unref(): void {
    this.#refed = false;
    this.#sync();
  }

  [Symbol.dispose](): void {
    if (!this.#closed) this.close();
  }
}
