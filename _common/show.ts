// Copyright 2026 the happy-eyeballs authors. MIT license.
// Values in error messages: the one formatter (`show`), and the one wording
// for unknown option keys. A message shows what the caller passed, short and
// on one line: strings quoted (control characters escaped) and cut, objects
// by their keys or class (never "[object Object]", never their contents,
// which may be key material). PEM text is shown by the kinds of its blocks
// only, and long base64, base64url or hex text by its length: a private key
// passed by mistake is a secret all the same.

import { pemLabels } from "./pem.ts";
import { visible } from "./visible.ts";

/** The longest string shown, in UTF-16 code units, before it is cut. */
const MAX_STRING = 60;
/** How many array items or object keys are shown. */
const MAX_ITEMS = 4;
/**
 * Text that may be key material without its PEM lines: 40 characters or
 * more of base64, base64url or hex (lines allowed), with no dot or space, so
 * no host name, address or sentence. See isKeyText() for host labels.
 */
const KEY_TEXT_REGEXP = /^[A-Za-z0-9+/=_\-\r\n]{40,}$/;
/** Hex as openssl prints keys: 16 bytes or more as pairs, colons, lines. */
const COLON_HEX_REGEXP = /^\s*[0-9A-Fa-f]{2}(?::\s*[0-9A-Fa-f]{2}){15,}:?\s*$/;

/**
 * Whether `value` may be key material without its PEM lines. A host label
 * (up to 63 letters, digits, `-` and `_`) is not, unless it reads as a key:
 * all hex, or upper and lower case letters and digits mixed, as random
 * base64 and base64url always mix them.
 */
function isKeyText(value: string): boolean {
  if (COLON_HEX_REGEXP.test(value)) return true;
  if (!KEY_TEXT_REGEXP.test(value)) return false;
  return /[+/=\r\n]/.test(value) || /^[0-9A-Fa-f]+$/.test(value) ||
    (/[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value));
}

/**
 * Shows a value in an error message, after "current value is".
 *
 * @param value Any value.
 * @returns A short, single-line description, such as `"a b"`, `42`, `[1, 2]`,
 * `{ hostname, port }`, `a Map` or `a function`.
 */
export function show(value: unknown): string {
  return showAt(value, 0);
}

function showAt(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      if (value.includes("-----BEGIN")) return showPem(value);
      // Key material without its PEM lines: base64 or hex, long, no dot.
      if (isKeyText(value)) return `a string of ${value.length} characters`;
      // JSON escapes C0 controls; visible() escapes what it leaves raw (DEL,
      // C1 controls, bidirectional overrides).
      return visible(JSON.stringify(
        value.length > MAX_STRING
          ? `${value.slice(0, MAX_STRING - 3)}...`
          : value,
      ));
    case "bigint":
      return `${value}n`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    case "object":
      if (value === null) return "null";
      // A Proxy may throw when looked at (a revoked one always does), and so
      // may a getter: show() never throws, it is on the path of errors.
      try {
        return showNonNull(value, depth);
      } catch {
        return "an object";
      }
    default:
      // number, boolean, undefined.
      return Object.is(value, -0) ? "-0" : String(value);
  }
}

/**
 * Shows a host name the caller gave, in a message: quoted, or by its length
 * when it reads as key material (as {@linkcode show} shows such text: a key
 * passed as a host name by mistake is a secret all the same).
 *
 * @param hostname The host name.
 * @returns `'db.test'`, or `a name of 43 characters`.
 */
export function showHost(hostname: string): string {
  return isKeyName(hostname)
    ? `a name of ${hostname.length} characters`
    : `'${visible(hostname)}'`;
}

/**
 * Shows a destination `host:port` the caller named, in a message: as it is,
 * or its host by its length when it reads as key material.
 *
 * @param destination The host and port, as `host:port` or `[ipv6]:port`.
 * @returns `db.test:5432`, or `a name of 43 characters (port 5432)`.
 */
export function showDestination(destination: string): string {
  const colon = destination.lastIndexOf(":");
  const host = destination.slice(0, colon);
  return colon > 0 && isKeyName(host)
    ? `a name of ${host.length} characters (port ${
      destination.slice(colon + 1)
    })`
    : visible(destination);
}

/**
 * `text` (a system's message, which may name the host) with `hostname` left
 * out where {@linkcode showHost} would not show it.
 *
 * @param text The text.
 * @param hostname The host name the caller gave.
 * @returns The text, the host name replaced by "the name" if it reads as key
 * material.
 */
export function hideHost(text: string, hostname: string): string {
  if (!isKeyName(hostname)) return text;
  return text.replaceAll(hostname, "the name")
    .replaceAll(withoutDot(hostname), "the name");
}

