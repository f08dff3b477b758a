// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * `deno task bench --candidates`: the measurements behind the Performance
 * section's explanations, run where bench/main.ts arranged the names (so
 * `he4.test` resolves to 127.0.0.1):
 *
 * 1. every way to get getaddrinfo's answer to JavaScript, each followed by a
 *    connection to the first address, against `Deno.connect` by name,
 *    alternated in one process;
 * 2. the heap that the parts of a race hold while pending, 500 at a time
 *    past a blackholed [::1] (the floor of "heap per race in flight");
 * 3. how long aborting 500 pending `Deno.connect` calls takes.
 *
 * @module
 */
import { delay } from "@std/async/delay";
import * as dns from "node:dns";
import { lookup } from "node:dns/promises";
import { connect } from "../connect.ts";
import { staggeredRace } from "../happy_eyeballs.ts";
import { blackhole } from "../_testing/net.ts";
import { alternated, median, sink } from "./_measure.ts";

const QUICK = Deno.args.includes("--quick");
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function literal(
  hostname: string,
  port: number,
  signal?: AbortSignal,
): Promise<Deno.TcpConn> {
  const options: Deno.ConnectOptions = {
    hostname,
    port,
    autoSelectFamily: false,
  };
  if (signal) options.signal = signal;
  return Deno.connect(options);
}

/** 1. getaddrinfo's answer, then a connection, each way there is. */
async function lookups(port: number): Promise<string> {
  const name = "he4.test";
  const callback = (options: dns.LookupAllOptions) =>
    new Promise<string>((resolve, reject) =>
      dns.lookup(
        name,
        options,
        (error, all) => error ? reject(error) : resolve(all[0]!.address),
      )
    );
  const ways: Record<string, () => Promise<Deno.TcpConn>> = {
    "Deno.connect by name": () => Deno.connect({ hostname: name, port }),
    "connect()": () => connect({ hostname: name, port }),
    "node:dns/promises lookup({ all, verbatim }), Deno.connect": async () =>
      literal(
        (await lookup(name, { all: true, verbatim: true }))[0]!.address,
        port,
      ),
    "node:dns lookup({ all, verbatim }) callback, Deno.connect": async () =>
      literal(await callback({ all: true, verbatim: true }), port),
    'node:dns lookup({ all, order: "verbatim" }), Deno.connect': async () =>
      literal(await callback({ all: true, order: "verbatim" }), port),
    "Deno.resolveDns AAAA + A, Deno.connect": async () => {
      const [v6, v4] = await Promise.all([
        Deno.resolveDns(name, "AAAA").catch(() => []),
        Deno.resolveDns(name, "A").catch(() => []),
      ]);
      return literal([...v6, ...v4][0]!, port);
    },
  };
  const n = QUICK ? 100 : 2_000;
  const samples = await alternated(ways, n, 100);
  const base = median(samples["Deno.connect by name"]!);
  return [
    `getaddrinfo's answer, then a connection (${name}, ${n} each, alternated):`,
    "",
    "| way | median µs | × Deno.connect by name |",
    "| --- | --: | --: |",
    ...Object.keys(ways).map((way) => {
      const m = median(samples[way]!);
      return `| ${way} | ${(m * 1000).toFixed(1)} | ${(m / base).toFixed(2)} |`;
    }),
  ].join("\n");
}

/** 2. The heap each part of a race holds while pending, and 3. aborts. */
async function floor(port: number): Promise<string> {
  await using hole = await blackhole("::1", port);
  const count = 500;
  const pending: Promise<unknown>[] = [];
  const controllers: AbortController[] = [];
  const timers: ReturnType<typeof setTimeout>[] = [];
  const parts: Record<string, () => void> = {
    "a pending timer": () => {
      timers.push(setTimeout(() => {}, 60_000));
    },
    "Deno.connect with its own abort signal, pending": () => {
      const controller = new AbortController();
      controllers.push(controller);
      pending.push(
        literal(hole.hostname, port, controller.signal).catch(
          () => {},
        ),
      );
    },
    "staggeredRace() of two Deno.connect attempts, pending": () => {
      const controller = new AbortController();
      controllers.push(controller);
      pending.push(
        staggeredRace<Deno.TcpConn>([
          (signal) => literal(hole.hostname, port, signal),
          (signal) => literal("127.0.0.1", port, signal),
        ], { delay: 60_000, signal: controller.signal }).catch(() => {}),
      );
    },
  };
  const lines = [
    `Heap held while pending, ${count} at a time past a blackholed [::1]:`,
    "",
    "| part | heap KB each |",
    "| --- | --: |",
  ];
  for (const [part, make] of Object.entries(parts)) {
    gc();
    const before = Deno.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) make();
    await delay(50);
    gc();
    const after = Deno.memoryUsage().heapUsed;
    lines.push(`| ${part} | ${((after - before) / count / 1024).toFixed(2)} |`);
  }
  const reason = new DOMException("Measured", "AbortError");
  for (const timer of timers) clearTimeout(timer);
  // The first `count` are the Deno.connect calls, then the races.
  const start = performance.now();
  for (const controller of controllers.slice(0, count)) {
    controller.abort(reason);
  }
  await Promise.all(pending.slice(0, count));
  const elapsed = performance.now() - start;
  for (const controller of controllers) controller.abort(reason);
  await Promise.all(pending);
  lines.push(
    "",
    `Aborting ${count} pending Deno.connect calls, until all settled: ${
      elapsed.toFixed(1)
    } ms`,
  );
  return lines.join("\n");
}

/** The candidates' report, as Markdown. */
export async function candidates(): Promise<string> {
  await using server = await sink();
  const port = server.ports[0]!;
  return `${await lookups(port)}\n\n${await floor(port)}`;
}
