// Copyright 2026 the happy-eyeballs authors. MIT license.
// End to end, as a person uses it: cli.ts --tls in a real terminal
// (script(1)) against openssl s_server on loopback, TLS 1.2 and 1.3, with and
// without a client certificate; a silent server; hostile names and files.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Report } from "./main.ts";
import { acceptingServer } from "../_testing/net.ts";
import { opensslServer } from "../_testing/openssl.ts";
import { needs } from "../_testing/needs.ts";
import {
  lineTimes,
  masked,
  run,
  runOnTerminal,
  screen,
} from "../_testing/command.ts";

const CA = ["--ca", "testdata/ca.pem"];
const CLIENT = [
  "--cert",
  "testdata/client.pem",
  "--key",
  "testdata/client.key",
];

/** Runs cli.ts in a terminal; returns the exit code and the screen, masked. */
async function onTerminal(args: string[], ports: number[]) {
  const ran = await runOnTerminal("cli/main.ts", args, { NO_COLOR: "1" });
  const lines = screen(ran.stdout);
  const times = lineTimes(lines);
  assertEquals(
    times,
    [...times].sort((a, b) => a - b),
    `lines in time order:\n${lines.join("\n")}`,
  );
  return { code: ran.code, raw: ran.stdout, lines: masked(lines, ports) };
}

function header(port: number, tls = "then TLS"): string[] {
  return [
    `Connecting to 127.0.0.1:${port} (a new attempt every 250 ms, or at once when the latest fails; ${tls})`,
    "No look-up: 127.0.0.1 is an IP address (+T ms)",
    "+T  #1 127.0.0.1:PORT  started",
    "+T  #1 127.0.0.1:PORT  TCP connected in T ms",
    "+T  #1 127.0.0.1:PORT  TLS handshake started, server name 127.0.0.1",
  ].map((line, i) => i === 0 ? line.replace(`:${port}`, ":PORT") : line);
}

Deno.test({
  name:
    "cli.ts against a TLS 1.3 server that requires a client certificate: refused without one, exit 1",
  ...needs("openssl", "script"),
  async fn() {
    await using server = await opensslServer({
      version: "1.3",
      verifyClientsOf: "client_ca",
    });
    const args = ["127.0.0.1", String(server.port), "--tls", ...CA];
    const { code, lines } = await onTerminal(args, [server.port]);
    assertEquals(code, 1);
    assertEquals(lines, [
      ...header(server.port),
      "+T  #1 127.0.0.1:PORT  TLS handshake done in T ms",
      "+T  #1 127.0.0.1:PORT  connected in T ms: won",
      "+T  the server refused us after the handshake: fatal alert CertificateRequired from the server",
      "Failed after T ms: the server at 127.0.0.1:PORT refused us after the TLS handshake",
      "error: TLS with 127.0.0.1:PORT refused by the server after the handshake: received fatal alert: CertificateRequired",
      "hint: the server requires a client certificate: give one with --cert FILE --key FILE",
    ]);

    const json = await run("cli/main.ts", [...args, "--json"]);
    assertEquals([json.code, json.stderr], [1, ""]);
    const report: Report = JSON.parse(json.stdout);
    assertEquals(report.ok, false);
    assertEquals(report.tls?.ok, false);
    assertEquals(report.tls?.acceptance?.outcome, "alert");
    assertEquals(report.error?.stage, "tls");
    assertEquals(report.connected, null);

    // With a certificate of the CA it trusts, it accepts us: exit 0.
    const accepted = await onTerminal([...args, ...CLIENT], [server.port]);
    assertEquals(accepted.code, 0);
    assertEquals(accepted.lines, [
      ...header(server.port, "then TLS with a client certificate"),
      "+T  #1 127.0.0.1:PORT  TLS handshake done in T ms",
      "+T  #1 127.0.0.1:PORT  connected in T ms: won",
      "+T  no alert from the server in 300 ms: it accepted us (the tool waits that long, as a TLS 1.3 server refuses a client certificate only after the handshake)",
      "Connected to 127.0.0.1:PORT (#1 of 1) from 127.0.0.1:LOCAL with TLS in T ms",
    ]);
  },
});

