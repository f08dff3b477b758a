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
import { readExactly } from "../_connect/proxy_hop.ts";

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

/**
 * A SOCKS5 proxy on `127.0.0.1` (no authentication) that really connects to
 * the address each CONNECT names, answers once connected, then relays both
 * ways: a blackholed target keeps its tunnel silent, as a real proxy's would.
 */
function relayingSocks() {
  const hop = "the bench's SOCKS5 proxy";
  return serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      const [, count] = await readExactly(conn, 2, hop);
      await readExactly(conn, count!, hop);
      await conn.write(Uint8Array.of(5, 0));
      const head = await readExactly(conn, 4, hop);
      if (head[3] !== 1 && head[3] !== 4) return;
      const bytes = await readExactly(conn, head[3] === 4 ? 18 : 6, hop);
      const port = (bytes.at(-2)! << 8) | bytes.at(-1)!;
      const hostname = head[3] === 1
        ? [...bytes.subarray(0, 4)].join(".")
        : "::1";
      // A client sends nothing before the reply: this read ends only when
      // it gives up on the tunnel (or, once open, with its first bytes).
      const abort = new AbortController();
      const first = new Uint8Array(16_384);
      const firstRead = conn.read(first).catch(() => null);
      firstRead.then((n) => n === null && abort.abort());
      const target = await Deno.connect({
        hostname,
        port,
        signal: abort.signal,
      });
      await conn.write(Uint8Array.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 0));
      const n = await firstRead;
      if (n === null) return target.close();
      await target.write(first.subarray(0, n));
      await Promise.all([
        conn.readable.pipeTo(target.writable),
        target.readable.pipeTo(conn.writable),
      ]).catch(() => {});
    },
  );
}

/**
 * curl's time to an open tunnel through a SOCKS5 proxy (`time_pretransfer`,
 * without its process's start), in ms; `limit` when it gave up there.
 */
async function curlSocks(proxyUrl: string, url: string, limit: number) {
  const { stdout, success } = await new Deno.Command("curl", {
    args: [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{time_pretransfer}",
      "--max-time",
      String(limit / 1000),
      "--proxy",
      proxyUrl,
      url,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  return success ? Number(new TextDecoder().decode(stdout)) * 1000 : limit;
}

/**
 * Measures `n` tunnels to `he.test` through a SOCKS5 proxy (`socks5://`,
 * the name resolved here), `he.test`'s `[::1]` blackholed and `127.0.0.1`
 * listening: `connect()` races the target's addresses through the proxy;
 * curl `--proxy socks5://` sends the first address only, and gives up at
 * `limit` ms. Needs `he.test` to resolve (the bench's names).
 *
 * @param n How many connections each.
 * @param delay The attempt delay.
 * @param limit curl's `--max-time`, in ms.
 * @returns The samples.
 */
export async function socksTargetBlackholed(
  n: number,
  delay: number,
  limit: number,
): Promise<ProxySamples> {
  await using proxy = relayingSocks();
  // An HTTP server for curl, which asks for a page through the tunnel.
  await using target = serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      await conn.read(new Uint8Array(4096));
      await conn.write(
        new TextEncoder().encode("HTTP/1.1 204 No Content\r\n\r\n"),
      );
    },
  );
  await using _hole = await blackhole("::1", target.port);
  const proxyUrl = `socks5://127.0.0.1:${proxy.port}`;
  const samples: ProxySamples = { ours: [], curl: [] };
  const curl = findProgram("curl") !== undefined;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const conn = await connect({
      hostname: "he.test",
      port: target.port,
      proxy: proxyUrl,
      history: false,
      happyEyeballsDelay: delay,
    });
    samples.ours.push(performance.now() - started);
    conn.close();
    if (curl && i < 3) {
      samples.curl.push(
        await curlSocks(proxyUrl, `http://he.test:${target.port}/`, limit),
      );
    }
  }
  return samples;
}
