// Copyright 2026 the happy-eyeballs authors. MIT license.
// TLS options: `tls.*` checked before any traffic (types, PEM text, server
// names, timeouts), defaults filled in, no private key ever shown.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotStrictEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { normalizeTlsOptions, parseTlsOptions } from "./options.ts";
import { connect } from "../connect.ts";
import { readTestdata } from "../_testing/net.ts";
import { fixedResolver } from "../_testing/resolvers.ts";

const read = readTestdata;
const CA = read("ca.pem");
const SERVER = { cert: read("server.pem"), key: read("server.key") };
const CLIENT = { cert: read("client.pem"), key: read("client.key") };

Deno.test("normalizeTlsOptions() fills in the defaults", () => {
  const defaults = {
    serverName: undefined,
    unsafelyDisableHostnameVerification: false,
    caCerts: undefined,
    caCertsOnly: false,
    alpnProtocols: undefined,
    cert: undefined,
    key: undefined,
    handshakeTimeout: 60_000,
    shutdownTimeout: 30_000,
    raceHandshake: true,
  };
  assertEquals(normalizeTlsOptions(true), defaults);
  assertEquals(normalizeTlsOptions({}), defaults);
  assertEquals(normalizeTlsOptions({ serverName: undefined }), defaults);
  const caCerts = [CA];
  const normalized = normalizeTlsOptions({
    serverName: "[::1]",
    unsafelyDisableHostnameVerification: true,
    caCerts,
    caCertsOnly: true,
    alpnProtocols: ["h2"],
    ...CLIENT,
    handshakeTimeout: 0.5,
    shutdownTimeout: 2 ** 31 - 1,
    raceHandshake: false,
  });
  assertEquals(normalized, {
    serverName: "::1",
    unsafelyDisableHostnameVerification: true,
    caCerts: [CA],
    caCertsOnly: true,
    alpnProtocols: ["h2"],
    ...CLIENT,
    handshakeTimeout: 0.5,
    shutdownTimeout: 2 ** 31 - 1,
    raceHandshake: false,
  });
  assertNotStrictEquals(normalized.caCerts, caCerts); // A copy.
  assertStrictEquals(normalizeTlsOptions({ caCerts: [] }).caCerts, undefined);
  assertStrictEquals(
    normalizeTlsOptions({ alpnProtocols: [] }).alpnProtocols,
    undefined,
  );
});

Deno.test("normalizeTlsOptions() takes raceHandshake as a boolean, for connect() only", () => {
  assertStrictEquals(
    normalizeTlsOptions({ raceHandshake: false }).raceHandshake,
    false,
  );
  assertThrows(
    () => normalizeTlsOptions({ raceHandshake: "no" }),
    TypeError,
    `Cannot start TLS as 'tls.raceHandshake' must be a boolean: current value is "no"`,
  );
  // upgradeTls() has no race.
  assertStrictEquals(parseTlsOptions({}, "").raceHandshake, false);
});

Deno.test("normalizeTlsOptions() accepts the server names that rustls accepts", () => {
  for (
    const name of [
      "localhost",
      "LOCALHOST",
      "localhost.",
      "tls.test",
      "foo_bar.example",
      "xn--9ca.test",
      "a-b.c-d",
      "127.0.0.1",
      "::1",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
      `${"a".repeat(63)}.test`,
    ]
  ) {
    assertStrictEquals(
      normalizeTlsOptions({ serverName: name }).serverName,
      name,
      name,
    );
  }
});

