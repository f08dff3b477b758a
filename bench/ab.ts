// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a benchmark: printing is its job.
/**
 * `connect()` to 127.0.0.1 of this tree against that of another copy of the
 * module (a change against its base), beside `Deno.connect`, alternated in a
 * random order in one process against the server of `bench/_sink.ts`: a
 * change worth a microsecond per connection shows here, where two separate
 * runs of `deno task bench` differ by more than that on a shared machine.
 *
 * ```sh
 * git archive main | tar -x -C /tmp/base   # the base, as a plain copy
 * deno run -A _tools/std.ts run -A bench/ab.ts /tmp/base [rounds] [blocks]
 * ```
 *
 * `AB_HOST=localhost` (a name that resolves to 127.0.0.1 alone) measures
 * the path by name instead.
 *
 * Each block prints the median of each client and its excess over
 * `Deno.connect`; the first block follows a warm-up of 50 rounds, as the
 * healthy scenario of `deno task bench` does. Add `--v8-flags=--max-opt=0`
 * to see the cost before V8 optimizes anything.
 *
 * @module
 */
import { connect } from "../connect.ts";
import { alternated, median, sink } from "./_measure.ts";

type Connect = (options: { hostname: string; port: number }) => Promise<
  Deno.Conn
>;

const [base, rounds = "3000", blockCount = "3"] = Deno.args;
if (base === undefined) {
  console.error("Usage: bench/ab.ts BASE_DIR [rounds] [blocks]");
  Deno.exit(2);
}
const baseConnect: Connect =
  (await import(new URL("connect.ts", `file://${base}/`).href)).connect;

await using server = await sink();
const port = server.ports[0]!;
const hostname = Deno.env.get("AB_HOST") ?? "127.0.0.1";
const clients: Record<string, () => Promise<Deno.Conn>> = {
  "Deno.connect": () => Deno.connect({ hostname, port }),
  base: () => baseConnect({ hostname, port }),
  "this tree": () => connect({ hostname, port }),
};

for (let block = 0; block < Number(blockCount); block++) {
  const samples = await alternated(clients, Number(rounds), block ? 0 : 50);
  const deno = median(samples["Deno.connect"]!);
  const columns = Object.keys(clients).slice(1).map((name) => {
    const ours = median(samples[name]!);
    const excess = ((ours - deno) * 1000).toFixed(1);
    return `${name} ${(ours / deno).toFixed(3)} (${excess} µs more)`;
  });
  console.log(
    `block ${block}: Deno.connect ${(deno * 1000).toFixed(1)} µs; ${
      columns.join("; ")
    }`,
  );
}
