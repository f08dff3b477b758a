// Copyright 2026 the happy-eyeballs authors. MIT license.
// node's `lookup` is the resolver, never ignored: an SSRF filter that refuses
// every name keeps every client from connecting, through node:http's agent,
// undici's connector and createConnection().
import { assertEquals, assertRejects } from "@std/assert";
import { once } from "node:events";
import http from "node:http";
import type { Duplex } from "node:stream";
import { Agent, request } from "undici";
import {
  createConnection,
  createUndiciConnector,
  fromNodeOptions,
  type NodeConnectOptions,
} from "./mod.ts";

/** A lookup that refuses every name, as an SSRF filter refuses some. */
function refuseAll(
  hostname: string,
  _options: unknown,
  callback: (error: Error) => void,
): void {
  callback(
    Object.assign(new Error(`Refused by the filter: ${hostname}`), {
      code: "EREFUSED",
    }),
  );
}

/** A server that counts its connections. */
function countingServer(): {
  port: number;
  accepted: () => number;
  close(): void;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  (async () => {
    for await (const conn of listener) {
      accepted++;
      conn.close();
    }
  })();
  return {
    port: listener.addr.port,
    accepted: () => accepted,
    close: () => listener.close(),
  };
}

Deno.test("node's lookup refuses the name for createConnection()", async () => {
  const server = countingServer();
  try {
    const socket = createConnection(
      fromNodeOptions({
        host: "localhost",
        port: server.port,
        lookup: refuseAll as never,
      }),
    );
    const [error] = await once(socket, "error").catch((e) => [e]);
    assertEquals(String(error.message).includes("Refused by the filter"), true);
    assertEquals(server.accepted(), 0);
  } finally {
    server.close();
  }
});

Deno.test("node's lookup refuses the name for node:http's agent", async () => {
  class HappyEyeballsAgent extends http.Agent {
    override createConnection(options: NodeConnectOptions): Duplex {
      return createConnection(fromNodeOptions(options));
    }
  }
  const server = countingServer();
  const agent = new HappyEyeballsAgent();
  try {
    const error = await new Promise<Error>((resolve, reject) => {
      http.get(
        `http://localhost:${server.port}/`,
        { agent, lookup: refuseAll as never },
        () => reject(new Error("answered")),
      ).on("error", resolve);
    });
    assertEquals(error.message.includes("Refused by the filter"), true);
    assertEquals(server.accepted(), 0);
  } finally {
    agent.destroy();
    server.close();
  }
});

Deno.test("node's lookup refuses the name for undici's connector", async () => {
  const server = countingServer();
  const connector = createUndiciConnector();
  const agent = new Agent({
    connect: ((options: NodeConnectOptions, callback: never) =>
      connector({ ...options, lookup: refuseAll as never }, callback)) as never,
  });
  try {
    await assertRejects(
      () => request(`http://localhost:${server.port}/`, { dispatcher: agent }),
      Error,
      "Refused by the filter",
    );
    assertEquals(server.accepted(), 0);
  } finally {
    await agent.close();
    server.close();
  }
});
