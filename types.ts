// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * The shared vocabulary of `@happy-eyeballs/connect`: the options of
 * `connect()` and their parts (family, local address, resolver, TLS
 * options), the events it reports, and the failure of one attempt. A leaf,
 * as std's `semver/types.ts`: every module imports its types from here, and
 * this module imports only the type of the `ConnectHistory` class, from
 * `history.ts`, which imports no types (so there is no cycle).
 *
 * @example Type an event hook
 * ```ts
 * import type { ConnectEvent } from "@happy-eyeballs/connect/types";
 * import { assertEquals } from "@std/assert";
 *
 * const seen: string[] = [];
 * const onEvent = (event: ConnectEvent): void => {
 *   seen.push(event.type);
 * };
 * onEvent({ type: "fallback", reason: "a test", elapsed: 0 });
 * assertEquals(seen, ["fallback"]);
 * ```
 *
 * @module
 */
// The one import: the class of the `history` option.
import type { ConnectHistory } from "./history.ts";

/** An IP address family: `4` for IPv4, `6` for IPv6. */
export type Family = 4 | 6;

/** A local address to bind, for `localAddr` of `connect()`. */
export interface LocalAddr {
  /**
   * An IP address, or a name that resolves to one or more. Where it has
   * several of a destination's family, they are tried in turn until one can
   * be bound. A wildcard (`0.0.0.0`, `::`) binds no particular address (the
   * system picks it per destination) and serves its own family only.
   */
  hostname: string;
  /**
   * The local port; `0` lets the system choose one.
   *
   * @default {0}
   */
  port?: number;
}

/** What a {@linkcode Dialer} is given besides the address. */
export interface DialOptions {
  /**
   * The local address to bind, of the destination's family, when `localAddr`
   * is set; otherwise `undefined`. A dialer that fails to bind it should
   * reject with `Deno.errors.AddrInUse` or `Deno.errors.AddrNotAvailable`:
   * the next local address of the family is then tried.
   */
  localAddr: Deno.NetAddr | undefined;
  /**
   * Aborts when the attempt is no longer wanted (another won, the caller's
   * signal aborted, or `attemptTimeout` passed). A connection made anyway is
   * closed.
   */
  signal: AbortSignal;
}

/**
 * Opens one TCP connection to one IP address, in place of `Deno.connect`
 * (aiohappyeyeballs' `socket_factory`, the seam of Go's `Dialer.Control`):
 * for a proxy, a tunnel, socket options, or a test. Called once per attempt;
 * what it throws is that attempt's failure. A connection that loses the race
 * is closed. The attempt ends when its signal aborts, whether the hook listens
 * or not (what it gives back later is closed); each call must give a new
 * connection.
 *
 * @example Dial every attempt yourself
 * ```ts
 * import { connect } from "@happy-eyeballs/connect/connect";
 * import type { Dialer } from "@happy-eyeballs/connect/types";
 * import { assertEquals } from "@std/assert";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const dialed: string[] = [];
 * const dial: Dialer = ({ hostname, port }, { signal }) => {
 *   dialed.push(hostname);
 *   return Deno.connect({ hostname, port, signal });
 * };
 * using conn = await connect({ hostname: "127.0.0.1", port: listener.addr.port, dial });
 * using _ = await listener.accept();
 * assertEquals(dialed, ["127.0.0.1"]);
 * assertEquals(conn.remoteAddr.port, listener.addr.port);
 * ```
 */
export type Dialer = (
  address: Deno.NetAddr,
  options: DialOptions,
) => Promise<Deno.TcpConn>;

/** What a {@linkcode Resolver} is given besides the host name. */
export interface ResolverOptions {
  /** The only family wanted, or `undefined` for both. */
  family: Family | undefined;
  /** Aborts when the connection is no longer wanted. */
  signal: AbortSignal;
}

/**
 * Resolves a host name to IP addresses (literals such as `"::1"` or
 * `"127.0.0.1"`), in the order in which they should be tried before
 * interleaving. It replaces the system resolver.
 *
 * It may also return an async iterable of batches of addresses, for answers
 * that come at different times (RFC 8305 §3, as `dnsResolver` of
 * `@happy-eyeballs/connect/resolve-dns` does): the race starts with the first
 * batch, and each later batch is folded into the attempts not yet started. An
 * error after the first batch is ignored. Once `connect()` settles,
 * `signal` aborts and later batches are ignored.
 *
 * An array answer may carry a `ttl` property of its own, a finite
 * non-negative number of milliseconds: how long a `ConnectHistory` may
 * remember it (`Object.assign(addresses, { ttl })`); a `ttl` of any other
 * kind fails the call with a `TypeError`, an inherited one is not read.
 * Answers in batches are not remembered.
 */
