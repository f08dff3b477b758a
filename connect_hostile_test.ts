// Copyright 2026 the happy-eyeballs authors. MIT license.
// connect() against hostile and careless callers: options with throwing
// getters, Proxies and polluted prototypes; callbacks that throw or abort at
// every point; resolvers that never stop answering. Whatever happens, the
// call settles, surfaces the caller's own error, and leaves nothing open (the
// ops and resources sanitizers are on). Loopback only.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertLessOrEqual,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import { deadline } from "@std/async/deadline";
import fc from "fast-check";
import { connect, type ConnectEvent, type ConnectOptions } from "./connect.ts";
import { ConnectHistory } from "./history.ts";
import {
  acceptingServer,
  blackhole,
  firstLine,
  refusedPort,
  TEST_CA,
  type TestServer,
  tlsServer,
} from "./_testing/net.ts";
import { collectReportedErrors } from "./_testing/errors.ts";
import { HAS_IPV6, needs } from "./_testing/needs.ts";

/** A resolver that records the names it is asked for. */
function recordingResolver(addresses: string[]) {
  const calls: string[] = [];
  return {
    calls,
    resolver: (hostname: string) => {
      calls.push(hostname);
      return addresses;
    },
  };
}

/**
 * Checks that every connection `server` accepted, except the peer of
 * `kept`, was closed by the client: its read ends (end of stream or reset).
 */
async function assertPeersClosed(server: TestServer, kept?: Deno.Conn) {
  const keptPort = (kept?.localAddr as Deno.NetAddr | undefined)?.port;
  for (const [i, conn] of server.conns.entries()) {
    if (server.peers[i]!.port === keptPort) continue;
    const read = conn.read(new Uint8Array(16)).catch(() => null);
    assertEquals(
      await deadline(read, 2_000).catch(() => "still open"),
      null,
      `the connection from port ${server.peers[i]!.port} was left open`,
    );
  }
}

// ---------------------------------------------------------------------------
// Options: only the caller's own properties, each read once
// ---------------------------------------------------------------------------

/** Runs `fn` with `values` set on Object.prototype, then removes them. */
function polluted<T>(values: Record<string, unknown>, fn: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    Object.defineProperty(proto, key, {
      value,
      configurable: true,
      enumerable: false,
      writable: true,
    });
  }
  try {
    return fn();
  } finally {
    for (const key of Object.keys(values)) delete proto[key];
  }
}

Deno.test("connect() ignores a resolver inherited from a polluted Object.prototype", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { resolver, calls } = recordingResolver(["127.0.0.2"]);
  // connect() reads its options at once: the pollution may end after the call.
  using conn = await polluted(
    { resolver },
    () => connect({ hostname: "localhost", port: server.port, family: 4 }),
  );
  assertEquals(calls, []);
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
});

Deno.test("connect() ignores unsafelyDisableHostnameVerification inherited from Object.prototype", async () => {
  await using server = tlsServer("127.0.0.1");
  for (const tls of [{ caCerts: [TEST_CA], serverName: "wrong.test" }]) {
    await assertRejects(
      () =>
        polluted(
          { unsafelyDisableHostnameVerification: true },
          () => connect({ hostname: "127.0.0.1", port: server.port, tls }),
        ),
      Deno.errors.InvalidData,
      "wrong.test",
    );
  }
});

Deno.test("connect() ignores a localAddr inherited from Object.prototype", async () => {
  await using server = acceptingServer("127.0.0.1");
  using conn = await polluted(
    { localAddr: { hostname: "127.0.0.9" }, hostname: "127.0.0.3" },
    () => connect({ hostname: "127.0.0.1", port: server.port }),
  );
  assertEquals(conn.localAddr.hostname, "127.0.0.1");
});

/** Options whose `key` is a getter that throws `error`. */
function throwingGetter(
  options: Record<string, unknown>,
  key: string,
  error: unknown,
): Record<string, unknown> {
  return Object.defineProperty({ ...options }, key, {
    enumerable: true,
    get() {
      throw error;
    },
  });
}

