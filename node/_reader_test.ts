// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertInstanceOf } from "@std/assert";
import type { Buffer } from "node:buffer";
import type { Conn } from "./_access.ts";
import { Reader, type ReadSink } from "./_reader.ts";

/** A connection that gives `parts`, then the end (or `error`). */
function fakeConn(parts: string[], error?: Error): Conn {
  const encoder = new TextEncoder();
  return {
    read(target: Uint8Array): Promise<number | null> {
      const part = parts.shift();
      if (part === undefined) {
        return error ? Promise.reject(error) : Promise.resolve(null);
      }
      target.set(encoder.encode(part));
      return Promise.resolve(part.length);
    },
  } as unknown as Conn;
}

/** A sink that keeps what it is given, and says "stop" after `room` chunks. */
function fakeSink(room = Infinity): ReadSink & {
  chunks: (string | null)[];
  errors: Error[];
} {
  const chunks: (string | null)[] = [];
  const errors: Error[] = [];
  return {
    chunks,
    errors,
    get destroyed(): boolean {
      return errors.length > 0;
    },
    push(chunk: Buffer | null): boolean {
      chunks.push(chunk === null ? null : chunk.toString());
      return chunks.length < room;
    },
    destroy(error: Error): void {
      errors.push(error);
    },
    read(): null {
      return null;
    },
  };
}

Deno.test("Reader reads only once the consumer asks and there is a connection", async () => {
  const sink = fakeSink();
  const counts: number[] = [];
  const reader = new Reader(sink, (n) => counts.push(n));
  reader.want();
  assertEquals(reader.reading, undefined);
  reader.use(fakeConn(["ab", "c"]));
  await reader.reading;
  assertEquals(sink.chunks, ["ab", "c", null]);
  assertEquals(counts, [2, 1]);
  assertEquals(reader.reading, undefined);
});

Deno.test("Reader stops when the consumer does not keep up, and goes on when asked", async () => {
  const sink = fakeSink(1);
  const reader = new Reader(sink, () => {});
  reader.use(fakeConn(["a", "b"]));
  assertEquals(reader.reading, undefined);
  reader.want();
  await reader.reading;
  assertEquals(sink.chunks, ["a"]);
  reader.want();
  await reader.reading;
  assertEquals(sink.chunks, ["a", "b"]);
  reader.release();
});

Deno.test("Reader destroys the socket with the code node:net would set when a read fails", async () => {
  const sink = fakeSink();
  const reader = new Reader(sink, () => {});
  reader.use(fakeConn(["a"], new Deno.errors.ConnectionReset("reset")));
  reader.want();
  await reader.reading;
  assertEquals(sink.chunks, ["a"]);
  assertEquals(sink.errors.length, 1);
  assertInstanceOf(sink.errors[0], Deno.errors.ConnectionReset);
  assertEquals((sink.errors[0] as { code?: string }).code, "ECONNRESET");
});
