// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * The two algorithms of Happy Eyeballs v2 (RFC 8305) that do not depend on
 * sockets: ordering resolved addresses by interleaving their families
 * ({@linkcode interleave}, RFC 8305 §4) and racing staggered attempts
 * ({@linkcode staggeredRace}, RFC 8305 §5).
 *
 * Both are generic so that they can be tested with fake attempts and fake
 * timers, and reused for anything that races (HTTP/3 vs HTTP/2, mirrors...).
 *
 * @example Race two fake attempts
 * ```ts
 * import { staggeredRace } from "@happy-eyeballs/connect/happy-eyeballs";
 * import { assertEquals } from "@std/assert";
 *
 * const result = await staggeredRace([
 *   () => Promise.reject(new Error("refused")),
 *   () => Promise.resolve("second"),
 * ], { delay: 250 });
 * assertEquals(result.ok && result.value, "second");
 * ```
 *
 * @module
 */
import { isAsyncIterable } from "./_common/async_iterable.ts";
import { show } from "./_common/show.ts";
import { MAX_TIMEOUT } from "./_common/timer.ts";

/** Options for {@linkcode interleave}. */
export interface InterleaveOptions {
  /**
   * The "First Address Family Count" of RFC 8305 §4: how many items of the
   * first family come before the families alternate. `0` keeps the order of
   * `items`.
   *
   * @default {1}
   */
  firstFamilyCount?: number;
}

/**
 * Orders items so that address families alternate, as RFC 8305 §4 asks.
 *
 * Items are grouped by family in the order in which each family first appears.
 * The first `firstFamilyCount - 1` items of the first family come first; then
 * the families take turns, one item each, until all are used. The order within
 * a family never changes. A `firstFamilyCount` of `0` returns a copy of the
 * input unchanged (the resolver's order). This is asyncio's
 * `_interleave_addrinfos`.
 *
 * @typeParam T The type of the items, usually resolved addresses.
 * @param items The items in the resolver's order.
 * @param familyOf Returns the family of an item (any value that can be
 * compared with `===`, such as `4` or `6`).
 * @param options The "First Address Family Count".
 * @returns A new array with the same items, interleaved.
 * @throws {RangeError} If `firstFamilyCount` is not a non-negative integer.
 *
 * @example Alternate IPv6 and IPv4
 * ```ts
 * import { interleave } from "@happy-eyeballs/connect/happy-eyeballs";
 * import { assertEquals } from "@std/assert";
 *
 * const addresses = ["::1", "::2", "127.0.0.1", "127.0.0.2"];
 * const familyOf = (a: string) => (a.includes(":") ? 6 : 4);
 * assertEquals(interleave(addresses, familyOf), [
 *   "::1",
 *   "127.0.0.1",
 *   "::2",
 *   "127.0.0.2",
 * ]);
 * assertEquals(interleave(addresses, familyOf, { firstFamilyCount: 2 }), [
 *   "::1",
 *   "::2",
 *   "127.0.0.1",
 *   "127.0.0.2",
 * ]);
 * ```
 */
export function interleave<T>(
  items: readonly T[],
  familyOf: (item: T) => unknown,
  options: InterleaveOptions = {},
): T[] {
  const { firstFamilyCount = 1 } = options;
  if (!Number.isInteger(firstFamilyCount) || firstFamilyCount < 0) {
    throw new RangeError(
      `Cannot interleave addresses as 'firstFamilyCount' must be a non-negative integer: current value is ${
        show(firstFamilyCount)
      }`,
    );
  }
  if (firstFamilyCount === 0) return [...items];
  // A Map keeps the families in the order of their first appearance.
  const byFamily = new Map<unknown, T[]>();
  for (const item of items) {
    const family = familyOf(item);
    const list = byFamily.get(family);
    if (list) list.push(item);
    else byFamily.set(family, [item]);
  }
  const queues = [...byFamily.values()];
  const result: T[] = queues.length > 0
    ? queues[0]!.splice(0, firstFamilyCount - 1)
    : [];
  for (let round = 0; result.length < items.length; round++) {
    for (const queue of queues) {
      if (round < queue.length) result.push(queue[round]!);
    }
  }
  return result;
}

