// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { noProxyMatches, proxyFromEnv } from "./no_proxy.ts";
import { checkOptions } from "../_connect/options.ts";
import { TEST_CA } from "../_testing/net.ts";

function envOf(vars: Record<string, string>) {
  return (name: string) => vars[name];
}

Deno.test("proxyFromEnv(): which variable, as curl reads them", () => {
  const all = envOf({
    https_proxy: "http://s:1",
    HTTPS_PROXY: "http://S:1",
    http_proxy: "h:2",
    HTTP_PROXY: "http://never:9",
    all_proxy: "socks5h://a:3",
  });
  assertEquals(proxyFromEnv("db", 1, true, all), "http://s:1");
  // http_proxy: lower case only; a URL with no scheme is http://.
  assertEquals(proxyFromEnv("db", 1, false, all), "http://h:2");
  assertEquals(
    proxyFromEnv("db", 1, false, envOf({ HTTP_PROXY: "http://never:9" })),
    undefined,
  );
  assertEquals(
    proxyFromEnv("db", 1, true, envOf({ HTTPS_PROXY: "http://S:1" })),
    "http://S:1",
  );
  assertEquals(
    proxyFromEnv("db", 1, false, envOf({ ALL_PROXY: "socks5://A:3" })),
    "socks5://A:3",
  );
  assertEquals(
    proxyFromEnv("db", 1, true, envOf({ https_proxy: " ", all_proxy: "x:1" })),
    "http://x:1",
  );
  assertEquals(proxyFromEnv("db", 1, false, envOf({})), undefined);
  // no_proxy first, then NO_PROXY.
  const corp = envOf({ https_proxy: "p:1", NO_PROXY: ".corp" });
  assertEquals(proxyFromEnv("db.corp", 1, true, corp), undefined);
  assertEquals(proxyFromEnv("db.example", 1, true, corp), "http://p:1");
});

Deno.test("noProxyMatches(): curl's rules, and ports", () => {
  const cases: [string, string, number, boolean][] = [
    ["*", "anything", 1, true],
    ["example.com", "example.com", 1, true],
    ["example.com", "db.example.com", 1, true],
    ["example.com", "badexample.com", 1, false],
    [".example.com", "example.com", 1, true],
    [".example.com", "a.b.example.com", 1, true],
    ["*.example.com", "a.example.com", 1, true],
    ["EXAMPLE.com.", "Db.Example.Com.", 1, true],
    ["a.test, b.test", "b.test", 1, true],
    ["a.test b.test", "c.test", 1, false],
    ["10.0.0.1", "10.0.0.1", 1, true],
    ["10.0.0.1", "10.0.0.2", 1, false],
    ["10.0.0.0/8", "10.1.2.3", 1, true],
    ["10.0.0.0/8", "11.1.2.3", 1, false],
    ["10.0.0.0/8", "ten.example", 1, false],
    ["::1", "0:0:0:0:0:0:0:1", 1, true],
    ["[::1]", "[::1]", 1, true],
    ["fd00::/8", "fd12::1", 1, true],
    ["fd00::/8", "fe80::1", 1, false],
    ["db.test:5432", "db.test", 5432, true],
    ["db.test:5432", "db.test", 5433, false],
    ["[::1]:443", "::1", 443, true],
    ["[::1]:443", "::1", 80, false],
    ["", "db.test", 1, false],
  ];
  for (const [noProxy, hostname, port, expected] of cases) {
    assertEquals(
      noProxyMatches(noProxy, hostname, port),
      expected,
      `${noProxy} ${hostname}:${port}`,
    );
  }
});

Deno.test('proxy: "env" reads the environment; off when it names none', () => {
  // Both cases: a machine behind a proxy may set any of them.
  const names = ["https_proxy", "http_proxy", "no_proxy", "all_proxy"];
  const saved = [...names, ...names.map((name) => name.toUpperCase())]
    .map((name) => [name, Deno.env.get(name)] as const);
  try {
    for (const [name] of saved) Deno.env.delete(name);
    Deno.env.set("https_proxy", "http://u:pw@127.0.0.1:3128");
    Deno.env.set("no_proxy", "localhost,127.0.0.0/8");
    const tls = checkOptions({
      hostname: "db.example",
      port: 5432,
      tls: true,
      proxy: "env",
    });
    assertEquals(tls.proxy?.shown, "http://***@127.0.0.1:3128");
    assertEquals([tls.hostname, tls.port], ["127.0.0.1", 3128]);
    // No http_proxy, no all_proxy: a TCP target goes directly.
    const tcp = checkOptions({ hostname: "db.example", port: 1, proxy: "env" });
    assertEquals([tcp.proxy, tcp.hostname], [undefined, "db.example"]);
    const near = checkOptions({
      hostname: "127.0.0.1",
      port: 1,
      tls: true,
      proxy: "env",
    });
    assertEquals(near.proxy, undefined);
    // { url: "env", caCerts }: the roots serve an https:// proxy, and are no
    // mistake with an http:// one.
    const withRoots = { url: "env", caCerts: [TEST_CA] };
    const plain = checkOptions({
      hostname: "db.example",
      port: 5432,
      tls: true,
      proxy: withRoots,
    });
    assertEquals(plain.proxy?.tls, undefined);
    Deno.env.set("https_proxy", "https://proxy.corp");
    const secure = checkOptions({
      hostname: "db.example",
      port: 5432,
      tls: true,
      proxy: withRoots,
    });
    assertEquals(secure.proxy?.shown, "https://proxy.corp:443");
    assertEquals(secure.proxy?.tls?.caCerts, [TEST_CA]);
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});
