// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * Internal: validation of the TLS options shared by `connect()` and
 * `upgradeTls()`. Not part of the public API.
 *
 * @module
 */

import { ipVersion, unbracket } from "../_common/ip.ts";
import { checkKnownKeys, show, withArticle } from "../_common/show.ts";
import { pemBlocks } from "../_common/pem.ts";
import { toAscii } from "../_common/idna.ts";
import { ownElements, ownOptions } from "../_common/own_options.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";

/** Default of `TlsOptions.handshakeTimeout`, in milliseconds (asyncio's). */
const DEFAULT_HANDSHAKE_TIMEOUT = 60_000;

/** Default of `TlsOptions.shutdownTimeout`, in milliseconds (asyncio's). */
export const DEFAULT_SHUTDOWN_TIMEOUT = 30_000;

/** The TLS options after validation, with defaults filled in. */
export interface NormalizedTlsOptions {
  /**
   * The name to send (SNI) and verify, without brackets around an IPv6
   * address; `undefined` when the caller must supply one (connect() uses the
   * host name it was given).
   */
  serverName: string | undefined;
  /** Whether to skip the name check (the chain is still verified). */
  unsafelyDisableHostnameVerification: boolean;
  /** Extra trusted root certificates (PEM), or `undefined` for none. */
  caCerts: string[] | undefined;
  /** Whether `caCerts` are the only roots trusted (then they are set). */
  caCertsOnly: boolean;
  /** ALPN protocols to offer, or `undefined` to send no ALPN extension. */
  alpnProtocols: string[] | undefined;
  /** Client certificate chain (PEM), set together with `key`. */
  cert: string | undefined;
  /** Client private key (PEM), set together with `cert`. */
  key: string | undefined;
  /** Milliseconds the handshake may take. */
  handshakeTimeout: number;
  /** Milliseconds `closeTls()` waits for the peer to close. */
  shutdownTimeout: number;
  /**
   * `connect()` only: whether each attempt of the race runs its own
   * handshake (`false` for `upgradeTls()`).
   */
  raceHandshake: boolean;
}

/** The keys of `TlsOptions`, in the order in which they are documented. */
export const TLS_OPTION_KEYS: readonly string[] = [
  "serverName",
  "unsafelyDisableHostnameVerification",
  "caCerts",
  "caCertsOnly",
  "alpnProtocols",
  "cert",
  "key",
  "handshakeTimeout",
  "shutdownTimeout",
];

/** The keys of the `tls` option of `connect()`: one more than `upgradeTls()`. */
const CONNECT_TLS_OPTION_KEYS: readonly string[] = [
  ...TLS_OPTION_KEYS,
  "raceHandshake",
];

const ACTION = "Cannot start TLS";

/**
 * Validates the `tls` option of `connect()` and fills in the defaults. Call it
 * before any network traffic: every error it throws is a programming error.
 *
 * @param value The `tls` option: `true` (all defaults) or a `TlsOptions`
 * object.
 * @returns The validated options, in a new object.
 * @throws {TypeError} If `value` is not `true` or an object, has an unknown
 * key, or an option has the wrong type or form.
 * @throws {RangeError} If a timeout is not a positive finite number of
 * milliseconds up to 2147483647, or an ALPN protocol is too long.
 *
 * @example Defaults
 * ```ts ignore
 * import { normalizeTlsOptions } from "./options.ts";
 *
 * const options = normalizeTlsOptions(true);
 * options.handshakeTimeout; // 60_000
 * ```
 */
