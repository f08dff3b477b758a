// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertThrows } from "@std/assert";
import {
  checkKnownKeys,
  hideHost,
  show,
  showDestination,
  showHost,
  withArticle,
} from "./show.ts";

Deno.test("show() shows any value short, on one line, never [object Object]", () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  const cases: [unknown, string][] = [
    ["a b", '"a b"'],
    ["x-".repeat(50), `"${"x-".repeat(50).slice(0, 57)}..."`],
    ["line\nbreak\x1b[31m", '"line\\nbreak\\u001b[31m"'],
    [42, "42"],
    [-0, "-0"],
    [NaN, "NaN"],
    [10n, "10n"],
    [true, "true"],
    [undefined, "undefined"],
    [null, "null"],
    [Symbol("s"), "a symbol"],
    [() => {}, "a function"],
    [[], "[]"],
    [[1, "a", [2], {}, 5], '[1, "a", [...], {}, ...]'],
    [cyclic, "[[...]]"],
    [{}, "{}"],
    [{ hostname: "h", port: 1 }, "{ hostname, port }"],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5 }, "{ a, b, c, d, ... }"],
    [{ "a b": 1 }, '{ "a b" }'],
    [Object.create(null), "{}"],
    [new Map(), "a Map"],
    [new AbortController(), "an AbortController"],
    [new (class {})(), "an object"],
  ];
  for (const [value, shown] of cases) assertEquals(show(value), shown);
});

Deno.test("show() never throws, even for a Proxy that throws when looked at", () => {
  const throwing = new Proxy({}, {
    getPrototypeOf() {
      throw new Error("getPrototypeOf");
    },
  });
  const keys = new Proxy({}, {
    ownKeys() {
      throw new Error("ownKeys");
    },
  });
  const revocable = Proxy.revocable([], {});
  revocable.revoke();
  assertEquals(show(throwing), "an object");
  assertEquals(show(keys), "an object");
  assertEquals(show(revocable.proxy), "an object");
  assertEquals(show([throwing]), "[an object]");
});

Deno.test("show() never shows the values of an object: they may be secret", () => {
  assertEquals(show({ key: "-----BEGIN PRIVATE KEY-----" }), "{ key }");
});

Deno.test("checkKnownKeys() names unknown keys and suggests a near miss", () => {
  checkKnownKeys("Cannot start TLS", { serverName: "x" }, ["serverName"]);
  assertThrows(
    () =>
      checkKnownKeys(
        "Cannot start TLS",
        { servername: "x", foo: 1 },
        ["serverName", "caCerts"],
        "tls.",
      ),
    TypeError,
    "Cannot start TLS as 'tls' must have only known keys (serverName, caCerts): current value has unknown 'tls.servername' (did you mean 'tls.serverName'?), 'tls.foo'",
  );
  assertThrows(
    () => checkKnownKeys("Cannot connect", { timeout: 5 }, ["hostname"]),
    TypeError,
    "Cannot connect as 'options' must have only known keys (hostname): current value has unknown 'timeout'",
  );
});

Deno.test("checkKnownKeys() points a key of another API to where it goes here", () => {
  assertThrows(
    () =>
      checkKnownKeys(
        "Cannot connect",
        { caCerts: [], hostName: "x" },
        ["hostname", "tls"],
        "",
        { caCerts: "tls.caCerts", hostName: "tls.serverName" },
      ),
    TypeError,
    // A near miss of a known key comes first.
    "current value has unknown 'caCerts' (did you mean 'tls.caCerts'?), 'hostName' (did you mean 'hostname'?)",
  );
});

Deno.test("show() escapes what JSON leaves raw: C1 controls, bidirectional overrides", () => {
  assertEquals(show("a\x9b31mb\u202ec"), '"a\\x9b31mb\\u202ec"');
  assertEquals(show("DEL\x7f"), '"DEL\\x7f"');
});

