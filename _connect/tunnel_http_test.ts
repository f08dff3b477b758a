// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { connect } from "../connect.ts";
import type { ConnectEvent } from "../types.ts";
import { checkOptions } from "./options.ts";
import { MAX_PROXY_HEADER } from "./tunnel_http.ts";
import { refusedPort, serve, type TestServer } from "../_testing/net.ts";
import { runWithPermissions } from "../_testing/permissions.ts";

/** Reads the request head a client sends to the fake proxy. */
async function readHead(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

/**
 * A fake proxy on loopback: it reads the request head, records it, and runs
 * `answer` on the connection.
 */
function fakeProxy(
  answer: (conn: Deno.Conn) => Promise<unknown> | unknown,
): TestServer & { heads: string[] } {
  const heads: string[] = [];
  const server = serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      heads.push(await readHead(conn));
      await answer(conn);
    },
  );
  return Object.assign(server, { heads });
}

const encoder = new TextEncoder();

/** A proxy that answers `text`, then echoes what it reads (the "target"). */
function answering(text: string): (conn: Deno.Conn) => Promise<void> {
  return async (conn) => {
    await conn.write(encoder.encode(text));
    const buffer = new Uint8Array(1024);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return;
      await conn.write(buffer.subarray(0, n));
    }
  };
}

Deno.test("proxy: the tunnel request names the target, and the connection then carries it", async () => {
  await using proxy = fakeProxy(
    answering("HTTP/1.1 200 Connection established\r\n\r\nhello"),
  );
  const conn = await connect({
    hostname: "db.example",
    port: 5432,
    proxy: `http://127.0.0.1:${proxy.port}`,
  });
  try {
    // What the "target" sent first in the same segment is not lost.
    const buffer = new Uint8Array(5);
    assertEquals(await conn.read(buffer), 5);
    assertEquals(new TextDecoder().decode(buffer), "hello");
    await conn.write(encoder.encode("ping"));
    assertEquals(await conn.read(buffer), 4);
    assertEquals(conn.remoteAddr.port, proxy.port);
  } finally {
    conn.close();
  }
  assertEquals(
    proxy.heads[0],
    "CONNECT db.example:5432 HTTP/1.1\r\nHost: db.example:5432\r\n\r\n",
  );
});

Deno.test("proxy: --allow-net for the proxy alone is enough; the target is never looked up here", async () => {
  await using proxy = fakeProxy(
    answering("HTTP/1.1 200 Connection established\r\n\r\n"),
  );
  const [result] = await runWithPermissions(
    [`--allow-net=127.0.0.1:${proxy.port}`],
    `const conn = await connect({
      hostname: "db.example",
      port: 5432,
      proxy: "http://127.0.0.1:${proxy.port}",
    });
    console.log(JSON.stringify(conn.remoteAddr));
    conn.close();`,
  );
  assertEquals(result, {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: proxy.port,
  });
  assertEquals(proxy.heads.length, 1);
});

Deno.test("proxy: credentials go in Proxy-Authorization, never in a message", async () => {
  await using proxy = fakeProxy(
    answering(
      "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
    ),
  );
  const error = await assertRejects(
    () =>
      connect({
        hostname: "::1",
        port: 443,
        proxy: `http://al%40ice:s3cr%3At@127.0.0.1:${proxy.port}`,
      }),
    Deno.errors.ConnectionRefused,
  );
  assertEquals(
    error.message,
    `Cannot connect as proxy http://***@127.0.0.1:${proxy.port} refused the credentials for the tunnel to [::1]:443: 407 Proxy Authentication Required`,
  );
  assert(!error.message.includes("s3cr"));
  assertStringIncludes(
    proxy.heads[0]!,
    `Proxy-Authorization: Basic ${btoa("al@ice:s3cr:t")}\r\n`,
  );
  assertStringIncludes(proxy.heads[0]!, "CONNECT [::1]:443 HTTP/1.1\r\n");
  // A 407 is an answer, not a loop: one request, no retry.
  assertEquals(proxy.heads.length, 1);
});

