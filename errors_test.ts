// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertNotStrictEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import {
  attemptError,
  type AttemptFailure,
  combineAttemptErrors,
  formatAddress,
} from "./errors.ts";

function tcp(hostname: string, port = 80): Deno.NetAddr {
  return { transport: "tcp", hostname, port };
}

function failure(hostname: string, error: unknown, port = 80): AttemptFailure {
  return { address: tcp(hostname, port), error };
}

const refused = () => new Deno.errors.ConnectionRefused("Connection refused");
const timedOut = () => new Deno.errors.TimedOut("Connection timed out");

Deno.test("formatAddress() brackets IPv6 addresses only", () => {
  assertStrictEquals(
    formatAddress({ hostname: "127.0.0.1", port: 80 }),
    "127.0.0.1:80",
  );
  assertStrictEquals(
    formatAddress({ hostname: "::1", port: 443 }),
    "[::1]:443",
  );
  assertStrictEquals(
    formatAddress({ hostname: "::ffff:127.0.0.1", port: 8080 }),
    "[::ffff:127.0.0.1]:8080",
  );
  assertStrictEquals(
    formatAddress({ hostname: "fe80::1%lo", port: 1 }),
    "[fe80::1%lo]:1",
  );
  assertStrictEquals(
    formatAddress({ hostname: "example.com", port: 0 }),
    "example.com:0",
  );
  // A Deno.NetAddr works as is.
  assertStrictEquals(formatAddress(tcp("::", 65535)), "[::]:65535");
});

Deno.test("attemptError() keeps a Deno error's class, and it as cause", () => {
  const cause = refused();
  const error = attemptError(cause, "127.0.0.1:80");
  assert(error instanceof Deno.errors.ConnectionRefused);
  assertStrictEquals(error.name, "ConnectionRefused");
  assertStrictEquals(
    error.message,
    "Cannot connect to 127.0.0.1:80: Connection refused",
  );
  assertStrictEquals(error.cause, cause);
  assertNotStrictEquals(error, cause);
});

Deno.test("attemptError() keeps the class of every Deno.errors class", () => {
  for (const [name, DenoError] of Object.entries(Deno.errors)) {
    const cause = new DenoError(`${name} happened`);
    const error = attemptError(cause, "[::1]:80");
    assertStrictEquals(error.constructor, DenoError, name);
    assertStrictEquals(
      error.message,
      `Cannot connect to [::1]:80: ${name} happened`,
    );
    assertStrictEquals(error.cause, cause);
  }
});

Deno.test("attemptError() makes a plain Error from any other error or value", () => {
  const type = new TypeError("bad");
  const error = attemptError(type, "127.0.0.1:80");
  assertStrictEquals(error.constructor, Error);
  assertStrictEquals(error.message, "Cannot connect to 127.0.0.1:80: bad");
  assertStrictEquals(error.cause, type);

  const abort = new DOMException("The signal has been aborted", "AbortError");
  assertStrictEquals(attemptError(abort, "x:1").constructor, Error);
  assertStrictEquals(attemptError(abort, "x:1").cause, abort);

  // Values as show() writes them: never "[object Object]", and a value
  // that cannot even become a string (no prototype) does not throw.
  const values: [unknown, string][] = [
    ["just a string", "just a string"],
    [42, "42"],
    [undefined, "undefined"],
    [null, "null"],
    [{ a: 1 }, "{ a }"],
    [Object.create(null), "{}"],
    ["a\x1b[2Jb", "a\\x1b[2Jb"],
  ];
  for (const [value, shown] of values) {
    const made = attemptError(value, "host:1");
    assertStrictEquals(made.constructor, Error);
    assertStrictEquals(made.message, `Cannot connect to host:1: ${shown}`);
    assertStrictEquals(made.cause, value);
  }
});

Deno.test("combineAttemptErrors() names the only address of a single failure", () => {
  const cause = refused();
  const error = combineAttemptErrors("example.test:80", [
    failure("127.0.0.1", cause),
  ]);
  assert(error instanceof Deno.errors.ConnectionRefused);
  assertStrictEquals(
    error.message,
    "Cannot connect to example.test:80 at 127.0.0.1:80: Connection refused",
  );
  assertStrictEquals(error.cause, cause);
  // When the destination is the address itself, it is named once.
  assertStrictEquals(
    combineAttemptErrors("[::1]:80", [failure("::1", refused())]).message,
    "Cannot connect to [::1]:80: Connection refused",
  );
});

