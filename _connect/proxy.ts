// Copyright 2026 the happy-eyeballs authors. MIT license.
// The `proxy` option: a URL or the same as an object, checked once in the
// plan. With a proxy, the race is to the proxy (the hop this process dials),
// and the target is reached through a tunnel (see `tunnel_http.ts`). The
// credentials never leave this module but as the `Proxy-Authorization`
// header: the proxy is shown as `http://***@host:port`.
import { checkHostname, checkPort, invalid } from "./check_address.ts";
import { joinHostPort, unbracket } from "../_common/ip.ts";
import { showDestination } from "../_common/show.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";

/** A URL's userinfo, as messages hide it. */
const USERINFO_REGEXP = /\/\/[^/@]*@/;

/** The `ProxyOptions` of `types.ts` (not imported: the chain is long). */
interface ProxyOptions {
  protocol?: "http";
  hostname: string;
  port: number;
  username?: string;
  password?: string;
  timeout?: number;
}

/** How long the proxy may take to answer the tunnel request, by default. */
const DEFAULT_PROXY_TIMEOUT = 10_000;

/** The `proxy` option, checked. */
export interface CheckedProxy {
  /** The proxy's host: the race is to its addresses. */
  hostname: string;
  port: number;
  /** The proxy as messages and events show it: `http://***@host:port`. */
  shown: string;
  /** The `Proxy-Authorization` header's value, when credentials are given. */
  authorization: string | undefined;
  /** How long the proxy may take to answer the tunnel request. */
  timeout: number;
  /** The target, as the tunnel request names it: `host:port`. */
  target: string;
}

/**
 * Checks the `proxy` option of a call to `target` (`hostname`, `port`).
 *
 * @param value The option as given: a URL string or a {@linkcode ProxyOptions}.
 * @param hostname The target's host name, checked.
 * @param port The target's port, checked.
 * @returns The proxy, checked.
 * @throws {TypeError} If the option is not an `http://` URL with a host, or
 * not such an object.
 * @throws {RangeError} If its port or timeout is out of range.
 */
export function checkProxy(
  value: unknown,
  hostname: string,
  port: number,
): CheckedProxy {
  const given = typeof value === "string" ? fromUrl(value) : value;
  if (typeof given !== "object" || given === null) {
    invalid(TypeError, "proxy", "an http:// URL or an object", hidden(value));
  }
  const o: { readonly [K in keyof ProxyOptions]?: unknown } = { ...given };
  const { protocol = "http", username, password, timeout } = o;
  if (protocol !== "http") {
    invalid(TypeError, "proxy.protocol", '"http"', protocol);
  }
  if (username !== undefined && typeof username !== "string") {
    invalid(TypeError, "proxy.username", "a string", "***");
  }
  if (password !== undefined && typeof password !== "string") {
    invalid(TypeError, "proxy.password", "a string", "***");
  }
  const proxyHost = checkHostname("proxy.hostname", o.hostname);
  const proxyPort = checkPort("proxy.port", o.port, 1);
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
  const credentials = username !== undefined || password !== undefined;
  return {
    hostname: proxyHost,
    port: proxyPort,
    shown: `http://${credentials ? "***@" : ""}${
      showDestination(joinHostPort(proxyHost, proxyPort))
    }`,
    authorization: credentials
      ? `Basic ${basic(`${username ?? ""}:${password ?? ""}`)}`
      : undefined,
    timeout: wait,
    target: joinHostPort(hostname, port),
  };
}

/** A proxy URL as an object; throws a TypeError that hides credentials. */
function fromUrl(value: string): ProxyOptions {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(TypeError, "proxy", "an http:// URL", hidden(value));
  }
  const port = url.port === "" ? 80 : Number(url.port);
  if (
    url.protocol !== "http:" || url.hostname === "" ||
    (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash
  ) {
    invalid(
      TypeError,
      "proxy",
      "an http:// URL with a host and an optional port, nothing else",
      hidden(value),
    );
  }
  const options: ProxyOptions = {
    protocol: "http",
    hostname: unbracket(url.hostname),
    port,
  };
  // The URL's userinfo is percent-encoded (RFC 3986 §3.2.1), as curl's.
  if (url.username !== "" || url.password !== "") {
    options.username = decodeURIComponent(url.username);
    options.password = decodeURIComponent(url.password);
  }
  return options;
}

/** A proxy URL as a message may show it: its credentials as `***`. */
function hidden(value: unknown): unknown {
  return typeof value === "string"
    ? value.replace(USERINFO_REGEXP, "//***@")
    : value;
}

/** Base64 of the UTF-8 bytes of `text` (RFC 7617 §2.1, charset UTF-8). */
function basic(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}
