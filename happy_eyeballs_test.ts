// Copyright 2026 the happy-eyeballs authors. MIT license.
// `interleave` by examples and properties; `staggeredRace` driven by fake
// attempts on a fake clock, by examples and properties: it never leaks an
// attempt, a value or a timer, never hangs on its own, and settles once; and
// `staggeredRace` fed by an async iterable.
import {
  assert,
  assertEquals,
  assertNotStrictEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import { collectReportedErrors } from "./_testing/errors.ts";
import FakeTimers from "@sinonjs/fake-timers";
import {
  type Attempt,
  interleave,
  staggeredRace,
  type StaggeredRaceResult,
} from "./happy_eyeballs.ts";

// ---------------------------------------------------------------------------
// interleave
// ---------------------------------------------------------------------------

/** `"6a"` is of family 6, `"4b"` of family 4, `"xq"` of family "x". */
const familyOfTag = (tag: string) => tag[0];

Deno.test("interleave() alternates families, the first one first", () => {
  const items = ["6a", "6b", "6c", "4a", "4b"];
  assertEquals(interleave(items, familyOfTag), [
    "6a",
    "4a",
    "6b",
    "4b",
    "6c",
  ]);
  // The default is a First Address Family Count of 1.
  assertEquals(
    interleave(items, familyOfTag, { firstFamilyCount: 1 }),
    interleave(items, familyOfTag),
  );
});

Deno.test("interleave() starts with the family that appears first", () => {
  assertEquals(interleave(["4a", "6a", "6b", "4b"], familyOfTag), [
    "4a",
    "6a",
    "4b",
    "6b",
  ]);
});

Deno.test("interleave() puts the first count - 1 of the first family first", () => {
  const items = ["6a", "6b", "6c", "4a", "4b", "4c"];
  assertEquals(interleave(items, familyOfTag, { firstFamilyCount: 2 }), [
    "6a",
    "6b",
    "4a",
    "6c",
    "4b",
    "4c",
  ]);
  assertEquals(interleave(items, familyOfTag, { firstFamilyCount: 3 }), [
    "6a",
    "6b",
    "6c",
    "4a",
    "4b",
    "4c",
  ]);
  // A count larger than the first family takes all of it first.
  assertEquals(
    interleave(["6a", "4a", "6b", "4b"], familyOfTag, { firstFamilyCount: 9 }),
    [
      "6a",
      "6b",
      "4a",
      "4b",
    ],
  );
});

Deno.test("interleave() with 0 keeps the resolver's order, in a copy", () => {
  const items = Object.freeze(["6a", "6b", "4a", "4b"]);
  const result = interleave(items, familyOfTag, { firstFamilyCount: 0 });
  assertEquals(result, items);
  assertNotStrictEquals(result, items);
});

Deno.test("interleave() handles no item, one family and more than two families", () => {
  assertEquals(interleave([], familyOfTag), []);
  assertEquals(interleave([], familyOfTag, { firstFamilyCount: 3 }), []);
  assertEquals(interleave(["4a", "4b", "4c"], familyOfTag), [
    "4a",
    "4b",
    "4c",
  ]);
  assertEquals(
    interleave(["6a", "6b", "4a", "xa", "xb", "4b", "6c"], familyOfTag),
    ["6a", "4a", "xa", "6b", "4b", "xb", "6c"],
  );
});

Deno.test("interleave() neither changes its input nor asks a family twice", () => {
  const items = ["6a", "6b", "4a"];
  const copy = [...items];
  let calls = 0;
  interleave(items, (tag) => {
    calls++;
    return familyOfTag(tag);
  }, { firstFamilyCount: 2 });
  assertEquals(items, copy);
  assertStrictEquals(calls, items.length);
});

Deno.test("interleave() throws a RangeError for a count that is not a non-negative integer", () => {
  for (const count of [-1, 1.5, NaN, Infinity, -Infinity]) {
    assertThrows(
      () => interleave(["6a"], familyOfTag, { firstFamilyCount: count }),
      RangeError,
      `Cannot interleave addresses as 'firstFamilyCount' must be a non-negative integer: current value is ${count}`,
    );
  }
});

/** asyncio's `_interleave_addrinfos`, transcribed with `zip_longest`. */
function asyncioInterleave<T>(
  items: readonly T[],
  familyOf: (item: T) => unknown,
  count: number,
): T[] {
  if (count === 0) return [...items];
  const lists: T[][] = [];
  const index = new Map<unknown, number>();
  for (const item of items) {
    const family = familyOf(item);
    if (!index.has(family)) index.set(family, lists.push([]) - 1);
    lists[index.get(family)!]!.push(item);
  }
  const reordered: T[] = [];
  if (count > 1 && lists.length > 0) {
    reordered.push(...lists[0]!.splice(0, count - 1));
  }
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) if (i < list.length) reordered.push(list[i]!);
  }
  return reordered;
}

