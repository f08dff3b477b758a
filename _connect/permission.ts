// Copyright 2026 the happy-eyeballs authors. MIT license.
// Deno's net permission: under `--allow-net=example.com`, looking the name up
// or connecting to its addresses fails with NotCapable, but
// `Deno.connect({ hostname })` works. Here: the permission queries, the one
// decision to leave the connection to Deno.connect (the look-up is denied, or
// some addresses are), that fallback itself, and the denied bind of a local
// address. The NotCapable error of a race that every attempt lost for want
// of permission is made by the combined error (failure.ts).
import { familyOf, ipVersion, joinHostPort } from "../_common/ip.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";
import { showDestination, showHost } from "../_common/show.ts";

/**
 * Net permission for all hosts, queried once: Deno updates the state of a
 * status it handed out when the permission is revoked.
 */
let allHosts: Deno.PermissionStatus | undefined;

/** Whether net permission is granted for `hostname:port`, or for all hosts. */
function isGranted(hostname?: string, port?: number): boolean {
  if (hostname === undefined) {
    allHosts ??= Deno.permissions.querySync({ name: "net" });
    return allHosts.state === "granted";
  }
  const host = joinHostPort(hostname, port!);
  return Deno.permissions.querySync({ name: "net", host }).state === "granted";
}

/** Where connect() may leave a connection to `Deno.connect({ hostname })`. */
export interface FallbackTarget {
  hostname: string;
  port: number;
  /** `happyEyeballsDelay`. */
  delay: number;
  /** Whether `localAddr` is set: Deno.connect cannot bind it. */
  localAddr: unknown;
  /** The caller's resolver: Deno.connect would not use it. */
  resolver: unknown;
  /** `family`: Deno.connect cannot be held to one. */
  family: unknown;
  /** The caller's dial hook: Deno.connect would not use it. */
  dial: unknown;
  /** `attemptTimeout`: Deno.connect's own attempts have none. */
  attemptTimeout: unknown;
}

/** The option that Deno.connect({ hostname }) cannot honour, if any. */
function blocker(target: FallbackTarget): string | undefined {
  return target.localAddr
    ? "localAddr"
    : target.resolver
    ? "resolver"
    : target.family !== undefined
    ? "family"
    : target.dial
    ? "dial"
    : target.attemptTimeout !== undefined
    ? "attemptTimeout"
    : undefined;
}

/**
 * Whether Deno.connect could make this connection in our place: a name, with
 * no option that Deno.connect cannot honour.
 */
function mayFallBack(target: FallbackTarget): boolean {
  return blocker(target) === undefined && !ipVersion(target.hostname);
}

/**
 * Why a missing permission was not left to Deno.connect though the name's
 * permission would have allowed it, to end the error's message; `""` when
 * that was not the case.
 */
export function noFallbackReason(target: FallbackTarget): string {
  const option = blocker(target);
  const { hostname, port } = target;
  return option !== undefined && !ipVersion(hostname) &&
      isGranted(hostname, port)
    ? ` (net permission covers ${
      showDestination(joinHostPort(target.hostname, target.port))
    }, but Deno.connect({ hostname }) cannot take '${option}')`
    : "";
}

/**
 * Why to fall back when looking the name up failed with `error`, or
 * `undefined` not to: the permission covers the name but not its look-up.
 */
function lookupFallback(
  target: FallbackTarget,
  error: unknown,
): string | undefined {
  const { hostname, port } = target;
  if (
    !(error instanceof Deno.errors.NotCapable) || !isGranted(hostname, port)
  ) {
    return undefined;
  }
  return `net permission covers ${
    showDestination(joinHostPort(target.hostname, target.port))
  } but not looking up ${showHost(hostname)}`;
}

/**
 * The error to throw when looking the name up failed with `error` and the
 * connection is not left to Deno.connect: a denied look-up says which option
 * kept it from falling back, when the name's permission would have allowed
 * it.
 */
function lookupError(target: FallbackTarget, error: unknown): unknown {
  if (!(error instanceof Deno.errors.NotCapable)) return error;
  const why = noFallbackReason(target);
  return why
    ? new Deno.errors.NotCapable(`${error.message}${why}`, {
      cause: error.cause,
    })
    : error;
}