Deno.test("connect() refuses hostile options before any look-up or traffic", async (t) => {
  const { resolver, calls } = recordingResolver(["127.0.0.1"]);
  const port = refusedPort();
  const base = { hostname: "x.test", port, resolver };
  const boom = new Error("getter");
  const KEY = Deno.readTextFileSync(
    new URL("./testdata/client.key", import.meta.url),
  );
  const cases: [
    string,
    () => unknown,
    (new (...args: never[]) => unknown) | unknown,
    string?,
  ][] = [
    ["a getter that throws", () => throwingGetter(base, "port", boom), boom],
    [
      "a tls getter that throws",
      () => ({ ...base, tls: throwingGetter({}, "caCerts", boom) }),
      boom,
    ],
    [
      "a localAddr getter that throws",
      () => ({ ...base, localAddr: throwingGetter({}, "hostname", boom) }),
      boom,
    ],
    [
      "a Proxy whose ownKeys throws",
      () =>
        new Proxy(base, {
          ownKeys() {
            throw boom;
          },
        }),
      boom,
    ],
    [
      "a Proxy whose get throws",
      () =>
        new Proxy(base, {
          get() {
            throw boom;
          },
        }),
      boom,
    ],
    [
      "a caCerts array whose elements throw",
      () => ({
        ...base,
        tls: {
          caCerts: new Proxy([TEST_CA], {
            get(target, key) {
              if (key === "0") throw boom;
              return Reflect.get(target, key);
            },
          }),
        },
      }),
      boom,
    ],
    [
      "a caCerts array with holes",
      // deno-lint-ignore no-sparse-arrays
      () => ({ ...base, tls: { caCerts: [, TEST_CA] } }),
      TypeError,
      "'tls.caCerts' must be an array of strings: current value is an array with holes",
    ],
    [
      "a history Proxy whose prototype trap throws",
      () => ({
        ...base,
        history: new Proxy(new ConnectHistory(), {
          getPrototypeOf() {
            throw boom;
          },
        }),
      }),
      boom,
    ],
    [
      "an own __proto__ key (from JSON.parse)",
      () => ({
        ...JSON.parse(
          '{"__proto__": {"unsafelyDisableHostnameVerification": true}}',
        ),
        ...base,
      }),
      TypeError,
      "__proto__",
    ],
    [
      "a String object as hostname",
      () => ({ ...base, hostname: new String("x.test") }),
      TypeError,
      "'hostname' must be a string: current value is a String",
    ],
    [
      "a Number object as port",
      () => ({ ...base, port: new Number(80) }),
      TypeError,
      "'port' must be a number",
    ],
    [
      "a private key as hostname",
      () => ({ ...base, hostname: KEY }),
      TypeError,
      "current value is PEM text with a PRIVATE KEY block",
    ],
    [
      "a private key as tls",
      () => ({ ...base, tls: KEY }),
      TypeError,
      "current value is PEM text with a PRIVATE KEY block",
    ],
    [
      "a private key in caCerts next to a number",
      () => ({ ...base, tls: { caCerts: [KEY, 1] } }),
      TypeError,
      "current value is an array of string, number",
    ],
  ];
  for (const [name, make, expected, includes] of cases) {
    await t.step(name, async () => {
      const error = await connect(make() as ConnectOptions).then(
        () => undefined,
        (error) => error,
      );
      if (typeof expected === "function") {
        assertInstanceOf(error, expected as new () => Error);
        if (includes) assertStringIncludes(error.message, includes);
      } else {
        assertStrictEquals(error, expected);
      }
      if (error instanceof Error) {
        assert(!error.message.includes(KEY.split("\n")[1]!.slice(0, 16)));
      }
    });
  }
  assertEquals(calls, []);
});

Deno.test("connect() reads each option once", async () => {
  await using server = acceptingServer("127.0.0.1");
  const reads = new Map<PropertyKey, number>();
  const options = new Proxy({
    hostname: "127.0.0.1",
    port: server.port,
    tls: false,
    happyEyeballsDelay: 10,
  }, {
    get(target, key, receiver) {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return Reflect.get(target, key, receiver);
    },
  });
  using _ = await connect(options);
  assertEquals(Object.fromEntries(reads), {
    hostname: 1,
    port: 1,
    tls: 1,
    happyEyeballsDelay: 1,
  });
});

