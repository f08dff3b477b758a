// Copyright 2026 the happy-eyeballs authors. MIT license.
// The public behaviour with the real clients: pg, postgres.js, ioredis,
// undici and node:http(s) against real servers (`_testing/servers.ts`).
import { assertEquals } from "@std/assert";
import {
  createConnection,
  createUndiciConnector,
  fromNodeOptions,
  type NodeConnectOptions,
  toNodeSocket,
} from "./mod.ts";
import { connect } from "../connect.ts";
import { upgradeTls } from "../tls.ts";
import { ConnectHistory } from "../history.ts";
import { TEST_CA } from "../_testing/net.ts";
import { needs } from "../_testing/needs.ts";
import {
  POSTGRES_USER,
  startNginx,
  startPostgres,
  startRedis,
} from "../_testing/servers.ts";
import type { Duplex } from "node:stream";
import nodeHttp from "node:http";
import nodeHttps from "node:https";
import pg from "pg";
import postgres from "postgres";
import { AbstractConnector, Redis } from "ioredis";
import type { NetStream } from "ioredis/built/types.js";
import { Agent, request } from "undici";

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

type RedisOptions = NodeConnectOptions & { tls?: NodeConnectOptions };

/** The README's connector: ioredis's options through fromNodeOptions(). */
class HappyEyeballsConnector extends AbstractConnector {
  #options: RedisOptions;
  constructor(options: unknown) {
    super(2_000);
    this.#options = options as RedisOptions;
  }
  override connect(): Promise<NetStream> {
    this.connecting = true;
    const { host, port, family, tls } = this.#options;
    this.stream = createConnection(
      fromNodeOptions({ host, port, family, ...tls }, tls ? { tls: {} } : {}),
    ) as unknown as NetStream;
    return Promise.resolve(this.stream);
  }
}

Deno.test({
  name:
    "ioredis talks to a real Redis over TLS with its own tls option, through the README's connector",
  ...needs("redis"),
  async fn() {
    await using server = await startRedis(true);
    const redis = new Redis({
      host: "localhost",
      port: server.tlsPort!,
      family: 0,
      tls: { ca: TEST_CA, servername: "localhost" },
      Connector: HappyEyeballsConnector,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 5_000,
    });
    await redis.connect();
    await redis.set("greeting", "hello over TLS");
    assertEquals(await redis.get("greeting"), "hello over TLS");
    await redis.quit();
  },
});

Deno.test({
  name: "ioredis talks to a real Redis through a custom connector",
  ...needs("redis"),
  async fn() {
    await using server = await startRedis();
    const redis = new Redis({
      host: "localhost",
      port: server.port,
      family: 0,
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
