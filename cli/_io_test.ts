// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertThrows } from "@std/assert";
import { catchInterrupt, wantsColor, writeAll } from "./_io.ts";

Deno.test("writeAll() writes everything, however little each write takes", () => {
  const written: number[] = [];
  writeAll({
    writeSync(p) {
      written.push(...p.subarray(0, 2));
      return Math.min(2, p.byteLength);
    },
  }, "abcde");
  assertEquals(new TextDecoder().decode(new Uint8Array(written)), "abcde");
});

Deno.test("writeAll() says nothing when the reader went away, and throws the rest", () => {
  writeAll({
    writeSync() {
      throw new Deno.errors.BrokenPipe("Broken pipe");
    },
  }, "text");
  assertThrows(
    () =>
      writeAll({
        writeSync() {
          throw new Deno.errors.BadResource("closed");
        },
      }, "text"),
    Deno.errors.BadResource,
  );
});

Deno.test("wantsColor() wants a terminal", () => {
  assertEquals(wantsColor(false), false);
  assertEquals(wantsColor(true), !Deno.noColor);
});

Deno.test("catchInterrupt() gives a signal not yet aborted, and stops", () => {
  // No SIGINT is sent here: the test runner takes it for itself.
  const { signal, stop } = catchInterrupt();
  try {
    assertEquals(signal.aborted, false);
  } finally {
    stop();
  }
  stop();
});