Deno.test({
  name:
    "cli.ts with a client certificate the server refuses: exit 1 and a hint, TLS 1.3 as 1.2",
  ...needs("openssl", "script"),
  async fn() {
    // These servers trust ca.pem for clients: client.pem comes from another.
    await using v13 = await opensslServer({
      version: "1.3",
      verifyClientsOf: "ca",
    });
    await using v12 = await opensslServer({
      version: "1.2",
      verifyClientsOf: "ca",
    });
    const hint =
      "hint: the server refused our client certificate (--cert): it must come from a CA the server trusts, for a client (extended key usage clientAuth)";
    const after13 = await onTerminal(
      ["127.0.0.1", String(v13.port), "--tls", ...CA, ...CLIENT],
      [v13.port],
    );
    assertEquals(after13.code, 1);
    assertEquals(after13.lines, [
      ...header(v13.port, "then TLS with a client certificate"),
      "+T  #1 127.0.0.1:PORT  TLS handshake done in T ms",
      "+T  #1 127.0.0.1:PORT  connected in T ms: won",
      "+T  the server refused us after the handshake: fatal alert UnknownCA from the server",
      "Failed after T ms: the server at 127.0.0.1:PORT refused us after the TLS handshake",
      "error: TLS with 127.0.0.1:PORT refused by the server after the handshake: received fatal alert: UnknownCA",
      hint,
    ]);
    const during12 = await onTerminal(
      ["127.0.0.1", String(v12.port), "--tls", ...CA, ...CLIENT],
      [v12.port],
    );
    assertEquals(during12.code, 1);
    assertEquals(during12.lines, [
      ...header(v12.port, "then TLS with a client certificate"),
      "+T  #1 127.0.0.1:PORT  TLS handshake failed after T ms: fatal alert UnknownCA from the server",
      "Failed after T ms: the TLS handshake with 127.0.0.1:PORT failed",
      'error: TLS handshake with 127.0.0.1:PORT (server name "127.0.0.1") failed: received fatal alert: UnknownCA',
      hint,
    ]);
  },
});

Deno.test({
  name:
    "cli.ts against a TLS 1.2 server that requires a client certificate: fails in the handshake",
  ...needs("openssl", "script"),
  async fn() {
    await using server = await opensslServer({
      version: "1.2",
      verifyClientsOf: "client_ca",
    });
    const args = ["127.0.0.1", String(server.port), "--tls", ...CA];
    const refused = await onTerminal(args, [server.port]);
    assertEquals(refused.code, 1);
    assertEquals(refused.lines, [
      ...header(server.port),
      "+T  #1 127.0.0.1:PORT  TLS handshake failed after T ms: fatal alert HandshakeFailure from the server",
      "Failed after T ms: the TLS handshake with 127.0.0.1:PORT failed",
      'error: Cannot connect to 127.0.0.1:PORT: TLS handshake with 127.0.0.1:PORT (server name "127.0.0.1") failed: received fatal alert: HandshakeFailure',
      "hint: the server may require a client certificate (--cert FILE --key FILE), or share no TLS version or cipher with us",
    ]);
    const accepted = await onTerminal([...args, ...CLIENT], [server.port]);
    assertEquals(accepted.code, 0);
    assertStringIncludes(
      accepted.lines.join("\n"),
      "it accepted us (the tool waits that long",
    );
  },
});

Deno.test({
  name: "cli.ts names the trouble with a certificate once, with a hint",
  ...needs("openssl", "script"),
  async fn() {
    await using server = await opensslServer({
      version: "1.3",
      identity: "name_only",
    });
    const port = String(server.port);
    const unknown = await onTerminal(
      ["127.0.0.1", port, "--tls", "--server-name", "tls.test"],
      [server.port],
    );
    assertEquals(unknown.code, 1);
    assertEquals(unknown.lines.slice(-4), [
      "+T  #1 127.0.0.1:PORT  TLS handshake failed after T ms: certificate from an unknown issuer",
      "Failed after T ms: the TLS handshake with 127.0.0.1:PORT failed",
      'error: TLS handshake with 127.0.0.1:PORT (server name "tls.test") failed: unable to verify the first certificate',
      "hint: trust its CA with --ca FILE, or the system's CA store with DENO_TLS_CA_STORE=system",
    ]);
    const mismatch = await onTerminal(
      ["127.0.0.1", port, "--tls", ...CA],
      [server.port],
    );
    assertEquals(mismatch.code, 1);
    assertEquals(mismatch.lines.slice(-3), [
      "Failed after T ms: the TLS handshake with 127.0.0.1:PORT failed",
      `error: TLS handshake with 127.0.0.1:PORT (server name "127.0.0.1") failed: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list:`,
      "hint: check the name the certificate is for with --server-name NAME",
    ]);
    // The full message comes once: on the error line, not in the timeline.
    assertEquals(
      mismatch.lines.filter((line) => line.includes("altnames")).length,
      1,
    );
  },
});

