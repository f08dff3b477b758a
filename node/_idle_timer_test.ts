// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assert, assertEquals } from "@std/assert";
import { delay } from "@std/async/delay";
import { IdleTimer } from "./_idle_timer.ts";

Deno.test("IdleTimer calls back after each period without activity, until set(0)", async () => {
  let idle = 0;
  const timer = new IdleTimer(() => idle++);
  timer.set(20);
  await delay(90);
  timer.set(0);
  assert(idle >= 2, `idle ${idle} times`);
  const seen = idle;
  await delay(40);
  assertEquals(idle, seen);
});

Deno.test("IdleTimer: activity starts the period again", async () => {
  let idle = 0;
  const timer = new IdleTimer(() => idle++);
  timer.set(60);
  for (let i = 0; i < 5; i++) {
    await delay(20);
    timer.touch();
  }
  assertEquals(idle, 0);
  timer.clear();
});

Deno.test("IdleTimer: unref and ref keep the timer running", async () => {
  let idle = 0;
  const timer = new IdleTimer(() => idle++);
  timer.ref(false);
  timer.set(10);
  timer.ref(true);
  await delay(40);
  timer.clear();
  assert(idle >= 1);
});
