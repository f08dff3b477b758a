// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- prints its ports for the parent.
// The benchmarks' server, in a process of its own so that accepting does not
// run in the measured event loop: it listens on 127.0.0.1 at COUNT free ports,
// prints them on one line, and closes every connection it accepts, until its
// standard input closes.
// With `--tls`, it listens with TLS (testdata/server.pem, valid for tls.test)
// and completes each handshake before closing.
import { readTestdata } from "../_testing/net.ts";
const count = Number(Deno.args[0] ?? 1);
const TLS = Deno.args.includes("--tls");
const listeners: Deno.Listener<Deno.Conn, Deno.NetAddr>[] = Array.from(
  { length: count },
  () =>
    TLS
      ? Deno.listenTls({
        hostname: "127.0.0.1",
        port: 0,
        cert: readTestdata("server.pem"),
        key: readTestdata("server.key"),
      })
      : Deno.listen({ hostname: "127.0.0.1", port: 0 }),
);
console.log(listeners.map((l) => l.addr.port).join(" "));
for (const listener of listeners) {
  (async () => {
    try {
      for await (const conn of listener) {
        if (TLS) {
          (conn as Deno.TlsConn).handshake().catch(() => {})
            .finally(() => conn.close());
        } else conn.close();
      }
    } catch {
      // Closed at exit.
    }
  })();
}
// Runs until the parent closes our standard input.
for await (const _ of Deno.stdin.readable) {
  // Nothing is sent.
}
Deno.exit(0);
