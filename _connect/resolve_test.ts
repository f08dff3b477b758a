// Copyright 2026 the happy-eyeballs authors. MIT license.
// The resolution stage of connect(): the system resolver and its order, a
// caller's resolver (arrays, batches, never-ending answers and their
// bounds), `family` and `localAddr` filtering, the errors of a name that
// resolves to no usable address, and the bound on abandoned system look-ups.
// Through connect(), loopback only.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertLessOrEqual,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import { connect, type ConnectEvent } from "../connect.ts";
import { ConnectHistory } from "../history.ts";
import { acceptingServer, firstLine, refusedPort } from "../_testing/net.ts";
import { needs } from "../_testing/needs.ts";
import { privateFile, runWithPermissions } from "../_testing/permissions.ts";
import { batches, fixedResolver } from "../_testing/resolvers.ts";

Deno.test("connect() resolves names with the system resolver", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "localhost",
    port: server.port,
    family: 4,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.hostname, "localhost");
});

Deno.test("connect() keeps only the wanted family", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  const { resolver } = fixedResolver(["::1", "127.0.0.1"]);
  using _conn = await connect({
    hostname: "both.test",
    port: server.port,
    family: 4,
    resolver,
    onEvent: (event) => events.push(event),
  });
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), ["127.0.0.1"]);
  await assertRejects(
    () =>
      connect({
        hostname: "v4.test",
        port: 1,
        family: 6,
        resolver: () => ["127.0.0.1"],
      }),
    Deno.errors.NotFound,
    "resolves to no IPv6 address",
  );
});

Deno.test("connect() skips destinations that localAddr's family cannot serve", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "both.test",
    port: server.port,
    resolver: (name) => name === "both.test" ? ["::1", "127.0.0.1"] : [name],
    localAddr: { hostname: "127.0.0.7" },
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.localAddr.hostname, "127.0.0.7");
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), ["127.0.0.1"]);
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        localAddr: { hostname: "::1" },
      }),
    TypeError,
    "no address matches the family of 'localAddr'",
  );
});

Deno.test("connect() says which host did not resolve", async () => {
  await assertRejects(
    () =>
      connect({
        hostname: "nowhere.test",
        port: 80,
        resolver: () => {
          throw new Error("NXDOMAIN");
        },
      }),
    Deno.errors.NotFound,
    "Cannot resolve 'nowhere.test': NXDOMAIN",
  );
  await assertRejects(
    () => connect({ hostname: "x.test", port: 80, resolver: () => ["nope"] }),
    TypeError,
    "must return IP addresses",
  );
  // An error whose message is no string, or whose message getter throws:
  // the message shows what it is, and the error is kept as cause.
  const noString = Object.assign(new Error(), {
    message: Object.create(null) as string,
  });
  const throwing = new Error();
  Object.defineProperty(throwing, "message", {
    get() {
      throw new Error("from the getter");
    },
  });
  // An error whose code getter throws: no OS error, still NotFound.
  const throwingCode = new Error("no such name");
  Object.defineProperty(throwingCode, "code", {
    get() {
      throw new Error("from the code getter");
    },
  });
  for (
    const [thrown, shown] of [
      [noString, "{}"],
      [throwing, "an Error"],
      [throwingCode, "no such name"],
    ] as const
  ) {
    const error = await assertRejects(
      () =>
        connect({
          hostname: "nowhere.test",
          port: 80,
          resolver: () => {
            throw thrown;
          },
        }),
      Deno.errors.NotFound,
    );
    assertEquals(error.message, `Cannot resolve 'nowhere.test': ${shown}`);
    assertStrictEquals(error.cause, thrown);
  }
});

Deno.test("connect() faults: a name the system resolver does not know is NotFound, naming it", async () => {
  // `.invalid` never resolves (RFC 2606). Here getaddrinfo answers in a few
  // milliseconds; a resolver that cannot be reached would make this slow.
  const error = await assertRejects(
    () => connect({ hostname: "nosuch.invalid", port: 80 }),
    Deno.errors.NotFound,
    "Cannot resolve 'nosuch.invalid': ",
  );
  assert(error.cause instanceof Error);
});

Deno.test("connect() serves concurrent connections to one name from a shared look-up", async () => {
  await using server = acceptingServer("127.0.0.1");
  const controller = new AbortController();
  // One caller gives up while the look-up is under way: the others go on.
  const quitter = connect({
    hostname: "localhost",
    port: server.port,
    family: 4,
    signal: controller.signal,
  });
  const conns = Array.from(
    { length: 20 },
    () => connect({ hostname: "localhost", port: server.port, family: 4 }),
  );
  controller.abort(new Error("gave up"));
  await assertRejects(() => quitter, Error, "gave up");
  for (const conn of await Promise.all(conns)) {
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    conn.close();
  }
  // And one after the shared look-up has answered.
  using again = await connect({
    hostname: "localhost",
    port: server.port,
    family: 4,
  });
  assertEquals(again.remoteAddr.hostname, "127.0.0.1");
});

