// Copyright 2026 the happy-eyeballs authors. MIT license.
// Loopback only: every server listens on 127.0.0.1 or ::1.

import {
  assert,
  assertEquals,
  assertLess,
  assertMatch,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { createServer as createNodeTlsServer, type TLSSocket } from "node:tls";
import {
  closeTls,
  type TlsEvent,
  upgradeTls,
  type UpgradeTlsOptions,
} from "./tls.ts";
import { normalizeTlsOptions } from "./_tls/options.ts";
import { connect } from "./connect.ts";
import { startNginx } from "./_testing/servers.ts";
import { needs } from "./_testing/needs.ts";
import { opensslServer } from "./_testing/openssl.ts";
import {
  acceptingServer,
  firstLine,
  readTestdata,
  serve,
  type TestServer,
} from "./_testing/net.ts";
import { connectTo, echoServer, isClosed } from "./_testing/tls.ts";

const read = readTestdata;
const CA = read("ca.pem");
const SERVER = { cert: read("server.pem"), key: read("server.key") };
/** Valid for DNS:tls.test only: not for 127.0.0.1, not for localhost. */
const NAME_ONLY = { cert: read("name_only.pem"), key: read("name_only.key") };
/** Signed by an unrelated CA. */
const OTHER = { cert: read("other_server.pem"), key: read("other_server.key") };
const CLIENT = { cert: read("client.pem"), key: read("client.key") };
const CLIENT_CA = read("client_ca.pem");

// --- helpers ---------------------------------------------------------------

async function echo(conn: Deno.Conn, text: string): Promise<string> {
  await conn.write(new TextEncoder().encode(text));
  const buffer = new Uint8Array(1024);
  const n = await conn.read(buffer);
  return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
}

/** A node:tls server that requires a client certificate from CLIENT_CA. */
async function mutualTlsServer(
  server: { cert: string; key: string } = SERVER,
): Promise<
  AsyncDisposable & { port: number; authorized: Promise<boolean> }
> {
  const sockets = new Set<TLSSocket>();
  const authorized = Promise.withResolvers<boolean>();
  const tlsServer = createNodeTlsServer({
    ...server,
    ca: [CLIENT_CA],
    requestCert: true,
    rejectUnauthorized: true,
    ALPNProtocols: ["h2", "http/1.1"],
  }, (socket) => {
    authorized.resolve(socket.authorized);
    socket.end("hello");
  });
  tlsServer.on("secureConnection", (socket) => sockets.add(socket));
  tlsServer.on("tlsClientError", () => authorized.resolve(false));
  const listening = Promise.withResolvers<void>();
  tlsServer.listen(0, "127.0.0.1", () => listening.resolve());
  await listening.promise;
  return {
    port: (tlsServer.address() as { port: number }).port,
    authorized: authorized.promise,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => tlsServer.close(resolve));
    },
  };
}

// --- success and verification ---------------------------------------------

Deno.test("upgradeTls() verifies the server with caCerts and reports events", async () => {
  await using server = echoServer(SERVER);
  const events: TlsEvent[] = [];
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
    onEvent: (event) => events.push(event),
  });
  assertEquals(events, [
    { type: "tlsStarted", serverName: "localhost" },
    { type: "tlsSucceeded", serverName: "localhost", alpnProtocol: null },
  ]);
  assertStrictEquals(await echo(conn, "ping"), "ping");
  assertStrictEquals(await closeTls(conn), "closeNotify");
});

Deno.test({
  name: "upgradeTls() verifies an IPv6 address, brackets or not",
  ...needs("ipv6"),
  fn: async () => {
    await using server = echoServer(SERVER, "::1");
    for (const serverName of ["::1", "[::1]"]) {
      const events: TlsEvent[] = [];
      const conn = await upgradeTls(await connectTo(server), {
        serverName,
        caCerts: [CA],
        onEvent: (event) => events.push(event),
      });
      assertStrictEquals(events[0]!.serverName, "::1");
      assertStrictEquals(await echo(conn, "six"), "six");
      assertStrictEquals(await closeTls(conn), "closeNotify");
    }
  },
});

