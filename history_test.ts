// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertNotStrictEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { delay } from "@std/async/delay";
import { ConnectHistory } from "./history.ts";
import { connect, type ConnectEvent } from "./connect.ts";
import { acceptingServer, blackhole, refusedPort } from "./_testing/net.ts";

const DESTINATION = "db.test:5432";

Deno.test("ConnectHistory puts the remembered winner first and keeps the rest in order", () => {
  const history = new ConnectHistory();
  const addresses = ["::1", "::2", "127.0.0.1", "127.0.0.2"];
  assertEquals(history.order(DESTINATION, addresses), addresses);
  history.record(DESTINATION, "127.0.0.2", 1);
  assertEquals(history.order(DESTINATION, addresses), [
    "127.0.0.2",
    "::1",
    "::2",
    "127.0.0.1",
  ]);
  // A winner that no longer resolves changes nothing.
  assertEquals(history.order(DESTINATION, ["::3", "127.0.0.3"]), [
    "::3",
    "127.0.0.3",
  ]);
  // Always a new array.
  history.record(DESTINATION, "::1", 1);
  assertNotStrictEquals(history.order(DESTINATION, addresses), addresses);
  // Other destinations are unaffected.
  assertEquals(history.order("other.test:5432", addresses), addresses);
});

Deno.test("ConnectHistory smooths connect times as RFC 6298 does", () => {
  const history = new ConnectHistory();
  history.record(DESTINATION, "::1", 8);
  assertEquals(history.get(DESTINATION), {
    address: "::1",
    connectTime: 8,
    connectTimeVariation: 4,
    samples: 1,
    learnedAt: history.get(DESTINATION)!.learnedAt,
  });
  history.record(DESTINATION, "::1", 16);
  const record = history.get(DESTINATION)!;
  assertEquals(record.connectTime, 9); // 7/8 * 8 + 1/8 * 16
  assertEquals(record.connectTimeVariation, 5); // 3/4 * 4 + 1/4 * 8
  assertEquals(record.samples, 2);
  // A new winner starts afresh.
  history.record(DESTINATION, "127.0.0.1", 2);
  assertEquals(history.get(DESTINATION)?.samples, 1);
  assertEquals(history.get(DESTINATION)?.connectTime, 2);
});

Deno.test("ConnectHistory shortens the delay within RFC 8305's bounds", () => {
  const history = new ConnectHistory({ minimumAttemptDelay: 10 });
  // Nothing known: the configured delay.
  assertEquals(history.attemptDelay(DESTINATION, "::1", 250), 250);
  history.record(DESTINATION, "::1", 1);
  // 1 + 4 * 0.5 = 3, raised to the minimum.
  assertEquals(history.attemptDelay(DESTINATION, "::1", 250), 10);
  // Only for the remembered winner.
  assertEquals(history.attemptDelay(DESTINATION, "127.0.0.1", 250), 250);
  // Never longer than the configured delay.
  assertEquals(history.attemptDelay(DESTINATION, "::1", 5), 5);
  assertEquals(history.attemptDelay(DESTINATION, "::1", 0), 0);

  history.record(DESTINATION, "127.0.0.1", 40);
  // 40 + 4 * 20 = 120.
  assertEquals(history.attemptDelay(DESTINATION, "127.0.0.1", 250), 120);
  history.record(DESTINATION, "::1", 5_000);
  // At most 2 s, even when "strictly one after another" was asked for.
  assertEquals(history.attemptDelay(DESTINATION, "::1", Infinity), 2_000);

  // The default minimum is RFC 8305's recommended 100 ms.
  const defaults = new ConnectHistory();
  defaults.record(DESTINATION, "::1", 1);
  assertEquals(defaults.attemptDelay(DESTINATION, "::1", 250), 100);
});

