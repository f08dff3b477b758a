// Copyright 2026 the happy-eyeballs authors. MIT license.
// Connecting on the addresses a ConnectHistory remembers for a host name (its
// address cache, see `addressTtl`): no look-up, a race on them at once. When
// that race is lost the name may have moved: the remembered addresses are
// forgotten, the name is resolved afresh once, and the addresses not tried
// yet are raced; the final error keeps every attempt of both races.
import type { AttemptFailure } from "../types.ts";
import type { Checked } from "./options.ts";
import type { CallbackFailure } from "./callback_failure.ts";
import { rememberedByHistory } from "./history_calls.ts";
import { ipVersion } from "../_common/ip.ts";
import type { Targets } from "./resolve.ts";

/** What a race knows of, and tells, the race on remembered addresses. */
export interface Remembered {
  /** The addresses the history remembers for the name. */
  cached?: readonly string[];
  /** The address of each attempt, by index, over both races. */
  attempted?: Deno.NetAddr[];
  /** The failure of each attempt, by index, over both races. */
  failures?: AttemptFailure[];
  /** Addresses the race on remembered ones tried: not tried again. */
  tried?: ReadonlySet<string>;
  /** Why the race on remembered addresses failed. */
  error?: unknown;
  /**
   * Set by the race to the error it rejects with when every attempt failed:
   * only that error calls for a look-up (not an abort, nor an error of the
   * caller's code or of the history).
   */
  lost?: unknown;
}

/** One race: resolve (or take `remembered.cached`), order, race. */
export type Race = (remembered?: Remembered) => Promise<Deno.TcpConn>;

/**
 * `race`, on the addresses a `history` remembers for the name when it has
 * them; else `race()` as it is.
 *
 * @param checked The options of the call.
 * @param callbacks The caller's callbacks, when there is a history.
 * @param race One race.
 */
export function raceRemembered(
  checked: Checked,
  callbacks: CallbackFailure | undefined,
  race: Race,
): Promise<Deno.TcpConn> {
  const { history, hostname, family, resolver } = checked;
  // With `localAddr`, what can be used depends on it: no cache.
  if (!history || checked.localAddr || ipVersion(hostname)) return race();
  let cached: readonly string[] | undefined;
  try {
    cached = rememberedByHistory(history, hostname, family, resolver);
  } catch (error) {
    // Nothing is open yet: the call stops with it.
    callbacks!.fail(error);
    return Promise.reject(error);
  }
  return cached ? raceCached(checked, callbacks!, cached, race) : race();
}

/**
 * Races remembered addresses; when every attempt failed, forgets them,
 * resolves afresh once, and races the addresses not tried yet.
 */
async function raceCached(
  checked: Checked,
  callbacks: CallbackFailure,
  cached: readonly string[],
  race: Race,
): Promise<Deno.TcpConn> {
  const remembered: Remembered = { cached, attempted: [], failures: [] };
  try {
    return await race(remembered);
  } catch (error) {
    // A callback that failed, even by a rejection that landed once the race
    // was lost: its error, not the race's.
    callbacks.throwIfFailed();
    // Aborted, or a history that misbehaved: no second race, only for a
    // race that every attempt lost.
    if (error !== remembered.lost || checked.signal?.aborted) throw error;
    const { history, hostname } = checked;
    callbacks.call(() => history!.deleteAddresses(hostname));
    callbacks.throwIfFailed();
    return await race({
      attempted: remembered.attempted!,
      failures: remembered.failures!,
      tried: new Set(cached),
      error,
    });
  }
}

/**
 * Gives the history a look-up's answer to remember: a whole answer of the
 * system resolver or of `checked.resolver` (kept per resolver: another one
 * may answer differently), not one that comes in batches, nor one for
 * `localAddr` (filtered by its families).
 *
 * @throws {unknown} What `history.recordAddresses()` threw.
 */
export function rememberAnswer(
  checked: Checked,
  callbacks: CallbackFailure,
  targets: Targets,
): void {
  const { history, hostname, family, resolver } = checked;
  if (!history || targets.more || checked.localAddr || ipVersion(hostname)) {
    return;
  }
  const { resolved, ttl } = targets;
  callbacks.call(() =>
    resolver
      ? history.recordAddresses(hostname, family, resolved, ttl, resolver)
      : history.recordAddresses(hostname, family, resolved, ttl)
  );
  callbacks.throwIfFailed();
}
