// Copyright 2026 the happy-eyeballs authors. MIT license.
// Real TLS servers on loopback, as peers for closeTls(): `openssl s_server`,
// which answers close_notify, and nginx, which closes TCP without answering.
// Both use this repository's test certificate (testdata/server.pem). A
// missing program is a skip with one line saying so; under CI=true, a
// failure (`.ci/run` installs both).
const TESTDATA = new URL("../testdata/", import.meta.url).pathname;

/** A TLS server started for a test; dispose of it to stop it. */
export interface TlsPeer extends AsyncDisposable {
  /** Its port on 127.0.0.1. */
  port: number;
}

function which(name: string, fallback: string): string | undefined {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  for (const path of [...dirs.map((dir) => `${dir}/${name}`), fallback]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

/** Where `openssl` and `nginx` are, if they are. */
export const PROGRAMS: Readonly<
  Record<"openssl" | "nginx", string | undefined>
> = {
  openssl: which("openssl", "/usr/bin/openssl"),
  nginx: which("nginx", "/usr/sbin/nginx"),
};

/**
 * Options for `Deno.test`: ignored, with one line saying why, when `program`
 * is missing, except under CI=true, where the test runs and fails.
 */
export function needs(program: keyof typeof PROGRAMS): { ignore: boolean } {
  const missing = PROGRAMS[program] === undefined;
  const ci = Deno.env.get("CI") === "true";
  if (missing && !ci) {
    // deno-lint-ignore no-console -- the one line a skip must print.
    console.log(`skipped: ${program} is not installed`);
  }
  return { ignore: missing && !ci };
}

/**
 * Starts `openssl s_server` for one connection: it completes the handshake,
 * and answers the client's close_notify with its own before closing.
 */
export async function opensslServer(): Promise<TlsPeer> {
  const child = new Deno.Command(PROGRAMS.openssl ?? "openssl", {
    args: [
      "s_server",
      "-accept",
      "127.0.0.1:0",
      "-cert",
      `${TESTDATA}server.pem`,
      "-key",
      `${TESTDATA}server.key`,
      "-naccept",
      "1",
      "-ign_eof",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // It prints "ACCEPT 127.0.0.1:40123" once it listens (after a line about
  // DH parameters on some versions), and more later: read all of it, so that
  // it never writes to a closed pipe.
  const accepted = Promise.withResolvers<number>();
  const reading = (async () => {
    let text = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      text += chunk;
      const port = text.match(/^ACCEPT .*:(\d+)$/m)?.[1];
      if (port) accepted.resolve(Number(port));
    }
    accepted.reject(new Error(`openssl s_server did not start: ${text}`));
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Exited after its one connection.
    }
    await child.stdin.close().catch(() => {});
    await child.status;
    await reading;
  };
  let port: number;
  try {
    port = await accepted.promise;
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, [Symbol.asyncDispose]: stop };
}

/** Starts nginx with TLS on a free port; every request gets a 200. */
export async function nginxServer(): Promise<TlsPeer> {
  const dir = await Deno.makeTempDir({ prefix: "he_nginx_" });
  const port = (() => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return listener.addr.port;
  })();
  await Deno.writeTextFile(
    `${dir}/nginx.conf`,
    `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16; }
http {
  access_log off;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir};
  scgi_temp_path ${dir};
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${TESTDATA}server.pem;
    ssl_certificate_key ${TESTDATA}server.key;
    location / { return 200 "ok"; }
  }
}
`,
  );
  const child = new Deno.Command(PROGRAMS.nginx ?? "nginx", {
    args: ["-p", dir, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  };
  let exited = false;
  child.status.then(() => exited = true);
  for (let tries = 0;; tries++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return { port, [Symbol.asyncDispose]: stop };
    } catch {
      if (exited || tries === 200) {
        const log = await Deno.readTextFile(`${dir}/error.log`).catch(() => "");
        await stop().catch(() => {});
        throw new Error(`nginx did not start on port ${port}: ${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
