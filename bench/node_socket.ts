// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a benchmark: printing is its job.
/**
 * The socket of `./node` against what it wraps and what it replaces, over
 * loopback, printed as Markdown tables:
 *
 * - throughput, 1 GiB each way (`--quick`: 64 MiB): a raw `Deno.TcpConn`
 *   (256 KiB reads and writes, into one buffer reused), the same raw loop
 *   reading into fresh memory as the socket does (its `ReadBuffers`: 1 MiB
 *   slabs, each chunk a view; a consumer may keep every chunk it was handed,
 *   so a socket cannot reuse one buffer), the socket of `createConnection()`,
 *   and `node:net` in Deno, each consumed and fed as a client would (`data`
 *   events; `write()` until it returns `false`, then `drain`); the median of
 *   three runs (`--quick`: one), the clients alternated within each run.
 *   Targets: receiving, the socket at least 0.9x the raw loop with fresh
 *   memory (what the socket adds: the `Duplex`, its events); sending, at
 *   least 0.8x the raw connection.
 * - memory per idle socket (heap + external, and RSS), 500 connections
 *   (`--quick`: 50) each waiting to read, after garbage collection.
 *
 * Flags: `--quick`, and `--markdown=FILE` (the tables are appended there).
 *
 * The peer is a process of its own (`bench/_stream_peer.ts`). Run it through
 * `bench/main.ts` (`deno task bench`), or alone with
 * `deno run -A --v8-flags=--expose-gc bench/node_socket.ts [--quick]`.
 *
 * @module
 */
import { delay } from "@std/async/delay";
import { Buffer } from "node:buffer";
import { once } from "node:events";
import net from "node:net";
import type { Duplex } from "node:stream";
import { createConnection } from "../node/mod.ts";
import { ReadBuffers } from "../node/_read_buffers.ts";
import { firstLine } from "../_testing/net.ts";

const QUICK = Deno.args.includes("--quick");
const MARKDOWN = Deno.args.find((a) => a.startsWith("--markdown="))
  ?.slice("--markdown=".length);
const SIZE = (QUICK ? 64 : 1024) * 1024 * 1024;
const RUNS = QUICK ? 1 : 3;
const IDLE = QUICK ? 50 : 500;
const BLOCK = 256 * 1024;
const RECEIVE_TARGET = 0.9;
const SEND_TARGET = 0.8;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net",
    new URL("_stream_peer.ts", import.meta.url).href,
  ],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const port = Number(await firstLine(child.stdout));

function header(mode: "r" | "w" | "i"): Uint8Array {
  if (mode !== "r") return new Uint8Array([mode.charCodeAt(0)]);
  const bytes = new Uint8Array(9);
  bytes[0] = "r".charCodeAt(0);
  new DataView(bytes.buffer).setBigUint64(1, BigInt(SIZE));
  return bytes;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    offset += await conn.write(data.subarray(offset));
  }
}

// ---------------------------------------------------------- the clients

interface Client {
  name: string;
  receive(): Promise<number>;
  send(): Promise<void>;
  idle(): Promise<() => Promise<void>>;
}

const raw: Client = {
  name: "Deno.TcpConn (raw)",
  async receive() {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, header("r"));
    const buffer = new Uint8Array(BLOCK);
    let total = 0;
    for (let n; (n = await conn.read(buffer)) !== null;) total += n;
    conn.close();
    return total;
  },
  async send() {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, header("w"));
    const block = new Uint8Array(BLOCK);
    for (let sent = 0; sent < SIZE; sent += BLOCK) await writeAll(conn, block);
    await conn.closeWrite();
    await conn.read(new Uint8Array(1));
    conn.close();
  },
  async idle() {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, header("i"));
    // Waiting to read, as a client's read loop does.
    const reading = conn.read(new Uint8Array(16 * 1024)).catch(() => null);
    return async () => {
      conn.close();
      await reading;
    };
  },
};

/**
 * The raw connection read as a socket must read it: into fresh memory that
 * the consumer may keep (the socket's own buffers), with no stream around.
 */
const rawFresh: Client = {
  ...raw,
  name: "Deno.TcpConn (raw, fresh memory as the socket's)",
  async receive() {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, header("r"));
    const buffers = new ReadBuffers();
    let total = 0;
    for (let n; (n = await conn.read(buffers.next())) !== null;) {
      total += buffers.take(n).length;
    }
    conn.close();
    return total;
  },
};