Deno.test("upgradeTls() rejects a certificate from an unknown issuer", async () => {
  await using server = echoServer(OTHER);
  for (const caCerts of [[CA], undefined]) {
    const tcp = await connectTo(server);
    const events: TlsEvent[] = [];
    const error = await assertRejects(
      () =>
        upgradeTls(tcp, {
          serverName: "localhost",
          ...(caCerts ? { caCerts } : {}),
          onEvent: (event) => events.push(event),
        }),
      Deno.errors.InvalidData,
    );
    assertMatch(error.message, /UnknownIssuer/);
    assert(error.message.includes(`127.0.0.1:${server.port}`));
    assert(error.message.includes('"localhost"'));
    assert(error.cause instanceof Deno.errors.InvalidData);
    assertEquals(events.map((e) => e.type), ["tlsStarted", "tlsFailed"]);
    assertStrictEquals((events[1] as { error: unknown }).error, error);
    assert(isClosed(tcp));
  }
});

Deno.test("upgradeTls() serverName verifies a name that the address would not", async () => {
  // NAME_ONLY is valid for tls.test only: not for 127.0.0.1.
  await using server = echoServer(NAME_ONLY);
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "tls.test",
    caCerts: [CA],
  });
  assertStrictEquals(await echo(conn, "sni"), "sni");
  assertStrictEquals(await closeTls(conn), "closeNotify");

  const error = await assertRejects(
    async () =>
      upgradeTls(await connectTo(server), {
        serverName: "127.0.0.1",
        caCerts: [CA],
      }),
    Deno.errors.InvalidData,
  );
  assertMatch(error.message, /not valid for name/);
});

Deno.test("upgradeTls() rejects a wrong serverName", async () => {
  await using server = echoServer(SERVER);
  const error = await assertRejects(
    async () =>
      upgradeTls(await connectTo(server), {
        serverName: "wrong.test",
        caCerts: [CA],
      }),
    Deno.errors.InvalidData,
  );
  assertMatch(error.message, /"wrong\.test"/);
  assertMatch(error.message, /not valid for name/);
});

Deno.test("upgradeTls() unsafelyDisableHostnameVerification skips the name check only", async () => {
  await using nameOnly = echoServer(NAME_ONLY);
  // A mismatched name.
  const conn = await upgradeTls(await connectTo(nameOnly), {
    serverName: "wrong.test",
    caCerts: [CA],
    unsafelyDisableHostnameVerification: true,
  });
  assertStrictEquals(await echo(conn, "a"), "a");
  assertStrictEquals(await closeTls(conn), "closeNotify");

  // No name at all: the peer's address stands in, and is not checked.
  const events: TlsEvent[] = [];
  const conn2 = await upgradeTls(await connectTo(nameOnly), {
    caCerts: [CA],
    unsafelyDisableHostnameVerification: true,
    onEvent: (event) => events.push(event),
  });
  assertStrictEquals(events[0]!.serverName, "127.0.0.1");
  assertStrictEquals(await closeTls(conn2), "closeNotify");

  // The chain is still verified.
  await using other = echoServer(OTHER);
  const error = await assertRejects(
    async () =>
      upgradeTls(await connectTo(other), {
        caCerts: [CA],
        unsafelyDisableHostnameVerification: true,
      }),
    Deno.errors.InvalidData,
  );
  assertMatch(error.message, /UnknownIssuer/);
});

Deno.test("upgradeTls() reports the protocol chosen through ALPN", async () => {
  await using server = echoServer({
    ...SERVER,
    alpnProtocols: ["h2", "http/1.1"],
  });
  const events: TlsEvent[] = [];
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
    alpnProtocols: ["http/1.1", "h2"],
    onEvent: (event) => events.push(event),
  });
  // The server's preference wins with rustls.
  const chosen = (await conn.handshake()).alpnProtocol;
  assert(chosen === "h2" || chosen === "http/1.1");
  assertEquals(events[1], {
    type: "tlsSucceeded",
    serverName: "localhost",
    alpnProtocol: chosen,
  });
  assertStrictEquals(await closeTls(conn), "closeNotify");

  // Without ALPN on the client: null.
  const conn2 = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
  });
  assertStrictEquals((await conn2.handshake()).alpnProtocol, null);
  assertStrictEquals(await closeTls(conn2), "closeNotify");
});