Deno.test("ConnectHistory forgets a winner after ttl, even one that keeps winning", async () => {
  const history = new ConnectHistory({ ttl: 20 });
  history.record(DESTINATION, "127.0.0.1", 1);
  const { learnedAt } = history.get(DESTINATION)!;
  // Winning again refines the record but does not extend its life.
  history.record(DESTINATION, "127.0.0.1", 1);
  assertEquals(history.get(DESTINATION)?.learnedAt, learnedAt);
  await delay(40);
  assertEquals(history.get(DESTINATION), undefined);
  assertEquals(history.order(DESTINATION, ["::1", "127.0.0.1"]), [
    "::1",
    "127.0.0.1",
  ]);
  assertEquals(history.attemptDelay(DESTINATION, "127.0.0.1", 250), 250);
  // An expired record is dropped when it is looked at.
  assertEquals(history.size, 0);
  // Long-lived records stay.
  const lasting = new ConnectHistory({ ttl: 600_000 });
  lasting.record(DESTINATION, "127.0.0.1", 1);
  await delay(40);
  assertEquals(lasting.get(DESTINATION)?.address, "127.0.0.1");
});

Deno.test("ConnectHistory keeps at most maxEntries, forgetting the least recently used", () => {
  const history = new ConnectHistory({ maxEntries: 2 });
  history.record("a:1", "::1", 1);
  history.record("b:1", "::1", 1);
  // Using a makes b the least recently used.
  history.order("a:1", ["::1"]);
  history.record("c:1", "::1", 1);
  assertEquals(history.size, 2);
  assertEquals(history.get("b:1"), undefined);
  assert(history.get("a:1"));
  assert(history.get("c:1"));
  // Memory stays bounded however many destinations come.
  for (let i = 0; i < 1_000; i++) history.record(`host${i}:1`, "::1", 1);
  assertEquals(history.size, 2);
});

Deno.test("ConnectHistory returns copies, deletes and clears", () => {
  const history = new ConnectHistory();
  history.record(DESTINATION, "::1", 1);
  history.get(DESTINATION)!.address = "127.0.0.9";
  assertEquals(history.get(DESTINATION)?.address, "::1");
  assertEquals(history.delete(DESTINATION), true);
  assertEquals(history.delete(DESTINATION), false);
  history.record("a:1", "::1", 1);
  history.record("b:1", "::1", 1);
  history.clear();
  assertEquals(history.size, 0);
});

Deno.test("ConnectHistory rejects bad options and connect times", () => {
  for (
    const [options, message] of [
      [{ maxEntries: 0 }, "'maxEntries' must be a positive integer"],
      [{ maxEntries: 1.5 }, "'maxEntries' must be a positive integer"],
      [{ ttl: 0 }, "'ttl' must be a positive number"],
      [{ ttl: NaN }, "'ttl' must be a positive number"],
      [{ minimumAttemptDelay: 9 }, "'minimumAttemptDelay' must be from 10"],
      [{ minimumAttemptDelay: 2_001 }, "to 2000"],
    ] as const
  ) {
    assertThrows(() => new ConnectHistory(options), RangeError, message);
  }
  assertThrows(
    () => new ConnectHistory({ ttl: "1" as unknown as number }),
    TypeError,
    "'ttl' must be a number",
  );
  const history = new ConnectHistory();
  for (const connectTime of [-1, NaN, Infinity]) {
    assertThrows(
      () => history.record(DESTINATION, "::1", connectTime),
      RangeError,
      "'connectTime' must be a non-negative finite number",
    );
  }
});

function attempts(events: ConnectEvent[]): string[] {
  return events.flatMap((e) =>
    "index" in e ? [`${e.type} ${e.index} ${e.address.hostname}`] : []
  );
}

