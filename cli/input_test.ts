// Copyright 2026 the happy-eyeballs authors. MIT license.
// End to end: what cli.ts does with bad arguments and hostile files. Every
// argument that is wrong before any traffic exits 2 with the usage; no file's
// content is ever printed; no file that is not a regular one is read.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { refusedPort } from "../_testing/net.ts";
import { run } from "../_testing/command.ts";

const USAGE_LINE =
  "\nUsage: deno run -A jsr:@happy-eyeballs/connect/cli HOST PORT [options]\n";

/** The base64 lines of a PEM file: none may ever be printed. */
function secretLines(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n")
    .filter((line) => line !== "" && !line.startsWith("-----"))
    .map((line) => line.slice(0, 16));
}

/** Runs cli.ts with `args` (TLS to a refused port); it must exit 2. */
async function refused(args: string[], json = false) {
  const port = String(refusedPort());
  const ran = await run("cli/main.ts", [
    "127.0.0.1",
    port,
    "--tls",
    ...args,
    ...(json ? ["--json"] : []),
  ]);
  const what = args.join(" ");
  assertEquals(ran.code, 2, `${what}: ${ran.stderr}`);
  assertEquals(ran.stdout, "", what);
  assertStringIncludes(ran.stderr, USAGE_LINE, what);
  return ran.stderr.split("\n")[0]!;
}

Deno.test("cli.ts refuses TLS values before any traffic: exit 2", async () => {
  assertStringIncludes(
    await refused(["--alpn", "a".repeat(256)]),
    "error: Cannot start TLS as 'tls.alpnProtocols[0]' must be 1 to 255 bytes long",
  );
  assertStringIncludes(
    await refused(["--server-name", "a b"]),
    "error: Cannot start TLS as 'tls.serverName' must be",
  );
  assertStringIncludes(
    await refused(["--cert", "testdata/client.pem"]),
    "--cert and --key must be given together",
  );
  // A key that is not the certificate's.
  assertStringIncludes(
    await refused([
      "--cert",
      "testdata/client.pem",
      "--key",
      "testdata/server.key",
    ]),
    "'tls.key' must be the private key of 'tls.cert'",
  );
});

Deno.test("cli.ts reads only regular files of at most 1 MiB", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fifo = `${dir}/fifo.pem`;
    new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    const big = `${dir}/big.pem`;
    await Deno.writeTextFile(big, "x".repeat(1024 * 1024 + 1));
    const empty = `${dir}/empty.pem`;
    await Deno.writeTextFile(empty, "");
    const cases: [string, string][] = [
      ["/dev/zero", "it must be a regular file, and it is a character device"],
      [fifo, "it must be a regular file, and it is a pipe"],
      [dir, "it must be a regular file, and it is a directory"],
      [big, "it must be at most 1 MiB, and it is larger"],
      [empty, "it is empty"],
      ["/nonexistent/ca.pem", "No such file or directory"],
    ];
    for (const [file, why] of cases) {
      const line = await refused(["--ca", file]);
      assertEquals(
        line.startsWith(`error: Cannot read the file of '--ca' "${file}": `),
        true,
        line,
      );
      assertStringIncludes(line, why);
    }
    assertStringIncludes(
      await refused(["--cert", "/dev/zero", "--key", "testdata/client.key"]),
      "Cannot read the file of '--cert' \"/dev/zero\": it must be a regular file",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli.ts never prints a file's content: text, keys, with --json too", async () => {
  const passwd = await refused(["--ca", "/etc/passwd"]);
  assertEquals(
    passwd,
    `error: Cannot read the file of '--ca' "/etc/passwd": it holds no PEM block, and it must hold a certificate in PEM form`,
  );
  for (const json of [false, true]) {
    const ca = await refused(["--ca", "testdata/client.key"], json);
    assertEquals(
      ca,
      `error: Cannot read the file of '--ca' "testdata/client.key": it holds a PRIVATE KEY block where a certificate was expected`,
    );
    const cert = await refused([
      "--cert",
      "testdata/client.key",
      "--key",
      "testdata/client.key",
    ], json);
    assertStringIncludes(
      cert,
      "it holds a PRIVATE KEY block where a certificate was expected",
    );
    const key = await refused([
      "--cert",
      "testdata/client.pem",
      "--key",
      "testdata/client.pem",
    ], json);
    assertStringIncludes(
      key,
      "it holds a CERTIFICATE block where a private key was expected",
    );
    for (const line of [ca, cert, key]) {
      for (const secret of secretLines("testdata/client.key")) {
        assert(!line.includes(secret), line);
      }
    }
  }
});

Deno.test("cli.ts shows control characters of its arguments as text", async () => {
  const cases = [
    ["evil\x1b[31m\x1b]0;title\x07.test", "80"],
    ["127.0.0.1", "80", "--local-addr", "a\u202eb"],
    ["127.0.0.1", "80", "--tls", "--ca", "\x1b[2J.pem"],
    // Zero-width characters, the byte-order mark, tag characters: invisible.
    ["a\u200bb\u200dc\ufeff.test", "80"],
    ["127.0.0.1", "80", "--local-addr", "a\u{e0041}\u{e0042}b\u2060"],
    ["127.0.0.1", "80", "--tls", "--server-name", "x\u200c\u00ad.test"],
  ];
  for (const args of cases) {
    const { code, stdout, stderr } = await run("cli/main.ts", args);
    assert(code === 1 || code === 2, stderr);
    const printed = stdout + stderr;
    assert(
      // deno-lint-ignore no-control-regex
      !/[\x00-\x09\x0b-\x1f\u202e\u200b-\u200d\u2060\ufeff\u00ad]|[\u{e0000}-\u{e007f}]/u
        .test(printed),
      JSON.stringify(printed),
    );
  }
});

Deno.test("cli.ts refuses a --dns-server that is no IP address before any traffic: exit 2", async () => {
  for (const server of ["1.2.3", "999.1.1.1", "::1%lo"]) {
    assertStringIncludes(
      await refused(["--dns", "--dns-server", server]),
      "'--dns-server' must be IP, IP:PORT or [IPv6]:PORT, without a zone id",
    );
  }
});
