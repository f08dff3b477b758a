// Copyright 2026 the happy-eyeballs authors. MIT license.
// IP literals: the one place that says what an IPv4 or IPv6 address looks
// like, strips or adds the brackets of an IPv6 address, and tells a family.
// The grammar is that of Node's `net.isIP()` (and of getaddrinfo's
// numeric forms): dotted-quad IPv4 without leading zeros, IPv6 in any RFC 4291
// text form, with an optional zone id (`fe80::1%eth0`). No `node:*` import,
// so that importing it costs nothing and runs anywhere.
import type { Family } from "./types.ts";

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const ZONE_ID = /^[0-9A-Za-z\-.:]+$/;

/**
 * Whether `value` is a dotted-quad IPv4 address, such as `127.0.0.1`: four
 * decimal numbers from 0 to 255, without leading zeros. A scan of the
 * characters rather than a regular expression: it runs on every connection,
 * where it saves about a microsecond (measured between real connections).
 */
export function isIpv4(value: string): boolean {
  let parts = 0;
  let number = 0;
  let digits = 0;
  for (let i = 0; i <= value.length; i++) {
    // The end acts as a last dot.
    const code = i < value.length ? value.charCodeAt(i) : 46;
    if (code === 46) {
      if (digits === 0 || number > 255) return false;
      parts++;
      number = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      // A zero only alone.
      if (digits === 1 && number === 0) return false;
      number = number * 10 + code - 48;
      digits++;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/**
 * Whether `value` is an IPv6 address (without brackets), such as `::1`,
 * `2001:db8::1`, `::ffff:127.0.0.1` or `fe80::1%eth0`.
 */
export function isIpv6(value: string): boolean {
  const percent = value.indexOf("%");
  const address = percent === -1 ? value : value.slice(0, percent);
  if (percent !== -1 && !ZONE_ID.test(value.slice(percent + 1))) return false;
  const halves = address.split("::");
  if (halves.length > 2) return false;
  const groups = halves.map((half) => half === "" ? [] : half.split(":"));
  const all = groups.flat();
  let count = all.length;
  for (let i = 0; i < all.length; i++) {
    const group = all[i]!;
    if (HEX_GROUP.test(group)) continue;
    // An IPv4 address may end the address, in place of two groups.
    if (i !== all.length - 1 || !isIpv4(group)) return false;
    count++;
  }
  // "::" stands for one group or more.
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * The version of an IP literal: `4`, `6`, or `0` when `value` is not one
 * (a host name). Quick to say no to host names.
 */
export function ipVersion(value: string): 0 | Family {
  if (value.includes(":")) return isIpv6(value) ? 6 : 0;
  return isIpv4(value) ? 4 : 0;
}

/**
 * The family of an IP literal already checked: cheaper than
 * {@linkcode ipVersion}, on the hot path of every attempt.
 */
export function familyOf(address: string): Family {
  return address.includes(":") ? 6 : 4;
}

/** `value` without the brackets around it, if it is in brackets. */
export function unbracket(value: string): string {
  return value.startsWith("[") && value.endsWith("]")
    ? value.slice(1, -1)
    : value;
}

/** `hostname:port`, with brackets around an IPv6 address. */
export function joinHostPort(hostname: string, port: number): string {
  return hostname.includes(":")
    ? `[${hostname}]:${port}`
    : `${hostname}:${port}`;
}