/** A client of a node:net-shaped socket: this module's, or node:net's. */
function nodeClient(name: string, open: () => Duplex): Client {
  async function connected(): Promise<Duplex> {
    const socket = open();
    await once(socket, "connect");
    return socket;
  }
  return {
    name,
    async receive() {
      const socket = await connected();
      socket.write(header("r"));
      let total = 0;
      socket.on("data", (chunk: Buffer) => total += chunk.length);
      await once(socket, "close");
      return total;
    },
    async send() {
      const socket = await connected();
      socket.write(header("w"));
      const block = Buffer.alloc(BLOCK);
      for (let sent = 0; sent < SIZE; sent += BLOCK) {
        if (!socket.write(block)) await once(socket, "drain");
      }
      socket.end();
      socket.resume();
      await once(socket, "close");
    },
    async idle() {
      const socket = await connected();
      socket.write(header("i"));
      socket.on("data", () => {});
      return async () => {
        const closed = once(socket, "close");
        socket.destroy();
        await closed;
      };
    },
  };
}

const clients = [
  raw,
  rawFresh,
  nodeClient(
    "node/ createConnection()",
    () => createConnection({ hostname: "127.0.0.1", port }),
  ),
  nodeClient(
    "node:net in Deno",
    () => net.createConnection({ host: "127.0.0.1", port }),
  ),
];

// ---------------------------------------------------------- measurements

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const MIB = 1024 * 1024;
const lines: string[] = [];
function print(line = ""): void {
  console.log(line);
  lines.push(line);
}

/** Lets pending work finish and collects garbage, twice over. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await delay(50);
    gc();
  }
}

// Memory first, in a fresh process, before the transfers churn the heap.
print(`### Memory per idle socket: ${IDLE} connections waiting to read`);
print();
print("| client | heap + external KiB | RSS KiB |");
print("| --- | ---: | ---: |");
// The fresh-memory loop idles as the raw one does.
for (const client of clients.filter((c) => c !== rawFresh)) {
  await settle();
  const before = Deno.memoryUsage();
  const closers = [];
  for (let i = 0; i < IDLE; i++) closers.push(await client.idle());
  await settle();
  const after = Deno.memoryUsage();
  const heap = (after.heapUsed + after.external - before.heapUsed -
    before.external) / IDLE / 1024;
  const rss = (after.rss - before.rss) / IDLE / 1024;
  print(`| ${client.name} | ${heap.toFixed(1)} | ${rss.toFixed(1)} |`);
  await Promise.all(closers.map((close) => close()));
}
print();

print(
  `### Throughput over loopback: ${SIZE / MIB} MiB each way, median of ${RUNS}`,
);
print();
print(
  "| client | receive MiB/s | × raw | × raw, fresh memory | send MiB/s | × raw |",
);
print("| --- | ---: | ---: | ---: | ---: | ---: |");
// The clients alternated within each run, so that a busy moment of the
// machine falls on all of them alike.
const runs = new Map(
  clients.map((c) => [c, { receive: [] as number[], send: [] as number[] }]),
);
for (let run = 0; run < RUNS; run++) {
  for (const client of clients) {
    const entry = runs.get(client)!;
    const got = { bytes: 0 };
    entry.receive.push(
      SIZE / MIB /
        await seconds(async () => got.bytes = await client.receive()),
    );
    if (got.bytes !== SIZE) throw new Error(`${client.name} got ${got.bytes}`);
    entry.send.push(SIZE / MIB / await seconds(() => client.send()));
  }
}
const rates = new Map(
  [...runs].map(([c, r]) => [c, {
    receive: median(r.receive),
    send: median(r.send),
  }]),
);
const base = rates.get(raw)!;
const fresh = rates.get(rawFresh)!;
for (const [client, r] of rates) {
  print(
    `| ${client.name} | ${r.receive.toFixed(0)} | ${
      (r.receive / base.receive).toFixed(2)
    } | ${(r.receive / fresh.receive).toFixed(2)} | ${r.send.toFixed(0)} | ${
      (r.send / base.send).toFixed(2)
    } |`,
  );
}
const mine = rates.get(clients[2]!)!;
const receiving = mine.receive / fresh.receive;
const sending = mine.send / base.send;
print();
print(
  `Targets: receiving, the socket at least ${RECEIVE_TARGET}× the raw loop with the socket's fresh memory: ${
    receiving >= RECEIVE_TARGET ? "met" : "NOT met"
  } (${receiving.toFixed(2)}×; ${
    (mine.receive / base.receive).toFixed(2)
  }× the raw loop that reuses one buffer); sending, at least ${SEND_TARGET}× the raw connection: ${
    sending >= SEND_TARGET ? "met" : "NOT met"
  } (${sending.toFixed(2)}×).`,
);

// Appended: bench/loopback.ts has written its tables there first.
if (MARKDOWN) {
  await Deno.writeTextFile(MARKDOWN, "\n" + lines.join("\n") + "\n", {
    append: true,
  });
}
await child.stdin.close();
await child.status;
