// Copyright 2026 the happy-eyeballs authors. MIT license.
// Real servers for the tests of node/, the proxies and the README:
// PostgreSQL, Redis, nginx, squid and microsocks, each started in a temporary
// folder on a loopback port, with this repository's
// test certificates, and stopped (the folder removed) on disposal.
//
// Whether each is installed: `needs()` of needs.ts.

import { findProgram, postgresBin } from "./needs.ts";

const TESTDATA = new URL("../testdata/", import.meta.url);

/** A server started for a test; dispose of it to stop it. */
export interface RealServer extends AsyncDisposable {
  /** The loopback address it listens on. */
  hostname: string;
  /** Its plain-text port. */
  port: number;
  /** Its TLS port, when it has one apart (nginx). */
  tlsPort?: number;
}

function freePort(): number {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return listener.addr.port;
}

/** Waits until `port` accepts connections, or the process exits. */
async function waitForPort(
  port: number,
  child: Deno.ChildProcess,
  what: string,
  log: () => string,
): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited at start:\n${log()}`);
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${what} did not listen on port ${port} within 30 s`);
}

/** The user that runs a server that refuses root (PostgreSQL). */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (Deno.uid() !== 0) return undefined;
  const user = systemUser(["postgres", "nobody"]);
  if (!user) {
    throw new Error(
      "Cannot run PostgreSQL as root: no postgres or nobody user",
    );
  }
  return user;
}

/**
 * As root, the uid and gid of the first of `names` that /etc/passwd has;
 * `undefined` when not root, or when it has none of them.
 */
function systemUser(
  names: string[],
): { uid: number; gid: number } | undefined {
  if (Deno.uid() !== 0) return undefined;
  const passwd = Deno.readTextFileSync("/etc/passwd").split("\n");
  for (const name of names) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))
      ?.split(":");
    if (fields) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  return undefined;
}

/** `command args` as `user` (through setpriv, which execs: no middleman). */
function asUser(
  user: { uid: number; gid: number } | undefined,
  command: string,
  args: string[],
): [string, string[]] {
  if (!user) return [command, args];
  return ["setpriv", [
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    "--clear-groups",
    "--",
    command,
    ...args,
  ]];
}

/** Copies a testdata file into `dir`, owned by `user`, mode 0600. */
function copyPrivate(
  name: string,
  dir: string,
  user: { uid: number; gid: number } | undefined,
): string {
  const path = `${dir}/${name}`;
  Deno.copyFileSync(new URL(name, TESTDATA), path);
  Deno.chmodSync(path, 0o600);
  if (user) Deno.chownSync(path, user.uid, user.gid);
  return path;
}

/** A child process and what it has printed so far. */
interface Spawned {
  child: Deno.ChildProcess;
  log: () => string;
}

