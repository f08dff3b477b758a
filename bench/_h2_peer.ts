// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- prints its port for the parent.
// The peer of bench/node_http2.ts, in a process of its own: a node:http2 TLS
// server on 127.0.0.1 (testdata/server.pem, ALPN h2 and http/1.1) that
// answers every request with 1 MiB. It prints its port and runs until its
// standard input closes.
import http2 from "node:http2";
import { readTestdata } from "../_testing/net.ts";

const body = new Uint8Array(1024 * 1024).fill(120);
const server = http2.createSecureServer({
  cert: readTestdata("server.pem"),
  key: readTestdata("server.key"),
  allowHTTP1: true,
}, (_request, response) => {
  response.writeHead(200, { "content-length": String(body.length) });
  response.end(body);
});
server.listen(0, "127.0.0.1", () => {
  console.log((server.address() as { port: number }).port);
});
for await (const _ of Deno.stdin.readable) { /* until it closes */ }
server.close();
Deno.exit(0);