Deno.test("combineAttemptErrors() collapses identical messages, naming every address", () => {
  const causes = [refused(), refused(), refused()];
  const error = combineAttemptErrors("localhost:80", [
    failure("::1", causes[0]),
    failure("127.0.0.1", causes[1]),
    failure("127.0.0.2", causes[2]),
  ]);
  assert(error instanceof Deno.errors.ConnectionRefused);
  assert(!(error instanceof AggregateError));
  assertStrictEquals(
    error.message,
    "Cannot connect to localhost:80 at [::1]:80, 127.0.0.1:80, 127.0.0.2:80: Connection refused",
  );
  // Like asyncio: the first error stands for all.
  assertStrictEquals(error.cause, causes[0]);
});

Deno.test("combineAttemptErrors() compares failures by class and OS error, never by message alone", () => {
  // Same text, different classes: two different failures.
  const classes = combineAttemptErrors("x.test:80", [
    failure("127.0.0.1", new Deno.errors.TimedOut("gone")),
    failure("127.0.0.2", new Deno.errors.ConnectionReset("gone")),
  ]);
  assert(classes instanceof AggregateError);
  // Same class and OS error, messages that name each address (as node:net's
  // do): one failure, the first standing for all.
  const withCode = (message: string, code: string) =>
    Object.assign(new Deno.errors.ConnectionRefused(message), { code });
  const causes = [
    withCode("connect ECONNREFUSED 127.0.0.1:80", "ECONNREFUSED"),
    withCode("connect ECONNREFUSED 127.0.0.2:80", "ECONNREFUSED"),
  ];
  const alike = combineAttemptErrors("x.test:80", [
    failure("127.0.0.1", causes[0]),
    failure("127.0.0.2", causes[1]),
  ]);
  assert(alike instanceof Deno.errors.ConnectionRefused);
  assertStrictEquals(alike.cause, causes[0]);
  assertStrictEquals(
    alike.message,
    "Cannot connect to x.test:80 at 127.0.0.1:80, 127.0.0.2:80: connect ECONNREFUSED 127.0.0.1:80",
  );
  // Same class and text, different OS errors: two failures.
  const codes = combineAttemptErrors("x.test:80", [
    failure("127.0.0.1", withCode("refused", "ECONNREFUSED")),
    failure("127.0.0.2", withCode("refused", "EHOSTUNREACH")),
  ]);
  assert(codes instanceof AggregateError);
  // A numeric errno only (as some Node errors have) counts as an OS error.
  const errno = (n: number) => Object.assign(new Error("x"), { errno: n });
  assert(
    combineAttemptErrors("x.test:80", [
      failure("127.0.0.1", errno(-111)),
      failure("127.0.0.2", errno(-113)),
    ]) instanceof AggregateError,
  );
  // Without an OS error, the text decides too (as asyncio compares them).
  const strings = combineAttemptErrors("x.test:80", [
    failure("127.0.0.1", "nope"),
    failure("127.0.0.2", "nope"),
  ]);
  assertStrictEquals(strings.constructor, Error);
  assertStrictEquals(strings.cause, "nope");
  assert(
    combineAttemptErrors("x.test:80", [
      failure("127.0.0.1", new Error("a")),
      failure("127.0.0.2", new Error("b")),
    ]) instanceof AggregateError,
  );
});

Deno.test("combineAttemptErrors() lists each reason in an AggregateError when messages differ", () => {
  const failures = [
    failure("::1", refused(), 443),
    failure("127.0.0.1", timedOut(), 443),
    failure("127.0.0.2", refused(), 443),
  ];
  const error = combineAttemptErrors("example.test:443", failures);
  assert(error instanceof AggregateError);
  assertStrictEquals(
    error.message,
    "Cannot connect to example.test:443: all 3 attempts failed: " +
      "[::1]:443: Connection refused; 127.0.0.1:443: Connection timed out; " +
      "127.0.0.2:443: Connection refused",
  );
  assertStrictEquals(error.errors.length, 3);
  const classes = [
    Deno.errors.ConnectionRefused,
    Deno.errors.TimedOut,
    Deno.errors.ConnectionRefused,
  ];
  error.errors.forEach((each: Error, i: number) => {
    assert(each instanceof classes[i]!);
    assertStrictEquals(each.cause, failures[i]!.error);
    assertStrictEquals(
      each.message,
      `Cannot connect to ${formatAddress(failures[i]!.address)}: ${
        (failures[i]!.error as Error).message
      }`,
    );
  });
});

