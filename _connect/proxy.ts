// Copyright 2026 the happy-eyeballs authors. MIT license.
// The `proxy` option: a URL or the same as an object, checked once in the
// plan. With a proxy, the race is to the proxy (the hop this process dials),
// and the target is reached through a tunnel (`tunnel_http.ts`,
// `tunnel_socks.ts`). The credentials go nowhere but to the proxy: it is
// shown as `http://***@host:port`.
import { checkHostname, checkPort, invalid } from "./check_address.ts";
import { joinHostPort, unbracket } from "../_common/ip.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";
import { proxyFromEnv } from "../_common/no_proxy.ts";
import { checkKnownKeys, showDestination } from "../_common/show.ts";
import { type NormalizedTlsOptions, parseTlsOptions } from "../_tls/options.ts";

/**
 * A URL's userinfo, as messages hide it: everything after the scheme's `//`
 * (or from the start, when a URL lacks them: `user:pw@host`) up to the last
 * `@`, as a password may hold `/` and `@` (in a URL refused, not encoded).
 */
const USERINFO_REGEXP = /^(?:[a-z][a-z0-9+.-]*:\/\/)?.*@/i;

/** A URL's scheme and its `//`. */
const SCHEME_REGEXP = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The protocols of a proxy, and the port of each by default. */
const PROTOCOLS = {
  http: 80,
  https: 443,
  socks5: 1080,
  socks5h: 1080,
} as const;

/** A proxy's protocol. */
export type ProxyProtocol = keyof typeof PROTOCOLS;

/**
 * Every field of `ProxyOptions` of `types.ts` in one shape (not imported: a
 * type import counts in the import chains, and this one would be 11 long).
 */
interface ProxyOptions {
  protocol?: ProxyProtocol;
  hostname?: string;
  port?: number;
  username?: string;
  password?: string;
  caCerts?: string[];
  timeout?: number;
  url?: string;
}

/** The keys of `ProxyOptions`, in the order in which they are documented. */
const PROXY_OPTION_KEYS = [
  "caCerts",
  "timeout",
  "protocol",
  "hostname",
  "port",
  "username",
  "password",
  "url",
];

/** How long the proxy may take to answer the tunnel request, by default. */
const DEFAULT_PROXY_TIMEOUT = 10_000;

/** The `proxy` option, checked. */
export interface CheckedProxy {
  protocol: ProxyProtocol;
  /** The proxy's host: the race is to its addresses. */
  hostname: string;
  port: number;
  /** The proxy as messages and events show it: `http://***@host:port`. */
  shown: string;
  /** The user name and password, for the proxy only. */
  credentials: { username: string; password: string } | undefined;
  /** How long the proxy may take to answer the tunnel request. */
  timeout: number;
  /**
   * For `https://`: the TLS to the proxy (its name, `caCerts`, `timeout`
   * as the handshake's).
   */
  tls: NormalizedTlsOptions | undefined;
  /** The target's host name and port. */
  targetHost: string;
  targetPort: number;
  /** The target, as the HTTP tunnel request names it: `host:port`. */
  target: string;
}

const PROTOCOL_RULE = '"http", "https", "socks5" or "socks5h"';

/**
 * Checks the `proxy` option of a call to `target` (`hostname`, `port`).
 *
 * @param value The option as given: a URL string, a
 * {@linkcode ProxyOptions}, or `"env"`.
 * @param hostname The target's host name, checked.
 * @param port The target's port, checked.
 * @param tls Whether TLS to the target follows (`"env"`: `https_proxy`).
 * @returns The proxy, checked; with `"env"`, none when the environment
 * names none for the target.
 * @throws {TypeError} If the option is not a proxy URL with a host, or not
 * such an object.
 * @throws {RangeError} If its port or timeout is out of range, or (SOCKS5) a
 * credential is longer than 255 bytes.
 */
