// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertRejects } from "@std/assert";
import { UsageError } from "./_usage.ts";
import {
  MAX_FILE_BYTES,
  readPemFile,
  readProxyOption,
  readTlsFiles,
} from "./_files.ts";

Deno.test("readPemFile() reads a PEM file of the expected kind", async () => {
  const ca = await readPemFile("--ca", "testdata/ca.pem", "certificate");
  assertEquals(ca, await Deno.readTextFile("testdata/ca.pem"));
  const key = await readPemFile("--key", "testdata/client.key", "private key");
  assertEquals(key.startsWith("-----BEGIN PRIVATE KEY-----"), true);
});

Deno.test("readPemFile() refuses what is not a regular file of at most 1 MiB", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const exactly = `${dir}/exactly.pem`;
    const pem = await Deno.readTextFile("testdata/ca.pem");
    await Deno.writeTextFile(
      exactly,
      pem + " ".repeat(MAX_FILE_BYTES - pem.length),
    );
    assertEquals(
      (await readPemFile("--ca", exactly, "certificate")).length,
      MAX_FILE_BYTES,
    );
    const over = `${dir}/over.pem`;
    await Deno.writeTextFile(over, pem + " ".repeat(MAX_FILE_BYTES));
    await assertRejects(
      () => readPemFile("--ca", over, "certificate"),
      UsageError,
      "it must be at most 1 MiB",
    );
    await assertRejects(
      () => readPemFile("--ca", "/dev/null", "certificate"),
      UsageError,
      "it must be a regular file, and it is a character device",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readPemFile() names the block found, never the content", async () => {
  const error = await assertRejects(
    () => readPemFile("--ca", "testdata/client.key", "certificate"),
    UsageError,
  );
  assertEquals(
    error.message,
    `Cannot read the file of '--ca' "testdata/client.key": it holds a PRIVATE KEY block where a certificate was expected`,
  );
});

Deno.test("readPemFile() takes openssl's ecparam key file, and names blocks with the right article", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    };
    const block = (label: string) =>
      `-----BEGIN ${label}-----\nBggqhkjOPQMBBw==\n-----END ${label}-----\n`;
    // `openssl ecparam -genkey` writes the curve first.
    const ecKey = await write(
      "ec.key",
      block("EC PARAMETERS") + block("EC PRIVATE KEY"),
    );
    await readPemFile("--key", ecKey, "private key");
    const cases: [string, string, "certificate" | "private key", string][] = [
      [
        "rsa.key",
        block("RSA PRIVATE KEY"),
        "certificate",
        "it holds an RSA PRIVATE KEY block where a certificate was expected",
      ],
      [
        "crl.pem",
        block("CERTIFICATE") + block("X509 CRL"),
        "certificate",
        "it holds an X509 CRL block where a certificate was expected",
      ],
      [
        "params.key",
        block("EC PARAMETERS"),
        "private key",
        "it holds an EC PARAMETERS block and no private key",
      ],
    ];
    for (const [name, text, kind, message] of cases) {
      await assertRejects(
        async () => readPemFile("--x", await write(name, text), kind),
        UsageError,
        message,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTlsFiles() reads the files named, and only those", async () => {
  assertEquals(await readTlsFiles({ caFiles: [] }), {});
  const ca = await Deno.readTextFile("testdata/ca.pem");
  const files = await readTlsFiles({
    caFiles: ["testdata/ca.pem", "testdata/ca.pem"],
    certFile: "testdata/client.pem",
    keyFile: "testdata/client.key",
  });
  assertEquals(files.caCerts, [ca, ca]);
  assertEquals(files.cert, await Deno.readTextFile("testdata/client.pem"));
  assertEquals(files.key, await Deno.readTextFile("testdata/client.key"));
  await assertRejects(
    () => readTlsFiles({ caFiles: ["testdata/client.key"] }),
    UsageError,
    "--ca",
  );
});

Deno.test("readProxyOption() adds the roots of --proxy-ca to the URL of --proxy", async () => {
  assertEquals(await readProxyOption({}), undefined);
  const url = "https://proxy.test:8443";
  assertEquals(await readProxyOption({ proxy: url, proxyCaFiles: [] }), url);
  const ca = await Deno.readTextFile("testdata/ca.pem");
  assertEquals(
    await readProxyOption({
      proxy: url,
      proxyCaFiles: ["testdata/ca.pem", "testdata/ca.pem"],
    }),
    { url, caCerts: [ca, ca] },
  );
  await assertRejects(
    () =>
      readProxyOption({ proxy: url, proxyCaFiles: ["testdata/client.key"] }),
    UsageError,
    "Cannot read the file of '--proxy-ca'",
  );
});
