// Copyright 2026 the happy-eyeballs authors. MIT license.
// The SOCKS5 tunnel (RFC 1928), with username/password authentication (RFC
// 1929), on the connection the race won to the proxy. `socks5://` names the
// target by an address resolved here (`tunnel_race.ts` resolves the name and
// races the addresses, one tunnel each);
// `socks5h://` lets the proxy resolve the name. Every answer is read to its
// exact length, so that what the target sends first stays on the connection.
import type { CheckedProxy } from "./proxy.ts";
import { guarded, readExactly, writeAll } from "./proxy_hop.ts";
import { ipVersion } from "../_common/ip.ts";
import { showDestination } from "../_common/show.ts";

const NO_AUTH = 0x00;
const USER_PASSWORD = 0x02;

/** RFC 1928 §6: each failure reply, as the matching Deno error and words. */
const REPLIES: Record<number, [new (message: string) => Error, string]> = {
  1: [Error, "general SOCKS server failure"],
  2: [Deno.errors.PermissionDenied, "connection not allowed by ruleset"],
  3: [Deno.errors.NetworkUnreachable, "network unreachable"],
  4: [Deno.errors.NetworkUnreachable, "host unreachable"],
  5: [Deno.errors.ConnectionRefused, "connection refused"],
  6: [Deno.errors.TimedOut, "TTL expired"],
  7: [Deno.errors.NotSupported, "command not supported"],
  8: [Deno.errors.NotSupported, "address type not supported"],
};

/**
 * Asks the SOCKS5 proxy for a tunnel to the target on `conn`, the
 * connection to the proxy, and returns it once the proxy has connected.
 *
 * @param conn The connection to the proxy (closed on any failure).
 * @param proxy The proxy, checked (`socks5` or `socks5h`).
 * @param signal The call's signal.
 * @returns `conn`, now a tunnel to the target.
 * @throws {Deno.errors.ConnectionRefused} When the proxy refuses the tunnel,
 * or the credentials; other reply codes as the matching Deno error class.
 * @throws {Deno.errors.InvalidData} When the proxy does not answer SOCKS5.
 * @throws {DOMException} Named `TimeoutError` after `proxy.timeout`.
 * @throws {unknown} `signal.reason` when `signal` aborts.
 */
export function tunnelSocks(
  conn: Deno.TcpConn,
  proxy: CheckedProxy,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const target = showDestination(proxy.target);
  return guarded(conn, proxy, signal, async (hop) => {
    const { credentials } = proxy;
    const methods = credentials ? [NO_AUTH, USER_PASSWORD] : [NO_AUTH];
    await writeAll(conn, Uint8Array.of(5, methods.length, ...methods));
    const [version, method] = await readExactly(conn, 2, hop);
    if (version !== 5) throw notSocks(hop, `version byte ${version}`);
    if (method === USER_PASSWORD && credentials) {
      const encoder = new TextEncoder();
      const user = encoder.encode(credentials.username);
      const password = encoder.encode(credentials.password);
      await writeAll(
        conn,
        Uint8Array.of(1, user.length, ...user, password.length, ...password),
      );
      // RFC 1929 §2: the sub-negotiation's version is 1.
      const [subVersion, status] = await readExactly(conn, 2, hop);
      if (subVersion !== 1) throw notSocks(hop, `auth version ${subVersion}`);
      if (status !== 0) throw refused(hop, "refused the credentials", target);
    } else if (method !== NO_AUTH) {
      throw refused(
        hop,
        credentials
          ? "accepts no authentication method offered"
          : "requires credentials",
        target,
      );
    }
    await writeAll(conn, request(proxy));
    const head = await readExactly(conn, 4, hop);
    if (head[0] !== 5) throw notSocks(hop, `version byte ${head[0]}`);
    const code = head[1]!;
    if (code !== 0) {
      const [Class, words] = REPLIES[code] ?? [Error, `reply ${code}`];
      throw new Class(
        `Cannot connect as ${hop} could not open the tunnel to ${target}: ${words} (SOCKS5 reply ${code})`,
      );
    }
    // The bound address, and its port: read, and not one byte more.
    const type = head[3];
    const length = type === 1
      ? 4
      : type === 4
      ? 16
      : type === 3
      ? (await readExactly(conn, 1, hop))[0]!
      : -1;
    if (length < 0) throw notSocks(hop, `address type ${type}`);
    await readExactly(conn, length + 2, hop);
  });
}

/** The CONNECT request: the target by address (`socks5`) or name. */
function request(proxy: CheckedProxy): Uint8Array {
  // socks5:// to a name: tunnel_race.ts resolved it, `targetHost` is an
  // address; socks5h:// sends the name.
  const { targetHost: host, targetPort } = proxy;
  const port = [targetPort >> 8, targetPort & 0xff];
  const version = ipVersion(host);
  if (version === 4) {
    return Uint8Array.of(5, 1, 0, 1, ...host.split(".").map(Number), ...port);
  }
  if (version === 6) {
    return Uint8Array.of(5, 1, 0, 4, ...ipv6Bytes(host), ...port);
  }
  const name = new TextEncoder().encode(host);
  return Uint8Array.of(5, 1, 0, 3, name.length, ...name, ...port);
}

/** The 16 bytes of an IPv6 address (no zone id). */
function ipv6Bytes(address: string): number[] {
  const [head = "", tail] = address.split("%")[0]!.split("::");
  const parse = (part: string) =>
    part === ""
      ? []
      : part.split(":").flatMap((group) =>
        group.includes(".")
          ? group.split(".").map(Number)
          : [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]
      );
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [
    ...left,
    ...new Array(16 - left.length - right.length).fill(0),
    ...right,
  ];
}

/** The error of an answer that SOCKS5 does not allow (`what` in it). */
function notSocks(hop: string, what: string): Deno.errors.InvalidData {
  return new Deno.errors.InvalidData(
    `Cannot connect through ${hop}: its answer is not SOCKS5 (${what})`,
  );
}

function refused(
  hop: string,
  what: string,
  target: string,
): Deno.errors.ConnectionRefused {
  return new Deno.errors.ConnectionRefused(
    `Cannot connect as ${hop} ${what} for the tunnel to ${target}`,
  );
}
