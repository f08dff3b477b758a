// Copyright 2026 the happy-eyeballs authors. MIT license.
// `--proxy`: the run goes through the proxy, and its credentials appear
// nowhere in the output, `--json` included.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type CliIo, runCli } from "./_run.ts";
import type { Report } from "./report_types.ts";
import { serve } from "../_testing/net.ts";
import { needs } from "../_testing/needs.ts";
import { SQUID_USER, startSquid } from "../_testing/servers.ts";

function recorder() {
  const written = { out: "", err: "" };
  const io: CliIo = {
    write: (text) => void (written.out += text),
    writeError: (text) => void (written.err += text),
    color: false,
    colorError: false,
    live: false,
  };
  return { io, written };
}

/** A fake HTTP proxy that answers every tunnel request with `status`. */
function fakeProxy(status: string) {
  return serve(
    Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    async (conn) => {
      const buffer = new Uint8Array(4096);
      let head = "";
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buffer);
        if (n === null) return;
        head += new TextDecoder().decode(buffer.subarray(0, n));
      }
      await conn.write(new TextEncoder().encode(`HTTP/1.1 ${status}\r\n\r\n`));
      await conn.read(buffer);
    },
  );
}

Deno.test("--proxy: through the proxy, its credentials shown as ***", async () => {
  await using proxy = fakeProxy("200 Connection established");
  const url = `http://alice:hunter2@127.0.0.1:${proxy.port}`;
  {
    const { io, written } = recorder();
    const outcome = await runCli(["db.example", "5432", "--proxy", url], io);
    assertEquals(outcome.code, 0);
    assertStringIncludes(
      written.out,
      `through http://***@127.0.0.1:${proxy.port}`,
    );
    assertStringIncludes(
      written.out,
      `tunnel to db.example:5432 open through http://***@127.0.0.1:${proxy.port}`,
    );
    assert(!(written.out + written.err).includes("hunter2"));
    assert(!(written.out + written.err).includes("alice"));
  }
  {
    const { io, written } = recorder();
    const outcome = await runCli(
      ["db.example", "5432", "--proxy", url, "--json"],
      io,
    );
    assertEquals(outcome.code, 0);
    assert(!written.out.includes("hunter2"), written.out);
    assert(!written.out.includes("alice"), written.out);
  }
});

Deno.test("--proxy: a refused tunnel is the run's error, without credentials", async () => {
  await using proxy = fakeProxy("407 Proxy Authentication Required");
  const { io, written } = recorder();
  const outcome = await runCli(
    [
      "db.example",
      "5432",
      "--proxy",
      `http://alice:hunter2@127.0.0.1:${proxy.port}`,
    ],
    io,
  );
  assertEquals(outcome.code, 1);
  const all = written.out + written.err;
  assertStringIncludes(all, "refused the credentials for the tunnel");
  assert(!all.includes("hunter2"), all);
});

Deno.test("--proxy: a bad URL is a usage error that hides credentials", async () => {
  const { io, written } = recorder();
  const outcome = await runCli(
    ["db.example", "5432", "--proxy", "ftp://alice:hunter2@p:1"],
    io,
  );
  assertEquals(outcome.code, 2);
  assertStringIncludes(written.err, "'proxy' must be");
  assert(!written.err.includes("hunter2"), written.err);
});

Deno.test("--proxy: 'secret' appears nowhere in the output, text or --json, connected or refused", async () => {
  for (const status of ["200 Connection established", "403 Forbidden"]) {
    await using proxy = fakeProxy(status);
    const url = `http://user:secret@127.0.0.1:${proxy.port}`;
    for (const json of [[], ["--json"]]) {
      const { io, written } = recorder();
      const outcome = await runCli(
        ["db.example", "5432", "--proxy", url, ...json],
        io,
      );
      assertEquals(outcome.code, status.startsWith("200") ? 0 : 1);
      const all = written.out + written.err;
      assert(!all.includes("secret"), all);
      assert(!all.includes("user:"), all);
      if (json.length > 0) {
        const report = JSON.parse(written.out) as Report;
        const shown = `http://***@127.0.0.1:${proxy.port}`;
        assertEquals(report.settings.proxy, shown);
        assertEquals(report.proxy?.proxy, shown);
        assertEquals(report.proxy?.ok, status.startsWith("200"));
        assertEquals(
          report.error?.stage ?? null,
          outcome.code ? "proxy" : null,
        );
      }
    }
  }
});

Deno.test("--proxy-ca: a usage error without --proxy, or with a file that holds no certificate", async () => {
  const cases: [string[], string][] = [
    [["--proxy-ca", "testdata/ca.pem"], "--proxy-ca must come with --proxy"],
    [
      ["--proxy", "https://127.0.0.1:1", "--proxy-ca", "testdata/client.key"],
      "Cannot read the file of '--proxy-ca'",
    ],
  ];
  for (const [args, message] of cases) {
    const { io, written } = recorder();
    const outcome = await runCli(["db.example", "5432", ...args], io);
    assertEquals(outcome.code, 2);
    assertStringIncludes(written.err, message);
    assertEquals(written.out, "");
  }
});

Deno.test({
  name: "--proxy --json against squid: the proxy, its address and the tunnel",
  ...needs("squid"),
  async fn() {
    await using squid = await startSquid(true);
    await using target = fakeProxy("200 OK");
    const { username, password } = SQUID_USER;
    const url = `http://${encodeURIComponent(username)}:${
      encodeURIComponent(password)
    }@localhost:${squid.port}`;
    const { io, written } = recorder();
    const outcome = await runCli(
      [
        "127.0.0.1",
        String(target.port),
        "--proxy",
        url,
        "-4",
        "--timeout",
        "10000",
        "--json",
      ],
      io,
    );
    assertEquals(outcome.code, 0, written.out + written.err);
    const all = written.out + written.err;
    assert(!all.includes(encodeURIComponent(password)), all);
    assert(!all.includes(password), all);
    const report = JSON.parse(written.out) as Report;
    const shown = `http://***@localhost:${squid.port}`;
    assertEquals(report.settings.proxy, shown);
    const proxy = report.proxy;
    assert(proxy !== null);
    assertEquals(proxy.proxy, shown);
    assertEquals(proxy.target, `127.0.0.1:${target.port}`);
    assertEquals(proxy.address, `127.0.0.1:${squid.port}`);
    assertEquals(proxy.ok, true);
    assertEquals(proxy.tls, null);
    assertEquals(proxy.error, null);
    assert(proxy.requested !== null && proxy.ended !== null);
    assert(proxy.requested <= proxy.ended);
    assertEquals(report.connected?.address, `127.0.0.1:${squid.port}`);
  },
});
