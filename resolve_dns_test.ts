// Copyright 2026 the happy-eyeballs authors. MIT license.
// dnsResolver() (RFC 8305 §3) against a DNS responder on loopback whose
// answers come late, or never. Orders are asserted, not durations: every
// "slow" answer is far slower than the step it is compared with.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertLess,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { connect, type ConnectEvent } from "./connect.ts";
import { dnsResolver } from "./resolve_dns.ts";
import { type DnsServer, dnsServer } from "./_testing/dns.ts";
import { acceptingServer, refusedPort } from "./_testing/net.ts";

/** Every batch the resolver yields for `name`, and when each came. */
async function batches(
  server: DnsServer,
  name: string,
  options: { resolutionDelay?: number; family?: 4 | 6 } = {},
): Promise<{ batch: string[]; at: number }[]> {
  const resolve = dnsResolver({
    ...options.resolutionDelay === undefined
      ? {}
      : { resolutionDelay: options.resolutionDelay },
    nameServer: server.nameServer,
  });
  const seen = [];
  const signal = AbortSignal.timeout(10_000);
  for await (
    const batch of resolve(name, { family: options.family, signal })
  ) {
    seen.push({ batch, at: performance.now() });
  }
  return seen;
}

/** When the responder sent its answer of `type`. */
function answeredAt(server: DnsServer, type: "A" | "AAAA"): number {
  const entry = server.log.find((e) => e.event === "answer" && e.type === type);
  assert(entry, `no ${type} answer was sent`);
  return entry.at;
}

Deno.test("dnsResolver() yields both families together when both answer at once", async () => {
  await using server = await dnsServer({
    "both.test": {
      A: { addresses: ["127.0.0.1", "127.0.0.2"], delay: 5 },
      AAAA: { addresses: ["::1"], delay: 10 },
    },
  });
  const seen = await batches(server, "both.test", { resolutionDelay: 5_000 });
  assertEquals(seen.map((s) => s.batch), [["::1", "127.0.0.1", "127.0.0.2"]]);
  // Both queries went out before either answer came back.
  assertEquals(server.log.map((e) => `${e.event} ${e.type}`).slice(0, 2), [
    "query AAAA",
    "query A",
  ]);
});

Deno.test("dnsResolver() starts with IPv6 at once when AAAA answers first", async () => {
  await using server = await dnsServer({
    "v6first.test": {
      A: { addresses: ["127.0.0.1"], delay: 300 },
      AAAA: { addresses: ["::1"] },
    },
  });
  const seen = await batches(server, "v6first.test");
  assertEquals(seen.map((s) => s.batch), [["::1"], ["127.0.0.1"]]);
  assert(seen[0]!.at < answeredAt(server, "A"));
});

Deno.test("dnsResolver() goes on with A after the Resolution Delay when AAAA is slow", async () => {
  await using server = await dnsServer({
    "slow6.test": {
      A: { addresses: ["127.0.0.1"] },
      AAAA: { addresses: ["::1"], delay: 300 },
    },
  });
  const seen = await batches(server, "slow6.test", { resolutionDelay: 20 });
  assertEquals(seen.map((s) => s.batch), [["127.0.0.1"], ["::1"]]);
  // The A batch did not wait for the AAAA answer, but the late answer came.
  assert(seen[0]!.at < answeredAt(server, "AAAA"));
  assert(seen[1]!.at >= answeredAt(server, "AAAA"));
});

Deno.test("dnsResolver() waits the Resolution Delay for AAAA when A answers first", async () => {
  await using server = await dnsServer({
    "late6.test": {
      A: { addresses: ["127.0.0.1"] },
      AAAA: { addresses: ["::1"], delay: 30 },
    },
  });
  // A delay much longer than the AAAA answer takes: one batch, IPv6 first.
  const seen = await batches(server, "late6.test", { resolutionDelay: 5_000 });
  assertEquals(seen.map((s) => s.batch), [["::1", "127.0.0.1"]]);
});

