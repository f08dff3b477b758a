// Copyright 2026 the happy-eyeballs authors. MIT license.
// `openssl s_server` on loopback, for the end-to-end tests of the
// command-line tool: a real TLS server, TLS 1.2 or 1.3, that may require a
// client certificate. Whether openssl is there: `needs("openssl")` of
// needs.ts (a skip with one line, a failure under CI=true).
import { joinHostPort } from "../_common/ip.ts";

/** Options of {@linkcode opensslServer}. */
export interface OpensslServerOptions {
  /** The TLS version to speak, and only that one. */
  version: "1.2" | "1.3";
  /** The certificate and key, by their name under testdata/ (`server`). */
  identity?: string;
  /**
   * Require a client certificate from this CA (a name under testdata/, such
   * as `client_ca`), and refuse any other: `-Verify 1 -verify_return_error`.
   */
  verifyClientsOf?: string;
  /** The loopback address to listen on (`127.0.0.1` unless given). */
  hostname?: string;
  /** The port (`0`, a free one, unless given). */
  port?: number;
}

/** A running `openssl s_server`. */
export interface OpensslServer extends AsyncDisposable {
  /** Its port (on 127.0.0.1 unless asked otherwise). */
  port: number;
}

const TESTDATA = new URL("../testdata/", import.meta.url);

/** Starts `openssl s_server` on 127.0.0.1 (a free port). */
export async function opensslServer(
  options: OpensslServerOptions,
): Promise<OpensslServer> {
  const file = (name: string) => new URL(name, TESTDATA).pathname;
  const identity = options.identity ?? "server";
  const hostname = options.hostname ?? "127.0.0.1";
  const args = [
    "s_server",
    "-accept",
    joinHostPort(hostname, options.port ?? 0),
    "-cert",
    file(`${identity}.pem`),
    "-key",
    file(`${identity}.key`),
    options.version === "1.2" ? "-tls1_2" : "-tls1_3",
  ];
  if (options.verifyClientsOf !== undefined) {
    args.push(
      "-Verify",
      "1",
      "-verify_return_error",
      "-CAfile",
      file(`${options.verifyClientsOf}.pem`),
    );
  }
  const child = new Deno.Command("openssl", {
    args,
    // An open standard input keeps it serving; closing it ends it.
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // It prints "ACCEPT 127.0.0.1:PORT" once listening, then a line or two per
  // connection: read on to the end, so that it never blocks on a full pipe.
  const lines = child.stdout.pipeThrough(new TextDecoderStream());
  let text = "";
  let port = 0;
  const reader = lines.getReader();
  while (port === 0) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += chunk.value;
    // With a port given, it prints "ACCEPT" alone.
    const accepted = /ACCEPT(?: \S+:(\d+))?\n/.exec(text);
    if (accepted) port = Number(accepted[1] ?? options.port);
  }
  const drained = (async () => {
    while (!(await reader.read()).done) {
      // Nothing to keep.
    }
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.stdin.abort().catch(() => {});
    await child.status;
    await drained;
  };
  if (port === 0) {
    await stop();
    throw new Error(`Cannot start openssl s_server: ${text}`);
  }
  return { port, [Symbol.asyncDispose]: stop };
}
