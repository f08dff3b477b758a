// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * Internal: whether a client certificate and its key parse and belong
 * together, checked through `node:crypto` (loaded only when called). Used
 * before a handshake through `node:tls`, and by the command-line tool before
 * any traffic.
 *
 * @module
 */

/**
 * Checks that `cert` and `key` parse and belong together: otherwise
 * `node:tls` fails later with a misleading "unsupported protocol".
 *
 * @param cert The client certificate (PEM).
 * @param key Its private key (PEM).
 * @param prefix Put before option names in error messages, such as `"tls."`.
 * @throws {TypeError} If either does not parse, or they do not match.
 *
 * @example Refuse a key that is not the certificate's
 * ```ts
 * import { checkClientCertificate } from "./client_certificate.ts";
 * import { assertRejects } from "@std/assert";
 *
 * const cert = await Deno.readTextFile("testdata/client.pem");
 * const key = await Deno.readTextFile("testdata/server.key");
 * await assertRejects(
 *   () => checkClientCertificate(cert, key, "tls."),
 *   TypeError,
 *   "'tls.key' must be the private key of 'tls.cert'",
 * );
 * ```
 */
export async function checkClientCertificate(
  cert: string,
  key: string,
  prefix: string,
): Promise<void> {
  const { createPrivateKey, X509Certificate } = await import("node:crypto");
  let certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (cause) {
    throw new TypeError(
      `Cannot start TLS as '${prefix}cert' must be a valid PEM certificate: current value does not parse (${
        (cause as Error).message
      })`,
      { cause },
    );
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (cause) {
    throw new TypeError(
      `Cannot start TLS as '${prefix}key' must be a valid PEM private key: current value does not parse`,
      { cause },
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TypeError(
      `Cannot start TLS as '${prefix}key' must be the private key of '${prefix}cert': current value is another key`,
    );
  }
}