Deno.test("combineAttemptErrors() with allErrors always gives an AggregateError in attempt order", () => {
  // A single failure.
  const cause = refused();
  const single = combineAttemptErrors(
    "127.0.0.1:80",
    [failure("127.0.0.1", cause)],
    { allErrors: true },
  );
  assert(single instanceof AggregateError);
  assertStrictEquals(
    single.message,
    "Cannot connect to 127.0.0.1:80: the only attempt failed: 127.0.0.1:80: Connection refused",
  );
  assertStrictEquals(single.errors.length, 1);
  assert(single.errors[0] instanceof Deno.errors.ConnectionRefused);
  assertStrictEquals(single.errors[0].cause, cause);

  // Identical failures are not collapsed.
  const failures = [
    failure("::1", refused()),
    failure("127.0.0.1", refused()),
    failure("127.0.0.2", timedOut()),
    failure("127.0.0.3", "a string"),
  ];
  const all = combineAttemptErrors("many.test:80", failures, {
    allErrors: true,
  });
  assert(all instanceof AggregateError);
  assertStrictEquals(all.errors.length, failures.length);
  all.errors.forEach((each: Error, i: number) => {
    assert(each instanceof Error);
    assert(
      each.message.startsWith(
        `Cannot connect to ${formatAddress(failures[i]!.address)}: `,
      ),
    );
    assertStrictEquals(each.cause, failures[i]!.error);
  });
  assert(all.errors[2] instanceof Deno.errors.TimedOut);
  assertStrictEquals(all.errors[3].constructor, Error);
  assert(all.message.includes("all 4 attempts failed"));

  // allErrors: false is the default.
  const collapsed = combineAttemptErrors("x.test:80", failures.slice(0, 2), {
    allErrors: false,
  });
  assert(collapsed instanceof Deno.errors.ConnectionRefused);
});

Deno.test("combineAttemptErrors() throws a RangeError when there is no failure", () => {
  for (const options of [{}, { allErrors: true }]) {
    assertThrows(
      () => combineAttemptErrors("x.test:80", [], options),
      RangeError,
      "Cannot combine attempt errors as 'failures' must not be empty: current value is []",
    );
  }
});

Deno.test("combineAttemptErrors() properties: names every address, keeps every cause", () => {
  const failureArbitrary = fc.record({
    host: fc.integer({ min: 1, max: 254 }),
    v6: fc.boolean(),
    port: fc.integer({ min: 1, max: 65535 }),
    message: fc.constantFrom("refused", "timed out", "reset"),
  });
  fc.assert(
    fc.property(
      fc.array(failureArbitrary, { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (specs, allErrors) => {
        const failures = specs.map((spec) =>
          failure(
            spec.v6 ? `::ffff:127.0.0.${spec.host}` : `127.0.0.${spec.host}`,
            new Deno.errors.ConnectionRefused(spec.message),
            spec.port,
          )
        );
        const error = combineAttemptErrors("dest.test:1", failures, {
          allErrors,
        });
        for (const each of failures) {
          assert(error.message.includes(formatAddress(each.address)));
        }
        const alike = new Set(specs.map((spec) => spec.message)).size === 1;
        assertStrictEquals(
          error instanceof AggregateError,
          allErrors || !alike,
        );
        if (error instanceof AggregateError) {
          assertStrictEquals(error.errors.length, failures.length);
          error.errors.forEach((each: Error, i: number) =>
            assertStrictEquals(each.cause, failures[i]!.error)
          );
        } else {
          assert(error instanceof Deno.errors.ConnectionRefused);
          assertStrictEquals(error.cause, failures[0]!.error);
        }
      },
    ),
    { numRuns: 500 },
  );
});
