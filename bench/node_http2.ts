// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a benchmark: printing is its job.
/**
 * HTTP/2 through the socket of `node/`: undici (`allowH2`) over
 * `createUndiciConnector()`, against node:http2's own TLS and undici's own
 * connector, each fetching 1 MiB over one TLS connection on loopback, after
 * a warm-up request; the median time per request of 20 (`--quick`: 5).
 * Target: the socket at most 2× node:http2's own TLS.
 *
 * Flags: `--quick`, and `--markdown=FILE` (the table is appended there). The
 * server is a process of its own (`bench/_h2_peer.ts`). Run it through
 * `bench/main.ts` (`deno task bench`), or alone with
 * `deno run -A bench/node_http2.ts [--quick]`.
 *
 * @module
 */
import http2 from "node:http2";
import { Agent, request } from "undici";
import { createUndiciConnector } from "../node/mod.ts";
import { firstLine, TEST_CA } from "../_testing/net.ts";
import { median } from "./_measure.ts";

const QUICK = Deno.args.includes("--quick");
const MARKDOWN = Deno.args.find((a) => a.startsWith("--markdown="))
  ?.slice("--markdown=".length);
const RUNS = QUICK ? 5 : 20;
const SIZE = 1024 * 1024;
const TARGET = 2;

const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("_h2_peer.ts", import.meta.url).href],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const port = Number(await firstLine(child.stdout));
const url = `https://localhost:${port}/`;

/** A client: fetches 1 MiB, resolving to its length; then closes. */
interface Client {
  name: string;
  fetch(): Promise<number>;
  close(): Promise<void>;
}

function nodeHttp2(): Client {
  const session = http2.connect(url, { ca: TEST_CA });
  return {
    name: "node:http2 (its own TLS)",
    fetch: () =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ":path": "/" });
        let length = 0;
        stream.on("data", (chunk: Uint8Array) => length += chunk.length);
        stream.on("end", () => resolve(length));
        stream.on("error", reject);
      }),
    // Closed here: left open, it crashes this process as it exits now and
    // then (Deno 2.9.6). Its GOAWAY trips an assertion of Deno's nghttp2 in
    // the server instead, whose exit status is not ours.
    close: () => new Promise<void>((resolve) => session.close(() => resolve())),
  };
}

function undici(
  name: string,
  connect: NonNullable<Agent.Options["connect"]>,
): Client {
  const agent = new Agent({ allowH2: true, connect });
  return {
    name,
    fetch: async () => {
      const response = await request(url, { dispatcher: agent });
      return (await response.body.arrayBuffer()).byteLength;
    },
    close: () => agent.close(),
  };
}

// node:http2 last: see its close().
const clients = [
  () =>
    undici(
      "undici allowH2, createUndiciConnector()",
      createUndiciConnector({
        tls: { caCerts: [TEST_CA], alpnProtocols: ["h2", "http/1.1"] },
      }) as unknown as NonNullable<Agent.Options["connect"]>,
    ),
  () => undici("undici allowH2, its own connector", { ca: TEST_CA }),
  nodeHttp2,
];

const lines: string[] = [];
function print(line = ""): void {
  console.log(line);
  lines.push(line);
}

print(`### HTTP/2 over TLS on loopback: 1 MiB per request, median of ${RUNS}`);
print();
print("| client | ms per request | × node:http2 |");
print("| --- | ---: | ---: |");
const rows: [string, number][] = [];
for (const make of clients) {
  const client = make();
  try {
    if (await client.fetch() !== SIZE) throw new Error(`${client.name}: size`);
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      if (await client.fetch() !== SIZE) {
        throw new Error(`${client.name}: size`);
      }
      runs.push(performance.now() - start);
    }
    rows.push([client.name, median(runs)]);
  } finally {
    await client.close();
  }
}
const own = rows.at(-1)![1];
for (const [name, ms] of rows) {
  print(`| ${name} | ${ms.toFixed(1)} | ${(ms / own).toFixed(2)} |`);
}
const ratio = rows[0]![1] / own;
print();
print(
  `Target: the socket at most ${TARGET}× node:http2's own TLS: ${
    ratio <= TARGET ? "met" : "NOT met"
  } (${ratio.toFixed(2)}×).`,
);
if (MARKDOWN) {
  await Deno.writeTextFile(MARKDOWN, "\n" + lines.join("\n") + "\n", {
    append: true,
  });
}
await child.stdin.close();
await child.status;
