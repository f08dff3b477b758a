// Copyright 2026 the happy-eyeballs authors. MIT license.
// How connect() tells `onEvent` of each step: events stamped with the time
// elapsed since the call began, none built without a listener, none sent
// once the caller's code has failed; values it is told of are frozen.
import type { ConnectEvent } from "../types.ts";
import type { CallbackFailure } from "../_common/callback_failure.ts";

/** An event as made, before `elapsed` is stamped on it. */
export type WithoutElapsed<T> = T extends unknown ? Omit<T, "elapsed">
  : never;

/** Tells `onEvent` of an event, stamping `elapsed` on it. */
export type Emit = (event: WithoutElapsed<ConnectEvent>) => void;

/**
 * What tells `onEvent` (and the call's spans, when traced) of events, or
 * `undefined` without a listener: `emit?.(event)` then builds no event at
 * all. Once a callback has failed, it tells nothing more; what `onEvent`
 * throws (or its promise rejects with) is recorded in `callbacks`.
 */
export function emitter(
  onEvent: ((event: ConnectEvent) => unknown) | undefined,
  callbacks: CallbackFailure | undefined,
  telemetry?: { record(event: ConnectEvent): void } | undefined,
): Emit | undefined {
  const listens = onEvent && callbacks;
  if (!listens && !telemetry) return undefined;
  // Clock readings only for those who read them.
  const start = performance.now();
  return (made) => {
    if (callbacks?.failed) return;
    const event = { ...made, elapsed: performance.now() - start };
    // The spans first: they never throw, and they see what onEvent is told.
    telemetry?.record(event as ConnectEvent);
    if (listens) callbacks.call(() => onEvent(event as ConnectEvent));
  };
}

/**
 * `value`, frozen when `onEvent` is told of it (it must not change where to
 * connect); as it is otherwise.
 */
export function frozenFor<T>(emit: Emit | undefined, value: T): T {
  return emit ? Object.freeze(value) : value;
}
