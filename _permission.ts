// Copyright 2026 the happy-eyeballs authors. MIT license.
// Deno's net permission: under `--allow-net=example.com`, looking the name up
// or connecting to its addresses fails with NotCapable, but
// `Deno.connect({ hostname })` works. Here: the permission queries, the two
// points where connect() leaves the connection to Deno.connect (the look-up
// is denied; some addresses are), and the one NotCapable error that says
// what to grant when every attempt was denied.
import { combineAttemptErrors, formatAddress } from "./errors.ts";
import { ipVersion } from "./_ip.ts";
import { MAX_TIMEOUT } from "./_timer.ts";
import type { AttemptFailure } from "./types.ts";

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
  const host = formatAddress({ hostname, port: port! });
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
}

/**
 * Whether Deno.connect could make this connection in our place: a name, with
 * neither a local address nor a resolver of the caller's.
 */
export function mayFallBack(target: FallbackTarget): boolean {
  return !target.localAddr && !target.resolver && !ipVersion(target.hostname);
}

/**
 * Why to fall back when looking the name up failed with `error`, or
 * `undefined` not to: the permission covers the name but not its look-up.
 */
export function lookupFallback(
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
    formatAddress(target)
  } but not looking up '${hostname}'`;
}

/**
 * Why to fall back before racing `addresses`, or `undefined` not to: the
 * permission covers the name but not all of its addresses.
 */
export function addressesFallback(
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
    formatAddress(target)
  } but not all of its addresses`;
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

/**
 * One error for attempts that all lacked net permission, naming what to
 * grant; `undefined` when some attempt failed otherwise.
 */
export function permissionError(
  destination: string,
  failures: readonly AttemptFailure[],
): Error | undefined {
  if (
    failures.length === 0 ||
    !failures.every((f) => f.error instanceof Deno.errors.NotCapable)
  ) {
    return undefined;
  }
  const addresses = failures.map((failure) => formatAddress(failure.address));
  const where = addresses.join(", ");
  return new Deno.errors.NotCapable(
    `Cannot connect to ${destination} as net permission for ${
      where === destination ? "it" : where
    } is missing: run with --allow-net=${addresses.join(",")}`,
    { cause: combineAttemptErrors(destination, failures, { allErrors: true }) },
  );
}
