// Copyright 2026 the happy-eyeballs authors. MIT license.
// staggeredRace() fed by an async iterable (attempts that arrive late, RFC 8305
// §3), on fake timers: every time below is exact.
import { assert, assertEquals, assertRejects } from "@std/assert";
import FakeTimers from "@sinonjs/fake-timers";
import fc from "fast-check";
import { type Attempt, staggeredRace } from "./happy_eyeballs.ts";

type Clock = ReturnType<typeof FakeTimers.install>;

function withClock(fn: (clock: Clock) => Promise<void>): () => Promise<void> {
  return async () => {
    const clock = FakeTimers.install({
      toFake: ["setTimeout", "clearTimeout", "Date"],
    });
    try {
      await fn(clock);
    } finally {
      clock.uninstall();
    }
  };
}

/** A fake attempt that settles after `ms` (never when `ms` is Infinity). */
function fake(
  clock: Clock,
  log: string[],
  name: string,
  ms: number,
  ok: boolean,
): Attempt<string> {
  return (signal) => {
    log.push(`start ${name} @${clock.now}`);
    return new Promise((resolve, reject) => {
      const timer = ms === Infinity ? undefined : setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        if (ok) resolve(name);
        else reject(new Error(`${name} failed`));
      }, ms);
      function onAbort() {
        clearTimeout(timer);
        log.push(`abort ${name} @${clock.now}`);
        reject(signal.reason);
      }
      signal.addEventListener("abort", onAbort, { once: true });
    });
  };
}

/**
 * An async iterable over `attempts` that can be held back: each attempt waits
 * for its gate, if it has one. Records each pull and the call to return().
 */