Deno.test("connect() with history skips a blackholed IPv6 address after the first race", async () => {
  await using server = acceptingServer("127.0.0.1");
  await using hole = await blackhole("::1", server.port);
  const history = new ConnectHistory();
  const resolver = () => ["::1", "127.0.0.1"];
  const first: ConnectEvent[] = [];
  {
    using conn = await connect({
      hostname: "he.test",
      port: server.port,
      resolver,
      history,
      happyEyeballsDelay: 50,
      onEvent: (event) => first.push(event),
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  }
  assertEquals(attempts(first), [
    "attemptStarted 0 ::1",
    "attemptStarted 1 127.0.0.1",
    "attemptWon 1 127.0.0.1",
    "attemptCancelled 0 ::1",
  ]);
  assertEquals(history.get(`he.test:${hole.port}`)?.address, "127.0.0.1");

  for (let i = 0; i < 3; i++) {
    const events: ConnectEvent[] = [];
    using conn = await connect({
      hostname: "he.test",
      port: server.port,
      resolver,
      history,
      happyEyeballsDelay: 50,
      onEvent: (event) => events.push(event),
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    // The winner first: it connects before the blackhole is ever tried.
    assertEquals(attempts(events), [
      "attemptStarted 0 127.0.0.1",
      "attemptWon 0 127.0.0.1",
    ]);
    const resolved = events[0];
    assert(resolved?.type === "resolved");
    assertEquals(resolved.addresses.map((a) => a.hostname), [
      "127.0.0.1",
      "::1",
    ]);
  }
  assertEquals(history.get(`he.test:${server.port}`)?.samples, 4);
});

Deno.test("connect() with history moves on early from a remembered winner that went silent", async () => {
  await using server = acceptingServer("127.0.0.1");
  await using hole = await blackhole("127.0.0.2", server.port);
  const history = new ConnectHistory({ minimumAttemptDelay: 10 });
  const destination = `he.test:${server.port}`;
  // 127.0.0.2 once won in 1 ms; now it does not answer.
  history.record(destination, hole.hostname, 1);
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "he.test",
    port: server.port,
    resolver: () => ["127.0.0.1", "127.0.0.2"],
    history,
    // Without history, the next attempt would wait a minute: the 10 ms
    // estimate is what lets it start.
    happyEyeballsDelay: 60_000,
    signal: AbortSignal.timeout(20_000),
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(attempts(events), [
    "attemptStarted 0 127.0.0.2",
    "attemptStarted 1 127.0.0.1",
    "attemptWon 1 127.0.0.1",
    "attemptCancelled 0 127.0.0.2",
  ]);
  assertEquals(history.get(destination)?.address, "127.0.0.1");
});

Deno.test("connect() records a literal's connect time and rejects a bad history", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  {
    using _conn = await connect({
      hostname: "127.0.0.1",
      port: server.port,
      history,
    });
  }
  assertEquals(history.get(`127.0.0.1:${server.port}`)?.samples, 1);
  await assertRejects(
    () =>
      connect({
        hostname: "127.0.0.1",
        port: server.port,
        history: {} as ConnectHistory,
      }),
    TypeError,
    "Cannot connect as 'history' must be a ConnectHistory or false: current value is {}",
  );
});

Deno.test("ConnectHistory keeps one entry per host however it is spelled", () => {
  const history = new ConnectHistory();
  for (
    const spelling of ["db.test", "DB.Test", "db.test.", "Db.TEST."]
  ) {
    history.record(`${spelling}:5432`, "127.0.0.1", 1);
    history.recordAddresses(spelling, undefined, ["127.0.0.1"]);
  }
  assertEquals(history.size, 1);
  assertEquals(history.get("DB.TEST.:5432")?.samples, 4);
  assertEquals(history.order("db.TEST:5432", ["::1", "127.0.0.1"]), [
    "127.0.0.1",
    "::1",
  ]);
  assertEquals(history.addresses("dB.tEsT."), ["127.0.0.1"]);
  // Another port is another destination; an IPv6 literal keeps its brackets.
  history.record("[::1]:5432", "::1", 1);
  assertEquals(history.get("[::1]:5432")?.address, "::1");
  assertEquals(history.size, 2);
  assertEquals(history.delete("DB.test.:5432"), true);
  assertEquals(history.deleteAddresses("DB.TEST"), true);
  assertEquals(history.addresses("db.test"), undefined);
});

Deno.test("ConnectHistory caches the addresses of a name and of the name with a trailing dot apart", async () => {
  // A trailing dot makes a name absolute: looked up without the search
  // list, it may resolve elsewhere, or not at all.
  const history = new ConnectHistory();
  history.recordAddresses("db", undefined, ["127.0.0.1"]);
  assertEquals(history.addresses("DB"), ["127.0.0.1"]);
  assertEquals(history.addresses("db."), undefined);
  history.recordAddresses("DB.", undefined, ["127.0.0.2"]);
  assertEquals(history.addresses("db."), ["127.0.0.2"]);
  assertEquals(history.deleteAddresses("db."), true);
  assertEquals(history.addresses("db"), ["127.0.0.1"]);
  // Through connect(): the absolute name is looked up on its own.
  await using server = acceptingServer("127.0.0.1");
  const asked: string[] = [];
  const resolver = (name: string) => {
    asked.push(name);
    if (name.endsWith(".")) throw new Error("no such name");
    return ["127.0.0.1"];
  };
  using _conn = await connect({
    hostname: "localhost",
    port: server.port,
    resolver,
    history,
  });
  await assertRejects(
    () =>
      connect({ hostname: "localhost.", port: server.port, resolver, history }),
    Deno.errors.NotFound,
    "no such name",
  );
  assertEquals(asked, ["localhost", "localhost."]);
});

Deno.test("connect() keeps one history entry for a host spelled in different case or with a trailing dot", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  const resolver = () => ["127.0.0.1"];
  for (const hostname of ["he.test", "HE.test", "he.test.", "He.Test."]) {
    using _conn = await connect({
      hostname,
      port: server.port,
      resolver,
      history,
    });
  }
  assertEquals(history.size, 1);
  assertEquals(history.get(`he.test:${server.port}`)?.samples, 4);
});

Deno.test("ConnectHistory remembers addresses for addressTtl, at most a resolver's ttl", async () => {
  assertThrows(
    () => new ConnectHistory({ addressTtl: -1 }),
    RangeError,
    "'addressTtl' must be a non-negative number: current value is -1",
  );
  const history = new ConnectHistory();
  history.recordAddresses("a.test", undefined, ["::1", "127.0.0.1"]);
  history.recordAddresses("a.test", 4, ["127.0.0.1"]);
  assertEquals(history.addresses("a.test"), ["::1", "127.0.0.1"]);
  assertEquals(history.addresses("a.test", 4), ["127.0.0.1"]);
  assertEquals(history.addresses("a.test", 6), undefined);
  // A resolver's ttl of 0 forbids keeping the answer; an empty one is not kept.
  history.recordAddresses("b.test", undefined, ["::1"], 0);
  history.recordAddresses("c.test", undefined, []);
  assertEquals(history.addresses("b.test"), undefined);
  assertEquals(history.addresses("c.test"), undefined);
  // A resolver's ttl shorter than addressTtl wins.
  history.recordAddresses("d.test", undefined, ["::1"], 1);
  await delay(20);
  assertEquals(history.addresses("d.test"), undefined);
  assertEquals(history.addresses("a.test"), ["::1", "127.0.0.1"]);

  const off = new ConnectHistory({ addressTtl: 0 });
  off.recordAddresses("a.test", undefined, ["::1"]);
  assertEquals(off.addresses("a.test"), undefined);

  const short = new ConnectHistory({ addressTtl: 1, maxEntries: 2 });
  short.recordAddresses("a.test", undefined, ["::1"], 60_000);
  await delay(20);
  assertEquals(short.addresses("a.test"), undefined);
  // At most maxEntries names, the least recently used forgotten first.
  for (const name of ["x.test", "y.test", "z.test"]) {
    short.recordAddresses(name, undefined, ["::1"]);
  }
  history.clear();
  assertEquals(history.addresses("a.test"), undefined);
});

/** A resolver that counts its calls and answers what `answer` holds now. */
function countingResolver(
  answer: { addresses: string[]; ttl?: number | undefined },
) {
  const resolver = () => {
    resolver.calls++;
    const addresses = [...answer.addresses];
    return answer.ttl === undefined
      ? addresses
      : Object.assign(addresses, { ttl: answer.ttl });
  };
  resolver.calls = 0;
  return resolver;
}

Deno.test("connect() with history resolves a name once while its addresses are remembered", async () => {
  await using server = acceptingServer("127.0.0.1");
  const answer = { addresses: ["127.0.0.1"] };
  const resolver = countingResolver(answer);
  const history = new ConnectHistory();
  const remembered: (true | undefined)[] = [];
  for (const hostname of ["he.test", "HE.TEST", "he.test"]) {
    const events: ConnectEvent[] = [];
    using conn = await connect({
      hostname,
      port: server.port,
      resolver,
      history,
      onEvent: (event) => events.push(event),
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
    const resolved = events[0];
    assert(resolved?.type === "resolved");
    remembered.push(resolved.remembered);
  }
  assertEquals(resolver.calls, 1);
  // The `resolved` event says when no look-up was made.
  assertEquals(remembered, [undefined, true, true]);

  // Off, or a resolver's ttl of 0: every connection resolves.
  for (
    const [options, ttl] of [[{ addressTtl: 0 }, undefined], [{}, 0]] as const
  ) {
    const each = countingResolver({ addresses: ["127.0.0.1"], ttl });
    const fresh = new ConnectHistory(options);
    for (let i = 0; i < 2; i++) {
      using _conn = await connect({
        hostname: "he.test",
        port: server.port,
        resolver: each,
        history: fresh,
      });
    }
    assertEquals(each.calls, 2);
  }
});

Deno.test("connect() with history resolves afresh once when a name moved", async () => {
  await using server = acceptingServer("127.0.0.1");
  const old = acceptingServer("127.0.0.2", server.port);
  const answer = { addresses: ["127.0.0.2"] };
  const resolver = countingResolver(answer);
  const history = new ConnectHistory();
  {
    using conn = await connect({
      hostname: "he.test",
      port: server.port,
      resolver,
      history,
    });
    assertEquals(conn.remoteAddr.hostname, "127.0.0.2");
  }
  // The name moves to 127.0.0.1; the old address refuses.
  await old[Symbol.asyncDispose]();
  answer.addresses = ["127.0.0.1"];
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "he.test",
    port: server.port,
    resolver,
    history,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(resolver.calls, 2);
  assertEquals(attempts(events), [
    "attemptStarted 0 127.0.0.2",
    "attemptFailed 0 127.0.0.2",
    "attemptStarted 1 127.0.0.1",
    "attemptWon 1 127.0.0.1",
  ]);
  assertEquals(history.addresses("he.test", undefined, resolver), [
    "127.0.0.1",
  ]);
  assertEquals(history.get(`he.test:${server.port}`)?.address, "127.0.0.1");
});

Deno.test("connect() with history fails as before when a fresh look-up brings nothing new", async () => {
  const port = refusedPort();
  const resolver = countingResolver({ addresses: ["127.0.0.1"] });
  const history = new ConnectHistory();
  history.recordAddresses(
    "he.test",
    undefined,
    ["127.0.0.1"],
    60_000,
    resolver,
  );
  const events: ConnectEvent[] = [];
  await assertRejects(
    () =>
      connect({
        hostname: "he.test",
        port,
        resolver,
        history,
        onEvent: (event) => events.push(event),
      }),
    Deno.errors.ConnectionRefused,
    `Cannot connect to he.test:${port} at 127.0.0.1:${port}`,
  );
  // Looked up afresh once; the same address is not tried twice.
  assertEquals(resolver.calls, 1);
  assertEquals(attempts(events), [
    "attemptStarted 0 127.0.0.1",
    "attemptFailed 0 127.0.0.1",
  ]);
  assertEquals(history.addresses("he.test", undefined, resolver), [
    "127.0.0.1",
  ]);
});

Deno.test("connect() with history reads a fresh answer in batches past tried addresses, and dials none twice", async () => {
  // 127.0.0.1, .2 and .4 refuse: nothing listens there on that port.
  await using server = acceptingServer("127.0.0.3");
  const history = new ConnectHistory();
  let calls = 0;
  async function* resolver() {
    calls++;
    // Only addresses the race on remembered ones tried, then a fresh one
    // that refuses, then a tried one again and the good one.
    yield ["127.0.0.2"];
    yield ["127.0.0.4", "127.0.0.1"];
    yield ["127.0.0.1", "127.0.0.3"];
  }
  history.recordAddresses(
    "he.test",
    undefined,
    ["127.0.0.1", "127.0.0.2"],
    60_000,
    resolver,
  );
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "he.test",
    port: server.port,
    resolver,
    history,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.3");
  assertEquals(calls, 1);
  const started = events.flatMap((e) =>
    e.type === "attemptStarted" ? [e.address.hostname] : []
  );
  assertEquals(started.toSorted(), [
    "127.0.0.1",
    "127.0.0.2",
    "127.0.0.3",
    "127.0.0.4",
  ]);
  assertEquals(started.slice(2), ["127.0.0.4", "127.0.0.3"]);
});

Deno.test("connect() with history fails with a callback's rejection that lands once the race on remembered addresses is lost", async () => {
  await using server = acceptingServer("127.0.0.1");
  const resolver = () => ["127.0.0.1"];
  const history = new ConnectHistory();
  // Remembered, and refuses: nothing listens there on that port.
  history.recordAddresses(
    "he.test",
    undefined,
    ["127.0.0.2"],
    60_000,
    resolver,
  );
  const error = new Error("rejected");
  const rejected = await connect({
    hostname: "he.test",
    port: server.port,
    resolver,
    history,
    // deno-lint-ignore require-await
    onEvent: async (event) => {
      if (event.type === "attemptFailed") throw error;
    },
  }).catch((e) => e);
  assertStrictEquals(rejected, error);
  assertEquals(server.conns.length, 0);
});

Deno.test("connect() with history does not remember answers in batches, and keys addresses by family", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  let calls = 0;
  async function* batches() {
    calls++;
    yield ["127.0.0.1"];
  }
  for (let i = 0; i < 2; i++) {
    using _conn = await connect({
      hostname: "he.test",
      port: server.port,
      resolver: batches,
      history,
    });
  }
  assertEquals(calls, 2);
  assertEquals(history.addresses("he.test", undefined, batches), undefined);

  const resolver = countingResolver({ addresses: ["127.0.0.1"] });
  for (const family of [4, undefined, 4] as const) {
    using _conn = await connect({
      hostname: "he.test",
      port: server.port,
      ...(family ? { family } : {}),
      resolver,
      history,
    });
  }
  // One look-up for IPv4 only, one for both families.
  assertEquals(resolver.calls, 2);
  assertEquals(history.addresses("he.test", 4, resolver), ["127.0.0.1"]);
  assertEquals(history.addresses("he.test", 6, resolver), undefined);
  // Kept for that resolver only: not the system resolver's answer.
  assertEquals(history.addresses("he.test", 4), undefined);
});

Deno.test("connect() with history uses remembered addresses only with the resolver that answered them", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  const a = countingResolver({ addresses: ["127.0.0.1"] });
  const b = countingResolver({ addresses: ["127.0.0.1"] });
  for (const resolver of [a, b, a, b]) {
    using _conn = await connect({
      hostname: "he.test",
      port: server.port,
      resolver,
      history,
    });
  }
  // Each answer replaces the other's: every connection looked the name up.
  assertEquals([a.calls, b.calls], [2, 2]);
  // The system resolver (no resolver) does not take b's answer either.
  assertEquals(history.addresses("he.test"), undefined);
  assertEquals(history.addresses("he.test", undefined, b), ["127.0.0.1"]);
});