/** Whether a host name is key text, with or without its trailing dot. */
function isKeyName(hostname: string): boolean {
  return isKeyText(withoutDot(hostname));
}

function withoutDot(hostname: string): string {
  return hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
}

/** An array by its first items, another object by showObject(). */
function showNonNull(value: object, depth: number): string {
  if (Array.isArray(value)) {
    if (depth > 0) return value.length === 0 ? "[]" : "[...]";
    const items = value.slice(0, MAX_ITEMS).map((v) => showAt(v, 1));
    if (value.length > MAX_ITEMS) items.push("...");
    return `[${items.join(", ")}]`;
  }
  return showObject(value);
}

/** PEM text by the kinds of its blocks, never by its text. */
function showPem(value: string): string {
  const labels = [...new Set(pemLabels(value))];
  if (labels.length === 0) return `a string of ${value.length} characters`;
  return `PEM text with ${labels.map(withArticle).join(", ")} block${
    labels.length > 1 ? "s" : ""
  }`;
}

/**
 * A word or label with its indefinite article: `"a CERTIFICATE"`,
 * `"an EC PRIVATE KEY"`.
 *
 * @param word The word.
 * @returns The word after "a" or "an".
 */
export function withArticle(word: string): string {
  // An initialism is read letter by letter: "an RSA", "an X509", "a DSA".
  const an = INITIALISM_REGEXP.test(word)
    ? /^[AEFHILMNORSX]/.test(word)
    : /^(?!Uint)[AEIOUaeiou]/.test(word);
  return `${an ? "an" : "a"} ${word}`;
}

/** First words read letter by letter (PEM labels, class names). */
const INITIALISM_REGEXP =
  /^(?:[A-Z]+\d[\w.]*|RSA|DSA|DH|EC|ECDSA|SSL|CMS|URL|URI|HTTP|TCP|UDP|DNS|TLS)(?:[\s_]|[A-Z][a-z]|$)/;

/** An object by its keys when plain, else by its class: never its values. */
function showObject(value: object): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const shown = keys.slice(0, MAX_ITEMS).map(showKey);
    if (keys.length > MAX_ITEMS) shown.push("...");
    return `{ ${shown.join(", ")} }`;
  }
  const name = prototype?.constructor?.name;
  if (typeof name !== "string" || !/^[A-Za-z_$][\w$]{0,40}$/.test(name)) {
    return "an object";
  }
  return withArticle(name);
}

/** A key as written in an object literal: quoted unless an identifier. */
function showKey(key: string): string {
  return /^[A-Za-z_$][\w$]{0,40}$/.test(key) ? key : showAt(key, 1);
}

/**
 * Throws the one `TypeError` for unknown option keys, when `options` has
 * keys that are not in `known`; a key that differs from a known one only by
 * case gets a suggestion: `'tls.servername' (did you mean
 * 'tls.serverName'?)`, and so does a key of another API found in `moved`:
 * `'caCerts' (did you mean 'tls.caCerts'?)`.
 *
 * @param action The start of the message, such as `"Cannot start TLS"`.
 * @param options The options object, already known to be an object.
 * @param known The keys allowed, in the order in which they are documented.
 * @param prefix Put before each key, such as `"tls."`; `""` at the top level.
 * @param moved Where keys of other APIs go here, such as `Deno.connectTls`'s
 * `caCerts`, which is `tls.caCerts`: the suggestion for such a key.
 * @throws {TypeError} When `options` has an unknown key.
 */
export function checkKnownKeys(
  action: string,
  options: object,
  known: readonly string[],
  prefix = "",
  moved: Readonly<Record<string, string>> = {},
): void {
  // A loop rather than filter(): this runs on every connection.
  const keys = Object.keys(options);
  let unknown: string[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (!known.includes(keys[i]!)) (unknown ??= []).push(keys[i]!);
  }
  if (unknown === undefined) return;
  const described = unknown.slice(0, MAX_ITEMS).map((key) => {
    const name = showKey(prefix + key).replace(/^"|"$/g, "");
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
    const meant = near !== undefined
      ? prefix + near
      : Object.hasOwn(moved, key)
      ? moved[key]
      : undefined;
    return meant ? `'${name}' (did you mean '${meant}'?)` : `'${name}'`;
  });
  if (unknown.length > MAX_ITEMS) described.push("...");
  const where = prefix ? `'${prefix.slice(0, -1)}'` : "'options'";
  throw new TypeError(
    `${action} as ${where} must have only known keys (${
      known.join(", ")
    }): current value has unknown ${described.join(", ")}`,
  );
}