Deno.test("normalizeTlsOptions() throws on invalid options", () => {
  const cases: [unknown, typeof TypeError, string | RegExp][] = [
    [
      false,
      TypeError,
      "Cannot start TLS as 'tls' must be true or an object of TLS options: current value is false",
    ],
    [undefined, TypeError, "current value is undefined"],
    [null, TypeError, "current value is null"],
    ["yes", TypeError, 'current value is "yes"'],
    [[], TypeError, "current value is []"],
    [
      { ca: [] },
      TypeError,
      /'tls' must have only known keys .*: current value has unknown 'tls\.ca'$/,
    ],
    [
      { servername: "a", foo: 1 },
      TypeError,
      "current value has unknown 'tls.servername' (did you mean 'tls.serverName'?), 'tls.foo'",
    ],
    [
      { serverName: "" },
      TypeError,
      /^Cannot start TLS as 'tls\.serverName' must be a non-empty host name or IP address \(to skip the hostname check, leave it out and set 'unsafelyDisableHostnameVerification' to true\): current value is ""$/,
    ],
    [
      { serverName: 42 },
      TypeError,
      "Cannot start TLS as 'tls.serverName' must be a string: current value is 42",
    ],
    [
      { serverName: "a b" },
      TypeError,
      `Cannot start TLS as 'tls.serverName' must be a host name or an IP address without spaces or control characters: current value is "a b"`,
    ],
    [
      { serverName: "tls.test\0" },
      TypeError,
      "without spaces or control characters",
    ],
    [
      { serverName: " tls.test" },
      TypeError,
      "without spaces or control characters",
    ],
    [
      { serverName: "xn--ü.test" },
      TypeError,
      `Cannot start TLS as 'tls.serverName' must be a valid internationalized host name: current value is "xn--ü.test"`,
    ],
    [
      { serverName: "a\u202eb.test" },
      TypeError,
      'must be a valid internationalized host name: current value is "a\\u202eb.test"',
    ],
    [
      { serverName: "https://tls.test" },
      TypeError,
      "without a scheme, port or path",
    ],
    [
      { serverName: "tls.test:443" },
      TypeError,
      "without a scheme, port or path",
    ],
    [
      { serverName: "a..b" },
      TypeError,
      "must be a host name or an IP address: current value",
    ],
    [
      { serverName: "-a.test" },
      TypeError,
      "must be a host name or an IP address",
    ],
    [
      { serverName: "127.1" },
      TypeError,
      "must be a host name or an IP address",
    ],
    [
      { serverName: "256.0.0.1" },
      TypeError,
      "must be a host name or an IP address",
    ],
    [
      { serverName: `${"a".repeat(64)}.test` },
      TypeError,
      "must be a host name or an IP address",
    ],
    [
      { serverName: "1::2::3" },
      TypeError,
      "must be a host name or an IP address",
    ],
    [
      { unsafelyDisableHostnameVerification: "true" },
      TypeError,
      `Cannot start TLS as 'tls.unsafelyDisableHostnameVerification' must be a boolean: current value is "true"`,
    ],
    [{ caCerts: CA }, TypeError, "'tls.caCerts' must be an array of strings"],
    [
      { caCerts: [CA, 1] },
      TypeError,
      "'tls.caCerts' must be an array of strings",
    ],
    [
      { caCerts: ["not pem"] },
      TypeError,
      "Cannot start TLS as 'tls.caCerts[0]' must be PEM text of a certificate: current value is a string of 7 characters with no PEM block",
    ],
    [
      { caCerts: ["./testdata/ca.pem"] },
      TypeError,
      "(it looks like a file name: pass the file's contents)",
    ],
    [
      { caCerts: [CA, SERVER.key] },
      TypeError,
      "'tls.caCerts[1]' must be PEM text of a certificate: current value has a PRIVATE KEY block where a certificate was expected",
    ],
    [
      { alpnProtocols: "h2" },
      TypeError,
      "'tls.alpnProtocols' must be an array of strings",
    ],
    [
      { alpnProtocols: [""] },
      RangeError,
      "'tls.alpnProtocols[0]' must be 1 to 255 bytes long",
    ],
    [
      { alpnProtocols: ["h2", "x".repeat(256)] },
      RangeError,
      "'tls.alpnProtocols[1]' must be 1 to 255 bytes long",
    ],
    [
      { cert: CLIENT.cert },
      TypeError,
      "Cannot start TLS as 'tls.key' must be set when 'tls.cert' is set: current value is undefined",
    ],
    [
      { key: CLIENT.key },
      TypeError,
      "Cannot start TLS as 'tls.cert' must be set when 'tls.key' is set: current value is undefined",
    ],
    [
      { cert: 1, key: CLIENT.key },
      TypeError,
      "'tls.cert' must be PEM text of a certificate: current value is of type number",
    ],
    [
      { cert: CLIENT.key, key: CLIENT.key },
      TypeError,
      "'tls.cert' must be PEM text of a certificate: current value has a PRIVATE KEY block where a certificate was expected",
    ],
    [
      { cert: CLIENT.cert, key: CLIENT.cert },
      TypeError,
      "'tls.key' must be PEM text of a private key: current value has a CERTIFICATE block where a private key was expected",
    ],
    [
      { cert: CLIENT.cert, key: new Uint8Array(4) },
      TypeError,
      "'tls.key' must be PEM text of a private key: current value is of type object",
    ],
    [
      { handshakeTimeout: "100" },
      TypeError,
      `Cannot start TLS as 'tls.handshakeTimeout' must be a number of milliseconds: current value is "100"`,
    ],
    [
      { handshakeTimeout: 0 },
      RangeError,
      "Cannot start TLS as 'tls.handshakeTimeout' must be a positive finite number of milliseconds up to 2147483647: current value is 0",
    ],
    [{ handshakeTimeout: -5 }, RangeError, "current value is -5"],
    [{ handshakeTimeout: NaN }, RangeError, "current value is NaN"],
    [{ handshakeTimeout: Infinity }, RangeError, "current value is Infinity"],
    [{ handshakeTimeout: 2 ** 31 }, RangeError, "current value is 2147483648"],
    [
      { shutdownTimeout: 0 },
      RangeError,
      "'tls.shutdownTimeout' must be a positive finite number",
    ],
    [
      { shutdownTimeout: null },
      TypeError,
      "'tls.shutdownTimeout' must be a number of milliseconds: current value is null",
    ],
  ];
  for (const [value, ErrorClass, expected] of cases) {
    const error = assertThrows(() => normalizeTlsOptions(value)) as Error;
    assert(
      error instanceof ErrorClass,
      `${error} for ${Deno.inspect(value)}`,
    );
    if (typeof expected === "string") {
      assertStringIncludes(error.message, expected);
    } else {
      assertMatch(error.message, expected);
    }
  }
});

Deno.test("normalizeTlsOptions() never shows a private key", () => {
  const key = CLIENT.key.replace("PRIVATE KEY", "SECRET");
  const error = assertThrows(() =>
    normalizeTlsOptions({ cert: CLIENT.cert, key })
  ) as Error;
  assert(!error.message.includes(key.slice(40, 80)));
});

Deno.test("connect() checks TLS options before any look-up", async () => {
  const { resolver, calls } = fixedResolver(["127.0.0.1"]);
  const base = { hostname: "x.test", port: 443, resolver };
  await assertRejects(
    () => connect({ ...base, tls: { serverName: "" } }),
    TypeError,
    "unsafelyDisableHostnameVerification",
  );
  await assertRejects(
    () => connect({ ...base, tls: { handshakeTimeout: 0 } }),
    RangeError,
    "'tls.handshakeTimeout'",
  );
  await assertRejects(
    () => connect({ ...base, tls: "yes" as unknown as true }),
    TypeError,
    "'tls'",
  );
  await assertRejects(
    () => connect({ ...base, tls: { caCerts: "pem" as unknown as string[] } }),
    TypeError,
    "'tls.caCerts'",
  );
  assertEquals(calls, []);
});
