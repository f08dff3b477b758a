// Copyright 2026 the happy-eyeballs authors. MIT license.
// `tls.caCertsOnly` (and node's `ca`, which fromNodeOptions() maps to it)
// trusts the given roots alone, on every TLS path: a certificate from a CA
// that is in the default store, and not among the given roots, is refused.
// The store is made to hold such a CA in a child process, with
// DENO_TLS_CA_STORE=system and SSL_CERT_FILE.
import { assertEquals, assertRejects } from "@std/assert";
import { connect } from "../connect.ts";
import { upgradeTls } from "../tls.ts";
import { readTestdata, serve, TEST_CA, tlsServer } from "../_testing/net.ts";
import { ROOT } from "../_testing/command.ts";

/** What the child tries, each printed as `name: accepted` or `refused`. */
const CHILD = `
import { connect } from "./connect.ts";
import { upgradeTls } from "./tls.ts";
import { createConnection, fromNodeOptions } from "./node/mod.ts";
import { once } from "node:events";
const [port, caCerts, cert, key] = JSON.parse(Deno.args[0]);
const hostname = "127.0.0.1";
const only = { caCerts, caCertsOnly: true };
const tries = {
  "caCerts (adds to the store)": () => connect({ hostname, port, tls: { caCerts } }),
  "Deno.startTls": () => connect({ hostname, port, tls: only }),
  "node:tls, client certificate": () =>
    connect({ hostname, port, tls: { ...only, cert, key } }),
  "node:tls, localAddr": () =>
    connect({ hostname, port, localAddr: { hostname }, tls: only }),
  "upgradeTls()": async () =>
    upgradeTls(await Deno.connect({ hostname, port }), {
      ...only,
      serverName: hostname,
    }),
  "node ca, createConnection()": async () => {
    const socket = createConnection(
      fromNodeOptions({ host: hostname, port, ca: caCerts, protocol: "https:" }),
    );
    try {
      await once(socket, "secureConnect");
    } finally {
      socket.destroy();
    }
    return { close() {} };
  },
};
for (const [name, connectWith] of Object.entries(tries)) {
  try {
    (await connectWith()).close();
    console.log(name + ": accepted");
  } catch (error) {
    // The chain's verdict, not any other failure.
    const message = String(error?.message);
    console.log(name + ": " + (/certificate|issuer/i.test(message) ? "refused" : message));
  }
}
`;

Deno.test("tls.caCertsOnly refuses a certificate from a CA of the default store on every TLS path", async () => {
  // Signed by other_ca.pem, which the child's store holds, and not by the
  // CA it is given.
  await using server = serve(
    Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: readTestdata("other_server.pem"),
      key: readTestdata("other_server.key"),
    }),
    (conn) => conn.handshake(),
  );
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--ext=ts",
      `--config=${new URL("deno.json", ROOT).pathname}`,
      CHILD,
      JSON.stringify([
        server.port,
        [TEST_CA],
        readTestdata("client.pem"),
        readTestdata("client.key"),
      ]),
    ],
    cwd: ROOT,
    env: {
      DENO_TLS_CA_STORE: "system",
      SSL_CERT_FILE: new URL("testdata/other_ca.pem", ROOT).pathname,
    },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decoder = new TextDecoder();
  assertEquals(code, 0, decoder.decode(stderr));
  assertEquals(decoder.decode(stdout).trim().split("\n"), [
    "caCerts (adds to the store): accepted",
    "Deno.startTls: refused",
    "node:tls, client certificate: refused",
    "node:tls, localAddr: refused",
    "upgradeTls(): refused",
    "node ca, createConnection(): refused",
  ]);
});

Deno.test("tls.caCertsOnly accepts a certificate from the given CA", async () => {
  await using server = tlsServer();
  const { port } = server;
  const conn = await connect({
    hostname: "127.0.0.1",
    port,
    tls: { caCerts: [TEST_CA], caCertsOnly: true },
  });
  conn.close();
  const upgraded = await upgradeTls(
    await Deno.connect({ hostname: "127.0.0.1", port }),
    { caCerts: [TEST_CA], caCertsOnly: true, serverName: "127.0.0.1" },
  );
  upgraded.close();
});

Deno.test("tls.caCertsOnly needs caCerts, and is a boolean", async () => {
  for (
    const tls of [{ caCertsOnly: true }, { caCerts: [], caCertsOnly: true }]
  ) {
    await assertRejects(
      () => connect({ hostname: "127.0.0.1", port: 1, tls }),
      TypeError,
      "'tls.caCerts' must hold a certificate when 'tls.caCertsOnly' is true",
    );
  }
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: 1,
        tls: { caCerts: [TEST_CA], caCertsOnly: "yes" as unknown as boolean },
      }),
    TypeError,
    "'tls.caCertsOnly' must be a boolean",
  );
});