// --- mutual TLS -------------------------------------------------------------

Deno.test("upgradeTls() sends a client certificate to a server that requires one", async () => {
  await using server = await mutualTlsServer();
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const events: TlsEvent[] = [];
  const conn = await upgradeTls(tcp, {
    serverName: "tls.test",
    caCerts: [CA],
    alpnProtocols: ["h2"],
    ...CLIENT,
    onEvent: (event) => events.push(event),
  });
  assertEquals(events[1], {
    type: "tlsSucceeded",
    serverName: "tls.test",
    alpnProtocol: "h2",
  });
  assertEquals(await conn.handshake(), { alpnProtocol: "h2" });
  assertStrictEquals(await server.authorized, true);
  assertStrictEquals(await new Response(conn.readable).text(), "hello");
  // As with Deno's own connections, the end of `readable` closed it.
  assert(isClosed(conn));
  assertStrictEquals(await closeTls(conn), "alreadyClosed");
});

Deno.test("upgradeTls() without a client certificate: TLS 1.3 fails on the first read", async () => {
  await using server = await mutualTlsServer();
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  // The client's side of a TLS 1.3 handshake completes before the server
  // checks the (missing) certificate.
  const conn = await upgradeTls(tcp, {
    serverName: "localhost",
    caCerts: [CA],
  });
  const error = await assertRejects(
    () => conn.read(new Uint8Array(16)),
    Deno.errors.InvalidData,
  );
  assertMatch(error.message, /CertificateRequired/);
  assertStrictEquals(await server.authorized, false);
  assertStrictEquals(await closeTls(conn), "noCloseNotify");
});

Deno.test("upgradeTls() with a client certificate still verifies the server", async () => {
  await using other = await mutualTlsServer(OTHER);
  const error = await assertRejects(
    async () =>
      upgradeTls(
        await Deno.connect({ hostname: "127.0.0.1", port: other.port }),
        { serverName: "localhost", caCerts: [CA], ...CLIENT },
      ),
    Deno.errors.InvalidData,
  );
  assert(error.message.includes(`127.0.0.1:${other.port}`));

  await using server = await mutualTlsServer(NAME_ONLY);
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const error2 = await assertRejects(
    () =>
      upgradeTls(tcp, { serverName: "127.0.0.1", caCerts: [CA], ...CLIENT }),
    Deno.errors.InvalidData,
  );
  assertMatch(error2.message, /127\.0\.0\.1/);
  assert(isClosed(tcp));

  // ...and can skip the name check.
  await using server2 = await mutualTlsServer(NAME_ONLY);
  const conn = await upgradeTls(
    await Deno.connect({ hostname: "127.0.0.1", port: server2.port }),
    {
      caCerts: [CA],
      unsafelyDisableHostnameVerification: true,
      ...CLIENT,
    },
  );
  assertStrictEquals(await server2.authorized, true);
  assertStrictEquals(await closeTls(conn), "closeNotify");
});

Deno.test("upgradeTls() takes the key file of `openssl ecparam -genkey` (EC PARAMETERS, then EC PRIVATE KEY)", async () => {
  const { createPrivateKey } = await import("node:crypto");
  // The same key as client.key, as openssl ecparam writes one: the curve
  // (P-256), then the key in SEC1 form.
  const key =
    "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" +
    createPrivateKey(CLIENT.key).export({ format: "pem", type: "sec1" });
  assertEquals(normalizeTlsOptions({ cert: CLIENT.cert, key }).key, key);
  await using server = await mutualTlsServer();
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const conn = await upgradeTls(tcp, {
    serverName: "tls.test",
    caCerts: [CA],
    cert: CLIENT.cert,
    key,
  });
  assertStrictEquals(await server.authorized, true);
  assertStrictEquals(await new Response(conn.readable).text(), "hello");
  // The curve alone is no key.
  assertThrows(
    () =>
      normalizeTlsOptions({
        cert: CLIENT.cert,
        key: key.slice(0, key.indexOf("-----BEGIN EC PRIVATE KEY")),
      }),
    TypeError,
    "Cannot start TLS as 'tls.key' must be PEM text of a private key: current value has an EC PARAMETERS block and no block of a private key",
  );
});

