// Copyright 2026 the happy-eyeballs authors. MIT license.
// OpenTelemetry, through `@opentelemetry/api`, loaded only once a provider is
// registered (Deno's built-in telemetry with OTEL_DENO=true, or an SDK): a
// program without one loads nothing more and pays one property read per
// call. The tracer and meter are named after this package, with its version.
// Every attribute is a number, a boolean, or a string made visible (no raw
// control character) from a value that is never a secret: host names,
// addresses, ports, error class names, and our own words.
import type * as Api from "npm:@opentelemetry/api@^1.9.0";
import { visible } from "./visible.ts";

/** The OpenTelemetry API, as `@opentelemetry/api` exports it. */
export type OtelApi = typeof Api;

/** The name of the tracer and of the meter. */
const INSTRUMENTATION_NAME = "@happy-eyeballs/connect";
/**
 * The version of the tracer and of the meter: this package's (a test keeps
 * it that of `deno.json`).
 */
const INSTRUMENTATION_VERSION = "0.2.0";

/**
 * The histogram's buckets (s): fine around a loopback or LAN connection, and
 * at the 250 ms that a broken IPv6 path costs before IPv4 is tried.
 */
const BUCKETS = [
  0.001,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Where the API keeps its registered providers (`@opentelemetry/api` 1.x). */
const GLOBAL_KEY = Symbol.for("opentelemetry.js.api.1");

/** The metrics of connections, made once per meter provider. */
export interface Instruments {
  /** The time `connect()` took, in seconds. */
  duration: Api.Histogram;
  /** Attempts by outcome and family. */
  attempts: Api.Counter;
  /** Connections by the winner's family, and whether it was the first's. */
  wins: Api.Counter;
  /** Addresses taken from a history instead of a look-up. */
  historyHits: Api.Counter;
}

/** What a traced call uses: the API, its tracer and the instruments. */
export interface Telemetry {
  /** The API. */
  api: OtelApi;
  /** The tracer of this package. */
  tracer: Api.Tracer;
  /** The metrics of this package. */
  instruments: Instruments;
}

let api: OtelApi | undefined;
let loading: Promise<void> | undefined;
let instrumentsOf: { provider: unknown; instruments: Instruments } | undefined;

/** Whether a tracer or meter provider is registered with the API. */
function registered(): boolean {
  const global = (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as
    | { trace?: unknown; metrics?: unknown }
    | undefined;
  return global?.trace !== undefined || global?.metrics !== undefined;
}

/**
 * Loads the API once; resolves when it is loaded (or could not be: then
 * nothing is traced).
 *
 * @returns When the API is loaded.
 */
export function loadTelemetry(): Promise<void> {
  loading ??= import("npm:@opentelemetry/api@^1.9.0").then(
    (loaded) => void (api = loaded),
    () => {},
  );
  return loading;
}

// Deno registers its providers before any module runs: load the API now, so
// that the first call is traced too. A provider registered later is seen
// from the first call after the API has loaded.
if (registered()) await loadTelemetry();

/**
 * The API, the tracer and the instruments when a provider is registered,
 * else `undefined` (then nothing is built). Starts loading the API when a
 * provider was registered after this module was loaded.
 *
 * @returns What a traced call uses, or `undefined`.
 */
export function telemetry(): Telemetry | undefined {
  if (!registered()) return undefined;
  if (api === undefined) {
    loadTelemetry();
    return undefined;
  }
  const provider = api.metrics.getMeterProvider();
  if (instrumentsOf?.provider !== provider) {
    const meter = provider.getMeter(
      INSTRUMENTATION_NAME,
      INSTRUMENTATION_VERSION,
    );
    instrumentsOf = {
      provider,
      instruments: {
        duration: meter.createHistogram("happy_eyeballs.connect.duration", {
          description: "The time connect() took, TLS included",
          unit: "s",
          advice: {
            explicitBucketBoundaries: BUCKETS,
          },
        }),
        attempts: meter.createCounter("happy_eyeballs.connect.attempts", {
          description: "Connection attempts, by outcome and family",
          unit: "{attempt}",
        }),
        wins: meter.createCounter("happy_eyeballs.connect.wins", {
          description:
            "Connections made, by the winner's family and whether it was the family of the first attempt",
          unit: "{connection}",
        }),
        historyHits: meter.createCounter("happy_eyeballs.history.hits", {
          description: "Calls that took a history's addresses, no look-up",
          unit: "{call}",
        }),
      },
    };
  }
  return {
    api,
    tracer: api.trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION),
    instruments: instrumentsOf.instruments,
  };
}

/** Error class names that are safe as `error.type`: a word, dotted. */
const ERROR_TYPE_REGEXP = /^[A-Za-z_$][\w$.]{0,63}$/;

/**
 * The `error.type` of an error: its class name (`ConnectionRefused`,
 * `TimeoutError`, `NotCapable`), or `_OTHER`, as the conventions say.
 *
 * @param error What was thrown.
 * @returns A short name, never the message.
 */
export function errorType(error: unknown): string {
  try {
    if (error instanceof Error || error instanceof DOMException) {
      const { name } = error;
      if (typeof name === "string" && ERROR_TYPE_REGEXP.test(name)) {
        return name;
      }
    }
  } catch {
    // A Proxy or a getter that throws: no name.
  }
  return "_OTHER";
}

/** The longest string put in an attribute, in UTF-16 code units. */
const MAX_ATTRIBUTE = 256;

/**
 * A string as an attribute value: control characters made visible, cut.
 *
 * @param text A string that is no secret (a host name, an address, ALPN).
 * @returns It, safe in a span.
 */
export function attribute(text: string): string {
  return visible(
    text.length > MAX_ATTRIBUTE
      ? `${text.slice(0, MAX_ATTRIBUTE - 3)}...`
      : text,
  );
}

/**
 * Ends `span` as failed by `error`: `error.type`, and an error status that
 * names only that type (a message may come from the caller's code).
 *
 * @param telemetry The API in use.
 * @param span The span.
 * @param error What was thrown.
 * @param time When it failed, if not now.
 */
export function endFailed(
  telemetry: Telemetry,
  span: Api.Span,
  error: unknown,
  time?: number,
): void {
  const type = errorType(error);
  span.setAttribute("error.type", type);
  span.setStatus({
    code: telemetry.api.SpanStatusCode.ERROR,
    message: type,
  });
  span.end(time);
}

/**
 * The `network.type` of an IP address.
 *
 * @param hostname An IP literal.
 * @returns `"ipv6"` or `"ipv4"`.
 */
export function networkType(hostname: string): "ipv4" | "ipv6" {
  return hostname.includes(":") ? "ipv6" : "ipv4";
}
