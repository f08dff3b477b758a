// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import {
  attemptAdvice,
  certificateNames,
  errorKind,
  tlsAdvice,
} from "./_advice.ts";

const CONTEXT = { serverName: "other.test", clientCertificate: false };

Deno.test("attemptAdvice() says what a refusal means, and repeats odd errors", () => {
  assertEquals(
    attemptAdvice(new Deno.errors.ConnectionRefused("x")).short,
    "refused",
  );
  assertEquals(attemptAdvice(new Error("odd")), { short: "odd" });
});

Deno.test("certificateNames() reads the names of both TLS paths' messages", () => {
  assertEquals(
    certificateNames(
      'invalid peer certificate: certificate not valid for name "x"; certificate is only valid for DnsName("tls.test") or DnsName("localhost")',
    ),
    ["tls.test", "localhost"],
  );
  assertEquals(
    certificateNames(
      "Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames: DNS:tls.test, IP Address:127.0.0.1",
    ),
    ["tls.test", "127.0.0.1"],
  );
  assertEquals(certificateNames("something else"), []);
});

Deno.test("tlsAdvice() gives a hint for the usual TLS failures", () => {
  const cases: [string, boolean, string, string | undefined][] = [
    [
      "invalid peer certificate: UnknownIssuer",
      false,
      "certificate from an unknown issuer",
      "trust its CA with --ca FILE, or the system's CA store with DENO_TLS_CA_STORE=system",
    ],
    [
      'certificate not valid for name "other.test"; certificate is only valid for DnsName("tls.test")',
      false,
      "certificate not valid for other.test",
      "the certificate is for tls.test: check one of those names with --server-name NAME",
    ],
    [
      "received fatal alert: CertificateRequired",
      false,
      "fatal alert CertificateRequired from the server",
      "the server requires a client certificate: give one with --cert FILE --key FILE",
    ],
    [
      "received fatal alert: UnknownCA",
      true,
      "fatal alert UnknownCA from the server",
      "the server refused our client certificate (--cert): it must come from a CA the server trusts, for a client (extended key usage clientAuth)",
    ],
    [
      "received fatal alert: UnknownCA",
      false,
      "fatal alert UnknownCA from the server",
      undefined,
    ],
    ["anything else", false, "anything else", undefined],
  ];
  for (const [message, clientCertificate, short, hint] of cases) {
    const advice = tlsAdvice(new Error(message), {
      ...CONTEXT,
      clientCertificate,
    });
    assertEquals(advice.short, short, message);
    assertEquals(advice.hint, hint, message);
  }
  const timeout = tlsAdvice(
    new DOMException("TLS handshake timed out", "TimeoutError"),
    CONTEXT,
  );
  assertEquals(timeout.short, "no answer within the handshake timeout");
});

Deno.test("errorKind() names the usual failures", () => {
  const e = Deno.errors;
  const cases: [unknown, string][] = [
    [new e.ConnectionRefused("x"), "refused"],
    [new e.TimedOut("x"), "timedOut"],
    [new e.NetworkUnreachable("x"), "unreachable"],
    [new e.ConnectionReset("x"), "reset"],
    [new e.AddrNotAvailable("x"), "addressNotAvailable"],
    [new e.AddrInUse("x"), "addressInUse"],
    [new e.NotCapable("x"), "permission"],
    [new e.PermissionDenied("x"), "permission"],
    [new Error("x"), "other"],
    ["a string", "other"],
  ];
  for (const [error, kind] of cases) assertEquals(errorKind(error), kind);
});