Deno.test("upgradeTls() errors show a certificate's control characters as escapes, on both TLS paths", async () => {
  const escape = {
    cert: read("escape_name.pem"),
    key: read("escape_name.key"),
  };
  await using deno = echoServer(escape);
  await using node = await mutualTlsServer(escape);
  const cases: [number, Partial<UpgradeTlsOptions>][] = [
    [deno.port, {}], // Deno.startTls
    [node.port, CLIENT], // node:tls
  ];
  for (const [port, extra] of cases) {
    const tcp = await Deno.connect({ hostname: "127.0.0.1", port });
    const error = await assertRejects(
      () =>
        upgradeTls(tcp, { serverName: "other.test", caCerts: [CA], ...extra }),
      Deno.errors.InvalidData,
    );
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x1f\x7f-\x9f]/.test(error.message), error.message);
    assertStringIncludes(error.message, "evil\\x1b[31mred");
  }
});

Deno.test("upgradeTls() over node:tls: Deno's node:tls reads none of the options it is given through Object.prototype", async () => {
  // What Deno 2.9's node:tls reads from the options of tls.connect() and of
  // its secure context: each is an own property of the options passed.
  const given = [
    "host",
    "servername",
    "ca",
    "cert",
    "key",
    "rejectUnauthorized",
    "checkServerIdentity",
    "ALPNProtocols",
    "secureContext",
    "pskCallback",
    "minVersion",
    "maxVersion",
    "secureProtocol",
    "ciphers",
    "sigalgs",
    "ecdhCurve",
    "minDHSize",
    "session",
    "pfx",
    "passphrase",
    "crl",
    "clientCertEngine",
    "privateKeyEngine",
    "privateKeyIdentifier",
    "path",
    "timeout",
  ];
  // Read from objects that Deno's node:tls makes itself (the TLSSocket's
  // and the net.Socket's own options), beyond the caller's reach; none of
  // them changes the verification (checkServerIdentity is ours).
  const internal = [
    "allowHalfOpen",
    "keepAlive",
    "highWaterMark",
    "onread",
    "signal",
    "noDelay",
    "keepAliveInitialDelay",
    "pauseOnConnect",
    "server",
    "handshakeTimeout",
    "port",
    "SNICallback",
    "ALPNCallback",
    "credentials",
    "requestCert",
    "isServer",
    "pipe",
  ];
  await using server = await mutualTlsServer();
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const reads = new Set<string>();
  for (const key of [...given, ...internal]) {
    Object.defineProperty(Object.prototype, key, {
      get() {
        reads.add(key);
        return undefined;
      },
      set(value) {
        Object.defineProperty(this, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      },
      configurable: true,
    });
  }
  let conn;
  try {
    conn = await upgradeTls(tcp, {
      serverName: "tls.test",
      caCerts: [CA],
      ...CLIENT,
    });
    await conn.read(new Uint8Array(16));
  } finally {
    for (const key of [...given, ...internal]) {
      delete (Object.prototype as Record<string, unknown>)[key];
    }
  }
  assertEquals([...reads].filter((key) => given.includes(key)), []);
  assertStrictEquals(await closeTls(conn), "closeNotify");
});

Deno.test("upgradeTls() refuses a client key that does not match the certificate", async () => {
  await using server = acceptingServer();
  const cases: [Partial<typeof CLIENT>, RegExp][] = [
    [
      { key: SERVER.key },
      /^Cannot start TLS as 'key' must be the private key of 'cert': current value is another key$/,
    ],
    [
      { key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" },
      /^Cannot start TLS as 'key' must be a valid PEM private key/,
    ],
    [
      {
        cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      },
      /^Cannot start TLS as 'cert' must be a valid PEM certificate/,
    ],
  ];
  for (const [override, pattern] of cases) {
    const tcp = await connectTo(server);
    const events: TlsEvent[] = [];
    const error = await assertRejects(
      () =>
        upgradeTls(tcp, {
          serverName: "localhost",
          ...CLIENT,
          ...override,
          onEvent: (event) => events.push(event),
        }),
      TypeError,
    );
    assertMatch(error.message, pattern);
    assertEquals(events, []);
    assert(isClosed(tcp));
  }
});

// --- closeTls ---------------------------------------------------------------

/** The three ways to TLS: Deno.startTls, node:tls, and node:tls over node:net. */
const TLS_PATHS = {
  "Deno.startTls": (port: number) =>
    connect({
      hostname: "127.0.0.1",
      port,
      tls: { serverName: "localhost", caCerts: [CA] },
    }),
  "node:tls (client certificate)": (port: number) =>
    connect({
      hostname: "127.0.0.1",
      port,
      tls: { serverName: "localhost", caCerts: [CA], ...CLIENT },
    }),
  "node:tls (localAddr)": (port: number) =>
    connect({
      hostname: "127.0.0.1",
      port,
      localAddr: { hostname: "127.0.0.1" },
      tls: { serverName: "localhost", caCerts: [CA] },
    }),
};

async function closeWith(
  start: () => Promise<AsyncDisposable & { tlsPort?: number; port: number }>,
  path: keyof typeof TLS_PATHS,
): Promise<string> {
  await using peer = await start();
  const conn = await TLS_PATHS[path](peer.tlsPort ?? peer.port);
  return await closeTls(conn, { timeout: 10_000 });
}

Deno.test({
  name: "closeTls() says the peer answered close_notify (openssl s_server)",
  ...needs("openssl"),
  async fn(t) {
    for (const path of Object.keys(TLS_PATHS) as (keyof typeof TLS_PATHS)[]) {
      await t.step(path, async () => {
        assertStrictEquals(
          await closeWith(() => opensslServer({ version: "1.3" }), path),
          "closeNotify",
        );
      });
    }
  },
});

Deno.test({
  name: "closeTls() says the peer closed without close_notify (nginx)",
  ...needs("nginx"),
  async fn(t) {
    for (const path of Object.keys(TLS_PATHS) as (keyof typeof TLS_PATHS)[]) {
      await t.step(path, async () => {
        assertStrictEquals(await closeWith(startNginx, path), "noCloseNotify");
      });
    }
  },
});

Deno.test(
  "closeTls() says the peer closed without close_notify (a server that exits)",
  needs("python3"),
  async () => {
    // A TLS server that ends its process after the handshake: TCP is closed
    // without close_notify.
    const script = `
conn = ctx.wrap_socket(server.accept()[0], server_side=True)
conn.recv(1)
os._exit(0)
`;
    for (const path of Object.keys(TLS_PATHS) as (keyof typeof TLS_PATHS)[]) {
      const { child, port } = await pythonTlsServer(script);
      const conn = await TLS_PATHS[path](port);
      assertStrictEquals(
        await closeTls(conn, { timeout: 10_000 }),
        "noCloseNotify",
        path,
      );
      await child.status;
    }
  },
);

Deno.test(
  "node:tls paths tell close_notify from truncation by what came, not by timing (repeated, readers early and late)",
  needs("python3"),
  async () => {
    // One real OpenSSL server (Python's ssl) per mode: "notify" sends data,
    // then close_notify and FIN back to back (unwrap() and close()); "truncate"
    // sends data, then FIN alone (close() without unwrap()).
    const script = `
while True:
    conn = ctx.wrap_socket(server.accept()[0], server_side=True)
    conn.sendall(b"hello")
    if sys.argv[3] == "notify":
        try:
            conn.unwrap().close()
        except OSError:
            conn.close()
    else:
        conn.close()
`;
    const paths = [
      "node:tls (client certificate)",
      "node:tls (localAddr)",
    ] as const;
    const ROUNDS = 25;
    for (const mode of ["notify", "truncate"]) {
      const { child, port } = await pythonTlsServer(script, mode);
      try {
        const seen = new Map<string, number>();
        for (let round = 0; round < ROUNDS; round++) {
          for (const path of paths) {
            const conn = await TLS_PATHS[path](port);
            // Readers early, and late (after close_notify and FIN are in).
            if (round % 3 !== 0) {
              await new Promise((resolve) =>
                setTimeout(resolve, round % 3 * 10)
              );
            }
            let outcome;
            try {
              const text = await new Response(conn.readable).text();
              outcome = `read ${text}, then end`;
            } catch (error) {
              outcome = error instanceof Deno.errors.UnexpectedEof
                ? "UnexpectedEof"
                : String(error);
            }
            seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
          }
        }
        assertEquals(
          Object.fromEntries(seen),
          mode === "notify"
            ? { "read hello, then end": ROUNDS * paths.length }
            : { UnexpectedEof: ROUNDS * paths.length },
          mode,
        );
      } finally {
        child.kill();
        await child.status;
      }
    }
  },
);

/**
 * Starts `body` in Python with a TLS listener `server` on 127.0.0.1 (the
 * certificate of `testdata/`, its context `ctx`) and `mode` as `sys.argv[3]`;
 * returns the child and the port it printed.
 */
async function pythonTlsServer(
  body: string,
  mode = "",
): Promise<{ child: Deno.ChildProcess; port: number }> {
  const script = `
import socket, ssl, sys, os
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
sys.stdout.write(f"{server.getsockname()[1]}\\n")
sys.stdout.flush()
${body}`;
  const testdata = new URL("./testdata/", import.meta.url).pathname;
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      script,
      `${testdata}server.pem`,
      `${testdata}server.key`,
      mode,
    ],
    stdout: "piped",
  }).spawn();
  return { child, port: Number(await firstLine(child.stdout)) };
}

