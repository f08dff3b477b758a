// Copyright 2026 the happy-eyeballs authors. MIT license.
// createConnection(), toNodeSocket() and createUndiciConnector(): dialling,
// failures as node:net reports them, TLS events, listeners that throw.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import { once } from "node:events";
import {
  createConnection,
  createUndiciConnector,
  type NodeSocket,
  toNodeSocket,
} from "./mod.ts";
import { connect } from "../connect.ts";
import { upgradeTls } from "../tls.ts";
import { ConnectHistory } from "../history.ts";
import {
  readTestdata,
  refusedPort,
  TEST_CA,
  tlsServer,
} from "../_testing/net.ts";
import { collectReportedErrors } from "../_testing/errors.ts";
import { echoServer, record } from "../_testing/node_socket.ts";

/** A TLS echo server for one connection, offering ALPN h2 and http/1.1. */
function tlsEchoServer(): {
  listener: Deno.TlsListener;
  done: Promise<void>;
} {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: readTestdata("server.pem"),
    key: readTestdata("server.key"),
    alpnProtocols: ["h2", "http/1.1"],
  });
  const done = listener.accept().then(async (conn) => {
    await conn.handshake();
    await conn.readable.pipeTo(conn.writable).catch(() => {});
  });
  return { listener, done };
}

Deno.test("createConnection() reports a failure as node:net does: error with a code, then close(true)", async () => {
  const port = refusedPort();
  const connected: string[] = [];
  const socket = createConnection(
    { hostname: "127.0.0.1", port },
    () => connected.push("called"),
  );
  const events = record(socket);
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const [error] = await once(socket, "error");
  await closed;
  assertInstanceOf(error, Deno.errors.ConnectionRefused);
  assertEquals((error as { code?: string }).code, "ECONNREFUSED");
  assert(error.message.includes(`127.0.0.1:${port}`));
  assertEquals(events, ["error", "close(true)"]);
  assertEquals(connected, []);
});

Deno.test("createConnection() with allErrors gives the AggregateError the first code", async () => {
  const port = refusedPort();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port,
    allErrors: true,
  });
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const [error] = await once(socket, "error");
  await closed;
  assertInstanceOf(error, AggregateError);
  assertEquals((error as { code?: string }).code, "ECONNREFUSED");
});

Deno.test("createConnection() throws at once on bad options, as node:net does", () => {
  assertThrows(
    () => createConnection({ hostname: "127.0.0.1", port: 0 }),
    RangeError,
    "'port'",
  );
  assertThrows(
    () =>
      createConnection(
        { hostname: "127.0.0.1", port: 1, bogus: 1 } as unknown as {
          hostname: string;
          port: number;
        },
      ),
    TypeError,
    "'bogus'",
  );
});

Deno.test("createConnection() with tls emits connect, ready, then secureConnect, and reports ALPN as node:tls", async (t) => {
  for (const alpn of [["h2", "http/1.1"], undefined]) {
    await t.step(`alpn ${alpn}`, async () => {
      const { listener, done: accepted } = tlsEchoServer();
      using _ = listener;
      const socket = createConnection({
        hostname: "localhost",
        port: listener.addr.port,
        tls: {
          caCerts: [TEST_CA],
          ...(alpn ? { alpnProtocols: ["h2"] } : {}),
        },
      });
      const events = record(socket);
      socket.end("ping");
      const [data] = await once(socket, "data");
      assertEquals(String(data), "ping");
      await once(socket, "close");
      await accepted;
      assertEquals(events.slice(0, 3), ["connect", "ready", "secureConnect"]);
      assertEquals(events.at(-1), "close(false)");
      assertEquals(socket.encrypted, true);
      assertEquals(socket.authorized, true);
      assertEquals(socket.alpnProtocol, alpn ? "h2" : false);
    });
  }
});

Deno.test("toNodeSocket() wraps a connection: open at once, and connect() emits connect (pg waits for it)", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const conn = await connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const socket = toNodeSocket(conn);
  assertEquals(socket.readyState, "open");
  assertEquals(socket.pending, false);
  let called = false;
  socket.connect(listener.addr.port, "127.0.0.1", () => called = true);
  await once(socket, "connect");
  assert(called);
  socket.resume();
  socket.end("x");
  await once(socket, "close");
  await done;
});

Deno.test("a socket dialled from localAddr (through node:net) emits close when destroyed", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = createConnection({
    hostname: "127.0.0.1",
    port: listener.addr.port,
    localAddr: { hostname: "127.0.0.1" },
  });
  await once(socket, "connect");
  assertEquals(socket.localAddress, "127.0.0.1");
  socket.destroy();
  const [hadError] = await once(socket, "close");
  assertEquals(hadError, false);
  (await accepted).close();
});

Deno.test("toNodeSocket() refuses what is no connection with a TypeError naming 'conn', as upgradeTls() does", () => {
  const values = [{}, null, undefined, 1, "\x1b[31mred", { remoteAddr: {} }];
  for (const value of values) {
    const error = assertThrows(
      () => toNodeSocket(value as Deno.TcpConn),
      TypeError,
      "Cannot wrap the connection as 'conn' must be a connected Deno.TcpConn or Deno.TlsConn: current value is ",
    );
    assert(!error.message.includes("\x1b"), error.message);
  }
});