Deno.test("proxy: a refused tunnel names the hop and the proxy's reason", async () => {
  await using proxy = fakeProxy(
    answering("HTTP/1.0 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
  );
  await assertRejects(
    () =>
      connect({
        hostname: "db.example",
        port: 5432,
        proxy: { hostname: "localhost", port: proxy.port },
        family: 4,
      }),
    Deno.errors.ConnectionRefused,
    `Cannot connect as proxy http://localhost:${proxy.port} (127.0.0.1:${proxy.port}) refused the tunnel to db.example:5432: 403 Forbidden`,
  );
});

Deno.test("proxy: garbage, an endless header and a closed connection are clear errors", async () => {
  {
    await using proxy = fakeProxy(answering("SSH-2.0-OpenSSH\r\n\r\n"));
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 1,
          proxy: `http://127.0.0.1:${proxy.port}`,
        }),
      Deno.errors.InvalidData,
      'its answer is not HTTP: "SSH-2.0-OpenSSH\\r\\n\\r\\n"',
    );
  }
  {
    await using proxy = fakeProxy(async (conn) => {
      await conn.write(encoder.encode("HTTP/1.1 200 OK\r\n"));
      const line = encoder.encode("X-Endless: " + "a".repeat(1000) + "\r\n");
      try {
        for (;;) await conn.write(line);
      } catch {
        // The client closed the connection.
      }
    });
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 1,
          proxy: `http://127.0.0.1:${proxy.port}`,
        }),
      Deno.errors.InvalidData,
      `its answer's header is longer than ${MAX_PROXY_HEADER} bytes`,
    );
  }
  {
    await using proxy = fakeProxy((conn) => conn.close());
    await assertRejects(
      () =>
        connect({
          hostname: "db.example",
          port: 1,
          proxy: `http://127.0.0.1:${proxy.port}`,
        }),
      Deno.errors.UnexpectedEof,
      "it closed the connection before answering the tunnel request",
    );
  }
});

Deno.test("proxy: a silent proxy fails after proxy.timeout, or on abort", async () => {
  await using proxy = fakeProxy(async (conn) => {
    // Silent until the client gives up.
    await conn.read(new Uint8Array(1)).catch(() => null);
  });
  const error = await assertRejects(
    () =>
      connect({
        hostname: "db.example",
        port: 1,
        proxy: { hostname: "127.0.0.1", port: proxy.port, timeout: 100 },
      }),
    DOMException,
    "it did not answer the tunnel request within 100 ms",
  );
  assertEquals(error.name, "TimeoutError");
  const reason = new Error("stop");
  const controller = new AbortController();
  const pending = connect({
    hostname: "db.example",
    port: 1,
    proxy: `http://127.0.0.1:${proxy.port}`,
    signal: controller.signal,
  });
  await proxy.nextConn();
  controller.abort(reason);
  assertEquals(await pending.catch((e) => e), reason);
});

Deno.test("proxy: a dial hook's connection that throws from close() is closed quietly on a timeout", async () => {
  await using proxy = fakeProxy(async (conn) => {
    await conn.read(new Uint8Array(1)).catch(() => null);
  });
  const error = await assertRejects(
    () =>
      connect({
        hostname: "db.example",
        port: 5432,
        proxy: { hostname: "127.0.0.1", port: proxy.port, timeout: 100 },
        dial: async ({ hostname, port }) => {
          const conn = await Deno.connect({ hostname, port });
          const close = conn.close.bind(conn);
          // Closes, then throws: a hook's object may do anything.
          return Object.assign(conn, {
            close: () => {
              close();
              throw new Error("close() of the hook's connection");
            },
          });
        },
      }),
    DOMException,
    "it did not answer the tunnel request within 100 ms",
  );
  assertEquals(error.name, "TimeoutError");
});

Deno.test("proxy: the race is to the proxy, whose failure names it", async () => {
  const port = refusedPort();
  await assertRejects(
    () =>
      connect({
        hostname: "db.example",
        port: 5432,
        proxy: `http://u:p@127.0.0.1:${port}`,
      }),
    Deno.errors.ConnectionRefused,
    `Cannot connect to 127.0.0.1:${port}`,
  );
});

