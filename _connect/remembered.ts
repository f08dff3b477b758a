// Copyright 2026 the happy-eyeballs authors. MIT license.
// The history's address cache (see `addressTtl`) as a source of addresses:
// what it remembers for a host name is raced with no look-up; a fresh
// answer is given to it to remember; when a race on remembered addresses is
// lost, the name may have moved, and they are forgotten. The process-wide
// history keeps no addresses.
import type { Checked } from "./options.ts";
import type { CallContext } from "./context.ts";
import { rememberedByHistory } from "./history_calls.ts";
import type { Targets } from "./resolve.ts";
import { isDefaultHistory } from "./default_history.ts";

/**
 * The addresses the history remembers for the host name, if there are any
 * and the call may use them: with `localAddr`, what can be used depends on
 * it; an IP literal has nothing to remember.
 *
 * @throws {unknown} What `history.addresses()` threw, or a TypeError for an
 * answer it cannot use; the call stops with it.
 */
export function rememberedAddresses(
  checked: Checked,
  call: CallContext,
): readonly string[] | undefined {
  const { history, hostname, family, resolver } = checked;
  if (
    !history || checked.localAddr || checked.literal ||
    isDefaultHistory(history)
  ) {
    return undefined;
  }
  try {
    return rememberedByHistory(history, hostname, family, resolver);
  } catch (error) {
    // Nothing is open yet: the call stops with it.
    call.callbacks!.fail(error);
    throw error;
  }
}

/**
 * Forgets the addresses the history remembers for the host name: a race on
 * them was lost.
 *
 * @throws {unknown} What `history.deleteAddresses()` threw.
 */
export function forgetAddresses(checked: Checked, call: CallContext): void {
  const { history, hostname } = checked;
  call.callbacks!.call(() => history!.deleteAddresses(hostname));
  call.throwIfFailed();
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
  call: CallContext,
  targets: Targets,
): void {
  const { history, hostname, family, resolver } = checked;
  if (
    !history || targets.more || checked.localAddr || checked.literal ||
    isDefaultHistory(history)
  ) {
    return;
  }
  const { resolved, ttl } = targets;
  call.callbacks!.call(() =>
    resolver
      ? history.recordAddresses(hostname, family, resolved, ttl, resolver)
      : history.recordAddresses(hostname, family, resolved, ttl)
  );
  call.throwIfFailed();
}
