// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a benchmark: printing is its job.
/**
 * The loopback scenarios of `deno task bench`: `connect()` and `Deno.connect`
 * (Deno's built-in Happy Eyeballs) side by side in the same run, on
 * loopback only, printed as a Markdown table.
 *
 * Run it through `bench/main.ts`, which runs it where `he.test` resolves to
 * `::1` and `127.0.0.1` and `he4.test` to `127.0.0.1` (a private /etc/hosts
 * in a mount namespace), so that both clients resolve the same names. Without
 * those names, the scenarios by name are skipped.
 *
 * Flags: `--quick` (a tenth of the iterations, to see that it runs),
 * `--only=NAME` (one scenario, by the name of its function, such as
 * `tlsSilent`),
 * `--markdown=FILE` (also write the tables there), `--candidates` (instead,
 * the measurements of bench/candidates.ts).
 *
 * @module
 */
import { delay } from "@std/async/delay";
import { lookup } from "node:dns/promises";
import { connect } from "../connect.ts";
import { ConnectHistory } from "../history.ts";
import { dnsResolver } from "../resolve_dns.ts";
import { acceptingServer, blackhole } from "../_testing/net.ts";
import { dnsServer } from "../_testing/dns.ts";
import { alternated, median, shuffled, sink } from "./_measure.ts";
import { proxyBlackholed, socksTargetBlackholed } from "./_proxy.ts";

const QUICK = Deno.args.includes("--quick");
const MARKDOWN = Deno.args.find((a) => a.startsWith("--markdown="))
  ?.slice("--markdown=".length);
/** The Connection Attempt Delay of both clients (Deno's default). */
const DELAY = 250;
const CONCURRENT = 500;