/**
 * One attempt of a {@linkcode staggeredRace}: starts the work and settles
 * with its result. It must settle soon after `signal` aborts, and must close
 * whatever it opened when it gives up. Once the race is decided (or its own
 * signal aborts), `signal` aborts with an `AbortError` `DOMException`.
 *
 * @typeParam T The value an attempt produces, such as a connection.
 */
export type Attempt<T> = (signal: AbortSignal) => Promise<T>;

/** Options for {@linkcode staggeredRace}. */
export interface StaggeredRaceOptions<T> {
  /**
   * Milliseconds between the start of one attempt and the start of the next
   * (RFC 8305 "Connection Attempt Delay"). The next attempt starts earlier
   * when the most recently started one fails. `0` starts every attempt at
   * once; `Infinity` runs the attempts strictly one after another.
   *
   * @default {250}
   */
  delay?: number;
  /**
   * Aborting it aborts every attempt; the race then rejects with
   * `signal.reason`.
   */
  signal?: AbortSignal | undefined;
  /**
   * Called with the value of each attempt that succeeded but did not win (a
   * tie, or a success that came after the race was settled). Use it to close
   * the extra connection. An error it throws is reported with
   * `reportError()` and does not disturb the race.
   *
   * @default {() => {}}
   */
  dispose?: (value: T, index: number) => void;
}

/**
 * The result of a {@linkcode staggeredRace}: either the winner, or the reason
 * why every attempt failed.
 *
 * @typeParam T The value an attempt produces.
 */
export type StaggeredRaceResult<T> =
  | {
    /** An attempt succeeded. */
    ok: true;
    /** What the winning attempt produced. */
    value: T;
    /** The position of the winning attempt in the list. */
    index: number;
    /** The errors of the attempts that failed before the win, by position. */
    errors: unknown[];
  }
  | {
    /** Every attempt failed (or there was none). */
    ok: false;
    /** The error of each attempt, by position. */
    errors: unknown[];
  };

/**
 * The reason every attempt still running is aborted with once the race is
 * decided: one error made once (`abort()` without a reason builds a new one,
 * stack included, for every loser).
 */
const DECIDED = new DOMException("The race was decided", "AbortError");

/**
 * Runs attempts with staggered starts and settles with the first success
 * (RFC 8305 §5, asyncio's `staggered_race`).
 *
 * The first attempt starts at once. Each next one starts when `delay`
 * milliseconds have passed since the previous start, or as soon as the most
 * recently started attempt fails, whichever comes first. When one succeeds,
 * every other attempt is aborted, and the race settles only after all of them
 * have settled, so that nothing it started is left running; a loser that
 * succeeds anyway is handed to `dispose`.
 *
 * `attempts` may also be an async iterable, for attempts that are not all
 * known when the race starts (RFC 8305 §3: DNS answers that come late). The
 * race asks it for the next attempt only when that attempt is due, so the
 * iterable decides as late as possible which one comes next; when it has none
 * ready yet, the attempt starts as soon as it yields one. The race fails once
 * the iterable is done and every attempt it yielded has failed. When the race
 * is decided, the iterable is told with `return()`, and whatever it yields
 * after that is never started.
 *
 * @typeParam T The value an attempt produces.
 * @param attempts The attempts, in the order in which to start them: an array,
 * or an async iterable that yields each attempt when the race asks for it.
 * @param options Options for the race.
 * @returns The winner, or the error of every attempt when all failed.
 * @throws {RangeError} If `delay` is negative or NaN.
 * @throws {unknown} `signal.reason` when `signal` aborts.
 * @throws {unknown} The error of `attempts`, when it is an async iterable that
 * throws (after every started attempt has been aborted and has settled).
 *
 * @example Stagger two attempts
 * ```ts
 * import { staggeredRace } from "@happy-eyeballs/connect/happy-eyeballs";
 * import { assertEquals } from "@std/assert";
 * import { delay } from "@std/async/delay";
 *
 * const result = await staggeredRace([
 *   (signal) => delay(10_000, { signal }).then(() => "slow"),
 *   () => Promise.resolve("fast"),
 * ], { delay: 10 });
 * assertEquals(result.ok && result.index, 1);
 * ```
 *
 * @example Race attempts that arrive late
 * ```ts
 * import { type Attempt, staggeredRace } from "@happy-eyeballs/connect/happy-eyeballs";
 * import { assertEquals } from "@std/assert";
 * import { delay } from "@std/async/delay";
 *
 * async function* attempts(): AsyncGenerator<Attempt<string>> {
 *   yield () => Promise.reject(new Error("refused"));
 *   await delay(10); // Waiting for more addresses.
 *   yield () => Promise.resolve("late");
 * }
 * const result = await staggeredRace(attempts(), { delay: 250 });
 * assertEquals(result.ok && result.value, "late");
 * ```
 */