// ---------------------------------------------------------------------------
// Callbacks that throw or abort
// ---------------------------------------------------------------------------

Deno.test("connect() fails with the error of a history whose record() throws, and closes the winner", async (t) => {
  const hostnames = {
    "an IP literal": ["127.0.0.1", undefined],
    "a race": ["x.test", () => ["127.0.0.2", "127.0.0.1"]],
  } as const;
  for (const [name, [hostname, resolver]] of Object.entries(hostnames)) {
    await t.step(name, async () => {
      await using server = acceptingServer("127.0.0.1");
      const error = new Error("record");
      class Throwing extends ConnectHistory {
        override record(): void {
          throw error;
        }
      }
      const history = new ConnectHistory();
      const proxy = new Proxy(history, {
        get(target, key) {
          if (key === "record") return Throwing.prototype.record;
          const value = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      for (const h of [new Throwing(), proxy]) {
        const rejected = await connect({
          hostname,
          port: server.port,
          history: h,
          happyEyeballsDelay: 0,
          ...(resolver && { resolver }),
        }).catch((e) => e);
        assertStrictEquals(rejected, error);
      }
      await assertPeersClosed(server);
    });
  }
});

/**
 * How `connect()` to `x.test` on `port` settles: the conn, or what it rejects
 * with.
 */
function settled(
  port: number,
  options: Omit<ConnectOptions, "hostname" | "port">,
): Promise<unknown> {
  return connect({ hostname: "x.test", port, ...options }).catch((e) => e);
}

Deno.test("connect() refuses a history whose order() adds or drops addresses", async () => {
  await using server = acceptingServer("127.0.0.1");
  const refuses = (history: ConnectHistory, message: string) =>
    assertRejects(
      () =>
        connect({
          hostname: "x.test",
          port: server.port,
          resolver: () => ["127.0.0.1", "127.0.0.2"],
          history,
        }),
      TypeError,
      message,
    );
  for (
    const answer of [["127.0.0.1", "192.0.2.1"], ["127.0.0.1", "127.0.0.1"]]
  ) {
    const history = new ConnectHistory();
    history.order = () => answer;
    await refuses(
      history,
      "'history.order()' must return the addresses it was given, reordered: current value is [",
    );
  }
  // One that adds to the array it was given and returns it: checked against
  // a copy, it is refused too, and nothing is dialled.
  const adding = new ConnectHistory();
  adding.order = (_destination, addresses) => {
    // A careless history, against its readonly type.
    const list = addresses as string[];
    list.push("127.0.0.3");
    return list;
  };
  await refuses(
    adding,
    "'history.order()' must return the addresses it was given",
  );
  assertEquals(server.conns.length, 0);
});

Deno.test("connect() fails with the error of a history whose address cache methods throw, and leaves nothing open", async (t) => {
  await using server = acceptingServer("127.0.0.1");
  const methods = ["addresses", "recordAddresses", "deleteAddresses"] as const;
  for (const method of methods) {
    await t.step(method, async () => {
      const error = new Error(method);
      const history = new ConnectHistory();
      const { resolver } = recordingResolver(["127.0.0.1"]);
      // A remembered address that refuses: the race on it fails, and the
      // name is resolved afresh (deleteAddresses() first).
      if (method === "deleteAddresses") {
        history.recordAddresses(
          "x.test",
          undefined,
          ["127.0.0.3"],
          60_000,
          resolver,
        );
      }
      let called = 0;
      history[method] = () => {
        called++;
        throw error;
      };
      const rejected = await settled(server.port, { resolver, history });
      assertStrictEquals(rejected, error);
      assertEquals(called, 1);
      await assertPeersClosed(server);
    });
  }
});

Deno.test("connect() refuses a history whose addresses() answers no list of distinct IP addresses of the family", async () => {
  await using server = acceptingServer("127.0.0.1");
  const { resolver, calls } = recordingResolver(["127.0.0.1"]);
  const answers: [unknown, (4 | 6)?][] = [
    [null],
    ["127.0.0.1"],
    [{ length: 1, 0: "127.0.0.1" }],
    [["x.test"]],
    [["127.0.0.1", "127.0.0.1"]],
    [["[::1]"]],
    [["::1%lo"]],
    [[42]],
    // A hole reads what a polluted Array.prototype holds.
    [[, "127.0.0.1"]],
    [["::1"], 4],
  ];
  for (const [answer, family] of answers) {
    const history = new ConnectHistory();
    history.addresses = () => answer as string[];
    await assertRejects(
      () =>
        connect({
          hostname: "x.test",
          port: server.port,
          resolver,
          history,
          ...(family && { family }),
        }),
      TypeError,
      "'history.addresses()' must return undefined or distinct IP addresses",
    );
  }
  assertEquals(calls, []);
  assertEquals(server.conns.length, 0);
});

Deno.test("connect() gives a history's recordAddresses() an answer it cannot change for other calls", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  history.recordAddresses = (_hostname, _family, addresses) => {
    (addresses as string[]).push("127.0.0.2");
  };
  // Two calls by name at once share one look-up of the system resolver.
  const results = await Promise.allSettled([
    connect({ hostname: "localhost", port: server.port, family: 4, history }),
    connect({ hostname: "localhost", port: server.port, family: 4 }),
  ]);
  assertEquals(results[0].status, "rejected");
  assertInstanceOf((results[0] as PromiseRejectedResult).reason, TypeError);
  assertEquals(results[1].status, "fulfilled");
  (results[1] as PromiseFulfilledResult<Deno.TcpConn>).value.close();
  await assertPeersClosed(server);
});

Deno.test("connect() fails with the error that onEvent throws, reports nothing, and closes everything", async () => {
  await using server = acceptingServer("127.0.0.1");
  const error = new Error("onEvent");
  const reported = await collectReportedErrors(async () => {
    for (const hostname of ["127.0.0.1", "x.test"]) {
      const events: string[] = [];
      const rejected = await connect({
        hostname,
        port: server.port,
        resolver: () => ["127.0.0.2", "127.0.0.1"],
        happyEyeballsDelay: 0,
        onEvent: (event) => {
          events.push(event.type);
          if (event.type === "attemptWon") throw error;
        },
      }).catch((e) => e);
      assertStrictEquals(rejected, error);
      // No event after the one that threw.
      assertEquals(events.at(-1), "attemptWon");
    }
  });
  assertEquals(reported, []);
  await assertPeersClosed(server);
});

Deno.test("connect() rejects with signal.reason when onEvent aborts on attemptWon", async () => {
  await using server = acceptingServer("127.0.0.1");
  for (const hostname of ["127.0.0.1", "x.test"]) {
    const controller = new AbortController();
    const reason = new Error("changed my mind");
    const rejected = await connect({
      hostname,
      port: server.port,
      resolver: () => ["127.0.0.2", "127.0.0.1"],
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "attemptWon") controller.abort(reason);
      },
    }).catch((e) => e);
    assertStrictEquals(rejected, reason);
  }
  await assertPeersClosed(server);
});

