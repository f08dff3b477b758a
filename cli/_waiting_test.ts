// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assert, assertEquals } from "@std/assert";
import type { ConnectEvent } from "../types.ts";
import { Timeline } from "./_timeline.ts";
import { statusLine, waiting } from "./_waiting.ts";
import { resolved, SETTINGS, V4, V6 } from "../_testing/events.ts";

/** Feeds `events` to a new timeline. */
function feed(events: ConnectEvent[]) {
  const timeline = new Timeline(SETTINGS);
  for (const event of events) timeline.add(event);
  return { timeline };
}

const TLS_SETTINGS = {
  ...SETTINGS,
  tls: { alpnProtocols: ["h2", "http/1.1"], caFiles: ["ca.pem"] },
};

const connectedThenTls: ConnectEvent[] = [
  { ...resolved, addresses: [V4] },
  { type: "attemptStarted", elapsed: 1.5, index: 0, address: V4 },
  { type: "attemptWon", elapsed: 2, index: 0, address: V4 },
  { type: "tlsStarted", elapsed: 2.5, address: V4, serverName: "dual.test" },
];

Deno.test("waiting() speaks up after a second of waiting", () => {
  const { timeline } = feed([]);
  assertEquals(waiting(timeline.fold, timeline.columns, 900), undefined);
  assertEquals(
    waiting(timeline.fold, timeline.columns, 1200),
    "still resolving dual.test (  1.2 s); no --timeout",
  );
  timeline.add(resolved);
  timeline.add({
    type: "attemptStarted",
    elapsed: 1300,
    index: 0,
    address: V6,
  });
  assertEquals(waiting(timeline.fold, timeline.columns, 2000), undefined);
  assertEquals(
    waiting(timeline.fold, timeline.columns, 2400),
    "still waiting for #1 [::1]:443 (  1.1 s); no --timeout",
  );
  timeline.add({
    type: "attemptStarted",
    elapsed: 2450,
    index: 1,
    address: V4,
  });
  assertEquals(
    waiting(timeline.fold, timeline.columns, 2500),
    "still waiting for #1 [::1]:443 (  1.2 s), #2 127.0.0.1:443 (  0.1 s); no --timeout",
  );
  timeline.add({ type: "attemptWon", elapsed: 2600, index: 1, address: V4 });
  timeline.add({
    type: "attemptCancelled",
    elapsed: 2601,
    index: 0,
    address: V6,
  });
  timeline.add({
    type: "tlsStarted",
    elapsed: 2700,
    address: V4,
    serverName: "x",
  });
  assertEquals(waiting(timeline.fold, timeline.columns, 3000), undefined);
  assertEquals(
    waiting(timeline.fold, timeline.columns, 3800),
    "still waiting for the TLS handshake (  1.1 s); no --timeout",
  );
  timeline.fold.end();
  assertEquals(waiting(timeline.fold, timeline.columns, 9000), undefined);
});

Deno.test("waiting() stops once the run gave up", () => {
  const { timeline } = feed([
    resolved,
    { type: "attemptStarted", elapsed: 1, index: 0, address: V6 },
  ]);
  assert(waiting(timeline.fold, timeline.columns, 1500) !== undefined);
  timeline.stop("timeout", 1600);
  assertEquals(waiting(timeline.fold, timeline.columns, 1700), undefined);
});

Deno.test("waiting() says when the run gives up by itself", () => {
  const settings = { ...TLS_SETTINGS, timeout: 90_000 };
  const timeline = new Timeline(settings);
  for (const event of connectedThenTls) timeline.add(event);
  // The handshake timeout (60 s from +2.5 ms) comes before --timeout.
  assertEquals(
    waiting(timeline.fold, timeline.columns, 2002.5, {
      handshakeTimeout: 60_000,
    }),
    "still waiting for the TLS handshake (  2.0 s); gives up in 58.0 s (handshake timeout)",
  );
  // The columns stay put past 100 s.
  const slow = new Timeline({ ...SETTINGS, timeout: 200_000 });
  slow.add(resolved);
  slow.add({ type: "attemptStarted", elapsed: 0, index: 0, address: V6 });
  assertEquals(
    waiting(slow.fold, slow.columns, 123_400),
    "still waiting for #1 [::1]:443 (123.4 s); gives up in 76.6 s (--timeout)",
  );
  assertEquals(
    waiting(slow.fold, slow.columns, 9_400),
    "still waiting for #1 [::1]:443 (  9.4 s); gives up in 190.6 s (--timeout)",
  );
});

Deno.test("statusLine() replaces the line before, on one line, dim in colour", () => {
  assertEquals(
    statusLine("still waiting", { color: false }),
    "\r\x1b[2K… still waiting",
  );
  assertEquals(
    statusLine("still waiting for a long time", { columns: 10, color: false }),
    "\r\x1b[2K… still …",
  );
  assertEquals(
    statusLine("x", { color: true }),
    "\r\x1b[2K\x1b[2m… x\x1b[22m",
  );
});
