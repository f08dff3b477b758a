// Copyright 2026 the happy-eyeballs authors. MIT license.
// Every ```ts example of README.md, run as written in a child `deno`, against
// a server on loopback where it needs one. The examples read where to connect
// from the environment (`CONNECT_HOST`, `PGHOST`...): here they get the name
// `tls.test`, which a private /etc/hosts maps to 127.0.0.1 (so that TLS
// verifies the name the test certificates carry, not "localhost"), and the
// test CA through `DENO_CERT`. Each example must exit by itself, with status 0.

import { assert, assertEquals } from "@std/assert";
import { type Need, needs } from "../_testing/needs.ts";
import { acceptingServer, readTestdata, serve } from "../_testing/net.ts";
import {
  POSTGRES_USER,
  type RealServer,
  startNginx,
  startPostgres,
  startRedis,
  startSquid,
} from "../_testing/servers.ts";

const ROOT = new URL("../", import.meta.url);
const TESTDATA = new URL("testdata/", ROOT);
/** The name the examples connect to: the test certificates carry it. */
const NAME = "tls.test";
/** A name that the test certificates do not carry. */
const OTHER_NAME = "other.test";
/** The servers that speak TLS (PostgreSQL: in the examples that ask). */
const TLS_SERVERS: Server[] = ["tls", "postgres", "nginx"];
/** How long an example may run: one that does not exit fails. */
const EXAMPLE_TIMEOUT_MS = 60_000;

/** What an example needs: none, a TCP or TLS server, or a real one. */
type Server =
  | "none"
  | "tcp"
  | "tls"
  | "postgres"
  | "redis"
  | "nginx"
  | "squid";

/** The server of the examples under each heading ("" before the first). */
const SERVERS: Record<string, Server> = {
  "": "tcp",
  "TCP": "tcp",
  "TLS": "tls",
  "Remembered winners": "tcp",
  "Resolver": "tcp",
  "Events": "tcp",
  "Proxies": "squid",
  "pg": "postgres",
  "postgres.js": "postgres",
  "ioredis": "redis",
  "undici": "nginx",
  "node:http and node:https": "nginx",
  "STARTTLS: PostgreSQL's SSLRequest, then `upgradeTls()`": "postgres",
  "Errors": "none",
};

/** What a server needs from the machine. */
const NEEDS: Record<Server, Need[]> = {
  none: [],
  tcp: ["unshare"],
  tls: ["unshare"],
  postgres: ["unshare", "postgres"],
  redis: ["unshare", "redis"],
  nginx: ["unshare", "nginx"],
  squid: ["unshare", "squid"],
};

interface Example {
  heading: string;
  line: number;
  code: string;
}

/** The ```ts blocks of README.md, each with the heading it is under. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const lines = markdown.split("\n");
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const title = line.match(HEADING_REGEXP);
    if (title) heading = title[1]!;
    if (!line.startsWith("```ts")) continue;
    const end = lines.indexOf("```", i + 1);
    found.push({
      heading,
      line: i + 1,
      code: lines.slice(i + 1, end).join("\n"),
    });
    i = end;
  }
  return found;
}

const HEADING_REGEXP = /^#{2,3} (.+)$/;

/**
 * A TLS server for the TLS example: it completes the handshake, reads until
 * the client's close_notify, then closes (so that `closeTls()` ends at once).
 */
function tlsEchoServer() {
  return serve(
    Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: readTestdata("server.pem"),
      key: readTestdata("server.key"),
      alpnProtocols: ["h2", "http/1.1"],
    }),
    async (conn) => {
      try {
        await conn.handshake();
        const buffer = new Uint8Array(1024);
        while (await conn.read(buffer) !== null) {
          // Discard.
        }
      } finally {
        conn.close();
      }
    },
  );
}