Deno.test("dnsResolver() yields A alone when AAAA has no data", async () => {
  await using server = await dnsServer({
    "v4only.test": { A: { addresses: ["127.0.0.1"] } },
  });
  const seen = await batches(server, "v4only.test", { resolutionDelay: 5_000 });
  assertEquals(seen.map((s) => s.batch), [["127.0.0.1"]]);
});

Deno.test("dnsResolver() yields A and then waits for a lost AAAA answer until aborted", async () => {
  await using server = await dnsServer({
    "lost6.test": {
      A: { addresses: ["127.0.0.1"] },
      AAAA: { drop: true },
    },
  });
  const controller = new AbortController();
  const resolve = dnsResolver({
    resolutionDelay: 10,
    nameServer: server.nameServer,
  });
  const iterator = resolve("lost6.test", {
    family: undefined,
    signal: controller.signal,
  })[Symbol.asyncIterator]();
  assertEquals(await iterator.next(), { done: false, value: ["127.0.0.1"] });
  const next = iterator.next();
  const reason = new Error("no longer wanted");
  controller.abort(reason);
  assertEquals(await next.catch((error: unknown) => error), reason);
});

Deno.test("dnsResolver() yields the late family when the first answer is negative", async () => {
  await using server = await dnsServer({
    "v6only.test": { AAAA: { addresses: ["::1"], delay: 50 } },
  });
  const seen = await batches(server, "v6only.test", { resolutionDelay: 0 });
  assertEquals(seen.map((s) => s.batch), [["::1"]]);
});

Deno.test("dnsResolver() throws NotFound when neither query finds an address", async () => {
  await using server = await dnsServer({ "empty.test": {} });
  for (const name of ["empty.test", "nx.test"]) {
    const error = await assertRejects(
      () => batches(server, name),
      Deno.errors.NotFound,
      `No AAAA or A record found for '${name}'`,
    );
    assertInstanceOf(error.cause, AggregateError);
  }
  await assertRejects(
    () => batches(server, "nx.test", { family: 4 }),
    Deno.errors.NotFound,
    "No A record found for 'nx.test'",
  );
});

Deno.test("dnsResolver() tells no answer in time from no record, and gives up on a silent name server in about 2 s", async () => {
  await using server = await dnsServer({
    "silent.test": { A: { drop: true }, AAAA: { drop: true } },
    "garbage.test": { A: { garbage: true }, AAAA: { garbage: true } },
    "half.test": { AAAA: { drop: true } },
  });
  const started = performance.now();
  const [silent, garbage, half] = await Promise.all(
    ["silent.test", "garbage.test", "half.test"].map((name) =>
      batches(server, name).then(() => undefined, (error) => error)
    ),
  );
  // Deno.resolveDns gives up after about 2 s (given a signal, as always).
  assertLess(performance.now() - started, 8_000);
  for (const [error, name] of [[silent, "silent"], [garbage, "garbage"]]) {
    assertInstanceOf(error, Deno.errors.TimedOut);
    assertEquals(
      error.message,
      `No answer to the AAAA or A query for '${name}.test' came in time: the name server is silent or unreachable, or answered what could not be read`,
    );
    assertInstanceOf(error.cause, AggregateError);
  }
  assertInstanceOf(half, Deno.errors.NotFound);
  assertStringIncludes(
    half.message,
    "No address found for 'half.test': AAAA: no answer that could be read came in time; A: no such name, no record of the type, or a server failure (Deno.resolveDns does not tell them apart)",
  );
});

Deno.test("dnsResolver() refuses a name server that is no IP address, or one with a zone id", () => {
  for (const ipAddr of ["1.2.3", "999.1.1.1", "::1%lo", "ns.test", ""]) {
    assertThrows(
      () => dnsResolver({ nameServer: { ipAddr } }),
      TypeError,
      "Cannot create a DNS resolver as 'nameServer.ipAddr' must be an IP address without a zone id: current value is ",
    );
  }
});

