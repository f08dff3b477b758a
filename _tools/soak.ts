// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console
/**
 * Soak test: many races whose first address is blackholed, to show that the
 * losing attempts leak neither file descriptors nor memory.
 *
 * Each race resolves (through the `resolver` hook) to a blackholed loopback
 * address and then a listening one, with a short `happyEyeballsDelay`, so that
 * every race starts the blackholed attempt, starts the good one after the
 * delay, and must abort and close the first. Races run in concurrent batches,
 * first through `Deno.connect`, then through `node:net` (with `localAddr`).
 *
 * Usage: `deno run -A _tools/soak.ts [count]` (default 2,000 per phase); add
 * `--v8-flags=--expose-gc` for heap figures taken after a full collection.
 * Exits with 1 if a race failed, or if the TCP sockets open did not return to
 * their number before the races. Other descriptors are listed when new: the
 * runtime opens a few lazily (a signal-handling socket pair, for one).
 *
 * @module
 */
import { connect, type ConnectOptions } from "../connect.ts";
import { blackhole } from "../_testing/net.ts";

const COUNT = Number(Deno.args[0] ?? 2_000);
const BATCH = 50;
const DELAY = 20;

if (!Number.isInteger(COUNT) || COUNT < 1) {
  console.error(
    `Cannot soak as 'count' must be a positive integer: current value is ${
      Deno.args[0]
    }`,
  );
  Deno.exit(2);
}

/** The inodes of this network namespace's TCP sockets. */
function tcpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(file).split("\n").slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode) inodes.add(inode);
    }
  }
  return inodes;
}

/** This process's open file descriptors, and how many are TCP sockets. */
interface Fds {
  /** Each descriptor and what it points to, such as `socket:[123]`. */
  table: Map<string, string>;
  /** How many descriptors are open. */
  total: number;
  /** How many of them are TCP sockets: what a lost attempt would leave. */
  tcp: number;
}

function openFds(): Fds {
  const table = new Map<string, string>();
  for (const { name } of Deno.readDirSync("/proc/self/fd")) {
    try {
      table.set(name, Deno.readLinkSync(`/proc/self/fd/${name}`));
    } catch {
      // The descriptor of the directory being read is gone already.
    }
  }
  const tcp = tcpInodes();
  const isTcp = (target: string) =>
    tcp.has(target.match(/^socket:\[(\d+)\]$/)?.[1] ?? "");
  return {
    table,
    total: table.size,
    tcp: [...table.values()].filter(isTcp).length,
  };
}

function showFds(fds: Fds): string {
  return `${fds.total} fds (${fds.tcp} TCP sockets)`;
}

/** The descriptors of `after` that `before` did not have. */
function newFds(before: Fds, after: Fds): string[] {
  return [...after.table]
    .filter(([fd, target]) => before.table.get(fd) !== target)
    .map(([fd, target]) => `${fd} -> ${target}`);
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Heap and RSS after a full GC when `--v8-flags=--expose-gc` is given. */
function memory(): { heapUsed: number; rss: number; line: string } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = Deno.memoryUsage();
  return { heapUsed, rss, line: `heap ${mib(heapUsed)}, rss ${mib(rss)}` };
}

/** Waits until the TCP sockets come back to `target` (or 2 s pass). */
async function settledFds(target: number): Promise<Fds> {
  let fds = openFds();
  for (let i = 0; i < 40 && fds.tcp > target; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    fds = openFds();
  }
  return fds;
}

// A server that accepts every connection and closes it at once.
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = listener.addr.port;
const serving = (async () => {
  try {
    for await (const conn of listener) conn.close();
  } catch {
    // The listener was closed.
  }
})();
await using hole = await blackhole("127.0.0.2", port);
function resolver(): string[] {
  return [hole.hostname, "127.0.0.1"];
}

async function phase(
  name: string,
  extra: Partial<ConnectOptions>,
): Promise<boolean> {
  console.log(
    `\n== ${name}: ${COUNT} races, ${BATCH} at a time, delay ${DELAY} ms`,
  );
  const base = {
    hostname: "soak.test",
    port,
    resolver,
    happyEyeballsDelay: DELAY,
    ...extra,
  };
  // Warm up: the first races load code and start runtime threads.
  for (let i = 0; i < 2; i++) (await connect(base)).close();
  const baseline = openFds();
  const start = memory();
  console.log(`start: ${showFds(baseline)}; ${start.line}`);

  let failures = 0;
  let wrongWinner = 0;
  let cancelled = 0;
  let peak = baseline.total;
  let middle = start;
  const began = performance.now();
  for (let done = 0; done < COUNT;) {
    const size = Math.min(BATCH, COUNT - done);
    const results = await Promise.allSettled(
      Array.from({ length: size }, () =>
        connect({
          ...base,
          onEvent(event) {
            if (event.type === "attemptCancelled") cancelled++;
          },
        })),
    );
    peak = Math.max(peak, openFds().total);
    for (const result of results) {
      if (result.status === "rejected") {
        failures++;
        if (failures <= 3) console.log(`failure: ${result.reason}`);
        continue;
      }
      if (result.value.remoteAddr.hostname !== "127.0.0.1") wrongWinner++;
      result.value.close();
    }
    const before = done;
    done += size;
    if (before < COUNT / 2 && done >= COUNT / 2) {
      middle = memory();
      console.log(`middle (${done}): ${showFds(openFds())}; ${middle.line}`);
    }
  }
  const wall = performance.now() - began;
  const after = await settledFds(baseline.tcp);
  const end = memory();
  console.log(`end: ${showFds(after)}, peak ${peak} fds; ${end.line}`);
  const added = newFds(baseline, after);
  if (added.length > 0) console.log(`new fds: ${added.join(", ")}`);
  console.log(
    `failures: ${failures}; won by the blackhole: ${wrongWinner}; ` +
      `blackholed attempts cancelled: ${cancelled} of ${COUNT}`,
  );
  console.log(
    `wall time: ${(wall / 1000).toFixed(2)} s ` +
      `(${(COUNT / (wall / 1000)).toFixed(0)} races/s)`,
  );
  console.log(
    `heap growth start->end: ${mib(end.heapUsed - start.heapUsed)}, ` +
      `middle->end: ${mib(end.heapUsed - middle.heapUsed)}; ` +
      `rss growth start->end: ${mib(end.rss - start.rss)}, ` +
      `middle->end: ${mib(end.rss - middle.rss)}`,
  );
  const ok = failures === 0 && wrongWinner === 0 && cancelled === COUNT &&
    after.tcp === baseline.tcp;
  console.log(ok ? "OK" : "LEAK OR FAILURE");
  return ok;
}

const passed = [
  await phase("Deno.connect", {}),
  await phase("node:net (localAddr)", { localAddr: { hostname: "127.0.0.1" } }),
];
listener.close();
await serving;
if (!passed.every(Boolean)) Deno.exitCode = 1;
