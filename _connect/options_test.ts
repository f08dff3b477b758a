// Copyright 2026 the happy-eyeballs authors. MIT license.
// The options stage of connect(): every option checked before any look-up
// or traffic (TypeError, RangeError), unknown keys named, only the caller's
// own properties read, each once; host names in their canonical and ASCII
// forms; `localAddr` of the right shape. Through connect(), loopback only.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import {
  connect,
  type ConnectEvent,
  type ConnectOptions,
  type ConnectTarget,
} from "../connect.ts";
import { ConnectHistory } from "../history.ts";
import {
  acceptingServer,
  refusedPort,
  TEST_CA,
  tlsServer,
} from "../_testing/net.ts";
import { fixedResolver } from "../_testing/resolvers.ts";
import { needs } from "../_testing/needs.ts";

Deno.test("connect() rejects bad options before any look-up", async (t) => {
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
  const cases: [string, Record<string, unknown>, ErrorConstructor, string][] = [
    ["no hostname", { port: 80 }, TypeError, "'hostname'"],
    ["no port", { hostname: "x.test" }, TypeError, "'port'"],
    ["port as string", { hostname: "x.test", port: "80" }, TypeError, "'port'"],
    ["port 0", { hostname: "x.test", port: 0 }, RangeError, "'port'"],
    ["port 65536", { hostname: "x.test", port: 65536 }, RangeError, "'port'"],
    ["port 1.5", { hostname: "x.test", port: 1.5 }, RangeError, "'port'"],
    [
      "port Infinity",
      { hostname: "x.test", port: Infinity },
      RangeError,
      "'port'",
    ],
    ["port huge", { hostname: "x.test", port: 1e20 }, RangeError, "'port'"],
    ["port NaN", { hostname: "x.test", port: NaN }, RangeError, "'port'"],
    [
      "hostname not a string",
      { hostname: 127, port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "hostname in bad brackets",
      { hostname: "[x.test]", port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "family as string",
      { hostname: "x.test", port: 80, family: "4" },
      TypeError,
      "'family'",
    ],
    [
      "interleave Infinity",
      { hostname: "x.test", port: 80, interleave: Infinity },
      RangeError,
      "'interleave'",
    ],
    [
      "delay -Infinity",
      { hostname: "x.test", port: 80, happyEyeballsDelay: -Infinity },
      RangeError,
      "'happyEyeballsDelay'",
    ],
    [
      "localAddr hostname with space",
      { hostname: "x.test", port: 80, localAddr: { hostname: "a b" } },
      TypeError,
      "'localAddr.hostname'",
    ],
    [
      "localAddr unknown key",
      { hostname: "x.test", port: 80, localAddr: { host: "127.0.0.1" } },
      TypeError,
      "'localAddr'",
    ],
    [
      "two unknown options",
      { hostname: "x.test", port: 80, timeout: 5, ssl: true },
      TypeError,
      "'timeout', 'ssl'",
    ],
    ["empty hostname", { hostname: "", port: 80 }, TypeError, "'hostname'"],
    [
      "hostname with space",
      { hostname: "a b", port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "hostname with NUL",
      { hostname: "a\0b", port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "hostname too long",
      { hostname: "a".repeat(254), port: 80 },
      TypeError,
      "'hostname'",
    ],
    [
      "family 5",
      { hostname: "x.test", port: 80, family: 5 },
      TypeError,
      "'family'",
    ],
    [
      "negative delay",
      { hostname: "x.test", port: 80, happyEyeballsDelay: -1 },
      RangeError,
      "'happyEyeballsDelay'",
    ],
    [
      "NaN delay",
      { hostname: "x.test", port: 80, happyEyeballsDelay: NaN },
      RangeError,
      "'happyEyeballsDelay'",
    ],
    [
      "string delay",
      { hostname: "x.test", port: 80, happyEyeballsDelay: "5" },
      TypeError,
      "'happyEyeballsDelay'",
    ],
    [
      "negative interleave",
      { hostname: "x.test", port: 80, interleave: -1 },
      RangeError,
      "'interleave'",
    ],
    [
      "fractional interleave",
      { hostname: "x.test", port: 80, interleave: 1.5 },
      RangeError,
      "'interleave'",
    ],
    [
      "allErrors not boolean",
      { hostname: "x.test", port: 80, allErrors: 1 },
      TypeError,
      "'allErrors'",
    ],
    [
      "signal not a signal",
      { hostname: "x.test", port: 80, signal: {} },
      TypeError,
      "'signal'",
    ],
    [
      "resolver not a function",
      { hostname: "x.test", port: 80, resolver: 1 },
      TypeError,
      "'resolver'",
    ],
    [
      "onEvent not a function",
      { hostname: "x.test", port: 80, onEvent: 1 },
      TypeError,
      "'onEvent'",
    ],
    [
      "localAddr not an object",
      { hostname: "x.test", port: 80, localAddr: "127.0.0.1" },
      TypeError,
      "'localAddr'",
    ],
    [
      "localAddr port",
      {
        hostname: "x.test",
        port: 80,
        localAddr: { hostname: "127.0.0.1", port: -1 },
      },
      RangeError,
      "'localAddr.port'",
    ],
    [
      "unknown option",
      { hostname: "x.test", port: 80, timeout: 5 },
      TypeError,
      "'timeout'",
    ],
    ["conn not a conn", { conn: {} }, TypeError, "'conn'"],
  ];
  for (const [name, options, ErrorClass, includes] of cases) {
    await t.step(name, async () => {
      await assertRejects(
        () =>
          connect(
            { resolver, ...options } as unknown as
              & ConnectOptions
              & ConnectTarget,
          ),
        ErrorClass,
        includes,
      );
    });
  }
  await t.step("options not an object", async () => {
    await assertRejects(
      () => connect(null as unknown as ConnectOptions & ConnectTarget),
      TypeError,
      "'options'",
    );
  });
  assertEquals(calls, []);
});

Deno.test("connect() refuses conn combined with connecting options", async () => {
  await using server = acceptingServer("127.0.0.1");
  using tcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await assertRejects(
    // The types refuse it too: `hostname` and `port`, or `conn`.
    // @ts-expect-error: 'conn' with 'hostname'
    () => connect({ conn: tcp, hostname: "127.0.0.1", happyEyeballsDelay: 0 }),
    TypeError,
    "'conn' must not be combined with 'hostname', 'happyEyeballsDelay'",
  );
});

Deno.test('connect() takes Deno.connect\'s transport: "tcp", and no other', async () => {
  await using server = acceptingServer("127.0.0.1");
  const conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    transport: "tcp",
  });
  conn.close();
  await assertRejects(
    () =>
      connect(
        {
          hostname: "127.0.0.1",
          port: server.port,
          transport: "udp",
        } as unknown as ConnectOptions & ConnectTarget,
      ),
    TypeError,
    `'transport' must be "tcp"`,
  );
});

Deno.test("connect() points Deno.connectTls's top-level TLS keys to tls.*", async (t) => {
  const moved: [string, string][] = [
    ...["caCerts", "alpnProtocols", "cert", "key"].map((
      key,
    ): [string, string] => [key, `tls.${key}`]),
    // node:net's and node:tls's names.
    ["host", "hostname"],
    ["servername", "tls.serverName"],
    ["localAddress", "localAddr"],
    ["lookup", "resolver"],
    // Deno.connect's and Deno.connectTls's.
    [
      "unsafelyDisableHostnameVerification",
      "tls.unsafelyDisableHostnameVerification",
    ],
    ["autoSelectFamily", "happyEyeballsDelay"],
    ["autoSelectFamilyAttemptDelay", "happyEyeballsDelay"],
  ];
  for (const [key, meant] of moved) {
    await t.step(key, async () => {
      await assertRejects(
        () =>
          connect(
            {
              hostname: "127.0.0.1",
              port: 1,
              [key]: [],
            } as unknown as ConnectOptions & ConnectTarget,
          ),
        TypeError,
        `'${key}' (did you mean '${meant}'?)`,
      );
    });
  }
});

Deno.test("connect() refuses a zone id that names no interface it can map, before any traffic", async () => {
  const events: ConnectEvent[] = [];
  const onEvent = (event: ConnectEvent) => events.push(event);
  const rule =
    "must be an IPv6 address whose zone id is an interface index, or the name of an interface with a link-local address";
  await assertRejects(
    () => connect({ hostname: "fe80::1%no-such-if0", port: 80, onEvent }),
    TypeError,
    `'hostname' ${rule}`,
  );
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: 80,
        localAddr: { hostname: "[fe80::1%no-such-if0]" },
        onEvent,
      }),
    TypeError,
    `'localAddr.hostname' ${rule}`,
  );
  await assertRejects(
    () =>
      connect({
        hostname: "zone.test",
        port: 80,
        resolver: () => ["fe80::1%no-such-if0"],
        onEvent,
      }),
    TypeError,
    "an IPv6 zone id an interface index or the name of an interface with a link-local address",
  );
  assertEquals(events, []);
});