/** A TLS server that completes the handshake and then ignores the client. */
function deafServer(): TestServer {
  return serve(
    Deno.listenTls({ hostname: "127.0.0.1", port: 0, ...SERVER }),
    (conn) => conn.handshake(),
  );
}

Deno.test("closeTls() gives up at the timeout when the peer never closes", async () => {
  await using server = deafServer();
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
  });
  const start = performance.now();
  assertStrictEquals(await closeTls(conn, { timeout: 200 }), "timedOut");
  const elapsed = performance.now() - start;
  assert(elapsed >= 190 && elapsed < 5_000, `elapsed ${elapsed} ms`);
  assert(isClosed(conn));
});

Deno.test("closeTls() defaults to the shutdownTimeout of upgradeTls()", async () => {
  await using server = deafServer();
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
    shutdownTimeout: 200,
  });
  const start = performance.now();
  assertStrictEquals(await closeTls(conn), "timedOut");
  const elapsed = performance.now() - start;
  assert(elapsed >= 190 && elapsed < 5_000, `elapsed ${elapsed} ms`);
});

Deno.test("closeTls() returns promptly when the peer closes", async () => {
  await using server = echoServer(SERVER);
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
  });
  assertStrictEquals(await echo(conn, "bye"), "bye");
  const start = performance.now();
  assertStrictEquals(await closeTls(conn, { timeout: 20_000 }), "closeNotify");
  assert(performance.now() - start < 5_000);
  assert(isClosed(conn));
});

