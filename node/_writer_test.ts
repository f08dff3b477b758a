// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import type { Conn } from "./_access.ts";
import { joinChunks, writeAll } from "./_writer.ts";

const encoder = new TextEncoder();

Deno.test("joinChunks() hands one chunk on as it is, and joins several", () => {
  const one = encoder.encode("one");
  assertStrictEquals(joinChunks([{ chunk: one }]), one);
  const joined = joinChunks([
    { chunk: encoder.encode("a") },
    { chunk: encoder.encode("bc") },
  ]);
  assertEquals(new TextDecoder().decode(joined), "abc");
});

Deno.test("writeAll() writes again until the connection has taken every byte", async () => {
  const taken: string[] = [];
  const conn = {
    // Two bytes at most per write.
    write(data: Uint8Array): Promise<number> {
      const part = data.subarray(0, 2);
      taken.push(new TextDecoder().decode(part));
      return Promise.resolve(part.length);
    },
  } as unknown as Conn;
  await writeAll(conn, encoder.encode("hello"));
  assertEquals(taken, ["he", "ll", "o"]);
});

Deno.test("writeAll() fails with the code node:net would set", async () => {
  const conn = {
    write(): Promise<number> {
      return Promise.reject(new Deno.errors.BrokenPipe("gone"));
    },
  } as unknown as Conn;
  const error = await assertRejects(
    () => writeAll(conn, encoder.encode("x")),
    Deno.errors.BrokenPipe,
  );
  assertEquals((error as { code?: string }).code, "EPIPE");
});
