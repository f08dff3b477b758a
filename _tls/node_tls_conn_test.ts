// Copyright 2026 the happy-eyeballs authors. MIT license.
// The private node:stream state that tlsEnded() reads: if a Deno release
// renames or drops it, this fails loudly instead of every close_notify being
// taken for a truncation.
import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import { tlsEnded } from "./node_tls_conn.ts";

Deno.test("Deno's node:tls TLSSocket has _readableState.ended, a boolean that tlsEnded() reads", () => {
  const transport = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  const socket = new TLSSocket(transport);
  try {
    const state = (socket as unknown as { _readableState?: unknown })
      ._readableState;
    assert(
      typeof state === "object" && state !== null,
      "TLSSocket has no _readableState",
    );
    const ended = () => (state as { ended?: unknown }).ended;
    assertStrictEquals(typeof ended(), "boolean");
    assertEquals([ended(), tlsEnded(socket)], [false, false]);
    // What node:tls does when close_notify is read: the readable side ends
    // at once, its 'end' event waits for a reader.
    socket.push(null);
    assertEquals(socket.readableEnded, false);
    assertEquals([ended(), tlsEnded(socket)], [true, true]);
  } finally {
    socket.destroy();
    transport.destroy();
  }
});
