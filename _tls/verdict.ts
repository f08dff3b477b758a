// Copyright 2026 the happy-eyeballs authors. MIT license.
// Whether a failed handshake is the host's verdict on a certificate (the
// server's, or ours) rather than a failure of the path. With the handshake
// inside the race, a verdict ends the call at once: every address of one host
// name serves one identity, so the next address would answer the same. Any
// other failure (reset, end of file, timeout, another alert) fails that
// attempt only, and the race moves on.

/**
 * Codes that Deno's `node:tls` gives a refused server certificate (OpenSSL's
 * names, as Node's), and the alerts a server sends about a client
 * certificate.
 */
const VERDICT_CODES: ReadonlySet<string> = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
  "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
  "ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED",
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED",
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN",
  "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED",
  "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
]);

/**
 * rustls' words (`Deno.startTls`): its verdict on the server's certificate,
 * and the alerts of RFC 8446 §6.2 that are about a certificate. A bare
 * `HandshakeFailure` alert is not one: it also means no common cipher.
 */
const VERDICT_MESSAGE_REGEXP =
  /invalid peer certificate|received fatal alert: (?:BadCertificate|UnsupportedCertificate|CertificateRevoked|CertificateExpired|CertificateUnknown|UnknownCA|AccessDenied|CertificateRequired)\b/;

/**
 * Whether `error`, a failed handshake (or its cause), is a verdict on a
 * certificate: a name mismatch, an unknown issuer, an expired certificate, a
 * client certificate refused.
 *
 * @param error What the handshake rejected with.
 * @returns `true` for a verdict, `false` for a failure of the path.
 */
export function isCertificateVerdict(error: unknown): boolean {
  for (let depth = 0; depth < 4; depth++) {
    if (!(error instanceof Error)) return false;
    const { code } = error as { code?: unknown };
    if (typeof code === "string" && VERDICT_CODES.has(code)) return true;
    if (VERDICT_MESSAGE_REGEXP.test(error.message)) return true;
    error = error.cause;
  }
  return false;
}
