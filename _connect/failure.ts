// Copyright 2026 the happy-eyeballs authors. MIT license.
// The combined error of a race that every attempt lost: one NotCapable that
// says what to grant when every attempt lacked net permission, else the
// attempts' errors combined as asyncio does (errors.ts).
import { combineAttemptErrors, formatAddress } from "../errors.ts";
import type { AttemptFailure } from "../types.ts";
import { showDestination } from "../_common/show.ts";
import {
  type FallbackTarget,
  isBindDenial,
  noFallbackReason,
} from "./permission.ts";

/**
 * The error of a race whose attempts all failed: one NotCapable naming what
 * to grant when all lacked permission (without `allErrors`), else the
 * attempts' errors combined.
 *
 * @param destination The host and port, as the caller named them.
 * @param failed Each failed attempt, in the order they started.
 * @param call The call's options: `allErrors`, and what may fall back.
 * @returns The error to throw.
 */
export function raceError(
  destination: string,
  failed: readonly AttemptFailure[],
  call: FallbackTarget & { allErrors: boolean },
): Error {
  const { allErrors } = call;
  // A key passed as the host name by mistake is not shown.
  const shown = showDestination(destination);
  return (!allErrors && permissionError(shown, failed, call)) ||
    combineAttemptErrors(shown, failed, { allErrors });
}

/**
 * One error for attempts that all lacked net permission, naming what to
 * grant (and, given the `target`, which option kept the connection from
 * being left to Deno.connect); `undefined` when some attempt failed
 * otherwise.
 */
export function permissionError(
  destination: string,
  failures: readonly AttemptFailure[],
  target?: FallbackTarget,
): Error | undefined {
  if (
    failures.length === 0 ||
    !failures.every((f) =>
      f.error instanceof Deno.errors.NotCapable && !isBindDenial(f.error)
    )
  ) {
    return undefined;
  }
  const addresses = failures.map((failure) => formatAddress(failure.address));
  const where = addresses.join(", ");
  return new Deno.errors.NotCapable(
    `Cannot connect to ${destination} as net permission for ${
      where === destination ? "it" : where
    } is missing: run with --allow-net=${addresses.join(",")}${
      target ? noFallbackReason(target) : ""
    }`,
    { cause: combineAttemptErrors(destination, failures, { allErrors: true }) },
  );
}
