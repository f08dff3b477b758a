// Copyright 2026 the happy-eyeballs authors. MIT license.
// The options of connect(): checked before any network traffic, with the
// defaults filled in, so that the race itself deals only with valid values.
import {
  type NormalizedTlsOptions,
  normalizeTlsOptions,
  parseServerName,
} from "../_tls/options.ts";
import type { ConnectHistory } from "../history.ts";
import { historyOf } from "./default_history.ts";
import { ipVersion, withoutZone } from "../_common/ip.ts";
import {
  checkHostname,
  checkLocalAddr,
  checkPort,
  invalid,
} from "./check_address.ts";
import { isTcpConn } from "../_common/conn.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";
import { checkKnownKeys } from "../_common/show.ts";
import { MOVED } from "../_common/moved_keys.ts";
import { type CheckedProxy, checkProxy } from "./proxy.ts";
import type {
  ConnectEvent,
  ConnectOptions,
  Dialer,
  Family,
  Resolver,
} from "../types.ts";

/**
 * The options of `connect()`, each with its bit in the set of options given:
 * the type makes sure that none is missing.
 */
const OPTIONS: Readonly<Record<keyof ConnectOptions, number>> = {
  hostname: 1 << 0,
  port: 1 << 1,
  transport: 1 << 2,
  conn: 1 << 3,
  family: 1 << 4,
  happyEyeballsDelay: 1 << 5,
  interleave: 1 << 6,
  localAddr: 1 << 7,
  allErrors: 1 << 8,
  signal: 1 << 9,
  resolver: 1 << 10,
  onEvent: 1 << 11,
  tls: 1 << 12,
  history: 1 << 13,
  dial: 1 << 14,
  attemptTimeout: 1 << 15,
  proxy: 1 << 16,
};
const OPTION_KEYS = Object.keys(OPTIONS);

/** The bit of each option, by name: no prototype to mind. */
const OPTION_BITS: ReadonlyMap<string, number> = new Map(
  Object.entries(OPTIONS),
);

/** What `connect()` was given: any value for each option, until checked. */
type Given = { readonly [K in keyof ConnectOptions]?: unknown };

const ACTION = "Cannot connect";

/** Options that only make sense when connect() makes the connection. */
const CONNECTING_OPTIONS = [
  "hostname",
  "port",
  "family",
  "localAddr",
  "happyEyeballsDelay",
  "interleave",
  "resolver",
  "history",
  "dial",
  "attemptTimeout",
  "proxy",
] as const;

/** The Connection Attempt Delay of RFC 8305 (and of Deno.connect). */
const DEFAULT_DELAY = 250;
const DEFAULT_INTERLEAVE = 1;

/** The options of `connect()`, checked and with defaults filled in. */
export interface Checked {
  /** The connection to adopt; then the connecting options are unset. */
  conn: Deno.TcpConn | undefined;
  tls: NormalizedTlsOptions | undefined;
  hostname: string;
  port: number;
  /**
   * The IP version of `hostname` when it is an IP literal, else 0 (also
   * with `conn`): decided here, once for the whole call.
   */
  literal: 0 | Family;
  /**
   * Whether the call is an IP literal (of `family`, if given) and nothing
   * else but a signal: no event, history, local address, dial hook, attempt
   * timeout nor TLS. Nothing to resolve, order or report: the one fast path.
   */
  plain: boolean;
  family: Family | undefined;
  delay: number;
  interleave: number;
  localAddr: { hostname: string; port: number } | undefined;
  allErrors: boolean;
  signal: AbortSignal | undefined;
  resolver: Resolver | undefined;
  onEvent: ((event: ConnectEvent) => void) | undefined;
  history: ConnectHistory | undefined;
  dial: Dialer | undefined;
  attemptTimeout: number | undefined;
  /** The proxy: then `hostname` and `port` are the proxy's (the hop dialled). */
  proxy: CheckedProxy | undefined;
}

/** The checked options of a call with a host and a port only. */
function target(hostname: string, port: number): Checked {
  const literal = ipVersion(hostname);
  return {
    conn: undefined,
    tls: undefined,
    hostname,
    port,
    literal,
    plain: literal !== 0,
    family: undefined,
    delay: DEFAULT_DELAY,
    interleave: DEFAULT_INTERLEAVE,
    localAddr: undefined,
    allErrors: false,
    signal: undefined,
    resolver: undefined,
    onEvent: undefined,
    history: historyOf(undefined, literal !== 0, false),
    dial: undefined,
    attemptTimeout: undefined,
    proxy: undefined,
  };
}

