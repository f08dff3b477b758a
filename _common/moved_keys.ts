// Copyright 2026 the happy-eyeballs authors. MIT license.

/**
 * Internal: where options of `Deno.connect`, `Deno.connectTls` and `node:net`
 * go in `connect()`'s, for the "did you mean" of the unknown-key error.
 *
 * @module
 */

/**
 * Where options of `Deno.connect`, `Deno.connectTls` and `node:net` go here:
 * the suggestion of the unknown-key error for them.
 */
export const MOVED: Readonly<Record<string, string>> = {
  caCerts: "tls.caCerts",
  alpnProtocols: "tls.alpnProtocols",
  cert: "tls.cert",
  key: "tls.key",
  host: "hostname",
  servername: "tls.serverName",
  unsafelyDisableHostnameVerification:
    "tls.unsafelyDisableHostnameVerification",
  autoSelectFamily: "happyEyeballsDelay",
  autoSelectFamilyAttemptDelay: "happyEyeballsDelay",
  localAddress: "localAddr",
  lookup: "resolver",
};