export type Resolver = (
  hostname: string,
  options: ResolverOptions,
) =>
  | readonly string[]
  | Promise<readonly string[]>
  | AsyncIterable<readonly string[]>;

/** The fields every {@linkcode ConnectEvent} has. */
export interface ConnectEventBase {
  /** Milliseconds since `connect()` was called. */
  elapsed: number;
}

/**
 * The host name was resolved; the addresses are in attempt order. With a
 * resolver that answers in batches (RFC 8305 §3), one event comes for each
 * batch that brings new addresses; later ones are folded into the attempts not
 * yet started.
 */
export interface ResolvedEvent extends ConnectEventBase {
  /** The kind of event. */
  type: "resolved";
  /** The host name that was resolved. */
  hostname: string;
  /**
   * The addresses that will be tried, in the order they will be tried (for a
   * later batch: the new addresses, in the resolver's order).
   */
  addresses: Deno.NetAddr[];
  /**
   * Addresses the host name resolved to that will not be tried, as no
   * address of `localAddr` has their family (first batch only).
   */
  skipped?: Deno.NetAddr[];
  /**
   * `true` when no look-up was made: the addresses are those that `history`
   * remembers for the name (see `ConnectHistory`'s `addressTtl`). If the race
   * on them fails, the name is looked up afresh, and a second `resolved`
   * event, without this field, brings the addresses not tried yet.
   */
  remembered?: true;
}

/** A connection attempt started, failed, won, or was cancelled. */
export interface AttemptEvent extends ConnectEventBase {
  /**
   * The kind of event:
   * - `attemptStarted`: the attempt began to connect;
   * - `attemptConnected`: with `tls` and `tls.raceHandshake` (the default)
   *   only, its TCP connection is up and its handshake starts next (the
   *   `tlsStarted` event with its `index`); without the handshake in the
   *   race, an attempt goes from `attemptStarted` to `attemptWon` (or
   *   `attemptFailed`, `attemptCancelled`);
   * - `attemptFailed`: it failed, for `error` (with `tls`, TCP or the
   *   handshake: the error says which);
   * - `attemptWon`: it connected first (with the handshake in the race: its
   *   handshake was done first), and is the result;
   * - `attemptCancelled`: another attempt won (or the signal aborted) and this
   *   one was stopped; if it had connected, it was closed.
   */
  type:
    | "attemptStarted"
    | "attemptConnected"
    | "attemptFailed"
    | "attemptWon"
    | "attemptCancelled";
  /** The position of the attempt in the attempt order, from 0. */
  index: number;
  /** The address the attempt connects to. */
  address: Deno.NetAddr;
  /** Why the attempt failed, for `attemptFailed` only. */
  error?: unknown;
}

/**
 * The addresses could not be raced, because Deno's net permission covers the
 * host name but not its addresses, so the connection was left to
 * `Deno.connect({ hostname })` and its own Happy Eyeballs.
 */
export interface FallbackEvent extends ConnectEventBase {
  /** The kind of event. */
  type: "fallback";
  /** Why the race was left to `Deno.connect`. */
  reason: string;
}

/**
 * A step of the TLS handshake on the winning connection (see
 * {@linkcode TlsEvent}): `tlsStarted`, then `tlsSucceeded` with the
 * negotiated ALPN protocol, or `tlsFailed` with the error.
 */
export type TlsConnectEvent = TlsEvent & ConnectEventBase & {
  /** The peer address of the handshake. */
  address: Deno.NetAddr;
  /**
   * The attempt whose handshake this is, when the handshake runs inside the
   * race (`tls.raceHandshake`); absent when it runs on the winner only.
   */
  index?: number;
  /**
   * The proxy, as shown (`https://***@host:port`), when this is the
   * handshake with an `https://` proxy rather than with the target.
   */
  proxy?: string;
};

