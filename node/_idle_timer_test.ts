// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assert, assertEquals } from "@std/assert";
import { delay } from "@std/async/delay";
import FakeTimers from "@sinonjs/fake-timers";
import { IdleTimer } from "./_idle_timer.ts";

/** Runs `fn` with a fake clock (timers and `performance.now()`). */
function withClock(
  fn: (clock: ReturnType<typeof FakeTimers.install>) => void,
): void {
  const clock = FakeTimers.install({
    toFake: ["setTimeout", "clearTimeout", "performance"],
  });
  try {
    fn(clock);
  } finally {
    clock.uninstall();
  }
}

Deno.test("IdleTimer calls back after each period without activity, until set(0)", () => {
  withClock((clock) => {
    let idle = 0;
    const timer = new IdleTimer(() => idle++);
    timer.set(20);
    clock.tick(90);
    timer.set(0);
    assertEquals(idle, 4);
    clock.tick(40);
    assertEquals(idle, 4);
  });
});

Deno.test("IdleTimer: activity starts the period again", () => {
  withClock((clock) => {
    let idle = 0;
    const timer = new IdleTimer(() => idle++);
    timer.set(60);
    for (let i = 0; i < 5; i++) {
      clock.tick(20);
      timer.touch();
    }
    assertEquals(idle, 0);
    // Then 60 ms without activity: once.
    clock.tick(60);
    assertEquals(idle, 1);
    timer.clear();
  });
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
