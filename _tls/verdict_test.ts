// Copyright 2026 the happy-eyeballs authors. MIT license.
// Which failed handshakes are a verdict on a certificate (the call ends),
// and which are failures of the path (the race moves on).
import { assertEquals } from "@std/assert";
import { isCertificateVerdict } from "./verdict.ts";
import { withCode } from "../_common/error_classes.ts";

Deno.test("isCertificateVerdict() knows rustls' verdicts and certificate alerts", () => {
  const verdicts = [
    "invalid peer certificate: UnknownIssuer",
    'invalid peer certificate: certificate not valid for name "a.test"',
    "invalid peer certificate: Expired",
    "received fatal alert: UnknownCA",
    "received fatal alert: CertificateRequired",
    "received fatal alert: BadCertificate",
  ];
  for (const message of verdicts) {
    const error = new Deno.errors.InvalidData(message);
    assertEquals(isCertificateVerdict(error), true, message);
    // Wrapped, with the original as cause.
    const wrapped = new Deno.errors.InvalidData("TLS handshake failed", {
      cause: error,
    });
    assertEquals(isCertificateVerdict(wrapped), true, message);
  }
  for (
    const code of [
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      "CERT_HAS_EXPIRED",
      "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
    ]
  ) {
    const error = withCode(new Deno.errors.InvalidData("x"), code);
    assertEquals(isCertificateVerdict(error), true, code);
  }
});

Deno.test("isCertificateVerdict() leaves failures of the path to the race", () => {
  const failures: unknown[] = [
    new Deno.errors.ConnectionReset("Connection reset by peer (os error 104)"),
    new Deno.errors.UnexpectedEof("tls handshake eof"),
    new DOMException("TLS handshake timed out after 100 ms", "TimeoutError"),
    new Deno.errors.InvalidData("received fatal alert: HandshakeFailure"),
    new Deno.errors.InvalidData("received fatal alert: ProtocolVersion"),
    "invalid peer certificate", // Not an error: nothing to go by.
    undefined,
  ];
  for (const error of failures) {
    assertEquals(isCertificateVerdict(error), false, String(error));
  }
});
