// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertThrows } from "@std/assert";
import { checkKnownKeys, show } from "./_show.ts";

Deno.test("show() shows any value short, on one line, never [object Object]", () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  const cases: [unknown, string][] = [
    ["a b", '"a b"'],
    ["x".repeat(100), `"${"x".repeat(57)}..."`],
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
