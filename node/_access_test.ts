// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertNotStrictEquals, assertThrows } from "@std/assert";
import { type Conn, isTls, SOCKET_ACCESS } from "./_access.ts";

Deno.test("isTls() tells a TLS connection by its handshake()", () => {
  assertEquals(isTls({ handshake() {} } as unknown as Conn), true);
  assertEquals(isTls({} as unknown as Conn), false);
});

Deno.test("SOCKET_ACCESS is filled once the socket class is loaded", async () => {
  const before = SOCKET_ACCESS.attach;
  // This test file does not load socket.ts before this line: unset.
  assertThrows(
    () => before(undefined!, undefined!, undefined, () => {}),
    Error,
    "The socket class is not loaded",
  );
  await import("./socket.ts");
  assertNotStrictEquals(SOCKET_ACCESS.attach, before);
});