/** Items tagged with a family and a unique id, in any order. */
const taggedItems = (families: string[]) =>
  fc.array(fc.constantFrom(...families), { maxLength: 30 }).map((list) =>
    list.map((family, id) => ({ family, id }))
  );
type Tagged = { family: string; id: number };
const familyOfItem = (item: Tagged) => item.family;
const counts = fc.oneof(
  fc.constant(0),
  fc.constant(1),
  fc.integer({ min: 0, max: 40 }),
);

Deno.test("interleave() properties: a permutation that keeps each family's order", () => {
  fc.assert(
    fc.property(taggedItems(["4", "6", "x"]), counts, (items, count) => {
      const result = interleave(items, familyOfItem, {
        firstFamilyCount: count,
      });
      // The same items, each once.
      assertEquals(
        [...result].sort((a, b) => a.id - b.id),
        items,
      );
      // Within a family, the resolver's order.
      for (const family of ["4", "6", "x"]) {
        const ids = (list: Tagged[]) =>
          list.filter((item) => item.family === family).map((item) => item.id);
        assertEquals(ids(result), ids(items));
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("interleave() properties: first count - 1 of the first family, then families take turns", () => {
  fc.assert(
    fc.property(taggedItems(["4", "6", "x"]), counts, (items, count) => {
      const result = interleave(items, familyOfItem, {
        firstFamilyCount: count,
      });
      if (count === 0) {
        assertEquals(result, items);
        return;
      }
      const order = [...new Set(items.map(familyOfItem))];
      const first = items.filter((item) => item.family === order[0]);
      const prefix = first.slice(0, count - 1);
      assertEquals(result.slice(0, prefix.length), prefix);
      // After the prefix: round robin over the families in order of first
      // appearance, skipping only those that have no item left.
      const left = new Map(
        order.map((family) => [
          family,
          items.filter((item) => item.family === family).length,
        ]),
      );
      left.set(order[0]!, left.get(order[0]!)! - prefix.length);
      let previous = -1;
      for (const item of result.slice(prefix.length)) {
        let expected = previous;
        do {
          expected = (expected + 1) % order.length;
        } while (left.get(order[expected]!) === 0);
        assertStrictEquals(item.family, order[expected]);
        left.set(item.family, left.get(item.family)! - 1);
        previous = expected;
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("interleave() properties: with two families, they alternate while both have items left", () => {
  fc.assert(
    fc.property(
      taggedItems(["4", "6"]),
      fc.integer({ min: 1, max: 40 }),
      (items, count) => {
        const result = interleave(items, familyOfItem, {
          firstFamilyCount: count,
        });
        const firstFamily = items[0]?.family;
        const prefixLength = Math.min(
          count - 1,
          items.filter((item) => item.family === firstFamily).length,
        );
        const rest = result.slice(prefixLength);
        for (let i = 1; i < rest.length; i++) {
          const bothLeft = new Set(rest.slice(i - 1).map(familyOfItem))
            .size === 2;
          if (bothLeft) {
            assertNotStrictEquals(rest[i]!.family, rest[i - 1]!.family);
          } // Once a family runs out, the other one follows alone.
          else {assertStrictEquals(
              rest[i]!.family,
              rest[rest.length - 1]!.family,
            );}
        }
        if (rest.length > 0 && prefixLength < items.length) {
          // The turns start with the first family if it has items left.
          const firstLeft = items.filter((item) =>
            item.family === firstFamily
          ).length > prefixLength;
          assertStrictEquals(
            rest[0]!.family === firstFamily,
            firstLeft,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("interleave() properties: same result as asyncio's _interleave_addrinfos", () => {
  fc.assert(
    fc.property(taggedItems(["4", "6", "x", "y"]), counts, (items, count) => {
      assertEquals(
        interleave(items, familyOfItem, { firstFamilyCount: count }),
        asyncioInterleave(items, familyOfItem, count),
      );
    }),
    { numRuns: 1000 },
  );
});

// ---------------------------------------------------------------------------
// staggeredRace: fake attempts on a fake clock
// ---------------------------------------------------------------------------

/** A fake clock, installed in place of the timers. */
type Clock = ReturnType<typeof FakeTimers.install>;

/** What a fake attempt does once started. Times are in fake milliseconds. */
type Outcome =
  /** Succeeds `after` ms; if aborted first, rejects with the reason. */
  | { kind: "success"; after: number }
  /** Fails `after` ms; if aborted first, rejects with the reason. */
  | { kind: "failure"; after: number }
  /** Never settles by itself; rejects `windDown` ms after an abort. */
  | { kind: "hang"; windDown?: number }
  /** Succeeds `after` ms; if aborted first, succeeds anyway `lag` ms later. */
  | { kind: "late"; after: number; lag: number }
  /** Throws synchronously when called. */
  | { kind: "throw" };

/** What happened to one fake attempt. */
interface Track {
  /** Fake time and sequence number of the start, if started. */
  startAt?: number;
  startSeq?: number;
  /** The signal the race gave it. */
  signal?: AbortSignal;
  /** Fake time and sequence number of its settlement, if settled. */
  settledAt?: number;
  settleSeq?: number;
  /** Whether it succeeded (with `values[i]`) or failed (with `errors[i]`). */
  succeeded?: boolean;
  /** Whether it failed with its own error rather than the abort reason. */
  failedOwn?: boolean;
}

/** Fake attempts following `outcomes`, and a record of what they did. */
function script(clock: Clock, outcomes: Outcome[]) {
  let seq = 0;
  const tracks: Track[] = outcomes.map(() => ({}));
  const values = outcomes.map((_, i) => ({ value: i }));
  const errors = outcomes.map((_, i) => new Error(`attempt ${i} failed`));
  const attempts: Attempt<{ value: number }>[] = outcomes.map(
    (outcome, i) => (signal) => {
      const track = tracks[i]!;
      assertStrictEquals(
        track.startAt,
        undefined,
        `attempt ${i} started twice`,
      );
      track.startAt = clock.now;
      track.startSeq = seq++;
      track.signal = signal;
      const settled = (succeeded: boolean, own = false) => {
        assertStrictEquals(
          track.settleSeq,
          undefined,
          `attempt ${i} settled twice`,
        );
        track.settledAt = clock.now;
        track.settleSeq = seq++;
        track.succeeded = succeeded;
        track.failedOwn = own;
      };
      if (outcome.kind === "throw") {
        settled(false, true);
        throw errors[i];
      }
      return new Promise((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const succeed = () => {
          signal.removeEventListener("abort", onAbort);
          settled(true);
          resolve(values[i]!);
        };
        const fail = (error: unknown, own: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          settled(false, own);
          reject(error);
        };
        function onAbort() {
          clearTimeout(timer);
          if (outcome.kind === "late") {
            timer = setTimeout(succeed, outcome.lag);
          } else if (outcome.kind === "hang" && outcome.windDown) {
            timer = setTimeout(
              () => fail(signal.reason, false),
              outcome.windDown,
            );
          } else {
            fail(signal.reason, false);
          }
        }
        signal.addEventListener("abort", onAbort, { once: true });
        if (outcome.kind === "success" || outcome.kind === "late") {
          timer = setTimeout(succeed, outcome.after);
        } else if (outcome.kind === "failure") {
          timer = setTimeout(() => fail(errors[i], true), outcome.after);
        }
      });
    },
  );
  return { attempts, tracks, values, errors, next: () => seq++ };
}

/** The settlement of a race, as observed. */
type Settled<T> =
  | { status: "fulfilled"; result: StaggeredRaceResult<T>; at: number }
  | { status: "rejected"; reason: unknown; at: number };

/**
 * Observes `promise` without awaiting it, noting when it settled and how
 * many fake timers were still pending then.
 */
function observe<T>(clock: Clock, promise: Promise<StaggeredRaceResult<T>>) {
  const seen: { settled?: Settled<T>; count: number; timersThen?: number } = {
    count: 0,
  };
  const done = promise.then(
    (result) => {
      seen.count++;
      seen.timersThen = clock.countTimers();
      seen.settled = { status: "fulfilled", result, at: clock.now };
    },
    (reason) => {
      seen.count++;
      seen.timersThen = clock.countTimers();
      seen.settled = { status: "rejected", reason, at: clock.now };
    },
  );
  return { seen, done };
}

/** Whether an observed race has not settled yet (without narrowing). */
function isPending(seen: { settled?: unknown }): boolean {
  return seen.settled === undefined;
}

/** Runs `fn` with a fake clock installed, uninstalling it however it ends. */
async function withClock(
  fn: (clock: Clock) => Promise<void>,
): Promise<void> {
  const clock = FakeTimers.install();
  try {
    await fn(clock);
  } finally {
    clock.uninstall();
  }
}

const startTimes = (tracks: Track[]) =>
  tracks.filter((t) => t.startAt !== undefined).map((t) => t.startAt);

Deno.test("staggeredRace() starts attempts at 0, d, 2d, ... and sets no timer after the last", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks } = script(
      clock,
      Array.from({ length: 4 }, () => ({ kind: "hang" })),
    );
    const controller = new AbortController();
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 100, signal: controller.signal }),
    );
    assertEquals(startTimes(tracks), [0]);
    await clock.tickAsync(99);
    assertEquals(startTimes(tracks), [0]);
    await clock.tickAsync(1);
    assertEquals(startTimes(tracks), [0, 100]);
    await clock.tickAsync(200);
    assertEquals(startTimes(tracks), [0, 100, 200, 300]);
    assertStrictEquals(clock.countTimers(), 0);
    await clock.tickAsync(10_000);
    assert(isPending(seen));
    controller.abort(new Error("stop"));
    await done;
    assertStrictEquals(seen.settled?.status, "rejected");
  });
});

Deno.test("staggeredRace() starts the next attempt at once when the newest fails", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks, values } = script(clock, [
      { kind: "failure", after: 30 },
      { kind: "failure", after: 10 },
      { kind: "success", after: 5 },
    ]);
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 100 }),
    );
    await clock.runAllAsync();
    await done;
    assertEquals(startTimes(tracks), [0, 30, 40]);
    const settled = seen.settled as {
      status: string;
      at: number;
      result: { errors: unknown[] };
    };
    // The errors by class and message: equality of Error objects would
    // compare their stacks too.
    const { errors, ...result } = settled.result;
    assertEquals({ ...settled, result }, {
      status: "fulfilled",
      at: 45,
      result: { ok: true, value: values[2], index: 2 },
    });
    assertEquals(
      errors.map((e) => [(e as Error).constructor, (e as Error).message]),
      [[Error, "attempt 0 failed"], [Error, "attempt 1 failed"]],
    );
    assertStrictEquals(clock.countTimers(), 0);
  });
});

Deno.test("staggeredRace() does not hurry the next attempt when an older one fails", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks, errors } = script(clock, [
      { kind: "failure", after: 150 }, // Fails while attempt 1 is the newest.
      { kind: "failure", after: 120 }, // The newest: hurries attempt 2.
      { kind: "failure", after: 50 },
    ]);
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 100 }),
    );
    await clock.tickAsync(150);
    assertEquals(startTimes(tracks), [0, 100]);
    await clock.tickAsync(49);
    assertEquals(startTimes(tracks), [0, 100]);
    await clock.tickAsync(1);
    assertEquals(startTimes(tracks), [0, 100, 200]);
    await clock.runAllAsync();
    await done;
    // All failed: one error per attempt, by position, not by time.
    assertEquals(seen.settled, {
      status: "fulfilled",
      at: 250,
      result: { ok: false, errors },
    });
    assert(errors.every((e, i) => {
      const r = seen.settled?.status === "fulfilled" && seen.settled.result;
      return r && r.errors[i] === e;
    }));
  });
});

