// Copyright 2026 the happy-eyeballs authors. MIT license.
// Loopback fixtures shared by the tests, the benchmarks and the demo: a
// listening server, a refused port and a "blackhole" whose SYNs go unanswered.
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
print(port, flush=True)
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
 * Makes `hostname:port` a blackhole (port `0`: any free port). Dispose of it
 * to stop the helper process.
 */
export async function blackhole(
  hostname = "127.0.0.1",
  port = 0,
): Promise<Blackhole> {
  const child = new Deno.Command("python3", {
    args: ["-c", BLACKHOLE_SCRIPT, hostname, String(port)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  // Read the whole line: Python may write the port and its newline apart, and
  // would die of a broken pipe if the reader were gone before the newline.
  let value = "";
  while (!value.includes("\n")) {
    const chunk = await lines.read();
    if (chunk.done) break;
    value += chunk.value;
  }
  await lines.cancel();
  const bound = Number(value.trim());
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

/**
 * Listens on `hostname:port` and accepts every connection, remembering the
 * remote address each came from, until disposed.
 */
export function acceptingServer(
  hostname = "127.0.0.1",
  port = 0,
): {
  port: number;
  peers: Deno.NetAddr[];
  [Symbol.asyncDispose](): Promise<void>;
} {
  const listener = Deno.listen({ hostname, port });
  const peers: Deno.NetAddr[] = [];
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        peers.push(conn.remoteAddr as Deno.NetAddr);
        conns.push(conn);
      }
    } catch {
      // The listener was closed.
    }
  })();
  return {
    port: listener.addr.port,
    peers,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      for (const conn of conns) conn.close();
    },
  };
}
