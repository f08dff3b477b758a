// Copyright 2026 the happy-eyeballs authors. MIT license.
// The race itself (Go's dialParallel): the attempts staggered by the delay,
// losers closed and told to `onEvent`, and the outcome: the winner, or the
// combined error of a race that every attempt lost.
import {
  type Attempt,
  staggeredRace,
  type StaggeredRaceOptions,
} from "../happy_eyeballs.ts";
import type { CallContext } from "./context.ts";

/** What the race needs of the attempts of the call. */
export interface RacedAttempts {
  /** The address of each attempt, by index, in the order they started. */
  readonly attempted: readonly Deno.NetAddr[];
  /** The error of a race that every attempt lost. */
  failure(): Error;
  /** Aborts with an error that ends the race at once (a certificate's). */
  readonly verdict?: AbortSignal | undefined;
}

/**
 * Races `each` attempt, one every `delay` ms or as soon as the latest one
 * fails, until one connects; closes the others (a runner-up included).
 *
 * @param each The attempts, in order; or, from a resolver that streams, as
 * they become due.
 * @param delay The attempt delay.
 * @param call The call: its signal, its callbacks, its events.
 * @param attempts The attempts of the call, for events and the error.
 * @returns The winner; rejects with the combined error when every attempt
 * failed, with what a callback threw, or with the caller's abort reason.
 */
export function raceAttempts<C extends Deno.Conn>(
  each: Attempt<C>[] | AsyncIterable<Attempt<C>>,
  delay: number,
  call: CallContext,
  attempts: RacedAttempts,
): Promise<C> {
  const { emit, callbacks, signal } = call;
  const options: StaggeredRaceOptions<C> = {
    delay,
    dispose(conn, index) {
      conn.close();
      emit?.({
        type: "attemptCancelled",
        index,
        address: attempts.attempted[index]!,
      });
    },
  };
  // Only the caller's signal, or a callback that throws, can abort the race
  // while it runs (the inner signal also aborts once it is over): without
  // either, no listener is added.
  if (callbacks) options.signal = call.inner;
  else if (signal) options.signal = signal;
  // A verdict on a certificate ends the race, with its error.
  const { verdict } = attempts;
  if (verdict) {
    options.signal = options.signal
      ? AbortSignal.any([options.signal, verdict])
      : verdict;
  }
  // Not awaited by the caller, so that no function waits in memory with
  // every race in flight: the promise takes the race's outcome.
  return staggeredRace<C>(each, options).then((result) => {
    call.settle();
    if (result.ok) {
      // onEvent threw, or aborted the signal, once the race was decided.
      if (callbacks?.failed || signal?.aborted) {
        result.value.close();
        throw callbacks?.failed ? callbacks.error : signal!.reason;
      }
      return result.value;
    }
    call.throwIfFailed();
    throw attempts.failure();
  }, (error) => {
    call.settle();
    throw error;
  });
}
