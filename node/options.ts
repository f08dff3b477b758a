// Copyright 2026 the happy-eyeballs authors. MIT license.
// The options that npm clients hand their connect hooks, in `node:net` and
// `node:tls` names, translated into `connect()`'s: `fromNodeOptions()`,
// exported by `mod.ts`. Only own properties are read, and what would change
// how the server is verified is refused, never mapped or ignored.
import type { ConnectOptions, ConnectTarget } from "../types.ts";
import { show } from "../_common/show.ts";
import { ownOptions } from "../_common/own_options.ts";
import type { TlsOptions } from "../types.ts";
import type { LookupFunction } from "node:net";
import { alpnList, netOptions, nodePort } from "./_net_options.ts";

/**
 * The options of `createConnection()`: those of `connect()`, and
 * `node:net`'s `timeout`.
 */
export type NodeSocketOptions = ConnectOptions & ConnectTarget & {
  /**
   * Milliseconds of inactivity after which the socket emits `timeout`, from
   * the start (while dialling too), as `node:net`'s option: the socket's
   * `setTimeout()`. `connect()` itself has no such option.
   *
   * @default {undefined} (no inactivity timeout)
   */
  timeout?: number | undefined;
};

/** PEM text or bytes, as `node:tls` takes a CA, a certificate or a key. */
export type NodePem = string | Uint8Array;

/**
 * The options that clients hand their connect hooks, in `node:net` and
 * `node:tls` names. Only the object's own properties are read; other keys
 * are ignored, except those that change how the server is verified, which
 * are refused (see {@linkcode fromNodeOptions}).
 */
export interface NodeConnectOptions {
  /** The host (`node:net`). */
  host?: string | null | undefined;
  /** The host, as undici names it; wins over `host`. */
  hostname?: string | null | undefined;
  /** The port, a number or a string; empty means the protocol's default. */
  port?: number | string | null | undefined;
  /** `"https:"` asks for TLS (undici). */
  protocol?: string | null | undefined;
  /** The TLS server name (SNI); empty means none. */
  servername?: string | null | undefined;
  /** ALPN protocols to offer. */
  ALPNProtocols?: readonly string[] | null | undefined;
  /** CA certificates (PEM) to trust. */
  ca?: NodePem | readonly NodePem[] | null | undefined;
  /** The client certificate chain (PEM), with `key`. */
  cert?: NodePem | readonly NodePem[] | null | undefined;
  /** The client certificate's private key (PEM, unencrypted), with `cert`. */
  key?: NodePem | readonly NodePem[] | null | undefined;
  /** `false` is refused: see {@linkcode fromNodeOptions}. */
  rejectUnauthorized?: boolean | undefined;
  /** Refused: see {@linkcode fromNodeOptions}. */
  checkServerIdentity?: unknown;
  /**
   * A function of `dns.lookup`'s shape, `(hostname, options, callback)`: the
   * resolver (`resolver` of {@linkcode connect}).
   */
  lookup?: LookupFunction | undefined;
  /** The local address to bind (`localAddr.hostname`). */
  localAddress?: string | undefined;
  /** The local port to bind (`localAddr.port`), with `localAddress`. */
  localPort?: number | undefined;
  /** `4` or `6` for one family only; `0` for both. */
  family?: number | undefined;
  /** Milliseconds of inactivity before the socket emits `timeout`. */
  timeout?: number | undefined;
  /** A Unix socket path: refused. */
  path?: string | null | undefined;
  /** Other keys are ignored. */
  [key: string]: unknown;
}

/**
 * `node:tls` options that change how the server is verified or what the
 * client proves, which Deno cannot honour, and what to use instead.
 */
const REFUSED: Readonly<Record<string, string>> = {
  checkServerIdentity:
    "Deno checks the server's name itself; trust the server's CA with 'tls.caCerts', or skip only the name check with 'tls.unsafelyDisableHostnameVerification'",
  secureContext:
    "its settings cannot be read; give 'ca', 'cert' and 'key' (or 'tls.caCerts', 'tls.cert' and 'tls.key')",
  pfx:
    "Deno takes a client certificate as PEM; give 'cert' and 'key' (or 'tls.cert' and 'tls.key')",
  passphrase:
    "Deno takes an unencrypted private key; give it decrypted as 'key' (or 'tls.key')",
  crl: "Deno does not check certificate revocation lists",
};

/** The keys of {@linkcode NodeConnectOptions} that are read. */
const NODE_KEYS: readonly string[] = [
  "host",
  "hostname",
  "port",
  "protocol",
  "servername",
  "ALPNProtocols",
  "ca",
  "cert",
  "key",
  "rejectUnauthorized",
  "lookup",
  "localAddress",
  "localPort",
  "family",
  "timeout",
  "path",
  ...Object.keys(REFUSED),
];

/** The one key of `connect()`'s options read here. */
const TLS_KEY: readonly string[] = ["tls"];

/**
 * The PEM text of a `node:tls` value: PEM text or bytes, or a list of them
 * (for `ca`; a list of one for `cert` and `key`). A key is never shown.
 */
