// Copyright 2026 the happy-eyeballs authors. MIT license.
// One call of connect() as OpenTelemetry sees it, made from the call's
// events: a span for the call (a child of the active context), one for the
// name resolution, one per attempt and one for the TLS handshake; and its
// metrics. Made only when a provider is registered: a call without one has
// no recorder, and builds no event for it.
import type { Context, Span } from "npm:@opentelemetry/api@^1.9.0";
import type {
  AttemptEvent,
  ConnectEvent,
  ProxyEvent,
  Resolver,
  TlsConnectEvent,
} from "../types.ts";
import {
  attribute,
  endFailed,
  errorType,
  networkType,
  type Telemetry,
  telemetry,
} from "../_common/telemetry.ts";
import { type TlsSpanRecorder, tlsSpanRecorder } from "../_tls/telemetry.ts";

/** What the spans of a call say of it: from its checked options. */
export interface TracedCall {
  hostname: string;
  port: number;
  conn: Deno.TcpConn | undefined;
  /** The family of `hostname` when it is an IP literal (nothing to resolve). */
  literal: 0 | 4 | 6;
  tls: unknown;
  resolver: Resolver | undefined;
  /** The proxy: then `hostname` and `port` are its, and the server is the target. */
  proxy:
    | { targetHost: string; targetPort: number; shown: string }
    | undefined;
}

/** A look-up's outcome, for the resolution span. */
type ResolverKind = "system" | "resolver" | "history";

/** The error types of an attempt that timed out (`attemptTimeout`, or the OS). */
const TIMED_OUT = new Set(["TimedOut", "TimeoutError"]);

/** Now, in milliseconds since the epoch, as spans take it. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The recorder of one call, or `undefined` when no provider is registered.
 *
 * @param call The call's checked options.
 * @returns The recorder, or `undefined`.
 */
export function callTelemetry(call: TracedCall): CallTelemetry | undefined {
  const traced = telemetry();
  if (traced === undefined) return undefined;
  try {
    return new CallTelemetry(traced, call);
  } catch {
    // Telemetry never fails a connection.
    return undefined;
  }
}

/** The spans and metrics of one call of `connect()`. */
export class CallTelemetry {
  #traced: Telemetry;
  #call: TracedCall;
  #span: Span;
  #parent: Context;
  #start: number;
  /** The resolution under way, and when the current phase began. */
  #resolving: Span | undefined;
  #phase: number;
  #remembered = false;
  #attempts = new Map<number, Span>();
  #firstType: "ipv4" | "ipv6" | undefined;
  #winner: Deno.NetAddr | undefined;
  /**
   * The handshakes: one per attempt inside the race, or one on the winner;
   * and one with an `https://` proxy.
   */
  #tls = new Map<number | "proxy" | undefined, TlsSpanRecorder>();
  /** The tunnels through the proxy: one, or one per target address raced. */
  #tunnels = new Map<number | undefined, Span>();

