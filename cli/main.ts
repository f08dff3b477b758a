#!/usr/bin/env -S deno run -A
// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * A command-line tool that shows the connection race: like `curl -v`, but for
 * how a connection is made. When a connection is slow, or fails on some
 * networks and not others, it shows why: the addresses the host resolves to,
 * in the order they are tried, what became of each attempt, and, on a
 * terminal, a waterfall of the attempts on one time axis.
 *
 * ```sh
 * deno run -A jsr:@happy-eyeballs/connect/cli HOST PORT [options]
 * ```
 *
 * Options: `--tls`, `--server-name NAME`, `--ca FILE` (repeatable), `--cert
 * FILE` and `--key FILE` (a client certificate), `--alpn PROTOCOL`
 * (repeatable), `--delay MS` (`Infinity`: one at a time), `--interleave N`,
 * `-4`/`-6`, `--local-addr HOST[:PORT]` (`[::1]:5000` for IPv6), `--dns`
 * (resolve with `dnsResolver()`, RFC 8305 §3) and `--dns-server IP[:PORT]`,
 * `--repeat N` (N connections with one `ConnectHistory`, then a summary),
 * `--timeout MS`, `--attempt-timeout MS`, `--proxy URL` (`http://`,
 * `https://`, `socks5://`, `socks5h://`, or `env`), `--proxy-ca FILE`
 * (repeatable: roots for an `https://` proxy's certificate), `--all-errors`,
 * `--json`, `--otel`
 * (one trace of the run, sent by Deno's telemetry: `OTEL_DENO=true`),
 * `--help`.
 *
 * After a TLS handshake, the tool waits up to 300 ms (four round trips, as
 * measured by the connection, on a slower path) for the server to refuse us:
 * a TLS 1.3 server checks a client certificate only then, so a refused (or
 * missing) certificate is a failure here, as with TLS 1.2.
 *
 * Exit status: `0` connected (and with `--tls`, the server accepted us); `1`
 * failed (resolution, every attempt, the TLS handshake or the server's
 * verdict, or `--timeout`); `2` a bad argument, found before any traffic
 * (usage on standard error), files included; `130` interrupted by Ctrl-C.
 *
 * The timeline is built only from the `onEvent` hook of `connect()`: what it
 * shows, any user of the module can see too. Colours are used on a terminal
 * only, and never when `NO_COLOR` is set. Strings from the network and from
 * errors are printed with control characters made visible (`\x1b`). The
 * files of `--ca`, `--cert` and `--key` are read only if they are regular
 * files of at most 1 MiB, and their content is never printed.
 *
 * With `--json`, one JSON object goes to standard output: a {@linkcode Report}
 * (with `--repeat`, a {@linkcode RepeatReport}). Times are milliseconds since
 * the start of the connection, rounded to the microsecond.
 *
 * @example Show the race to a host
 * ```sh
 * deno run -A jsr:@happy-eyeballs/connect/cli example.com 443 --tls --alpn h2
 * ```
 *
 * @example Read the report in TypeScript
 * ```ts
 * import type { Report } from "@happy-eyeballs/connect/cli";
 * import { assertEquals } from "@std/assert";
 *
 * const json = '{"ok":false,"attempts":[{"outcome":"failed"}]}';
 * const report = JSON.parse(json) as Pick<Report, "ok" | "attempts">;
 * assertEquals(report.attempts[0]?.outcome, "failed");
 * ```
 *
 * @module
 */
import { runCli } from "./_run.ts";
import { terminalIo } from "./_io.ts";

export type {
  AcceptanceReport,
  AddressReport,
  AttemptErrorReport,
  AttemptOutcome,
  AttemptReport,
  AttemptTlsReport,
  ErrorKind,
  ErrorReport,
  LateAnswerReport,
  ProxyReport,
  ProxyTlsReport,
  RepeatReport,
  RepeatSummary,
  Report,
  ResolvedReport,
  SettingsReport,
  StartReason,
  StopReason,
  TlsReport,
} from "./report_types.ts";

if (import.meta.main) {
  const { code } = await runCli(Deno.args, terminalIo(), {
    handleInterrupt: true,
  });
  Deno.exit(code);
}