function gated(
  clock: Clock,
  log: string[],
  attempts: Attempt<string>[],
  gates: Map<number, Promise<void>> = new Map(),
): AsyncIterable<Attempt<string>> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          log.push(`pull ${i} @${clock.now}`);
          await gates.get(i);
          return i < attempts.length
            ? { done: false, value: attempts[i++]! }
            : { done: true, value: undefined };
        },
        return() {
          log.push(`return @${clock.now}`);
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

Deno.test(
  "staggeredRace() asks an async iterable for each attempt only when it is due",
  withClock(async (clock) => {
    const log: string[] = [];
    const race = staggeredRace(
      gated(clock, log, [
        fake(clock, log, "a", Infinity, false),
        fake(clock, log, "b", Infinity, false),
        fake(clock, log, "c", 10, true),
      ]),
      { delay: 100 },
    );
    await clock.tickAsync(300);
    const result = await race;
    assert(result.ok);
    assertEquals([result.value, result.index], ["c", 2]);
    assertEquals(log, [
      "pull 0 @0",
      "start a @0",
      "pull 1 @100",
      "start b @100",
      "pull 2 @200",
      "start c @200",
      "abort a @210",
      "abort b @210",
      "return @210",
    ]);
  }),
);

Deno.test(
  "staggeredRace() starts a late attempt as soon as it arrives when it is overdue",
  withClock(async (clock) => {
    const log: string[] = [];
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    setTimeout(open, 150);
    const race = staggeredRace(
      gated(clock, log, [
        fake(clock, log, "a", Infinity, false),
        fake(clock, log, "b", 5, true),
      ], new Map([[1, gate]])),
      { delay: 100 },
    );
    await clock.tickAsync(200);
    const result = await race;
    assert(result.ok);
    assertEquals(result.index, 1);
    assertEquals(log, [
      "pull 0 @0",
      "start a @0",
      "pull 1 @100",
      "start b @150",
      "abort a @155",
      "return @155",
    ]);
  }),
);

Deno.test(
  "staggeredRace() waits for the iterable when every attempt so far failed",
  withClock(async (clock) => {
    const log: string[] = [];
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    setTimeout(open, 1_000);
    let settled = false;
    const race = staggeredRace(
      gated(clock, log, [
        fake(clock, log, "a", 1, false),
        fake(clock, log, "b", 1, true),
      ], new Map([[1, gate]])),
      { delay: 100 },
    ).finally(() => settled = true);
    await clock.tickAsync(999);
    assertEquals(settled, false);
    await clock.tickAsync(10);
    const result = await race;
    assert(result.ok);
    assertEquals(result.index, 1);
    assertEquals(String(result.errors[0]), "Error: a failed");
    // A failure starts the next attempt at once: the pull came at 1 ms.
    assertEquals(log.slice(0, 4), [
      "pull 0 @0",
      "start a @0",
      "pull 1 @1",
      "start b @1000",
    ]);
  }),
);

Deno.test(
  "staggeredRace() fails once the iterable is done and every attempt failed",
  withClock(async (clock) => {
    const log: string[] = [];
    const race = staggeredRace(
      gated(clock, log, [
        fake(clock, log, "a", 300, false),
        fake(clock, log, "b", 50, false),
      ]),
      { delay: 100 },
    );
    await clock.tickAsync(300);
    const result = await race;
    assertEquals(result.ok, false);
    assertEquals(result.errors.map(String), [
      "Error: a failed",
      "Error: b failed",
    ]);
    // No return(): the iterable ended by itself.
    assertEquals(log.includes("return @300"), false);
    // Nothing yielded: the race fails at once, without errors.
    const empty = await staggeredRace(gated(clock, [], []));
    assertEquals(empty, { ok: false, errors: [] });
  }),
);

Deno.test(
  "staggeredRace() never starts what the iterable yields after the race is decided",
  withClock(async (clock) => {
    const log: string[] = [];
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    let lateStarted = false;
    const race = staggeredRace(
      gated(clock, log, [
        fake(clock, log, "a", 120, true),
        () => {
          lateStarted = true;
          return Promise.resolve("late");
        },
      ], new Map([[1, gate]])),
      { delay: 100 },
    );
    await clock.tickAsync(120);
    const result = await race;
    assert(result.ok);
    assertEquals(result.value, "a");
    open();
    await clock.tickAsync(0);
    assertEquals(lateStarted, false);
    assertEquals(log, [
      "pull 0 @0",
      "start a @0",
      "pull 1 @100",
      "return @120",
    ]);
  }),
);

Deno.test(
  "staggeredRace() rejects with the error of a failing iterable after aborting every attempt",
  withClock(async (clock) => {
    const log: string[] = [];
    async function* attempts(): AsyncGenerator<Attempt<string>> {
      yield fake(clock, log, "a", Infinity, false);
      throw new Error("resolver broke");
    }
    const race = staggeredRace(attempts(), { delay: 100 });
    const rejected = assertRejects(() => race, Error, "resolver broke");
    await clock.tickAsync(100);
    await rejected;
    assertEquals(log, ["start a @0", "abort a @100"]);
  }),
);

Deno.test(
  "staggeredRace() rejects with signal.reason while waiting for the iterable",
  withClock(async (clock) => {
    const log: string[] = [];
    const controller = new AbortController();
    const never = new Promise<void>(() => {});
    const race = staggeredRace(
      gated(clock, log, [
        fake(clock, log, "a", 1, false),
        fake(clock, log, "b", 1, true),
      ], new Map([[1, never]])),
      { delay: 100, signal: controller.signal },
    );
    await clock.tickAsync(50);
    controller.abort(new Error("stop"));
    await assertRejects(() => race, Error, "stop");
    assertEquals(log, ["pull 0 @0", "start a @0", "pull 1 @1", "return @50"]);
  }),
);

Deno.test(
  "staggeredRace() runs an iterable of attempts exactly as the same array",
  async () => {
    // Each attempt: after how many ms it settles, and whether it succeeds.
    const outcome = fc.record({
      ms: fc.integer({ min: 0, max: 400 }),
      ok: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcome, { maxLength: 6 }),
        fc.integer({ min: 0, max: 300 }),
        async (outcomes, delay) => {
          const runs = [];
          for (const iterable of [false, true]) {
            const clock = FakeTimers.install({
              toFake: ["setTimeout", "clearTimeout", "Date"],
            });
            try {
              const log: string[] = [];
              const attempts = outcomes.map(({ ms, ok }, i) =>
                fake(clock, log, `${i}`, ms, ok)
              );
              const race = staggeredRace(
                iterable ? gated(clock, [], attempts) : attempts,
                { delay },
              );
              await clock.tickAsync(400 * 7);
              const result = await race;
              runs.push({
                log,
                ok: result.ok,
                index: result.ok ? result.index : -1,
                errors: result.errors.map(String),
              });
            } finally {
              clock.uninstall();
            }
          }
          assertEquals(runs[1], runs[0]);
        },
      ),
      { numRuns: 200 },
    );
  },
);