/**
 * The tunnel through the proxy (the `proxy` option), once the race to the
 * proxy is won: `proxyRequested`, then `proxyOpened`, `proxyFailed` or
 * `proxyCancelled`.
 */
export interface ProxyEvent extends ConnectEventBase {
  /**
   * The kind of event: `proxyCancelled` is a tunnel of a race of tunnels
   * (`index`) stopped because another opened first, or on abort.
   */
  type: "proxyRequested" | "proxyOpened" | "proxyFailed" | "proxyCancelled";
  /** The proxy, as shown: `http://***@host:port`. */
  proxy: string;
  /** The target the tunnel goes to, `host:port`. */
  target: string;
  /** The proxy's address, which the race reached. */
  address: Deno.NetAddr;
  /**
   * The tunnel, when the target's addresses are raced through the proxy
   * (`socks5://` to a name of several addresses: one tunnel each, `target`
   * naming the address); absent for the one tunnel of other calls.
   */
  index?: number;
  /** Why the tunnel failed, for `proxyFailed` only. */
  error?: unknown;
}

/** Everything `onEvent` of `connect()` can be told, in order. */
export type ConnectEvent =
  | ResolvedEvent
  | AttemptEvent
  | FallbackEvent
  | ProxyEvent
  | TlsConnectEvent;

/** TLS options of `connect()`, also taken by `upgradeTls()`. */
export interface TlsOptions {
  /**
   * The name sent to the server (SNI) and verified against its certificate:
   * a host name, or an IP address (sent without SNI, as RFC 6066 asks, and
   * checked against the certificate's IP addresses). An IPv6 address may be
   * written in brackets; an internationalized name (`bücher.example`) is sent
   * and verified in its ASCII form (`xn--bcher-kva.example`).
   *
   * An empty string is refused: asyncio reads `server_hostname=""` as "do not
   * check the name", and `Deno.startTls` reads `hostname: ""` as
   * `"localhost"`. To skip the name check, leave this out and set
   * {@linkcode TlsOptions.unsafelyDisableHostnameVerification}.
   *
   * @default {the host name given to `connect()`}
   */
  serverName?: string;
  /**
   * Skips the check that the certificate is valid for
   * {@linkcode TlsOptions.serverName}. The chain is still verified, so the
   * certificate must still come from a trusted CA. Without `serverName`, the
   * peer's IP address is used as the name, and no SNI is sent.
   *
   * Anyone with any certificate from a trusted CA can then impersonate the
   * server: use it only with a private CA that issues certificates to your
   * own servers alone.
   *
   * @default {false}
   */
  unsafelyDisableHostnameVerification?: boolean;
  /**
   * Root certificates to trust in addition to the default ones, as PEM text
   * (not file names), as `Deno.connectTls` takes them. The defaults are
   * Mozilla's roots, or the system's when `DENO_TLS_CA_STORE=system`. To
   * trust these alone, set {@linkcode TlsOptions.caCertsOnly}.
   *
   * @default {[]}
   */
  caCerts?: string[];
  /**
   * Trusts {@linkcode TlsOptions.caCerts} alone, not the default roots, as
   * `node:tls` does with `ca` and asyncio with an `ssl` context made from a
   * `cafile`: pins a private CA, so that no certificate from a public CA is
   * accepted. Needs `caCerts`. The handshake then runs through `node:tls`;
   * the result is still a `Deno.TlsConn`.
   *
   * @default {false} (`caCerts` adds to the default roots, as in
   * `Deno.connectTls`)
   */
  caCertsOnly?: boolean;
  /**
   * Protocols to offer through ALPN (RFC 7301), in order of preference, such
   * as `["h2", "http/1.1"]`. The chosen one is in the `tlsSucceeded` event
   * and in `(await conn.handshake()).alpnProtocol`.
   *
   * @default {undefined (no ALPN extension)}
   */
  alpnProtocols?: string[];
  /**
   * A client certificate chain (PEM) for mutual TLS, set together with
   * {@linkcode TlsOptions.key}. `Deno.startTls` cannot send one, so the
   * handshake then runs through `node:tls`; the result is still a
   * `Deno.TlsConn`.
   *
   * With TLS 1.3 the server checks the client certificate after the client's
   * side of the handshake has completed: a refused certificate shows up as an
   * error on the first read (such as `Deno.errors.InvalidData` "received fatal
   * alert: CertificateRequired"), not as a handshake failure.
   *
   * @default {undefined}
   */
  cert?: string;
  /**
   * The private key (PEM) of {@linkcode TlsOptions.cert}; both or neither.
   *
   * @default {undefined}
   */
  key?: string;
  /**
   * Milliseconds the TLS handshake may take (asyncio's
   * `ssl_handshake_timeout`). When it expires, the connection is closed and
   * the upgrade fails with a `DOMException` named `"TimeoutError"`. Must be
   * positive and at most 2147483647 (about 24.8 days); `Infinity` is refused
   * so that no handshake can wait forever.
   *
   * @default {60_000}
   */
  handshakeTimeout?: number;
  /**
   * Milliseconds `closeTls()` waits for the peer to close after
   * sending it close_notify (asyncio's `ssl_shutdown_timeout`), for
   * connections made with these options. Same range as `handshakeTimeout`.
   *
   * @default {30_000}
   */
  shutdownTimeout?: number;
}

