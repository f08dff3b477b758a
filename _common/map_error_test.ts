// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertInstanceOf, assertStrictEquals } from "@std/assert";
import { mapError, nodeCodeOf } from "./map_error.ts";

function nodeError(code: string): Error {
  return Object.assign(new Error(`failed: ${code}`), { code });
}

Deno.test("mapError() gives node errors the class Deno uses", () => {
  const cases: [string, new (...args: never[]) => Error][] = [
    ["ECONNREFUSED", Deno.errors.ConnectionRefused],
    ["EHOSTUNREACH", Deno.errors.NetworkUnreachable],
    ["EINVAL", TypeError],
    ["ERR_STREAM_PREMATURE_CLOSE", Deno.errors.UnexpectedEof],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", Deno.errors.InvalidData],
    ["ERR_SSL_WRONG_VERSION_NUMBER", Deno.errors.InvalidData],
  ];
  for (const [code, Class] of cases) {
    const error = nodeError(code);
    const mapped = mapError(error);
    assertInstanceOf(mapped, Class);
    assertStrictEquals(mapped.message, error.message);
    assertStrictEquals(mapped.cause, error);
  }
});

Deno.test("mapError() writes an OS error as Deno does, and keeps its code", () => {
  // node:net's message names one address: it would mislead in an error that
  // stands for several attempts alike.
  const refused = Object.assign(
    new Error("connect ECONNREFUSED 127.0.0.1:80"),
    { code: "ECONNREFUSED", errno: -111, syscall: "connect" },
  );
  const mapped = mapError(refused);
  assertInstanceOf(mapped, Deno.errors.ConnectionRefused);
  assertStrictEquals(mapped.message, "Connection refused (os error 111)");
  assertStrictEquals((mapped as { code?: unknown }).code, "ECONNREFUSED");
  assertStrictEquals(mapped.cause, refused);
  // Deno's node:net says EINVAL for binding an address not of this host,
  // where Linux says EADDRNOTAVAIL.
  const bind = Object.assign(new Error("bind EINVAL 192.0.2.1"), {
    code: "EINVAL",
    errno: -22,
    syscall: "bind",
  });
  assertInstanceOf(mapError(bind), Deno.errors.AddrNotAvailable);
  assertInstanceOf(mapError(nodeError("ENOTCONN")), Deno.errors.NotConnected);
});

Deno.test("mapError() leaves alone what it does not know", () => {
  const deno = new Deno.errors.ConnectionReset("reset");
  const odd = nodeError("ESOMETHING");
  for (const value of [deno, odd, new Error("no code"), "text", undefined]) {
    assertStrictEquals(mapError(value), value);
  }
});

Deno.test("nodeCodeOf() reads the table backwards, for network errors only", () => {
  const cases: [Error, string | undefined][] = [
    [new Deno.errors.ConnectionRefused("x"), "ECONNREFUSED"],
    [new Deno.errors.ConnectionReset("x"), "ECONNRESET"],
    [new Deno.errors.ConnectionAborted("x"), "ECONNABORTED"],
    [new Deno.errors.TimedOut("x"), "ETIMEDOUT"],
    [new Deno.errors.NotFound("x"), "ENOTFOUND"],
    [new Deno.errors.AddrNotAvailable("x"), "EADDRNOTAVAIL"],
    [new Deno.errors.AddrInUse("x"), "EADDRINUSE"],
    [new Deno.errors.PermissionDenied("x"), "EACCES"],
    [new Deno.errors.BrokenPipe("x"), "EPIPE"],
    [new Deno.errors.NotConnected("x"), "ENOTCONN"],
    [new Deno.errors.NetworkUnreachable("x"), "ENETUNREACH"],
    // No network error, no code: not node's EINVAL, not a stream's ERR_*.
    [new TypeError("x"), undefined],
    [new Deno.errors.UnexpectedEof("x"), undefined],
    [new Error("x"), undefined],
    [new DOMException("x", "TimeoutError"), "ETIMEDOUT"],
    [new DOMException("x", "AbortError"), "ABORT_ERR"],
    [Object.assign(new Error("x"), { code: "EOWN" }), "EOWN"],
    [
      new AggregateError([new Error("a"), new Deno.errors.ConnectionRefused()]),
      "ECONNREFUSED",
    ],
  ];
  for (const [error, code] of cases) {
    assertStrictEquals(nodeCodeOf(error), code, String(error));
  }
});
