// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertRejects } from "@std/assert";
import { UsageError } from "./_cli_args.ts";
import { MAX_FILE_BYTES, readPemFile } from "./_cli_files.ts";

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