/**
 * What happened during a TLS upgrade, as reported to
 * the `onEvent` option of `upgradeTls()`. `connect()` adds the time elapsed
 * and the peer address when it forwards these events.
 */
export type TlsEvent =
  | {
    /** The handshake is about to start. */
    type: "tlsStarted";
    /** The name sent and verified (the peer's IP address when none). */
    serverName: string;
  }
  | {
    /** The handshake completed and the certificate was accepted. */
    type: "tlsSucceeded";
    /** The name sent and verified. */
    serverName: string;
    /** The protocol chosen through ALPN, or `null` when none was. */
    alpnProtocol: string | null;
  }
  | {
    /** The upgrade failed; the connection is closed. */
    type: "tlsFailed";
    /** The name sent and verified. */
    serverName: string;
    /** The error that `upgradeTls()` rejects with. */
    error: unknown;
  };

/** What every form of the `proxy` option may add to the proxy's address. */
export interface ProxySettings {
  /**
   * More trusted roots (PEM) for the certificate of an `https://` proxy,
   * added to the ones every TLS connection of Deno trusts (the default store,
   * `DENO_TLS_CA_STORE`, `DENO_CERT`), as curl's `--proxy-cacert`. The
   * target's certificate is checked against `tls.caCerts`, not these.
   *
   * @default {undefined} (the default roots only)
   */
  caCerts?: string[];
  /**
   * Milliseconds the proxy may take to answer the tunnel request once
   * connected (and, for an `https://` proxy, to finish the TLS handshake
   * with it), before the call fails with a `TimeoutError`.
   *
   * @default {10000}
   */
  timeout?: number;
}

/** The `proxy` option of {@linkcode ConnectOptions} as an address. */
export interface ProxyEndpointOptions extends ProxySettings {
  /**
   * The proxy's protocol: `"http"`, a `CONNECT` tunnel; `"https"`, the same
   * over TLS to the proxy; `"socks5"`, SOCKS5 with the target's name
   * resolved here; `"socks5h"`, SOCKS5 with the name resolved by the proxy.
   *
   * @default {"http"}
   */
  protocol?: "http" | "https" | "socks5" | "socks5h";
  /** The proxy's host: a name, or an IP address. */
  hostname: string;
  /**
   * The proxy's port.
   *
   * @default {80} (`http`), `443` (`https`), `1080` (`socks5`, `socks5h`)
   */
  port?: number;
  /**
   * The user name for the proxy (HTTP basic authentication, or RFC 1929).
   *
   * @default {undefined} (none sent)
   */
  username?: string;
  /**
   * The password for the proxy (HTTP basic authentication, or RFC 1929).
   *
   * @default {undefined} (none sent)
   */
  password?: string;
  /** Not with `hostname`: see {@linkcode ProxyUrlOptions}. */
  url?: never;
}

/**
 * The `proxy` option of {@linkcode ConnectOptions} as a URL with settings,
 * as undici's `ProxyAgent` takes its `uri`.
 */
export interface ProxyUrlOptions extends ProxySettings {
  /**
   * The proxy's URL, as the `proxy` option takes it (`"env"` too: the proxy
   * the environment names for the target, if any).
   */
  url: string;
  /** Not with `url`: the URL says it. */
  hostname?: never;
}

/** The `proxy` option of {@linkcode ConnectOptions} as an object. */
export type ProxyOptions = ProxyEndpointOptions | ProxyUrlOptions;

