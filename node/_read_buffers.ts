// Copyright 2026 the happy-eyeballs authors. MIT license.
// Where the socket of `socket.ts` reads into. Small reads use a small buffer of
// the socket's own, copied out: an idle socket holds no more than that. Once
// a read fills it, reads fill a large slab from one end to the other, and
// each chunk handed on is a view of it: one allocation serves many reads, no
// copy. A read that brings less than the small buffer ends the bulk flow.
import { Buffer } from "node:buffer";

/** What an idle socket holds, and the size below which a chunk is copied. */
const SMALL_READ = 4 * 1024;
/** The slab that bulk reads fill. */
const SLAB = 1024 * 1024;
/** The most one bulk read asks for. */
const MAX_BULK_READ = 256 * 1024;
/** A new slab when less than this is left of the current one. */
const MIN_BULK_READ = 16 * 1024;

/** The buffers of one socket's reads: {@linkcode next}, then {@linkcode take}. */
export class ReadBuffers {
  #small: Buffer | undefined;
  #slab: Buffer | undefined;
  #used = 0;
  #target: Buffer | undefined;

  /** The buffer for the next read. */
  next(): Buffer {
    if (this.#slab === undefined) {
      return this.#target = this.#small ??= Buffer.allocUnsafe(SMALL_READ);
    }
    if (SLAB - this.#used < MIN_BULK_READ) {
      this.#slab = Buffer.allocUnsafe(SLAB);
      this.#used = 0;
    }
    return this.#target = this.#slab.subarray(
      this.#used,
      Math.min(this.#used + MAX_BULK_READ, SLAB),
    );
  }

  /** The chunk to hand on, once the read has put `n` bytes into {@linkcode next}'s buffer. */
  take(n: number): Buffer {
    const target = this.#target!;
    this.#target = undefined;
    if (n < SMALL_READ) {
      // A copy: a small message kept for long pins no slab. The flow has
      // slowed down: back to the small buffer.
      this.#slab = undefined;
      return Buffer.from(target.subarray(0, n));
    }
    if (target === this.#small) {
      // The small buffer filled: bulk reads from now on.
      this.#slab = Buffer.allocUnsafe(SLAB);
      this.#used = 0;
      return Buffer.from(target);
    }
    this.#used += n;
    return target.subarray(0, n);
  }

  /** Lets go of every buffer. */
  release(): void {
    this.#small = undefined;
    this.#slab = undefined;
    this.#target = undefined;
  }
}