Deno.test("await using on the result of upgradeTls() closes it with closeTls()", async () => {
  const order: string[] = [];
  await using server = serve(
    Deno.listenTls({ hostname: "127.0.0.1", port: 0, ...SERVER }),
    async (conn) => {
      const read = await conn.read(new Uint8Array(1));
      order.push(read === null ? "server read close_notify" : "server read");
      conn.close();
    },
  );
  {
    await using conn = await upgradeTls(await connectTo(server), {
      serverName: "localhost",
      caCerts: [CA],
    });
    assertEquals((await conn.handshake()).alpnProtocol, null);
  }
  order.push("disposed");
  // The disposal waited for the server to close its side, as closeTls().
  assertEquals(order, ["server read close_notify", "disposed"]);
});

Deno.test("closeTls() discards what the peer still sends", async () => {
  await using server = serve(
    Deno.listenTls({ hostname: "127.0.0.1", port: 0, ...SERVER }),
    async (conn) => {
      await conn.write(new Uint8Array(100_000));
      while (await conn.read(new Uint8Array(1024)) !== null) { /* drain */ }
      conn.close();
    },
  );
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
  });
  assertStrictEquals(await closeTls(conn, { timeout: 20_000 }), "closeNotify");
});

Deno.test("closeTls() never throws on a closed connection", async () => {
  await using server = echoServer(SERVER);
  const conn = await upgradeTls(await connectTo(server), {
    serverName: "localhost",
    caCerts: [CA],
  });
  conn.close();
  assertStrictEquals(await closeTls(conn), "alreadyClosed");
  assertStrictEquals(await closeTls(conn, { timeout: 1 }), "alreadyClosed");
});