/** Options for `connect()`. Times are in milliseconds. */
export interface ConnectOptions {
  /**
   * The host to connect to: a name, or an IP address (IPv6 with or without
   * brackets). Required unless `conn` is given.
   */
  hostname?: string;
  /** The port to connect to, 1 to 65535. Required unless `conn` is given. */
  port?: number;
  /**
   * Accepted for code written for `Deno.connect`: only `"tcp"`, the one
   * transport this function speaks.
   *
   * @default {"tcp"}
   */
  transport?: "tcp";
  /**
   * An already connected TCP connection to adopt instead of connecting
   * (asyncio's `sock`). It belongs to the result from then on. It cannot be
   * combined with options that concern connecting. A closed connection cannot
   * be told from an open one without using it, so it is returned as is: its
   * first read or write then rejects with `Deno.errors.BadResource`.
   */
  conn?: Deno.TcpConn;
  /**
   * Use only addresses of this family.
   *
   * @default {undefined} (both)
   */
  family?: Family;
  /**
   * The delay between the starts of two connection attempts (RFC 8305
   * "Connection Attempt Delay"). The next attempt starts earlier when the
   * latest one fails. `0` starts all at once; `Infinity` tries the addresses
   * strictly one after another.
   *
   * @default {250}
   */
  happyEyeballsDelay?: number;
  /**
   * The "First Address Family Count" of RFC 8305 §4: how many addresses of
   * the first family come before the families alternate. `0` keeps the
   * resolver's order.
   *
   * @default {1}
   */
  interleave?: number;
  /**
   * The local address to bind (asyncio's `local_addr`). Destination
   * addresses of a family that it cannot serve are skipped; where it has
   * several addresses of a family, each is tried in turn until one binds.
   * Other keys are a `TypeError`, except `transport: "tcp"`, so that a
   * `Deno.NetAddr` (such as a connection's `localAddr`) can be given as is.
   *
   * @default {undefined} (the system chooses)
   */
  localAddr?: LocalAddr;
  /**
   * Opens each attempt's connection instead of `Deno.connect` (and of
   * `node:net` for `localAddr`): see {@linkcode Dialer}.
   *
   * @default {undefined} (`Deno.connect`)
   */
  dial?: Dialer;
  /**
   * Milliseconds each attempt may take before it fails with
   * `Deno.errors.TimedOut`, so that a destination whose addresses are all
   * blackholed fails with a reason per address instead of waiting for the
   * system's timeout (about two minutes on Linux). Other attempts go on
   * meanwhile; for a limit on the whole call, use `signal`.
   *
   * @default {undefined} (the system's timeout)
   */
  attemptTimeout?: number;
  /**
   * A proxy to reach the target through: a URL (`http://` for an HTTP
   * `CONNECT` tunnel, `https://` for the same over TLS to the proxy,
   * `socks5://` or `socks5h://`, with `user:password@`
   * if the proxy asks for them) or the same as an object; or `"env"`: the
   * proxy the environment names for the target, with curl's rules
   * (`https_proxy` for TLS, `http_proxy`, `all_proxy`, `no_proxy`). The
   * race is then to the proxy's addresses (the hop this process dials, so
   * `--allow-net` needs the proxy's host only), and `tls` runs to the target
   * inside the tunnel. Credentials are never shown: the proxy is shown as
   * `http://***@host:port`.
   *
   * @default {undefined} (no proxy)
   */
  proxy?: string | ProxyOptions | "env";
  /**
   * When every attempt fails, always reject with an `AggregateError` holding
   * one error per attempt (asyncio's `all_errors`), instead of a single error
   * when there was only one attempt or all failed alike.
   *
   * @default {false}
   */
  allErrors?: boolean;
  /**
   * Aborting it rejects with `signal.reason` and closes every attempt.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Resolves `hostname` instead of the system resolver (getaddrinfo, which
   * honours /etc/hosts and orders by RFC 6724).
   *
   * @default {undefined} (the system resolver)
   */
  resolver?: Resolver;
  /**
   * Called synchronously with each step of the connection: resolution, every
   * attempt's start and end, the TLS handshake. If it throws, the connection
   * attempt stops: everything opened is closed, no more events are sent, and
   * `connect()` rejects with the error thrown (the same for the methods of
   * `history`). It is not awaited: a promise it returns that rejects while
   * the call is under way counts as a throw; one that rejects after the call
   * has settled changes nothing (it is never left unhandled). It may abort
   * `signal`, even from the `attemptWon` event: `connect()` then rejects
   * with `signal.reason`, the connection closed.
   *
   * @default {undefined}
   */
  onEvent?: (event: ConnectEvent) => void;
  /**
   * Run TLS: `true` for Deno's default trust store, or the
   * {@linkcode ConnectTlsSettings}. By default each attempt of the race runs
   * its own handshake, and an attempt wins once its handshake is done (see
   * {@linkcode ConnectTlsSettings.raceHandshake}). With `conn`,
   * `tls.serverName` is required (there is no host name to verify). `await
   * using` on the result closes it gracefully, with `closeTls()`.
   *
   * @default {false}
   */
  tls?: boolean | ConnectTlsSettings;
  /**
   * Remembered winners, shared between calls (RFC 8305 §4 and §5, stateful
   * client): the address that won the last race to the same host name and
   * port is tried first, and the delay before the next attempt may be
   * shortened from its measured connect times. Each win is recorded in it,
   * and so are the addresses the name resolved to, for its `addressTtl`.
   *
   * Without it, a call to a host name uses one process-wide history for
   * winners and delays only: no address cache (give a history of your own
   * for that), at most 1024 destinations for 10 minutes each, forgotten
   * when the machine's addresses change (checked at most every 5 s, with
   * `--allow-sys=networkInterfaces`). A call with its own `resolver` or
   * `dial` hook uses none. `false`: no memory between calls.
   *
   * @default {undefined} (the process-wide history)
   */
  history?: ConnectHistory | false;
}