export function checkProxy(
  value: unknown,
  hostname: string,
  port: number,
  tls: boolean,
): CheckedProxy | undefined {
  let settings: ProxyOptions = {};
  if (typeof value === "object" && value !== null && "url" in value) {
    // { url, caCerts, timeout }: the URL with settings.
    checkKnownKeys("Cannot connect", value, PROXY_OPTION_KEYS, "proxy.");
    const { url, caCerts, timeout, ...rest } = value as ProxyOptions;
    if (typeof url !== "string") {
      invalid(TypeError, "proxy.url", "a proxy URL", typeof url);
    }
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      invalid(
        TypeError,
        `proxy.${extra[0]}`,
        "left out with 'proxy.url', which says it",
        "***",
      );
    }
    settings = {
      ...caCerts !== undefined && { caCerts },
      ...timeout !== undefined && { timeout },
    };
    value = url;
  }
  const fromEnv = value === "env";
  if (fromEnv) {
    // curl's rules; no proxy when the environment names none for the target.
    const url = proxyFromEnv(hostname, port, tls, (name) => Deno.env.get(name));
    if (url === undefined) return undefined;
    value = url;
  }
  const given = typeof value === "string"
    ? { ...fromUrl(value), ...settings }
    : value;
  if (typeof given !== "object" || given === null) {
    invalid(TypeError, "proxy", "a proxy URL or an object", hidden(value));
  }
  checkKnownKeys("Cannot connect", given, PROXY_OPTION_KEYS, "proxy.");
  const o: { readonly [K in keyof ProxyOptions]?: unknown } = { ...given };
  const { protocol = "http", username, password, timeout } = o;
  if (typeof protocol !== "string" || !Object.hasOwn(PROTOCOLS, protocol)) {
    invalid(TypeError, "proxy.protocol", PROTOCOL_RULE, protocol);
  }
  const kind = protocol as ProxyProtocol;
  for (const [key, text] of [["username", username], ["password", password]]) {
    if (text === undefined) continue;
    if (typeof text !== "string") {
      invalid(TypeError, `proxy.${key}`, "a string", "***");
    }
    // RFC 1929 §2: each in one length byte.
    const bytes = new TextEncoder().encode(text).length;
    if (kind.startsWith("socks") && (bytes < 1 || bytes > 255)) {
      invalid(RangeError, `proxy.${key}`, "1 to 255 bytes for SOCKS5", "***");
    }
  }
  const proxyHost = checkHostname("proxy.hostname", o.hostname);
  const proxyPort = checkPort("proxy.port", o.port ?? PROTOCOLS[kind], 1);
  const wait = timeout ?? DEFAULT_PROXY_TIMEOUT;
  if (typeof wait !== "number") {
    invalid(TypeError, "proxy.timeout", "a number", wait);
  }
  if (!(wait > 0 && wait <= MAX_TIMEOUT)) {
    invalid(
      RangeError,
      "proxy.timeout",
      `a number of milliseconds above 0, at most ${MAX_TIMEOUT}`,
      wait,
    );
  }
  // The environment may name an http:// proxy as well as an https:// one:
  // its roots then serve nothing, and are no mistake.
  if (o.caCerts !== undefined && kind !== "https" && !fromEnv) {
    invalid(TypeError, "proxy.caCerts", "left out but for an https:// proxy", [
      "...",
    ]);
  }
  const hasCredentials = username !== undefined || password !== undefined;
  return {
    protocol: kind,
    hostname: proxyHost,
    port: proxyPort,
    shown: `${kind}://${hasCredentials ? "***@" : ""}${
      showDestination(joinHostPort(proxyHost, proxyPort))
    }`,
    credentials: hasCredentials
      ? {
        username: (username ?? "") as string,
        password: (password ?? "") as string,
      }
      : undefined,
    timeout: wait,
    tls: kind === "https"
      ? {
        ...parseTlsOptions(
          { caCerts: o.caCerts, handshakeTimeout: wait },
          "proxy.",
        ),
        // The name of the hop: as curl, the proxy's host is verified.
        serverName: proxyHost,
        raceHandshake: false,
      }
      : undefined,
    targetHost: hostname,
    targetPort: port,
    target: joinHostPort(hostname, port),
  };
}

/** A proxy URL as an object; throws a TypeError that hides credentials. */
function fromUrl(value: string): ProxyOptions {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(TypeError, "proxy", "a proxy URL", hidden(value));
  }
  const protocol = url.protocol.slice(0, -1);
  if (
    !Object.hasOwn(PROTOCOLS, protocol) || url.hostname === "" ||
    (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash
  ) {
    invalid(
      TypeError,
      "proxy",
      "an http://, https://, socks5:// or socks5h:// URL with a host and an optional port, nothing else",
      hidden(value),
    );
  }
  const options: ProxyOptions = {
    protocol: protocol as ProxyProtocol,
    hostname: unbracket(url.hostname),
  };
  if (url.port !== "") options.port = Number(url.port);
  // The URL's userinfo is percent-encoded (RFC 3986 §3.2.1), as curl's.
  if (url.username !== "" || url.password !== "") {
    options.username = decodeUserinfo(url.username, "username");
    options.password = decodeUserinfo(url.password, "password");
  }
  return options;
}

/** A percent-encoded part of a URL's userinfo, decoded (not shown). */
function decodeUserinfo(text: string, key: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // `%zz`, or bytes that are not UTF-8: the URL parser lets them through.
    return invalid(TypeError, `proxy.${key}`, "percent-encoded UTF-8", "***");
  }
}

/** A proxy URL as a message may show it: its credentials as `***`. */
function hidden(value: unknown): unknown {
  return typeof value === "string"
    ? value.replace(
      USERINFO_REGEXP,
      (userinfo) => `${SCHEME_REGEXP.exec(userinfo)?.[0] ?? ""}***@`,
    )
    : value;
}

/**
 * The `Proxy-Authorization` header's value (RFC 7617, UTF-8), when the
 * proxy has credentials.
 */
export function basicAuthorization(proxy: CheckedProxy): string | undefined {
  if (!proxy.credentials) return undefined;
  const { username, password } = proxy.credentials;
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${bytes.toBase64()}`;
}