Deno.test("show() shows long base64 or hex text by its length: it may be a key", () => {
  const base64 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
  assertEquals(show(base64), `a string of ${base64.length} characters`);
  assertEquals(show(`${base64}\n${base64}`), "a string of 97 characters");
  assertEquals(show("ab".repeat(32)), "a string of 64 characters");
  // Host names and sentences are shown.
  assertEquals(
    show("a".repeat(20) + ".example"),
    `"${"a".repeat(20)}.example"`,
  );
});

Deno.test("show() hides base64url and colon-separated hex too, never a host label", () => {
  // 32 bytes in base64url (JWK "k", "d"), with - and _.
  const base64url = "q3N_ZhT9-kVbRzLx0aW4c7mJ2eYoPdU1sGvHnKiEfB8";
  assertEquals(show(base64url), "a string of 43 characters");
  // 32 bytes of hex, as openssl prints a key: pairs, colons, line breaks.
  const pairs = "00:c3:4f:9a:12:7e:b0:55:d1:3c:88:2a:f4:6b:e7:19:";
  assertEquals(show(pairs.slice(0, -1)), "a string of 47 characters");
  assertEquals(
    show(`    ${pairs}\n    ${pairs}\n    ${pairs.slice(0, 5)}`),
    "a string of 115 characters",
  );
  // 20 bytes of hex, shorter than the longest host label.
  assertEquals(show("ab12".repeat(10)), "a string of 40 characters");
  // A host label is at most 63 characters, of one case, maybe with hyphens:
  // shown, however long, and so is a full IPv6 address.
  for (
    const label of [
      "my-very-long-service-name-in-the-kubernetes-cluster",
      "ANOTHERVERYLONGHOSTNAMELABELWRITTENUPPERCASE",
      "_an_underscored_service_label_of_the_local_zone",
      "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      "2001:0db8:0000:0000:0000:ff00:0042:8329",
    ]
  ) {
    assertEquals(show(label), JSON.stringify(label));
  }
});

Deno.test("withArticle() reads initialisms letter by letter", () => {
  const cases: [string, string][] = [
    ["CERTIFICATE", "a CERTIFICATE"],
    ["EC PARAMETERS", "an EC PARAMETERS"],
    ["RSA PRIVATE KEY", "an RSA PRIVATE KEY"],
    ["DSA PRIVATE KEY", "a DSA PRIVATE KEY"],
    ["X509 CRL", "an X509 CRL"],
    ["PKCS7", "a PKCS7"],
    ["ENCRYPTED PRIVATE KEY", "an ENCRYPTED PRIVATE KEY"],
    ["NEW CERTIFICATE REQUEST", "a NEW CERTIFICATE REQUEST"],
    ["OPENSSH PRIVATE KEY", "an OPENSSH PRIVATE KEY"],
    ["AbortController", "an AbortController"],
    ["Uint8Array", "a Uint8Array"],
    ["URLSearchParams", "a URLSearchParams"],
    ["Map", "a Map"],
  ];
  for (const [word, shown] of cases) assertEquals(withArticle(word), shown);
});

Deno.test("showHost(), showDestination() and hideHost() leave out a host name that reads as a key", () => {
  const key = "dGhpc2lzYXNlY3JldGtleXRoYXRpc2xvbmdlbm91Z2g";
  assertEquals(showHost("db.test"), "'db.test'");
  assertEquals(showHost(key), "a name of 43 characters");
  assertEquals(showHost(`${key}.`), "a name of 44 characters");
  assertEquals(showDestination("db.test:5432"), "db.test:5432");
  assertEquals(showDestination("[::1]:5432"), "[::1]:5432");
  assertEquals(
    showDestination(`${key}:5432`),
    "a name of 43 characters (port 5432)",
  );
  assertEquals(
    hideHost(`getaddrinfo ENOTFOUND ${key}`, `${key}.`),
    "getaddrinfo ENOTFOUND the name",
  );
  assertEquals(
    hideHost("getaddrinfo ENOTFOUND db.test", "db.test"),
    "getaddrinfo ENOTFOUND db.test",
  );
});