Deno.test("proxy: the option is checked before any traffic, credentials hidden", () => {
  const checked = checkOptions({
    hostname: "db.example",
    port: 5432,
    proxy: "http://user:pw@[::1]:3128",
    tls: true,
  });
  assertEquals([checked.hostname, checked.port], ["::1", 3128]);
  assertEquals(checked.tls?.serverName, "db.example");
  assertEquals(checked.proxy?.shown, "http://***@[::1]:3128");
  assertEquals(checked.plain, false);
  assertEquals(
    checkOptions({ hostname: "a", port: 1, proxy: "http://p" }).port,
    80,
  );
  const error = assertThrows(
    () => checkOptions({ hostname: "a", port: 1, proxy: "socks4://u:pw@p:1" }),
    TypeError,
    "Cannot connect as 'proxy' must be an http://, https://, socks5:// or socks5h:// URL",
  );
  assertMatch(error.message, /socks4:\/\/\*\*\*@p:1/);
  assert(!error.message.includes("pw"));
  assertThrows(
    () =>
      checkOptions({
        hostname: "a",
        port: 1,
        proxy: { hostname: "p", port: 0 },
      }),
    RangeError,
    "'proxy.port'",
  );
  assertThrows(
    () => checkOptions({ conn: {} as Deno.TcpConn, proxy: "http://p:1" }),
    TypeError,
  );
  // A URL refused with a password that holds "/" or "@": all of the
  // userinfo hidden, up to its last "@".
  for (
    const [url, shown] of [
      ["http://us/er:secret@p", "http://***@p"],
      ["http://user:s@cret@p/x", "http://***@p/x"],
      // Without the scheme's "//": a URL whose scheme is the user name.
      ["user:secret@p:8080", "***@p:8080"],
      ["socks5:user:secret@p", "***@p"],
    ]
  ) {
    const refused = assertThrows(
      () => checkOptions({ hostname: "a", port: 1, proxy: url }),
      TypeError,
      `current value is "${shown}"`,
    );
    assert(!refused.message.includes("cret"));
  }
  const malformed = assertThrows(
    () =>
      checkOptions({ hostname: "a", port: 1, proxy: "http://u:se%zzcret@p" }),
    TypeError,
    "'proxy.password' must be percent-encoded UTF-8",
  );
  assert(!malformed.message.includes("cret"));
});

Deno.test("proxy: an answer whose lines end in LF alone is read as curl reads it", async () => {
  await using proxy = fakeProxy(answering("HTTP/1.1 200 OK\n\nhello"));
  const conn = await connect({
    hostname: "db.example",
    port: 5432,
    proxy: `http://127.0.0.1:${proxy.port}`,
    signal: AbortSignal.timeout(10_000),
  });
  try {
    // Not one byte past the blank line was taken.
    const buffer = new Uint8Array(5);
    assertEquals(await conn.read(buffer), 5);
    assertEquals(new TextDecoder().decode(buffer), "hello");
  } finally {
    conn.close();
  }
});

Deno.test("proxy: an onEvent that rejects stops the tunnel at once, not after proxy.timeout", async () => {
  await using proxy = fakeProxy(async (conn) => {
    await conn.read(new Uint8Array(1)).catch(() => null);
  });
  const thrown = new Error("from onEvent");
  const started = performance.now();
  const error = await assertRejects(() =>
    connect({
      hostname: "db.example",
      port: 5432,
      proxy: { hostname: "127.0.0.1", port: proxy.port, timeout: 60_000 },
      onEvent: async (event) => {
        if (event.type === "proxyRequested") throw thrown;
        await Promise.resolve();
      },
    })
  );
  assert(error === thrown);
  // Far below the proxy's 60 s (generous: loopback takes milliseconds).
  assert(performance.now() - started < 30_000);
});

Deno.test("proxy: events tell the race to the proxy, then the tunnel", async () => {
  await using proxy = fakeProxy(
    answering("HTTP/1.1 200 Connection established\r\n\r\n"),
  );
  const events: ConnectEvent[] = [];
  const conn = await connect({
    hostname: "db.example",
    port: 5432,
    proxy: `http://u:pw@127.0.0.1:${proxy.port}`,
    onEvent: (event) => events.push(event),
  });
  conn.close();
  const shown = `http://***@127.0.0.1:${proxy.port}`;
  assertEquals(
    events.map((event) => event.type),
    [
      "resolved",
      "attemptStarted",
      "attemptWon",
      "proxyRequested",
      "proxyOpened",
    ],
  );
  const last = events.at(-1)!;
  assert(last.type === "proxyOpened");
  assertEquals([last.proxy, last.target], [shown, "db.example:5432"]);
  assertEquals(last.address.port, proxy.port);
  assert(!JSON.stringify(events).includes("pw"));
});

Deno.test("proxy: an onEvent that throws stops the call, the tunnel closed", async () => {
  for (const at of ["proxyRequested", "proxyOpened", "proxyFailed"]) {
    await using proxy = fakeProxy(
      answering(
        at === "proxyFailed"
          ? "HTTP/1.1 502 Bad Gateway\r\n\r\n"
          : "HTTP/1.1 200 OK\r\n\r\n",
      ),
    );
    const thrown = new Error(at);
    const error = await connect({
      hostname: "db.example",
      port: 5432,
      proxy: `http://127.0.0.1:${proxy.port}`,
      onEvent: (event) => {
        if (event.type === at) throw thrown;
      },
    }).then(() => undefined, (e) => e);
    assertEquals(error, thrown);
  }
});