Deno.test("connect() gives onEvent frozen addresses: it cannot change where to connect", async () => {
  await using server = acceptingServer("127.0.0.1");
  const port = refusedPort();
  const rejected = await connect({
    hostname: "x.test",
    port,
    resolver: () => ["127.0.0.2"],
    onEvent: (event) => {
      if (event.type === "resolved") {
        (event.addresses[0] as { port: number }).port = server.port;
      }
    },
  }).catch((e) => e);
  // Writing to a frozen object throws in a module: the call fails with it.
  assertInstanceOf(rejected, TypeError);
  assertEquals(server.conns.length, 0);
});

/**
 * Which callback throws, and when; `async`: it returns a promise that rejects
 * instead.
 */
type Thrower =
  & { async: boolean }
  & (
    | { kind: "onEvent"; at: number; abort: boolean }
    | {
      kind:
        | "record"
        | "order"
        | "attemptDelay"
        | "addresses"
        | "recordAddresses"
        | "deleteAddresses";
    }
    | { kind: "resolver"; at: number }
    | { kind: "dial"; at: number }
  );

Deno.test("connect() property: a callback that throws, rejects or aborts at any point surfaces as itself and leaves nothing open", async () => {
  await using plain = acceptingServer("127.0.0.1");
  await using secure = tlsServer("127.0.0.1");
  const reported = await collectReportedErrors(async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            kind: fc.constant("onEvent" as const),
            at: fc.nat(12),
            abort: fc.boolean(),
            async: fc.boolean(),
          }),
          fc.record({
            kind: fc.constantFrom(
              "record" as const,
              "order" as const,
              "attemptDelay" as const,
              "addresses" as const,
              "recordAddresses" as const,
              "deleteAddresses" as const,
            ),
            async: fc.boolean(),
          }),
          fc.record({
            kind: fc.constant("resolver" as const),
            at: fc.nat(3),
            async: fc.boolean(),
          }),
          fc.record({
            kind: fc.constant("dial" as const),
            at: fc.nat(3),
            async: fc.boolean(),
          }),
        ),
        fc.constantFrom("literal", "array", "batches"),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(0, 5),
        // Whether the history remembers an address for the name that refuses
        // (the race on it fails; the name is resolved afresh).
        fc.boolean(),
        async (thrower: Thrower, resolution, tls, local, delay, stale) => {
          const server = tls ? secure : plain;
          const thrown = new Error(`${thrower.kind} threw`);
          const controller = new AbortController();
          let threw = false;
          let events = 0;
          // Set one timer turn after an async callback rejected: by then the
          // rejection has landed (it takes a few microtasks).
          let rejectionLanded = false;
          let landing: ReturnType<typeof setTimeout> | undefined;
          // The address the dial hook threw for.
          let dialThrewFor: string | undefined;
          const fire = (): Promise<never> => {
            threw = true;
            if (thrower.async) {
              landing = setTimeout(() => rejectionLanded = true, 0);
              return Promise.reject(thrown);
            }
            throw thrown;
          };
          const history = new ConnectHistory();
          // 127.0.0.2 and [::1] refuse: nothing listens there on that port.
          const addresses = [
            "127.0.0.2",
            ...(HAS_IPV6 ? ["::1"] : []),
            "127.0.0.1",
          ];
          async function* batches() {
            for (const [i, address] of addresses.entries()) {
              if (thrower.kind === "resolver" && thrower.at === i) {
                threw = true;
                throw thrown;
              }
              yield [address];
            }
          }
          const options: ConnectOptions = {
            hostname: resolution === "literal" ? "127.0.0.1" : "x.test",
            port: server.port,
            happyEyeballsDelay: delay,
            signal: controller.signal,
            history,
            onEvent: (_event: ConnectEvent) => {
              if (thrower.kind === "onEvent" && events++ === thrower.at) {
                if (!thrower.abort) return fire();
                threw = true;
                controller.abort(thrown);
              }
            },
          };
          if (thrower.kind === "dial") {
            let dials = 0;
            options.dial = (address, { signal }) => {
              if (dials++ === thrower.at) {
                dialThrewFor = address.hostname;
                return fire();
              }
              const { hostname, port } = address;
              return Deno.connect({ hostname, port, signal });
            };
          }
          if (resolution !== "literal") {
            options.resolver = () => {
              if (resolution === "batches") return batches();
              if (thrower.kind === "resolver") return fire();
              return addresses;
            };
          }
          if (stale) {
            // Remembered from this resolver's answer.
            history.recordAddresses(
              "x.test",
              undefined,
              ["127.0.0.3"],
              60_000,
              options.resolver,
            );
          }
          if (
            thrower.kind !== "onEvent" && thrower.kind !== "resolver" &&
            thrower.kind !== "dial"
          ) {
            history[thrower.kind] = fire as never;
          }
          if (local) options.localAddr = { hostname: "127.0.0.1" };
          if (tls) options.tls = { caCerts: [TEST_CA], serverName: "tls.test" };
          const result = await connect(options).then(
            (conn) => ({ conn }),
            (error) => ({ error }),
          );
          clearTimeout(landing);
          // A late batch that throws is ignored, by contract: the race goes
          // on with the addresses it has, and may fail for want of others.
          const ignored = thrower.kind === "resolver" &&
            resolution === "batches" && thrower.at > 0;
          // A rejection may land after the call settled (documented: once
          // the winner is decided), when it settles in the same turn: it is
          // dropped then, never unhandled; one that landed must be heeded.
          const late = thrower.async && !rejectionLanded;
          // A dial hook that throws fails its attempt: the race goes on.
          const dialed = thrower.kind === "dial" &&
            dialThrewFor !== "127.0.0.1";
          // A history that answers with a promise gives no answer.
          const noAnswer = thrower.async && (thrower.kind === "order" ||
            thrower.kind === "addresses" || thrower.kind === "attemptDelay");
          if ("conn" in result) {
            assert(
              !threw || ignored || late || dialed,
              `connected although ${thrower.kind} threw`,
            );
            await assertPeersClosed(plain, result.conn);
            result.conn.close();
          } else if (ignored) {
            assertInstanceOf(result.error, Deno.errors.ConnectionRefused);
          } else {
            assert(threw, `failed with ${result.error}`);
            if (late && result.error === thrown) {
              // Landed before the call settled.
            } else if (noAnswer) {
              assertInstanceOf(result.error, TypeError);
              assertStringIncludes(
                result.error.message,
                `'history.${thrower.kind}()' must return`,
              );
            } else if (thrower.kind === "dial") {
              // The attempt to the only address that accepts failed with it.
              assertEquals(dialThrewFor, "127.0.0.1");
              const error = result.error as Error;
              const causes = error instanceof AggregateError
                ? error.errors.map((each: Error) => each.cause)
                : [error.cause];
              assert(causes.includes(thrown), `failed with ${error}`);
            } else if (thrower.kind === "resolver") {
              assertInstanceOf(result.error, Deno.errors.NotFound);
              assertStrictEquals(result.error.cause, thrown);
            } else {
              assertStrictEquals(result.error, thrown);
            }
          }
          await assertPeersClosed(plain);
        },
      ),
      { numRuns: 150 },
    );
  });
  assertEquals(reported, []);
});