export function staggeredRace<T>(
  attempts: readonly Attempt<T>[] | AsyncIterable<Attempt<T>>,
  options: StaggeredRaceOptions<T> = {},
): Promise<StaggeredRaceResult<T>> {
  const { delay = 250, signal, dispose } = options;
  if (typeof delay !== "number" || Number.isNaN(delay) || delay < 0) {
    throw new RangeError(
      `Cannot race attempts as 'delay' must be a non-negative number: current value is ${
        show(delay)
      }`,
    );
  }
  if (signal?.aborted) return Promise.reject(signal.reason);

  // An async iterable is asked for each attempt when it is due.
  const list = isAsyncIterable(attempts) ? undefined : attempts;
  const iterator = list ? undefined : (attempts as AsyncIterable<Attempt<T>>)
    [Symbol.asyncIterator]();

  return new Promise((resolve, reject) => {
    new Race(list, iterator, delay, signal, dispose, resolve, reject).begin();
  });
}

/** `race.startNext()`, as a timer's callback: no closure per timer. */
function startNextOf(race: { startNext(): void }): void {
  race.startNext();
}

/**
 * The state of one {@linkcode staggeredRace}. A class, not closures: its
 * methods are shared by every race, which matters with many in flight (the
 * race is on the path of every connection).
 */
class Race<T> {
  #errors: unknown[] = [];
  #controllers: AbortController[] = [];
  #started = 0;
  #running = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the race is decided; called when no attempt is running. */
  #settle: (() => void) | undefined;
  /** No attempt will be started any more. */
  #exhausted: boolean;
  /** The iterator is asked for the next attempt. */
  #pulling = false;
  #list: readonly Attempt<T>[] | undefined;
  #iterator: AsyncIterator<Attempt<T>> | undefined;
  #delay: number;
  #signal: AbortSignal | undefined;
  #dispose: ((value: T, index: number) => void) | undefined;
  #resolve: (result: StaggeredRaceResult<T>) => void;
  #reject: (reason: unknown) => void;

  constructor(
    list: readonly Attempt<T>[] | undefined,
    iterator: AsyncIterator<Attempt<T>> | undefined,
    delay: number,
    signal: AbortSignal | undefined,
    dispose: ((value: T, index: number) => void) | undefined,
    resolve: (result: StaggeredRaceResult<T>) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#list = list;
    this.#iterator = iterator;
    this.#delay = delay;
    this.#signal = signal;
    this.#dispose = dispose;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#exhausted = list?.length === 0;
  }