Deno.test(
  "connect() connects to a scoped IPv6 address: in hostname, localAddr and a resolver's answer",
  needs("ipv6"),
  async () => {
    await using server = acceptingServer("::1");
    const { port } = server;
    // The loopback interface's index is 1 on Linux; any index will do for
    // ::1, which is not link-local.
    for (const hostname of ["::1%1", "[0:0:0:0:0:0:0:1%01]"]) {
      const started: string[] = [];
      using conn = await connect({
        hostname,
        port,
        onEvent: (event) => {
          if (event.type === "attemptStarted") {
            started.push(event.address.hostname);
          }
        },
      });
      assertEquals(conn.remoteAddr.hostname, "::1");
      assertEquals(started, ["::1%1"]);
    }
    // The fast path: no option but the address.
    using plain = await connect({ hostname: "::1%1", port });
    assertEquals(plain.remoteAddr.port, port);
    // From a resolver; from a scoped local address.
    using resolved = await connect({
      hostname: "scoped.test",
      port,
      resolver: () => ["::1%1"],
    });
    assertEquals(resolved.remoteAddr.hostname, "::1");
    using bound = await connect({
      hostname: "::1",
      port,
      localAddr: { hostname: "::1%1" },
    });
    assertEquals(bound.localAddr.hostname, "::1");
    // A remembered scoped address is dialled as it was resolved.
    const history = new ConnectHistory();
    const resolver = () => ["::1%1"];
    for (let i = 0; i < 2; i++) {
      using _conn = await connect({
        hostname: "scoped.test",
        port,
        resolver,
        history,
      });
    }
    assertEquals(history.addresses("scoped.test", undefined, resolver), [
      "::1%1",
    ]);
    // An interface's name, mapped to its index (where one has a link-local
    // address to tell it).
    const link = Deno.networkInterfaces().find((info) =>
      info.family === "IPv6" && info.scopeid !== null && info.scopeid > 0
    );
    if (link) {
      using named = await connect({ hostname: `::1%${link.name}`, port });
      assertEquals(named.remoteAddr.hostname, "::1");
    }
    // TLS: the certificate is checked for the address without its zone id.
    await using secure = tlsServer("::1");
    using tls = await connect({
      hostname: "::1%1",
      port: secure.port,
      tls: { caCerts: [TEST_CA] },
    });
    assertEquals(tls.remoteAddr.hostname, "::1");
  },
);