export function normalizeTlsOptions(value: unknown): NormalizedTlsOptions {
  if (value === true) {
    return { ...parseTlsOptions({}, "tls."), raceHandshake: true };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${ACTION} as 'tls' must be true or an object of TLS options: current value is ${
        show(value)
      }`,
    );
  }
  checkKnownKeys(ACTION, value, CONNECT_TLS_OPTION_KEYS, "tls.");
  const own = ownOptions(value, CONNECT_TLS_OPTION_KEYS);
  const { raceHandshake } = own;
  if (raceHandshake !== undefined && typeof raceHandshake !== "boolean") {
    throw new TypeError(
      `${ACTION} as 'tls.raceHandshake' must be a boolean: current value is ${
        show(raceHandshake)
      }`,
    );
  }
  return {
    ...parseTlsOptions(own, "tls."),
    raceHandshake: raceHandshake ?? true,
  };
}

/**
 * Validates TLS options whose keys are named `${prefix}${key}` in error
 * messages. The caller has refused unknown keys.
 *
 * No message shows any part of `cert`, `key` or `caCerts`: a key passed
 * where a certificate goes is a secret all the same. Messages name the option
 * and the kinds of PEM block found instead.
 *
 * @param options The caller's own options, each read once (see
 * {@linkcode ownOptions}).
 * @param prefix Put before each key in error messages, such as `"tls."`.
 * @returns The validated options, in a new object.
 */
export function parseTlsOptions(
  options: Record<string, unknown>,
  prefix: string,
): NormalizedTlsOptions {
  const name = (key: string) => `'${prefix}${key}'`;

  const serverName = parseServerName(options.serverName, name("serverName"));

  const disable = options.unsafelyDisableHostnameVerification;
  if (disable !== undefined && typeof disable !== "boolean") {
    throw new TypeError(
      `${ACTION} as ${
        name("unsafelyDisableHostnameVerification")
      } must be a boolean: current value is ${show(disable)}`,
    );
  }

  const caCerts = parseStringArray(options.caCerts, name("caCerts"), true);
  caCerts?.forEach((pem, i) => checkPem(pem, `${prefix}caCerts[${i}]`, false));
  const only = options.caCertsOnly;
  if (only !== undefined && typeof only !== "boolean") {
    throw new TypeError(
      `${ACTION} as ${
        name("caCertsOnly")
      } must be a boolean: current value is ${show(only)}`,
    );
  }
  if (only && !caCerts?.length) {
    // No root to trust: every certificate would be refused.
    throw new TypeError(
      `${ACTION} as ${name("caCerts")} must hold a certificate when ${
        name("caCertsOnly")
      } is true: current value is ${caCerts ? "an empty array" : "undefined"}`,
    );
  }

  const alpnProtocols = parseStringArray(
    options.alpnProtocols,
    name("alpnProtocols"),
    false,
  );
  alpnProtocols?.forEach((protocol, i) => {
    const bytes = new TextEncoder().encode(protocol).length;
    if (bytes === 0 || bytes > 255) {
      throw new RangeError(
        `${ACTION} as '${prefix}alpnProtocols[${i}]' must be 1 to 255 bytes long: current value is ${
          show(protocol)
        }`,
      );
    }
  });

  const { cert, key } = options;
  if (cert !== undefined) checkPem(cert, `${prefix}cert`, false);
  if (key !== undefined) checkPem(key, `${prefix}key`, true);
  if ((cert === undefined) !== (key === undefined)) {
    const [missing, present] = cert === undefined
      ? ["cert", "key"]
      : ["key", "cert"];
    throw new TypeError(
      `${ACTION} as ${name(missing)} must be set when ${
        name(present)
      } is set: current value is undefined`,
    );
  }

  return {
    serverName,
    unsafelyDisableHostnameVerification: disable ?? false,
    caCerts: caCerts && caCerts.length > 0 ? caCerts : undefined,
    caCertsOnly: only ?? false,
    alpnProtocols: alpnProtocols && alpnProtocols.length > 0
      ? alpnProtocols
      : undefined,
    cert: cert as string | undefined,
    key: key as string | undefined,
    handshakeTimeout: parseTimeout(
      options.handshakeTimeout,
      name("handshakeTimeout"),
      DEFAULT_HANDSHAKE_TIMEOUT,
      ACTION,
    ),
    shutdownTimeout: parseTimeout(
      options.shutdownTimeout,
      name("shutdownTimeout"),
      DEFAULT_SHUTDOWN_TIMEOUT,
      ACTION,
    ),
    raceHandshake: false,
  };
}

/**
 * Validates a timeout in milliseconds: a positive finite number up to
 * {@linkcode MAX_TIMEOUT}. `Infinity` is refused so that nothing can wait
 * forever.
 *
 * @param value The option's value.
 * @param name The option's name, quoted, for error messages.
 * @param fallback Returned when `value` is `undefined`.
 * @param action The start of error messages, such as `"Cannot start TLS"`.
 * @returns The timeout.
 */
export function parseTimeout(
  value: unknown,
  name: string,
  fallback: number,
  action: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") {
    throw new TypeError(
      `${action} as ${name} must be a number of milliseconds: current value is ${
        show(value)
      }`,
    );
  }
  if (!(value > 0 && value <= MAX_TIMEOUT)) {
    throw new RangeError(
      `${action} as ${name} must be a positive finite number of milliseconds up to ${MAX_TIMEOUT}: current value is ${value}`,
    );
  }
  return value;
}

/**
 * Checks a server name: a host name or an IP address (brackets dropped).
 *
 * @param value The name, or `undefined`.
 * @param name The option's name, quoted, for error messages.
 * @returns The name to send and verify, or `undefined`.
 * @throws {TypeError} If it is not a valid server name.
 */
export function parseServerName(
  value: unknown,
  name: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new TypeError(
      `${ACTION} as ${name} must be a string: current value is ${show(value)}`,
    );
  }
  if (value === "") {
    // asyncio turns server_hostname="" into "no hostname check"; Deno turns
    // hostname "" into "localhost". Neither is what anyone means by accident.
    throw new TypeError(
      `${ACTION} as ${name} must be a non-empty host name or IP address (to skip the hostname check, leave it out and set 'unsafelyDisableHostnameVerification' to true): current value is ""`,
    );
  }
  const unbracketed = unbracket(value);
  // An IPv6 zone id names a local interface: no certificate can hold it.
  if (ipVersion(unbracketed) !== 0 && !unbracketed.includes("%")) {
    return unbracketed;
  }
  if (isDnsName(value)) return value;
  let rule = "a host name or an IP address";
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(value)) {
    rule += " without spaces or control characters";
  } else if (/[^ -~]/.test(value)) {
    // As the host name is: the ASCII form is what is sent and verified.
    const ascii = toAscii(value);
    if (ascii !== undefined && isDnsName(ascii)) return ascii;
    rule = "a valid internationalized host name";
  } else if (value.includes("/") || value.includes(":")) {
    rule += " without a scheme, port or path";
  }
  throw new TypeError(
    `${ACTION} as ${name} must be ${rule}: current value is ${show(value)}`,
  );
}

/**
 * A DNS name that rustls accepts as a server name: at most 253 characters
 * (plus a final dot), labels of 1 to 63 letters, digits, `-` and `_` that
 * neither start nor end with `-`, and a last label that is not all digits.
 */
function isDnsName(value: string): boolean {
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  if (/^\d+$/.test(labels.at(-1)!)) return false;
  return labels.every((label) =>
    /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label)
  );
}

function parseStringArray(
  value: unknown,
  name: string,
  secret: boolean,
): string[] | undefined {
  if (value === undefined) return undefined;
  const copy = ownElements(value);
  if (copy === undefined || !copy.every((v) => typeof v === "string")) {
    throw new TypeError(
      `${ACTION} as ${name} must be an array of strings: current value is ${
        secret ? describeArray(value) : show(value)
      }`,
    );
  }
  return copy as string[];
}

/** An array described by the types of its elements, never their values. */
function describeArray(value: unknown): string {
  const copy = ownElements(value);
  if (copy === undefined) {
    return Array.isArray(value) ? "an array with holes" : describeType(value);
  }
  return `an array of ${[...new Set(copy.map(describeType))].join(", ")}`;
}

/**
 * Checks that a certificate option (`isKey` false) holds certificates only,
 * and that a key option holds private keys only. Messages name the kind of
 * PEM block found, never the text.
 */
function checkPem(value: unknown, path: string, isKey: boolean): void {
  const expected = isKey ? "a private key" : "a certificate";
  const rule = `PEM text of ${expected}`;
  if (typeof value !== "string") {
    throw new TypeError(
      `${ACTION} as '${path}' must be ${rule}: current value is of type ${
        describeType(value)
      }`,
    );
  }
  const { labels, held, wrong } = pemBlocks(
    value,
    isKey ? "private key" : "certificate",
  );
  if (wrong !== undefined) {
    throw new TypeError(
      `${ACTION} as '${path}' must be ${rule}: current value has ${
        withArticle(wrong)
      } block where ${expected} was expected`,
    );
  }
  if (labels.length === 0) {
    const hint = /^[^\n]{1,4096}\.(?:pem|crt|cer|key)$/i.test(value.trim())
      ? " (it looks like a file name: pass the file's contents)"
      : "";
    throw new TypeError(
      `${ACTION} as '${path}' must be ${rule}: current value is a string of ${value.length} characters with no PEM block${hint}`,
    );
  }
  if (held === 0) {
    // Such as the EC PARAMETERS of a key, alone.
    throw new TypeError(
      `${ACTION} as '${path}' must be ${rule}: current value has ${
        labels.map(withArticle).join(", ")
      } block and no block of ${expected}`,
    );
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