Deno.test("closeTls() validates its timeout and closes all the same", async () => {
  await using server = echoServer(SERVER);
  for (
    const [timeout, ErrorClass] of [
      [0, RangeError],
      [-1, RangeError],
      [NaN, RangeError],
      [Infinity, RangeError],
      [2 ** 31, RangeError],
      ["100", TypeError],
    ] as const
  ) {
    const conn = await upgradeTls(await connectTo(server), {
      serverName: "localhost",
      caCerts: [CA],
    });
    const error = await assertRejects(
      // deno-lint-ignore no-explicit-any
      () => closeTls(conn, { timeout: timeout as any }),
      ErrorClass,
    );
    assertMatch(
      error.message,
      /^Cannot close TLS connection as 'timeout' must be/,
    );
    assert(isClosed(conn));
  }
});

// --- validation -------------------------------------------------------------

Deno.test("upgradeTls() closes the connection when its options are invalid", async () => {
  await using server = acceptingServer();
  const cases: [Record<string, unknown>, typeof TypeError, RegExp][] = [
    [
      {},
      TypeError,
      /'serverName' must be .*'unsafelyDisableHostnameVerification'/,
    ],
    [{ serverName: "" }, TypeError, /unsafelyDisableHostnameVerification/],
    [
      { serverName: "localhost", handshakeTimeout: 0 },
      RangeError,
      /'handshakeTimeout'/,
    ],
    [
      { serverName: "localhost", signal: {} },
      TypeError,
      /'signal' must be an AbortSignal/,
    ],
    [
      { serverName: "localhost", onEvent: 1 },
      TypeError,
      /'onEvent' must be a function/,
    ],
    [
      { serverName: "localhost", servername: "x" },
      TypeError,
      /'servername' \(did you mean 'serverName'\?\)/,
    ],
    [
      { hostname: "localhost" },
      TypeError,
      /'hostname' \(did you mean 'serverName'\?\)/,
    ],
  ];
  for (const [options, ErrorClass, pattern] of cases) {
    const tcp = await connectTo(server);
    const events: TlsEvent[] = [];
    const error = await assertRejects(
      () =>
        upgradeTls(
          tcp,
          {
            onEvent: (e: TlsEvent) => events.push(e),
            ...options,
          } as UpgradeTlsOptions,
        ),
      ErrorClass,
    );
    assertMatch(error.message, pattern);
    assert(isClosed(tcp), JSON.stringify(options));
    assertEquals(events, []);
  }
});

Deno.test("an internationalized tls.serverName is sent and verified in its ASCII form, as the host name is", async () => {
  assertStrictEquals(
    normalizeTlsOptions({ serverName: "Bücher.test" }).serverName,
    "xn--bcher-kva.test",
  );
  assertStrictEquals(
    normalizeTlsOptions({ serverName: "é.test." }).serverName,
    "xn--9ca.test.",
  );
  await using server = echoServer(SERVER);
  const error = await assertRejects(
    async () =>
      upgradeTls(await connectTo(server), {
        serverName: "bücher.test",
        caCerts: [CA],
      }),
    Deno.errors.InvalidData,
  );
  assertStringIncludes(error.message, '(server name "xn--bcher-kva.test")');
});

/**
 * Throws if `text` holds any 12 characters in a row of the base64 body of a
 * PEM value in `secrets`.
 */