Deno.test({
  name:
    "connect() races every address of a name from /etc/hosts, in the system's order",
  ...needs("unshare"),
  async fn() {
    await using server = acceptingServer("127.0.0.1");
    // Nothing listens on [::1] at this port: refused, then 127.0.0.1 wins.
    await using hosts = await privateFile(
      "/etc/hosts",
      "127.0.0.1 localhost\n::1 multi.test\n127.0.0.1 multi.test\n",
    );
    // A private mount namespace: /etc/hosts changes for the child alone.
    const [result] = await runWithPermissions(
      ["--allow-net", "--allow-read"],
      `const events = [];
const conn = await connect({
  hostname: "multi.test",
  port: Number(Deno.args[0]),
  onEvent: (e) => events.push(e.type === "resolved"
    ? e.addresses.map((a) => a.hostname).join(" ")
    : \`\${e.type} \${e.address?.hostname}\`),
});
console.log(JSON.stringify({ remote: conn.remoteAddr.hostname, events }));
conn.close();`,
      [String(server.port)],
      hosts.wrapper,
    );
    assertEquals(result, {
      remote: "127.0.0.1",
      events: [
        "::1 127.0.0.1",
        "attemptStarted ::1",
        "attemptFailed ::1",
        "attemptStarted 127.0.0.1",
        "attemptWon 127.0.0.1",
      ],
    });
  },
});

Deno.test("connect() decides 'no usable address' on a streaming resolver's whole answer", async () => {
  await using server = acceptingServer("127.0.0.1");
  // An IPv4 localAddr, and the AAAA answer first: the A answer serves.
  using fromLocal = await connect({
    hostname: "late-a.test",
    port: server.port,
    resolver: (name) =>
      name === "late-a.test" ? batches(["::1"], ["127.0.0.1"])() : [name],
    localAddr: { hostname: "127.0.0.1" },
  });
  assertEquals(fromLocal.remoteAddr.hostname, "127.0.0.1");
  // A first batch emptied by `family`, then one of that family.
  using byFamily = await connect({
    hostname: "late-a.test",
    port: server.port,
    family: 4,
    resolver: batches(["::1"], ["127.0.0.1"]),
  });
  assertEquals(byFamily.remoteAddr.hostname, "127.0.0.1");
  // An empty first batch.
  using afterEmpty = await connect({
    hostname: "late-a.test",
    port: server.port,
    resolver: batches([], ["127.0.0.1"]),
  });
  assertEquals(afterEmpty.remoteAddr.hostname, "127.0.0.1");
  // Nothing of the family in the whole answer.
  await assertRejects(
    () =>
      connect({
        hostname: "v6-only.test",
        port: server.port,
        family: 4,
        resolver: batches(["::1"], ["::2"]),
      }),
    Deno.errors.NotFound,
    `Cannot connect to v6-only.test:${server.port} as it resolves to no IPv4 address`,
  );
  await assertRejects(
    () =>
      connect({
        hostname: "v6-only.test",
        port: server.port,
        resolver: (name) =>
          name === "v6-only.test" ? batches(["::1"], ["::2"])() : [name],
        localAddr: { hostname: "127.0.0.1" },
      }),
    TypeError,
    "no address matches the family of 'localAddr': addresses are ::1, ::2",
  );
});

Deno.test("connect() holds IP literals to 'family', as getaddrinfo does", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        family: 6,
        onEvent: (event) => events.push(event),
      }),
    Deno.errors.NotFound,
    `Cannot connect to 127.0.0.1:${server.port} as it is an IPv4 address and 'family' is 6`,
  );
  await assertRejects(
    () => connect({ hostname: "[::1]", port: server.port, family: 4 }),
    Deno.errors.NotFound,
    "is an IPv6 address and 'family' is 4",
  );
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        family: 6,
        localAddr: { hostname: "127.0.0.1" },
      }),
    Deno.errors.NotFound,
    "'family' is 6",
  );
  assertEquals(events, []);
  assertEquals(server.peers.length, 0);
  using conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    family: 4,
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
});

