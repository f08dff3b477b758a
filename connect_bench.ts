// Copyright 2026 the happy-eyeballs authors. MIT license.
// What connect() itself costs per connection, in JavaScript: `Deno.connect` is
// replaced by a stub that connects at once, so that only option checking,
// ordering, events and the race's bookkeeping are measured (hot, in a loop).
// The loopback scenarios of bench/loopback.ts measure the real thing.
import { connect } from "./connect.ts";
import { ConnectHistory } from "./history.ts";

const conn = { close() {} } as unknown as Deno.TcpConn;
// This file runs in an isolate of its own: the stub affects nothing else.
(Deno as { connect: unknown }).connect = () => Promise.resolve(conn);

Deno.bench("Deno.connect stub alone", { baseline: true }, async () => {
  await Deno.connect({ hostname: "127.0.0.1", port: 80 });
});
Deno.bench("connect() an IP literal", async () => {
  await connect({ hostname: "127.0.0.1", port: 80 });
});
Deno.bench("connect() one resolved address", async () => {
  await connect({ hostname: "db.test", port: 80, resolver: () => ["::1"] });
});
Deno.bench("connect() two addresses, the first wins", async () => {
  await connect({
    hostname: "db.test",
    port: 80,
    resolver: () => ["::1", "127.0.0.1"],
  });
});
const history = new ConnectHistory();
// One resolver for every call: the history remembers its answer (addresses
// are kept per resolver, so one made anew per call would never be).
const twoAddresses = () => ["::1", "127.0.0.1"];
Deno.bench("connect() two addresses, with history", async () => {
  await connect({
    hostname: "db.test",
    port: 80,
    resolver: twoAddresses,
    history,
  });
});
Deno.bench("connect() two addresses, with onEvent", async () => {
  await connect({
    hostname: "db.test",
    port: 80,
    resolver: () => ["::1", "127.0.0.1"],
    onEvent: () => {},
  });
});
