#!/usr/bin/env -S deno run -A
// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * A command-line tool that shows the connection race: like `curl -v`, but for
 * how a connection is made. When a connection is slow, or fails on some
 * networks and not others, it shows why: the addresses the host resolves to,
 * in the order they are tried, and what became of each attempt.
 *
 * ```sh
 * deno run -A jsr:@happy-eyeballs/connect/cli HOST PORT [options]
 * ```
 *
 * Options: `--tls`, `--server-name NAME`, `--ca FILE` (repeatable),
 * `--alpn PROTOCOL` (repeatable), `--delay MS` (`Infinity`: one at a time),
 * `--interleave N`, `-4`/`-6`, `--local-addr HOST[:PORT]` (`[::1]:5000` for
 * IPv6), `--timeout MS`, `--all-errors`, `--json`, `--help`.
 *
 * Exit status: `0` connected (and with `--tls`, handshake done); `1` failed
 * (resolution, every attempt, the TLS handshake, or `--timeout`); `2` bad
 * arguments (usage on standard error); `130` interrupted by Ctrl-C.
 *
 * The timeline is built only from the `onEvent` hook of `connect()`: what it
 * shows, any user of the module can see too. Colours are used on a terminal
 * only, and never when `NO_COLOR` is set.
 *
 * ## `--json`
 *
 * One JSON object on standard output. Times are milliseconds since the start
 * (`elapsed`-style, rounded to the microsecond); `index` counts from 0 (the
 * timeline shows `#1` for index 0). The field names are stable:
 *
 * - `ok` (boolean), `host` (as given), `port`, `elapsed` (total ms).
 * - `settings`: `delay` (`null` for `Infinity`), `interleave`, `family`
 *   (`4`, `6` or `null`), `localAddr` (`host:port` or `null`), `timeout`
 *   (ms or `null`), `allErrors`, `tls` (`null`, or `{ serverName,
 *   alpnProtocols, caFiles }`).
 * - `resolved`: `null` if resolution did not finish, else `{ elapsed,
 *   hostname, addresses: [{ address, hostname, port, family }] }`: `elapsed`
 *   is when the first batch of addresses came, `addresses` lists that batch in
 *   attempt order, then the addresses of any later batch. With a resolver
 *   that answers in batches (RFC 8305 §3), `late` lists the later ones, in the
 *   order they came: `[{ elapsed, addresses }]`, each with only the new
 *   addresses (their attempts were folded into those not yet started); it is
 *   absent when there was a single batch.
 * - `fallback`: `null`, or `{ elapsed, reason }` when the race was left to
 *   `Deno.connect` (a net permission for the name but not its addresses).
 * - `attempts`: one per resolved address, in attempt order (the attempts in
 *   the order they started, then the addresses never tried, numbered after
 *   them in the order resolved): `{ index, address, hostname, port, family,
 *   outcome, started, startedBecause, ended, duration, error }`. `outcome` is
 *   `won`, `failed`, `cancelled` (another attempt won), `abandoned` (still
 *   pending when the run gave up) or `notStarted`. `startedBecause` is
 *   `first`, `delay` (the previous attempt had no answer after the delay),
 *   `failure` (the previous attempt had just failed) or `lateAnswer` (every
 *   address had been tried, and a later batch of the resolver brought it). `error` is `null` or `{ name, message, code, kind }`, `kind`
 *   being `refused`, `timedOut`, `unreachable`, `reset`,
 *   `addressNotAvailable`, `addressInUse`, `permission` or `other`.
 * - `tls`: `null`, or `{ address, serverName, started, ended, duration, ok,
 *   alpnProtocol, error }`.
 * - `connected`: `null`, or `{ address, localAddress, index }`.
 * - `stopped`: `null`, or `{ reason, elapsed, pending }` when the run gave up:
 *   `reason` is `timeout` or `interrupted`, `pending` the indexes of the
 *   attempts still pending then.
 * - `error`: `null`, or `{ name, message, code, stage, errors }`: `stage` is
 *   `resolve`, `connect` or `tls`; `errors` lists `{ name, message, code }`
 *   of each error inside an `AggregateError`.
 *
 * @example Show the race to a host
 * ```sh
 * deno run -A jsr:@happy-eyeballs/connect/cli example.com 443 --tls --alpn h2
 * ```
 *
 * @module
 */
import { runCli, terminalIo } from "./_cli.ts";

if (import.meta.main) {
  const { code } = await runCli(Deno.args, terminalIo(), {
    handleInterrupt: true,
  });
  Deno.exit(code);
}