Deno.test("dnsResolver() sends only the query of the family asked for", async () => {
  await using server = await dnsServer({
    "both.test": {
      A: { addresses: ["127.0.0.1"] },
      AAAA: { addresses: ["::1"] },
    },
  });
  assertEquals(
    (await batches(server, "both.test", { family: 4 })).map((s) => s.batch),
    [["127.0.0.1"]],
  );
  assertEquals(
    (await batches(server, "both.test", { family: 6 })).map((s) => s.batch),
    [["::1"]],
  );
  assertEquals(
    server.log.filter((e) => e.event === "query").map((e) => e.type),
    ["A", "AAAA"],
  );
});

Deno.test("dnsResolver() rejects bad options", () => {
  for (const resolutionDelay of [-1, NaN, Infinity]) {
    assertThrows(
      () => dnsResolver({ resolutionDelay }),
      RangeError,
      "'resolutionDelay' must be a non-negative finite number",
    );
  }
  assertThrows(
    () => dnsResolver({ resolutionDelay: "50" as unknown as number }),
    TypeError,
    "'resolutionDelay' must be a number",
  );
  assertThrows(
    () => dnsResolver({ nameServer: "127.0.0.1" as unknown as undefined }),
    TypeError,
    "'nameServer' must be an object",
  );
});

function timeline(events: ConnectEvent[]): string[] {
  return events.map((e) =>
    e.type === "resolved"
      ? `resolved ${e.addresses.map((a) => a.hostname).join(" ")}`
      : "index" in e
      ? `${e.type} ${e.index} ${e.address.hostname}`
      : e.type
  );
}

Deno.test("connect() with dnsResolver() connects over IPv4 without waiting for a slow AAAA answer", async () => {
  await using server = acceptingServer("127.0.0.1");
  await using dns = await dnsServer({
    "slow6.test": {
      A: { addresses: ["127.0.0.1"] },
      // Deno.resolveDns gives up on an answer slower than about 1 s.
      AAAA: { addresses: ["::1"], delay: 900 },
    },
  });
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "slow6.test",
    port: server.port,
    resolver: dnsResolver({ nameServer: dns.nameServer }),
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(timeline(events), [
    "resolved 127.0.0.1",
    "attemptStarted 0 127.0.0.1",
    "attemptWon 0 127.0.0.1",
  ]);
  // Connected before the AAAA answer was even sent.
  assertEquals(
    dns.log.some((e) => e.event === "answer" && e.type === "AAAA"),
    false,
  );
});

Deno.test("connect() with dnsResolver() starts a late A answer at once when IPv6 failed", async () => {
  await using server = acceptingServer("127.0.0.1");
  // Nothing listens on [::1] at that port: refused.
  const port = server.port;
  await using dns = await dnsServer({
    "late4.test": {
      A: { addresses: ["127.0.0.1"], delay: 100 },
      AAAA: { addresses: ["::1"] },
    },
  });
  const events: ConnectEvent[] = [];
  using conn = await connect({
    hostname: "late4.test",
    port,
    resolver: dnsResolver({ nameServer: dns.nameServer }),
    // Far longer than the A answer takes: only its arrival can start it.
    happyEyeballsDelay: 60_000,
    onEvent: (event) => events.push(event),
  });
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(timeline(events), [
    "resolved ::1",
    "attemptStarted 0 ::1",
    "attemptFailed 0 ::1",
    "resolved 127.0.0.1",
    "attemptStarted 1 127.0.0.1",
    "attemptWon 1 127.0.0.1",
  ]);
});

Deno.test("connect() with dnsResolver() names the host when nothing resolves", async () => {
  await using dns = await dnsServer({});
  await assertRejects(
    () =>
      connect({
        hostname: "nx.test",
        port: refusedPort(),
        resolver: dnsResolver({ nameServer: dns.nameServer }),
      }),
    Deno.errors.NotFound,
    "Cannot resolve 'nx.test': No AAAA or A record found for 'nx.test'",
  );
});
