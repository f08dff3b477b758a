// Copyright 2026 the happy-eyeballs authors. MIT license.
// What the telemetry costs per call, in JavaScript: as connect_bench.ts,
// `Deno.connect` is a stub that connects at once; the same call untraced
// (no provider: the API is not loaded), then traced by
// @opentelemetry/sdk-trace-base (spans made, then dropped) and a meter that
// drops its measurements. Deno's own tracer costs more per span: see
// docs/telemetry.md for the cost with OTEL_DENO=true, measured on loopback.
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { connect } from "../connect.ts";
import { loadTelemetry } from "../_common/telemetry.ts";

const conn = { close() {} } as unknown as Deno.TcpConn;
// This file runs in an isolate of its own: the stub affects nothing else.
(Deno as { connect: unknown }).connect = () => Promise.resolve(conn);

const options = {
  hostname: "db.test",
  port: 80,
  resolver: () => ["::1", "127.0.0.1"],
};
const dropping: SpanProcessor = {
  onStart: () => {},
  onEnd: () => {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const provider = new BasicTracerProvider({ spanProcessors: [dropping] });

Deno.bench("connect() two addresses, no provider", {
  group: "telemetry",
  baseline: true,
}, async () => {
  await connect(options);
});
Deno.bench("connect() two addresses, traced (sdk-trace-base)", {
  group: "telemetry",
}, async (b) => {
  trace.setGlobalTracerProvider(provider);
  await loadTelemetry();
  b.start();
  await connect(options);
  b.end();
  trace.disable();
});
