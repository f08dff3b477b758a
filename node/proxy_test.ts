// Copyright 2026 the happy-eyeballs authors. MIT license.
// Real clients through real proxies: pg through squid (HTTP CONNECT, and
// the same over TLS to squid's https_port), and
// ioredis over TLS through microsocks (SOCKS5), by the `proxy` option of
// createConnection().
import { assertEquals } from "@std/assert";
import { createConnection } from "./mod.ts";
import type { ConnectOptions } from "../types.ts";
import { TEST_CA } from "../_testing/net.ts";
import { needs } from "../_testing/needs.ts";
import {
  POSTGRES_USER,
  startMicrosocks,
  startPostgres,
  startRedis,
  startSquid,
} from "../_testing/servers.ts";
import pg from "pg";
import { AbstractConnector, Redis } from "ioredis";
import type { NetStream } from "ioredis/built/types.js";

/**
 * pg through `proxy` to a real PostgreSQL: a query answered, and the socket
 * connected to the proxy's `proxyPort` (not to the server directly).
 */
async function pgThrough(
  server: { port: number },
  proxy: NonNullable<ConnectOptions["proxy"]>,
  proxyPort: number,
): Promise<void> {
  let socket: ReturnType<typeof createConnection> | undefined;
  const client = new pg.Client({
    user: POSTGRES_USER,
    database: "postgres",
    keepAlive: true,
    stream: () =>
      socket = createConnection({
        hostname: "127.0.0.1",
        port: server.port,
        proxy,
      }),
  });
  await client.connect();
  const { rows } = await client.query("select 1 + 1 as two");
  assertEquals(rows, [{ two: 2 }]);
  assertEquals(socket?.remotePort, proxyPort);
  await client.end();
}

Deno.test({
  name: "pg talks to a real PostgreSQL through squid",
  ...needs("postgres", "squid"),
  async fn() {
    await using server = await startPostgres();
    await using squid = await startSquid();
    await pgThrough(server, `http://127.0.0.1:${squid.port}`, squid.port);
  },
});

Deno.test({
  name: "pg talks to a real PostgreSQL through squid as an https:// proxy",
  ...needs("postgres", "squid"),
  async fn() {
    await using server = await startPostgres();
    await using squid = await startSquid();
    const url = `https://localhost:${squid.tlsPort}`;
    await pgThrough(server, { url, caCerts: [TEST_CA] }, squid.tlsPort!);
  },
});

Deno.test({
  name: "ioredis talks to a real Redis over TLS through microsocks",
  ...needs("redis", "microsocks"),
  async fn() {
    await using server = await startRedis(true);
    await using socks = await startMicrosocks();
    class ProxyConnector extends AbstractConnector {
      constructor(_options: unknown) {
        super(2_000);
      }
      override connect(): Promise<NetStream> {
        this.connecting = true;
        this.stream = createConnection({
          hostname: "localhost",
          port: server.tlsPort!,
          proxy: `socks5h://127.0.0.1:${socks.port}`,
          tls: { caCerts: [TEST_CA] },
        }) as unknown as NetStream;
        return Promise.resolve(this.stream);
      }
    }
    const redis = new Redis({
      Connector: ProxyConnector,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 5_000,
    });
    await redis.connect();
    await redis.set("greeting", "hello through SOCKS5");
    assertEquals(await redis.get("greeting"), "hello through SOCKS5");
    await redis.quit();
  },
});
