// Copyright 2026 the happy-eyeballs authors. MIT license.
// An idle connection made through node:net or node:tls (`localAddr`, a client
// certificate, `tls.caCertsOnly`) lets the process exit, as one made by
// Deno.connect does: it keeps the process alive only while an operation is
// pending.
import { assertEquals } from "@std/assert";
import { serve, TEST_CA, tlsServer } from "../_testing/net.ts";
import { readTestdata } from "../_testing/net.ts";
import { ROOT } from "../_testing/command.ts";

/** Connects as `mode` says, then leaves the connection open and idle. */
const CHILD = `
import { connect } from "./connect.ts";
const [mode, port, ca, cert, key] = JSON.parse(Deno.args[0]);
const hostname = "127.0.0.1";
const tls = {
  plain: undefined,
  localAddr: undefined,
  "client certificate": { caCerts: [ca], cert, key },
  caCertsOnly: { caCerts: [ca], caCertsOnly: true },
}[mode];
const conn = await connect({
  hostname,
  port,
  ...(mode === "localAddr" ? { localAddr: { hostname } } : {}),
  ...(tls ? { tls } : {}),
});
globalThis.kept = conn;
`;

Deno.test("an idle connection of every path lets the process exit", async () => {
  await using plain = serve(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  await using secure = tlsServer();
  const exits: Record<string, number> = {};
  for (
    const mode of ["plain", "localAddr", "client certificate", "caCertsOnly"]
  ) {
    const port = mode === "plain" || mode === "localAddr"
      ? plain.port
      : secure.port;
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--ext=ts",
        `--config=${new URL("deno.json", ROOT).pathname}`,
        CHILD,
        JSON.stringify([
          mode,
          port,
          TEST_CA,
          readTestdata("client.pem"),
          readTestdata("client.key"),
        ]),
      ],
      cwd: ROOT,
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
      // Generous: an idle process exits at once; one kept alive never does.
      signal: AbortSignal.timeout(20_000),
    }).output().catch(() => ({ code: -1 }));
    exits[mode] = code;
  }
  assertEquals(exits, {
    plain: 0,
    localAddr: 0,
    "client certificate": 0,
    caCertsOnly: 0,
  });
});
