// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assert, assertEquals, assertNotStrictEquals } from "@std/assert";
import { ReadBuffers } from "./_read_buffers.ts";

Deno.test("ReadBuffers: small reads go into the small buffer and are copied out", () => {
  const buffers = new ReadBuffers();
  const target = buffers.next();
  assertEquals(target.length, 4 * 1024);
  target.write("hi");
  const chunk = buffers.take(2);
  assertEquals(chunk.toString(), "hi");
  assertNotStrictEquals(chunk.buffer, target.buffer);
  // The same small buffer serves the next read.
  assertEquals(buffers.next().buffer, target.buffer);
});

Deno.test("ReadBuffers: a full small buffer switches to views of a slab, a short read back", () => {
  const buffers = new ReadBuffers();
  const small = buffers.next();
  buffers.take(small.length);
  const first = buffers.next();
  assertEquals(first.length, 256 * 1024);
  const a = buffers.take(first.length);
  const b = buffers.next();
  // Views of the one slab, one after the other, no copy.
  assertEquals(a.buffer, b.buffer);
  assertEquals(b.byteOffset, a.byteOffset + a.length);
  buffers.take(10);
  assertEquals(buffers.next().length, 4 * 1024);
});

Deno.test("ReadBuffers: a new slab when little is left of the current one", () => {
  const buffers = new ReadBuffers();
  buffers.take(buffers.next().length);
  const slab = buffers.next();
  buffers.take(slab.length);
  // 1 MiB slab: four reads of 256 KiB fill it.
  for (let i = 0; i < 3; i++) buffers.take(buffers.next().length);
  const next = buffers.next();
  assert(next.buffer !== slab.buffer);
  assertEquals(next.byteOffset, 0);
  assertEquals(next.length, 256 * 1024);
  buffers.release();
});
