// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertRejects } from "@std/assert";
import { checkClientCertificate } from "./client_certificate.ts";

const CERT = await Deno.readTextFile(
  new URL("../testdata/client.pem", import.meta.url),
);
const KEY = await Deno.readTextFile(
  new URL("../testdata/client.key", import.meta.url),
);
const OTHER_KEY = await Deno.readTextFile(
  new URL("../testdata/server.key", import.meta.url),
);

Deno.test("checkClientCertificate() takes a certificate and its key", async () => {
  await checkClientCertificate(CERT, KEY, "tls.");
});

Deno.test("checkClientCertificate() names what does not parse or match", async () => {
  await assertRejects(
    () => checkClientCertificate("not a certificate", KEY, "tls."),
    TypeError,
    "Cannot start TLS as 'tls.cert' must be a valid PEM certificate",
  );
  await assertRejects(
    () => checkClientCertificate(CERT, "not a key", ""),
    TypeError,
    "Cannot start TLS as 'key' must be a valid PEM private key",
  );
  await assertRejects(
    () => checkClientCertificate(CERT, OTHER_KEY, "tls."),
    TypeError,
    "'tls.key' must be the private key of 'tls.cert': current value is another key",
  );
});
