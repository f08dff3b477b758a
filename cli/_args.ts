// Copyright 2026 the happy-eyeballs authors. MIT license.
// The command line of the tool, parsed and checked. Everything wrong here is
// wrong before any traffic: a UsageError (see _usage.ts).
import type { Family, LocalAddr } from "../types.ts";
import { messageOf } from "../_common/errors.ts";
import { MAX_TIMEOUT } from "../_common/timer.ts";
import { hasZoneId, ipVersion, splitHostPort } from "../_common/ip.ts";
import { show } from "../_common/show.ts";
import { strictParseArgs } from "./_strict_parse_args.ts";
import { UsageError } from "./_usage.ts";
import { checkOptions } from "../_connect/options.ts";

const PORT_REGEXP = /^\d{1,5}$/;
const DECIMAL_REGEXP = /^\d+(\.\d+)?$/;
const HOST_FORBIDDEN_REGEXP = /[\s\[\]]/;
const INFINITY_REGEXP = /^(Infinity|inf)$/i;
const INTERLEAVE_REGEXP = /^\d{1,6}$/;
const REPEAT_REGEXP = /^\d{1,4}$/;

/** The TLS part of the command line. */
export interface CliTlsArgs {
  /** `--server-name`: the name for SNI and the certificate check. */
  serverName: string | undefined;
  /** `--ca`: files of certificates to trust too. */
  caFiles: string[];
  /** `--alpn`: the protocols to offer. */
  alpnProtocols: string[];
  /** `--cert`: the client certificate's file. */
  certFile: string | undefined;
  /** `--key`: its private key's file. */
  keyFile: string | undefined;
  /** Not `--tls-on-winner`: each attempt's handshake inside the race. */
  raceHandshake: boolean;
}

/** The command line, parsed and checked. */
export interface CliArgs {
  /** HOST, as given. */
  hostname: string;
  /** PORT. */
  port: number;
  /** `--delay`: milliseconds between attempt starts. */
  delay: number;
  /** `--interleave`: addresses of the first family first. */
  interleave: number;
  /** `-4` or `-6`: the only family wanted. */
  family: Family | undefined;
  /** `--local-addr`: the local address to bind. */
  localAddr: Required<LocalAddr> | undefined;
  /** `--timeout`: milliseconds before giving up. */
  timeout: number | undefined;
  /** `--attempt-timeout`: `attemptTimeout` of `connect()`. */
  attemptTimeout: number | undefined;
  /** `--all-errors`: one error per failed attempt. */
  allErrors: boolean;
  /** `--json`: the report instead of the timeline. */
  json: boolean;
  /** `--dns`: resolve with `dnsResolver()`. */
  dns: boolean;
  /** `--dns-server`: the name server for `--dns`. */
  dnsServer: { ipAddr: string; port: number } | undefined;
  /** `--repeat`: how many connections, one after the other. */
  repeat: number;
  /** `--proxy`: the proxy URL, as given (credentials included). */
  proxy?: string | undefined;
  /** `--proxy` as the output shows it: `http://***@host:port`. */
  proxyShown?: string | undefined;
  /** `--proxy env`: the proxy, if any, is the one the environment names. */
  proxyFromEnv?: boolean | undefined;
  /** `--proxy-ca`: files of roots for an `https://` proxy's certificate. */
  proxyCaFiles?: string[] | undefined;
  /** `--otel`: one trace of the run, sent by Deno's telemetry. */
  otel: boolean;
  /** The TLS settings, with `--tls` only. */
  tls: CliTlsArgs | undefined;
}

const DEFAULT_DELAY = 250;
const DEFAULT_INTERLEAVE = 1;
const MAX_REPEAT = 1000;

function bad(option: string, rule: string, value: string): never {
  throw new UsageError(
    `Cannot parse the command line as ${option} must be ${rule}: current value is ${
      show(value)
    }`,
  );
}

