// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { pemBlocks, pemLabels } from "./pem.ts";

const block = (label: string) =>
  `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;

Deno.test("pemLabels() reads every RFC 7468 label, never the text", () => {
  assertEquals(
    pemLabels(
      block("CERTIFICATE") + block("X9.42 DH PARAMETERS") +
        block("PKCS #7 SIGNED DATA"),
    ),
    ["CERTIFICATE", "X9.42 DH PARAMETERS", "PKCS #7 SIGNED DATA"],
  );
  assertEquals(pemLabels("-----BEGIN -----\n-----BEGIN A\nB-----"), []);
});

Deno.test("pemBlocks() allows the EC PARAMETERS of a key, nothing else", () => {
  const ecKey = block("EC PARAMETERS") + block("EC PRIVATE KEY");
  assertEquals(pemBlocks(ecKey, "private key"), {
    labels: ["EC PARAMETERS", "EC PRIVATE KEY"],
    held: 1,
    wrong: undefined,
  });
  assertEquals(pemBlocks(block("EC PARAMETERS"), "private key").held, 0);
  assertEquals(pemBlocks(ecKey, "certificate").wrong, "EC PARAMETERS");
  assertEquals(
    pemBlocks(block("TRUSTED CERTIFICATE") + block("X509 CRL"), "certificate"),
    { labels: ["TRUSTED CERTIFICATE", "X509 CRL"], held: 1, wrong: "X509 CRL" },
  );
});
