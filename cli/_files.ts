// Copyright 2026 the happy-eyeballs authors. MIT license.
// The files of `--ca`, `--cert`, `--key` and `--proxy-ca`: read only when
// they are regular files of at most 1 MiB (a device or a pipe could hang the
// tool or feed it without end), and checked for the PEM blocks they must hold. A message
// names the file and the kind of block found, never a byte of the content:
// a key file is a secret, and any file may be one.
import type { ProxyUrlOptions } from "../types.ts";
import { UsageError } from "./_usage.ts";
import { show, withArticle } from "../_common/show.ts";
import { visible } from "../_common/visible.ts";
import { pemBlocks, type PemKind } from "../_common/pem.ts";

export type { PemKind };

/** The most a file may hold: 1 MiB. */
export const MAX_FILE_BYTES = 1024 * 1024;

function typeOf(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isFifo) return "a pipe";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/**
 * Reads a PEM file given to `option`, checking that it holds `kind`.
 *
 * @param option The flag, such as `--ca`.
 * @param path The file name as given.
 * @param kind What it must hold.
 * @returns The file's text.
 * @throws {UsageError} If the file cannot be read, is not a regular file of at
 * most 1 MiB, or holds no PEM block of `kind`, or a block of another kind.
 */
export async function readPemFile(
  option: string,
  path: string,
  kind: PemKind,
): Promise<string> {
  const fail = (why: string): never => {
    throw new UsageError(
      `Cannot read the file of '${option}' ${show(path)}: ${why}`,
    );
  };
  let text: string;
  try {
    // stat() first: opening a pipe would wait for a writer.
    const info = await Deno.stat(path);
    if (!info.isFile) {
      fail(`it must be a regular file, and it is ${typeOf(info)}`);
    }
    using file = await Deno.open(path);
    // The file may have been swapped since stat(): check what was opened.
    const opened = await file.stat();
    if (!opened.isFile) {
      fail(`it must be a regular file, and it is ${typeOf(opened)}`);
    }
    const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
    let size = 0;
    while (size < buffer.length) {
      const n = await file.read(buffer.subarray(size));
      if (n === null) break;
      size += n;
    }
    if (size > MAX_FILE_BYTES) {
      fail(`it must be at most 1 MiB, and it is larger`);
    }
    text = new TextDecoder().decode(buffer.subarray(0, size));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Deno's messages name the call and the path, never the content.
    return fail(
      visible(error instanceof Error ? error.message : String(error)),
    );
  }
  if (text.trim() === "") fail("it is empty");
  const { labels, held, wrong } = pemBlocks(text, kind);
  if (labels.length === 0) {
    fail(`it holds no PEM block, and it must hold a ${kind} in PEM form`);
  }
  if (wrong !== undefined) {
    fail(`it holds ${withArticle(wrong)} block where a ${kind} was expected`);
  }
  if (held === 0) {
    fail(
      `it holds ${
        labels.map(withArticle).join(", ")
      } block and no ${kind}, and it must hold a ${kind} in PEM form`,
    );
  }
  return text;
}

/** The files of `--ca`, `--cert` and `--key`, as the command line names them. */
export interface TlsFiles {
  /** `--ca`: files of trusted certificates. */
  caFiles: string[];
  /** `--cert`: the client certificate. */
  certFile?: string | undefined;
  /** `--key`: its private key. */
  keyFile?: string | undefined;
}

/**
 * Reads the TLS files of the command line, in order, each with
 * {@linkcode readPemFile}.
 *
 * @param files The files named.
 * @returns The `caCerts`, `cert` and `key` of the TLS options, those given.
 * @throws {UsageError} If a file cannot be read, or holds no such PEM block.
 */
export async function readTlsFiles(
  files: TlsFiles,
): Promise<{ caCerts?: string[]; cert?: string; key?: string }> {
  const caCerts: string[] = [];
  for (const file of files.caFiles) {
    caCerts.push(await readPemFile("--ca", file, "certificate"));
  }
  const { certFile, keyFile } = files;
  return {
    ...(caCerts.length > 0 && { caCerts }),
    ...(certFile !== undefined && keyFile !== undefined && {
      cert: await readPemFile("--cert", certFile, "certificate"),
      key: await readPemFile("--key", keyFile, "private key"),
    }),
  };
}

/**
 * The `proxy` option of `connect()` for `--proxy` and `--proxy-ca`: the URL
 * as given, or with the roots of `--proxy-ca` (each file read with
 * {@linkcode readPemFile}) the URL and those roots.
 *
 * @param args `--proxy` and the files of `--proxy-ca`.
 * @returns The option, or `undefined` without `--proxy`.
 * @throws {UsageError} If a file cannot be read, or holds no certificate.
 */
export async function readProxyOption(
  args: { proxy?: string | undefined; proxyCaFiles?: string[] | undefined },
): Promise<string | ProxyUrlOptions | undefined> {
  const { proxy: url, proxyCaFiles = [] } = args;
  if (url === undefined) return undefined;
  const caCerts: string[] = [];
  for (const file of proxyCaFiles) {
    caCerts.push(await readPemFile("--proxy-ca", file, "certificate"));
  }
  return caCerts.length > 0 ? { url, caCerts } : url;
}
