// Copyright 2026 the happy-eyeballs authors. MIT license.
// The closing lines of the command-line tool's timeline: the verdict, what
// became of every address, and the error, once, with a hint where one helps.
import { formatAddress } from "../errors.ts";
import { messageOf } from "../_common/errors.ts";
import { ipVersion, unbracket } from "../_common/ip.ts";
import type { Palette } from "./_colors.ts";
import { attemptAdvice, proxyTlsAdvice, tlsAdvice } from "./_advice.ts";
import type { AttemptState, RunFold } from "./_fold.ts";
import type { RunResult } from "./report_types.ts";
import { visible } from "../_common/visible.ts";
import { destination, ms } from "./_columns.ts";

/** Lines for the two output streams. */
export interface Lines {
  /** For standard output. */
  out: string[];
  /** For standard error. */
  err: string[];
}

/** How the verdict is drawn. */
export interface VerdictOptions {
  /** The styles. */
  palette: Palette;
  /** An attempt's label, padded to the timeline's column. */
  label(a: AttemptState): string;
}

function why(a: AttemptState, fold: RunFold, p: Palette): string {
  const took = a.started !== undefined && a.ended !== undefined
    ? ms(a.ended - a.started)
    : "";
  switch (a.outcome) {
    case "failed": {
      const { short, hint } = attemptAdvice(a.error);
      return p.red(
        hint === undefined
          ? `failed after ${took}: ${visible(short)}`
          : `${short} after ${took}: ${hint}`,
      );
    }
    case "abandoned":
      return p.yellow(
        `still no answer after ${took}, ${
          fold.stopped?.reason === "interrupted"
            ? "when interrupted"
            : "when the timeout came"
        }: packets to it may be dropped on the way (a blackhole or a firewall)`,
      );
    case "cancelled":
      return p.yellow(`cancelled after ${took}`);
    case "won":
      return p.green(`connected in ${took}`);
    default:
      if (fold.stopped) {
        return p.dim(
          `not tried: ${
            fold.stopped.reason === "timeout"
              ? "the timeout came first"
              : "interrupted first"
          }`,
        );
      }
      return p.dim(
        fold.winner === undefined
          ? "not tried"
          : `not tried: #${fold.winner + 1} connected first`,
      );
  }
}

/** What failed at the proxy: its handshake, or the tunnel through it. */
function proxyFailure(fold: RunFold): string {
  const proxy = fold.proxy!;
  const shown = visible(proxy.proxy);
  if (proxy.tls && proxy.tls.ok !== true) {
    return `the TLS handshake with the proxy ${shown} failed`;
  }
  const target = proxy.target === undefined
    ? destination(fold.settings)
    : visible(proxy.target);
  return `the tunnel to ${target} through the proxy ${shown} failed`;
}

/**
 * The closing lines: the verdict, and on failure every address with the
 * reason for its fate; the error, once, and a hint, on standard error.
 *
 * @param result How the run ended.
 * @param fold The state of the run.
 * @param options The styles, and the attempts' labels.
 * @returns Lines for standard output and standard error.
 */
export function verdict(
  result: RunResult,
  fold: RunFold,
  options: VerdictOptions,
): Lines {
  const { palette: p } = options;
  if (result.ok) {
    const index = fold.winnerIndex(result.remoteAddr);
    const of = index === undefined
      ? ""
      : ` (#${index + 1} of ${fold.ordered().length})`;
    const tls = fold.tls?.ok
      ? ` with TLS${
        fold.tls.alpnProtocol !== null
          ? ` (ALPN ${visible(fold.tls.alpnProtocol)})`
          : ""
      }`
      : "";
    const peer = `${visible(formatAddress(result.remoteAddr))}${of}`;
    // Through a proxy, the peer is the proxy: the target is named first.
    const target = fold.proxy?.target;
    const reached = target === undefined
      ? peer
      : `${visible(target)} through ${visible(fold.proxy!.proxy)} at ${peer}`;
    return {
      out: [
        p.bold(p.green(
          `Connected to ${reached} from ${
            visible(formatAddress(result.localAddr))
          }${tls} in ${ms(result.elapsed)}`,
        )),
      ],
      err: [],
    };
  }
  const stage = fold.stage();
  const verdict = fold.stopped?.reason === "timeout"
    ? "Timed out"
    : fold.stopped?.reason === "interrupted"
    ? "Interrupted"
    : "Failed";
  const bare = visible(unbracket(fold.settings.hostname));
  const tlsPeer = fold.tls && visible(formatAddress(fold.tls.address));
  const local = fold.settings.localAddr?.hostname;
  const what = stage === "resolve"
    ? `could not resolve ${bare}${
      local !== undefined && !ipVersion(local)
        ? ` or the --local-addr ${visible(local)}`
        : ""
    }`
    : stage === "tls" && fold.tls?.acceptance
    ? `the server at ${tlsPeer} refused us after the TLS handshake`
    : stage === "tls"
    ? `the TLS handshake with ${tlsPeer} failed`
    : stage === "proxy"
    ? proxyFailure(fold)
    : `could not connect to ${
      fold.proxy
        ? `the proxy ${visible(fold.proxy.proxy)}`
        : destination(fold.settings)
    }`;
  const out = [
    p.bold(p.red(`${verdict} after ${ms(result.elapsed)}: ${what}`)),
  ];
  if (stage === "connect") {
    for (const a of fold.ordered()) {
      out.push(`  ${options.label(a)}  ${why(a, fold, p)}`);
    }
  }
  // A run that gave up rejected with its own signal's reason: say why.
  if (fold.stopped?.reason === "timeout") {
    return {
      out,
      err: [
        `${
          p.red("error")
        }: timed out after ${fold.settings.timeout} ms (--timeout)`,
      ],
    };
  }
  if (fold.stopped?.reason === "interrupted") {
    return { out, err: [`${p.red("error")}: interrupted`] };
  }
  const err = [`${p.red("error")}: ${messageOf(result.error)}`];
  const proxyTls = fold.proxy?.tls;
  const { hint } = stage === "tls"
    ? tlsAdvice(result.error, fold.tlsContext())
    : stage === "proxy" && proxyTls?.ok === false
    ? proxyTlsAdvice(result.error, proxyTls.serverName)
    : {};
  if (hint !== undefined) err.push(`${p.yellow("hint")}: ${visible(hint)}`);
  return { out, err };
}
