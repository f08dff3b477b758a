// Copyright 2026 the happy-eyeballs authors. MIT license.
// The write path of the socket of `socket.ts`: a write completes once the
// connection has taken every byte, so that `Writable`'s buffer, not ours,
// holds what the peer has not read yet (backpressure).
import { Buffer } from "node:buffer";
import type { Conn } from "./_access.ts";
import { withNodeCode } from "./_errors.ts";

/** The chunks that `Writable` buffered meanwhile, as one. */
export function joinChunks(
  chunks: readonly { chunk: Uint8Array }[],
): Uint8Array {
  return chunks.length === 1
    ? chunks[0]!.chunk
    : Buffer.concat(chunks.map(({ chunk }) => chunk));
}

/** Writes every byte of `data`; fails with the error `node:net` would give. */
export async function writeAll(conn: Conn, data: Uint8Array): Promise<void> {
  try {
    let offset = 0;
    while (offset < data.length) {
      offset += await conn.write(data.subarray(offset));
    }
  } catch (error) {
    throw withNodeCode(error);
  }
}
