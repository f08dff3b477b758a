// Copyright 2026 the happy-eyeballs authors. MIT license.
// connect() on the addresses a ConnectHistory remembers: the second race (a
// look-up afresh) comes only after a race that every attempt lost, and the
// final error keeps the attempts of both races, in attempt order.
import {
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { connect, type ConnectEvent } from "../connect.ts";
import { ConnectHistory } from "../history.ts";
import { acceptingServer, refusedPort } from "../_testing/net.ts";

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