Deno.test("connect() calls '%' in a name what it is: no zone id, which only an IPv6 address has", async () => {
  for (const hostname of ["a%0ab.test", "%25", "127.0.0.1%1", "a%"]) {
    const error = await assertRejects(
      () => connect({ hostname, port: 80 }),
      TypeError,
      "Cannot connect as 'hostname' must be a host name or IP address of 1 to 253 characters without spaces or control characters, '%' only in an IPv6 zone id: current value is ",
    );
    assertEquals(error.message.includes("without a zone id"), false);
  }
});

Deno.test("connect() turns a Unicode host name into its ASCII form, once, up front", async () => {
  await using server = tlsServer("127.0.0.1");
  const calls: string[] = [];
  const events: ConnectEvent[] = [];
  const error = await assertRejects(
    () =>
      connect({
        hostname: "Bücher.example",
        port: server.port,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
        tls: { caCerts: [TEST_CA], handshakeTimeout: 5_000 },
        onEvent: (event) => events.push(event),
      }),
    Deno.errors.InvalidData,
  );
  assertEquals(calls, ["xn--bcher-kva.example"]);
  const started = events.find((e) => e.type === "tlsStarted");
  assert(started?.type === "tlsStarted");
  // SNI and the certificate check use the ASCII form too.
  assertEquals(started.serverName, "xn--bcher-kva.example");
  assertStringIncludes(error.message, "xn--bcher-kva.example");
  // Not a valid internationalized name: a TypeError, before any look-up.
  await assertRejects(
    () =>
      connect({
        hostname: "xn--ü.example",
        port: server.port,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
      }),
    TypeError,
    "'hostname' must be a valid internationalized host name",
  );
  assertEquals(calls.length, 1);
});

