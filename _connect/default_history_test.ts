// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertStrictEquals } from "@std/assert";
import { once } from "node:events";
import { connect } from "../connect.ts";
import { createConnection } from "../node/mod.ts";
import { echoServer } from "../_testing/node_socket.ts";
import { ConnectHistory } from "../history.ts";
import {
  defaultHistory,
  historyOf,
  NETWORK_CHECK_INTERVAL,
} from "./default_history.ts";

Deno.test("connect() by name remembers the winner in the process-wide history", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  using conn = await connect({ hostname: "localhost", port });
  using _ = await listener.accept();
  assertEquals(
    defaultHistory().get(`localhost:${port}`)?.address,
    conn.remoteAddr.hostname,
  );
});

Deno.test("the socket of ./node remembers its winner in the process-wide history too", async () => {
  const { listener, done } = echoServer();
  using _ = listener;
  const { port } = listener.addr;
  const socket = createConnection({ hostname: "localhost", port });
  socket.end("ping");
  const [data] = await once(socket, "data");
  assertEquals(String(data), "ping");
  await once(socket, "close");
  await done;
  assertEquals(defaultHistory().get(`localhost:${port}`)?.address, "127.0.0.1");
});

Deno.test("connect() uses no process-wide history with history: false, a hook, or an IP literal", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  const calls = [
    connect({ hostname: "localhost", port, history: false }),
    connect({ hostname: "localhost", port, resolver: () => ["127.0.0.1"] }),
    connect({
      hostname: "localhost",
      port,
      dial: ({ hostname, port }) => Deno.connect({ hostname, port }),
    }),
    connect({ hostname: "127.0.0.1", port, onEvent: () => {} }),
  ];
  for (const call of calls) {
    using _conn = await call;
    using _peer = await listener.accept();
  }
  assertEquals(defaultHistory().get(`localhost:${port}`), undefined);
  assertEquals(defaultHistory().get(`127.0.0.1:${port}`), undefined);
});

Deno.test("historyOf() keeps a given history, and makes false none", () => {
  const history = new ConnectHistory();
  assertStrictEquals(historyOf(history, false, true), history);
  assertStrictEquals(historyOf(history, true, false), history);
  assertEquals(historyOf(false, false, false), undefined);
  assertStrictEquals(historyOf(undefined, false, false), defaultHistory());
  assertEquals(historyOf(undefined, true, false), undefined);
  assertEquals(historyOf(undefined, false, true), undefined);
});

Deno.test("the process-wide history forgets when the machine's addresses change, checked at most once per interval", () => {
  // Whole milliseconds: sums of fractions would not be exact.
  const start = Math.ceil(performance.now()) + NETWORK_CHECK_INTERVAL;
  let reads = 0;
  const read = (addresses: string) => () => {
    reads++;
    return addresses;
  };
  const history = defaultHistory(start, read("lo 127.0.0.1"));
  history.record("moved.test:80", "::1", 1);
  // Within the interval: not read again, even though they changed.
  defaultHistory(start + NETWORK_CHECK_INTERVAL - 1, read("eth0 192.0.2.1"));
  assertEquals(reads, 1);
  assertEquals(history.get("moved.test:80")?.address, "::1");
  // The same addresses: nothing forgotten.
  defaultHistory(start + NETWORK_CHECK_INTERVAL, read("lo 127.0.0.1"));
  assertEquals(reads, 2);
  assertEquals(history.get("moved.test:80")?.address, "::1");
  // Changed: forgotten, and the same history object kept.
  const after = defaultHistory(
    start + 2 * NETWORK_CHECK_INTERVAL,
    read("eth0 192.0.2.1"),
  );
  assertEquals(reads, 3);
  assertStrictEquals(after, history);
  assertEquals(history.get("moved.test:80"), undefined);
});

Deno.test("without --allow-sys, the process-wide history asks for nothing and still remembers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "he_history_" });
  try {
    const script = `${dir}/child.ts`;
    const mod = new URL("./default_history.ts", import.meta.url).href;
    const main = new URL("../connect.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { connect } from ${JSON.stringify(main)};
import { defaultHistory } from ${JSON.stringify(mod)};
using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const { port } = listener.addr;
using conn = await connect({ hostname: "localhost", port });
using _ = await listener.accept();
console.log(defaultHistory().get(\`localhost:\${port}\`)?.address === conn.remoteAddr.hostname);
`,
    );
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--config",
        new URL("../deno.json", import.meta.url).pathname,
        script,
      ],
      stdin: "null",
      stderr: "inherit",
    }).output();
    assertEquals(code, 0);
    assertEquals(new TextDecoder().decode(stdout).trim(), "true");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
