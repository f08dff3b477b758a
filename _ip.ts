// Copyright 2026 the happy-eyeballs authors. MIT license.
// IP literals as data: one canonical form per address, so that addresses are
// compared, deduplicated and shown alike wherever they come from.

/**
 * Whether an IPv6 literal carries a zone id (`fe80::1%eth0`). Deno.connect
 * does not take one the way it is written (it goes to getaddrinfo as a name),
 * nor do the net permission and TLS, so zone ids are refused up front.
 */
export function hasZoneId(address: string): boolean {
  return address.includes("%");
}

/**
 * The canonical text of an IP literal (checked before): IPv4 as it is, IPv6
 * in the WHATWG URL serialisation (lower case, no leading zeros, the longest
 * run of zero groups as `::`), so that `0:0:0:0:0:0:0:1` and `::1` are one
 * address; that is RFC 5952's form, whose dotted IPv4-mapped addresses
 * (`::ffff:127.0.0.1`, §5) are put back, as the URL parser writes them in
 * hexadecimal.
 */
export function canonicalIp(address: string): string {
  if (!address.includes(":")) return address;
  // The common short forms are already canonical: skip the URL parser.
  if (CANONICAL_IPV6.test(address)) return address;
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * IPv6 literals that are canonical as they are: lower-case groups without
 * leading zeros, one `::` for at least two zero groups. Cheap to test; the
 * URL parser handles the rest.
 */
const CANONICAL_IPV6 =
  /^(?:::1|(?:[1-9a-f][0-9a-f]{0,3}:){1,4}:(?:[1-9a-f][0-9a-f]{0,3})?)$/;