Deno.test("connect() says 'no address' for an empty answer, and cuts long values in messages", async () => {
  await assertRejects(
    () => connect({ hostname: "none.test", port: 80, resolver: () => [] }),
    Deno.errors.NotFound,
    "Cannot connect to none.test:80 as it resolves to no address",
  );
  const huge = "a".repeat(1 << 20);
  const tooLong = await assertRejects(
    () => connect({ hostname: huge, port: 80 }),
    TypeError,
    "'hostname'",
  );
  assert(tooLong.message.length < 400, tooLong.message.slice(0, 400));
  const badAnswer = await assertRejects(
    () => connect({ hostname: "x.test", port: 80, resolver: () => [huge] }),
    TypeError,
    "must return IP addresses",
  );
  assert(badAnswer.message.length < 400);
  const badLocal = await assertRejects(
    () =>
      connect({
        hostname: "x.test",
        port: 80,
        localAddr: { hostname: "127.0.0.1", [huge]: 1 } as never,
      }),
    TypeError,
    "'localAddr'",
  );
  assert(badLocal.message.length < 400);
});

Deno.test("connect() treats IPv6 addresses in one canonical form", async () => {
  await using server = acceptingServer("127.0.0.1");
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "same.test",
    port: server.port,
    resolver: () => [
      "0:0:0:0:0:0:0:1",
      "::1",
      "[0000::0001]",
      "0:0:0:0:0:ffff:7f00:1",
      "127.0.0.1",
    ],
    onEvent: (event) => events.push(event),
  });
  const resolved = events[0];
  assert(resolved?.type === "resolved");
  assertEquals(resolved.addresses.map((a) => a.hostname), [
    "::1",
    "127.0.0.1",
    "::ffff:127.0.0.1",
  ]);
  conn.close();
  // A literal is named in its canonical form.
  const port = refusedPort();
  await assertRejects(
    () => connect({ hostname: "0:0:0:0:0:0:0:1", port }),
    Deno.errors.ConnectionRefused,
    `Cannot connect to [::1]:${port}: `,
  );
});

// Resolvers that never stop answering; abandoned system look-ups -------------

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
    await using resolvConf = await privateFile(
      "/etc/resolv.conf",
      `nameserver ${dns}\noptions timeout:5 attempts:2\n`,
    );
    await using server = acceptingServer("127.0.0.1");
    try {
      assertEquals(await firstLine(silent.stdout), "ready");
      const code = `
import { connect } from ${JSON.stringify(import.meta.resolve("../connect.ts"))};
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
      const [unshare, ...wrapper] = resolvConf.wrapper;
      const child = new Deno.Command(unshare!, {
        args: [
          ...wrapper,
          Deno.execPath(),
          "run",
          "-A",
          `--config=${new URL("../deno.json", import.meta.url).pathname}`,
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
    }
  },
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

Deno.test("connect() keeps a resolver's answer only for its own finite non-negative ttl, refusing any other", async () => {
  await using server = acceptingServer("127.0.0.1");
  const answer = (ttl: unknown) => () =>
    Object.assign(["127.0.0.1"], { ttl }) as unknown as string[];
  for (const ttl of [-1, NaN, Infinity, "0", null, 10n, {}]) {
    const history = new ConnectHistory();
    const error = await assertRejects(
      () =>
        connect({
          hostname: "ttl.test",
          port: server.port,
          resolver: answer(ttl),
          history,
        }),
      TypeError,
      "Cannot resolve 'ttl.test' as the 'ttl' of the resolver's answer must be a finite non-negative number of milliseconds: current value is ",
    );
    assertEquals(history.addresses("ttl.test"), undefined, error.message);
  }
  // Kept for an own ttl of 0 never, of 60 s (addressTtl at most) until then.
  for (
    const [ttl, kept] of [[0, undefined], [60_000, ["127.0.0.1"]]] as const
  ) {
    const history = new ConnectHistory();
    const resolver = answer(ttl);
    using _conn = await connect({
      hostname: "ttl.test",
      port: server.port,
      resolver,
      history,
    });
    assertEquals(history.addresses("ttl.test", undefined, resolver), kept);
  }
  // An inherited ttl is not the answer's: kept for addressTtl.
  Object.defineProperty(Array.prototype, "ttl", {
    value: 0,
    configurable: true,
    writable: true,
  });
  try {
    const history = new ConnectHistory();
    const resolver = () => ["127.0.0.1"];
    using _conn = await connect({
      hostname: "ttl.test",
      port: server.port,
      resolver,
      history,
    });
    assertEquals(history.addresses("ttl.test", undefined, resolver), [
      "127.0.0.1",
    ]);
  } finally {
    delete (Array.prototype as { ttl?: unknown }).ttl;
  }
});