function pem(name: string, value: unknown, list: boolean): string[] {
  const items = Array.isArray(value) && (list || value.length === 1)
    ? value
    : [value];
  return items.map((item) => {
    if (typeof item === "string") return item;
    if (item instanceof Uint8Array) return new TextDecoder().decode(item);
    throw new TypeError(
      `Cannot connect as '${name}' must be ${
        list ? "PEM text or bytes, or a list of them" : "one PEM text or bytes"
      }: current value is ${
        name !== "key"
          ? show(value)
          : Array.isArray(value)
          ? `a list of ${value.length}`
          : `of type ${value === null ? "null" : typeof value}`
      }`,
    );
  });
}

/**
 * Translates the `node:net`/`node:tls` options that a client hands its
 * connect hook into options of {@linkcode connect}: `host` (or `hostname`)
 * to `hostname`, a `port` string to a number, and, when `options.tls` is set
 * or `protocol` is `"https:"`, `servername` to `tls.serverName`,
 * `ALPNProtocols` to `tls.alpnProtocols`, `ca` to `tls.caCerts` with
 * `tls.caCertsOnly` (as in `node:tls`, `ca` replaces the default roots), and
 * `cert` and `key` (a client certificate) to `tls.cert` and `tls.key`. What
 * is set in `options` wins. Only own properties of `nodeOptions` are read.
 *
 * Options that would change how the server is verified are refused, never
 * mapped or ignored: Deno always verifies the certificate chain and the
 * name. `rejectUnauthorized: false` and `checkServerIdentity` throw: trust
 * the server's CA with `tls.caCerts`, or skip the name check alone with
 * `tls.unsafelyDisableHostnameVerification`. So do `secureContext`, `pfx`,
 * `passphrase` and `crl`, which Deno cannot honour.
 *
 * @param nodeOptions What the client handed its hook.
 * @param options The options of {@linkcode connect} to add (`history`,
 * `tls` settings, ...).
 * @returns The options for {@linkcode connect} or {@linkcode createConnection}.
 * @throws {TypeError} If `rejectUnauthorized` is `false`, if one of
 * `checkServerIdentity`, `secureContext`, `pfx`, `passphrase` and `crl` is
 * set, or if `ca`, `cert` or `key` is not PEM text or bytes.
 *
 * @example The options of a `node:https` agent
 * ```ts
 * import { fromNodeOptions } from "@happy-eyeballs/connect/node";
 * import { assertEquals } from "@std/assert";
 *
 * const options = fromNodeOptions(
 *   { host: "example.com", port: "8443", servername: "example.com" },
 *   { tls: { alpnProtocols: ["http/1.1"] } },
 * );
 * assertEquals(options, {
 *   hostname: "example.com",
 *   port: 8443,
 *   tls: { serverName: "example.com", alpnProtocols: ["http/1.1"] },
 * });
 * ```
 *
 * @example A custom name check is refused, with what to use instead
 * ```ts
 * import { fromNodeOptions } from "@happy-eyeballs/connect/node";
 * import { assertThrows } from "@std/assert";
 *
 * assertThrows(
 *   () =>
 *     fromNodeOptions({
 *       host: "example.com",
 *       port: 443,
 *       checkServerIdentity: () => undefined,
 *     }),
 *   TypeError,
 *   "tls.unsafelyDisableHostnameVerification",
 * );
 * ```
 */
export function fromNodeOptions(
  nodeOptions: NodeConnectOptions,
  options: ConnectOptions = {},
): NodeSocketOptions {
  // Own properties only, each read once: a polluted Object.prototype.ca is
  // no CA to trust.
  const node = ownOptions(nodeOptions, NODE_KEYS);
  const reject = node.rejectUnauthorized;
  if (reject !== undefined && reject !== true) {
    throw new TypeError(
      `Cannot connect as 'rejectUnauthorized' must be true or left out: current value is ${
        show(reject)
      } (Deno always verifies the certificate chain; trust the server's CA with 'tls.caCerts', or skip only the name check with 'tls.unsafelyDisableHostnameVerification')`,
    );
  }
  for (const [key, instead] of Object.entries(REFUSED)) {
    const value = node[key];
    if (value !== undefined && value !== null) {
      throw new TypeError(
        `Cannot connect as '${key}' must be left out: ${instead}`,
      );
    }
  }
  const givenTls = ownOptions(options, TLS_KEY).tls;
  // undici names the scheme; node:net's hooks leave it to `options.tls`.
  const protocol = node.protocol;
  const useTls = protocol === "https:" ||
    (protocol !== "http:" && givenTls !== undefined && givenTls !== false);
  const result = {
    hostname: node.hostname || node.host ||
      "localhost",
    port: nodePort(node.port, useTls),
    ...netOptions(node),
    ...options,
  } as NodeSocketOptions & { hostname: string; port: number };
  if (!useTls) {
    // A plain-text origin of a hook whose TLS settings are for the others.
    delete result.tls;
    return result;
  }
  const tls: TlsOptions = {};
  const servername = node.servername;
  if (servername) tls.serverName = servername as string;
  const alpn = node.ALPNProtocols;
  if (alpn !== undefined && alpn !== null) tls.alpnProtocols = alpnList(alpn);
  const ca = node.ca;
  if (ca) {
    // node:tls trusts `ca` alone, in place of the default roots.
    tls.caCerts = pem("ca", ca, true);
    tls.caCertsOnly = true;
  }
  const cert = node.cert;
  if (cert) tls.cert = pem("cert", cert, false)[0]!;
  const key = node.key;
  if (key) tls.key = pem("key", key, false)[0]!;
  result.tls = {
    ...tls,
    ...(typeof givenTls === "object" ? givenTls : {}),
  };
  return result;
}
