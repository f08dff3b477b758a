// Copyright 2026 the happy-eyeballs authors. MIT license.
// connect() with `tls`: the handshake inside the race (tls.raceHandshake, the
// default). One host name on [::1] and 127.0.0.1, the same port, with real
// TLS servers on loopback (openssl s_server, nginx); the sanitizers prove
// that no loser is left open and no handshake left running.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { connect, type ConnectEvent } from "../connect.ts";
import { closeTls } from "../tls.ts";
import { once } from "node:events";
import {
  acceptingServer,
  readTestdata,
  serve,
  TEST_CA,
} from "../_testing/net.ts";
import { createConnection } from "../node/mod.ts";
import { needs } from "../_testing/needs.ts";
import { opensslServer } from "../_testing/openssl.ts";
import { startNginx } from "../_testing/servers.ts";
import { privateFile, runWithPermissions } from "../_testing/permissions.ts";

/** Both addresses of one name, [::1] first (as glibc orders them). */
const BOTH = () => ["::1", "127.0.0.1"];

/** Each event as `type index` (and `address` for TLS events). */
function steps(events: ConnectEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type === "resolved" || event.type === "fallback") return [];
    const { index } = event as { index?: number };
    return [`${event.type} ${index ?? "-"} ${event.address.hostname}`];
  });
}

/** Resolves with the elapsed time of the first event matching `step`. */
function at(events: ConnectEvent[], step: string): number {
  const event = events.find((_, i) =>
    steps(events.slice(i, i + 1))[0] === step
  );
  assert(event, `no event "${step}" in ${steps(events).join(", ")}`);
  return event.elapsed;
}

/** Whether the peer side of a connection was closed (it reads end of file). */
async function readsEnd(conn: Deno.Conn, within: number): Promise<boolean> {
  const buffer = new Uint8Array(16_384);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"open">((resolve) => {
    timer = setTimeout(() => resolve("open"), within);
  });
  try {
    for (;;) {
      const outcome = await Promise.race([conn.read(buffer), late]);
      if (outcome === "open") return false;
      if (outcome === null) return true;
    }
  } catch {
    return true; // Reset: closed all the same.
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name:
    "connect() with tls: [::1] accepts TCP and never speaks, 127.0.0.1 answers after the delay; the [::1] socket is closed",
  ...needs("openssl", "ipv6"),
  async fn() {
    await using good = await opensslServer({ version: "1.3" });
    await using silent = acceptingServer("::1", good.port);
    const events: ConnectEvent[] = [];
    const start = performance.now();
    const conn = await connect({
      hostname: "localhost",
      port: good.port,
      resolver: BOTH,
      happyEyeballsDelay: 250,
      tls: { caCerts: [TEST_CA], handshakeTimeout: 30_000 },
      onEvent: (event) => events.push(event),
    });
    const took = performance.now() - start;
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    // The delay plus one handshake on loopback, far from the timeout.
    assert(took >= 240 && took < 5_000, `took ${took} ms`);
    assertEquals(steps(events), [
      "attemptStarted 0 ::1",
      "attemptConnected 0 ::1",
      "tlsStarted 0 ::1",
      "attemptStarted 1 127.0.0.1",
      "attemptConnected 1 127.0.0.1",
      "tlsStarted 1 127.0.0.1",
      "tlsSucceeded 1 127.0.0.1",
      "attemptWon 1 127.0.0.1",
      "tlsFailed 0 ::1",
      "attemptCancelled 0 ::1",
    ]);
    // The loser's socket is closed at once, though its server never spoke.
    const [loser] = silent.conns;
    assert(loser !== undefined);
    assert(await readsEnd(loser, 2_000), "the [::1] socket is still open");
    await closeTls(conn, { timeout: 1_000 });
  },
});