/**
 * Checks the options of `connect()`, before any network traffic. Only the
 * caller's own properties count, each read once (also in `tls` and
 * `localAddr`): what a polluted `Object.prototype` holds is ignored.
 *
 * @param options What `connect()` was given.
 * @returns The options, checked and with defaults filled in.
 * @throws {TypeError} If an option has the wrong type, is unknown, or clashes
 * with `conn`.
 * @throws {RangeError} If a number option is out of range.
 */
export function checkOptions(options: unknown): Checked {
  if (typeof options !== "object" || options === null) {
    invalid(TypeError, "options", "an object", options);
  }
  // One copy: each own enumerable property of the caller's read once (a
  // getter or a Proxy answers once), into data properties that nothing can
  // change afterwards. An own "__proto__" (from JSON.parse) is a key like any
  // other there, refused as unknown, not a prototype.
  const copy: Given = { ...options };
  const keys = Object.keys(copy);
  let given = 0;
  for (let i = 0; i < keys.length; i++) {
    const bit = OPTION_BITS.get(keys[i]!) ?? 0;
    if (bit === 0) checkKnownKeys(ACTION, copy, OPTION_KEYS, "", MOVED);
    given |= bit;
  }
  // The most common call, a host and a port and nothing else: only their
  // checks, which fail as they would below.
  if (given === (OPTIONS.hostname | OPTIONS.port)) {
    const { hostname, port } = copy;
    if (typeof hostname === "string" && typeof port === "number") {
      return target(
        checkHostname("hostname", hostname),
        checkPort("port", port, 1),
      );
    }
  }
  return checkGiven(copy, given);
}

/**
 * {@linkcode checkOptions} for all but the most common call: kept apart, so
 * that V8 optimizes the small function of the common call early (a
 * function's size delays its optimization).
 *
 * @param copy The copy of the caller's options.
 * @param given The bits of the options that the copy has as its own.
 */