/**
 * Why to fall back before racing `addresses`, or `undefined` not to: the
 * permission covers the name but not all of its addresses.
 */
function addressesFallback(
  target: FallbackTarget,
  addresses: readonly Deno.NetAddr[],
): string | undefined {
  const { hostname, port } = target;
  if (
    // One query when every host is allowed.
    isGranted() || addresses.every((a) => isGranted(a.hostname, port)) ||
    !isGranted(hostname, port)
  ) {
    return undefined;
  }
  return `net permission covers ${
    showDestination(joinHostPort(target.hostname, target.port))
  } but not all of its addresses`;
}

/** The errors made by {@linkcode bindPermissionError}. */
const bindDenials = new WeakSet<object>();

/**
 * Whether `error` (or its cause, when it wraps it) is a denied bind of a
 * local address: a bind failure, not a missing permission for the
 * destination.
 */
export function isBindDenial(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (bindDenials.has(error)) return true;
  const { cause } = error as { cause?: unknown };
  return typeof cause === "object" && cause !== null && bindDenials.has(cause);
}

/**
 * The NotCapable error for binding the local address `hostname:port`
 * without net permission for it, or `undefined` when it is granted. node:net,
 * which binds it, would throw this error where no caller can catch it (an
 * uncaught exception, which ends the process): ask before. It is a bind
 * failure, as `EADDRINUSE` is: the next local address may do.
 *
 * @param hostname The local IP literal.
 * @param port The local port; `0` lets the system choose.
 * @returns The error to reject with, or `undefined`.
 */
export function bindPermissionError(
  hostname: string,
  port: number,
): Error | undefined {
  if (isGranted(hostname, port)) return undefined;
  const address = joinHostPort(hostname, port);
  const grant = port !== 0
    ? address
    : familyOf(hostname) === 6
    ? `[${hostname}]`
    : hostname;
  const error = new Deno.errors.NotCapable(
    // Always named after the local address it stands for (_dial.ts).
    `net permission for it is missing: run with --allow-net=${grant}`,
  );
  bindDenials.add(error);
  return error;
}

/** Connects with `Deno.connect({ hostname })` and its own Happy Eyeballs. */
export function fallBack(
  target: FallbackTarget,
  signal: AbortSignal,
): Promise<Deno.TcpConn> {
  return Deno.connect({
    hostname: target.hostname,
    port: target.port,
    signal,
    // Deno treats a huge delay (our Infinity: strictly in turn) as "never
    // start the next attempt"; clamp to the largest timer it honours.
    autoSelectFamilyAttemptDelay: Math.min(target.delay, MAX_TIMEOUT),
  });
}

/** What resolution found, for {@linkcode fallbackReason}. */
export type Found =
  /** The look-up failed with this error (NotCapable when it was denied). */
  | { lookupError: unknown; addresses?: undefined }
  /** The addresses to race. */
  | { addresses: readonly Deno.NetAddr[]; lookupError?: undefined };

/**
 * The one decision: whether to leave this call to
 * `Deno.connect({ hostname })`, which can connect where net permission covers
 * the name but not its look-up, or not all of its addresses. Only for a name,
 * with no option that Deno.connect cannot honour.
 *
 * @param target The call.
 * @param found What resolution found: a look-up error or the addresses.
 * @returns Why to fall back (for the `fallback` event), or `undefined` to go
 * on.
 * @throws {unknown} The look-up's error, when it failed and the call is not
 * left to Deno.connect: a denied look-up then says which option kept it from
 * falling back, when the name's permission would have allowed it.
 */
export function fallbackReason(
  target: FallbackTarget,
  found: Found,
): string | undefined {
  const may = mayFallBack(target);
  if (found.addresses) {
    return may ? addressesFallback(target, found.addresses) : undefined;
  }
  const reason = may ? lookupFallback(target, found.lookupError) : undefined;
  if (reason === undefined) throw lookupError(target, found.lookupError);
  return reason;
}
