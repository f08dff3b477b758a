// Copyright 2026 the happy-eyeballs authors. MIT license.
// Micro-benchmarks of ConnectHistory: what connect() adds per connection when
// it is given a history, and the cost of eviction at the size limit.
import { ConnectHistory } from "./history.ts";

const ADDRESSES = ["::1", "::2", "127.0.0.1", "127.0.0.2"];
const warm = new ConnectHistory();
warm.record("db.test:5432", "127.0.0.2", 1);

Deno.bench("ConnectHistory order() with a winner", () => {
  warm.order("db.test:5432", ADDRESSES);
});
Deno.bench("ConnectHistory attemptDelay()", () => {
  warm.attemptDelay("db.test:5432", "127.0.0.2", 250);
});
Deno.bench("ConnectHistory record() the same winner", () => {
  warm.record("db.test:5432", "127.0.0.2", 1);
});

const full = new ConnectHistory({ maxEntries: 1024 });
let i = 0;
Deno.bench("ConnectHistory record() a new destination, evicting", () => {
  full.record(`host${i++ % 4096}.test:443`, "::1", 1);
});

const cache = new ConnectHistory();
cache.recordAddresses("db.test", undefined, ["::1", "127.0.0.1"]);
Deno.bench("ConnectHistory addresses() of a remembered name", () => {
  cache.addresses("db.test");
});
Deno.bench("ConnectHistory addresses() of a name spelled otherwise", () => {
  cache.addresses("DB.Test.");
});
