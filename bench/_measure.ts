// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * What the loopback benchmarks share: the server of `_sink.ts` in a process
 * of its own, clients timed in a random order within each round, the median.
 *
 * @module
 */
import { firstLine } from "../_testing/net.ts";

/** The server of `_sink.ts`: its ports, and a way to stop it. */
export interface Sink extends AsyncDisposable {
  /** One port for each listener asked for. */
  ports: number[];
}

/**
 * Starts `_sink.ts` in a process of its own with `count` listeners on
 * 127.0.0.1 that accept and close (with `tls`, after the handshake).
 */
export async function sink(count = 1, tls = false): Promise<Sink> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      new URL("_sink.ts", import.meta.url).href,
      String(count),
      ...(tls ? ["--tls"] : []),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const ports = (await firstLine(child.stdout)).split(" ").map(Number);
  return {
    ports,
    async [Symbol.asyncDispose]() {
      await child.stdin.close();
      await child.status;
    },
  };
}

/**
 * Times `rounds` connections of each client, in a random order within each
 * round so that none is favoured by what ran just before, after `warmUp`
 * rounds that are not kept; returns the milliseconds of each, by name.
 */
export async function alternated(
  clients: Record<string, () => Promise<Deno.Conn>>,
  rounds: number,
  warmUp: number,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = {};
  for (let round = -warmUp; round < rounds; round++) {
    for (const [name, client] of shuffled(Object.entries(clients))) {
      const start = performance.now();
      const conn = await client();
      const elapsed = performance.now() - start;
      conn.close();
      if (round >= 0) (samples[name] ??= []).push(elapsed);
    }
  }
  return samples;
}

/**
 * `items` in a random order, each order as likely (random keys, sorted; a
 * comparator that answers at random is biased).
 */
export function shuffled<T>(items: readonly T[]): T[] {
  return items.map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

/** The median of `list`: the mean of the two middle values when even. */
export function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
}
