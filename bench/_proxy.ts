// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * The proxy scenario of `deno task bench`: a proxy whose `[::1]` is
 * blackholed and whose `127.0.0.1` answers. `connect()` races the proxy's
 * addresses, so the tunnel opens in about the attempt delay; curl
 * `--proxy` (its own Happy Eyeballs, 200 ms) beside it, by its
 * `time_connect` (the connection to the proxy, without its process's
 * start).
 *
 * @module
 */
import { connect } from "../connect.ts";
import { blackhole, serve } from "../_testing/net.ts";
import { findProgram } from "../_testing/needs.ts";

/** A fake HTTP proxy on `127.0.0.1` that opens every tunnel it is asked. */
function fakeProxy() {
  return serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      const buffer = new Uint8Array(4096);
      let head = "";
      const encoder = new TextEncoder();
      // The tunnel request, then (curl) the request through the tunnel.
      for (
        const answer of [
          "HTTP/1.1 200 Connection established\r\n\r\n",
          "HTTP/1.1 204 No Content\r\n\r\n",
        ]
      ) {
        while (!head.includes("\r\n\r\n")) {
          const n = await conn.read(buffer);
          if (n === null) return;
          head += new TextDecoder().decode(buffer.subarray(0, n));
        }
        head = head.slice(head.indexOf("\r\n\r\n") + 4);
        await conn.write(encoder.encode(answer));
      }
    },
  );
}

/** curl's connect time to the proxy through `proxyUrl`, in ms. */
async function curlOnce(proxyUrl: string): Promise<number> {
  const { stdout, success } = await new Deno.Command("curl", {
    args: [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{time_connect}",
      "--proxytunnel",
      "--proxy",
      proxyUrl,
      "http://target.test:5432/",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!success) throw new Error("Cannot measure curl --proxy: curl failed");
  return Number(new TextDecoder().decode(stdout)) * 1000;
}

/** What the scenario measured: the samples of each client, in ms. */
export interface ProxySamples {
  /** `connect()` through the proxy, the tunnel open. */
  ours: number[];
  /** curl `--proxy`: its connect time to the proxy; none without curl. */
  curl: number[];
}

/**
 * Measures `n` connections of each client through the proxy `he.test` (or,
 * without names, the addresses `::1` and `127.0.0.1` by a resolver hook).
 *
 * @param n How many connections each.
 * @param names Whether `he.test` resolves to `::1` and `127.0.0.1` here.
 * @param delay The attempt delay.
 * @returns The samples.
 */
export async function proxyBlackholed(
  n: number,
  names: boolean,
  delay: number,
): Promise<ProxySamples> {
  await using proxy = fakeProxy();
  await using _hole = await blackhole("::1", proxy.port);
  const proxyUrl = `http://he.test:${proxy.port}`;
  const samples: ProxySamples = { ours: [], curl: [] };
  const curl = names && findProgram("curl") !== undefined;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const conn = await connect({
      hostname: "target.test",
      port: 5432,
      proxy: proxyUrl,
      history: false,
      happyEyeballsDelay: delay,
      ...(!names && { resolver: () => ["::1", "127.0.0.1"] }),
    });
    samples.ours.push(performance.now() - started);
    conn.close();
    if (curl) samples.curl.push(await curlOnce(proxyUrl));
  }
  return samples;
}
