// Copyright 2026 the happy-eyeballs authors. MIT license.
import {
  assert,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { parseCliArgs, parseLocalAddr } from "./_args.ts";
import { UsageError } from "./_usage.ts";

Deno.test("parseCliArgs() fills in the defaults", () => {
  assertEquals(parseCliArgs(["example.test", "443"]), {
    hostname: "example.test",
    port: 443,
    delay: 250,
    interleave: 1,
    family: undefined,
    localAddr: undefined,
    timeout: undefined,
    attemptTimeout: undefined,
    allErrors: false,
    json: false,
    dns: false,
    dnsServer: undefined,
    repeat: 1,
    otel: false,
    tls: undefined,
  });
});

Deno.test("parseCliArgs() reads every option", () => {
  assertEquals(
    parseCliArgs([
      "--tls",
      "--server-name",
      "name.test",
      "--ca",
      "a.pem",
      "--ca=b.pem",
      "--alpn",
      "h2",
      "--alpn",
      "http/1.1",
      "--delay",
      "100.5",
      "--interleave",
      "2",
      "-6",
      "--local-addr",
      "[::1]:5000",
      "--timeout",
      "3000",
      "--attempt-timeout",
      "500",
      "--all-errors",
      "--json",
      "--otel",
      "--dns",
      "--dns-server",
      "[::1]:5353",
      "--repeat",
      "3",
      "--cert",
      "c.pem",
      "--key",
      "c.key",
      "[::1]",
      "8443",
    ]),
    {
      hostname: "[::1]",
      port: 8443,
      delay: 100.5,
      interleave: 2,
      family: 6,
      localAddr: { hostname: "::1", port: 5000 },
      timeout: 3000,
      attemptTimeout: 500,
      allErrors: true,
      json: true,
      dns: true,
      dnsServer: { ipAddr: "::1", port: 5353 },
      repeat: 3,
      otel: true,
      tls: {
        serverName: "name.test",
        caFiles: ["a.pem", "b.pem"],
        alpnProtocols: ["h2", "http/1.1"],
        certFile: "c.pem",
        keyFile: "c.key",
        raceHandshake: true,
      },
    },
  );
  assertEquals(
    (parseCliArgs(["h", "1", "-4"]) as { family: number }).family,
    4,
  );
  assertEquals(parseCliArgs(["h", "1", "--help"]), "help");
  assertEquals(parseCliArgs(["-h"]), "help");
});

Deno.test("parseCliArgs() takes Infinity and 0 as delays", () => {
  for (const text of ["Infinity", "inf", "INF"]) {
    const args = parseCliArgs(["h", "1", "--delay", text]);
    assertEquals(args !== "help" && args.delay, Infinity);
  }
  const args = parseCliArgs(["h", "1", "--delay", "0"]);
  assertEquals(args !== "help" && args.delay, 0);
});

Deno.test("parseLocalAddr() reads host, port and bracketed IPv6", () => {
  const cases: [string, { hostname: string; port: number }][] = [
    ["127.0.0.5", { hostname: "127.0.0.5", port: 0 }],
    ["127.0.0.5:5000", { hostname: "127.0.0.5", port: 5000 }],
    ["localhost:0", { hostname: "localhost", port: 0 }],
    ["::1", { hostname: "::1", port: 0 }],
    ["fe80::1", { hostname: "fe80::1", port: 0 }],
    ["[::1]", { hostname: "::1", port: 0 }],
    ["[::1]:5000", { hostname: "::1", port: 5000 }],
  ];
  for (const [text, expected] of cases) {
    assertEquals(parseLocalAddr(text), expected, text);
  }
  for (const text of ["", ":80", "[::1]:", "[::1]:x", "h:65536", "[]:1"]) {
    assertThrows(() => parseLocalAddr(text), UsageError, "'--local-addr'");
  }
});

Deno.test("parseCliArgs() rejects bad command lines with a clear message", () => {
  const cases: [string[], string][] = [
    [[], "HOST and PORT must be given"],
    [["h"], "HOST and PORT must be given"],
    [["h", "1", "extra"], 'current value is "h" "1" "extra"'],
    [["h", "0"], "PORT must be an integer from 1 to 65535"],
    [["h", "65536"], "PORT must be"],
    [["h", "http"], "PORT must be"],
    [["h", "1", "--nope"], "Unknown option '--nope'"],
    [["h", "1", "--delay"], "Option '--delay <value>' argument missing"],
    [["h", "1", "--json=yes"], "'--json' does not take an argument"],
    [["h", "1", "--delay", "-5"], "use '--delay=-XYZ'"],
    [["h", "1", "--delay=-5"], "'--delay' must be a non-negative number"],
    [["h", "1", "--delay", "soon"], "'--delay' must be"],
    [["h", "1", "--interleave", "1.5"], "'--interleave' must be"],
    [["h", "1", "--timeout", "0"], "'--timeout' must be a number"],
    [["h", "1", "--timeout", "1e99"], "'--timeout' must be"],
    [["h", "1", "-4", "-6"], "'-4' and '-6' must not be combined"],
    [["h", "1", "--alpn", "h2"], "--alpn must come with --tls"],
    [["h", "1", "--tls-on-winner"], "--tls-on-winner must come with --tls"],
    [
      ["h", "1", "--server-name", "x", "--ca", "f"],
      "--server-name, --ca must come with --tls",
    ],
    [["h", "1", "--tls", "--alpn", ""], "'--alpn' must be a protocol name"],
    [["h", "1", "--tls", "--server-name="], "'--server-name' must be"],
    [["h", "1", "--local-addr", "[::1]:99999"], "'--local-addr' must be"],
    [
      ["h", "1", "--attempt-timeout", "0"],
      "'--attempt-timeout' must be a number",
    ],
    [
      ["h", "1", "--attempt-timeout", "Infinity"],
      "'--attempt-timeout' must be",
    ],
    // What JSON leaves raw is escaped too.
    [["h", "1", "--delay", "\u202e5\x9b"], 'current value is "\\u202e5\\x9b"'],
    [["h", "1", "--local-addr", "[::1]x"], "'--local-addr' must be"],
  ];
  for (const [args, message] of cases) {
    const error = assertThrows(() => parseCliArgs(args), UsageError);
    assertStringIncludes(error.message, message, args.join(" "));
    assert(error.message.startsWith("Cannot parse the command line"));
  }
});

Deno.test("parseCliArgs() checks the new flags", () => {
  const cases: [string[], string][] = [
    [
      ["h", "1", "--repeat", "0"],
      "'--repeat' must be an integer from 1 to 1000",
    ],
    [["h", "1", "--repeat", "x"], "'--repeat' must be"],
    [
      ["h", "1", "--dns-server", "1.2.3.4"],
      "--dns-server must come with --dns",
    ],
    [["h", "1", "--dns", "--dns-server", "name"], "'--dns-server' must be"],
    ...["1.2.3", "999.1.1.1", "::1%lo", "[::1%1]:53", "1.2.3.4:0"].map((
      server,
    ): [string[], string] => [
      ["h", "1", "--dns", "--dns-server", server],
      "'--dns-server' must be",
    ]),
    [["h", "1", "--cert", "c.pem"], "--cert must come with --tls"],
    [
      ["h", "1", "--tls", "--key", "k.pem"],
      "--cert and --key must be given together",
    ],
  ];
  for (const [args, message] of cases) {
    const error = assertThrows(() => parseCliArgs(args), UsageError);
    assertStringIncludes(error.message, message, args.join(" "));
  }
  const parsed = parseCliArgs([
    "h",
    "1",
    "--dns",
    "--dns-server",
    "127.0.0.53",
  ]);
  assert(parsed !== "help");
  assertEquals(parsed.dnsServer, { ipAddr: "127.0.0.53", port: 53 });
});

Deno.test("parseCliArgs() reads --attempt-timeout", () => {
  const parsed = parseCliArgs(["h", "1", "--attempt-timeout", "250.5"]);
  assert(parsed !== "help");
  assertEquals(parsed.attemptTimeout, 250.5);
  const none = parseCliArgs(["h", "1"]);
  assert(none !== "help");
  assertEquals(none.attemptTimeout, undefined);
});

Deno.test("parseCliArgs() reads --proxy and --proxy-ca, and shows the proxy without credentials", () => {
  const parsed = parseCliArgs([
    "db.test",
    "5432",
    "--proxy",
    "https://alice:secret@proxy.test",
    "--proxy-ca",
    "a.pem",
    "--proxy-ca=b.pem",
  ]);
  assert(parsed !== "help");
  assertEquals(parsed.proxy, "https://alice:secret@proxy.test");
  assertEquals(parsed.proxyShown, "https://***@proxy.test:443");
  assertEquals(parsed.proxyFromEnv, false);
  assertEquals(parsed.proxyCaFiles, ["a.pem", "b.pem"]);
  const shown = (url: string) => {
    const args = parseCliArgs(["h", "1", "--proxy", url]);
    assert(args !== "help");
    assertEquals(args.proxyCaFiles, []);
    return args.proxyShown;
  };
  assertEquals(shown("http://proxy.test"), "http://proxy.test:80");
  assertEquals(shown("http://proxy.test:80"), "http://proxy.test:80");
  assertEquals(shown("https://[::1]:8443"), "https://[::1]:8443");
  assertEquals(
    shown("socks5://u:p@proxy.test"),
    "socks5://***@proxy.test:1080",
  );
  assertEquals(shown("socks5h://proxy.test:9050"), "socks5h://proxy.test:9050");
  assertEquals(shown("env"), "the proxy of the environment");
  // connect() refuses these: a usage error follows, and they show nothing.
  assertEquals(shown("ftp://u:secret@proxy.test"), "a proxy");
  assertEquals(shown("not a url secret"), "a proxy");
});

Deno.test("parseCliArgs() refuses --proxy-ca without --proxy", () => {
  const error = assertThrows(
    () => parseCliArgs(["h", "1", "--proxy-ca", "a.pem"]),
    UsageError,
  );
  assertEquals(
    error.message,
    "Cannot parse the command line as --proxy-ca must come with --proxy: current value is no --proxy",
  );
});
