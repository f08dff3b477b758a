// Copyright 2026 the happy-eyeballs authors. MIT license.
// Where the addresses of one race come from (Go's resolveAddrList): an IP
// literal as it is, the history's remembered addresses, or a look-up (the
// system resolver, or the caller's `resolver`, and `localAddr`); a failed
// look-up comes back as data, for the one fallback decision.
import { joinHostPort } from "../_common/ip.ts";
import type { Checked } from "./options.ts";
import {
  rememberedTargets,
  resolveTargets,
  systemTargets,
  type Targets,
} from "./resolve.ts";

/** Where the addresses of one race come from. */
export interface Source {
  /** The addresses the history remembers for the name: no look-up. */
  cached?: readonly string[] | undefined;
  /** Addresses an earlier race tried: a fresh answer leaves them out. */
  tried?: ReadonlySet<string> | undefined;
  /** Why that earlier race failed: the error when nothing new is found. */
  error?: unknown;
  /**
   * Set once the race on `cached` raced a fresh answer too: a lost race then
   * calls for no other look-up.
   */
  raced?: boolean;
}

/**
 * What resolution found: what can be attempted, or why the look-up failed
 * (as data: a denied look-up may leave the call to Deno.connect).
 */
export type Resolved =
  | { targets: Targets; lookupError?: undefined }
  | { lookupError: unknown; targets?: undefined };

/**
 * The targets of an IP literal without `localAddr`, at once: nothing to look
 * up, so that its attempt starts within the call to `connect()`; `undefined`
 * for anything else.
 */
export function literalSource(checked: Checked): Resolved | undefined {
  const { hostname, literal } = checked;
  if (!literal || checked.localAddr) return undefined;
  try {
    checkFamily(checked);
  } catch (error) {
    return { lookupError: error };
  }
  return { targets: rememberedTargets(checked, [hostname]) };
}

/** Throws when an IP literal is not of the wanted family. */
function checkFamily(checked: Checked): void {
  const { hostname, port, family, literal } = checked;
  if (literal && family !== undefined && literal !== family) {
    // As getaddrinfo with a family: no address of the other one.
    throw new Deno.errors.NotFound(
      `Cannot connect to ${
        joinHostPort(hostname, port)
      } as it is an IPv${literal} address and 'family' is ${family}`,
    );
  }
}

/**
 * Resolves the addresses of one race from `source`: the history's
 * remembered ones as they are, else a look-up (the system resolver, or the
 * caller's `resolver`, and `localAddr`). Only the caller's signal, a
 * resolver or `localAddr` make it use the call's signal (`call.inner`, of
 * the call's context).
 */
export async function resolveSource(
  checked: Checked,
  call: { readonly inner: AbortSignal },
  source: Source,
): Promise<Resolved> {
  const { signal } = checked;
  try {
    checkFamily(checked);
    if (source.cached) {
      return { targets: rememberedTargets(checked, source.cached) };
    }
    if (!checked.resolver && !checked.localAddr && !signal) {
      return { targets: await systemTargets(checked, source.tried) };
    }
    return {
      targets: await resolveTargets(
        checked,
        call.inner,
        signal !== undefined,
        source.tried,
      ),
    };
  } catch (error) {
    return { lookupError: error };
  }
}