  /** Starts the span of the call, and that of its resolution. */
  constructor(traced: Telemetry, call: TracedCall) {
    const { api, tracer } = traced;
    this.#traced = traced;
    this.#call = call;
    this.#start = performance.now();
    this.#phase = now();
    this.#span = tracer.startSpan("connect", {
      kind: api.SpanKind.CLIENT,
      attributes: this.#serverAttributes(),
    });
    this.#parent = api.trace.setSpan(api.context.active(), this.#span);
    if (call.conn === undefined && !call.literal) this.#startResolving();
  }

  /** `server.address`, `server.port` (the target's), `network.transport`. */
  #serverAttributes(): Record<string, string | number> {
    const { hostname, port, conn, proxy } = this.#call;
    const server = conn
      ? conn.remoteAddr
      : proxy
      ? { hostname: proxy.targetHost, port: proxy.targetPort }
      : { hostname, port };
    return {
      "server.address": attribute(server.hostname),
      "server.port": server.port,
      "network.transport": "tcp",
    };
  }

  #child(
    name: string,
    attributes: Record<string, string | number>,
    startTime?: number,
  ): Span {
    const { api, tracer } = this.#traced;
    return tracer.startSpan(name, {
      kind: api.SpanKind.INTERNAL,
      attributes,
      ...(startTime !== undefined && { startTime }),
    }, this.#parent);
  }

  /** A resolution, begun when the event before it came (or now). */
  #startResolving(startTime?: number): void {
    this.#resolving = this.#child("resolve", {
      "dns.question.name": attribute(this.#call.hostname),
    }, startTime);
  }

  /**
   * Turns one event of the call into spans and metrics; never throws.
   *
   * @param event The event, as `onEvent` is told of it.
   */
  record(event: ConnectEvent): void {
    try {
      this.#record(event);
    } catch {
      // Telemetry never fails a connection.
    }
    this.#phase = now();
  }

  #record(event: ConnectEvent): void {
    switch (event.type) {
      case "resolved":
        return this.#resolved(event.addresses, event.skipped, event.remembered);
      case "fallback":
        this.#resolving?.end();
        this.#resolving = undefined;
        this.#span.setAttribute("happy_eyeballs.fallback", true);
        this.#span.addEvent("fallback", { reason: attribute(event.reason) });
        return;
      case "attemptStarted": {
        const { hostname, port } = event.address;
        const type = networkType(hostname);
        this.#firstType ??= type;
        this.#attempts.set(
          event.index,
          this.#child("connect attempt", {
            "network.peer.address": attribute(hostname),
            "network.peer.port": port,
            "network.transport": "tcp",
            "network.type": type,
            "happy_eyeballs.attempt.index": event.index,
          }),
        );
        return;
      }
      case "attemptConnected":
        // TCP is up; with the handshake inside the race, it starts next.
        this.#attempts.get(event.index)?.addEvent("connected");
        return;
      case "attemptWon":
      case "attemptFailed":
      case "attemptCancelled":
        return this.#attemptEnded(event);
      case "proxyRequested":
      case "proxyOpened":
      case "proxyFailed":
      case "proxyCancelled":
        return this.#tunnel(event);
      default:
        return this.#handshake(event);
    }
  }

  /**
   * A handshake's event: inside the race, its span is a child of its
   * attempt's; on the winner only, of the call's.
   */
  #handshake(event: TlsConnectEvent): void {
    const index = event.proxy === undefined ? event.index : "proxy";
    let recorder = this.#tls.get(index);
    if (recorder === undefined) {
      const attempt = typeof index === "number"
        ? this.#attempts.get(index)
        : undefined;
      const parent = attempt === undefined
        ? this.#parent
        : this.#traced.api.trace.setSpan(this.#parent, attempt);
      recorder = tlsSpanRecorder(this.#traced, parent, event.address);
      this.#tls.set(index, recorder);
    }
    recorder(event);
  }

  /** A tunnel through the proxy: its span, from the request to its answer. */
  #tunnel(event: ProxyEvent): void {
    const { index } = event;
    if (event.type === "proxyRequested") {
      this.#tunnels.set(
        index,
        this.#child("proxy tunnel", {
          "network.peer.address": attribute(event.address.hostname),
          "network.peer.port": event.address.port,
          "happy_eyeballs.proxy": attribute(event.proxy),
          "happy_eyeballs.proxy.target": attribute(event.target),
        }),
      );
      return;
    }
    const span = this.#tunnels.get(index);
    this.#tunnels.delete(index);
    if (event.type === "proxyFailed") {
      if (span) endFailed(this.#traced, span, event.error);
      return;
    }
    if (event.type === "proxyCancelled") {
      span?.setAttribute("happy_eyeballs.proxy.outcome", "cancelled");
    }
    span?.end();
  }

  #resolved(
    addresses: Deno.NetAddr[],
    skipped: Deno.NetAddr[] | undefined,
    remembered: true | undefined,
  ): void {
    // An IP literal: nothing was looked up.
    if (this.#call.literal) return;
    // A fresh look-up after remembered addresses failed: its own span.
    if (this.#remembered && !remembered) this.#startResolving(this.#phase);
    this.#remembered = remembered === true;
    const span = this.#resolving;
    this.#resolving = undefined;
    const count = (type: string) =>
      addresses.filter((address) => networkType(address.hostname) === type)
        .length;
    const counts = {
      "happy_eyeballs.addresses.ipv6": count("ipv6"),
      "happy_eyeballs.addresses.ipv4": count("ipv4"),
    };
    // A later batch of a resolver that streams (RFC 8305 §3).
    if (span === undefined) return void this.#span.addEvent("batch", counts);
    span.setAttributes(counts);
    const kind: ResolverKind = remembered
      ? "history"
      : this.#call.resolver
      ? "resolver"
      : "system";
    span.setAttribute("happy_eyeballs.resolver", kind);
    if (skipped) {
      span.setAttribute("happy_eyeballs.addresses.skipped", skipped.length);
    }
    if (remembered) this.#traced.instruments.historyHits.add(1);
    span.end();
  }

  #attemptEnded(event: AttemptEvent): void {
    const span = this.#attempts.get(event.index);
    if (span === undefined) return;
    this.#attempts.delete(event.index);
    const type = networkType(event.address.hostname);
    let outcome: string;
    if (event.type === "attemptWon") {
      outcome = "won";
      this.#winner = event.address;
      this.#traced.instruments.wins.add(1, {
        "network.type": type,
        "happy_eyeballs.first_family": type === this.#firstType,
      });
    } else if (event.type === "attemptCancelled") {
      outcome = "cancelled";
    } else {
      outcome = TIMED_OUT.has(errorType(event.error)) ? "timed_out" : "failed";
    }
    span.setAttribute("happy_eyeballs.attempt.outcome", outcome);
    this.#traced.instruments.attempts.add(1, {
      "network.type": type,
      "happy_eyeballs.attempt.outcome": outcome,
      ...(event.type === "attemptFailed" &&
        { "error.type": errorType(event.error) }),
    });
    if (event.type === "attemptFailed") {
      endFailed(this.#traced, span, event.error);
    } else span.end();
  }

  /**
   * Ends the spans of the call once `result` settles, and records its
   * duration; `result` settles as it would.
   *
   * @param result The call's promise.
   * @returns It, or a promise that settles alike.
   */
  settle<T extends Deno.Conn>(result: Promise<T>): Promise<T> {
    return result.then(
      (conn) => {
        this.#end(undefined, conn.remoteAddr as Deno.NetAddr);
        return conn;
      },
      (error) => {
        this.#end(error, undefined);
        throw error;
      },
    );
  }

  #end(error: unknown, peer: Deno.NetAddr | undefined): void {
    try {
      const { api } = this.#traced;
      const span = this.#span;
      const seconds = (performance.now() - this.#start) / 1_000;
      // Whatever is still open did not finish before the call.
      for (const attempt of this.#attempts.values()) {
        attempt.setAttribute("happy_eyeballs.attempt.outcome", "cancelled");
        attempt.end();
      }
      for (const tunnel of this.#tunnels.values()) tunnel.end();
      const metric: Record<string, string | number> = {
        ...this.#serverAttributes(),
      };
      if (error === undefined) {
        if (this.#resolving) this.#resolving.end();
        peer ??= this.#winner;
        if (peer) {
          span.setAttributes({
            "network.peer.address": attribute(peer.hostname),
            "network.peer.port": peer.port,
            "network.type": networkType(peer.hostname),
          });
        }
        span.setStatus({ code: api.SpanStatusCode.OK });
        span.end();
      } else {
        if (this.#resolving) endFailed(this.#traced, this.#resolving, error);
        endFailed(this.#traced, span, error);
        metric["error.type"] = errorType(error);
      }
      this.#traced.instruments.duration.record(seconds, metric);
    } catch {
      // Telemetry never fails a connection.
    }
  }
}