function parsePort(option: string, text: string, min: number): number {
  const port = PORT_REGEXP.test(text) ? Number(text) : NaN;
  if (!(port >= min && port <= 65535)) {
    bad(option, `an integer from ${min} to 65535`, text);
  }
  return port;
}

/** Parses a timeout in milliseconds: above 0, at most the timer limit. */
function parseMs(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = DECIMAL_REGEXP.test(text) ? Number(text) : NaN;
  if (!(ms > 0 && ms <= MAX_TIMEOUT)) {
    bad(
      option,
      `a number of milliseconds above 0 and at most ${MAX_TIMEOUT}`,
      text,
    );
  }
  return ms;
}

/**
 * Parses `--local-addr`: `HOST`, `HOST:PORT`, `IPv6`, `[IPv6]` or
 * `[IPv6]:PORT`.
 */
export function parseLocalAddr(text: string): Required<LocalAddr> {
  const option = "'--local-addr'";
  const { hostname, port } = splitHostPort(text);
  if (hostname === "" || HOST_FORBIDDEN_REGEXP.test(hostname)) {
    bad(option, "HOST, HOST:PORT, or [IPv6]:PORT", text);
  }
  return {
    hostname,
    port: port === undefined ? 0 : parsePort(option, port, 0),
  };
}

/** Parses `--dns-server`: an IP address, with a port or not. */
function parseDnsServer(text: string): { ipAddr: string; port: number } {
  const { hostname, port } = splitHostPort(text);
  // An IP address as Deno.resolveDns takes it: no zone id.
  if (!ipVersion(hostname) || hasZoneId(hostname)) {
    bad(
      "'--dns-server'",
      "IP, IP:PORT or [IPv6]:PORT, without a zone id",
      text,
    );
  }
  return {
    ipAddr: hostname,
    port: port === undefined ? 53 : parsePort("'--dns-server'", port, 1),
  };
}

/**
 * Parses the command line.
 *
 * @returns The arguments, or `"help"` for `--help`.
 * @throws {UsageError} If the command line is wrong.
 */
