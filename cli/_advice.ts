// Copyright 2026 the happy-eyeballs authors. MIT license.
// What an error means, in a few words for the timeline, and what to try, for
// the command-line tool. Only words: the caller makes them visible (see
// _common/visible.ts) before printing, as they quote the network.
import { messageOf } from "../_common/errors.ts";
import type { ErrorKind } from "./report_types.ts";

const CERTIFICATE_NAME_REGEXP = /(?:DnsName|IpAddress)\("?(.*?)"?\)/g;
const ALTNAMES_REGEXP = /.*altnames: (.*)$/;
const CERT_LIST_REGEXP = /is not in the cert's list: ?(.*)$/;
const NAME_KIND_REGEXP = /^[^:]+:/;
const FATAL_ALERT_REGEXP = /fatal alert: ?(\w+)/i;
const ALERT_NUMBER_REGEXP = /alert number (\d+)/;
const UNKNOWN_ISSUER_REGEXP =
  /UnknownIssuer|unable to get (local )?issuer|unable to verify the first certificate|self.signed/i;
const NAME_MISMATCH_REGEXP = /not valid for name|does not match certificate/i;
const CERTIFICATE_REQUIRED_REGEXP = /CertificateRequired|116/;
const HANDSHAKE_FAILURE_REGEXP = /HandshakeFailure|^40$/;
const CERTIFICATE_REFUSED_REGEXP =
  /BadCertificate|UnknownCA|CertificateUnknown|AccessDenied|DecryptError|UnsupportedCertificate|4[2-9]|51/;

/** The kind of an attempt's error. */
export function errorKind(error: unknown): ErrorKind {
  const e = Deno.errors;
  if (error instanceof e.ConnectionRefused) return "refused";
  if (error instanceof e.TimedOut) return "timedOut";
  if (error instanceof e.NetworkUnreachable) return "unreachable";
  if (error instanceof e.ConnectionReset) return "reset";
  if (error instanceof e.AddrNotAvailable) return "addressNotAvailable";
  if (error instanceof e.AddrInUse) return "addressInUse";
  if (error instanceof e.NotCapable || error instanceof e.PermissionDenied) {
    return "permission";
  }
  return "other";
}

/** An error in a few words, and a hint when one helps. */
export interface Advice {
  /** A few words for the timeline: "refused". */
  short: string;
  /** What it likely means, or what to try. */
  hint?: string;
}

const ATTEMPT_ADVICE: Record<string, Advice> = {
  refused: {
    short: "refused",
    hint:
      "nothing listens on that port there, or a firewall rejects the connection",
  },
  timedOut: {
    short: "timed out",
    hint:
      "no answer: packets to it may be dropped on the way (a blackhole or a firewall)",
  },
  unreachable: {
    short: "network unreachable",
    hint: "no route to it; for IPv6, this host may have no IPv6 connectivity",
  },
  reset: { short: "reset by the peer" },
  addressNotAvailable: {
    short: "local address not available",
    hint: "--local-addr must be an address of this host",
  },
  addressInUse: {
    short: "local address in use",
    hint: "another socket uses that local port",
  },
  permission: {
    short: "not permitted",
    hint: "Deno needs --allow-net for it, or the system forbids it",
  },
};

/** What an attempt's error means; `short` is the message for the others. */
export function attemptAdvice(error: unknown): Advice {
  return ATTEMPT_ADVICE[errorKind(error)] ?? { short: messageOf(error) };
}

/**
 * The names a certificate holds, from the message of a name mismatch:
 * rustls says `only valid for DnsName("a") or IpAddress(…)`, node:tls says
 * `not in the cert's altnames: DNS:a, IP Address:…`.
 */
