// Copyright 2026 the happy-eyeballs authors. MIT license.
// One call of connect(), as every stage sees it: its events, the first error
// of the caller's code (onEvent, the history), and the one signal that stops
// what the call started. Made once per call, passed down instead of a tuple.
import { isDefaultHistory } from "./default_history.ts";
import type { ConnectEvent } from "../types.ts";
import { CallbackFailure } from "../_common/callback_failure.ts";
import { type Emit, emitter } from "./emit.ts";
import {
  type CallTelemetry,
  callTelemetry,
  type TracedCall,
} from "./telemetry.ts";

/**
 * The reason of every abort once `connect()` has settled: one error made once,
 * as `abort()` without a reason would build one, stack included, every time.
 */
const SETTLED = new DOMException("The connection was settled", "AbortError");

/** What a call's context is made from: its checked options. */
export interface CallOptions extends TracedCall {
  signal: AbortSignal | undefined;
  onEvent: ((event: ConnectEvent) => void) | undefined;
  history: unknown;
}

/** One call of `connect()`: its events, its callbacks' failure, its signal. */
export class CallContext {
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /**
   * The caller's code run by the call (onEvent, the history), when there is
   * any: the first error it throws stops the call.
   */
  readonly callbacks: CallbackFailure | undefined;
  /** Tells `onEvent` of an event, when there is a listener. */
  readonly emit: Emit | undefined;
  /** The call's spans and metrics, when a provider is registered. */
  readonly telemetry: CallTelemetry | undefined;
  #controller: AbortController | undefined;
  #inner: AbortSignal | undefined;

  /** The context of a call with these options. */
  constructor(options: CallOptions) {
    this.signal = options.signal;
    // The process-wide history is ours: nothing to guard against.
    this.callbacks =
      options.onEvent || options.history && !isDefaultHistory(options.history)
        ? new CallbackFailure()
        : undefined;
    this.telemetry = callTelemetry(options);
    this.emit = emitter(options.onEvent, this.callbacks, this.telemetry);
  }

  /**
   * `result`, and the call's spans ended when it settles (when traced).
   *
   * @param result The call's promise.
   * @returns A promise that settles as it does.
   */
  traced<T extends Deno.Conn>(result: Promise<T>): Promise<T> {
    return this.telemetry ? this.telemetry.settle(result) : result;
  }

  /**
   * The signal of everything the race started: it aborts with the caller's
   * signal, when a callback throws, and once the race has settled. Made when
   * first needed: a single address from the system resolver needs none.
   */
  get inner(): AbortSignal {
    if (this.#inner === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      this.#inner = this.signal
        ? AbortSignal.any([this.signal, controller.signal])
        : controller.signal;
      // A callback that throws stops what listens to it.
      this.callbacks?.abortOnFailure(controller);
    }
    return this.#inner;
  }

  /**
   * Stops what is left of one race (the resolver, its late batches, the
   * attempts); a later race of the call (on fresh addresses after
   * remembered ones) gets a signal of its own.
   */
  settle(): void {
    this.#controller?.abort(SETTLED);
    this.#controller = undefined;
    this.#inner = undefined;
  }

  /** Throws what a callback threw, if one did. */
  throwIfFailed(): void {
    this.callbacks?.throwIfFailed();
  }
}