function scaled(n: number): number {
  return QUICK ? Math.max(3, Math.round(n / 10)) : n;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

// ---------------------------------------------------------------- fixtures

/** Whether nothing listens on `[::1]:port`, so that connecting is refused. */
function isFreeOnIpv6(port: number): boolean {
  try {
    Deno.listen({ hostname: "::1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** Whether the names of bench/main.ts resolve as it arranged. */
async function namesReady(): Promise<boolean> {
  try {
    const both = await lookup("he.test", { all: true, verbatim: true });
    const four = await lookup("he4.test", { all: true, verbatim: true });
    const has = (list: { address: string }[], a: string) =>
      list.some((e) => e.address === a);
    const slow = await lookup("slow.test", { all: true, verbatim: true });
    const tls = await lookup("tls.test", { all: true, verbatim: true });
    return has(both, "::1") && has(both, "127.0.0.1") &&
      has(tls, "::1") && has(tls, "127.0.0.1") &&
      four.length === 1 && has(four, "127.0.0.1") &&
      slow.map((e) => e.address).join(" ") ===
        "127.0.0.8 127.0.0.10 127.0.0.11 127.0.0.9";
  } catch {
    return false;
  }
}

function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** TCP sockets in SYN_SENT towards `[::1]:port`, of any process here. */
function synSent(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return Deno.readTextFileSync("/proc/net/tcp6").split("\n").slice(1)
    .filter((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[2]?.endsWith(`:${hexPort}`) && fields[3] === "02";
    }).length;
}

// ------------------------------------------------------------------ stats

interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: median(sorted),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

type Client = () => Promise<Deno.Conn>;

/** Times `n` connections of each client, alternated, after a warm-up. */
async function paired(
  n: number,
  clients: Record<string, Client>,
): Promise<Record<string, Stats>> {
  const samples = await alternated(clients, n, Math.min(50, Math.ceil(n / 10)));
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [name, stats(list)]),
  );
}

// ----------------------------------------------------------------- report

interface Row {
  scenario: string;
  client: string;
  stats: Stats;
  /** Our median over the other client's, on our row. */
  ratio?: number;
  target?: string;
  met?: boolean;
}

const rows: Row[] = [];
/** Clients of the concurrent scenario that missed their target. */
let missedBursts = 0;
const notes: string[] = [];

function ms(value: number): string {
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

function compare(
  scenario: string,
  results: Record<string, Stats>,
  ours: string,
  theirs: string,
  target: string,
  met: (ours: Stats, theirs: Stats) => boolean,
): void {
  const a = results[ours]!;
  const b = results[theirs]!;
  rows.push({
    scenario,
    client: ours,
    stats: a,
    ratio: a.median / b.median,
    target,
    met: met(a, b),
  });
  rows.push({ scenario: "", client: theirs, stats: b });
}

function table(): string {
  const lines = [
    "| scenario | client | n | median ms | min ms | max ms | ratio | target | met |",
    "| --- | --- | --: | --: | --: | --: | --: | --- | --- |",
  ];
  for (const row of rows) {
    const { n, median, min, max } = row.stats;
    lines.push(
      `| ${row.scenario} | ${row.client} | ${n} | ${ms(median)} | ${
        ms(min)
      } | ${ms(max)} | ${
        row.ratio === undefined
          ? ""
          : row.ratio < 0.1
          ? row.ratio.toPrecision(2)
          : row.ratio.toFixed(2)
      } | ${row.target ?? ""} | ${
        row.met === undefined ? "" : row.met ? "yes" : "**no**"
      } |`,
    );
  }
  return lines.join("\n");
}

// -------------------------------------------------------------- scenarios

const OURS = "connect()";
const DENO = "Deno.connect";

async function healthy(names: boolean): Promise<void> {
  await using server = await sink(1);
  const port = server.ports[0]!;
  const n = scaled(3_000);
  const literal = await paired(n, {
    [OURS]: () => connect({ hostname: "127.0.0.1", port }),
    [DENO]: () => Deno.connect({ hostname: "127.0.0.1", port }),
  });
  compare(
    "healthy: 127.0.0.1, sequential",
    literal,
    OURS,
    DENO,
    "≤ 1.05 × Deno",
    (a, b) => a.median <= 1.05 * b.median,
  );
  if (!names) return;
  // The floor: the look-up connect() makes (node:dns), then Deno.connect.
  const FLOOR = "node:dns + Deno.connect";
  const byName = await paired(n, {
    [OURS]: () => connect({ hostname: "he4.test", port }),
    [DENO]: () => Deno.connect({ hostname: "he4.test", port }),
    [FLOOR]: () =>
      lookup("he4.test", { all: true, verbatim: true }).then(([first]) =>
        Deno.connect({ hostname: first!.address, port })
      ),
  });
  // No option: the process-wide history (winners only), a look-up each time.
  const floor = byName[FLOOR]!.median;
  compare(
    "healthy: he4.test → 127.0.0.1, sequential, looked up each time",
    byName,
    OURS,
    DENO,
    `≤ the floor + 5 µs (${ms(floor + 0.005)})`,
    (a) => a.median <= floor + 0.005,
  );
  rows.push({
    scenario: "",
    client: `${FLOOR} (the floor)`,
    stats: byName[FLOOR]!,
    ratio: floor / byName[DENO]!.median,
  });
  // A shared history remembers the addresses (for 60 s by default): later
  // connections skip the look-up.
  const history = new ConnectHistory();
  const remembered = await paired(n, {
    [`${OURS} + history`]: () =>
      connect({ hostname: "he4.test", port, history }),
    [DENO]: () => Deno.connect({ hostname: "he4.test", port }),
  });
  compare(
    "healthy: he4.test, repeated, with ConnectHistory",
    remembered,
    `${OURS} + history`,
    DENO,
    "≥ 1.5 × faster than Deno",
    (a, b) => 1.5 * a.median <= b.median,
  );
}

/** A sink port whose [::1] twin is blackholed. */
async function blackholedTwin(tls = false): Promise<
  { port: number } & AsyncDisposable
> {
  for (let tries = 0;; tries++) {
    const server = await sink(1, tls);
    const port = server.ports[0]!;
    try {
      const hole = await blackhole("::1", port);
      return {
        port,
        async [Symbol.asyncDispose]() {
          await hole[Symbol.asyncDispose]();
          await server[Symbol.asyncDispose]();
        },
      };
    } catch (error) {
      await server[Symbol.asyncDispose]();
      if (tries === 5) throw error;
    }
  }
}

async function blackholed(names: boolean): Promise<void> {
  await using twin = await blackholedTwin();
  const { port } = twin;
  const resolver = () => ["::1", "127.0.0.1"];
  if (names) {
    const results = await paired(scaled(20), {
      // The race itself: the process-wide history would remember the winner.
      [OURS]: () => connect({ hostname: "he.test", port, history: false }),
      [DENO]: () => Deno.connect({ hostname: "he.test", port }),
    });
    compare(
      "[::1] blackholed, 127.0.0.1 good: he.test, history: false",
      results,
      OURS,
      DENO,
      `≤ ${DELAY} + 5 ms`,
      (a) => a.median <= DELAY + 5,
    );
  } else {
    const results = await paired(scaled(20), {
      [OURS]: () => connect({ hostname: "he.test", port, resolver }),
    });
    rows.push({
      scenario: "[::1] blackholed, 127.0.0.1 good (resolver hook)",
      client: OURS,
      stats: results[OURS]!,
      target: `≤ ${DELAY} + 5 ms`,
      met: results[OURS]!.median <= DELAY + 5,
    });
  }

  // Remembered winners without any option (the process-wide history): the
  // blackhole costs the delay once, not every time.
  if (names) {
    const results = await paired(scaled(100), {
      [OURS]: () => connect({ hostname: "he.test", port }),
      [DENO]: () => Deno.connect({ hostname: "he.test", port }),
    });
    compare(
      "[::1] blackholed, repeated, no option",
      results,
      OURS,
      DENO,
      "< 5 ms each",
      (a) => a.median < 5,
    );
  }
}

async function refused(names: boolean): Promise<void> {
  let server = await sink(1);
  // A port where nothing listens on [::1]: the first attempt is refused.
  while (!isFreeOnIpv6(server.ports[0]!)) {
    await server[Symbol.asyncDispose]();
    server = await sink(1);
  }
  await using _server = server;
  const port = server.ports[0]!;
  if (!names) {
    const results = await paired(scaled(200), {
      [OURS]: () =>
        connect({
          hostname: "he.test",
          port,
          resolver: () => ["::1", "127.0.0.1"],
        }),
    });
    rows.push({
      scenario: "[::1] refused, 127.0.0.1 good (resolver hook)",
      client: OURS,
      stats: results[OURS]!,
      target: "< 5 ms",
      met: results[OURS]!.median < 5,
    });
    return;
  }
  const results = await paired(scaled(200), {
    [OURS]: () => connect({ hostname: "he.test", port, history: false }),
    [DENO]: () => Deno.connect({ hostname: "he.test", port }),
  });
  compare(
    "[::1] refused, 127.0.0.1 good: he.test, history: false",
    results,
    OURS,
    DENO,
    "< 5 ms",
    (a) => a.median < 5,
  );
}

interface Burst {
  client: string;
  wall: number;
  failures: number;
  heapPerRace: number;
  rssPerRace: number;
  fdsLeft: number;
  synSentLeft: number;
}

/** `CONCURRENT` connections at once past a blackholed [::1]. */
async function burst(
  client: string,
  port: number,
  open: () => Promise<Deno.Conn>,
): Promise<Burst> {
  gc();
  const fds = openFds();
  const syn = synSent(port);
  const before = Deno.memoryUsage();
  const start = performance.now();
  const pending = Array.from(
    { length: CONCURRENT },
    () => open().then((conn) => ({ conn }), (error) => ({ error })),
  );
  // Halfway through the delay, every race waits on the blackhole.
  await delay(DELAY / 2);
  gc();
  const peak = Deno.memoryUsage();
  const results = await Promise.all(pending);
  const wall = performance.now() - start;
  let failures = 0;
  for (const result of results) {
    if ("conn" in result) result.conn.close();
    else failures++;
  }
  return {
    client,
    wall,
    failures,
    heapPerRace: (peak.heapUsed - before.heapUsed) / CONCURRENT,
    rssPerRace: (peak.rss - before.rss) / CONCURRENT,
    fdsLeft: openFds() - fds,
    synSentLeft: synSent(port) - syn,
  };
}

async function concurrent(names: boolean): Promise<string> {
  await using twin = await blackholedTwin();
  const { port } = twin;
  const clients: [string, () => Promise<Deno.Conn>][] = [
    [
      `${OURS} (resolver hook)`,
      () =>
        connect({
          hostname: "he.test",
          port,
          resolver: () => ["::1", "127.0.0.1"],
        }),
    ],
  ];
  if (names) {
    clients.push(
      [
        `${OURS} (history: false)`,
        () => connect({ hostname: "he.test", port, history: false }),
      ],
      [DENO, () => Deno.connect({ hostname: "he.test", port })],
    );
  }
  const rounds = QUICK ? 1 : 5;
  const lines = [
    `| client | races | rounds | failures | wall ms (median, max) | heap KB/race | RSS KB/race | fds left | SYN_SENT left | target | met |`,
    "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- | --- |",
  ];
  // Rounds alternate the clients, in a random order each, after a warm-up.
  const bursts = new Map<string, Burst[]>(clients.map(([c]) => [c, []]));
  for (let round = -1; round < rounds; round++) {
    for (const [client, open] of shuffled(clients)) {
      const result = await burst(client, port, open);
      if (round >= 0) bursts.get(client)!.push(result);
    }
  }
  const denoWall = names
    ? stats(bursts.get(DENO)!.map((b) => b.wall))
    : undefined;
  for (const [client] of clients) {
    const list = bursts.get(client)!;
    const wall = stats(list.map((b) => b.wall));
    const failures = list.reduce((sum, b) => sum + b.failures, 0);
    const left = (key: "fdsLeft" | "synSentLeft") =>
      Math.max(...list.map((b) => b[key]));
    const mean = (key: "heapPerRace" | "rssPerRace") =>
      list.reduce((sum, b) => sum + b[key], 0) / list.length / 1024;
    const ours = client.startsWith(OURS);
    // The wall target compares with Deno.connect's, where it ran.
    const wallMet = denoWall
      ? wall.median <= denoWall.median + 10
      : wall.max <= DELAY + 100;
    const heapMet = mean("heapPerRace") <= 3;
    const safe = failures === 0 && left("fdsLeft") <= 0 &&
      left("synSentLeft") <= 0;
    const met = safe && wallMet && heapMet;
    // Which part missed, when one did.
    const verdict = met ? "yes" : `**no**: ${
      [
        safe ? "" : "failures or leftovers",
        wallMet ? "" : "wall",
        heapMet ? "" : "heap",
      ].filter(Boolean).join(", ")
    }`;
    lines.push(
      `| ${client} | ${CONCURRENT} | ${rounds} | ${failures} | ${
        ms(wall.median)
      }, ${ms(wall.max)} | ${mean("heapPerRace").toFixed(1)} | ${
        mean("rssPerRace").toFixed(1)
      } | ${left("fdsLeft")} | ${left("synSentLeft")} | ${
        ours
          ? `no failure, wall ≤ ${
            denoWall ? "Deno + 10 ms" : `${DELAY} + 100 ms`
          }, ≤ 3 KB/race, nothing left`
          : ""
      } | ${ours ? verdict : ""} |`,
    );
    if (ours && !met) missedBursts++;
  }
  return lines.join("\n");
}

/**
 * TLS past a blackholed [::1]: the race, then the handshake, against
 * `Deno.connectTls`, which races (by name) and handshakes in Rust.
 */
async function tlsBlackholed(names: boolean): Promise<void> {
  if (!names) return;
  await using twin = await blackholedTwin(true);
  const { port } = twin;
  const caCerts = [
    await Deno.readTextFile(new URL("../testdata/ca.pem", import.meta.url)),
  ];
  const results = await paired(scaled(40), {
    [OURS]: () =>
      connect({ hostname: "tls.test", port, tls: { caCerts }, history: false }),
    "Deno.connectTls": async () => {
      const conn = await Deno.connectTls({
        hostname: "tls.test",
        port,
        caCerts,
      });
      await conn.handshake();
      return conn;
    },
  });
  compare(
    "TLS: [::1] blackholed, 127.0.0.1 good: tls.test, handshake included, history: false",
    results,
    OURS,
    "Deno.connectTls",
    "≤ 1.00 × Deno",
    (a, b) => a.median <= b.median,
  );
}

/**
 * TLS where [::1] accepts TCP and then never speaks (a broken middlebox),
 * and 127.0.0.1 is good: the handshake inside the race (the default) against
 * asyncio's way (`tls.raceHandshake: false`) and `Deno.connectTls`, which
 * both wait on [::1] until a handshake timeout (here 1 s; 60 s by default):
 * their time is that of the failure.
 */
async function tlsSilent(names: boolean): Promise<void> {
  if (!names) return;
  const handshakeTimeout = 1_000;
  for (let tries = 0;; tries++) {
    await using server = await sink(1, true);
    const port = server.ports[0]!;
    let silent;
    try {
      silent = acceptingServer("::1", port);
    } catch (error) {
      if (tries === 5) throw error;
      continue;
    }
    await using _ = silent;
    const caCerts = [
      await Deno.readTextFile(new URL("../testdata/ca.pem", import.meta.url)),
    ];
    const failing = async (attempt: () => Promise<unknown>) => {
      const start = performance.now();
      await attempt().then(() => {
        throw new Error("Cannot measure a failure: the connection was made");
      }, () => {});
      return performance.now() - start;
    };
    const ours = await paired(scaled(40), {
      [OURS]: () =>
        connect({
          hostname: "tls.test",
          port,
          tls: { caCerts },
          history: false,
        }),
    });
    const asyncio: number[] = [];
    const deno: number[] = [];
    for (let i = 0; i < scaled(5); i++) {
      asyncio.push(
        await failing(() =>
          connect({
            hostname: "tls.test",
            port,
            tls: { caCerts, handshakeTimeout, raceHandshake: false },
            // The process-wide history would put 127.0.0.1 first.
            history: false,
          })
        ),
      );
      deno.push(
        await failing(async () => {
          const conn = await Deno.connectTls({
            hostname: "tls.test",
            port,
            caCerts,
          });
          let timer: ReturnType<typeof setTimeout> | undefined;
          try {
            await Promise.race([
              conn.handshake(),
              new Promise((_, reject) => {
                timer = setTimeout(reject, handshakeTimeout);
              }),
            ]);
          } finally {
            clearTimeout(timer);
            conn.close();
          }
        }),
      );
    }
    const scenario =
      "TLS: [::1] accepts TCP then is silent, 127.0.0.1 good: tls.test, history: false";
    rows.push({
      scenario,
      client: OURS,
      stats: ours[OURS]!,
      ratio: ours[OURS]!.median / median(asyncio),
      target: "< delay + 100 ms",
      met: ours[OURS]!.median < DELAY + 100,
    });
    rows.push({
      scenario: "",
      client: "raceHandshake: false (fails at 1 s)",
      stats: stats(asyncio),
    });
    rows.push({
      scenario: "",
      client: "Deno.connectTls (fails at 1 s)",
      stats: stats(deno),
    });
    return;
  }
}

/** RFC 8305 §3 with a slow AAAA answer: ours only (Deno takes no name server). */
async function resolution(): Promise<void> {
  await using server = await sink(1);
  const port = server.ports[0]!;
  await using dns = await dnsServer({
    "slow6.test": {
      A: { addresses: ["127.0.0.1"] },
      AAAA: { addresses: ["::1"], delay: 300 },
    },
  });
  const { nameServer } = dns;
  const bothFirst = async (hostname: string) => {
    // What a resolver that waits for both answers (getaddrinfo) does.
    const [v6, v4] = await Promise.all([
      Deno.resolveDns(hostname, "AAAA", { nameServer }).catch(() => []),
      Deno.resolveDns(hostname, "A", { nameServer }).catch(() => []),
    ]);
    return [...v6, ...v4];
  };
  const results = await paired(scaled(20), {
    "connect() + dnsResolver()": () =>
      connect({
        hostname: "slow6.test",
        port,
        resolver: dnsResolver({ nameServer }),
      }),
    "connect(), waiting for both answers": () =>
      connect({ hostname: "slow6.test", port, resolver: bothFirst }),
  });
  compare(
    "AAAA answer 300 ms late, A at once (loopback DNS)",
    results,
    "connect() + dnsResolver()",
    "connect(), waiting for both answers",
    "≈ Resolution Delay (50 ms)",
    (a) => a.median < 50 + 10,
  );
}

/**
 * A blackholed first address, then two refused ones, then a good one: the
 * refusals start the next attempt at once here (asyncio's rule), while
 * Deno.connect starts one only when no attempt is pending.
 */
async function blackholedThenRefused(names: boolean): Promise<void> {
  if (!names) return;
  await using server = acceptingServer("127.0.0.9");
  await using _hole = await blackhole("127.0.0.8", server.port);
  const { port } = server;
  const results = await paired(scaled(10), {
    [OURS]: () => connect({ hostname: "slow.test", port, history: false }),
    [DENO]: () => Deno.connect({ hostname: "slow.test", port }),
  });
  compare(
    "blackholed, refused, refused, good: slow.test, history: false",
    results,
    OURS,
    DENO,
    `≤ ${DELAY} + 5 ms`,
    (a) => a.median <= DELAY + 5,
  );
}

/**
 * A proxy scenario's row: `connect()` within the delay plus 10 ms, beside
 * curl's samples (`label`) when curl ran.
 */
function besideCurl(
  scenario: string,
  ours: number[],
  curl: number[],
  label: string,
): void {
  const target = `≤ ${DELAY} + 10 ms`;
  const met = (a: Stats) => a.median <= DELAY + 10;
  if (curl.length === 0) {
    const mine = stats(ours);
    rows.push({ scenario, client: OURS, stats: mine, target, met: met(mine) });
    return;
  }
  compare(
    scenario,
    { [OURS]: stats(ours), [label]: stats(curl) },
    OURS,
    label,
    target,
    met,
  );
}

/**
 * Through a proxy whose [::1] is blackholed (bench/_proxy.ts): the race to
 * the proxy costs the delay once; beside curl --proxy's connect time.
 */
async function proxied(names: boolean): Promise<void> {
  const { ours, curl } = await proxyBlackholed(scaled(20), names, DELAY);
  besideCurl(
    `proxy: [::1] blackholed, 127.0.0.1 good${
      names ? ": he.test" : " (resolver hook)"
    }, history: false`,
    ours,
    curl,
    "curl --proxy (time_connect)",
  );
}

/**
 * Through a SOCKS5 proxy to he.test, whose [::1] is blackholed behind the
 * proxy (bench/_proxy.ts): the target's addresses raced through the proxy;
 * beside curl --proxy socks5://, which sends the first address only.
 */
async function socksTarget(names: boolean): Promise<void> {
  if (!names) {
    notes.push("socksTarget needs he.test to resolve: skipped");
    return;
  }
  const limit = 3_000;
  const { ours, curl } = await socksTargetBlackholed(scaled(20), DELAY, limit);
  besideCurl(
    "socks5:// to he.test, its [::1] blackholed behind the proxy, history: false",
    ours,
    curl,
    `curl --proxy socks5:// (time_pretransfer, 3 runs, --max-time ${
      limit / 1000
    } s)`,
  );
}

// ------------------------------------------------------------------- main

function machine(): string {
  let cpu = "unknown CPU";
  try {
    cpu = Deno.readTextFileSync("/proc/cpuinfo").match(
      /model name\s*:\s*(.+)/,
    )?.[1] ?? cpu;
  } catch {
    // Not Linux.
  }
  const memory = Deno.systemMemoryInfo().total / 2 ** 30;
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${
    memory.toFixed(0)
  } GiB, ${Deno.build.os} ${Deno.osRelease()}, Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`;
}

if (Deno.args.includes("--candidates")) {
  // Only the measurements behind the explanations (bench/candidates.ts).
  const { candidates } = await import("./candidates.ts");
  console.log(`bench: ${machine()}\n\n${await candidates()}`);
  Deno.exit(0);
}

const names = Deno.env.get("HE_BENCH_NAMES") !== "0" && await namesReady();
if (!names) {
  notes.push(
    "he.test and he4.test do not resolve here (run through `deno task bench`, as root): the scenarios by name were skipped",
  );
}
console.log(`bench: ${machine()}`);
console.log(`bench: ${QUICK ? "quick run" : "full run"}; delay ${DELAY} ms`);

// `--only=NAME`: that scenario alone (such as `--only=tlsSilent`).
const ONLY = Deno.args.find((a) => a.startsWith("--only="))
  ?.slice("--only=".length);
const SCENARIOS = {
  healthy,
  refused,
  blackholed,
  blackholedThenRefused,
  tlsBlackholed,
  tlsSilent,
  proxied,
  socksTarget,
};
if (
  ONLY !== undefined && !Object.hasOwn(SCENARIOS, ONLY) &&
  ONLY !== "resolution" && ONLY !== "concurrent"
) {
  console.error(
    `bench: no scenario ${ONLY}: ${
      [...Object.keys(SCENARIOS), "resolution", "concurrent"].join(", ")
    }`,
  );
  Deno.exit(2);
}
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (ONLY === undefined || ONLY === name) await scenario(names);
}
if (ONLY === undefined || ONLY === "resolution") await resolution();
// The bursts' targets (one per client measured) count only when they ran.
const burstsRan = ONLY === undefined || ONLY === "concurrent";
const bursts = burstsRan ? await concurrent(names) : "(skipped)";

const report = [
  `Machine: ${machine()}.`,
  "",
  table(),
  "",
  `${CONCURRENT} concurrent connections past a blackholed [::1] (he.test):`,
  "",
  bursts,
  ...(notes.length ? ["", ...notes.map((note) => `Note: ${note}`)] : []),
].join("\n");
console.log(`\n${report}\n`);
if (MARKDOWN) await Deno.writeTextFile(MARKDOWN, `${report}\n`);
const failed = rows.filter((row) => row.met === false).length + missedBursts;
console.log(
  `bench: ${
    rows.filter((row) => row.met !== undefined).length +
    (burstsRan ? (names ? 2 : 1) : 0) - failed
  } targets met, ${failed} missed (see the table)`,
);
