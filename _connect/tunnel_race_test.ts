// Copyright 2026 the happy-eyeballs authors. MIT license.
// Happy Eyeballs on the target's side of a socks5:// proxy: a name with
// [::1] and 127.0.0.1 (an /etc/hosts of its own, in a child process), [::1]
// silent behind the proxy; against a fake SOCKS5 server that never answers
// for [::1], and against microsocks with [::1] blackholed.
import { assert, assertEquals } from "@std/assert";
import { needs } from "../_testing/needs.ts";
import { blackhole, echoServer, serve } from "../_testing/net.ts";
import { privateFile, runWithPermissions } from "../_testing/permissions.ts";
import { startMicrosocks } from "../_testing/servers.ts";

/** Reads exactly `length` bytes, or fewer at the end of the stream. */
async function readBytes(conn: Deno.Conn, length: number): Promise<number[]> {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = await conn.read(buffer.subarray(done));
    if (n === null) break;
    done += n;
  }
  return [...buffer.subarray(0, done)];
}

/**
 * A fake SOCKS5 server (no authentication) that records the address each
 * CONNECT asks for, never answers one for [::1] (unless `answerAll`), and
 * answers any other with success, then echoes.
 */
function fakeSocks(answerAll = false) {
  const asked: string[] = [];
  const ended: string[] = [];
  const server = serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      const [, count] = await readBytes(conn, 2);
      await readBytes(conn, count!);
      await conn.write(Uint8Array.of(5, 0));
      const head = await readBytes(conn, 4);
      const length = head[3] === 4 ? 16 : 4;
      const address = await readBytes(conn, length + 2);
      const shown = length === 16 ? "::1" : address.slice(0, 4).join(".");
      asked.push(shown);
      if (shown === "::1" && !answerAll) {
        // Silent: the proxy's own connection "hangs". The client closes it.
        await readBytes(conn, 1);
        ended.push(shown);
        return;
      }
      await conn.write(Uint8Array.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 0));
      const buffer = new Uint8Array(1024);
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) return;
        await conn.write(buffer.subarray(0, n));
      }
    },
  );
  return Object.assign(server, { asked, ended });
}

/**
 * In a child whose /etc/hosts has dual.test on [::1] and 127.0.0.1, and
 * proxy.test on 127.0.0.1.
 */
async function inDualStackHosts(
  code: string,
  args: string[],
  flags = ["--allow-net", "--allow-read"],
) {
  await using hosts = await privateFile(
    "/etc/hosts",
    "127.0.0.1 localhost\n::1 dual.test\n127.0.0.1 dual.test\n127.0.0.1 proxy.test\n",
  );
  const [result] = await runWithPermissions(flags, code, args, hosts.wrapper);
  return result;
}

/** The child's code: connect through the proxy, ping, print the story. */
const THROUGH_PROXY = `
const [proxy, port] = Deno.args;
const events = [];
const start = performance.now();
const conn = await connect({
  hostname: "dual.test",
  port: Number(port),
  proxy,
  happyEyeballsDelay: 100,
  onEvent: (e) => {
    if (e.type.startsWith("proxy")) events.push(e.type + " " + e.index + " " + e.target);
  },
  signal: AbortSignal.timeout(20_000),
});
await conn.write(new TextEncoder().encode("ping"));
const buffer = new Uint8Array(4);
let got = 0;
while (got < 4) got += (await conn.read(buffer.subarray(got))) ?? 4;
const took = performance.now() - start;
conn.close();
console.log(JSON.stringify({
  echoed: new TextDecoder().decode(buffer),
  events,
  fast: took < 10_000,
}));
`;

Deno.test({
  name:
    "socks5://: the target's addresses are raced, each through its own tunnel; a silent one loses",
  ...needs("ipv6", "unshare"),
  async fn() {
    await using socks = fakeSocks();
    const result = await inDualStackHosts(THROUGH_PROXY, [
      `socks5://127.0.0.1:${socks.port}`,
      "5432",
    ]) as { echoed: string; events: string[]; fast: boolean };
    assertEquals(result.echoed, "ping");
    assertEquals(socks.asked, ["::1", "127.0.0.1"]);
    // The losing tunnel's connection was closed by the client.
    assertEquals(socks.ended, ["::1"]);
    // The loser is cancelled, as a lost attempt is: not a failure.
    assertEquals(result.events, [
      "proxyRequested 0 [::1]:5432",
      "proxyRequested 1 127.0.0.1:5432",
      "proxyOpened 1 127.0.0.1:5432",
      "proxyCancelled 0 [::1]:5432",
    ]);
    assert(result.fast);
  },
});

Deno.test({
  name:
    "socks5://: through microsocks, a target whose [::1] is blackholed is reached on 127.0.0.1",
  ...needs("microsocks", "ipv6", "unshare", "python3"),
  async fn() {
    await using socks = await startMicrosocks();
    await using echo = echoServer();
    await using _hole = await blackhole("::1", echo.port);
    const result = await inDualStackHosts(THROUGH_PROXY, [
      `socks5://127.0.0.1:${socks.port}`,
      String(echo.port),
    ]) as { echoed: string; events: string[]; fast: boolean };
    assertEquals(result.echoed, "ping");
    assertEquals(result.events.slice(0, 3), [
      `proxyRequested 0 [::1]:${echo.port}`,
      `proxyRequested 1 127.0.0.1:${echo.port}`,
      `proxyOpened 1 127.0.0.1:${echo.port}`,
    ]);
    // Without the race, the tunnel to [::1] waits for microsocks's connect
    // timeout (the system's, about two minutes).
    assert(result.fast);
  },
});

Deno.test({
  name:
    "socks5://: with net permission for the proxy's name alone, one tunnel (no new connection to its address)",
  ...needs("ipv6", "unshare"),
  async fn() {
    await using socks = fakeSocks(true);
    const result = await inDualStackHosts(
      THROUGH_PROXY,
      [`socks5://proxy.test:${socks.port}`, "5432"],
      [`--allow-net=proxy.test:${socks.port},dual.test`, "--allow-read"],
    ) as { echoed: string; events: string[] };
    assertEquals(result.echoed, "ping");
    assertEquals(socks.asked, ["::1"]);
    assertEquals(result.events, [
      "proxyRequested undefined [::1]:5432",
      "proxyOpened undefined [::1]:5432",
    ]);
  },
});