Deno.test("toNodeSocket() refuses an allowHalfOpen that is no boolean, leaving the connection open", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const conn = await connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  assertThrows(
    () => toNodeSocket(conn, "yes" as unknown as boolean),
    TypeError,
    "'allowHalfOpen' must be a boolean: current value is \"yes\"",
  );
  const socket = toNodeSocket(conn, false);
  socket.resume();
  socket.end("x");
  await once(socket, "close");
  await done;
});

Deno.test("toNodeSocket() of a TLS connection from upgradeTls() (STARTTLS) reports ALPN and ends with close_notify", async () => {
  const { listener, done: accepted } = tlsEchoServer();
  using _ = listener;
  const tcp = await connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const tls = await upgradeTls(tcp, {
    serverName: "localhost",
    caCerts: [TEST_CA],
    alpnProtocols: ["h2"],
  });
  const socket = toNodeSocket(tls);
  assertEquals(socket.encrypted, true);
  await once(socket, "secureConnect");
  assertEquals(socket.alpnProtocol, "h2");
  socket.end("tls");
  const [data] = await once(socket, "data");
  assertEquals(String(data), "tls");
  await once(socket, "close");
  await accepted;
});

Deno.test("createConnection() reads each option once, and connects with what it checked", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const reads: Record<string, number> = {};
  const options = {} as { hostname: string; port: number };
  const answers = { hostname: "127.0.0.1", port: listener.addr.port };
  for (const [key, value] of Object.entries(answers)) {
    Object.defineProperty(options, key, {
      enumerable: true,
      get() {
        reads[key] = (reads[key] ?? 0) + 1;
        // A second read would get a port that is refused.
        return reads[key] === 1 ? value : key === "port" ? 1 : value;
      },
    });
  }
  const socket = createConnection(options);
  socket.end("ping");
  const [data] = await once(socket, "data");
  assertEquals(String(data), "ping");
  await once(socket, "close");
  await done;
  assertEquals(reads, { hostname: 1, port: 1 });
});

Deno.test("createUndiciConnector() calls back once, with the error when connecting fails", async () => {
  const connector = createUndiciConnector();
  const calls: unknown[][] = [];
  await new Promise<void>((resolve) => {
    connector(
      { hostname: "127.0.0.1", port: refusedPort(), protocol: "http:" },
      (...args) => {
        calls.push(args);
        resolve();
      },
    );
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assertEquals(calls.length, 1);
  assertEquals((calls[0]![0] as { code: string }).code, "ECONNREFUSED");
  assertEquals(calls[0]![1], null);
  await assertRejects(() =>
    new Promise((_, reject) =>
      connector(
        { host: "h", port: 1, rejectUnauthorized: false },
        (error) => reject(error),
      )
    ), TypeError);
  // Remembered winners work through the connector too.
  const history = new ConnectHistory();
  assertEquals(typeof createUndiciConnector({ history }), "function");
});

Deno.test("createUndiciConnector() reads its options' own tls only: a polluted Object.prototype.tls trusts nothing", async () => {
  await using server = tlsServer();
  const proto = Object.prototype as Record<string, unknown>;
  // Before: the connector took this as its TLS settings, and trusted the CA.
  proto.tls = { caCerts: [TEST_CA], serverName: "tls.test" };
  let result: unknown[];
  try {
    const connector = createUndiciConnector();
    result = await new Promise<unknown[]>((resolve) => {
      connector(
        { hostname: "127.0.0.1", port: server.port, protocol: "https:" },
        (...args) => resolve(args),
      );
    });
  } finally {
    delete proto.tls;
  }
  const [error, socket] = result;
  (socket as { destroy(): void } | null)?.destroy();
  assertInstanceOf(error, Deno.errors.InvalidData);
  assertMatch(
    (error as Error).message,
    /UnknownIssuer|unable to verify the first certificate/,
  );
});

Deno.test("a connect listener that throws over TLS is reported, the socket closed, and onEvent still told", async () => {
  const { listener, done } = tlsEchoServer();
  using _ = listener;
  const events: string[] = [];
  let socket: NodeSocket | undefined;
  const reported = await collectReportedErrors(async () => {
    socket = createConnection({
      hostname: "localhost",
      port: listener.addr.port,
      tls: { caCerts: [TEST_CA] },
      onEvent: (event) => events.push(event.type),
    });
    socket.on("connect", () => {
      throw new Error("listener failed");
    });
    socket.on("error", () => {});
    await once(socket, "close");
  });
  assertEquals(reported.map((e) => (e as Error).message), ["listener failed"]);
  assertEquals(socket!.destroyed, true);
  assert(events.includes("tlsStarted"), String(events));
  // The server's side ends as it may: the client is gone.
  await done.catch(() => {});
});

Deno.test("a connect listener that throws is reported, and the socket is closed", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  let socket: NodeSocket | undefined;
  const reported = await collectReportedErrors(async () => {
    socket = createConnection(
      { hostname: "127.0.0.1", port: listener.addr.port },
      () => {
        throw new Error("listener failed");
      },
    );
    await once(socket, "close");
  });
  assertEquals(reported.map((e) => (e as Error).message), ["listener failed"]);
  assertEquals(socket!.destroyed, true);
  (await accepted).close();
});
