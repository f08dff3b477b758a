// Copyright 2026 the happy-eyeballs authors. MIT license.
// Checking a host name or IP literal and a port, as every option of
// connect() that names one does (`hostname`, `localAddr`): the errors say
// which option and what it must be.
import {
  canonicalIp,
  hasZoneId,
  ipVersion,
  isIpv4,
  unbracket,
} from "../_common/ip.ts";
import { checkKnownKeys, show } from "../_common/show.ts";
import { ownOptions } from "../_common/own_options.ts";
import { toAscii } from "../_common/idna.ts";
import { scopedAddress } from "../_common/zone.ts";

const ACTION = "Cannot connect";

const MAX_HOSTNAME_LENGTH = 253;
/** Throws the error of an option that breaks its rule. */
export function invalid(
  Class: typeof TypeError | typeof RangeError,
  option: string,
  rule: string,
  value: unknown,
): never {
  throw new Class(
    `${ACTION} as '${option}' must be ${rule}: current value is ${show(value)}`,
  );
}

/**
 * Printable ASCII without spaces, `/`, `\\` or `@`: what passes the check of
 * {@linkcode checkName} without its regular expressions. A regular
 * expression rather than a scan: 10 ns slower once V8 has optimized the scan,
 * 15 times quicker before.
 */
const PRINTABLE_ASCII_REGEXP = /^[\x21-\x2e\x30-\x3f\x41-\x5b\x5d-\x7e]*$/;

/**
 * Checks a host name or IP literal, and gives the form used from then on, for
 * resolution, permission checks, SNI and the certificate check alike: an IP
 * literal in its canonical form, without brackets; a name with non-ASCII
 * characters in its ASCII (punycode) form, as browsers and curl do.
 */
export function checkHostname(option: string, value: unknown): string {
  // The most common value, checked and canonical in one scan, in a function
  // small enough for V8 to optimize after a few calls.
  return typeof value === "string" && isIpv4(value)
    ? value
    : checkName(option, value);
}

/** What a zone id must be. */
const ZONE_RULE =
  "an IPv6 address whose zone id is an interface index, or the name of an interface with a link-local address";

/** {@linkcode checkHostname} for all but an IPv4 literal. */
function checkName(option: string, value: unknown): string {
  if (typeof value !== "string") invalid(TypeError, option, "a string", value);
  let bare = unbracket(value);
  const rule =
    `a host name or IP address of 1 to ${MAX_HOSTNAME_LENGTH} characters without spaces or control characters`;
  // The regular expressions only for what a quick scan cannot clear.
  const plain = PRINTABLE_ASCII_REGEXP.test(bare);
  if (
    bare.length === 0 || bare.length > MAX_HOSTNAME_LENGTH ||
    // deno-lint-ignore no-control-regex
    (!plain && /[\s\x00-\x1f\x7f/\\@]/.test(bare))
  ) {
    invalid(TypeError, option, rule, value);
  }
  if (hasZoneId(bare)) {
    // Only an IPv6 address has a zone id: `%` in a name is no zone id.
    if (ipVersion(bare) !== 6) {
      invalid(TypeError, option, `${rule}, '%' only in an IPv6 zone id`, value);
    }
    // Deno.connect takes the interface index: a name is mapped to it.
    return scopedAddress(bare) ??
      invalid(TypeError, option, ZONE_RULE, value);
  }
  const version = ipVersion(bare);
  if (bare !== value && version !== 6) {
    invalid(TypeError, option, "an IPv6 address when in brackets", value);
  }
  if (version !== 0) return canonicalIp(bare);
  // deno-lint-ignore no-control-regex
  if (!plain && /[^\x00-\x7f]/.test(bare)) {
    bare = toAscii(bare) ??
      invalid(TypeError, option, "a valid internationalized host name", value);
    if (bare.length > MAX_HOSTNAME_LENGTH) {
      invalid(TypeError, option, rule, value);
    }
  }
  return bare;
}

/** Checks a port number: an integer from `min` to 65535. */
export function checkPort(option: string, value: unknown, min: number): number {
  if (typeof value !== "number") invalid(TypeError, option, "a number", value);
  if (!Number.isInteger(value) || value < min || value > 65535) {
    invalid(RangeError, option, `an integer from ${min} to 65535`, value);
  }
  return value;
}

/** The keys of `localAddr`: a `Deno.NetAddr` may be given as it is. */
const LOCAL_ADDR_KEYS = ["hostname", "port", "transport"];

/**
 * Checks `localAddr`: an object with a host name or IP literal and a port
 * (`0`, the system's choice, by default); a `Deno.NetAddr` of TCP too. Only
 * its own properties count, each read once.
 */
export function checkLocalAddr(
  local: unknown,
): { hostname: string; port: number } {
  if (typeof local !== "object" || local === null) {
    invalid(TypeError, "localAddr", "an object { hostname, port? }", local);
  }
  checkKnownKeys(ACTION, local, LOCAL_ADDR_KEYS, "localAddr.");
  const own = ownOptions(local, LOCAL_ADDR_KEYS);
  const { transport } = own as { transport?: unknown };
  if (transport !== undefined && transport !== "tcp") {
    // A Deno.NetAddr of TCP is welcome; nothing else is.
    invalid(TypeError, "localAddr.transport", '"tcp" if given', transport);
  }
  const { hostname, port = 0 } = own as { hostname?: unknown; port?: unknown };
  return {
    hostname: checkHostname("localAddr.hostname", hostname),
    port: checkPort("localAddr.port", port, 0),
  };
}
