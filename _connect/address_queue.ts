// Copyright 2026 the happy-eyeballs authors. MIT license.
// The addresses not yet attempted, for a race whose DNS answers come in more
// than one batch (RFC 8305 §3): answers that come late are folded into the
// attempts not yet started, families alternating (§4), and the race pulls the
// next address only when an attempt is due.
import { interleave } from "../happy_eyeballs.ts";
import { closeBatches } from "./answers.ts";

/**
 * An async iterator of addresses to attempt, fed with batches of addresses as
 * they are resolved. `next()` waits while no address is pending and more may
 * come; it is done once `close()` was called and nothing is pending.
 */
export class AddressQueue implements AsyncIterableIterator<string> {
  #pending: string[];
  #seen: Set<string>;
  #familyOf: (address: string) => number;
  #firstFamilyCount: number;
  #lastFamily: number | undefined;
  #closed = false;
  #waiting: ((result: IteratorResult<string>) => void) | undefined;
  /** Told once when an address is wanted, none is pending, more may come. */
  onStarved: (() => void) | undefined;

  /**
   * @param ordered The first addresses, already in attempt order.
   * @param familyOf The family of an address.
   * @param firstFamilyCount `connect()`'s `interleave`: `0` appends late
   * addresses in the resolver's order instead of alternating families.
   */
  constructor(
    ordered: readonly string[],
    familyOf: (address: string) => number,
    firstFamilyCount: number,
  ) {
    this.#pending = [...ordered];
    this.#seen = new Set(ordered);
    this.#familyOf = familyOf;
    this.#firstFamilyCount = firstFamilyCount;
  }

  /**
   * Folds addresses into those not yet attempted: the families alternate
   * again, starting with the family other than that of the latest attempt.
   * Returns the addresses that were new, in the order given.
   */
  add(addresses: readonly string[]): string[] {
    if (this.#closed) return [];
    const fresh = addresses.filter((address) => !this.#seen.has(address));
    if (fresh.length === 0) return fresh;
    for (const address of fresh) this.#seen.add(address);
    const all = [...this.#pending, ...fresh];
    if (this.#firstFamilyCount === 0) {
      this.#pending = all;
    } else {
      const familyOf = this.#familyOf;
      const last = this.#lastFamily;
      this.#pending = interleave([
        ...all.filter((address) => familyOf(address) !== last),
        ...all.filter((address) => familyOf(address) === last),
      ], familyOf);
    }
    this.#wake();
    return fresh;
  }

  /**
   * Folds the later batches of a resolver in, until they end, fail (late
   * answers are a bonus: the race goes on with what it has) or `signal`
   * aborts; then closes the queue, and tells `more` that no more are wanted.
   *
   * @param more The batches still to come.
   * @param check The addresses of a batch that can be attempted.
   * @param onFresh Told the new addresses of each batch that brings some.
   * @param signal Stops folding.
   */
  async fold(
    more: AsyncIterator<readonly string[]>,
    check: (batch: unknown) => string[],
    onFresh: (fresh: string[]) => void,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      for (
        let next = await more.next();
        !next.done && !signal.aborted;
        next = await more.next()
      ) {
        const fresh = this.add(check(next.value));
        if (fresh.length > 0) onFresh(fresh);
      }
    } catch {
      // Late answers are a bonus: the race goes on with what it has.
    } finally {
      this.close();
      // No more are wanted.
      closeBatches(more);
    }
  }

  /**
   * The addresses as an async iterable of `f(address)`: `f` is called only
   * when the consumer asks for the next one (when an attempt is due).
   */
  map<T>(f: (address: string) => T): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<T>> => {
          const next = await this.next();
          return next.done ? next : { done: false, value: f(next.value) };
        },
        return: () => this.return(),
      }),
    };
  }

  /** No more addresses will come. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  /** The next address to attempt, as soon as there is one. */
  next(): Promise<IteratorResult<string>> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#wake();
    });
  }

  /** Stops: nothing more is handed out. */
  return(): Promise<IteratorReturnResult<undefined>> {
    this.#pending = [];
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    return this;
  }

  #wake(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    const address = this.#pending.shift();
    if (address !== undefined) {
      this.#waiting = undefined;
      this.#lastFamily = this.#familyOf(address);
      waiting({ done: false, value: address });
    } else if (this.#closed) {
      this.#waiting = undefined;
      waiting({ done: true, value: undefined });
    } else if (this.onStarved) {
      const onStarved = this.onStarved;
      this.onStarved = undefined;
      onStarved();
    }
  }
}
