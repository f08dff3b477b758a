// Copyright 2026 the happy-eyeballs authors. MIT license.
// connect() on the addresses a ConnectHistory remembers: raced against a
// look-up afresh once they have not connected within the attempt delay; a
// second race after one that every attempt lost; the final error keeps the
// attempts of both, in attempt order.
import {
  assertEquals,
  assertInstanceOf,
  assertLess,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { deadline } from "@std/async/deadline";
import { connect, type ConnectEvent } from "../connect.ts";
import { ConnectHistory } from "../history.ts";
import { acceptingServer, blackhole, refusedPort } from "../_testing/net.ts";

Deno.test("connect() keeps the failures on remembered addresses in the final error, in attempt order", async () => {
  // Nothing listens on this port, on any loopback address.
  const port = refusedPort();
  const history = new ConnectHistory();
  const resolver = () => ["127.0.0.3"];
  history.recordAddresses("x.test", undefined, ["127.0.0.2"], 60_000, resolver);
  const indexes: number[] = [];
  const error = await connect({
    hostname: "x.test",
    port,
    resolver,
    history,
    allErrors: true,
    onEvent: (event: ConnectEvent) => {
      if (event.type === "attemptFailed") indexes.push(event.index);
    },
  }).catch((e) => e);
  assertInstanceOf(error, AggregateError);
  assertEquals(error.errors.length, 2);
  assertStringIncludes(error.errors[0].message, `127.0.0.2:${port}`);
  assertStringIncludes(error.errors[1].message, `127.0.0.3:${port}`);
  assertEquals(indexes, [0, 1]);

  // Without allErrors: one error, naming both addresses.
  history.recordAddresses("x.test", undefined, ["127.0.0.2"], 60_000, resolver);
  await assertRejects(
    () =>
      connect({
        hostname: "x.test",
        port,
        resolver,
        history,
      }),
    Deno.errors.ConnectionRefused,
    `127.0.0.2:${port}, 127.0.0.3:${port}`,
  );
});

Deno.test("connect() does not look the name up again when the history misbehaves on remembered addresses", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  const looked: string[] = [];
  const resolver = (name: string) => {
    looked.push(name);
    return ["127.0.0.1"];
  };
  history.recordAddresses("x.test", undefined, ["127.0.0.1"], 60_000, resolver);
  history.order = () => ["192.0.2.1"];
  let deleted = 0;
  history.deleteAddresses = () => deleted++ >= 0;
  await assertRejects(
    () =>
      connect({
        hostname: "x.test",
        port: server.port,
        resolver,
        history,
      }),
    TypeError,
    "'history.order()' must return the addresses it was given",
  );
  assertEquals(looked, []);
  assertEquals(deleted, 0);
  assertEquals(server.conns.length, 0);
});

Deno.test("connect() races remembered addresses that do not connect within the attempt delay against a fresh look-up", async () => {
  // The name moved: the one address remembered is blackholed now.
  await using server = acceptingServer("127.0.0.1");
  await using _hole = await blackhole("127.0.0.2", server.port);
  const history = new ConnectHistory();
  const looked: string[] = [];
  const resolver = (name: string) => {
    looked.push(name);
    return ["127.0.0.1"];
  };
  history.recordAddresses(
    "moved.test",
    undefined,
    ["127.0.0.2"],
    60_000,
    resolver,
  );
  const events: string[] = [];
  const started = performance.now();
  using conn = await deadline(
    connect({
      hostname: "moved.test",
      port: server.port,
      resolver,
      history,
      happyEyeballsDelay: 50,
      onEvent: (event: ConnectEvent) => {
        if (event.type === "resolved") {
          events.push(
            `resolved ${event.addresses.map((a) => a.hostname)}${
              event.remembered ? " (remembered)" : ""
            }`,
          );
        } else if ("address" in event) {
          events.push(`${event.type} ${event.address.hostname}`);
        }
      },
    }),
    5_000,
  );
  // About one attempt delay, not the system's connect timeout.
  assertLess(performance.now() - started, 2_000);
  assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
  assertEquals(looked, ["moved.test"]);
  assertEquals(events, [
    "resolved 127.0.0.2 (remembered)",
    "attemptStarted 127.0.0.2",
    "resolved 127.0.0.1",
    "attemptStarted 127.0.0.1",
    "attemptWon 127.0.0.1",
    "attemptCancelled 127.0.0.2",
  ]);
  // The fresh answer is remembered.
  assertEquals(history.addresses("moved.test", undefined, resolver), [
    "127.0.0.1",
  ]);
});

Deno.test("connect() does not look up afresh while remembered addresses connect in time", async () => {
  await using server = acceptingServer("127.0.0.1");
  const history = new ConnectHistory();
  const looked: string[] = [];
  const resolver = (name: string) => {
    looked.push(name);
    return ["127.0.0.1"];
  };
  history.recordAddresses("x.test", undefined, ["127.0.0.1"], 60_000, resolver);
  for (let i = 0; i < 5; i++) {
    using _conn = await connect({
      hostname: "x.test",
      port: server.port,
      resolver,
      history,
    });
  }
  assertEquals(looked, []);
});