/** A child process whose output is collected, stopped with `signal`. */
function spawn(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Spawned {
  const child = new Deno.Command(command, {
    args,
    ...options,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk);
  };
  const collected = Promise.all([collect(child.stdout), collect(child.stderr)]);
  collected.catch(() => {});
  child.status.then(() => collected);
  return { child, log: () => text };
}

async function stop(
  child: Deno.ChildProcess,
  signal: Deno.Signal,
): Promise<void> {
  try {
    child.kill(signal);
  } catch {
    // Already gone.
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }, 10_000);
  await child.status;
  clearTimeout(timer);
  // Let the output readers finish.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Waits until `name` accepts connections on `port` (and `tlsPort`), and
 * returns it as a server that, disposed of, stops it with `signal` and
 * removes `dir`. When it does not start, it does both and throws.
 */
async function serving(
  name: string,
  { child, log }: Spawned,
  signal: Deno.Signal,
  dir: string,
  port: number,
  tlsPort?: number,
  ready?: string,
): Promise<RealServer> {
  const stopped = async () => {
    await stop(child, signal);
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await waitForPort(port, child, name, log);
    if (tlsPort !== undefined) await waitForPort(tlsPort, child, name, log);
    if (ready !== undefined) await waitForLog(ready, name, log);
  } catch (error) {
    await stopped();
    throw error;
  }
  return {
    hostname: "127.0.0.1",
    port,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    [Symbol.asyncDispose]: stopped,
  };
}

/**
 * Waits until `name` logs `ready`: a server that accepts connections may
 * still refuse sessions while it starts (PostgreSQL: "the database system is
 * starting up").
 */
async function waitForLog(
  ready: string,
  name: string,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!log().includes(ready)) {
    if (Date.now() > deadline) {
      throw new Error(`${name} did not log "${ready}" within 30 s:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The PostgreSQL role and database the tests use (trust authentication). */
export const POSTGRES_USER = "happy";

/**
 * Starts PostgreSQL on `127.0.0.1` in a temporary folder (`initdb` then
 * `postgres`), with SSL on (`testdata/server.pem`), trust authentication for
 * {@linkcode POSTGRES_USER}, and no Unix socket. As root, it runs as the
 * `postgres` user (or `nobody`), as PostgreSQL refuses root.
 */
export async function startPostgres(): Promise<RealServer> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL (initdb, postgres) is not installed");
  const user = unprivilegedUser();
  const dir = await Deno.makeTempDir({ prefix: "he_postgres_" });
  const port = freePort();
  let spawned: Spawned;
  try {
    if (user) Deno.chownSync(dir, user.uid, user.gid);
    const data = `${dir}/data`;
    const [initdb, initArgs] = asUser(user, `${bin}/initdb`, [
      "-D",
      data,
      "-U",
      POSTGRES_USER,
      "--auth=trust",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    const init = await new Deno.Command(initdb, {
      args: initArgs,
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!init.success) {
      throw new Error(
        `Cannot initialise the database: initdb failed:\n${
          new TextDecoder().decode(init.stderr)
        }`,
      );
    }
    const cert = copyPrivate("server.pem", dir, user);
    const key = copyPrivate("server.key", dir, user);
    spawned = spawn(
      ...asUser(user, `${bin}/postgres`, [
        "-D",
        data,
        "-p",
        String(port),
        "-h",
        "127.0.0.1",
        "-k",
        "",
        "-c",
        "ssl=on",
        "-c",
        `ssl_cert_file=${cert}`,
        "-c",
        `ssl_key_file=${key}`,
        "-c",
        "fsync=off",
        "-c",
        "max_connections=40",
      ]),
      { cwd: dir },
    );
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  // SIGINT: PostgreSQL's "fast shutdown".
  return await serving(
    "postgres",
    spawned,
    "SIGINT",
    dir,
    port,
    undefined,
    "database system is ready to accept connections",
  );
}

/**
 * Starts `redis-server` on `127.0.0.1`, without persistence; with `tls`, also
 * TLS on `tlsPort` with `testdata/server.pem` (no client certificate asked).
 */
export async function startRedis(tls = false): Promise<RealServer> {
  const dir = await Deno.makeTempDir({ prefix: "he_redis_" });
  const port = freePort();
  const tlsPort = tls ? freePort() : undefined;
  const tlsArgs = tlsPort === undefined ? [] : [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    copyPrivate("server.pem", dir, undefined),
    "--tls-key-file",
    copyPrivate("server.key", dir, undefined),
    "--tls-auth-clients",
    "no",
  ];
  const spawned = spawn("redis-server", [
    ...tlsArgs,
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
  ], { cwd: dir });
  return await serving("redis-server", spawned, "SIGTERM", dir, port, tlsPort);
}

/**
 * Starts nginx on `127.0.0.1` with HTTP on `port` and HTTPS (HTTP/2 and
 * HTTP/1.1 through ALPN) on `tlsPort`, with `testdata/server.pem`. Every
 * request gets `200` and a body of `$ssl_alpn_protocol $connection
 * $connection_requests`: the protocol chosen, the connection's number, and
 * how many requests it has carried (keep-alive shows as more than one).
 * `/big` answers 1 MiB of `x`.
 */
export async function startNginx(): Promise<RealServer> {
  const dir = await Deno.makeTempDir({ prefix: "he_nginx_" });
  const port = freePort();
  const tlsPort = freePort();
  const cert = copyPrivate("server.pem", dir, undefined);
  const key = copyPrivate("server.key", dir, undefined);
  await Deno.writeTextFile(`${dir}/big`, "x".repeat(1024 * 1024));
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir};
  scgi_temp_path ${dir};
  keepalive_requests 100;
  server {
    listen 127.0.0.1:${port};
    listen 127.0.0.1:${tlsPort} ssl http2;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    location = /big { root ${dir}; default_type text/plain; }
    location / {
      default_type text/plain;
      return 200 "$ssl_alpn_protocol $connection $connection_requests";
    }
  }
}
`;
  await Deno.writeTextFile(`${dir}/nginx.conf`, config);
  const spawned = spawn(
    findProgram("nginx", ["/usr/sbin/nginx"])!,
    ["-p", dir, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`],
    { cwd: dir },
  );
  return await serving("nginx", spawned, "SIGTERM", dir, port, tlsPort);
}

/** The user and password squid's basic authentication accepts. */
export const SQUID_USER = { username: "alice", password: "s3cr:t p@ss" };

/**
 * Starts squid on `127.0.0.1` as an HTTP proxy that allows CONNECT to any
 * port, with no cache and no log but its own; with `auth`, only for
 * {@linkcode SQUID_USER} (basic authentication). It is an HTTPS proxy too
 * (TLS to the proxy, then CONNECT: squid's `https_port` without a mode) on
 * `tlsPort`, with the certificate of `testdata/server.pem` (for localhost,
 * 127.0.0.1 and ::1, from `testdata/ca.pem`). As root, squid runs as its
 * `proxy` user, in a folder that user owns.
 */
export async function startSquid(auth = false): Promise<RealServer> {
  const dir = await Deno.makeTempDir({ prefix: "he_squid_" });
  const port = freePort();
  const tlsPort = freePort();
  // As root, squid runs as its `proxy` user: what it reads is that user's.
  const user = systemUser(["proxy"]);
  for (const name of ["server.pem", "server.key"]) copyPrivate(name, dir, user);
  const squid = findProgram("squid", ["/usr/sbin/squid"])!;
  const helper = "/usr/lib/squid/basic_ncsa_auth";
  const hash = auth ? await md5Crypt(SQUID_USER.password) : "";
  await Deno.writeTextFile(`${dir}/passwd`, `${SQUID_USER.username}:${hash}\n`);
  const access = auth
    ? `auth_param basic program ${helper} ${dir}/passwd
acl users proxy_auth REQUIRED
http_access allow users`
    : "http_access allow all";
  await Deno.writeTextFile(
    `${dir}/squid.conf`,
    `http_port 127.0.0.1:${port}
https_port 127.0.0.1:${tlsPort} tls-cert=${dir}/server.pem tls-key=${dir}/server.key
pid_filename ${dir}/squid.pid
cache deny all
cache_mem 0 MB
access_log none
cache_store_log none
cache_log ${dir}/cache.log
coredump_dir ${dir}
pinger_enable off
shutdown_lifetime 0 seconds
${access}
http_access deny all
`,
  );
  if (user) {
    for (const path of [dir, `${dir}/passwd`, `${dir}/squid.conf`]) {
      Deno.chownSync(path, user.uid, user.gid);
    }
  }
  const spawned = spawn(squid, ["-N", "-f", `${dir}/squid.conf`], { cwd: dir });
  return await serving("squid", spawned, "SIGTERM", dir, port, tlsPort);
}

/** `openssl passwd -1`: the MD5-crypt hash basic_ncsa_auth reads. */
async function md5Crypt(password: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args: ["passwd", "-1", "-stdin"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${password}\n`));
  await writer.close();
  const { stdout } = await child.output();
  return new TextDecoder().decode(stdout).trim();
}

/** The user and password microsocks accepts when started with `auth`. */
export const SOCKS_USER = { username: "bob", password: "s0cks p@ss" };

/**
 * Starts microsocks (a SOCKS5 proxy) on `127.0.0.1`; with `auth`, only for
 * {@linkcode SOCKS_USER} (RFC 1929).
 */
export async function startMicrosocks(auth = false): Promise<RealServer> {
  const dir = await Deno.makeTempDir({ prefix: "he_socks_" });
  const port = freePort();
  const credentials = auth
    ? ["-u", SOCKS_USER.username, "-P", SOCKS_USER.password]
    : [];
  const spawned = spawn(
    findProgram("microsocks")!,
    ["-i", "127.0.0.1", "-p", String(port), ...credentials],
    { cwd: dir },
  );
  return await serving("microsocks", spawned, "SIGTERM", dir, port);
}
