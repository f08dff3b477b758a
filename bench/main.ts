// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * `deno task bench [--quick] [--markdown=FILE]`: every benchmark in one
 * command.
 *
 * 1. The loopback scenarios (`bench/loopback.ts`), `connect()` side by side
 *    with `Deno.connect`. So that both resolve the same names, they run in a
 *    private mount namespace where a copy of /etc/hosts with `he.test` (`::1`
 *    and `127.0.0.1`) and `he4.test` (`127.0.0.1`) is bind-mounted over
 *    /etc/hosts (`unshare -m`, which needs root). Nothing outside the
 *    namespace changes, and this is checked. Without root or `unshare`, the
 *    scenarios by name are skipped and the rest runs as is.
 *    Then, in the same namespace, the cold start (`bench/cold_start.ts`):
 *    whole processes that import `mod.ts` and connect once, beside
 *    `Deno.connect`: CPU time, peak memory, the first connection.
 * 2. The socket of `./node` (`bench/node_socket.ts`): throughput over
 *    loopback against a raw `Deno.TcpConn` and `node:net`, and memory per
 *    idle socket.
 * 3. HTTP/2 through that socket (`bench/node_http2.ts`): undici `allowH2`
 *    over `createUndiciConnector()` beside node:http2's own TLS.
 * 4. The `deno bench` micro-benchmarks (`*_bench.ts`).
 *
 * Run it through `_tools/std.ts` (as `deno task bench` does), which says
 * where the `@std` packages come from.
 *
 * @module
 */
import { canUnshare } from "../_testing/needs.ts";

/** The repository root. */
const ROOT = new URL("../", import.meta.url);

const HOSTS = "/etc/hosts";
const NAMES = [
  "::1 he.test",
  "127.0.0.1 he.test",
  "127.0.0.1 he4.test",
  // Blackholed, refused, refused, good. The last octets share as many leading
  // bits with 127.0.0.1 as each other, so getaddrinfo keeps this order.
  "127.0.0.8 slow.test",
  "127.0.0.10 slow.test",
  "127.0.0.11 slow.test",
  "127.0.0.9 slow.test",
  "::1 tls.test",
  "127.0.0.1 tls.test",
];

/** Runs `bench/NAME` with the flags given, where the names above resolve. */
async function withNames(name: string, flags: string[]): Promise<number> {
  const command = [
    Deno.execPath(),
    "run",
    "--allow-all",
    ...flags,
    new URL(name, import.meta.url).pathname,
    ...Deno.args,
  ];
  if (!canUnshare()) {
    return (await new Deno.Command(command[0]!, {
      args: command.slice(1),
      cwd: ROOT,
      env: { HE_BENCH_NAMES: "0" },
    }).spawn().status).code;
  }
  const dir = await Deno.makeTempDir({ prefix: "he_bench_" });
  try {
    const hosts = `${dir}/hosts`;
    await Deno.writeTextFile(
      hosts,
      `${before.trimEnd()}\n${NAMES.join("\n")}\n`,
    );
    console.log(
      `bench: in a mount namespace where ${hosts} is ${HOSTS} (${
        NAMES.join(", ")
      })`,
    );
    // `sh -c SCRIPT hosts argv...`: the script sees the file as $0 and the
    // command as "$@". unshare makes the new namespace's mounts private.
    return (await new Deno.Command("unshare", {
      args: [
        "-m",
        "sh",
        "-c",
        'mount --bind "$0" /etc/hosts && exec "$@"',
        hosts,
        ...command,
      ],
      cwd: ROOT,
    }).spawn().status).code;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const before = await Deno.readTextFile(HOSTS);
if (!canUnshare()) {
  console.log(
    "bench: no mount namespace (needs root and unshare): the scenarios by name are skipped",
  );
}
let status = await withNames("loopback.ts", ["--v8-flags=--expose-gc"]);
if (!Deno.args.includes("--candidates")) {
  console.log(
    "\nbench: bench/cold_start.ts (whole processes: CPU time, peak memory)",
  );
  // Run even when the loopback scenarios missed a target (`||=` would not).
  const cold = await withNames("cold_start.ts", []);
  status ||= cold;
}
const after = await Deno.readTextFile(HOSTS);
console.log(
  after === before
    ? `bench: ${HOSTS} outside the namespace is unchanged`
    : `bench: ${HOSTS} CHANGED outside the namespace`,
);
if (after !== before) status ||= 1;
// `--candidates` measures only what bench/candidates.ts does.
if (Deno.args.includes("--candidates")) Deno.exit(status);

console.log(
  "\nbench: bench/node_socket.ts (the node:net-compatible socket: throughput, idle memory)",
);
const { code: sockets } = await new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-all",
    "--v8-flags=--expose-gc",
    new URL("node_socket.ts", import.meta.url).pathname,
    ...Deno.args,
  ],
  cwd: ROOT,
}).spawn().status;
status ||= sockets;

console.log(
  "\nbench: bench/node_http2.ts (HTTP/2 through the socket, beside node:http2)",
);
const { code: http2 } = await new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-all",
    new URL("node_http2.ts", import.meta.url).pathname,
    ...Deno.args,
  ],
  cwd: ROOT,
}).spawn().status;
status ||= http2;

console.log("\nbench: $ deno bench (micro-benchmarks)");
const { code: micro } = await new Deno.Command(Deno.execPath(), {
  args: ["bench", "--allow-all"],
  cwd: ROOT,
}).spawn().status;
Deno.exit(status || micro);
