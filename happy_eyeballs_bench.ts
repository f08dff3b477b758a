// Copyright 2026 the happy-eyeballs authors. MIT license.
// Micro-benchmarks of the parts of the race that run in JavaScript: ordering
// addresses and the race's bookkeeping, with attempts that settle at once
// (no sockets, no timers waited on).
import { type Attempt, interleave, staggeredRace } from "./happy_eyeballs.ts";
import { AddressQueue } from "./_connect/address_queue.ts";

const familyOf = (address: string) => address.includes(":") ? 6 : 4;
const mixed = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => i % 3 === 0 ? `127.0.0.${i % 250}` : `::${i.toString(16)}`,
  );
const TWO = ["::1", "127.0.0.1"];
const TEN = mixed(10);
const HUNDRED = mixed(100);

Deno.bench("interleave() 2 addresses", { group: "interleave" }, () => {
  interleave(TWO, familyOf);
});
Deno.bench("interleave() 10 addresses", { group: "interleave" }, () => {
  interleave(TEN, familyOf);
});
Deno.bench("interleave() 100 addresses", { group: "interleave" }, () => {
  interleave(HUNDRED, familyOf);
});

const win: Attempt<number> = () => Promise.resolve(1);
const lose: Attempt<number> = () => Promise.reject(new Error("refused"));
// Settles only when aborted: a loser to be cancelled.
const hang: Attempt<number> = (signal) =>
  new Promise((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), {
      once: true,
    })
  );

Deno.bench("staggeredRace() 1 attempt that wins", {
  group: "race",
  baseline: true,
}, async () => {
  await staggeredRace([win]);
});
Deno.bench("staggeredRace() 9 failures, then a win", {
  group: "race",
}, async () => {
  await staggeredRace([...Array(9).fill(lose), win]);
});
Deno.bench("staggeredRace() delay 0: 1 win, 9 aborted", {
  group: "race",
}, async () => {
  await staggeredRace([win, ...Array(9).fill(hang)], { delay: 0 });
});
Deno.bench("staggeredRace() 10 failures", { group: "race" }, async () => {
  await staggeredRace(Array(10).fill(lose));
});
Deno.bench("staggeredRace() async iterable: 9 failures, then a win", {
  group: "race",
}, async () => {
  async function* attempts() {
    for (let i = 0; i < 9; i++) yield lose;
    yield win;
  }
  await staggeredRace(attempts());
});

Deno.bench("AddressQueue: fold 2 late IPv6 into 2 IPv4, take all", {
  group: "fold-in",
}, async () => {
  const queue = new AddressQueue(["127.0.0.1", "127.0.0.2"], familyOf, 1);
  await queue.next();
  queue.add(["::1", "::2"]);
  queue.close();
  while (!(await queue.next()).done) {
    // Take them all.
  }
});