Deno.test("staggeredRace() with delay 0 starts every attempt at once, with no timer", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks } = script(
      clock,
      Array.from({ length: 5 }, () => ({ kind: "hang" })),
    );
    const controller = new AbortController();
    const { done } = observe(
      clock,
      staggeredRace(attempts, { delay: 0, signal: controller.signal }),
    );
    // Synchronously, before the clock moves at all.
    assertEquals(startTimes(tracks), [0, 0, 0, 0, 0]);
    assertStrictEquals(clock.countTimers(), 0);
    controller.abort();
    await done;
  });
});

Deno.test("staggeredRace() with delay 0 stops starting once an attempt aborts the race", async () => {
  await withClock(async (clock) => {
    const controller = new AbortController();
    const { attempts: base, tracks } = script(
      clock,
      Array.from({ length: 4 }, () => ({ kind: "hang" })),
    );
    const attempts = base.map((attempt, i) => (signal: AbortSignal) => {
      const promise = attempt(signal);
      if (i === 1) controller.abort("enough");
      return promise;
    });
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 0, signal: controller.signal }),
    );
    await done;
    assertEquals(startTimes(tracks), [0, 0]);
    assert(tracks[0]!.signal!.aborted && tracks[1]!.signal!.aborted);
    assertStrictEquals(seen.settled?.status, "rejected");
  });
});

