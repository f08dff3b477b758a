// Copyright 2026 the happy-eyeballs authors. MIT license.
// The history's address cache (see `addressTtl`) as a source of addresses:
// what it remembers for a host name is raced with no look-up, and, when it
// has not connected within the attempt delay, against a fresh look-up (as
// Apple's and Mozilla's stacks race stale answers); a fresh answer is given
// to it to remember; when a race on remembered addresses is lost, the name
// may have moved, and they are forgotten. The process-wide history keeps no
// addresses.
import type { Checked } from "./options.ts";
import type { CallContext } from "./context.ts";
import { rememberedByHistory } from "./history_calls.ts";
import type { Targets } from "./resolve.ts";
import { resolveSource, type Source } from "./source.ts";
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
 * What a race does with its source's answer: remembered addresses race a
 * fresh look-up ({@linkcode raceFreshLookUp}); a look-up's answer is given
 * to the history to remember ({@linkcode rememberAnswer}).
 *
 * @throws {unknown} What `history.recordAddresses()` threw.
 */
export function takeAnswer(
  checked: Checked,
  call: CallContext,
  targets: Targets,
  source: Source,
): void {
  if (source.cached) raceFreshLookUp(checked, call, targets, source);
  else rememberAnswer(checked, call, targets);
}

/**
 * Gives the history a look-up's answer to remember: a whole answer of the
 * system resolver or of `checked.resolver` (kept per resolver: another one
 * may answer differently), not one that comes in batches, nor one for
 * `localAddr` (filtered by its families).
 *
 * @throws {unknown} What `history.recordAddresses()` threw.
 */
function rememberAnswer(
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

/**
 * Makes remembered addresses race a fresh look-up: once the race wants an
 * attempt and none of them is left (none connected within the attempt
 * delay, or all failed), the name is looked up afresh, the answer
 * remembered, and its new addresses folded into the race as a later batch
 * (`targets.more`). A look-up that fails leaves the race to what it has.
 *
 * @param checked The call's options.
 * @param call The call's context.
 * @param targets The remembered addresses, as targets.
 * @param source Their source: told when a fresh answer was raced.
 */
function raceFreshLookUp(
  checked: Checked,
  call: CallContext,
  targets: Targets,
  source: Source,
): void {
  let starve!: () => void;
  const starved = new Promise<void>((resolve) => starve = resolve);
  targets.starved = starve;
  targets.more = freshBatches(checked, call, source, starved);
}

/** The new addresses of a look-up made once `starved` settles. */
async function* freshBatches(
  checked: Checked,
  call: CallContext,
  source: Source,
  starved: Promise<void>,
): AsyncGenerator<readonly string[]> {
  const { inner } = call;
  // Until the race is settled (the generator is then returned, or this
  // wait ends with the signal).
  await new Promise<void>((resolve) => {
    const done = () => {
      inner.removeEventListener("abort", done);
      resolve();
    };
    inner.addEventListener("abort", done, { once: true });
    starved.then(done);
  });
  if (inner.aborted) return;
  // This race's signal: the call's is another once this race settled.
  const { targets } = await resolveSource(checked, { inner }, {
    tried: new Set(source.cached),
  });
  if (!targets || inner.aborted) return;
  source.raced = true;
  rememberAnswer(checked, call, targets);
  yield targets.addresses;
  const { more } = targets;
  if (!more) return;
  try {
    for (let next = await more.next(); !next.done; next = await more.next()) {
      yield targets.check(next.value);
    }
  } finally {
    await more.return?.();
  }
}
