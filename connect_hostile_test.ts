// Copyright 2026 the happy-eyeballs authors. MIT license.
// connect() against hostile and careless callers: callbacks and histories
// that throw, reject, abort or answer nonsense at every point. Whatever
// happens, the call settles, surfaces the caller's own error, and leaves
// nothing open (the ops and resources sanitizers are on). Loopback only.
// Hostile options are pinned in _connect/options_test.ts, resolvers that
// never stop answering in _connect/resolve_test.ts.
import {
  assert,
  assertEquals,
  assertInstanceOf,
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
  refusedPort,
  TEST_CA,
  type TestServer,
  tlsServer,
} from "./_testing/net.ts";
import { collectReportedErrors } from "./_testing/errors.ts";
import { HAS_IPV6 } from "./_testing/needs.ts";
import { fixedResolver } from "./_testing/resolvers.ts";

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
      const fixed = fixedResolver(["127.0.0.1"]).resolver;
      // A remembered address that refuses: the look-up raced against it
      // fails the first time, so the race on it is lost, and the name is
      // resolved afresh (deleteAddresses() first).
      let lookUps = 0;
      const resolver: typeof fixed = (...args) => {
        if (method === "deleteAddresses" && lookUps++ === 0) {
          throw new Error("not now");
        }
        return fixed(...args);
      };
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
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
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
        // Whether a dial hook never answers for 127.0.0.2, ignoring its
        // signal: the race must settle without it.
        fc.boolean(),
        async (
          thrower: Thrower,
          resolution,
          tls,
          local,
          delay,
          stale,
          deaf,
        ) => {
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
          if (deaf && thrower.kind !== "dial") {
            // What ends the attempt when no other address may win.
            options.attemptTimeout = 300;
            options.dial = (address, { signal }) => {
              if (address.hostname === "127.0.0.2") {
                return new Promise(() => {});
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
          // Settles, whatever a hook does not do.
          const result = await deadline(connect(options), 10_000).then(
            (conn) => ({ conn }),
            (error) => ({ error }),
          );
          assert(
            !("error" in result && result.error instanceof DOMException &&
              result.error.name === "TimeoutError"),
            "connect() did not settle",
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
            assertInstanceOf(
              result.error,
              options.dial ? Error : Deno.errors.ConnectionRefused,
            );
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

// ---------------------------------------------------------------------------
// Values shown in messages
// ---------------------------------------------------------------------------

/** Every message of `error`, its causes and the errors it aggregates. */
function messagesOf(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return [String(error)];
  return [
    error.message,
    ...(error.cause === undefined ? [] : messagesOf(error.cause, depth + 1)),
    ...(error instanceof AggregateError
      ? error.errors.flatMap((each) => messagesOf(each, depth + 1))
      : []),
  ];
}

Deno.test("connect() property: key text used as a host name is never shown whole in an error", async () => {
  const refused = refusedPort("127.0.0.2");
  const key = fc.oneof(
    // hex, as a key's bytes are often printed
    fc.uint8Array({ minLength: 20, maxLength: 31 }).map((bytes) =>
      Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
    ),
    // base64url without padding: upper and lower case letters and digits
    fc.uint8Array({ minLength: 30, maxLength: 46 }).map((bytes) =>
      btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
        .replaceAll("/", "_").replaceAll("=", "")
    ).filter((text) =>
      /[a-z]/.test(text) && /[A-Z]/.test(text) && /[0-9]/.test(text) &&
      !text.startsWith("-") && !text.endsWith("-")
    ),
  );
  // As getaddrinfo fails (no DNS query leaves loopback in tests).
  const notFound = (name: string): never => {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), {
      code: "ENOTFOUND",
    });
  };
  const placements: Record<
    string,
    (key: string) => Omit<ConnectOptions, "port">
  > = {
    "hostname, a look-up that fails naming it": (key) => ({
      hostname: key,
      resolver: notFound,
    }),
    "hostname with a trailing dot, a look-up that fails naming it": (key) => ({
      hostname: `${key}.`,
      resolver: notFound,
    }),
    "hostname, a resolver that answers nonsense": (key) => ({
      hostname: key,
      resolver: () => 5 as never,
    }),
    "hostname, a resolver that answers nothing": (key) => ({
      hostname: key,
      resolver: () => [],
    }),
    "hostname, a bad ttl": (key) => ({
      hostname: key,
      resolver: () => Object.assign(["127.0.0.1"], { ttl: -1 }),
    }),
    "hostname, refused": (key) => ({
      hostname: key,
      resolver: () => ["127.0.0.2"],
    }),
    "localAddr.hostname, a look-up that fails naming it": (key) => ({
      hostname: "x.test",
      localAddr: { hostname: key },
      resolver: notFound,
    }),
    "localAddr.hostname, a resolver that answers nonsense": (key) => ({
      hostname: "x.test",
      localAddr: { hostname: key },
      resolver: (name) => name === key ? 5 as never : ["127.0.0.1"],
    }),
  };
  await fc.assert(
    fc.asyncProperty(
      key,
      fc.constantFrom(...Object.keys(placements)),
      async (key, placement) => {
        const options = placements[placement]!(key);
        const error = await connect({
          port: refused,
          ...options,
        } as ConnectOptions).then((conn) => conn.close(), (error) => error);
        for (const message of messagesOf(error)) {
          assert(
            !message.includes(key),
            `${placement}: the key is shown in ${message}`,
          );
        }
      },
    ),
    { numRuns: 60 },
  );
});