export function certificateNames(message: string): string[] {
  const rustls = [...message.matchAll(CERTIFICATE_NAME_REGEXP)]
    .map((m) => m[1]!);
  if (rustls.length > 0) return rustls;
  // The last "altnames:" (node says it twice); for an IP address, node
  // lists the certificate's IP addresses alone, after "cert's list:".
  const altnames = CERT_LIST_REGEXP.exec(message)?.[1] ??
    ALTNAMES_REGEXP.exec(message)?.[1];
  if (altnames === undefined || altnames.trim() === "") return [];
  return altnames.split(", ").map((name) => name.replace(NAME_KIND_REGEXP, ""));
}

/** A fatal alert of the server, such as `CertificateRequired`. */
function alertOf(message: string): string | undefined {
  return FATAL_ALERT_REGEXP.exec(message)?.[1] ??
    ALERT_NUMBER_REGEXP.exec(message)?.[1];
}

/** What the TLS settings of the run were. */
export interface TlsContext {
  /** The name checked against the certificate. */
  serverName: string;
  /** Whether a client certificate was given (`--cert`). */
  clientCertificate: boolean;
}

/** What a TLS failure means, and what to try. */
export function tlsAdvice(error: unknown, context: TlsContext): Advice {
  const message = messageOf(error);
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return {
      short: "no answer within the handshake timeout",
      hint:
        "the server accepted the TCP connection but never answered TLS: is it a TLS port?",
    };
  }
  if (
    UNKNOWN_ISSUER_REGEXP.test(message)
  ) {
    return {
      short: "certificate from an unknown issuer",
      hint:
        "trust its CA with --ca FILE, or the system's CA store with DENO_TLS_CA_STORE=system",
    };
  }
  if (NAME_MISMATCH_REGEXP.test(message)) {
    const names = certificateNames(message);
    return {
      short: `certificate not valid for ${context.serverName}`,
      hint: names.length > 0
        ? `the certificate is for ${
          names.join(", ")
        }: check one of those names with --server-name NAME`
        : "check the name the certificate is for with --server-name NAME",
    };
  }
  const alert = alertOf(message);
  if (alert !== undefined) {
    const short = `fatal alert ${alert} from the server`;
    if (CERTIFICATE_REQUIRED_REGEXP.test(alert)) {
      return {
        short,
        hint:
          "the server requires a client certificate: give one with --cert FILE --key FILE",
      };
    }
    if (HANDSHAKE_FAILURE_REGEXP.test(alert) && !context.clientCertificate) {
      return {
        short,
        hint:
          "the server may require a client certificate (--cert FILE --key FILE), or share no TLS version or cipher with us",
      };
    }
    if (
      context.clientCertificate &&
      CERTIFICATE_REFUSED_REGEXP
        .test(alert)
    ) {
      return {
        short,
        hint:
          "the server refused our client certificate (--cert): it must come from a CA the server trusts, for a client (extended key usage clientAuth)",
      };
    }
    return { short };
  }
  return { short: message };
}

/**
 * What a failed handshake with an `https://` proxy means, and what to try:
 * the words of {@linkcode tlsAdvice}, with hints about the proxy (its roots
 * come from `--proxy-ca`, its name from `--proxy`), never about the target's
 * options.
 */
export function proxyTlsAdvice(error: unknown, serverName: string): Advice {
  const { short } = tlsAdvice(error, { serverName, clientCertificate: false });
  const message = messageOf(error);
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return {
      short,
      hint:
        "the proxy accepted the TCP connection but never answered TLS: is it an http:// proxy rather than an https:// one?",
    };
  }
  if (UNKNOWN_ISSUER_REGEXP.test(message)) {
    return {
      short,
      hint:
        "trust the proxy's CA with --proxy-ca FILE, or the system's CA store with DENO_TLS_CA_STORE=system",
    };
  }
  if (NAME_MISMATCH_REGEXP.test(message)) {
    const names = certificateNames(message);
    return {
      short,
      hint: names.length > 0
        ? `the proxy's certificate is for ${
          names.join(", ")
        }: name the proxy by one of those in --proxy`
        : "name the proxy in --proxy by a name its certificate is for",
    };
  }
  return { short };
}
