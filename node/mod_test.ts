// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { once } from "node:events";
import { Buffer } from "node:buffer";
import {
  createConnection,
  createUndiciConnector,
  fromNodeOptions,
  type NodeConnectOptions,
  type NodeSocket,
  toNodeSocket,
} from "./mod.ts";
import { connect } from "../connect.ts";
import { upgradeTls } from "../tls.ts";
import { ConnectHistory } from "../history.ts";
import {
  blackhole,
  readTestdata,
  refusedPort,
  TEST_CA,
  tlsServer,
} from "../_testing/net.ts";
import { collectReportedErrors } from "../_testing/errors.ts";
import { needs } from "../_testing/needs.ts";
import {
  POSTGRES_USER,
  startNginx,
  startPostgres,
  startRedis,
} from "../_testing/servers.ts";
import type { Duplex } from "node:stream";
import { createServer as createNodeTlsServer, type TLSSocket } from "node:tls";
import nodeHttp from "node:http";
import nodeHttps from "node:https";
import pg from "pg";
import postgres from "postgres";
import { AbstractConnector, Redis } from "ioredis";
import type { NetStream } from "ioredis/built/types.js";
import { Agent, request } from "undici";

/** Every event the socket emits, in order (data as its length). */
function record(socket: NodeSocket): string[] {
  const events: string[] = [];
  for (
    const name of [
      "connect",
      "ready",
      "secureConnect",
      "end",
      "finish",
      "timeout",
      "error",
      "close",
    ]
  ) {
    socket.on(name, (arg: unknown) => {
      events.push(
        name === "close" ? `close(${arg})` : name === "error" ? "error" : name,
      );
    });
  }
  return events;
}

/** A TLS echo server for one connection, offering ALPN h2 and http/1.1. */
function tlsEchoServer(): {
  listener: Deno.TlsListener;
  done: Promise<void>;
} {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: readTestdata("server.pem"),
    key: readTestdata("server.key"),
    alpnProtocols: ["h2", "http/1.1"],
  });
  const done = listener.accept().then(async (conn) => {
    await conn.handshake();
    await conn.readable.pipeTo(conn.writable).catch(() => {});
  });
  return { listener, done };
}

function echoServer(): { listener: Deno.TcpListener; done: Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = listener.accept().then(async (conn) => {
    // Echo until the client ends, then end too.
    await conn.readable.pipeTo(conn.writable);
  });
  return { listener, done };
}

Deno.test("createConnection() dials at once, keeps early writes, and emits net.Socket's events in order", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const events = record(socket);
  assertEquals(socket.readyState, "opening");
  assertEquals(socket.connecting, true);
  assertEquals(socket.pending, true);
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  socket.write("hello ");
  socket.end("world");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  await done;
  assertEquals(Buffer.concat(chunks).toString(), "hello world");
  assertEquals(events, ["connect", "ready", "finish", "end", "close(false)"]);
  assertEquals(socket.remoteAddress, "127.0.0.1");
  assertEquals(socket.remotePort, listener.addr.port);
  assertEquals(socket.remoteFamily, "IPv4");
  assertEquals(socket.localAddress, "127.0.0.1");
  assertEquals(socket.bytesRead, 11);
  assertEquals(socket.bytesWritten, 11);
  assertEquals(socket.readyState, "closed");
});

Deno.test("createConnection() reports a failure as node:net does: error with a code, then close(true)", async () => {
  const port = refusedPort();
  const connected: string[] = [];
  const socket = createConnection(
    { hostname: "127.0.0.1", port },
    () => connected.push("called"),
  );
  const events = record(socket);
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const [error] = await once(socket, "error");
  await closed;
  assertInstanceOf(error, Deno.errors.ConnectionRefused);
  assertEquals((error as { code?: string }).code, "ECONNREFUSED");
  assert(error.message.includes(`127.0.0.1:${port}`));
  assertEquals(events, ["error", "close(true)"]);
  assertEquals(connected, []);
});

Deno.test("createConnection() with allErrors gives the AggregateError the first code", async () => {
  const port = refusedPort();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port,
    allErrors: true,
  });
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const [error] = await once(socket, "error");
  await closed;
  assertInstanceOf(error, AggregateError);
  assertEquals((error as { code?: string }).code, "ECONNREFUSED");
});

Deno.test("createConnection() throws at once on bad options, as node:net does", () => {
  assertThrows(
    () => createConnection({ hostname: "127.0.0.1", port: 0 }),
    RangeError,
    "'port'",
  );
  assertThrows(
    () =>
      createConnection(
        { hostname: "127.0.0.1", port: 1, bogus: 1 } as unknown as {
          hostname: string;
          port: number;
        },
      ),
    TypeError,
    "'bogus'",
  );
});

