// Copyright 2026 the happy-eyeballs authors. MIT license.
// Happy Eyeballs through a SOCKS5 proxy (`socks5://`), on the target's side:
// the target's name is resolved here, so its addresses can be raced as a
// direct connection's are, each through a tunnel of its own. The proxy's own
// connection to the target is out of our hands, but its answer is not: a
// SOCKS5 CONNECT is answered once the proxy has connected (or failed to), so
// an address whose tunnel stays silent for the attempt delay lets the next
// one start through another connection to the same proxy address, and the
// first tunnel open wins. No peer does this: curl, Go's x/net/proxy and
// hyper-util send the first address only, and a target whose first address
// is blackholed then waits for the proxy's connect timeout (minutes).
import type { Checked } from "./options.ts";
import type { CheckedProxy } from "./proxy.ts";
import { hopOf } from "./proxy_hop.ts";
import { systemResolve } from "./system_lookup.ts";
import { combineAttemptErrors } from "../errors.ts";
import { interleave, staggeredRace } from "../happy_eyeballs.ts";
import { closeQuietly } from "../_common/conn.ts";
import { ipVersion, joinHostPort } from "../_common/ip.ts";
import { messageOf, wrapError } from "../_common/errors.ts";
import { showDestination } from "../_common/show.ts";

/** Opens one tunnel on `conn` to `proxy.target`, telling its events. */
export type OpenTunnel = (
  conn: Deno.TcpConn,
  proxy: CheckedProxy,
  signal: AbortSignal,
  index?: number,
) => Promise<Deno.TcpConn>;

/**
 * What the race needs of the call's context (`CallContext`); its caller,
 * `via()`, settles it and throws a failed callback's error.
 */
export interface RaceContext {
  /** The signal of what the race starts (the caller's, a callback's). */
  readonly inner: AbortSignal;
  /** Throws what a callback threw, if one did. */
  throwIfFailed(): void;
}

/**
 * Whether the target's name is resolved here, and its addresses raced
 * through the proxy: `socks5://` to a name.
 */
export function racesTargets(checked: Checked): boolean {
  const { proxy } = checked;
  return proxy?.protocol === "socks5" && ipVersion(proxy.targetHost) === 0;
}

/**
 * Resolves the target's name here, then races its addresses, each through
 * its own tunnel: the first on `conn`, the next ones on new connections to
 * the proxy's address that `conn` reached, one every `checked.delay` (or as
 * soon as the latest fails), families interleaved.
 *
 * @param conn The connection the race won to the proxy (closed on failure,
 * or when another tunnel wins).
 * @param checked The plan (`racesTargets(checked)`).
 * @param call The call's context: its events and callbacks.
 * @param open Opens one tunnel, telling its events.
 * @returns The tunnel that opened first.
 * @throws {Error} The tunnel's error when one address was tried, else the
 * tunnels' errors combined as `connect()` combines its attempts'.
 */
export async function raceTunnels(
  conn: Deno.TcpConn,
  checked: Checked & { proxy: CheckedProxy },
  call: RaceContext,
  open: OpenTunnel,
): Promise<Deno.TcpConn> {
  const { proxy } = checked;
  const signal = call.inner;
  const hop = hopOf(conn, proxy);
  let addresses: readonly string[];
  try {
    addresses = await systemResolve(proxy.targetHost, undefined, signal);
  } catch (error) {
    closeQuietly(conn);
    if (signal.aborted && error === signal.reason) throw error;
    throw wrapError(
      error,
      `Cannot look up ${
        showDestination(proxy.targetHost)
      } for the tunnel through ${hop} (socks5:// resolves it here): ${
        messageOf(error)
      }`,
    );
  }
  const through = (address: string): CheckedProxy => ({
    ...proxy,
    targetHost: address,
    target: joinHostPort(address, proxy.targetPort),
  });
  const ordered = interleave(addresses, ipVersion, {
    firstFamilyCount: checked.interleave,
  });
  const proxyAddress = conn.remoteAddr;
  // One tunnel, to the first address, as curl: with a dial hook or a local
  // address, which new connections could not honour as the race to the
  // proxy did; or with permission for the proxy's name alone (the race fell
  // back to Deno.connect by name), not for its address.
  if (
    ordered.length === 1 || checked.dial !== undefined ||
    checked.localAddr !== undefined || !mayConnect(proxyAddress)
  ) {
    return await open(conn, through(ordered[0]!), signal);
  }
  let started = false;
  const attempts = ordered.map((address, index) => (inner: AbortSignal) => {
    if (index === 0) {
      started = true;
      return open(conn, through(address), inner, index);
    }
    // The proxy's address that the race reached: no race to it again.
    return Deno.connect({
      hostname: proxyAddress.hostname,
      port: proxyAddress.port,
      autoSelectFamily: false,
      signal: inner,
    }).then(
      (next) => open(next, through(address), inner, index),
      (error) => {
        if (inner.aborted) throw inner.reason;
        throw wrapError(error, `Cannot connect to ${hop}: ${messageOf(error)}`);
      },
    );
  });
  try {
    const result = await staggeredRace(attempts, {
      delay: checked.delay,
      signal,
      dispose: closeQuietly,
    });
    if (!result.ok) {
      const failures = result.errors.map((error, i) => ({
        address: {
          transport: "tcp" as const,
          hostname: ordered[i]!,
          port: proxy.targetPort,
        },
        error,
      }));
      throw combineAttemptErrors(
        `${showDestination(proxy.target)} through ${hop}`,
        failures,
        { allErrors: checked.allErrors },
      );
    }
    try {
      call.throwIfFailed();
    } catch (error) {
      closeQuietly(result.value);
      throw error;
    }
    return result.value;
  } finally {
    // Never started: the race was aborted before it began.
    if (!started) closeQuietly(conn);
  }
}

/** Whether net permission is granted for `address` itself, without asking. */
function mayConnect(address: Deno.NetAddr): boolean {
  const host = joinHostPort(address.hostname, address.port);
  return Deno.permissions.querySync({ name: "net", host }).state === "granted";
}