// ---------------------------------------------------------------------------
// Resolvers that never stop answering
// ---------------------------------------------------------------------------

Deno.test("connect() lets timers run between the batches of a resolver that never waits", async () => {
  const port = refusedPort();
  let fired = false;
  const timer = setTimeout(() => fired = true, 0);
  let batches = 0;
  let firedAt: number | undefined;
  let closed = false;
  async function* forever() {
    try {
      while (true) {
        batches++;
        if (fired) firedAt ??= batches;
        yield ["127.0.0.1"];
      }
    } finally {
      closed = true;
    }
  }
  await assertRejects(
    () => connect({ hostname: "x.test", port, resolver: forever }),
    Deno.errors.ConnectionRefused,
  );
  clearTimeout(timer);
  // The timer ran after the first batch or so, not after the last.
  assert(firedAt !== undefined && firedAt <= 3, `timer ran at ${firedAt}`);
  assert(closed, "the resolver was not closed");
});

Deno.test("connect() considers at most 64 addresses from a resolver that never stops", async (t) => {
  const port = refusedPort();
  function* loopback(): Generator<string, never> {
    for (let i = 2;; i++) yield `127.0.${i >> 8}.${i & 255}`;
  }
  await t.step("in batches", async () => {
    let attempts = 0;
    const addresses = loopback();
    await assertRejects(
      () =>
        connect({
          hostname: "x.test",
          port,
          happyEyeballsDelay: 0,
          resolver: async function* () {
            while (true) yield [addresses.next().value as string];
          },
          onEvent: (event) => {
            if (event.type === "attemptStarted") attempts++;
          },
        }),
      Deno.errors.ConnectionRefused,
    );
    assertLessOrEqual(attempts, 64);
  });
  await t.step("in one huge answer", async () => {
    const addresses = loopback();
    const all = Array.from(
      { length: 10_000 },
      () => addresses.next().value as string,
    );
    const resolved: number[] = [];
    await assertRejects(() =>
      connect({
        hostname: "x.test",
        port,
        happyEyeballsDelay: 0,
        resolver: () => all,
        onEvent: (event) => {
          if (event.type === "resolved") resolved.push(event.addresses.length);
        },
      })
    );
    assertEquals(resolved, [64]);
  });
  await t.step("for a localAddr name", async () => {
    await using server = acceptingServer("127.0.0.1");
    let batches = 0;
    using conn = await connect({
      hostname: "127.0.0.1",
      port: server.port,
      localAddr: { hostname: "local.test" },
      resolver: async function* () {
        while (true) {
          batches++;
          yield ["127.0.0.1"];
        }
      },
    });
    assertEquals(conn.localAddr.hostname, "127.0.0.1");
    assertLessOrEqual(batches, 64);
  });
});

