// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { fallbackReason, type FallbackTarget } from "./permission.ts";
import { permissionError } from "./failure.ts";
import { acceptingServer, refusedPort } from "../_testing/net.ts";
import {
  connected,
  notCapable,
  REPORT,
  reportOnce,
  runWithPermissions,
} from "../_testing/permissions.ts";

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

// Through connect(), in a child with scoped or no net permission -------------

Deno.test("connect() faults: without --allow-net, one NotCapable that says what to grant", async () => {
  const port = refusedPort();
  const [literal, several, allErrors, name] = await runWithPermissions(
    ["--allow-read"],
    `${REPORT}
await report({ hostname: "127.0.0.1", port });
await report({ hostname: "two.test", port, resolver: () => ["127.0.0.1", "::1"] });
await report({ hostname: "two.test", port, resolver: () => ["127.0.0.1", "::1"], allErrors: true });
await report({ hostname: "localhost", port });
`,
    [String(port)],
  );
  assertEquals(
    literal,
    notCapable(
      `Cannot connect to 127.0.0.1:${port} as net permission for it is missing: run with --allow-net=127.0.0.1:${port}`,
      ["resolved", "attemptStarted", "attemptFailed"],
      "AggregateError",
    ),
  );
  // Not an AggregateError of two NotCapable errors.
  assertEquals(
    several,
    notCapable(
      `Cannot connect to two.test:${port} as net permission for 127.0.0.1:${port}, [::1]:${port} is missing: run with --allow-net=127.0.0.1:${port},[::1]:${port}`,
      [
        "resolved",
        "attemptStarted",
        "attemptFailed",
        "attemptStarted",
        "attemptFailed",
      ],
      "AggregateError",
    ),
  );
  // With allErrors: the AggregateError asked for, each entry a NotCapable.
  assert(typeof allErrors === "object" && allErrors !== null);
  const aggregate = allErrors as { class: string; errors: string[][] };
  assertEquals(aggregate.class, "AggregateError");
  assertEquals(aggregate.errors.map(([c]) => c), ["NotCapable", "NotCapable"]);
  assertStringIncludes(aggregate.errors[1]![1]!, `[::1]:${port}`);
  // The cause is whatever the look-up threw (an EPERM Error here).
  const { cause: _, ...lookup } = name as Record<string, unknown>;
  assertEquals(
    lookup,
    notCapable(
      "Cannot resolve 'localhost' as net permission for it is missing: run with --allow-net=localhost",
    ),
  );
});

Deno.test("connect() faults: with net permission for the name only, it falls back to Deno.connect", async () => {
  await using server = acceptingServer("127.0.0.1");
  const code = `${REPORT}
await report({ hostname: "localhost", port });
`;
  // The name (any port): the look-up is allowed, its addresses are not.
  const [byName] = await runWithPermissions(
    ["--allow-read", "--allow-net=localhost"],
    code,
    [String(server.port)],
  );
  assertEquals(byName, connected(server.port, ["resolved", "fallback"]));
  // The name on this port only: even the look-up is not allowed.
  const [byNameAndPort] = await runWithPermissions(
    ["--allow-read", `--allow-net=localhost:${server.port}`],
    code,
    [String(server.port)],
  );
  assertEquals(byNameAndPort, connected(server.port, ["fallback"]));
});

Deno.test("connect() faults: with a Unicode name and scoped net permission, NotCapable naming the ASCII form", async () => {
  const result = await reportOnce(
    ["--allow-read", "--allow-net=127.0.0.1"],
    `{ hostname: "bücher.example", port }`,
    80,
  );
  assertEquals(
    result,
    notCapable(
      "Cannot resolve 'xn--bcher-kva.example' as net permission for it is missing: run with --allow-net=xn--bcher-kva.example",
    ),
  );
});

Deno.test("connect() faults: with 'family', no fallback to Deno.connect, and the error says why", async () => {
  await using server = acceptingServer("127.0.0.1");
  const options = `{ hostname: "localhost", port, family: 4 }`;
  const addresses = await reportOnce(
    ["--allow-read", "--allow-net=localhost"],
    options,
    server.port,
  );
  assertEquals(
    addresses,
    notCapable(
      `Cannot connect to localhost:${server.port} as net permission for 127.0.0.1:${server.port} is missing: run with --allow-net=127.0.0.1:${server.port} (net permission covers localhost:${server.port}, but Deno.connect({ hostname }) cannot take 'family')`,
      ["resolved", "attemptStarted", "attemptFailed"],
    ),
  );
  // The name on this port only: the look-up itself is denied.
  const lookup = await reportOnce(
    ["--allow-read", `--allow-net=localhost:${server.port}`],
    options,
    server.port,
  );
  assertEquals(
    lookup,
    notCapable(
      `Cannot resolve 'localhost' as net permission for it is missing: run with --allow-net=localhost (net permission covers localhost:${server.port}, but Deno.connect({ hostname }) cannot take 'family')`,
    ),
  );
  assertEquals(server.peers.length, 0);
});
