// Copyright 2026 the happy-eyeballs authors. MIT license.
// The process-wide history of a call that names no `history`: remembered
// winners and attempt delays without asking (as browsers and Apple's
// Network.framework do), no address cache (a cached answer would change what
// DNS means to the caller), and forgotten when the machine's network changes.
import { ConnectHistory } from "../history.ts";
import { show } from "../_common/show.ts";

/**
 * How often, at most, the machine's addresses are compared with the last
 * ones seen (milliseconds): not per call, as `Deno.networkInterfaces()`
 * asks the kernel for all of them.
 */
export const NETWORK_CHECK_INTERVAL = 5_000;

/** The history, made on the first call that uses it. */
let shared: ConnectHistory | undefined;
/** The machine's addresses at the last check, as one string. */
let seen: string | undefined;
/** When they were last checked (`performance.now()`). */
let checkedAt = -Infinity;

/**
 * The machine's addresses, sorted, as one string; `undefined` without the
 * permission to read them (`--allow-sys=networkInterfaces`), or where they
 * cannot be read: then the history forgets a winner only when it expires
 * (its `ttl`, 10 minutes).
 */
function localAddresses(): string | undefined {
  try {
    const { state } = Deno.permissions.querySync({
      name: "sys",
      kind: "networkInterfaces",
    });
    if (state !== "granted") return undefined;
    return Deno.networkInterfaces()
      .map((i) => `${i.name} ${i.address}`)
      .sort()
      .join("\n");
  } catch {
    // A runtime that cannot tell (no such API there): as without permission.
    return undefined;
  }
}

/**
 * The process-wide history: at most 1024 destinations, each winner for at
 * most 10 minutes, no address cache (`addressTtl: 0`); emptied when the set
 * of the machine's addresses has changed since the last check, at most once
 * every {@linkcode NETWORK_CHECK_INTERVAL} ms.
 *
 * @param now The time now, as `performance.now()` (tests give theirs).
 * @param read What reads the machine's addresses (tests give theirs).
 * @returns The history to use for a call that names none.
 */
export function defaultHistory(
  now: number = performance.now(),
  read: () => string | undefined = localAddresses,
): ConnectHistory {
  if (now - checkedAt >= NETWORK_CHECK_INTERVAL) {
    checkedAt = now;
    const current = read();
    if (current !== seen) {
      seen = current;
      shared?.clear();
    }
  }
  return shared ??= new ConnectHistory({ addressTtl: 0 });
}

/**
 * Whether `history` is the process-wide one: our own code, which throws
 * nothing, so a call with it needs no guard against the caller's code (no
 * abort controller per race), and which keeps no addresses.
 *
 * @param history The history of a call.
 * @returns Whether it is {@linkcode defaultHistory}'s.
 */
export function isDefaultHistory(history: unknown): boolean {
  return history !== undefined && history === shared;
}

/**
 * The history of a call: the one it was given, none with `false`, the
 * process-wide one for a host name without a `resolver` or `dial` hook of
 * its own (a fake network stays deterministic), none for an IP literal
 * (a single address has nothing to remember).
 *
 * @param given The `history` option, not checked yet.
 * @param literal Whether the host name is an IP literal.
 * @param hooked Whether the call has a `resolver` or `dial` hook.
 * @returns The history to use, if any.
 * @throws {TypeError} If `given` is neither a `ConnectHistory` nor `false`.
 */
export function historyOf(
  given: unknown,
  literal: boolean,
  hooked: boolean,
): ConnectHistory | undefined {
  if (given instanceof ConnectHistory) return given;
  if (given === false) return undefined;
  if (given !== undefined) {
    throw new TypeError(
      `Cannot connect as 'history' must be a ConnectHistory or false: current value is ${
        show(given)
      }`,
    );
  }
  return literal || hooked ? undefined : defaultHistory();
}
