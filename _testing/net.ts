// Copyright 2026 the happy-eyeballs authors. MIT license.
// Loopback fixtures shared by the tests, the benchmarks and the demo: a
// listening server (TCP or TLS), a refused port and a "blackhole" whose SYNs
// go unanswered.
// Only loopback addresses are ever used.

/** A port on `hostname` with nothing listening: connecting is refused. */
export function refusedPort(hostname = "127.0.0.1"): number {
  using listener = Deno.listen({ hostname, port: 0 });
  return listener.addr.port;
}

// A listener with a backlog of 0 whose queue is filled by connections that are
// never accepted: the kernel then drops further SYNs, so connecting hangs
// until the client gives up. Deno cannot set a backlog, so Python does it.
const BLACKHOLE_SCRIPT = `
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
server = socket.socket(family)
if family == socket.AF_INET6:
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
server.bind((host, port))
server.listen(0)
port = server.getsockname()[1]
fillers = []
for _ in range(2):
    filler = socket.socket(family)
    filler.setblocking(False)
    try:
        filler.connect((host, port))
    except BlockingIOError:
        pass
    fillers.append(filler)
# One write: with PYTHONUNBUFFERED, print() writes the newline apart, and
# fails (killing the helper) if the reader has already gone.
sys.stdout.write(f"{port}\\n")
sys.stdout.flush()
sys.stdin.read()
`;

/** A blackholed address: connections to it hang until abandoned. */
export interface Blackhole extends AsyncDisposable {
  /** The address whose SYNs go unanswered. */
  hostname: string;
  /** The port. */
  port: number;
}

/**
 * Reads the first line a helper process prints (such as the port it bound),
 * then stops reading its output.
 */
export async function firstLine(
  stdout: ReadableStream<Uint8Array>,
): Promise<string> {
  const lines = stdout.pipeThrough(new TextDecoderStream()).getReader();
  // Read the whole line: Python may write the port and its newline apart, and
  // would die of a broken pipe if the reader were gone before the newline.
  let value = "";
  while (!value.includes("\n")) {
    const chunk = await lines.read();
    if (chunk.done) break;
    value += chunk.value;
  }
  await lines.cancel();
  return value.trim();
}

/**
 * Makes `hostname:port` a blackhole (port `0`: any free port). Dispose of it
 * to stop the helper process.
 */
export async function blackhole(
  hostname = "127.0.0.1",
  port = 0,
): Promise<Blackhole> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("python3", {
      args: ["-c", BLACKHOLE_SCRIPT, hostname, String(port)],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    // One line, not a skip: every machine that runs the tests has python3
    // (`.ci/run` installs it).
    throw new Error("Cannot open a black hole: python3 is missing", {
      cause: error,
    });
  }
  const bound = Number(await firstLine(child.stdout));
  if (!Number.isInteger(bound) || bound === 0) {
    await child.stdin.close();
    await child.status;
    throw new Error(`Cannot make a blackhole on ${hostname}:${port}`);
  }
  return {
    hostname,
    port: bound,
    async [Symbol.asyncDispose]() {
      await child.stdin.close();
      await child.status;
    },
  };
}

/** A loopback server that accepts every connection until disposed. */
export interface TestServer<C extends Deno.Conn = Deno.Conn>
  extends AsyncDisposable {
  /** The address it listens on. */
  hostname: string;
  /** The port it listens on. */
  port: number;
  /** The connections accepted so far, in order. */
  conns: C[];
  /** The remote address of each accepted connection. */
  peers: Deno.NetAddr[];
  /** Resolves with the next connection accepted. */
  nextConn(): Promise<C>;
}

/**
 * Accepts every connection of `listener` and runs `handler` on each (its
 * errors are ignored). Disposing closes the listener and every connection,
 * and waits for every handler to finish.
 */
export function serve<C extends Deno.Conn>(
  listener: Deno.Listener<C, Deno.NetAddr>,
  handler: (conn: C) => unknown = () => {},
): TestServer<C> {
  const conns: C[] = [];
  const peers: Deno.NetAddr[] = [];
  const handlers: Promise<unknown>[] = [];
  const waiters: ((conn: C) => void)[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.push(conn);
        peers.push(conn.remoteAddr as Deno.NetAddr);
        waiters.shift()?.(conn);
        handlers.push((async () => await handler(conn))().catch(() => {}));
      }
    } catch {
      // The listener was closed.
    }
  })();
  return {
    hostname: listener.addr.hostname,
    port: listener.addr.port,
    conns,
    peers,
    nextConn: () => new Promise((resolve) => waiters.push(resolve)),
    async [Symbol.asyncDispose]() {
      try {
        listener.close();
      } catch {
        // Already closed by the test.
      }
      await accepting;
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed by the test.
        }
      }
      await Promise.all(handlers);
    },
  };
}

/** Listens on `hostname:port` (port `0`: any) and accepts every connection. */
export function acceptingServer(
  hostname = "127.0.0.1",
  port = 0,
): TestServer {
  return serve(Deno.listen({ hostname, port }));
}

/** A TCP server on `hostname` that echoes what it reads (a proxy's target). */
export function echoServer(hostname = "127.0.0.1"): TestServer {
  return serve(Deno.listen({ hostname, port: 0 }), async (conn) => {
    const buffer = new Uint8Array(1024);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return;
      await conn.write(buffer.subarray(0, n));
    }
  });
}

/** Writes "ping" on `conn`, and reads what comes back (4 bytes at most). */
export async function roundTrip(conn: Deno.Conn): Promise<string> {
  await conn.write(new TextEncoder().encode("ping"));
  const buffer = new Uint8Array(4);
  let length = 0;
  while (length < 4) {
    const n = await conn.read(buffer.subarray(length));
    if (n === null) break;
    length += n;
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}

/** The text of `testdata/<name>`, such as a certificate. */
export function readTestdata(name: string): string {
  return Deno.readTextFileSync(new URL(`../testdata/${name}`, import.meta.url));
}

/** The test CA that signed the certificate of {@linkcode tlsServer}. */
export const TEST_CA: string = readTestdata("ca.pem");

/**
 * A TLS server whose certificate (from {@linkcode TEST_CA}) is valid for
 * localhost, tls.test, 127.0.0.1 and ::1, offering ALPN h2 and http/1.1.
 */
export function tlsServer(hostname = "127.0.0.1"): TestServer<Deno.TlsConn> {
  const listener = Deno.listenTls({
    hostname,
    port: 0,
    cert: readTestdata("server.pem"),
    key: readTestdata("server.key"),
    alpnProtocols: ["h2", "http/1.1"],
  });
  // Complete each handshake; a failed one is the client's business.
  return serve(listener, (conn) => conn.handshake());
}