/** Starts what `server` names; its environment for the example. */
async function start(
  server: Server,
  name: string,
): Promise<{ env: Record<string, string> } & AsyncDisposable> {
  const none = async () => {};
  switch (server) {
    case "none":
      return { env: {}, [Symbol.asyncDispose]: none };
    case "tcp": {
      const tcp = acceptingServer("127.0.0.1");
      return {
        env: {
          CONNECT_HOST: name,
          CONNECT_PORT: String(tcp.port),
          LOCAL_ADDR: "127.0.0.1",
        },
        [Symbol.asyncDispose]: () => tcp[Symbol.asyncDispose](),
      };
    }
    case "tls": {
      const tls = tlsEchoServer();
      return {
        env: { TLS_HOST: name, TLS_PORT: String(tls.port) },
        [Symbol.asyncDispose]: () => tls[Symbol.asyncDispose](),
      };
    }
    case "postgres": {
      const real: RealServer = await startPostgres();
      return {
        env: {
          PGHOST: name,
          PGPORT: String(real.port),
          PGUSER: POSTGRES_USER,
          PGDATABASE: "postgres",
          PGSSLROOTCERT: new URL("ca.pem", TESTDATA).pathname,
        },
        [Symbol.asyncDispose]: () => real[Symbol.asyncDispose](),
      };
    }
    case "redis": {
      const real = await startRedis();
      return {
        env: { REDIS_URL: `redis://${name}:${real.port}` },
        [Symbol.asyncDispose]: () => real[Symbol.asyncDispose](),
      };
    }
    case "squid": {
      // squid resolves no private name: the target is its address (which
      // the test certificate carries), the proxy is by name.
      const proxy = await startSquid();
      const tls = tlsEchoServer();
      return {
        env: {
          TLS_HOST: "127.0.0.1",
          TLS_PORT: String(tls.port),
          PROXY_URL: `https://${name}:${proxy.tlsPort}`,
          PROXY_CA: new URL("ca.pem", TESTDATA).pathname,
        },
        [Symbol.asyncDispose]: async () => {
          await tls[Symbol.asyncDispose]();
          await proxy[Symbol.asyncDispose]();
        },
      };
    }
    case "nginx": {
      const real = await startNginx();
      return {
        env: { URL: `https://${name}:${real.tlsPort}/` },
        [Symbol.asyncDispose]: () => real[Symbol.asyncDispose](),
      };
    }
  }
}

/** Runs `code` in a child `deno` whose /etc/hosts also maps `name`. */
async function runExample(
  code: string,
  env: Record<string, string>,
  name: string | undefined,
): Promise<Deno.CommandOutput> {
  const dir = await Deno.makeTempDir({ prefix: "he_readme_" });
  try {
    const file = `${dir}/example.ts`;
    await Deno.writeTextFile(file, code);
    const deno = [
      Deno.execPath(),
      "run",
      "--allow-all",
      "--config",
      new URL("deno.json", ROOT).pathname,
      file,
    ];
    let command = deno;
    if (name !== undefined) {
      const hosts = `${dir}/hosts`;
      const system = await Deno.readTextFile("/etc/hosts");
      await Deno.writeTextFile(
        hosts,
        `${system.trimEnd()}\n127.0.0.1 ${name}\n`,
      );
      // A private mount namespace: /etc/hosts changes for the child alone.
      command = [
        "unshare",
        "-m",
        "sh",
        "-c",
        'mount --bind "$0" /etc/hosts && exec "$@"',
        hosts,
        ...deno,
      ];
    }
    return await new Deno.Command(command[0]!, {
      args: command.slice(1),
      cwd: dir,
      env: {
        ...env,
        DENO_CERT: new URL("ca.pem", TESTDATA).pathname,
        NO_COLOR: "1",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(EXAMPLE_TIMEOUT_MS),
    }).output();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const README = await Deno.readTextFile(new URL("README.md", ROOT));
const EXAMPLES = examples(README);

Deno.test("README.md: every ts example is under a heading this test knows", () => {
  assert(EXAMPLES.length > 0);
  assertEquals(
    EXAMPLES.filter((example) => !(example.heading in SERVERS)).map((e) =>
      `line ${e.line}: ${e.heading}`
    ),
    [],
  );
});

for (const example of EXAMPLES) {
  const server = SERVERS[example.heading] ?? "none";
  Deno.test({
    name: `README.md: the example at line ${example.line} (${
      example.heading || "the first"
    }) runs as written`,
    ...needs(...NEEDS[server]),
    async fn() {
      await using started = await start(server, NAME);
      const { code, stdout, stderr } = await runExample(
        example.code,
        started.env,
        server === "none" ? undefined : NAME,
      );
      const decoder = new TextDecoder();
      assertEquals(
        code,
        0,
        `exit status ${code}\n${decoder.decode(stdout)}\n${
          decoder.decode(stderr)
        }`,
      );
    },
  });
}

// The examples that speak TLS verify the server's name for real: under a name
// the test certificate does not carry, they fail.
for (const example of EXAMPLES) {
  const server = SERVERS[example.heading] ?? "none";
  if (!TLS_SERVERS.includes(server)) continue;
  Deno.test({
    name: `README.md: the example at line ${example.line} (${
      example.heading || "the first"
    }) fails for a name its server's certificate lacks`,
    ...needs(...NEEDS[server]),
    async fn() {
      await using started = await start(server, OTHER_NAME);
      const { code } = await runExample(
        example.code,
        started.env,
        OTHER_NAME,
      );
      assert(code !== 0, "the example accepted a certificate for another name");
    },
  });
}