  begin(): void {
    // The race itself listens (`handleEvent`): no listener function.
    this.#signal?.addEventListener("abort", this, { once: true });
    if (this.#exhausted) {
      this.#finish(() => this.#resolve({ ok: false, errors: this.#errors }));
      this.#settleWhenIdle();
    } else {
      this.startNext();
    }
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.#finish(() => this.#reject(this.#signal!.reason));
    this.#settleWhenIdle();
  }

  #finish(onIdle: () => void, keep?: number): void {
    this.#settle = onIdle;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this);
    this.#controllers.forEach((controller, i) => {
      if (i !== keep) controller.abort(DECIDED);
    });
    if (this.#iterator && !this.#exhausted) {
      this.#exhausted = true;
      // Nothing it yields from now on is started.
      Promise.resolve(this.#iterator.return?.()).catch(() => {});
    }
  }

  #settleWhenIdle(): void {
    if (this.#settle && this.#running === 0) {
      this.#settle();
      this.#settle = () => {};
    }
  }

  #run(attempt: Attempt<T>, index: number, controller: AbortController): void {
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(attempt(controller.signal));
    } catch (error) {
      // A synchronous throw fails the attempt at once.
      this.#lost(error, index);
      return;
    }
    pending.then(
      (value) => this.#won(value, index),
      (error) => this.#lost(error, index),
    );
  }

  #won(value: T, index: number): void {
    this.#running--;
    if (this.#settle) {
      try {
        this.#dispose?.(value, index);
      } catch (error) {
        // A failing dispose must not leave the race unsettled, nor pass
        // unnoticed.
        reportError(error);
      }
    } else {
      this.#finish(
        () => this.#resolve({ ok: true, value, index, errors: this.#errors }),
        index,
      );
    }
    this.#settleWhenIdle();
  }

  #lost(error: unknown, index: number): void {
    this.#running--;
    if (!this.#settle) {
      this.#errors[index] = error;
      // RFC 8305 §5: a failure of the newest attempt starts the next now.
      if (index === this.#started - 1) this.startNext();
      if (this.#running === 0 && this.#exhausted && !this.#settle) {
        this.#finish(() => this.#resolve({ ok: false, errors: this.#errors }));
      }
    }
    this.#settleWhenIdle();
  }

  #start(attempt: Attempt<T>): void {
    const index = this.#started++;
    const controller = new AbortController();
    this.#controllers.push(controller);
    this.#running++;
    const list = this.#list;
    if (list && this.#started === list.length) this.#exhausted = true;
    const delay = this.#delay;
    if (!this.#exhausted && delay > 0 && delay <= MAX_TIMEOUT) {
      this.#timer = setTimeout(startNextOf, delay, this);
    }
    this.#run(attempt, index, controller);
  }

  startNext(): void {
    clearTimeout(this.#timer);
    const list = this.#list;
    if (list) {
      // With no delay, start them all now: a chain of zero-delay timers
      // would space them out by the timers' clamping (1 to 4 ms each).
      do {
        if (this.#settle || this.#exhausted) return;
        this.#start(list[this.#started]!);
      } while (this.#delay === 0);
      return;
    }
    if (this.#settle || this.#exhausted || this.#pulling) return;
    this.#pulling = true;
    const iterator = this.#iterator!;
    // A promise catches what next() throws as well as what it rejects with.
    new Promise<IteratorResult<Attempt<T>>>((pulled) => pulled(iterator.next()))
      .then((pulled) => {
        this.#pulling = false;
        if (this.#settle) return;
        if (!pulled.done) {
          this.#start(pulled.value);
          // With no delay, ask for the next one at once.
          if (this.#delay === 0) this.startNext();
          return;
        }
        this.#exhausted = true;
        if (this.#running === 0) {
          this.#finish(() =>
            this.#resolve({ ok: false, errors: this.#errors })
          );
        }
        this.#settleWhenIdle();
      }, (error) => {
        this.#pulling = false;
        if (this.#settle) return;
        this.#exhausted = true;
        this.#finish(() => this.#reject(error));
        this.#settleWhenIdle();
      });
  }
}
