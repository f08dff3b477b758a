// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- prints its port for the parent.
// The peer of bench/node_socket.ts, in a process of its own so that its work
// does not run in the measured event loop. It listens on 127.0.0.1, prints
// its port, and serves each connection by the first byte it receives:
//   "r" + 8 bytes N (big endian): sends N bytes, then closes;
//   "w": reads until end of stream, then sends "k" and closes;
//   "i": holds the connection open, idle, until the client closes it.
// It runs until its standard input closes.
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(listener.addr.port);

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const read = await conn.read(buffer.subarray(filled));
    if (read === null) throw new Error("Unexpected end of stream");
    filled += read;
  }
  return buffer;
}

async function serve(conn: Deno.Conn): Promise<void> {
  try {
    const [mode] = await readExactly(conn, 1);
    if (mode === "r".charCodeAt(0)) {
      const size = new DataView((await readExactly(conn, 8)).buffer)
        .getBigUint64(0);
      const block = new Uint8Array(256 * 1024);
      let left = Number(size);
      while (left > 0) {
        left -= await conn.write(
          block.subarray(0, Math.min(left, block.length)),
        );
      }
    } else if (mode === "w".charCodeAt(0)) {
      const buffer = new Uint8Array(256 * 1024);
      while ((await conn.read(buffer)) !== null) {
        // Discard.
      }
      await conn.write(new Uint8Array(["k".charCodeAt(0)]));
    } else {
      await conn.read(new Uint8Array(1));
    }
  } catch {
    // The client went away.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

(async () => {
  for await (const conn of listener) serve(conn);
})();
for await (const _ of Deno.stdin.readable) {
  // Nothing is sent.
}
Deno.exit(0);
