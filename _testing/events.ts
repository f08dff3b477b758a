// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * The events of one race, shared by the tests of the report and of the
 * timeline: two addresses of `dual.test`, the second wins after the delay.
 *
 * @module
 */
import type { ConnectEvent, ResolvedEvent } from "../types.ts";
import type { RunResult } from "../cli/report_types.ts";
import type { RunSettings } from "../cli/_fold.ts";

/** The IPv6 address of `dual.test`, tried first. */
export const V6: Deno.NetAddr = {
  transport: "tcp",
  hostname: "::1",
  port: 443,
};
/** The IPv4 address of `dual.test`, tried second. */
export const V4: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.1",
  port: 443,
};
/** The local end of the won connection. */
const LOCAL: Deno.NetAddr = {
  transport: "tcp",
  hostname: "127.0.0.1",
  port: 5555,
};

/** A run to `dual.test:443` with the default delay, without `--all-errors`. */
export const SETTINGS: RunSettings = {
  hostname: "dual.test",
  port: 443,
  delay: 250,
  interleave: 1,
  allErrors: false,
};

/** `dual.test` resolved to {@linkcode V6} and {@linkcode V4}. */
export const resolved: ResolvedEvent = {
  type: "resolved",
  elapsed: 1.25,
  hostname: "dual.test",
  addresses: [V6, V4],
};

/** A race that {@linkcode V4} wins after {@linkcode V6} had no answer. */
export const raceWonBySecond: ConnectEvent[] = [
  resolved,
  { type: "attemptStarted", elapsed: 1.5, index: 0, address: V6 },
  { type: "attemptStarted", elapsed: 251.5, index: 1, address: V4 },
  { type: "attemptWon", elapsed: 252, index: 1, address: V4 },
  { type: "attemptCancelled", elapsed: 252.5, index: 0, address: V6 },
];

/** The result of {@linkcode raceWonBySecond}. */
export const won: Extract<RunResult, { ok: true }> = {
  ok: true,
  elapsed: 253,
  remoteAddr: V4,
  localAddr: LOCAL,
};
