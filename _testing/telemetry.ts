// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * OpenTelemetry for the unit tests: @opentelemetry/sdk-trace-base's tracer
 * with a span processor that keeps what ends (its InMemorySpanExporter
 * answers on a timer, which the sanitizers see), a meter that records
 * every measurement, and a context manager on `AsyncLocalStorage` (as Deno's
 * telemetry has one); all registered for one test, then removed.
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  type ContextManager,
  type MeterProvider,
  metrics,
  ROOT_CONTEXT,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { loadTelemetry } from "../_common/telemetry.ts";

/** What the meter was told: instrument name, value, attributes. */
export type Recorded = [string, number, Attributes | undefined];

/** A meter provider that records every measurement. */
function recordingMeterProvider(recorded: Recorded[]): MeterProvider {
  const instrument = (name: string) => {
    const measure = (value: number, attributes?: Attributes) =>
      void recorded.push([name, value, attributes]);
    return { add: measure, record: measure };
  };
  return {
    getMeter: () => ({
      createHistogram: instrument,
      createCounter: instrument,
    }),
  } as unknown as MeterProvider;
}

/** The active context through `await`s, as `AsyncLocalStorage` keeps it. */
function asyncContextManager(): ContextManager {
  const storage = new AsyncLocalStorage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (active, fn, thisArg, ...args) =>
      storage.run(active, () => fn.call(thisArg, ...args)),
    bind: <T>(_: Context, target: T) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

/** Registers an in-memory tracer and a recording meter for `fn`. */
export async function withTelemetry(
  fn: (spans: () => ReadableSpan[], recorded: Recorded[]) => Promise<void>,
): Promise<void> {
  const ended: ReadableSpan[] = [];
  const keeper: SpanProcessor = {
    onStart: () => {},
    onEnd: (span) => void ended.push(span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const provider = new BasicTracerProvider({ spanProcessors: [keeper] });
  const recorded: Recorded[] = [];
  trace.setGlobalTracerProvider(provider);
  metrics.setGlobalMeterProvider(recordingMeterProvider(recorded));
  context.setGlobalContextManager(asyncContextManager());
  try {
    await loadTelemetry();
    await fn(() => ended, recorded);
  } finally {
    trace.disable();
    metrics.disable();
    context.disable();
    await provider.shutdown();
  }
}

/** The spans named `name`. */
export function byName(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

/** The id of the parent of `span`, if it has one. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
