// Copyright 2026 the happy-eyeballs authors. MIT license.
// `--proxy`: the run goes through the proxy, and its credentials appear
// nowhere in the output, `--json` included.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type CliIo, runCli } from "./_run.ts";
import { serve } from "../_testing/net.ts";

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