export function parseCliArgs(args: string[]): CliArgs | "help" {
  let parsed;
  try {
    parsed = strictParseArgs(args, {
      tls: { type: "boolean" },
      "server-name": { type: "string" },
      ca: { type: "string", multiple: true },
      cert: { type: "string" },
      key: { type: "string" },
      alpn: { type: "string", multiple: true },
      "tls-on-winner": { type: "boolean" },
      delay: { type: "string" },
      interleave: { type: "string" },
      ipv4: { type: "boolean", short: "4" },
      ipv6: { type: "boolean", short: "6" },
      "local-addr": { type: "string" },
      dns: { type: "boolean" },
      "dns-server": { type: "string" },
      repeat: { type: "string" },
      timeout: { type: "string" },
      "attempt-timeout": { type: "string" },
      proxy: { type: "string" },
      "proxy-ca": { type: "string", multiple: true },
      "all-errors": { type: "boolean" },
      json: { type: "boolean" },
      otel: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
  } catch (error) {
    throw new UsageError(`Cannot parse the command line: ${messageOf(error)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";

  if (positionals.length !== 2) {
    throw new UsageError(
      `Cannot parse the command line as HOST and PORT must be given, and nothing else: current value is ${
        positionals.length === 0 ? "(nothing)" : positionals.map(show).join(" ")
      }`,
    );
  }
  const [hostname = "", portText = ""] = positionals;
  const port = parsePort("PORT", portText, 1);

  let delay = DEFAULT_DELAY;
  if (values.delay !== undefined) {
    const text = values.delay;
    delay = INFINITY_REGEXP.test(text)
      ? Infinity
      : DECIMAL_REGEXP.test(text)
      ? Number(text)
      : bad(
        "'--delay'",
        "a non-negative number of milliseconds, or Infinity",
        text,
      );
  }
  let interleave = DEFAULT_INTERLEAVE;
  if (values.interleave !== undefined) {
    const text = values.interleave;
    interleave = INTERLEAVE_REGEXP.test(text)
      ? Number(text)
      : bad("'--interleave'", "a non-negative integer", text);
  }
  const timeout = parseMs("'--timeout'", values.timeout);
  const attemptTimeout = parseMs(
    "'--attempt-timeout'",
    values["attempt-timeout"],
  );
  let repeat = 1;
  if (values.repeat !== undefined) {
    const text = values.repeat;
    repeat = REPEAT_REGEXP.test(text) ? Number(text) : NaN;
    if (!(repeat >= 1 && repeat <= MAX_REPEAT)) {
      bad("'--repeat'", `an integer from 1 to ${MAX_REPEAT}`, text);
    }
  }
  if (values.ipv4 && values.ipv6) {
    throw new UsageError(
      "Cannot parse the command line as '-4' and '-6' must not be combined: current value is -4 -6",
    );
  }
  const family: Family | undefined = values.ipv4
    ? 4
    : values.ipv6
    ? 6
    : undefined;
  const localAddr = values["local-addr"] === undefined
    ? undefined
    : parseLocalAddr(values["local-addr"]);
  const dnsServer = values["dns-server"] === undefined
    ? undefined
    : parseDnsServer(values["dns-server"]);
  if (dnsServer && !values.dns) {
    throw new UsageError(
      "Cannot parse the command line as --dns-server must come with --dns: current value is no --dns",
    );
  }

  const proxyCaFiles = values["proxy-ca"] ?? [];
  if (proxyCaFiles.length > 0 && values.proxy === undefined) {
    throw new UsageError(
      "Cannot parse the command line as --proxy-ca must come with --proxy: current value is no --proxy",
    );
  }

  const serverName = values["server-name"];
  const caFiles = values.ca ?? [];
  const alpnProtocols = values.alpn ?? [];
  const certFile = values.cert;
  const keyFile = values.key;
  if (!values.tls) {
    const tlsOnly = [
      serverName !== undefined && "--server-name",
      caFiles.length > 0 && "--ca",
      certFile !== undefined && "--cert",
      keyFile !== undefined && "--key",
      alpnProtocols.length > 0 && "--alpn",
      values["tls-on-winner"] && "--tls-on-winner",
    ].filter(Boolean);
    if (tlsOnly.length > 0) {
      throw new UsageError(
        `Cannot parse the command line as ${
          tlsOnly.join(", ")
        } must come with --tls: current value is no --tls`,
      );
    }
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(
      `Cannot parse the command line as --cert and --key must be given together: current value is ${
        certFile === undefined ? "--key" : "--cert"
      } alone`,
    );
  }
  if (serverName === "") bad("'--server-name'", "a host name", serverName);
  for (const protocol of alpnProtocols) {
    if (protocol === "") bad("'--alpn'", "a protocol name", protocol);
  }

  return {
    hostname,
    port,
    delay,
    interleave,
    family,
    localAddr,
    timeout,
    attemptTimeout,
    allErrors: values["all-errors"] ?? false,
    json: values.json ?? false,
    dns: values.dns ?? false,
    dnsServer,
    repeat,
    otel: values.otel ?? false,
    ...(values.proxy !== undefined && {
      proxy: values.proxy,
      proxyShown: showProxyUrl(values.proxy, hostname, port),
      proxyFromEnv: values.proxy === "env",
      proxyCaFiles,
    }),
    tls: values.tls
      ? {
        serverName,
        caFiles,
        alpnProtocols,
        certFile,
        keyFile,
        raceHandshake: !values["tls-on-winner"],
      }
      : undefined,
  };
}

/**
 * A proxy URL as the output shows it: as connect() shows it in its events
 * (`checkOptions()` says, credentials as `***@`, the scheme's port when the
 * URL names none); `"env"` in words; "a proxy" for one that connect()
 * refuses (a usage error follows, before any output).
 */
function showProxyUrl(value: string, hostname: string, port: number): string {
  if (value === "env") return "the proxy of the environment";
  try {
    return checkOptions({ hostname, port, proxy: value }).proxy?.shown ??
      "a proxy";
  } catch {
    return "a proxy";
  }
}
