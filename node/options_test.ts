// Copyright 2026 the happy-eyeballs authors. MIT license.
// fromNodeOptions(): the mapping of node:net/node:tls names, and refusals.
import { assert, assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import { once } from "node:events";
import { Buffer } from "node:buffer";
import { createServer as createNodeTlsServer, type TLSSocket } from "node:tls";
import {
  createConnection,
  fromNodeOptions,
  type NodeConnectOptions,
} from "./mod.ts";
import { readTestdata, TEST_CA } from "../_testing/net.ts";

Deno.test("fromNodeOptions() translates node:net/node:tls names and refuses rejectUnauthorized: false", () => {
  assertEquals(
    fromNodeOptions({ host: "::1", port: "" }),
    { hostname: "::1", port: 80 },
  );
  assertEquals(
    fromNodeOptions({
      hostname: "db.test",
      port: 5433,
      protocol: "https:",
      servername: "db.test",
      ALPNProtocols: ["http/1.1"],
      ca: [Buffer.from("PEM")],
    }),
    {
      hostname: "db.test",
      port: 5433,
      tls: {
        serverName: "db.test",
        alpnProtocols: ["http/1.1"],
        caCerts: ["PEM"],
        caCertsOnly: true,
      },
    },
  );
  assertThrows(
    () => fromNodeOptions({ host: "h", port: 1, rejectUnauthorized: false }),
    TypeError,
    "tls.unsafelyDisableHostnameVerification",
  );
});

Deno.test("fromNodeOptions() reads own properties only: a polluted Object.prototype adds nothing", () => {
  const proto = Object.prototype as Record<string, unknown>;
  const polluted = {
    ca: "-----BEGIN CERTIFICATE-----\nEVIL\n-----END CERTIFICATE-----",
    servername: "evil.test",
    ALPNProtocols: ["evil"],
    host: "evil.test",
    protocol: "https:",
    cert: "EVIL",
    key: "EVIL",
    tls: { caCerts: ["EVIL"] },
  };
  Object.assign(proto, polluted);
  try {
    assertEquals(
      fromNodeOptions({ hostname: "db.test", port: 1 }),
      { hostname: "db.test", port: 1 },
    );
    assertEquals(
      fromNodeOptions(
        Object.assign(Object.create(null), { host: "db.test", port: 1 }),
        { tls: true },
      ),
      { hostname: "db.test", port: 1, tls: {} },
    );
  } finally {
    for (const key of Object.keys(polluted)) delete proto[key];
  }
});

Deno.test("fromNodeOptions() maps a client certificate and refuses what changes verification", () => {
  const cert = readTestdata("client.pem");
  const key = readTestdata("client.key");
  assertEquals(
    fromNodeOptions({
      host: "db.test",
      port: 1,
      protocol: "https:",
      cert: Buffer.from(cert),
      key: [key],
    }),
    { hostname: "db.test", port: 1, tls: { cert, key } },
  );
  for (
    const [option, hint] of [
      ["checkServerIdentity", "tls.unsafelyDisableHostnameVerification"],
      ["secureContext", "tls.caCerts"],
      ["pfx", "tls.cert"],
      ["passphrase", "tls.key"],
      ["crl", "revocation"],
    ]
  ) {
    assertThrows(
      () => fromNodeOptions({ host: "h", port: 1, [option!]: () => {} }),
      TypeError,
      hint,
    );
  }
  // Two keys for two chains: Deno takes one. A key is never shown.
  const error = assertThrows(
    () =>
      fromNodeOptions({
        host: "h",
        port: 1,
        protocol: "https:",
        cert,
        key: [key, key],
      }),
    TypeError,
    "'key' must be one PEM text or bytes: current value is a list of 2",
  );
  assert(!error.message.includes("PRIVATE"));
});

Deno.test("createConnection() sends the client certificate of node:tls's cert and key", async () => {
  const sockets = new Set<TLSSocket>();
  const authorized = Promise.withResolvers<boolean>();
  const server = createNodeTlsServer({
    cert: readTestdata("server.pem"),
    key: readTestdata("server.key"),
    ca: [readTestdata("client_ca.pem")],
    requestCert: true,
    rejectUnauthorized: true,
  }, (tlsSocket) => {
    authorized.resolve(tlsSocket.authorized);
    tlsSocket.end("hello");
  });
  server.on("secureConnection", (tlsSocket) => sockets.add(tlsSocket));
  server.on("tlsClientError", () => authorized.resolve(false));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const socket = createConnection(fromNodeOptions({
      host: "127.0.0.1",
      port: (server.address() as { port: number }).port,
      protocol: "https:",
      servername: "localhost",
      ca: TEST_CA,
      cert: readTestdata("client.pem"),
      key: Buffer.from(readTestdata("client.key")),
    }));
    const chunks: string[] = [];
    socket.on("data", (chunk) => chunks.push(String(chunk)));
    await once(socket, "close");
    assertEquals(chunks.join(""), "hello");
    assertEquals(await authorized.promise, true);
  } finally {
    for (const tlsSocket of sockets) tlsSocket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

Deno.test("fromNodeOptions() refuses every rejectUnauthorized but true, a string ALPNProtocols and a port that is no number", () => {
  for (const value of [false, 0, null, "", "false"]) {
    assertThrows(
      () =>
        fromNodeOptions({
          host: "h",
          port: 1,
          rejectUnauthorized: value as boolean,
        }),
      TypeError,
      "'rejectUnauthorized' must be true or left out",
    );
  }
  assertEquals(
    fromNodeOptions({ host: "h", port: 1, rejectUnauthorized: true }),
    { hostname: "h", port: 1 },
  );
  const https = { host: "h", port: 1, protocol: "https:" };
  assertThrows(
    () =>
      fromNodeOptions({ ...https, ALPNProtocols: "h2" as unknown as string[] }),
    TypeError,
    "'ALPNProtocols' must be an array of strings or buffers",
  );
  assertEquals(
    fromNodeOptions({
      ...https,
      ALPNProtocols: Buffer.from("\x02h2\x08http/1.1") as unknown as string[],
    }).tls,
    { alpnProtocols: ["h2", "http/1.1"] },
  );
  assertEquals(
    fromNodeOptions({
      ...https,
      ALPNProtocols: [Buffer.from("h2")] as unknown as string[],
    }).tls,
    { alpnProtocols: ["h2"] },
  );
  for (const port of [true, "80 ", "0x50", {}]) {
    assertThrows(
      () => fromNodeOptions({ host: "h", port: port as number }),
      TypeError,
      "'port' must be a number or a string of digits",
    );
  }
  assertEquals(fromNodeOptions({ host: "h", port: "8080" }).port, 8080);
});

Deno.test("fromNodeOptions() honours family, lookup, localAddress, localPort and timeout, and refuses path", () => {
  const lookup = () => {};
  const options = fromNodeOptions({
    host: "h",
    port: 1,
    family: 6,
    lookup,
    localAddress: "::1",
    localPort: 4000,
    timeout: 1000,
  });
  assertEquals(typeof options.resolver, "function");
  assertEquals(
    { ...options, resolver: undefined },
    {
      hostname: "h",
      port: 1,
      family: 6,
      resolver: undefined,
      localAddr: { hostname: "::1", port: 4000 },
      timeout: 1000,
    },
  );
  assertEquals(fromNodeOptions({ host: "h", port: 1, family: 0 }), {
    hostname: "h",
    port: 1,
  });
  for (
    const [bad, message] of [
      [{ family: 5 }, "'family' must be 0, 4 or 6"],
      [{ lookup: "dns" }, "'lookup' must be a function"],
      [{ localPort: 4000 }, "'localPort' must be set with 'localAddress'"],
      [{ path: "/run/db.sock" }, "'path' must be left out"],
    ] as const
  ) {
    assertThrows(
      () =>
        fromNodeOptions({ host: "h", port: 1, ...bad } as NodeConnectOptions),
      TypeError,
      message,
    );
  }
});

Deno.test("fromNodeOptions() property: each node option is honoured or refused with a TypeError naming it, never ignored", () => {
  // The values that mean "not given" in node:net and node:tls.
  const unset: Record<string, unknown[]> = {
    rejectUnauthorized: [true],
    ALPNProtocols: [],
    port: [""],
    family: [0],
    lookup: [],
    localAddress: [""],
    localPort: [0],
    timeout: [],
    path: [""],
  };
  const base = { host: "h", port: 1, protocol: "https:" };
  const baseline = JSON.stringify(fromNodeOptions(base));
  fc.assert(
    fc.property(
      fc.constantFrom(...Object.keys(unset)),
      fc.oneof(fc.anything(), fc.func(fc.anything())),
      (key, value) => {
        let result;
        try {
          result = fromNodeOptions(
            { ...base, [key]: value } as NodeConnectOptions,
          );
        } catch (error) {
          assert(error instanceof TypeError, String(error));
          assert(error.message.includes(`'${key}'`), error.message);
          return;
        }
        if (value === undefined || value === null) return;
        if (unset[key]!.includes(value)) return;
        if (key === "port" && String(value) === "1") return; // as the base
        // Honoured: the options differ from those without it.
        const changed = JSON.stringify(result) !== baseline ||
          typeof result.resolver === "function";
        assert(changed, `${key}: ${String(value)} was ignored`);
      },
    ),
  );
});
