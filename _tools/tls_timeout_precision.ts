// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console

/**
 * Measures how closely `upgradeTls()` keeps its `handshakeTimeout`: against a
 * loopback server that accepts TCP and never answers, it times from the call
 * to the rejection, 10 runs per requested timeout, and prints the median,
 * minimum and maximum, for both handshake paths (Deno.startTls, and node:tls
 * when a client certificate is given).
 *
 * Run: deno run -A _tools/tls_timeout_precision.ts [runs] [timeouts...]
 *
 * @module
 */

import { upgradeTls } from "../tls.ts";
import { readTestdata } from "../_testing/net.ts";
import { median } from "../bench/_measure.ts";

const runs = Number(Deno.args[0] ?? 10);
const timeouts = Deno.args.length > 1
  ? Deno.args.slice(1).map(Number)
  : [100, 500];
const client = {
  cert: readTestdata("client.pem"),
  key: readTestdata("client.key"),
};

// A silent server; its connections are closed at the end, which also ends
// the handshake tasks that Deno keeps for timed-out sockets.
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const accepted: Deno.Conn[] = [];
const loop = (async () => {
  for await (const conn of listener) accepted.push(conn);
})().catch(() => {});

async function measure(timeout: number, withCert: boolean): Promise<number> {
  const tcp = await Deno.connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const start = performance.now();
  try {
    await upgradeTls(tcp, {
      serverName: "localhost",
      handshakeTimeout: timeout,
      ...(withCert ? client : {}),
    });
  } catch (error) {
    const elapsed = performance.now() - start;
    if (!(error instanceof DOMException && error.name === "TimeoutError")) {
      throw error;
    }
    return elapsed;
  }
  throw new Error("The silent server completed a handshake");
}

function ms(value: number): string {
  return value.toFixed(1).padStart(7);
}

console.log(
  `Deno ${Deno.version.deno}, ${Deno.build.target}, ${runs} runs each`,
);
console.log(
  "path             requested   median      min      max   median overshoot",
);
// One warm-up of each path (module loading, first TLS config).
await measure(50, false);
await measure(50, true);
for (const withCert of [false, true]) {
  for (const timeout of timeouts) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      samples.push(await measure(timeout, withCert));
    }
    const m = median(samples);
    console.log(
      `${(withCert ? "node:tls (mTLS)" : "Deno.startTls").padEnd(15)} ${
        ms(timeout)
      } ms ${ms(m)} ${ms(Math.min(...samples))} ${ms(Math.max(...samples))}   ${
        ms(m - timeout)
      } ms`,
    );
  }
}

listener.close();
await loop;
for (const conn of accepted) conn.close();
