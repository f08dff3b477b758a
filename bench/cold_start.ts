// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a benchmark: printing is its job.
/**
 * The cold start of `deno task bench`: a whole process that imports `mod.ts`
 * and makes one connection, against one that calls `Deno.connect`: its CPU
 * time (user and system), its peak memory (maximum resident set), and how
 * long that first connection took, as a command-line tool, a cron job or a
 * serverless function pays them.
 *
 * Each process runs under a small `python3` parent that reads its resource
 * usage as it ends (`os.wait4`: microseconds of CPU, kilobytes of RSS); the
 * two clients alternate in a random order within each round, against one
 * server of `_sink.ts`; medians. By name needs `he4.test` (127.0.0.1 only),
 * which `bench/main.ts` arranges; elsewhere it is skipped.
 *
 * Flags: `--quick` (3 rounds instead of 10), `--markdown=FILE` (the table is
 * appended there).
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { median, shuffled, sink } from "./_measure.ts";

const QUICK = Deno.args.includes("--quick");
const MARKDOWN = Deno.args.find((a) => a.startsWith("--markdown="))
  ?.slice("--markdown=".length);
const ROUNDS = QUICK ? 3 : 10;
const ROOT = new URL("../", import.meta.url);

/** Runs its arguments as a child; prints its output, CPU seconds, max RSS KB. */
const RUSAGE = `
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
out = child.stdout.read().decode().strip()
_, status, usage = os.wait4(child.pid, 0)
print(out, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, status)
`;

/** One process's figures. */
interface Run {
  /** User and system CPU time, ms. */
  cpu: number;
  /** Peak resident memory, KiB. */
  rss: number;
  /** The connection itself, from the call to its result, ms. */
  first: number;
}

/** The script of a process that imports `head` and prints how long `call` took. */
function script(head: string, call: string): string {
  return [
    head,
    "const [hostname, port] = [Deno.args[0]!, Number(Deno.args[1])];",
    "const start = performance.now();",
    `const conn = await ${call};`,
    "console.log(performance.now() - start);",
    "conn.close();",
  ].join("\n");
}

/** The clients, by name: what each process imports, and its one call. */
const CLIENTS = {
  "connect()": script(
    `import { connect } from ${JSON.stringify(new URL("mod.ts", ROOT).href)};`,
    "connect({ hostname, port })",
  ),
  "Deno.connect": script("", "Deno.connect({ hostname, port })"),
  // The floor by name: the system look-up connect() makes (node:dns, the
  // only getaddrinfo with its order that Deno offers), then Deno.connect.
  "node:dns + Deno.connect": script(
    'import { lookup } from "node:dns/promises";',
    "lookup(hostname, { all: true, verbatim: true })" +
      ".then(([first]) => Deno.connect({ hostname: first!.address, port }))",
  ),
};

/** Runs `file` once in a process of its own. */
async function run(file: string, args: string[]): Promise<Run> {
  const { stdout, success } = await new Deno.Command("python3", {
    args: [
      "-c",
      RUSAGE,
      Deno.execPath(),
      "run",
      "--allow-net",
      "--config",
      new URL("deno.json", ROOT).pathname,
      file,
      ...args,
    ],
    stderr: "inherit",
  }).output();
  const [first, cpu, rss, status] = new TextDecoder().decode(stdout).trim()
    .split(" ").map(Number);
  if (!success || status !== 0 || !(first! >= 0)) {
    throw new Error(
      `Cannot measure ${file}: its run failed: ${
        new TextDecoder().decode(stdout)
      }`,
    );
  }
  return { cpu: cpu! * 1000, rss: rss!, first: first! };
}

/** The figures of each client: median CPU, RSS and first connection. */
async function scenario(
  files: Record<string, string>,
  args: string[],
): Promise<Record<string, Run>> {
  const runs: Record<string, Run[]> = {};
  // One round not kept: the first compiles and caches the modules.
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, file] of shuffled(Object.entries(files))) {
      const result = await run(file, args);
      if (round >= 0) (runs[name] ??= []).push(result);
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [name, {
      cpu: median(list.map((r) => r.cpu)),
      rss: median(list.map((r) => r.rss)),
      first: median(list.map((r) => r.first)),
    }]),
  );
}

/** Whether `he4.test` resolves to 127.0.0.1 alone, as bench/main.ts sets. */
async function he4Ready(): Promise<boolean> {
  try {
    const found = await lookup("he4.test", { all: true, verbatim: true });
    return found.map((entry) => entry.address).join() === "127.0.0.1";
  } catch {
    return false;
  }
}

const dir = await Deno.makeTempDir({ prefix: "he_cold_" });
const lines = [
  `Cold start: a whole process (\`deno run\`) that imports \`mod.ts\` and connects once, against one that calls \`Deno.connect\`; medians of ${ROUNDS} alternated runs each:`,
  "",
  "| scenario | client | CPU ms | ratio | peak RSS MiB | more | connection ms | target | met |",
  "| --- | --- | --: | --: | --: | --: | --: | --- | --- |",
];
let missed = 0;
try {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(CLIENTS)) {
    files[name] = `${dir}/${Object.keys(files).length}.ts`;
    await Deno.writeTextFile(files[name], text);
  }
  await using server = await sink();
  const port = String(server.ports[0]);
  const names = await he4Ready();
  const scenarios: (readonly [string, string, number, number])[] = [
    ["127.0.0.1", "127.0.0.1", 1.15, 3],
    ...(names
      ? [["he4.test → 127.0.0.1", "he4.test", 1.45, Infinity]] as const
      : []),
  ];
  for (const [title, hostname, ratio, mib] of scenarios) {
    // The floor by name only: a literal needs no look-up.
    const clients = Object.fromEntries(
      Object.entries(files).filter(([name]) =>
        hostname !== "127.0.0.1" || name !== "node:dns + Deno.connect"
      ),
    );
    const result = await scenario(clients, [hostname, port]);
    const deno = result["Deno.connect"]!;
    for (const name of Object.keys(clients)) {
      const a = result[name]!;
      if (name === "Deno.connect") continue;
      const cpu = a.cpu / deno.cpu;
      const more = (a.rss - deno.rss) / 1024;
      const ours = name === "connect()";
      const met = cpu <= ratio && more <= mib;
      if (ours && !met) missed++;
      const target = `≤ ${ratio} × Deno CPU${
        mib === Infinity ? "" : `, ≤ ${mib} MiB more`
      }`;
      lines.push(
        `| ${ours ? `import + one connection: ${title}` : ""} | ${name} | ${
          a.cpu.toFixed(1)
        } | ${cpu.toFixed(2)} | ${(a.rss / 1024).toFixed(1)} | ${
          more.toFixed(1)
        } | ${a.first.toFixed(2)} | ${ours ? target : "(the floor)"} | ${
          ours ? (met ? "yes" : "**no**") : ""
        } |`,
      );
    }
    lines.push(
      `| | Deno.connect | ${deno.cpu.toFixed(1)} | | ${
        (deno.rss / 1024).toFixed(1)
      } | | ${deno.first.toFixed(2)} | | |`,
    );
  }
  if (!names) {
    lines.push(
      "",
      "Note: he4.test does not resolve here (run through `deno task bench`, as root): the cold start by name was skipped",
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
const report = lines.join("\n");
console.log(`\n${report}\n`);
if (MARKDOWN) {
  await Deno.writeTextFile(MARKDOWN, `\n${report}\n`, { append: true });
}
console.log(`bench: cold start: ${missed} target(s) missed`);
