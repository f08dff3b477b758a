// Copyright 2026 the happy-eyeballs authors. MIT license.
// `proxy: "env"`: the proxy the environment names for a target, with curl's
// rules. `https_proxy`/`HTTPS_PROXY` for a TLS target, `http_proxy` (lower
// case only, as curl: a CGI server sets HTTP_PROXY from a request's `Proxy:`
// header, "httpoxy") for the others, then `all_proxy`/`ALL_PROXY`; none when
// `no_proxy`/`NO_PROXY` matches the target: `*`, domain suffixes (a leading
// dot or not), IP addresses and CIDR ranges, each optionally with `:port`.
import { matchSubnets } from "@std/net/unstable-ip";
import { canonicalIp, ipVersion, unbracket, withoutZone } from "./ip.ts";

/** What separates the entries of `no_proxy`. */
const SEPARATOR_REGEXP = /[\s,]+/;
/** An entry with a port: `host:port` or `[ipv6]:port`. */
const PORTED_REGEXP = /^(\[[^\]]+\]|[^:]+):([0-9]+)$/;
/** A trailing dot (a fully qualified name). */
const TRAILING_DOT_REGEXP = /\.$/;
/** A leading `.` or `*.` of a domain entry. */
const LEADING_DOT_REGEXP = /^\*?\./;

/** Reads one environment variable (`Deno.env.get`). */
export type EnvReader = (name: string) => string | undefined;

/** The first of `names` set to a non-empty value, lower case first. */
function first(env: EnvReader, names: string[]): string | undefined {
  for (const name of names) {
    const value = env(name)?.trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * The proxy URL the environment names for a connection to `hostname:port`,
 * with curl's rules; `undefined` when none applies.
 *
 * @param hostname The target's host name or IP address.
 * @param port The target's port.
 * @param tls Whether the target is reached with TLS (`https_proxy`).
 * @param env Reads a variable.
 * @returns The proxy URL (`http://` added when it names no scheme, as curl),
 * or `undefined`.
 */
export function proxyFromEnv(
  hostname: string,
  port: number,
  tls: boolean,
  env: EnvReader,
): string | undefined {
  const noProxy = first(env, ["no_proxy", "NO_PROXY"]);
  if (noProxy !== undefined && noProxyMatches(noProxy, hostname, port)) {
    return undefined;
  }
  const url = first(
    env,
    tls
      ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
      : ["http_proxy", "all_proxy", "ALL_PROXY"],
  );
  if (url === undefined) return undefined;
  return url.includes("://") ? url : `http://${url}`;
}

/**
 * Whether `no_proxy` (comma- or space-separated entries) matches the target.
 *
 * @param noProxy The value of `no_proxy`.
 * @param hostname The target's host name or IP address.
 * @param port The target's port.
 * @returns `true` when the target goes without the proxy.
 */
export function noProxyMatches(
  noProxy: string,
  hostname: string,
  port: number,
): boolean {
  const host = unbracket(hostname).toLowerCase().replace(
    TRAILING_DOT_REGEXP,
    "",
  );
  const ip = ipVersion(host) === 0 ? undefined : canonicalIp(withoutZone(host));
  for (const raw of noProxy.split(SEPARATOR_REGEXP)) {
    let entry = raw.toLowerCase();
    if (entry === "*") return true;
    if (entry === "") continue;
    // `host:port` and `[ipv6]:port` match that port only.
    const ported = PORTED_REGEXP.exec(entry);
    if (ported) {
      if (Number(ported[2]) !== port) continue;
      entry = ported[1]!;
    }
    entry = unbracket(entry).replace(TRAILING_DOT_REGEXP, "");
    if (entry.includes("/")) {
      if (ip !== undefined && matchSubnets(ip, [entry])) return true;
    } else if (ipVersion(entry) !== 0) {
      if (ip !== undefined && canonicalIp(entry) === ip) return true;
    } else {
      const domain = entry.replace(LEADING_DOT_REGEXP, "");
      if (host === domain || host.endsWith(`.${domain}`)) return true;
    }
  }
  return false;
}