Deno.test("staggeredRace() with delay Infinity runs attempts strictly in turn, with no timer", async () => {
  for (const delay of [Infinity, 2 ** 31, Number.MAX_VALUE]) {
    await withClock(async (clock) => {
      const { attempts: base, tracks, values } = script(clock, [
        { kind: "failure", after: 500 },
        { kind: "failure", after: 1_000 },
        { kind: "success", after: 3_000 },
        { kind: "hang" },
      ]);
      // Count the race's own timers: the fake attempts set theirs on start.
      const timersOnStart: number[] = [];
      const attempts = base.map((attempt) => (signal: AbortSignal) => {
        timersOnStart.push(clock.countTimers());
        return attempt(signal);
      });
      const { seen, done } = observe(clock, staggeredRace(attempts, { delay }));
      await clock.tickAsync(499);
      assertEquals(startTimes(tracks), [0]);
      await clock.tickAsync(1);
      assertEquals(startTimes(tracks), [0, 500]);
      await clock.runAllAsync();
      await done;
      assertEquals(startTimes(tracks), [0, 500, 1_500]);
      assertEquals(timersOnStart, [0, 0, 0]);
      assertStrictEquals(
        seen.settled?.status === "fulfilled" && seen.settled.result.ok &&
          seen.settled.result.value,
        values[2],
      );
      assertStrictEquals(seen.settled?.at, 4_500);
    });
  }
});