function checkGiven(copy: Given, given: number): Checked {
  // Only what the copy has as its own: an option not given is `undefined`,
  // never what a polluted Object.prototype holds under its name.
  const o: Given = {
    hostname: given & OPTIONS.hostname ? copy.hostname : undefined,
    port: given & OPTIONS.port ? copy.port : undefined,
    transport: given & OPTIONS.transport ? copy.transport : undefined,
    conn: given & OPTIONS.conn ? copy.conn : undefined,
    family: given & OPTIONS.family ? copy.family : undefined,
    happyEyeballsDelay: given & OPTIONS.happyEyeballsDelay
      ? copy.happyEyeballsDelay
      : undefined,
    interleave: given & OPTIONS.interleave ? copy.interleave : undefined,
    localAddr: given & OPTIONS.localAddr ? copy.localAddr : undefined,
    allErrors: given & OPTIONS.allErrors ? copy.allErrors : undefined,
    signal: given & OPTIONS.signal ? copy.signal : undefined,
    resolver: given & OPTIONS.resolver ? copy.resolver : undefined,
    onEvent: given & OPTIONS.onEvent ? copy.onEvent : undefined,
    tls: given & OPTIONS.tls ? copy.tls : undefined,
    history: given & OPTIONS.history ? copy.history : undefined,
    dial: given & OPTIONS.dial ? copy.dial : undefined,
    attemptTimeout: given & OPTIONS.attemptTimeout
      ? copy.attemptTimeout
      : undefined,
    proxy: given & OPTIONS.proxy ? copy.proxy : undefined,
  };
  if (o.transport !== undefined && o.transport !== "tcp") {
    invalid(TypeError, "transport", '"tcp" (or left out)', o.transport);
  }
  const { signal, onEvent, allErrors = false } = o;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    invalid(TypeError, "signal", "an AbortSignal", signal);
  }
  if (onEvent !== undefined && typeof onEvent !== "function") {
    invalid(TypeError, "onEvent", "a function", onEvent);
  }
  if (typeof allErrors !== "boolean") {
    invalid(TypeError, "allErrors", "a boolean", allErrors);
  }
  const tls = o.tls === undefined || o.tls === false
    ? undefined
    : normalizeTlsOptions(o.tls);

  if (o.conn !== undefined) {
    if (!isTcpConn(o.conn)) {
      invalid(TypeError, "conn", "a connected Deno.TcpConn", o.conn);
    }
    const clash = CONNECTING_OPTIONS.filter((key) => o[key] !== undefined);
    if (clash.length > 0) {
      throw new TypeError(
        `Cannot connect as 'conn' must not be combined with ${
          clash.map((key) => `'${key}'`).join(", ")
        }: the connection is already made`,
      );
    }
    if (
      tls && tls.serverName === undefined &&
      !tls.unsafelyDisableHostnameVerification
    ) {
      throw new TypeError(
        "Cannot connect as 'tls.serverName' must be given with 'conn': there is no host name to verify",
      );
    }
    return {
      conn: o.conn,
      tls,
      hostname: "",
      port: 0,
      literal: 0,
      plain: false,
      family: undefined,
      delay: 0,
      interleave: 0,
      localAddr: undefined,
      allErrors,
      signal,
      resolver: undefined,
      onEvent: onEvent as Checked["onEvent"],
      history: undefined,
      dial: undefined,
      attemptTimeout: undefined,
      proxy: undefined,
    };
  }

  if (o.hostname === undefined) {
    invalid(TypeError, "hostname", "given unless 'conn' is", o.hostname);
  }
  const hostname = checkHostname("hostname", o.hostname);
  if (o.port === undefined) {
    invalid(TypeError, "port", "given unless 'conn' is", o.port);
  }
  const port = checkPort("port", o.port, 1);

  const {
    family,
    happyEyeballsDelay = DEFAULT_DELAY,
    interleave = DEFAULT_INTERLEAVE,
    resolver,
  } = o;
  if (family !== undefined && family !== 4 && family !== 6) {
    invalid(TypeError, "family", "4 or 6", family);
  }
  if (typeof happyEyeballsDelay !== "number") {
    invalid(TypeError, "happyEyeballsDelay", "a number", happyEyeballsDelay);
  }
  if (Number.isNaN(happyEyeballsDelay) || happyEyeballsDelay < 0) {
    invalid(
      RangeError,
      "happyEyeballsDelay",
      "a non-negative number or Infinity",
      happyEyeballsDelay,
    );
  }
  if (typeof interleave !== "number") {
    invalid(TypeError, "interleave", "a number", interleave);
  }
  if (!Number.isInteger(interleave) || interleave < 0) {
    invalid(RangeError, "interleave", "a non-negative integer", interleave);
  }
  if (resolver !== undefined && typeof resolver !== "function") {
    invalid(TypeError, "resolver", "a function", resolver);
  }
  const { dial, attemptTimeout } = o;
  if (dial !== undefined && typeof dial !== "function") {
    invalid(TypeError, "dial", "a function", dial);
  }
  if (attemptTimeout !== undefined) {
    if (typeof attemptTimeout !== "number") {
      invalid(TypeError, "attemptTimeout", "a number", attemptTimeout);
    }
    if (!(attemptTimeout > 0 && attemptTimeout <= MAX_TIMEOUT)) {
      invalid(
        RangeError,
        "attemptTimeout",
        `a number of milliseconds above 0, at most ${MAX_TIMEOUT}`,
        attemptTimeout,
      );
    }
  }

  const localAddr = o.localAddr === undefined
    ? undefined
    : checkLocalAddr(o.localAddr);

  // With a proxy, the race is to the proxy: the hop this process dials.
  const proxy = o.proxy === undefined
    ? undefined
    : checkProxy(o.proxy, hostname, port, tls !== undefined);
  const literal = ipVersion(proxy?.hostname ?? hostname);
  // The host name is the server name unless one is given: checked now,
  // before any connection is made.
  if (tls && tls.serverName === undefined) {
    // A scoped IPv6 address is verified without its zone id (RFC 6874 §4).
    tls.serverName = parseServerName(withoutZone(hostname), "'hostname'");
  }

  return {
    conn: undefined,
    tls,
    hostname: proxy?.hostname ?? hostname,
    port: proxy?.port ?? port,
    literal,
    plain: literal !== 0 && (family === undefined || family === literal) &&
      !tls && !onEvent && !o.history && !localAddr && !dial &&
      attemptTimeout === undefined && !proxy,
    family,
    delay: happyEyeballsDelay,
    interleave,
    localAddr,
    allErrors,
    signal,
    resolver: resolver as Resolver | undefined,
    onEvent: onEvent as Checked["onEvent"],
    // Checked there: the caller's, none, or the process-wide one.
    history: historyOf(o.history, literal !== 0, !!(resolver || dial)),
    dial: dial as Dialer | undefined,
    attemptTimeout,
    proxy,
  };
}