function assertNoPemMaterial(text: string, secrets: string[], what: string) {
  for (const secret of secrets) {
    const body = secret.split("\n").filter((line) => !line.startsWith("-----"))
      .join("");
    for (let i = 0; i + 12 <= body.length; i += 4) {
      const piece = body.slice(i, i + 12);
      assert(!text.includes(piece), `${what} shows ${JSON.stringify(piece)}`);
    }
  }
}

Deno.test("connect() and upgradeTls() never show a certificate, CA or key value, on any TLS path", async (t) => {
  // A private key given as a certificate, a CA or a server name; a
  // certificate given as a key; a key that is not the certificate's; values
  // that do not parse: none may appear in errors, their causes, or events.
  const garbled = CLIENT.key.replace(/^([A-Za-z0-9+/]{20})/m, "$1!!");
  const mistakes: Record<string, Record<string, unknown>> = {
    "cert and key swapped": { cert: CLIENT.key, key: CLIENT.cert },
    "a key in caCerts": { caCerts: [CA, CLIENT.key] },
    "a key and a certificate in one caCerts entry": {
      caCerts: [CA + CLIENT.key],
    },
    "a key as serverName": { serverName: CLIENT.key },
    "a key in alpnProtocols": { alpnProtocols: [CLIENT.key] },
    "another certificate's key": { cert: CLIENT.cert, key: SERVER.key },
    "a key that does not parse": { cert: CLIENT.cert, key: garbled },
    "a certificate that does not parse": {
      cert: CLIENT.cert.replace(/^([A-Za-z0-9+/]{20})/m, "$1!!"),
      key: CLIENT.key,
    },
    "caCerts that do not parse": {
      caCerts: [CA.replace(/^([A-Za-z0-9+/]{20})/m, "$1!!")],
    },
  };
  const secrets = [CLIENT.key, CLIENT.cert, CA, SERVER.key];
  await using server = echoServer(SERVER);
  for (const [name, tls] of Object.entries(mistakes)) {
    await t.step(name, async () => {
      const paths: Record<string, () => Promise<Deno.Conn>> = {
        "connect()": () =>
          connect({
            hostname: "127.0.0.1",
            port: server.port,
            tls: { serverName: "localhost", ...tls },
            onEvent: (event) => events.push(event),
          }),
        "connect() with localAddr": () =>
          connect({
            hostname: "127.0.0.1",
            port: server.port,
            localAddr: { hostname: "127.0.0.1" },
            tls: { serverName: "localhost", ...tls },
            onEvent: (event) => events.push(event),
          }),
        "upgradeTls()": async () =>
          upgradeTls(await connectTo(server), {
            serverName: "localhost",
            ...tls,
            onEvent: (event) => events.push(event),
          }),
      };
      const events: unknown[] = [];
      for (const [path, open] of Object.entries(paths)) {
        const error = await open().then((conn) => {
          conn.close();
          return undefined;
        }, (error) => error);
        assert(error !== undefined, `${path} connected`);
        assertNoPemMaterial(
          Deno.inspect({ error, events }, { depth: 20, colors: false }),
          secrets,
          path,
        );
      }
    });
  }
});

Deno.test("upgradeTls() refuses what is no connection with a TypeError naming 'conn'", async () => {
  for (const conn of [{}, null, undefined, { close: () => {} }, "127.0.0.1"]) {
    await assertRejects(
      () => upgradeTls(conn as never, { serverName: "localhost" }),
      TypeError,
      "Cannot start TLS as 'conn' must be a connected Deno.TcpConn: current value is ",
    );
  }
});

Deno.test("closeTls() refuses a plain TCP connection at once, closing it", async () => {
  await using server = acceptingServer();
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const started = performance.now();
  await assertRejects(
    () => closeTls(tcp as never, { timeout: 10_000 }),
    TypeError,
    "Cannot close TLS connection as 'conn' must be a TLS connection: current value is a TcpConn",
  );
  assertLess(performance.now() - started, 1_000);
  assert(isClosed(tcp));
  for (const conn of [{}, null]) {
    await assertRejects(
      () => closeTls(conn as never),
      TypeError,
      "Cannot close TLS connection as 'conn' must be a TLS connection: current value is ",
    );
  }
});