Deno.test("staggeredRace() aborts the losers and settles only once they have settled", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks, values } = script(clock, [
      { kind: "hang", windDown: 50 },
      { kind: "success", after: 20 },
      { kind: "hang" },
    ]);
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 100 }),
    );
    await clock.tickAsync(120);
    // Attempt 1 won at 120; attempt 2 never starts; attempt 0 winds down.
    assert(tracks[0]!.signal!.aborted);
    assert(!tracks[1]!.signal!.aborted);
    assert(isPending(seen));
    assertStrictEquals(clock.countTimers(), 1); // Attempt 0's wind-down only.
    await clock.tickAsync(49);
    assert(isPending(seen));
    await clock.tickAsync(1);
    await done;
    assertEquals(seen.settled, {
      status: "fulfilled",
      at: 170,
      result: { ok: true, value: values[1]!, index: 1, errors: [] },
    });
    assertEquals(startTimes(tracks), [0, 100]);
    assertStrictEquals(clock.countTimers(), 0);
  });
});

Deno.test("staggeredRace() disposes of a loser that succeeds after the winner, once", async () => {
  await withClock(async (clock) => {
    const { attempts, values } = script(clock, [
      { kind: "late", after: 1_000, lag: 300 },
      { kind: "success", after: 50 },
    ]);
    const disposed: unknown[][] = [];
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, {
        delay: 100,
        dispose: (value, index) => disposed.push([value, index]),
      }),
    );
    await clock.tickAsync(150);
    assert(isPending(seen));
    assertEquals(disposed, []);
    await clock.runAllAsync();
    await done;
    assertEquals(disposed, [[values[0], 0]]);
    assertStrictEquals(disposed[0]![0], values[0]);
    assertStrictEquals(seen.settled?.at, 450);
    assertStrictEquals(
      seen.settled?.status === "fulfilled" && seen.settled.result.ok &&
        seen.settled.result.index,
      1,
    );
  });
});

Deno.test("staggeredRace() disposes of the runner-up of a tie in the same tick", async () => {
  const deferred = [
    Promise.withResolvers<string>(),
    Promise.withResolvers<string>(),
    Promise.withResolvers<string>(),
  ];
  const aborted = [false, false, false];
  const disposed: [string, number][] = [];
  const promise = staggeredRace(
    deferred.map(({ promise }, i) => (signal: AbortSignal) => {
      signal.addEventListener("abort", () => aborted[i] = true);
      return promise;
    }),
    { delay: 0, dispose: (value, index) => disposed.push([value, index]) },
  );
  // Both resolve in the same tick; attempt 1 first.
  deferred[1]!.resolve("one");
  deferred[0]!.resolve("zero");
  deferred[2]!.reject(new Error("late failure"));
  const result = await promise;
  assertEquals(result, { ok: true, value: "one", index: 1, errors: [] });
  assertEquals(disposed, [["zero", 0]]);
  assertEquals(aborted, [true, false, true]);
});

