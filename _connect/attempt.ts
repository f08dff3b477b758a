// Copyright 2026 the happy-eyeballs authors. MIT license.
// The attempts of one race, as connect() reports them: each one told to
// `onEvent` as it starts and ends, the winner recorded in the history, the
// failures kept by attempt (over both races when remembered addresses were
// tried first), and the one error of a race that every attempt lost. With
// the handshake in the race, an attempt is "dial, then the TLS handshake",
// and a verdict on a certificate ends the whole call.
import type { AttemptFailure } from "../types.ts";
import type { LocalAddresses } from "../_common/ip.ts";
import type { Checked } from "./options.ts";
import type { CallContext } from "./context.ts";
import { dial, type Dialing } from "./dial.ts";
import { raceError } from "./failure.ts";
import { handshake } from "../_tls/handshake.ts";
import { isCertificateVerdict } from "../_tls/verdict.ts";

/** What an attempt returns: TCP, or TLS with the handshake in the race. */
export type Connection = Deno.TcpConn | Deno.TlsConn;

/**
 * The attempts of one call to `destination`: over both races when
 * remembered addresses were tried first.
 */
export class Attempts {
  /** The address of each attempt, by index, in the order they started. */
  readonly attempted: Deno.NetAddr[];
  /** The local addresses to bind, once resolved. */
  from: LocalAddresses | undefined;
  #failures: AttemptFailure[];
  #winner: number | undefined;
  /**
   * The error {@linkcode failure} made: that of a race that every attempt
   * lost (not an abort, nor an error of the caller's code or of the
   * history), the only one that calls for a look-up after remembered
   * addresses.
   */
  lost: unknown;
  #checked: Checked;
  /** The host and port, as the caller named them. */
  readonly destination: string;
  #call: CallContext;
  #dialing: Dialing;
  /** The TLS options, when each attempt runs its own handshake. */
  #tls: NonNullable<Checked["tls"]> | undefined;
  #verdict: AbortController | undefined;
  /**
   * With the handshake in the race: aborts with a verdict on a certificate,
   * which ends the whole call (every address serves the same identity).
   */
  readonly verdict: AbortSignal | undefined;

  /** The attempts of the call with `checked` options and context `call`. */
  constructor(checked: Checked, call: CallContext, destination: string) {
    this.#checked = checked;
    this.destination = destination;
    this.#call = call;
    this.attempted = [];
    this.#failures = [];
    this.#dialing = {
      hook: checked.dial,
      attemptTimeout: checked.attemptTimeout,
    };
    // Through a proxy, the race is to the proxy: TLS runs once the tunnel is up.
    if (checked.tls?.raceHandshake && !checked.conn && !checked.proxy) {
      this.#tls = checked.tls;
      this.#verdict = new AbortController();
      this.verdict = this.#verdict.signal;
    }
  }

  /** An attempt to connect to `address`, reporting it with events. */
  to(
    address: Deno.NetAddr,
  ): (attemptSignal?: AbortSignal) => Promise<Connection> {
    return async (attemptSignal) => {
      const { emit, callbacks } = this.#call;
      const { history } = this.#checked;
      const index = this.attempted.push(address) - 1;
      emit?.({ type: "attemptStarted", index, address });
      callbacks?.throwIfFailed();
      const begun = history ? performance.now() : 0;
      let conn: Connection;
      let connectTime = 0;
      try {
        conn = await dial(address, this.from, attemptSignal, this.#dialing);
        if (this.#tls) {
          connectTime = performance.now() - begun;
          emit?.({ type: "attemptConnected", index, address });
          // Through node:tls, whose socket a loser closes at once.
          conn = await handshake(
            conn,
            this.#tls,
            attemptSignal,
            (event) => emit?.({ ...event, address, index }),
            callbacks,
            true,
          );
        }
      } catch (error) {
        if (attemptSignal?.aborted) {
          emit?.({ type: "attemptCancelled", index, address });
        } else {
          this.#failures[index] = { address, error };
          emit?.({ type: "attemptFailed", index, address, error });
          // The host's answer, not the path's: the call ends with it.
          if (this.#tls && isCertificateVerdict(error)) {
            this.#verdict!.abort(error);
          }
        }
        throw error;
      }
      // The race settles on the first attempt to get here; a later one is
      // a runner-up, closed by the race's `dispose`.
      if (this.#winner === undefined) {
        this.#winner = index;
        if (history) {
          connectTime ||= performance.now() - begun;
          const record = () =>
            history.record(this.destination, address.hostname, connectTime);
          // No callbacks: the process-wide history, which throws nothing.
          if (callbacks) callbacks.call(record);
          else record();
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
  only(address: Deno.NetAddr): Promise<Connection> {
    const { signal } = this.#checked;
    return this.to(address)(signal).then(undefined, () => {
      this.#call.throwIfFailed();
      if (signal?.aborted) throw signal.reason;
      // A verdict on a certificate is the host's answer: as it is.
      if (this.verdict?.aborted) throw this.verdict.reason;
      throw this.failure();
    });
  }

  /** The error of a race that every attempt lost. */
  failure(): Error {
    // Indexed by attempt: drop the holes of cancelled attempts.
    const error = raceError(
      this.destination,
      this.#failures.filter(Boolean),
      this.#checked,
    );
    // Only this error calls for a look-up after remembered addresses.
    this.lost = error;
    return error;
  }
}
