// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { AddressQueue } from "./address_queue.ts";

const familyOf = (address: string) => address.includes(":") ? 6 : 4;

async function take(queue: AddressQueue, count: number): Promise<string[]> {
  const taken = [];
  for (let i = 0; i < count; i++) {
    const next = await queue.next();
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
}

Deno.test("AddressQueue hands out addresses in order, then waits for more", async () => {
  const queue = new AddressQueue(["::1", "127.0.0.1"], familyOf, 1);
  assertEquals(await take(queue, 2), ["::1", "127.0.0.1"]);
  let next: IteratorResult<string> | undefined;
  const pending = queue.next().then((result) => next = result);
  await Promise.resolve();
  assertEquals(next, undefined);
  assertEquals(queue.add(["::2"]), ["::2"]);
  await pending;
  assertEquals(next, { done: false, value: "::2" });
  queue.close();
  assertEquals(await queue.next(), { done: true, value: undefined });
});

Deno.test("AddressQueue folds late IPv6 answers in, IPv6 next after an IPv4 attempt", async () => {
  const queue = new AddressQueue(["127.0.0.1", "127.0.0.2"], familyOf, 1);
  assertEquals(await take(queue, 1), ["127.0.0.1"]);
  assertEquals(queue.add(["::1", "::2"]), ["::1", "::2"]);
  queue.close();
  assertEquals(await take(queue, 10), ["::1", "127.0.0.2", "::2"]);
});

Deno.test("AddressQueue folds late IPv4 answers in, IPv4 next after an IPv6 attempt", async () => {
  const queue = new AddressQueue(["::1", "::2", "::3"], familyOf, 1);
  assertEquals(await take(queue, 1), ["::1"]);
  queue.add(["127.0.0.1", "127.0.0.2"]);
  queue.close();
  assertEquals(await take(queue, 10), [
    "127.0.0.1",
    "::2",
    "127.0.0.2",
    "::3",
  ]);
});

Deno.test("AddressQueue ignores addresses it has already seen", async () => {
  const queue = new AddressQueue(["::1", "127.0.0.1"], familyOf, 1);
  assertEquals(await take(queue, 1), ["::1"]);
  assertEquals(queue.add(["::1", "127.0.0.1", "127.0.0.2"]), ["127.0.0.2"]);
  queue.close();
  assertEquals(await take(queue, 10), ["127.0.0.1", "127.0.0.2"]);
});

Deno.test("AddressQueue appends late answers when interleaving is off", async () => {
  const queue = new AddressQueue(["127.0.0.1", "127.0.0.2"], familyOf, 0);
  assertEquals(await take(queue, 1), ["127.0.0.1"]);
  queue.add(["::1", "::2"]);
  queue.close();
  assertEquals(await take(queue, 10), ["127.0.0.2", "::1", "::2"]);
});

Deno.test("AddressQueue stops at return(): a waiting next() ends and additions are ignored", async () => {
  const queue = new AddressQueue([], familyOf, 1);
  const waiting = queue.next();
  assertEquals(await queue.return(), { done: true, value: undefined });
  assertEquals(await waiting, { done: true, value: undefined });
  assertEquals(queue.add(["::1"]), []);
  assertEquals(await queue.next(), { done: true, value: undefined });
});

Deno.test("AddressQueue.fold() folds checked batches in, tells the new ones, then closes", async () => {
  const queue = new AddressQueue(["127.0.0.1"], familyOf, 1);
  async function* batches() {
    yield ["::1", "not an address"];
    yield ["::1"];
    yield ["127.0.0.2"];
  }
  const told: string[][] = [];
  await queue.fold(
    batches(),
    (batch) => (batch as string[]).filter((a) => a !== "not an address"),
    (fresh) => told.push(fresh),
    new AbortController().signal,
  );
  assertEquals(told, [["::1"], ["127.0.0.2"]]);
  const mapped: string[] = [];
  for await (const value of queue.map((a) => `<${a}>`)) mapped.push(value);
  assertEquals(mapped, ["<127.0.0.1>", "<::1>", "<127.0.0.2>"]);
});

Deno.test("AddressQueue.fold() stops on a failing batch or an abort, keeping what it has", async () => {
  const failing = new AddressQueue(["127.0.0.1"], familyOf, 1);
  async function* fails() {
    yield ["::1"];
    throw new Error("late answer lost");
  }
  await failing.fold(
    fails(),
    (b) => b as string[],
    () => {},
    new AbortController().signal,
  );
  assertEquals(await take(failing, 10), ["127.0.0.1", "::1"]);

  const aborted = new AddressQueue(["127.0.0.1"], familyOf, 1);
  const controller = new AbortController();
  controller.abort();
  await aborted.fold(
    fails(),
    (b) => b as string[],
    () => {},
    controller.signal,
  );
  assertEquals(await take(aborted, 10), ["127.0.0.1"]);
});