Deno.test("destroy() while dialling stops the race and closes only once nothing is left", async () => {
  await using hole = await blackhole();
  const socket = createConnection({
    hostname: hole.hostname,
    port: hole.port,
  });
  const events = record(socket);
  socket.write("never sent");
  setTimeout(() => socket.destroy(), 50);
  await once(socket, "close");
  assertEquals(events, ["close(false)"]);
  assertEquals(socket.destroyed, true);
});

Deno.test("createConnection() with tls emits connect, ready, then secureConnect, and reports ALPN as node:tls", async (t) => {
  for (const alpn of [["h2", "http/1.1"], undefined]) {
    await t.step(`alpn ${alpn}`, async () => {
      const { listener, done: accepted } = tlsEchoServer();
      using _ = listener;
      const socket = createConnection({
        hostname: "localhost",
        port: listener.addr.port,
        tls: {
          caCerts: [TEST_CA],
          ...(alpn ? { alpnProtocols: ["h2"] } : {}),
        },
      });
      const events = record(socket);
      socket.end("ping");
      const [data] = await once(socket, "data");
      assertEquals(String(data), "ping");
      await once(socket, "close");
      await accepted;
      assertEquals(events.slice(0, 3), ["connect", "ready", "secureConnect"]);
      assertEquals(events.at(-1), "close(false)");
      assertEquals(socket.encrypted, true);
      assertEquals(socket.authorized, true);
      assertEquals(socket.alpnProtocol, alpn ? "h2" : false);
    });
  }
});

Deno.test("toNodeSocket() wraps a connection: open at once, and connect() emits connect (pg waits for it)", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const conn = await connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const socket = toNodeSocket(conn);
  assertEquals(socket.readyState, "open");
  assertEquals(socket.pending, false);
  let called = false;
  socket.connect(listener.addr.port, "127.0.0.1", () => called = true);
  await once(socket, "connect");
  assert(called);
  socket.resume();
  socket.end("x");
  await once(socket, "close");
  await done;
});

Deno.test("toNodeSocket() of a TLS connection from upgradeTls() (STARTTLS) reports ALPN and ends with close_notify", async () => {
  const { listener, done: accepted } = tlsEchoServer();
  using _ = listener;
  const tcp = await connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const tls = await upgradeTls(tcp, {
    serverName: "localhost",
    caCerts: [TEST_CA],
    alpnProtocols: ["h2"],
  });
  const socket = toNodeSocket(tls);
  assertEquals(socket.encrypted, true);
  await once(socket, "secureConnect");
  assertEquals(socket.alpnProtocol, "h2");
  socket.end("tls");
  const [data] = await once(socket, "data");
  assertEquals(String(data), "tls");
  await once(socket, "close");
  await accepted;
});

Deno.test("the socket ends its side when the peer ends (allowHalfOpen false)", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept().then(async (conn) => {
    await conn.write(new TextEncoder().encode("bye"));
    await conn.closeWrite();
    // The client's FIN follows by itself.
    const rest = await new Response(conn.readable).text();
    return rest;
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const events = record(socket);
  socket.resume();
  await once(socket, "close");
  assertEquals(await accepted, "");
  assertEquals(events, ["connect", "ready", "end", "finish", "close(false)"]);
});

Deno.test("backpressure: a consumer that does not read stops the reads", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const block = new Uint8Array(64 * 1024);
  let sent = 0;
  const sender = listener.accept().then(async (conn) => {
    try {
      // 64 MiB, far more than any buffer on the way.
      for (let i = 0; i < 1024; i++) {
        await conn.write(block);
        sent += block.length;
      }
    } catch {
      // Closed by the client.
    } finally {
      conn.close();
    }
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  await once(socket, "connect");
  socket.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The stream's buffer plus one read at most: never the whole 64 MiB.
  assert(socket.bytesRead < 4 * 1024 * 1024, `read ${socket.bytesRead}`);
  assert(sent < 64 * 1024 * 1024);
  socket.destroy();
  await once(socket, "close");
  await sender;
});

Deno.test("backpressure: write() returns false while a peer does not read", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  await once(socket, "connect");
  const block = Buffer.alloc(1024 * 1024);
  let writes = 0;
  while (socket.write(block)) {
    writes++;
    assert(writes < 256, "write() never returned false");
  }
  assert(socket.writableLength > 0);
  socket.destroy();
  await once(socket, "close");
  (await accepted).close();
});

Deno.test("setTimeout() emits timeout after idleness, and 0 turns it off", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  await once(socket, "connect");
  let fired = 0;
  socket.setTimeout(30, () => fired++);
  await once(socket, "timeout");
  assert(fired >= 1);
  socket.setTimeout(0);
  socket.destroy();
  await once(socket, "close");
  (await accepted).close();
});

