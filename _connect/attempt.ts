// Copyright 2026 the happy-eyeballs authors. MIT license.
// The attempts of one race, as connect() reports them: each one told to
// `onEvent` as it starts and ends, the winner recorded in the history, the
// failures kept by attempt (over both races when remembered addresses were
// tried first), and the one error of a race that every attempt lost.
import { combineAttemptErrors } from "../errors.ts";
import type { AttemptFailure } from "../types.ts";
import type { Checked } from "./options.ts";
import type { CallbackFailure } from "./callback_failure.ts";
import { dial, type Dialing, type LocalAddresses } from "./dial.ts";
import type { Emit } from "./emit.ts";
import { permissionError } from "./permission.ts";
import type { Remembered } from "./remembered.ts";

/**
 * The error of a race whose attempts all failed: one NotCapable naming what
 * to grant when all lacked permission (without `allErrors`), else the
 * attempts' errors combined.
 */
export function raceError(
  destination: string,
  failed: readonly AttemptFailure[],
  checked: Checked,
): Error {
  const { allErrors } = checked;
  return (!allErrors && permissionError(destination, failed, checked)) ||
    combineAttemptErrors(destination, failed, { allErrors });
}

/** The attempts of one race to `destination`. */
export class Attempts {
  /** The address of each attempt, by index, in the order they started. */
  readonly attempted: Deno.NetAddr[];
  /** The local addresses to bind, once resolved. */
  from: LocalAddresses | undefined;
  #failures: AttemptFailure[];
  #winner: number | undefined;
  #checked: Checked;
  #destination: string;
  #emit: Emit | undefined;
  #callbacks: CallbackFailure | undefined;
  #remembered: Remembered;
  #dialing: Dialing;

  constructor(
    checked: Checked,
    destination: string,
    emit: Emit | undefined,
    callbacks: CallbackFailure | undefined,
    remembered: Remembered,
  ) {
    this.#checked = checked;
    this.#destination = destination;
    this.#emit = emit;
    this.#callbacks = callbacks;
    this.#remembered = remembered;
    this.attempted = remembered.attempted ?? [];
    this.#failures = remembered.failures ?? [];
    this.#dialing = {
      hook: checked.dial,
      attemptTimeout: checked.attemptTimeout,
    };
  }

  /** An attempt to connect to `address`, reporting it with events. */
  to(
    address: Deno.NetAddr,
  ): (attemptSignal?: AbortSignal) => Promise<Deno.TcpConn> {
    return async (attemptSignal) => {
      const emit = this.#emit;
      const callbacks = this.#callbacks;
      const { history } = this.#checked;
      const index = this.attempted.push(address) - 1;
      emit?.({ type: "attemptStarted", index, address });
      callbacks?.throwIfFailed();
      const begun = history ? performance.now() : 0;
      let conn: Deno.TcpConn;
      try {
        conn = await dial(address, this.from, attemptSignal, this.#dialing);
      } catch (error) {
        if (attemptSignal?.aborted) {
          emit?.({ type: "attemptCancelled", index, address });
        } else {
          this.#failures[index] = { address, error };
          emit?.({ type: "attemptFailed", index, address, error });
        }
        throw error;
      }
      // The race settles on the first attempt to get here; a later one is
      // a runner-up, closed by the race's `dispose`.
      if (this.#winner === undefined) {
        this.#winner = index;
        if (history) {
          const connectTime = performance.now() - begun;
          callbacks!.call(() =>
            history.record(this.#destination, address.hostname, connectTime)
          );
        }
        emit?.({ type: "attemptWon", index, address });
        // The history or onEvent threw, or onEvent aborted the signal: this
        // connection is not the result any more.
        if (callbacks?.failed || attemptSignal?.aborted) {
          conn.close();
          emit?.({ type: "attemptCancelled", index, address });
          throw callbacks?.failed ? callbacks.error : attemptSignal!.reason;
        }
      }
      return conn;
    };
  }

  /** A single address: no race, nor an abort signal of its own. */
  only(address: Deno.NetAddr): Promise<Deno.TcpConn> {
    const { signal } = this.#checked;
    return this.to(address)(signal).then(undefined, () => {
      this.#callbacks?.throwIfFailed();
      if (signal?.aborted) throw signal.reason;
      throw this.failure();
    });
  }

  /** The error of a race that every attempt lost. */
  failure(): Error {
    // Indexed by attempt: drop the holes of cancelled attempts.
    const error = raceError(
      this.#destination,
      this.#failures.filter(Boolean),
      this.#checked,
    );
    // Only this error calls for a look-up after remembered addresses.
    this.#remembered.lost = error;
    return error;
  }
}
