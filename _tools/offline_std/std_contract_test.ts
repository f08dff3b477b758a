// Copyright 2026 the happy-eyeballs authors. MIT license.
// The behaviour of @std/assert and @std/async that this project relies on.
// These tests import the bare names, so they run against whichever packages
// the run uses: the stand-ins offline, the real packages where JSR is
// reachable. Passing in both modes is what keeps the stand-ins honest.
import {
  assert,
  assertArrayIncludes,
  assertEquals,
  assertExists,
  assertFalse,
  assertGreater,
  assertGreaterOrEqual,
  assertInstanceOf,
  AssertionError,
  assertLess,
  assertLessOrEqual,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
  fail,
  unreachable,
} from "@std/assert";
import { abortable, deadline, delay } from "@std/async";
import { abortable as abortableSub } from "@std/async/abortable";
import { deadline as deadlineSub } from "@std/async/deadline";
import { delay as delaySub } from "@std/async/delay";

Deno.test("@std/async re-exports its subpath modules", () => {
  assertStrictEquals(abortable, abortableSub);
  assertStrictEquals(deadline, deadlineSub);
  assertStrictEquals(delay, delaySub);
});

Deno.test("assert*() pass on what holds and throw AssertionError otherwise", () => {
  assert(1);
  assertFalse(0);
  assertEquals({ a: [1, new Map([[2, 3]])] }, { a: [1, new Map([[2, 3]])] });
  assertNotEquals({ a: 1 }, { a: 2 });
  assertStrictEquals(NaN, NaN);
  assertExists(0);
  assertInstanceOf(new RangeError(), Error);
  assertMatch("::1", /^::/);
  assertStringIncludes("Cannot connect", "connect");
  assertArrayIncludes([{ port: 1 }, { port: 2 }], [{ port: 2 }]);
  assertLess(1, 2);
  assertLessOrEqual(2, 2);
  assertGreater(2, 1);
  assertGreaterOrEqual(2, 2);

  const failures: (() => void)[] = [
    () => assert(0),
    () => assertFalse(1),
    () => assertEquals({ a: 1 }, { a: 2 }),
    () => assertEquals({ a: undefined }, {}),
    () => assertNotEquals([1], [1]),
    () => assertStrictEquals({}, {}),
    () => assertStrictEquals(0, -0),
    () => assertExists(null),
    () => assertInstanceOf(new Error(), RangeError),
    () => assertMatch("127.0.0.1", /^::/),
    () => assertStringIncludes("a", "b"),
    () => assertArrayIncludes([{ port: 1 }], [{ port: 2 }]),
    () => assertLess(2, 2),
    () => assertLessOrEqual(3, 2),
    () => assertGreater(2, 2),
    () => assertGreaterOrEqual(1, 2),
    () => fail(),
    () => unreachable(),
  ];
  for (const failure of failures) {
    assertThrows(failure, AssertionError);
  }
});

Deno.test("assertEquals() names the message it was given", () => {
  const error = assertThrows(
    () => assertEquals(1, 2, "ports differ"),
    AssertionError,
  );
  assertStringIncludes(error.message, "ports differ");
  assertEquals(error.name, "AssertionError");
});

Deno.test("assertThrows() returns what was thrown and checks class and message", () => {
  const thrown = new RangeError("out of range");
  assertStrictEquals(
    assertThrows(() => {
      throw thrown;
    }),
    thrown,
  );
  assertStrictEquals(
    assertThrows(
      () => {
        throw thrown;
      },
      RangeError,
      "of range",
    ),
    thrown,
  );
  assertThrows(
    () =>
      assertThrows(() => {
        throw thrown;
      }, TypeError),
    AssertionError,
  );
  assertThrows(
    () =>
      assertThrows(
        () => {
          throw thrown;
        },
        RangeError,
        "elsewhere",
      ),
    AssertionError,
  );
  assertThrows(() => assertThrows(() => {}), AssertionError);
});

Deno.test("assertRejects() resolves to the error and checks class and message", async () => {
  const rejected = new TypeError("bad port");
  assertStrictEquals(
    await assertRejects(() => Promise.reject(rejected)),
    rejected,
  );
  const error: TypeError = await assertRejects(
    () => Promise.reject(rejected),
    TypeError,
    "port",
  );
  assertStrictEquals(error, rejected);
  // A non-Error reason is fine without a class.
  assertEquals(await assertRejects(() => Promise.reject("reason")), "reason");
  await assertRejects(
    () => assertRejects(() => Promise.reject(rejected), RangeError),
    AssertionError,
  );
  await assertRejects(
    () => assertRejects(() => Promise.reject(rejected), TypeError, "host"),
    AssertionError,
  );
  await assertRejects(
    () => assertRejects(() => Promise.resolve()),
    AssertionError,
    "Expected function to reject",
  );
});

Deno.test("delay() resolves after the time, or rejects with signal.reason", async () => {
  const start = performance.now();
  await delay(20);
  assertGreaterOrEqual(performance.now() - start, 19);

  const reason = new Error("stop");
  const controller = new AbortController();
  const delayed = delay(10_000, { signal: controller.signal });
  controller.abort(reason);
  assertStrictEquals(await assertRejects(() => delayed), reason);
  // Already aborted: rejects at once, with the same reason.
  assertStrictEquals(
    await assertRejects(() => delay(10_000, { signal: controller.signal })),
    reason,
  );

  const plain = new AbortController();
  plain.abort();
  const error = await assertRejects(
    () => delay(10_000, { signal: plain.signal }),
    DOMException,
  );
  assertEquals(error.name, "AbortError");
});

Deno.test("deadline() rejects with a TimeoutError DOMException, or signal.reason", async () => {
  assertEquals(await deadline(Promise.resolve("fast"), 10_000), "fast");

  const slow = new AbortController();
  const error = await assertRejects(
    () => deadline(delay(10_000, { signal: slow.signal }), 10),
    DOMException,
  );
  assertEquals(error.name, "TimeoutError");
  slow.abort();

  const reason = new Error("stop");
  const controller = new AbortController();
  const late = new AbortController();
  const raced = deadline(delay(10_000, { signal: late.signal }), 10_000, {
    signal: controller.signal,
  });
  controller.abort(reason);
  assertStrictEquals(await assertRejects(() => raced), reason);
  late.abort();

  assertThrows(() => deadline(Promise.resolve(), NaN), TypeError);
});

Deno.test("abortable() rejects with signal.reason, for promises and iterables", async () => {
  const controller = new AbortController();
  assertEquals(await abortable(Promise.resolve(1), controller.signal), 1);

  const reason = new Error("stop");
  const never = new Promise<never>(() => {});
  const pending = abortable(never, controller.signal);
  controller.abort(reason);
  assertStrictEquals(await assertRejects(() => pending), reason);

  const values: number[] = [];
  const stopper = new AbortController();
  async function* numbers() {
    yield 1;
    stopper.abort(reason);
    yield 2;
  }
  const caught = await assertRejects(async () => {
    for await (const n of abortable(numbers(), stopper.signal)) values.push(n);
  });
  assertStrictEquals(caught, reason);
  assertEquals(values, [1]);
});