// ---------------------------------------------------------------------------
// Abandoned system look-ups
// ---------------------------------------------------------------------------

// A DNS server that never answers, on a loopback address of its own.
const SILENT_DNS = `
import socket, sys
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((sys.argv[1], 53))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.bind((sys.argv[1], 53))
tcp.listen(0)
sys.stdout.write("ready\\n")
sys.stdout.flush()
while True:
    udp.recvfrom(4096)
`;

Deno.test({
  name:
    "connect() abandons system look-ups without stalling the process's other look-ups",
  ...needs("unshare", "python3"),
  async fn() {
    // A child whose /etc/resolv.conf names a server that never answers:
    // each look-up of an unknown name holds a runtime thread for 10 s.
    const dns = "127.83.101.53";
    const silent = new Deno.Command("python3", {
      args: ["-c", SILENT_DNS, dns],
      stdout: "piped",
    }).spawn();
    const resolvConf = await Deno.makeTempFile({ suffix: ".conf" });
    await using server = acceptingServer("127.0.0.1");
    try {
      assertEquals(await firstLine(silent.stdout), "ready");
      await Deno.writeTextFile(
        resolvConf,
        `nameserver ${dns}\noptions timeout:5 attempts:2\n`,
      );
      const code = `
import { connect } from ${JSON.stringify(import.meta.resolve("./connect.ts"))};
const abandoned = [];
for (let i = 0; i < 100; i++) {
  abandoned.push(connect({
    hostname: \`n\${i}.silent.test\`,
    port: 80,
    signal: AbortSignal.timeout(100),
  }).catch((error) => error.name));
}
const names = new Set(await Promise.all(abandoned));
const start = performance.now();
const conn = await Deno.connect({ hostname: "localhost", port: ${server.port} });
const took = performance.now() - start;
conn.close();
console.log(JSON.stringify({ names: [...names], took }));
Deno.exit(0);
`;
      const child = new Deno.Command("unshare", {
        args: [
          "-m",
          "sh",
          "-c",
          'mount --bind "$0" /etc/resolv.conf && exec "$@"',
          resolvConf,
          Deno.execPath(),
          "run",
          "-A",
          `--config=${new URL("./deno.json", import.meta.url).pathname}`,
          "-",
        ],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(code));
      await writer.close();
      const { code: exit, stdout, stderr } = await child.output();
      assertEquals(exit, 0, new TextDecoder().decode(stderr));
      const { names, took } = JSON.parse(new TextDecoder().decode(stdout));
      assertEquals(names, ["TimeoutError"]);
      // Without the bound: about 30 s (measured), until the look-ups ahead
      // of it give up. With it: at once; 5 s is a generous bound.
      assertLessOrEqual(took, 5_000);
    } finally {
      silent.kill();
      await silent.status;
      await Deno.remove(resolvConf);
    }
  },
});

Deno.test("connect() treats an async onEvent or history method that rejects as one that throws: no unhandled rejection", async (t) => {
  await using server = acceptingServer("127.0.0.1");
  const error = new Error("rejected");
  const resolver = () => ["127.0.0.1", "127.0.0.2"];
  await t.step("onEvent, on attemptStarted", async () => {
    const rejected = await settled(server.port, {
      resolver,
      // deno-lint-ignore require-await
      onEvent: async (event) => {
        if (event.type === "attemptStarted") throw error;
      },
    });
    assertStrictEquals(rejected, error);
    await assertPeersClosed(server);
  });
  await t.step("onEvent, on tlsStarted", async () => {
    await using tls = tlsServer();
    const rejected = await connect({
      hostname: "127.0.0.1",
      port: tls.port,
      tls: { caCerts: [TEST_CA], serverName: "tls.test" },
      // deno-lint-ignore require-await
      onEvent: async (event) => {
        if (event.type === "tlsStarted") throw error;
      },
    }).catch((e) => e);
    assertStrictEquals(rejected, error);
    await assertPeersClosed(tls);
  });
  await t.step("history.record()", async () => {
    // It rejects once the winner is decided. The race settles only once no
    // attempt runs: the first address, a blackhole, still runs when the
    // second wins, so the rejection lands before the call settles.
    await using _hole = await blackhole("127.0.0.2", server.port);
    const history = new ConnectHistory();
    // deno-lint-ignore require-await
    history.record = async () => {
      throw error;
    };
    const rejected = await settled(server.port, {
      resolver: () => ["127.0.0.2", "127.0.0.1"],
      happyEyeballsDelay: 10,
      history,
    });
    assertStrictEquals(rejected, error);
    await assertPeersClosed(server);
  });
  for (const method of ["order", "addresses", "attemptDelay"] as const) {
    await t.step(`history.${method}(), refused as no answer`, async () => {
      const history = new ConnectHistory();
      // deno-lint-ignore require-await
      history[method] = (async () => {
        throw error;
      }) as never;
      await assertRejects(
        () =>
          connect({ hostname: "x.test", port: server.port, resolver, history }),
        TypeError,
        `'history.${method}()' must return`,
      );
      await assertPeersClosed(server);
    });
    await t.step(
      `history.${method}(), a Proxy answer that throws when looked at`,
      async () => {
        // Neither its prototype nor its then() can be read; a revoked Proxy
        // cannot even be told from an array. Still the documented TypeError.
        const revocable = Proxy.revocable({}, {});
        revocable.revoke();
        const answers = [
          new Proxy({}, {
            getPrototypeOf() {
              throw new Error("getPrototypeOf");
            },
            get(target, key) {
              if (key === "then") throw new Error("then");
              return Reflect.get(target, key);
            },
          }),
          revocable.proxy,
        ];
        for (const answer of answers) {
          const history = new ConnectHistory();
          history[method] = (() => answer) as never;
          const error = await assertRejects(
            () =>
              connect({
                hostname: "x.test",
                port: server.port,
                resolver,
                history,
              }),
            TypeError,
            `'history.${method}()' must return`,
          );
          assertStringIncludes(error.message, ": current value is an object");
          await assertPeersClosed(server);
        }
      },
    );
  }
});

Deno.test("connect() ignores a late batch that is not IP addresses: late answers are a bonus", async () => {
  // Nothing listens on 127.0.0.2 on that port: the race needs later batches.
  await using server = acceptingServer("127.0.0.1");
  let returned = false;
  const batches = [["127.0.0.2"], ["not-an-ip"], ["127.0.0.1"]];
  const error = await connect({
    hostname: "x.test",
    port: server.port,
    resolver: () => ({
      [Symbol.asyncIterator]: () => ({
        next: () =>
          Promise.resolve(
            batches.length > 0
              ? { done: false as const, value: batches.shift()! }
              : { done: true as const, value: undefined },
          ),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      }),
    }),
  }).catch((e) => e);
  // Not a TypeError: the bad batch ended the answer, the race failed on
  // what it had, and the resolver was told to stop.
  assertInstanceOf(error, Deno.errors.ConnectionRefused);
  assertStringIncludes(error.message, "127.0.0.2");
  assert(!error.message.includes("127.0.0.1:"), error.message);
  assert(returned, "the resolver was not told to stop");
  assertEquals(server.conns.length, 0);
});