Deno.test({
  name:
    "connect() with tls: [::1] resets every handshake, 127.0.0.1 starts at once",
  ...needs("openssl", "ipv6"),
  async fn() {
    await using good = await opensslServer({ version: "1.3" });
    // Closed with the ClientHello unread: the kernel answers with a reset.
    await using resets = serve(
      Deno.listen({ hostname: "::1", port: good.port }),
      async (conn) => {
        await conn.read(new Uint8Array(1));
        conn.close();
      },
    );
    const events: ConnectEvent[] = [];
    const conn = await connect({
      hostname: "localhost",
      port: good.port,
      resolver: BOTH,
      happyEyeballsDelay: 10_000,
      tls: { caCerts: [TEST_CA] },
      onEvent: (event) => events.push(event),
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    // Not after happyEyeballsDelay: as soon as the handshake failed.
    const next = at(events, "attemptStarted 1 127.0.0.1");
    assert(next < 5_000, `the next attempt started after ${next} ms`);
    assert(next >= at(events, "tlsFailed 0 ::1"));
    assertEquals(resets.conns.length, 1);
    const failed = events.find((e) => e.type === "attemptFailed");
    assert(failed?.type === "attemptFailed");
    assertMatch(
      (failed.error as Error).message,
      /^TLS handshake with \[::1\]:\d+ \(server name "localhost"\) failed: /,
    );
    await closeTls(conn, { timeout: 1_000 });
  },
});

Deno.test({
  name:
    "connect() with tls: [::1] presents a certificate for another name, the call fails at once",
  ...needs("openssl", "ipv6"),
  async fn() {
    await using good = await opensslServer({ version: "1.3" });
    await using wrong = await opensslServer({
      version: "1.3",
      identity: "name_only",
      hostname: "::1",
      port: good.port,
    });
    const events: ConnectEvent[] = [];
    const start = performance.now();
    const error = await assertRejects(
      () =>
        connect({
          hostname: "localhost",
          port: wrong.port,
          resolver: BOTH,
          happyEyeballsDelay: 10_000,
          tls: { caCerts: [TEST_CA] },
          onEvent: (event) => events.push(event),
        }),
      Deno.errors.InvalidData,
    );
    const took = performance.now() - start;
    assert(took < 5_000, `took ${took} ms`);
    assertMatch(
      error.message,
      /^TLS handshake with \[::1\]:\d+ \(server name "localhost"\) failed: Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:tls\.test$/,
    );
    // 127.0.0.1 is never tried: all addresses of a name share one identity.
    assertEquals(steps(events), [
      "attemptStarted 0 ::1",
      "attemptConnected 0 ::1",
      "tlsStarted 0 ::1",
      "tlsFailed 0 ::1",
      "attemptFailed 0 ::1",
    ]);
  },
});

Deno.test({
  name:
    "connect() with tls: a certificate verdict cancels the attempts under way",
  ...needs("openssl", "ipv6"),
  async fn() {
    // 127.0.0.1 first, silent; [::1] then refuses the name.
    await using wrong = await opensslServer({
      version: "1.2",
      identity: "other_server",
      hostname: "::1",
    });
    await using silent = acceptingServer("127.0.0.1", wrong.port);
    const events: ConnectEvent[] = [];
    await assertRejects(
      () =>
        connect({
          hostname: "tls.test",
          port: wrong.port,
          resolver: () => ["127.0.0.1", "::1"],
          happyEyeballsDelay: 50,
          tls: { caCerts: [TEST_CA] },
          onEvent: (event) => events.push(event),
        }),
      Deno.errors.InvalidData,
      "unable to verify the first certificate",
    );
    assertEquals(steps(events).slice(-3), [
      "attemptFailed 1 ::1",
      "tlsFailed 0 127.0.0.1",
      "attemptCancelled 0 127.0.0.1",
    ]);
    const [cancelled] = silent.conns;
    assert(cancelled !== undefined);
    assert(await readsEnd(cancelled, 2_000));
  },
});

Deno.test({
  name:
    "connect() with tls: both good (nginx on 127.0.0.1, openssl on [::1]), exactly one TLS connection survives",
  ...needs("openssl", "nginx", "ipv6"),
  async fn() {
    await using nginx = await startNginx();
    const port = nginx.tlsPort!;
    await using openssl = await opensslServer({
      version: "1.3",
      hostname: "::1",
      port,
    });
    assertEquals(openssl.port, port);
    for (const delay of [0, 10]) {
      const events: ConnectEvent[] = [];
      const conn = await connect({
        hostname: "localhost",
        port,
        resolver: BOTH,
        happyEyeballsDelay: delay,
        tls: { caCerts: [TEST_CA] },
        onEvent: (event) => events.push(event),
      });
      const won = events.flatMap((e) => e.type === "attemptWon" ? [e] : []);
      assertEquals(won.length, 1);
      assertStrictEquals(conn.remoteAddr.hostname, won[0]!.address.hostname);
      // Every other attempt that started was stopped or failed.
      const ended = events.filter((e) =>
        e.type === "attemptCancelled" || e.type === "attemptFailed"
      );
      const started = events.filter((e) => e.type === "attemptStarted");
      assertEquals(ended.length, started.length - 1);
      assert((await conn.handshake()).alpnProtocol === null);
      conn.close();
    }
  },
});

Deno.test({
  name:
    "connect() with tls.raceHandshake false: asyncio's way, the handshake on the TCP winner only",
  ...needs("openssl", "ipv6"),
  async fn() {
    await using good = await opensslServer({ version: "1.3" });
    await using _silent = acceptingServer("::1", good.port);
    const events: ConnectEvent[] = [];
    const error = await assertRejects(
      () =>
        connect({
          hostname: "localhost",
          port: good.port,
          resolver: BOTH,
          happyEyeballsDelay: 250,
          tls: {
            caCerts: [TEST_CA],
            handshakeTimeout: 300,
            raceHandshake: false,
          },
          onEvent: (event) => events.push(event),
        }),
      DOMException,
    );
    assertStrictEquals(error.name, "TimeoutError");
    assertEquals(steps(events), [
      "attemptStarted 0 ::1",
      "attemptWon 0 ::1",
      "tlsStarted - ::1",
      "tlsFailed - ::1",
    ]);
  },
});

Deno.test({
  name:
    "connect() with tls: a name on [::1] and 127.0.0.1 in /etc/hosts, [::1] silent",
  ...needs("openssl", "ipv6", "unshare"),
  async fn() {
    await using good = await opensslServer({ version: "1.3" });
    await using silent = acceptingServer("::1", good.port);
    await using hosts = await privateFile(
      "/etc/hosts",
      "127.0.0.1 localhost\n::1 tls.test\n127.0.0.1 tls.test\n",
    );
    const [result] = await runWithPermissions(
      ["--allow-net", "--allow-read"],
      `const tried = [];
const start = performance.now();
const conn = await connect({
  hostname: "tls.test",
  port: Number(Deno.args[0]),
  happyEyeballsDelay: 250,
  tls: { caCerts: [Deno.args[1]] },
  onEvent: (e) => { if (e.type === "tlsStarted") tried.push(e.address.hostname); },
});
const took = performance.now() - start;
console.log(JSON.stringify({ remote: conn.remoteAddr.hostname, tried, fast: took < 5000 }));
conn.close();`,
      [String(good.port), TEST_CA],
      hosts.wrapper,
    );
    assertEquals(result, {
      remote: "127.0.0.1",
      tried: ["::1", "127.0.0.1"],
      fast: true,
    });
    assertEquals(silent.conns.length, 1);
  },
});

Deno.test({
  name:
    "connect() with tls: the client certificate and localAddr paths race their handshakes too",
  ...needs("openssl", "ipv6"),
  async fn() {
    await using good = await opensslServer({
      version: "1.2",
      verifyClientsOf: "client_ca",
    });
    await using silent = acceptingServer("::1", good.port);
    const events: ConnectEvent[] = [];
    const conn = await connect({
      hostname: "localhost",
      port: good.port,
      resolver: BOTH,
      happyEyeballsDelay: 100,
      tls: {
        caCerts: [TEST_CA],
        cert: readTestdata("client.pem"),
        key: readTestdata("client.key"),
      },
      onEvent: (event) => events.push(event),
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    assert(steps(events).includes("attemptCancelled 0 ::1"));
    assert(await readsEnd(silent.conns[0]!, 2_000));
    conn.close();
    // localAddr: the race's connections come from node:net.
    const bound = await connect({
      hostname: "localhost",
      port: good.port,
      resolver: () => ["127.0.0.3", "127.0.0.1"],
      localAddr: { hostname: "127.0.0.1" },
      tls: {
        caCerts: [TEST_CA],
        cert: readTestdata("client.pem"),
        key: readTestdata("client.key"),
      },
    });
    assertEquals(bound.remoteAddr.hostname, "127.0.0.1");
    bound.close();
  },
});

Deno.test({
  name:
    "../node createConnection() with tls: [::1] silent, secureConnect from 127.0.0.1",
  ...needs("openssl", "ipv6"),
  async fn() {
    await using good = await opensslServer({ version: "1.3" });
    await using silent = acceptingServer("::1", good.port);
    const socket = createConnection({
      hostname: "localhost",
      port: good.port,
      resolver: BOTH,
      happyEyeballsDelay: 100,
      tls: { caCerts: [TEST_CA] },
    });
    const order: string[] = [];
    socket.on("connect", () => order.push("connect"));
    await once(socket, "secureConnect");
    order.push("secureConnect");
    assertEquals(order, ["connect", "secureConnect"]);
    assertEquals(socket.remoteAddress, "127.0.0.1");
    assert(await readsEnd(silent.conns[0]!, 2_000));
    socket.destroy();
    await once(socket, "close");
  },
});
