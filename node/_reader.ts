// Copyright 2026 the happy-eyeballs authors. MIT license.
// The read path of the socket of `socket.ts`: one read loop at a time, started
// when the consumer asks for data (`Readable#_read`), stopped when it does not
// keep up (`push()` returns `false`), into buffers that suit the flow
// (`_read_buffers.ts`).
import type { Buffer } from "node:buffer";
import type { Conn } from "./_access.ts";
import { withNodeCode } from "./_errors.ts";
import { ReadBuffers } from "./_read_buffers.ts";

/** Where the reads go: the socket's readable side. */
export interface ReadSink {
  /** Whether the socket is destroyed: reading stops. */
  readonly destroyed: boolean;
  /** Hands on a chunk, or `null` at the end; `false` to stop reading. */
  push(chunk: Buffer | null): boolean;
  /** `read(0)`: emits `end` when nothing is left, even with no consumer. */
  read(size: number): unknown;
  /** Destroys the socket when a read fails. */
  destroy(error: Error): void;
}

/** Reads from the connection while the consumer asks for data. */
export class Reader {
  #sink: ReadSink;
  #onRead: (n: number) => void;
  #buffers = new ReadBuffers();
  #conn: Conn | undefined;
  /** Whether the consumer asked for data that no read loop is fetching. */
  #wanted = false;
  /** The read loop, while one runs. */
  #reading: Promise<void> | undefined;

  /**
   * @param sink The socket.
   * @param onRead Called with the number of bytes of each read.
   */
  constructor(sink: ReadSink, onRead: (n: number) => void) {
    this.#sink = sink;
    this.#onRead = onRead;
  }

  /** The read loop, while one runs. */
  get reading(): Promise<void> | undefined {
    return this.#reading;
  }

  /** Reads from `conn` from now on, at once if the consumer asked. */
  use(conn: Conn): void {
    this.#conn = conn;
    this.#readIfWanted();
  }

  /** The consumer asks for data (`Readable#_read`). */
  want(): void {
    this.#wanted = true;
    this.#readIfWanted();
  }

  /** Lets go of every buffer. */
  release(): void {
    this.#buffers.release();
  }

  #readIfWanted(): void {
    if (!this.#wanted || this.#reading || !this.#conn) return;
    this.#wanted = false;
    this.#reading = this.#readLoop(this.#conn).finally(() => {
      this.#reading = undefined;
    });
  }

  async #readLoop(conn: Conn): Promise<void> {
    const sink = this.#sink;
    try {
      while (!sink.destroyed) {
        const target = this.#buffers.next();
        const n = await conn.read(target);
        if (sink.destroyed) return;
        if (n === null) {
          // As node:net does: a socket that nobody reads from (a write-only
          // client) still ends, then closes, instead of holding the
          // connection.
          sink.push(null);
          sink.read(0);
          return;
        }
        this.#onRead(n);
        if (!sink.push(this.#buffers.take(n))) return;
      }
    } catch (error) {
      if (!sink.destroyed) sink.destroy(withNodeCode(error));
    }
  }
}