Deno.test("staggeredRace() rejects with the reason and aborts every attempt when aborted mid-race", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks } = script(clock, [
      { kind: "hang" },
      { kind: "failure", after: 10_000 },
      { kind: "hang", windDown: 5 },
      { kind: "late", after: 10_000, lag: 20 },
      { kind: "hang" },
    ]);
    const controller = new AbortController();
    const disposed: unknown[] = [];
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, {
        delay: 100,
        signal: controller.signal,
        dispose: (value) => disposed.push(value),
      }),
    );
    await clock.tickAsync(350);
    assertEquals(startTimes(tracks), [0, 100, 200, 300]);
    const reason = new DOMException("Gave up", "AbortError");
    controller.abort(reason);
    assert(tracks.slice(0, 4).every((t) => t.signal!.aborted));
    await clock.tickAsync(19);
    assert(isPending(seen)); // Attempt 3 still winding down.
    await clock.tickAsync(1);
    await done;
    assertStrictEquals(seen.settled?.status, "rejected");
    assertStrictEquals(
      seen.settled?.status === "rejected" && seen.settled.reason,
      reason,
    );
    assertStrictEquals(seen.settled?.at, 370);
    // Attempt 3 succeeded after the abort: its value was disposed of.
    assertEquals(disposed, [{ value: 3 }]);
    await clock.tickAsync(10_000);
    assertEquals(startTimes(tracks), [0, 100, 200, 300]);
    assertStrictEquals(clock.countTimers(), 0);
  });
});

Deno.test("staggeredRace() rejects at once with an already aborted signal", async () => {
  let called = 0;
  const reason = new Error("already");
  const error = await assertRejects(() =>
    staggeredRace([() => {
      called++;
      return Promise.resolve(1);
    }], { signal: AbortSignal.abort(reason) })
  );
  assertStrictEquals(error, reason);
  assertStrictEquals(called, 0);
});

Deno.test("staggeredRace() settles an empty race as failed, with no error", async () => {
  assertEquals(await staggeredRace([]), { ok: false, errors: [] });
  // Its abort listener is gone: a later abort changes nothing.
  const controller = new AbortController();
  const result = await staggeredRace([], { signal: controller.signal });
  controller.abort();
  assertEquals(result, { ok: false, errors: [] });
});

Deno.test("staggeredRace() counts a synchronous throw as a failure and goes on at once", async () => {
  await withClock(async (clock) => {
    const { attempts, tracks, values, errors } = script(clock, [
      { kind: "throw" },
      { kind: "throw" },
      { kind: "success", after: 10 },
    ]);
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 100 }),
    );
    assertEquals(startTimes(tracks), [0, 0, 0]);
    await clock.runAllAsync();
    await done;
    assertEquals(seen.settled, {
      status: "fulfilled",
      at: 10,
      result: {
        ok: true,
        value: values[2]!,
        index: 2,
        errors: errors.slice(0, 2),
      },
    });
  });
  // Every attempt throwing synchronously: the race fails, once.
  const thrown = [new TypeError("a"), new RangeError("b")];
  const result = await staggeredRace(
    thrown.map((error) => () => {
      throw error;
    }),
  );
  assertStrictEquals(result.ok, false);
  assertStrictEquals(result.errors[0], thrown[0]);
  assertStrictEquals(result.errors[1], thrown[1]);
  assertStrictEquals(result.errors.length, 2);
  // Not even a function: a failure too.
  const odd = await staggeredRace([undefined as unknown as Attempt<number>]);
  assert(!odd.ok && odd.errors[0] instanceof TypeError);
});

Deno.test("staggeredRace() survives a throwing dispose, reports it and still disposes of the others", async () => {
  const reported = await collectReportedErrors(throwingDisposeRace);
  assertStrictEquals(reported.length, 2);
  assert(reported.every((e) => (e as Error).message === "dispose failed"));
});

async function throwingDisposeRace(): Promise<void> {
  await withClock(async (clock) => {
    const { attempts, values } = script(clock, [
      { kind: "late", after: 1_000, lag: 10 },
      { kind: "late", after: 1_000, lag: 20 },
      { kind: "success", after: 0 },
    ]);
    const disposed: unknown[] = [];
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, {
        delay: 100,
        dispose(value) {
          disposed.push(value);
          throw new Error("dispose failed");
        },
      }),
    );
    await clock.runAllAsync();
    await done;
    assertEquals(disposed, [values[0], values[1]]);
    assertStrictEquals(seen.count, 1);
    assertStrictEquals(
      seen.settled?.status === "fulfilled" && seen.settled.result.ok &&
        seen.settled.result.value,
      values[2],
    );
    assertStrictEquals(clock.countTimers(), 0);
  });
}

Deno.test("staggeredRace() keeps the winner when the signal aborts after the win", async () => {
  await withClock(async (clock) => {
    const { attempts, values } = script(clock, [
      { kind: "hang", windDown: 100 },
      { kind: "success", after: 0 },
    ]);
    const controller = new AbortController();
    const { seen, done } = observe(
      clock,
      staggeredRace(attempts, { delay: 10, signal: controller.signal }),
    );
    await clock.tickAsync(50);
    controller.abort(new Error("too late"));
    await clock.runAllAsync();
    await done;
    assertStrictEquals(
      seen.settled?.status === "fulfilled" && seen.settled.result.ok &&
        seen.settled.result.value,
      values[1],
    );
  });
});

