// Copyright 2026 the happy-eyeballs authors. MIT license.
// node:net's promises that the socket keeps: the server's FIN reaches a
// socket with no `data` listener, a timeout beyond the timer limit does not
// spin, node's `timeout` option runs while dialling, and `unref()` while
// dialling lets the process exit.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { once } from "node:events";
import http from "node:http";
import type { Duplex } from "node:stream";
import {
  createConnection,
  createUndiciConnector,
  fromNodeOptions,
  type NodeConnectOptions,
} from "./mod.ts";
import { IdleTimer } from "./_idle_timer.ts";
import { blackhole, TEST_CA } from "../_testing/net.ts";
import { ROOT } from "../_testing/command.ts";
import { record } from "../_testing/node_socket.ts";

/** Rejects when `promise` has not settled within `ms` (loopback: generous). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Not within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a write-only socket (no data listener) sees the server's FIN: end, then close", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = listener.accept().then(async (conn) => {
    // Read what the client sends, up to its FIN, then close.
    for await (const _ of conn.readable) { /* discard */ }
  });
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const events = record(socket);
  socket.end("bye");
  await within(once(socket, "close"), 5_000);
  await served;
  assertEquals(events, ["connect", "ready", "finish", "end", "close(false)"]);
});

Deno.test("a write-only socket sees the server's reset or FIN while it still writes", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = listener.accept().then((conn) => conn.close());
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  socket.on("error", () => {});
  await once(socket, "connect");
  await served;
  await within(once(socket, "close"), 5_000);
  assert(socket.destroyed);
});

Deno.test("IdleTimer never arms a timer beyond 2^31-1 ms: no 1 ms spin", async () => {
  const delays: number[] = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return original(fn, ms);
  }) as typeof setTimeout;
  const timer = new IdleTimer(() => {});
  try {
    timer.set(2 ** 32);
    await new Promise((resolve) => original(resolve, 30));
  } finally {
    timer.clear();
    globalThis.setTimeout = original;
  }
  assertEquals(delays, [2 ** 31 - 1]);
});

Deno.test("node's timeout option emits timeout while dialling a blackhole", async () => {
  await using hole = await blackhole();
  const socket = createConnection(
    fromNodeOptions({ host: hole.hostname, port: hole.port, timeout: 100 }),
  );
  const started = performance.now();
  await within(once(socket, "timeout"), 5_000);
  const elapsed = performance.now() - started;
  assert(elapsed >= 90, `timeout after ${elapsed} ms`);
  socket.destroy();
  await once(socket, "close");
});

Deno.test("createUndiciConnector() applies undici's connectTimeout", async () => {
  await using hole = await blackhole();
  const connector = createUndiciConnector({ connectTimeout: 300 });
  const started = performance.now();
  const error = await within(
    new Promise<Error | null>((resolve) => {
      connector(
        { hostname: hole.hostname, port: hole.port, protocol: "http:" },
        resolve,
      );
    }),
    5_000,
  );
  const elapsed = performance.now() - started;
  assertEquals(
    (error as { code?: string } | null)?.code,
    "UND_ERR_CONNECT_TIMEOUT",
  );
  assert(elapsed >= 290, `timed out after ${elapsed} ms`);
  assertThrows(() => createUndiciConnector({ connectTimeout: 0 }), RangeError);
});

Deno.test("node:http's timeout reaches the socket while dialling, as ws's handshakeTimeout needs", async () => {
  class HappyEyeballsAgent extends http.Agent {
    override createConnection(options: NodeConnectOptions): Duplex {
      return createConnection(fromNodeOptions(options));
    }
  }
  await using hole = await blackhole();
  const agent = new HappyEyeballsAgent();
  try {
    const started = performance.now();
    const request = http.get(`http://${hole.hostname}:${hole.port}/`, {
      agent,
      timeout: 200,
    });
    request.on("error", () => {});
    await within(once(request, "timeout"), 5_000);
    const elapsed = performance.now() - started;
    assert(elapsed >= 190, `timeout after ${elapsed} ms`);
    const closed = new Promise((resolve) => request.on("close", resolve));
    request.destroy();
    await closed;
  } finally {
    agent.destroy();
  }
});

/** Dials a blackhole as `mode` says, unreferencing the socket on the way. */
const UNREF_CHILD = `
import { createConnection } from "./node/mod.ts";
const [mode, hostname, port, ca] = JSON.parse(Deno.args[0]);
const socket = createConnection({
  hostname: mode === "by name" ? "localhost" : hostname,
  port,
  ...(mode === "localAddr" ? { localAddr: { hostname } } : {}),
  ...(mode === "tls" ? { tls: { caCerts: [ca], serverName: "localhost" } } : {}),
});
socket.on("error", (error) => console.error(String(error)));
if (mode === "later") setTimeout(() => socket.unref(), 300);
else socket.unref();
if (mode === "unref, then ref") socket.ref();
`;

Deno.test("unref() while dialling lets the process exit, as node:net does; ref() again keeps it alive", async () => {
  await using hole = await blackhole();
  const modes = ["at once", "later", "by name", "localAddr", "tls"];
  const exits: Record<string, number> = {};
  for (const mode of [...modes, "unref, then ref"]) {
    const kept = mode === "unref, then ref";
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--ext=ts",
        `--config=${new URL("deno.json", ROOT).pathname}`,
        UNREF_CHILD,
        JSON.stringify([mode, hole.hostname, hole.port, TEST_CA]),
      ],
      cwd: ROOT,
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
      // Generous: an unreferenced dial exits within the attempt delays; a
      // referenced one waits for the system's connect timeout (minutes).
      signal: AbortSignal.timeout(kept ? 3_000 : 20_000),
    }).output().catch(() => ({ code: -1 }));
    exits[mode] = kept ? code === 0 ? 0 : -1 : code;
  }
  assertEquals(exits, {
    "at once": 0,
    later: 0,
    "by name": 0,
    localAddr: 0,
    tls: 0,
    "unref, then ref": -1,
  });
});

Deno.test("a socket unreferenced while dialling connects all the same, and carries data", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  // Every connection echoed: the first dial, aborted, may have been accepted.
  const served: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      served.push(conn.readable.pipeTo(conn.writable).catch(() => {}));
    }
  })();
  const events: string[] = [];
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
    onEvent: (event) => events.push(event.type),
  });
  socket.unref();
  await within(once(socket, "connect"), 10_000);
  socket.write("hi");
  const [data] = await within(once(socket, "data"), 10_000);
  assertEquals(String(data), "hi");
  socket.destroy();
  await once(socket, "close");
  listener.close();
  await accepting.catch(() => {});
  await Promise.all(served);
  assertEquals(events.filter((type) => type === "attemptWon").length, 1);
});