Deno.test({
  name:
    "cli.ts waits for a silent TLS server, says until when, and keeps its lines in time order",
  ...needs("script"),
  async fn() {
    await using server = acceptingServer("127.0.0.1");
    const { code, raw, lines } = await onTerminal(
      ["127.0.0.1", String(server.port), "--tls", "--timeout", "2500"],
      [server.port],
    );
    assertEquals(code, 1);
    assertStringIncludes(
      raw,
      "… still waiting for #1 127.0.0.1:PORT (  1.".replace(
        "PORT",
        String(server.port),
      ),
    );
    assertStringIncludes(
      raw,
      " s); gives up in 1.",
    );
    assertStringIncludes(raw, " s (--timeout); Ctrl-C gives up");
    assertEquals(lines.slice(-6), [
      "+T  #1 127.0.0.1:PORT  TLS handshake started, server name 127.0.0.1",
      "+T  timeout: gave up after 2500 ms (--timeout), with #1 127.0.0.1:PORT still pending",
      "+T  #1 127.0.0.1:PORT  TLS handshake failed after T ms: abandoned",
      "+T  #1 127.0.0.1:PORT  abandoned after T ms without an answer",
      "Timed out after T ms: the TLS handshake with 127.0.0.1:PORT failed",
      "error: timed out after 2500 ms (--timeout)",
    ]);
  },
});

/** Whether the text holds a raw control character other than a newline. */
function hasRawControl(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\x00-\x09\x0b-\x1f\x7f]/.test(text);
}

Deno.test({
  name:
    "cli.ts shows escape sequences of a certificate's names as text, on both TLS paths",
  ...needs("openssl"),
  async fn() {
    await using server = await opensslServer({
      version: "1.3",
      identity: "escape_name",
    });
    const args = [
      "127.0.0.1",
      String(server.port),
      "--tls",
      ...CA,
      "--server-name",
      "other.test",
    ];
    const shown = "evil\\x1b[31mred\\x1b]0;pwned\\x07.test";
    // Deno's TLS (no client certificate) and node:tls (with one).
    for (const extra of [[], CLIENT]) {
      const human = await run("cli/main.ts", [...args, ...extra]);
      assertEquals(human.code, 1);
      assert(!hasRawControl(human.stdout + human.stderr), human.stderr);
      assertStringIncludes(human.stderr, shown);
      assertStringIncludes(
        human.stderr,
        `hint: the certificate is for ${shown}, tls.test`,
      );
      const json = await run("cli/main.ts", [...args, ...extra, "--json"]);
      assertEquals(json.code, 1);
      assert(!hasRawControl(json.stdout), json.stdout);
      const report: Report = JSON.parse(json.stdout);
      // The library's message holds the name escaped already.
      assertStringIncludes(report.error!.message, "evil\\x1b[31mred");
    }
  },
});

Deno.test({
  name:
    "cli.ts --tls-on-winner: the handshake after the race, on the winner only",
  ...needs("openssl", "script"),
  async fn() {
    await using server = await opensslServer({ version: "1.3" });
    const { code, lines } = await onTerminal(
      [
        "127.0.0.1",
        String(server.port),
        "--tls",
        "--tls-on-winner",
        "--server-name",
        "tls.test",
        ...CA,
      ],
      [server.port],
    );
    assertEquals(code, 0);
    assertEquals(lines.slice(2, 6), [
      "+T  #1 127.0.0.1:PORT  started",
      "+T  #1 127.0.0.1:PORT  connected in T ms: won",
      "+T  TLS handshake with 127.0.0.1:PORT started, server name tls.test",
      "+T  TLS handshake done in T ms",
    ]);
  },
});
