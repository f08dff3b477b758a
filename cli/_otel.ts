// Copyright 2026 the happy-eyeballs authors. MIT license.
// `--otel`: the tool's connections in one trace, sent by Deno's built-in
// telemetry (OTEL_DENO=true) to the collector that OTEL_EXPORTER_OTLP_*
// name, under a root span of the tool; its trace id on standard error, so
// that an operator finds it in the collector. A process cannot turn Deno's
// telemetry on for itself: without a registered provider, `--otel` is a
// usage error, before any traffic.
import { attribute, telemetry } from "../_common/telemetry.ts";
import { show } from "../_common/show.ts";
import { UsageError } from "./_usage.ts";
import type { CliIo } from "./_io.ts";

/** The trace of one run of the tool. */
export interface CliTrace {
  /**
   * Runs `fn` with the tool's span active: its connections are its children.
   *
   * @param fn The connections.
   * @returns What `fn` returns.
   */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Ends the span with the exit code, and writes the trace id to standard
   * error.
   *
   * @param code The exit code.
   * @param io Where to write.
   */
  end(code: number, io: CliIo): void;
}

/**
 * Runs `fn` within `trace`, when there is one.
 *
 * @typeParam T What `fn` returns.
 * @param trace The trace of `--otel`, or `undefined`.
 * @param fn The connections.
 * @returns What `fn` returns.
 */
export function inTrace<T>(
  trace: CliTrace | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  return trace ? trace.run(fn) : fn();
}

/**
 * Starts the trace of `--otel`.
 *
 * @param hostname HOST.
 * @param port PORT.
 * @returns The trace.
 * @throws {UsageError} When no provider is registered (OTEL_DENO unset).
 */
export function cliTrace(hostname: string, port: number): CliTrace {
  const traced = telemetry();
  if (traced === undefined) {
    throw new UsageError(
      `Cannot send the trace as '--otel' needs Deno's telemetry: current value is OTEL_DENO=${
        show(Deno.env.get("OTEL_DENO"))
      } (set OTEL_DENO=true, and OTEL_EXPORTER_OTLP_ENDPOINT to the collector's URL)`,
    );
  }
  const { api, tracer } = traced;
  const span = tracer.startSpan("happy-eyeballs cli", {
    kind: api.SpanKind.INTERNAL,
    attributes: { "server.address": attribute(hostname), "server.port": port },
  });
  const context = api.trace.setSpan(api.context.active(), span);
  return {
    run: (fn) => api.context.with(context, fn),
    end(code, io) {
      span.setAttribute("process.exit.code", code);
      if (code !== 0) {
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: `${code}` });
      }
      span.end();
      io.writeError(`trace: ${span.spanContext().traceId}\n`);
    },
  };
}