/** `ConnectOptions` that ask for TLS. */
export type ConnectTlsOptions = ConnectOptions & {
  tls: true | ConnectTlsSettings;
};

/** The `tls` option of `connect()`: the {@linkcode TlsOptions}, and one more. */
export interface ConnectTlsSettings extends TlsOptions {
  /**
   * Whether the TLS handshake runs inside the race (the Happy Eyeballs v3
   * draft): each attempt runs its own handshake, within `handshakeTimeout`,
   * and wins only once it is done. A handshake that stalls lets the next
   * address start after `happyEyeballsDelay`, as a TCP connect that stalls
   * does; one that fails on the path (a reset, an end of file, its timeout,
   * an alert not about a certificate) moves on to the next address at once.
   * A verdict on a certificate (unknown issuer, name mismatch, expired, a
   * client certificate refused) ends the call at once: every address of one
   * host name serves one identity. The losers are closed at once, wherever
   * their handshake stands: it runs through `node:tls`, whose socket closes
   * at once (`Deno.startTls` keeps it until the server speaks). With
   * `caCerts`, `node:tls` needs `--allow-sys=ca` to read the default roots;
   * without that permission, `Deno.startTls` runs the handshakes.
   *
   * `false` is asyncio's way: the race is TCP only, and one handshake runs
   * on its winner; a silent or broken TLS path then fails the call.
   *
   * @default {true}
   */
  raceHandshake?: boolean;
}

/**
 * Where `connect()` connects, as the types require it: `hostname` and
 * `port`, or `conn` (and then neither).
 */
export type ConnectTarget =
  | { hostname: string; port: number }
  | { conn: Deno.TcpConn; hostname?: undefined; port?: undefined };

/** The failure of one connection attempt. */
export interface AttemptFailure {
  /** The address the attempt connected to. */
  address: Deno.NetAddr;
  /** Why it failed, as thrown. */
  error: unknown;
}

/**
 * How `closeTls()` ended:
 * - `"closeNotify"`: the peer answered close_notify and closed: a clean TLS
 *   shutdown, in which nothing was cut short;
 * - `"noCloseNotify"`: the peer closed or reset the connection without
 *   close_notify (nginx, for one, closes TCP without answering), or broke
 *   the protocol;
 * - `"timedOut"`: the peer did neither within the timeout;
 * - `"alreadyClosed"`: the connection was closed already; nothing was sent.
 *
 * In every case the connection is closed when `closeTls()` settles.
 */
export type CloseTlsResult =
  | "closeNotify"
  | "noCloseNotify"
  | "timedOut"
  | "alreadyClosed";
