// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { RunFold } from "./_fold.ts";
import {
  raceWonBySecond,
  resolved,
  SETTINGS,
  V4,
  V6,
} from "../_testing/events.ts";

Deno.test("RunFold follows the attempts: order, pending, stage, why each started", () => {
  const fold = new RunFold(SETTINGS);
  assertEquals(fold.stage(), "resolve");
  fold.add(resolved);
  assertEquals(fold.stage(), "connect");
  assertEquals(fold.ordered().map((a) => a.address), [V6, V4]);
  for (const event of raceWonBySecond.slice(1, 3)) fold.add(event);
  assertEquals(fold.pending().map((a) => a.index), [0, 1]);
  assertEquals(
    fold.attempts.map((a) => a.startedBecause),
    ["first", "delay"],
  );
  for (const event of raceWonBySecond.slice(3)) fold.add(event);
  assertEquals(fold.pending(), []);
  assertEquals(fold.winner, 1);
  assertEquals(fold.winnerIndex(V4), 1);
  assertEquals(fold.ended, false);
  fold.end();
  assertEquals(fold.ended, true);
});

Deno.test("RunFold says what a TLS failure is judged against", () => {
  const fold = new RunFold({
    ...SETTINGS,
    tls: { alpnProtocols: [], caFiles: [], certFile: "c.pem" },
  });
  assertEquals(fold.tlsContext(), {
    serverName: "dual.test",
    clientCertificate: true,
  });
  fold.add({
    type: "tlsStarted",
    elapsed: 1,
    address: V4,
    serverName: "name.test",
  });
  assertEquals(fold.tlsContext().serverName, "name.test");
  fold.stop("timeout", 2);
  assertEquals(fold.stopped, { reason: "timeout", elapsed: 2, pending: [] });
});
