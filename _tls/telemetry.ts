// Copyright 2026 the happy-eyeballs authors. MIT license.
// The spans of TLS: the handshake (of `connect()` and of `upgradeTls()`), told
// by its events, and `closeTls()`'s shutdown. Nothing is built without a
// registered provider (see `_common/telemetry.ts`).
import type { Context, Span } from "npm:@opentelemetry/api@^1.9.0";
import {
  attribute,
  endFailed,
  type Telemetry,
  telemetry,
} from "../_common/telemetry.ts";

/**
 * The events of a handshake, as `TlsEvent` of `types.ts` (not imported:
 * it would lengthen the import chains of the entry points).
 */
export type TlsSpanEvent =
  | { type: "tlsStarted"; serverName: string }
  | { type: "tlsSucceeded"; serverName: string; alpnProtocol: string | null }
  | { type: "tlsFailed"; serverName: string; error: unknown };

/** Tells the span of one handshake of its events. */
export type TlsSpanRecorder = (event: TlsSpanEvent) => void;

/**
 * What makes the span of a TLS handshake from its events: `tlsStarted` starts
 * it, `tlsSucceeded` or `tlsFailed` ends it.
 *
 * @param traced The API in use.
 * @param parent The context of the span (that of `connect()`'s span, or the
 * active one).
 * @param peer The peer of the handshake.
 * @returns The recorder.
 */
export function tlsSpanRecorder(
  traced: Telemetry,
  parent: Context,
  peer: Deno.NetAddr,
): TlsSpanRecorder {
  let span: Span | undefined;
  return (event) => {
    try {
      if (event.type === "tlsStarted") {
        span = traced.tracer.startSpan("tls handshake", {
          kind: traced.api.SpanKind.CLIENT,
          attributes: {
            "tls.client.server_name": attribute(event.serverName),
            "network.peer.address": attribute(peer.hostname),
            "network.peer.port": peer.port,
          },
        }, parent);
        return;
      }
      if (span === undefined) return;
      if (event.type === "tlsSucceeded") {
        span.setAttribute("tls.established", true);
        if (event.alpnProtocol !== null) {
          span.setAttribute("tls.next_protocol", attribute(event.alpnProtocol));
        }
        span.end();
      } else {
        span.setAttribute("tls.established", false);
        endFailed(traced, span, event.error);
      }
      span = undefined;
    } catch {
      // Telemetry never fails a connection.
    }
  };
}

/**
 * The recorder of a handshake of `upgradeTls()`, a child of the active
 * context; `undefined` without a provider.
 *
 * @param conn The connection upgraded.
 * @returns The recorder, or `undefined`.
 */
export function upgradeRecorder(
  conn: Deno.TcpConn,
): TlsSpanRecorder | undefined {
  const traced = telemetry();
  if (traced === undefined) return undefined;
  return tlsSpanRecorder(traced, traced.api.context.active(), conn.remoteAddr);
}

/**
 * Runs `shutDown` in a span of `closeTls()`, a child of the active context,
 * with how it ended; runs it alone without a provider.
 *
 * @param conn The connection closed.
 * @typeParam T How a shutdown ends (`CloseTlsResult`).
 * @param shutDown Starts the shutdown.
 * @returns The same result.
 */
export function tracedShutdown<T extends string>(
  conn: Deno.TlsConn,
  shutDown: () => Promise<T>,
): Promise<T> {
  const traced = telemetry();
  if (traced === undefined) return shutDown();
  let span: Span;
  try {
    const peer = conn.remoteAddr;
    span = traced.tracer.startSpan("tls shutdown", {
      kind: traced.api.SpanKind.CLIENT,
      attributes: {
        "network.peer.address": attribute(peer.hostname),
        "network.peer.port": peer.port,
      },
    });
  } catch {
    return shutDown();
  }
  return shutDown().then((result) => {
    try {
      span.setAttribute("happy_eyeballs.tls.close", result);
      span.end();
    } catch {
      // Telemetry never fails a close.
    }
    return result;
  });
}
