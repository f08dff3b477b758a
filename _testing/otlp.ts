// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * A small OTLP/HTTP receiver on loopback, for the end-to-end test of the
 * telemetry: it keeps every JSON body posted to `/v1/traces` and
 * `/v1/metrics` (as Deno's built-in telemetry exports them with
 * `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), and the spans and data points
 * flattened.
 *
 * @module
 */

/** An attribute value, as OTLP/JSON writes it. */
export type OtlpValue = string | number | boolean | undefined;

/** A span, flattened: its attributes as a plain object. */
export interface ReceivedSpan {
  /** The scope (tracer) name. */
  scope: string;
  /** The span's name. */
  name: string;
  /** Its kind (1 internal, 3 client). */
  kind: number;
  /** Its id, and its parent's (`""` for a root). */
  spanId: string;
  /** Its parent's id. */
  parentSpanId: string;
  /** Its trace. */
  traceId: string;
  /** Start and end, in nanoseconds since the epoch. */
  start: bigint;
  /** End, in nanoseconds since the epoch. */
  end: bigint;
  /** Its status code (0 unset, 1 ok, 2 error). */
  status: number;
  /** Its attributes. */
  attributes: Record<string, OtlpValue>;
}

/** A metric's data point, flattened. */
export interface ReceivedPoint {
  /** The metric's name. */
  name: string;
  /** Its unit. */
  unit: string;
  /** A sum's value, or a histogram's count. */
  value: number;
  /** The data point's attributes. */
  attributes: Record<string, OtlpValue>;
}

/** The receiver: its URL, what it received; dispose to stop it. */
export interface OtlpReceiver extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  endpoint: string;
  /** The spans received so far. */
  spans: ReceivedSpan[];
  /** The data points of the metrics received so far. */
  points: ReceivedPoint[];
}

type Json = Record<string, unknown>;
type KeyValue = { key: string; value: Json };

function valueOf(value: Json): OtlpValue {
  if ("stringValue" in value) return value.stringValue as string;
  if ("boolValue" in value) return value.boolValue as boolean;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return Number(value.doubleValue);
  return undefined;
}

function attributesOf(list: unknown): Record<string, OtlpValue> {
  return Object.fromEntries(
    ((list ?? []) as KeyValue[]).map(({ key, value }) => [key, valueOf(value)]),
  );
}

function addSpans(body: Json, spans: ReceivedSpan[]): void {
  for (const resource of (body.resourceSpans ?? []) as Json[]) {
    for (const scoped of (resource.scopeSpans ?? []) as Json[]) {
      const scope = String((scoped.scope as Json | undefined)?.name ?? "");
      for (const span of (scoped.spans ?? []) as Json[]) {
        spans.push({
          scope,
          name: String(span.name),
          kind: Number(span.kind),
          spanId: String(span.spanId),
          parentSpanId: String(span.parentSpanId ?? ""),
          traceId: String(span.traceId),
          start: BigInt(span.startTimeUnixNano as string),
          end: BigInt(span.endTimeUnixNano as string),
          status: Number((span.status as Json | undefined)?.code ?? 0),
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }
}

function addPoints(body: Json, points: ReceivedPoint[]): void {
  for (const resource of (body.resourceMetrics ?? []) as Json[]) {
    for (const scoped of (resource.scopeMetrics ?? []) as Json[]) {
      for (const metric of (scoped.metrics ?? []) as Json[]) {
        const data = (metric.sum ?? metric.histogram ?? metric.gauge) as
          | Json
          | undefined;
        for (const point of (data?.dataPoints ?? []) as Json[]) {
          points.push({
            name: String(metric.name),
            unit: String(metric.unit ?? ""),
            value: Number(point.asInt ?? point.asDouble ?? point.count),
            attributes: attributesOf(point.attributes),
          });
        }
      }
    }
  }
}

/**
 * Starts a receiver on 127.0.0.1 (any free port).
 *
 * @returns The receiver.
 */
export function otlpReceiver(): OtlpReceiver {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, async (request) => {
    const body = await request.json() as Json;
    const { pathname } = new URL(request.url);
    if (pathname === "/v1/traces") addSpans(body, spans);
    if (pathname === "/v1/metrics") addPoints(body, points);
    return Response.json({});
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    spans,
    points,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
