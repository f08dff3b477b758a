// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { fallbackReason, type FallbackTarget } from "./permission.ts";
import { permissionError } from "./failure.ts";

const target = {
  hostname: "a.test",
  port: 80,
  delay: 250,
  localAddr: undefined,
  resolver: undefined,
  family: undefined,
  dial: undefined,
  attemptTimeout: undefined,
};
const tcp = (hostname: string): Deno.NetAddr => ({
  transport: "tcp",
  hostname,
  port: 80,
});

Deno.test("fallbackReason() only for a name, without localAddr, resolver, family, dial or attemptTimeout", () => {
  // A denied look-up falls back only where Deno.connect could connect.
  const denied = { lookupError: new Deno.errors.NotCapable("denied") };
  const mayFallBack = (call: FallbackTarget) => {
    try {
      return typeof fallbackReason(call, denied) === "string";
    } catch {
      return false;
    }
  };
  assertEquals(mayFallBack(target), true);
  assertEquals(mayFallBack({ ...target, hostname: "::1" }), false);
  assertEquals(
    mayFallBack({ ...target, localAddr: { hostname: "127.0.0.1" } }),
    false,
  );
  assertEquals(mayFallBack({ ...target, resolver: () => [] }), false);
  // Nor with an option that Deno.connect({ hostname }) cannot honour.
  assertEquals(mayFallBack({ ...target, family: 4 }), false);
  assertEquals(mayFallBack({ ...target, dial: () => {} }), false);
  assertEquals(mayFallBack({ ...target, attemptTimeout: 100 }), false);
});

Deno.test("no fallback when net permission covers every host (deno test -A)", () => {
  const denied = new Deno.errors.NotCapable("denied");
  // Another look-up error is the call's error.
  const other = new Error("other");
  assertThrows(() => fallbackReason(target, { lookupError: other }));
  // The name is allowed (-A): a denied look-up falls back.
  assertEquals(
    typeof fallbackReason(target, { lookupError: denied }),
    "string",
  );
  assertEquals(
    fallbackReason(target, { addresses: [tcp("::1")] }),
    undefined,
  );
});

Deno.test("permissionError() only when every attempt lacked permission", () => {
  const denied = (hostname: string) => ({
    address: tcp(hostname),
    error: new Deno.errors.NotCapable("Requires net access"),
  });
  const error = permissionError("a.test:80", [
    denied("::1"),
    denied("127.0.0.1"),
  ]);
  assertInstanceOf(error, Deno.errors.NotCapable);
  assertEquals(
    error.message,
    "Cannot connect to a.test:80 as net permission for [::1]:80, 127.0.0.1:80 is missing: run with --allow-net=[::1]:80,127.0.0.1:80",
  );
  assertInstanceOf(error.cause, AggregateError);
  const refused = {
    address: tcp("127.0.0.2"),
    error: new Deno.errors.ConnectionRefused("refused"),
  };
  assertEquals(
    permissionError("a.test:80", [denied("::1"), refused]),
    undefined,
  );
  assertEquals(permissionError("a.test:80", []), undefined);
});
