// Copyright 2026 the happy-eyeballs authors. MIT license.
// The state of one run (_fold.ts) as the `--json` report, whose types, the
// contract, are in report_types.ts.
import type {
  AddressReport,
  ErrorReport,
  ProxyReport,
  Report,
  RunResult,
} from "./report_types.ts";
import type { ProxyState, RunFold } from "./_fold.ts";
import { errorKind } from "./_advice.ts";
import { formatAddress } from "../errors.ts";
import { messageOf } from "../_common/errors.ts";
import { familyOf, unbracket } from "../_common/ip.ts";

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function optional(value: number | undefined): number | null {
  return value === undefined ? null : round(value);
}

/** Describes a thrown value as JSON. */
function errorReport(error: unknown): ErrorReport {
  const name = error instanceof Error || error instanceof DOMException
    ? error.name
    : typeof error;
  // Errors that name an address keep the system's code on their cause.
  const withCode = error as { code?: unknown; cause?: { code?: unknown } };
  const code = withCode?.code ?? withCode?.cause?.code;
  return {
    name,
    message: messageOf(error),
    code: typeof code === "string" ? code : null,
  };
}

function addressReport(a: Deno.NetAddr): AddressReport {
  return {
    address: formatAddress(a),
    hostname: a.hostname,
    port: a.port,
    family: familyOf(a.hostname),
  };
}

/** The proxy of a run to `hostname:port`, as JSON. */
function proxyReport(
  proxy: ProxyState,
  settings: { hostname: string; port: number },
): ProxyReport {
  const { tls } = proxy;
  return {
    proxy: proxy.proxy,
    target: proxy.target ??
      formatAddress({
        hostname: unbracket(settings.hostname),
        port: settings.port,
      }),
    address: proxy.address ? formatAddress(proxy.address) : null,
    requested: optional(proxy.requested),
    ended: optional(proxy.ended),
    ok: proxy.ok ?? null,
    tls: tls
      ? {
        serverName: tls.serverName,
        started: round(tls.started),
        ended: optional(tls.ended),
        ok: tls.ok ?? null,
        error: tls.error === undefined ? null : errorReport(tls.error),
      }
      : null,
    error: proxy.error === undefined ? null : errorReport(proxy.error),
  };
}

/**
 * The whole run as one JSON-ready object.
 *
 * @param fold The state of the run.
 * @param result How the run ended.
 * @returns The report; `JSON.stringify` it.
 */
export function buildReport(fold: RunFold, result: RunResult): Report {
  const s = fold.settings;
  let error: Report["error"] = null;
  if (!result.ok) {
    const inner = result.error instanceof AggregateError
      ? result.error.errors.map(errorReport)
      : [];
    error = {
      ...errorReport(result.error),
      stage: fold.stage(),
      errors: inner,
    };
  }
  const tls = fold.tls;
  return {
    ok: result.ok,
    host: s.hostname,
    port: s.port,
    settings: {
      delay: s.delay === Infinity ? null : s.delay,
      interleave: s.interleave,
      family: s.family ?? null,
      localAddr: s.localAddr ? formatAddress(s.localAddr) : null,
      timeout: s.timeout ?? null,
      attemptTimeout: s.attemptTimeout ?? null,
      allErrors: s.allErrors,
      dns: s.dns ?? false,
      proxy: s.proxyShown ?? null,
      tls: s.tls
        ? {
          serverName: s.tls.serverName ?? null,
          alpnProtocols: s.tls.alpnProtocols,
          caFiles: s.tls.caFiles,
          certFile: s.tls.certFile ?? null,
          keyFile: s.tls.keyFile ?? null,
        }
        : null,
    },
    resolved: fold.resolved
      ? {
        elapsed: round(fold.resolved.elapsed),
        hostname: fold.resolved.hostname,
        addresses: fold.known.map(addressReport),
        skipped: fold.skipped.map(addressReport),
        ...(fold.late.length > 0 && {
          late: fold.late.map((batch) => ({
            elapsed: round(batch.elapsed),
            addresses: batch.addresses.map(addressReport),
          })),
        }),
        ...(fold.resolved.remembered && {
          remembered: true as const,
          ...(fold.lookedUpAgo !== undefined &&
            { lookedUpAgo: round(fold.lookedUpAgo) }),
        }),
      }
      : null,
    fallback: fold.fallback
      ? {
        elapsed: round(fold.fallback.elapsed),
        reason: fold.fallback.reason,
      }
      : null,
    attempts: fold.ordered().map((a) => ({
      index: a.index,
      ...addressReport(a.address),
      outcome: a.outcome ?? "notStarted",
      started: optional(a.started),
      startedBecause: a.startedBecause ?? null,
      ended: optional(a.ended),
      duration: a.started !== undefined && a.ended !== undefined
        ? round(a.ended - a.started)
        : null,
      error: a.outcome === "failed"
        ? { ...errorReport(a.error), kind: errorKind(a.error) }
        : null,
      connected: optional(a.connected),
      tls: a.tls
        ? {
          started: round(a.tls.started),
          ended: optional(a.tls.ended),
          duration: a.tls.ended === undefined
            ? null
            : round(a.tls.ended - a.tls.started),
          ok: a.tls.ok ?? null,
          error: a.tls.error === undefined ? null : errorReport(a.tls.error),
        }
        : null,
    })),
    tls: tls
      ? {
        address: formatAddress(tls.address),
        serverName: tls.serverName,
        started: round(tls.started),
        ended: optional(tls.ended),
        duration: tls.ended === undefined
          ? null
          : round(tls.ended - tls.started),
        ok: tls.ok ?? null,
        alpnProtocol: tls.alpnProtocol,
        acceptance: tls.acceptance
          ? { ...tls.acceptance, waited: round(tls.acceptance.waited) }
          : null,
        error: tls.error === undefined ? null : errorReport(tls.error),
      }
      : null,
    proxy: fold.proxy ? proxyReport(fold.proxy, s) : null,
    connected: result.ok
      ? {
        address: formatAddress(result.remoteAddr),
        localAddress: formatAddress(result.localAddr),
        index: fold.winnerIndex(result.remoteAddr) ?? null,
      }
      : null,
    stopped: fold.stopped
      ? { ...fold.stopped, elapsed: round(fold.stopped.elapsed) }
      : null,
    error,
    elapsed: round(result.elapsed),
  };
}