Deno.test("ref() and unref() are kept until connected", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  socket.unref();
  socket.ref();
  await once(socket, "connect");
  assertEquals(socket.address(), {
    address: "127.0.0.1",
    family: "IPv4",
    port: socket.localPort!,
  });
  socket.destroySoon();
  await once(socket, "close");
  (await accepted).close();
});

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

Deno.test("createConnection() reads each option once, and connects with what it checked", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const reads: Record<string, number> = {};
  const options = {} as { hostname: string; port: number };
  const answers = { hostname: "127.0.0.1", port: listener.addr.port };
  for (const [key, value] of Object.entries(answers)) {
    Object.defineProperty(options, key, {
      enumerable: true,
      get() {
        reads[key] = (reads[key] ?? 0) + 1;
        // A second read would get a port that is refused.
        return reads[key] === 1 ? value : key === "port" ? 1 : value;
      },
    });
  }
  const socket = createConnection(options);
  socket.end("ping");
  const [data] = await once(socket, "data");
  assertEquals(String(data), "ping");
  await once(socket, "close");
  await done;
  assertEquals(reads, { hostname: 1, port: 1 });
});

Deno.test("createUndiciConnector() calls back once, with the error when connecting fails", async () => {
  const connector = createUndiciConnector();
  const calls: unknown[][] = [];
  await new Promise<void>((resolve) => {
    connector(
      { hostname: "127.0.0.1", port: refusedPort(), protocol: "http:" },
      (...args) => {
        calls.push(args);
        resolve();
      },
    );
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assertEquals(calls.length, 1);
  assertEquals((calls[0]![0] as { code: string }).code, "ECONNREFUSED");
  assertEquals(calls[0]![1], null);
  await assertRejects(() =>
    new Promise((_, reject) =>
      connector(
        { host: "h", port: 1, rejectUnauthorized: false },
        (error) => reject(error),
      )
    ), TypeError);
  // Remembered winners work through the connector too.
  const history = new ConnectHistory();
  assertEquals(typeof createUndiciConnector({ history }), "function");
});

Deno.test("createUndiciConnector() reads its options' own tls only: a polluted Object.prototype.tls trusts nothing", async () => {
  await using server = tlsServer();
  const proto = Object.prototype as Record<string, unknown>;
  // Before: the connector took this as its TLS settings, and trusted the CA.
  proto.tls = { caCerts: [TEST_CA], serverName: "tls.test" };
  let result: unknown[];
  try {
    const connector = createUndiciConnector();
    result = await new Promise<unknown[]>((resolve) => {
      connector(
        { hostname: "127.0.0.1", port: server.port, protocol: "https:" },
        (...args) => resolve(args),
      );
    });
  } finally {
    delete proto.tls;
  }
  const [error, socket] = result;
  (socket as { destroy(): void } | null)?.destroy();
  assertInstanceOf(error, Deno.errors.InvalidData);
  assertStringIncludes((error as Error).message, "UnknownIssuer");
});

// ------------------------------------------------ real clients, real servers

/** Runs a PostgreSQL query through a socket; the SSL state of the session. */
const SSL_QUERY =
  "select ssl, inet_client_addr()::text as client from pg_stat_ssl where pid = pg_backend_pid()";

Deno.test({
  name: "pg and postgres.js talk to a real PostgreSQL through the socket",
  ...needs("postgres"),
  async fn(t) {
    await using server = await startPostgres();
    const { port } = server;
    const history = new ConnectHistory();
    // "localhost" is ::1 and 127.0.0.1 here; the server listens on 127.0.0.1
    // only, so the race has something to do.
    const dial = () =>
      createConnection({ hostname: "localhost", port, history });
    const base = { user: POSTGRES_USER, database: "postgres" };

    await t.step("pg Client, stream option", async () => {
      const client = new pg.Client({ ...base, stream: dial });
      await client.connect();
      const { rows } = await client.query(SSL_QUERY);
      assertEquals(rows, [{ ssl: false, client: "127.0.0.1/32" }]);
      await client.end();
    });

    await t.step("pg Pool, stream option", async () => {
      const pool = new pg.Pool({ ...base, stream: dial, max: 3 });
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => pool.query("select $1::int as n", [n])),
      );
      assertEquals(
        results.map((r: { rows: { n: number }[] }) => r.rows[0]!.n),
        [1, 2, 3, 4, 5],
      );
      await pool.end();
    });

    await t.step("pg Client with pg's own SSL over the socket", async () => {
      const client = new pg.Client({
        ...base,
        stream: dial,
        ssl: { ca: TEST_CA, servername: "localhost" },
      });
      await client.connect();
      const { rows } = await client.query(SSL_QUERY);
      assertEquals(rows[0].ssl, true);
      await client.end();
    });

    await t.step(
      "postgres.js, socket option, without and with SSL",
      async () => {
        for (const ssl of [false, { ca: TEST_CA, servername: "localhost" }]) {
          // `socket` is missing from postgres.js's types.
          const options = {
            ...base,
            host: "localhost",
            port,
            socket: dial,
            ssl,
            onnotice: () => {},
          };
          const sql = postgres(options);
          const rows = await sql.unsafe(SSL_QUERY);
          assertEquals(rows[0]!.ssl, ssl !== false);
          // Hangs without readyState on the socket.
          await sql.end({ timeout: 5 });
        }
      },
    );

    await t.step(
      "STARTTLS with the module alone: SSLRequest, then upgradeTls()",
      async () => {
        const tcp = await connect({ hostname: "localhost", port, history });
        // SSLRequest: length 8, then the code 80877103.
        await tcp.write(new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
        const answer = new Uint8Array(1);
        assertEquals(await tcp.read(answer), 1);
        assertEquals(String.fromCharCode(answer[0]!), "S");
        const conn = await upgradeTls(tcp, {
          serverName: "localhost",
          caCerts: [TEST_CA],
        });
        // pg over the TLS connection, pg's own SSL off: it is already on.
        const client = new pg.Client({ ...base, stream: toNodeSocket(conn) });
        await client.connect();
        const { rows } = await client.query(SSL_QUERY);
        assertEquals(rows[0].ssl, true);
        await client.end();
      },
    );
  },
});

Deno.test({
  name: "ioredis talks to a real Redis through a custom connector",
  ...needs("redis"),
  async fn() {
    await using server = await startRedis();
    class HappyEyeballsConnector extends AbstractConnector {
      #options: { host: string; port: number };
      constructor(options: unknown) {
        super(2_000);
        this.#options = options as { host: string; port: number };
      }
      override connect(): Promise<NetStream> {
        this.connecting = true;
        this.stream = createConnection({
          hostname: this.#options.host,
          port: this.#options.port,
        }) as unknown as NetStream;
        return Promise.resolve(this.stream);
      }
    }
    const redis = new Redis({
      host: "localhost",
      port: server.port,
      Connector: HappyEyeballsConnector,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    await redis.connect();
    await redis.set("greeting", "hello");
    assertEquals(await redis.get("greeting"), "hello");
    // Many commands in flight at once. (No value spanning reads: that
    // starts redis-parser's buffer-pool interval, which outlives the test.)
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1_000; i++) pipeline.incr("counter");
    const results = await pipeline.exec();
    assertEquals(results?.at(-1), [null, 1_000]);
    await redis.quit();
  },
});

/** The body nginx answers: `$ssl_alpn_protocol $connection $connection_requests`. */
function parseNginx(body: string): { alpn: string; conn: string; n: number } {
  const [alpn = "", conn = "", n = ""] = body.split(" ");
  return { alpn, conn, n: Number(n) };
}

Deno.test({
  name: "undici and node:http(s) talk to a real nginx through the socket",
  ...needs("nginx"),
  async fn(t) {
    await using server = await startNginx();
    const http = `http://localhost:${server.port}`;
    const https = `https://localhost:${server.tlsPort}`;

    await t.step(
      "undici Agent({ connect }), HTTP/1.1 and HTTPS with ALPN",
      async () => {
        const agent = new Agent({
          connect: createUndiciConnector({
            tls: { caCerts: [TEST_CA] },
          }) as unknown as NonNullable<Agent.Options["connect"]>,
          // Off: these run on undici's global timer, which outlives the
          // agent (the sanitizer would see it). Keep-alive's timer is a
          // plain one, cleared on close.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        try {
          const plain = await request(`${http}/`, { dispatcher: agent });
          assertEquals(plain.statusCode, 200);
          assertEquals(parseNginx(await plain.body.text()).alpn, "");
          const big = await request(`${http}/big`, { dispatcher: agent });
          assertEquals((await big.body.text()).length, 1024 * 1024);
          const first = await request(`${https}/`, { dispatcher: agent });
          const a = parseNginx(await first.body.text());
          assertEquals(a.alpn, "http/1.1");
          const second = await request(`${https}/`, { dispatcher: agent });
          assertEquals(parseNginx(await second.body.text()).alpn, "http/1.1");
        } finally {
          await agent.close();
        }
      },
    );

    await t.step(
      "node:http and node:https Agent with createConnection, keep-alive",
      async () => {
        // node:http calls createConnection() and uses the socket it returns:
        // it never calls connect() on it, so the socket dials when made.
        class HappyEyeballsAgent extends nodeHttp.Agent {
          override createConnection(options: NodeConnectOptions): Duplex {
            return createConnection(fromNodeOptions(options));
          }
        }
        class HappyEyeballsHttpsAgent extends nodeHttps.Agent {
          override createConnection(options: NodeConnectOptions): Duplex {
            return createConnection(
              fromNodeOptions(options, { tls: { caCerts: [TEST_CA] } }),
            );
          }
        }
        for (
          const [client, url, agent, alpn] of [
            [
              nodeHttp,
              `${http}/`,
              new HappyEyeballsAgent({ keepAlive: true }),
              "",
            ],
            [
              nodeHttps,
              `${https}/`,
              new HappyEyeballsHttpsAgent({ keepAlive: true }),
              "",
            ],
          ] as const
        ) {
          try {
            const a = parseNginx(await get(client, url, agent));
            const b = parseNginx(await get(client, url, agent));
            assertEquals(a.alpn, alpn);
            assertEquals(b.conn, a.conn);
            assertEquals([a.n, b.n], [1, 2]);
          } finally {
            agent.destroy();
          }
        }
      },
    );
  },
});

/** GETs `url` with `agent`; the body. */
function get(
  client: typeof nodeHttp | typeof nodeHttps,
  url: string,
  agent: nodeHttp.Agent,
): Promise<string> {
  return new Promise((resolve, reject) => {
    client.get(url, { agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => body += chunk);
      response.on("end", () => resolve(body));
      response.on("error", reject);
    }).on("error", reject);
  });
}

Deno.test("reads hand on every byte in order, small and large, slab or not", async () => {
  // 8 MiB of a pattern, written in sizes from 1 byte to 300 KiB, with pauses,
  // so that reads switch between the small buffer and the slabs.
  const data = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 13)) & 0xff;
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sender = listener.accept().then(async (conn) => {
    const sizes = [1, 100, 4095, 4096, 70_000, 300_000, 16_384, 3];
    let offset = 0;
    for (let i = 0; offset < data.length; i++) {
      const end = Math.min(offset + sizes[i % sizes.length]!, data.length);
      let written = offset;
      while (written < end) {
        written += await conn.write(data.subarray(written, end));
      }
      offset = end;
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    conn.close();
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  await sender;
  const received = Buffer.concat(chunks);
  assertEquals(received.length, data.length);
  assert(received.equals(data), "the bytes differ");
});

Deno.test("a connect listener that throws over TLS is reported, the socket closed, and onEvent still told", async () => {
  const { listener, done } = tlsEchoServer();
  using _ = listener;
  const events: string[] = [];
  let socket: NodeSocket | undefined;
  const reported = await collectReportedErrors(async () => {
    socket = createConnection({
      hostname: "localhost",
      port: listener.addr.port,
      tls: { caCerts: [TEST_CA] },
      onEvent: (event) => events.push(event.type),
    });
    socket.on("connect", () => {
      throw new Error("listener failed");
    });
    socket.on("error", () => {});
    await once(socket, "close");
  });
  assertEquals(reported.map((e) => (e as Error).message), ["listener failed"]);
  assertEquals(socket!.destroyed, true);
  assert(events.includes("tlsStarted"), String(events));
  // The server's side ends as it may: the client is gone.
  await done.catch(() => {});
});

Deno.test("a connect listener that throws is reported, and the socket is closed", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  let socket: NodeSocket | undefined;
  const reported = await collectReportedErrors(async () => {
    socket = createConnection(
      { hostname: "127.0.0.1", port: listener.addr.port },
      () => {
        throw new Error("listener failed");
      },
    );
    await once(socket, "close");
  });
  assertEquals(reported.map((e) => (e as Error).message), ["listener failed"]);
  assertEquals(socket!.destroyed, true);
  (await accepted).close();
});