Deno.test("staggeredRace() throws a RangeError for a delay that is negative or not a number", () => {
  const cases: [unknown, string][] = [
    [-1, "-1"],
    [-Infinity, "-Infinity"],
    [NaN, "NaN"],
    ["5", '"5"'],
    [{ ms: 5 }, "{ ms }"],
  ];
  for (const [delay, shown] of cases) {
    assertThrows(
      () => staggeredRace([], { delay: delay as number }),
      RangeError,
      `Cannot race attempts as 'delay' must be a non-negative number: current value is ${shown}`,
    );
  }
});

// ---------------------------------------------------------------------------
// staggeredRace: properties
// ---------------------------------------------------------------------------

const outcomeArbitrary: fc.Arbitrary<Outcome> = fc.oneof(
  fc.record({
    kind: fc.constant("success" as const),
    after: fc.integer({ min: 0, max: 400 }),
  }),
  fc.record({
    kind: fc.constant("failure" as const),
    after: fc.integer({ min: 0, max: 400 }),
  }),
  fc.record({
    kind: fc.constant("hang" as const),
    windDown: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant("late" as const),
    after: fc.integer({ min: 0, max: 400 }),
    lag: fc.integer({ min: 0, max: 200 }),
  }),
  fc.constant({ kind: "throw" as const }),
);

const delayArbitrary = fc.oneof(
  fc.constant(0),
  fc.constant(Infinity),
  fc.constant(2 ** 31), // Beyond what setTimeout honours: like Infinity.
  fc.integer({ min: 1, max: 300 }),
);

/** A random race: what each attempt does, the delay, when to abort. */
interface RaceCase {
  outcomes: Outcome[];
  delay: number;
  abortAt: number | undefined;
}

const raceArbitrary: fc.Arbitrary<RaceCase> = fc.record({
  outcomes: fc.array(outcomeArbitrary, { maxLength: 8 }),
  delay: delayArbitrary,
  abortAt: fc.option(fc.integer({ min: 0, max: 1_500 }), { nil: undefined }),
});

