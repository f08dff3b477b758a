// Copyright 2026 the happy-eyeballs authors. MIT license.
// The order of the attempts (RFC 8305 §4): the history's remembered winner
// first, then the families interleaved; the attempt delay, which a
// remembered fast winner may shorten; and the later batches of a resolver
// that streams, folded into the attempts not yet started (RFC 8305 §3).
import { interleave } from "../happy_eyeballs.ts";
import { familyOf } from "../_common/ip.ts";
import type { Checked } from "./options.ts";
import type { CallContext } from "./context.ts";
import type { Targets } from "./resolve.ts";
import { AddressQueue } from "./address_queue.ts";
import { delayByHistory, orderByHistory } from "./history_calls.ts";
import { type Emit, frozenFor } from "./emit.ts";

/**
 * The addresses in the order to try them: the remembered winner first (RFC
 * 8305 §4: history may rank addresses before interleaving), then the
 * families interleaved. An IP literal without `localAddr` has no order to
 * ask the history for.
 *
 * @throws {unknown} What `history.order()` threw, or a TypeError for an
 * answer it cannot use.
 */
export function orderAddresses(
  checked: Checked,
  destination: string,
  addresses: readonly string[],
): readonly string[] {
  const { history } = checked;
  if (history && (!checked.literal || checked.localAddr)) {
    addresses = orderByHistory(history, destination, addresses);
  }
  return addresses.length > 1
    ? interleave(addresses, familyOf, { firstFamilyCount: checked.interleave })
    : addresses;
}

/**
 * The delay between two attempts: `happyEyeballsDelay`, or less when the
 * history remembers a fast winner.
 *
 * @throws {unknown} What `history.attemptDelay()` threw, or a TypeError for
 * an answer it cannot use.
 */
export function attemptDelay(
  checked: Checked,
  destination: string,
  first: string,
): number {
  const { history, delay } = checked;
  return history ? delayByHistory(history, destination, first, delay) : delay;
}

/**
 * Makes the address of an IP literal on `port`: frozen when `onEvent` is
 * told of it (it must not change where to connect).
 */
export function targetOf(
  emit: Emit | undefined,
  port: number,
): (address: string) => Deno.NetAddr {
  return (address) =>
    frozenFor(emit, { transport: "tcp", hostname: address, port });
}

/**
 * Tells `onEvent` what will be attempted, in order: the first batch, those
 * left out for want of a local address of their family, and whether they
 * come from the history's address cache (no look-up).
 */
export function tellResolved(
  checked: Checked,
  call: CallContext,
  first: Deno.NetAddr[],
  skipped: Deno.NetAddr[],
  source: { cached?: readonly string[] | undefined },
): void {
  const { emit } = call;
  emit?.({
    type: "resolved",
    hostname: checked.hostname,
    addresses: first,
    ...(skipped.length > 0 && { skipped: frozenFor(emit, skipped) }),
    ...(source.cached && { remembered: true as const }),
  });
}

/**
 * The addresses of the race as they become due: `ordered` first, and the
 * later batches of `targets.more` folded into those not yet started, each
 * told to `onEvent` as it comes.
 *
 * @param ordered The first batch, in order.
 * @param targets What resolution found; `more` passes to the queue, which
 * closes it.
 * @param toTarget Makes the address of an IP literal.
 */
export function foldLater(
  checked: Checked,
  call: CallContext,
  ordered: readonly string[],
  targets: Targets,
  toTarget: (address: string) => Deno.NetAddr,
): AddressQueue {
  const { emit } = call;
  const queue = new AddressQueue(ordered, familyOf, checked.interleave);
  queue.onStarved = targets.starved;
  queue.fold(targets.more!, targets.check, (fresh) => {
    const addresses = fresh.map(toTarget);
    emit?.({
      type: "resolved",
      hostname: checked.hostname,
      addresses: frozenFor(emit, addresses),
    });
  }, call.inner);
  return queue;
}