Deno.test("connect() checks the host name as the default TLS server name before any traffic", async () => {
  const calls: string[] = [];
  await assertRejects(
    () =>
      connect({
        hostname: "bad!name.test",
        port: 443,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
        tls: true,
      }),
    TypeError,
    "'hostname' must be a host name or an IP address",
  );
  assertEquals(calls, []);
  // With a server name given, the host name is only resolved.
  const port = refusedPort();
  await assertRejects(
    () =>
      connect({
        hostname: "bad!name.test",
        port,
        resolver: (name) => (calls.push(name), ["127.0.0.1"]),
        tls: { serverName: "tls.test" },
      }),
    Deno.errors.ConnectionRefused,
  );
  assertEquals(calls, ["bad!name.test"]);
});

Deno.test("connect() checks localAddr as asyncio does", async () => {
  await using server = acceptingServer("127.0.0.1");
  // A name that resolves to nothing: NotFound naming localAddr.
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        resolver: () => [],
        localAddr: { hostname: "nowhere.test" },
      }),
    Deno.errors.NotFound,
    `Cannot connect to 127.0.0.1:${server.port} from "nowhere.test" as 'localAddr.hostname' resolves to no address`,
  );
  // Unknown keys, `transport: "udp"` among them, are a TypeError.
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        localAddr: { hostname: "127.0.0.1", transport: "udp" } as never,
      }),
    TypeError,
    "'localAddr.transport' must be \"tcp\" if given",
  );
  // A Deno.NetAddr of TCP is taken as it is.
  const local: Deno.NetAddr = {
    transport: "tcp",
    hostname: "127.0.0.4",
    port: 0,
  };
  using conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    localAddr: local,
  });
  assertEquals(conn.localAddr.hostname, "127.0.0.4");
});

Deno.test("connect() checks the server name taken from 'hostname' before any traffic", async () => {
  const events: string[] = [];
  // A label may not end with a hyphen: no certificate can hold the name.
  await assertRejects(
    () =>
      connect({
        hostname: "bad-.test",
        port: 443,
        tls: true,
        onEvent: (event) => events.push(event.type),
      }),
    TypeError,
    "Cannot start TLS as 'hostname' must be a host name or an IP address",
  );
  assertEquals(events, []);
});

Deno.test("connect() shows a bad value cut to a sane length", async () => {
  const error = await assertRejects(
    () => connect({ hostname: "a".repeat(1 << 20), port: 80 }),
    TypeError,
    "'hostname'",
  );
  assert(error.message.length < 300, `${error.message.length} characters`);
});

// Only the caller's own properties, each read once --------------------------

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
  const { resolver, calls } = fixedResolver(["127.0.0.2"]);
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
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
  const port = refusedPort();
  const base = { hostname: "x.test", port, resolver };
  const boom = new Error("getter");
  const KEY = Deno.readTextFileSync(
    new URL("../testdata/client.key", import.meta.url),
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