/** Runs one random race and checks every invariant. */
async function checkRace(
  { outcomes, delay, abortAt }: RaceCase,
): Promise<void> {
  await withClock(async (clock) => {
    const { attempts, tracks, values, errors, next } = script(
      clock,
      outcomes,
    );
    const controller = new AbortController();
    const reason = new Error("aborted by the test");
    const disposed: [unknown, number][] = [];
    let settleSeq: number | undefined;
    const race = staggeredRace(attempts, {
      delay,
      signal: controller.signal,
      dispose: (value, index) => disposed.push([value, index]),
    });
    const { seen, done } = observe(clock, race);
    void done.then(() => settleSeq = next());

    let abortSeq: number | undefined;
    let abortTime: number | undefined;
    const abort = () => {
      abortSeq = next();
      abortTime = clock.now;
      controller.abort(reason);
    };
    if (abortAt !== undefined) {
      await clock.tickAsync(abortAt);
      if (!seen.settled) abort();
    }
    await clock.runAllAsync();
    if (!seen.settled) {
      // Only a hanging attempt that nothing aborted may keep a race open.
      assertStrictEquals(abortSeq, undefined, "an aborted race did not settle");
      assertStrictEquals(clock.countTimers(), 0);
      assert(!tracks.some((t) => t.succeeded), "a success did not settle");
      const pending = tracks.filter((t) =>
        t.startAt !== undefined && t.settleSeq === undefined
      );
      assert(pending.length > 0, "nothing pending, yet not settled");
      for (const t of pending) {
        assertStrictEquals(outcomes[tracks.indexOf(t)]!.kind, "hang");
      }
      abort();
      await clock.runAllAsync();
    }
    await done;
    assert(seen.settled, "the race did not settle");
    const settled = seen.settled;

    // Exactly one settlement, of the kind the events call for.
    assertStrictEquals(seen.count, 1);
    const successes = tracks
      .map((t, i) => ({ ...t, index: i }))
      .filter((t) => t.succeeded)
      .sort((a, b) => a.settleSeq! - b.settleSeq!);
    const first = successes[0];
    let decisionSeq: number;
    let decisionTime: number;
    if (first && (abortSeq === undefined || first.settleSeq! < abortSeq)) {
      assertStrictEquals(settled.status, "fulfilled");
      assert(settled.status === "fulfilled" && settled.result.ok);
      assertStrictEquals(settled.result.index, first.index);
      assertStrictEquals(settled.result.value, values[first.index]);
      decisionSeq = first.settleSeq!;
      decisionTime = first.settledAt!;
    } else if (abortSeq !== undefined) {
      assertStrictEquals(settled.status, "rejected");
      assertStrictEquals(settled.reason, reason);
      decisionSeq = abortSeq;
      decisionTime = abortTime!;
    } else {
      // Every attempt failed: one error each, by position.
      assert(settled.status === "fulfilled" && !settled.result.ok);
      assertStrictEquals(settled.result.errors.length, outcomes.length);
      errors.forEach((error, i) => {
        assert(settled.result.errors[i] === error, `errors[${i}]`);
      });
      decisionSeq = Math.max(-1, ...tracks.map((t) => t.settleSeq!));
      decisionTime = Math.max(0, ...tracks.map((t) => t.settledAt!));
    }
    const winner = settled.status === "fulfilled" && settled.result.ok
      ? settled.result.index
      : undefined;
    if (settled.status === "fulfilled" && settled.result.ok) {
      // The errors of the attempts that failed before the win, by position.
      const expected: unknown[] = [];
      tracks.forEach((t, i) => {
        if (t.failedOwn && t.settleSeq! < decisionSeq) expected[i] = errors[i];
      });
      assertEquals(settled.result.errors, expected);
      settled.result.errors.forEach((error, i) => assert(error === errors[i]));
    }

    // Start order is list order; nothing starts after the decision.
    const started = tracks.filter((t) => t.startAt !== undefined).length;
    tracks.forEach((t, i) => {
      assertStrictEquals(t.startAt !== undefined, i < started, `start of ${i}`);
      if (i > 0 && i < started) {
        assert(t.startSeq! > tracks[i - 1]!.startSeq!);
      }
      if (t.startSeq !== undefined) assert(t.startSeq < decisionSeq);
    });
    // Each start is at the previous start + delay, or at once when the
    // previous attempt failed sooner; a missing start was not yet due.
    for (let i = 1; i < outcomes.length && i <= started; i++) {
      const previous = tracks[i - 1]!;
      const due = Math.min(
        previous.startAt! + delay,
        previous.failedOwn ? previous.settledAt! : Infinity,
      );
      if (i < started) {
        assertStrictEquals(tracks[i]!.startAt, due, `start of ${i}`);
      } else assert(decisionTime <= due, `attempt ${i} never started`);
    }

    // Every started attempt settled before the race did; every started
    // non-winner failed on its own or was aborted.
    tracks.forEach((t, i) => {
      if (t.startAt === undefined) return;
      assert(t.settleSeq !== undefined && t.settleSeq < settleSeq!);
      if (i === winner) assert(!t.signal!.aborted, "winner aborted");
      else assert(t.failedOwn || t.signal!.aborted, `${i} not stopped`);
    });

    // Every value but the winner's is disposed of exactly once.
    const expectedDisposed = successes
      .filter((t) => t.index !== winner)
      .map((t): [unknown, number] => [values[t.index], t.index]);
    assertEquals(
      [...disposed].sort((a, b) => a[1] - b[1]),
      expectedDisposed.sort((a, b) => a[1] - b[1]),
    );
    disposed.forEach(([value, index]) => assert(value === values[index]));

    // No timer left behind, not even one that would do nothing.
    assertStrictEquals(seen.timersThen, 0);
    assertStrictEquals(clock.countTimers(), 0);
  });
}

Deno.test("staggeredRace() properties: settles once, leaks nothing, starts on time", async () => {
  await fc.assert(fc.asyncProperty(raceArbitrary, checkRace), {
    numRuns: 1_000,
  });
});

Deno.test("staggeredRace() properties: races with every attempt failing", async () => {
  const failing: fc.Arbitrary<Outcome> = fc.oneof(
    fc.record({
      kind: fc.constant("failure" as const),
      after: fc.integer({ min: 0, max: 400 }),
    }),
    fc.constant({ kind: "throw" as const }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        outcomes: fc.array(failing, { minLength: 1, maxLength: 10 }),
        delay: delayArbitrary,
        abortAt: fc.constant(undefined),
      }),
      checkRace,
    ),
    { numRuns: 300 },
  );
});

// ---------------------------------------------------------------------------
// staggeredRace: attempts from an async iterable (RFC 8305 §3: attempts that
// arrive late), on fake timers: every time below is exact.
// ---------------------------------------------------------------------------

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
  () =>
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
  () =>
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
  () =>
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
  () =>
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
  () =>
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
  () =>
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
  () =>
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
