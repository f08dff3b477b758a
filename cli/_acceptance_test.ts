// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals, assertStringIncludes } from "@std/assert";
import type { ConnectEvent as TimelineEvent } from "../types.ts";
import type { RunResult } from "./report_types.ts";
import { Timeline } from "./_timeline.ts";
import { verdict } from "./_verdict.ts";
import {
  ACCEPTANCE_WAIT,
  acceptanceWait,
  acceptedLines,
  awaitAcceptance,
  serverVerdict,
} from "./_acceptance.ts";
import { resolved, SETTINGS, V4 } from "../_testing/events.ts";

const TLS_SETTINGS = {
  ...SETTINGS,
  tls: { alpnProtocols: ["h2", "http/1.1"], caFiles: ["ca.pem"] },
};

const connectedThenTls: TimelineEvent[] = [
  { ...resolved, addresses: [V4] },
  { type: "attemptStarted", elapsed: 1.5, index: 0, address: V4 },
  { type: "attemptWon", elapsed: 2, index: 0, address: V4 },
  { type: "tlsStarted", elapsed: 2.5, address: V4, serverName: "dual.test" },
];

/** A TLS connection whose first read settles with `read`, closed or not. */
function fakeConn(read: () => Promise<number | null>) {
  let closed = 0;
  let reject: (error: unknown) => void = () => {};
  const conn = {
    read: () =>
      new Promise<number | null>((resolve, fail) => {
        reject = fail;
        read().then(resolve, fail);
      }),
    close: () => {
      closed++;
      reject(new Deno.errors.BadResource("closed"));
    },
  };
  return { conn: conn as unknown as Deno.TlsConn, closed: () => closed };
}

Deno.test("awaitAcceptance() tells data, a close and an alert apart", async () => {
  const data = fakeConn(() => Promise.resolve(5));
  assertEquals(await awaitAcceptance(data.conn, undefined), {
    outcome: "data",
  });
  const end = fakeConn(() => Promise.resolve(null));
  assertEquals(await awaitAcceptance(end.conn, undefined), {
    outcome: "closed",
  });
  const alert = new Deno.errors.InvalidData("received fatal alert: UnknownCA");
  const refused = fakeConn(() => Promise.reject(alert));
  assertEquals(await awaitAcceptance(refused.conn, undefined), {
    outcome: "alert",
    error: alert,
  });
  assertEquals([data.closed(), end.closed(), refused.closed()], [0, 0, 0]);
});

Deno.test("awaitAcceptance() closes the connection when nothing came", async () => {
  const silent = fakeConn(() => new Promise(() => {}));
  const begun = performance.now();
  assertEquals(await awaitAcceptance(silent.conn, undefined), {
    outcome: "quiet",
  });
  assertEquals(performance.now() - begun >= ACCEPTANCE_WAIT - 1, true);
  assertEquals(silent.closed(), 1);
  // An aborted signal ends the wait at once.
  const early = fakeConn(() => new Promise(() => {}));
  const stop = new AbortController();
  stop.abort();
  assertEquals(await awaitAcceptance(early.conn, stop.signal), {
    outcome: "quiet",
  });
  assertEquals(early.closed(), 1);
});

Deno.test("serverVerdict() makes a refusal after the handshake the run's failure", async () => {
  const timeline = new Timeline(TLS_SETTINGS);
  for (const event of connectedThenTls) timeline.add(event);
  const connected: RunResult & { ok: true } = {
    ok: true,
    elapsed: 3,
    remoteAddr: V4,
    localAddr: { ...V4, port: 5555 },
  };
  const printed: string[] = [];
  const alert = new Deno.errors.InvalidData("received fatal alert: UnknownCA");
  const result = await serverVerdict(
    fakeConn(() => Promise.reject(alert)).conn,
    connected,
    {
      ...timeline.view,
      signal: undefined,
      now: () => 4,
      print: (lines) => printed.push(...lines),
    },
  );
  assertEquals(result.ok, false);
  assertStringIncludes(
    String((result as { error: unknown }).error),
    "TLS with 127.0.0.1:443 refused by the server after the handshake: received fatal alert: UnknownCA",
  );
  assertEquals(printed.length, 1);
  const accepted = await serverVerdict(
    fakeConn(() => Promise.resolve(1)).conn,
    connected,
    { ...timeline.view, signal: undefined, now: () => 5, print: () => {} },
  );
  assertEquals(accepted, { ...connected, elapsed: 5 });
});

Deno.test("acceptedLines() says what the server did after the TLS handshake", () => {
  const settings = {
    ...TLS_SETTINGS,
    tls: { ...TLS_SETTINGS.tls!, certFile: "c.pem", keyFile: "c.key" },
  };
  const done: TimelineEvent = {
    type: "tlsSucceeded",
    elapsed: 10,
    address: V4,
    serverName: "dual.test",
    alpnProtocol: null,
  };
  const quiet = new Timeline(settings);
  for (const event of [...connectedThenTls, done]) quiet.add(event);
  assertEquals(
    acceptedLines(quiet.view, { waited: 301, outcome: "quiet" }, 311, {
      wait: 300,
    }),
    [
      "   +311.0 ms  no alert from the server in 300 ms: it accepted us (the tool waits that long, as a TLS 1.3 server refuses a client certificate only after the handshake)",
    ],
  );

  const refused = new Timeline(settings);
  for (const event of [...connectedThenTls, done]) refused.add(event);
  const alert = new Deno.errors.InvalidData("received fatal alert: UnknownCA");
  assertEquals(
    acceptedLines(refused.view, { waited: 40, outcome: "alert" }, 50, {
      error: alert,
      wait: 300,
    }),
    [
      "    +50.0 ms  the server refused us after the handshake: fatal alert UnknownCA from the server",
    ],
  );
  const { out, err } = verdict(
    { ok: false, elapsed: 51, error: alert },
    refused.fold,
    { palette: refused.palette, label: (a) => refused.label(a) },
  );
  assertEquals(out, [
    "Failed after 51.0 ms: the server at 127.0.0.1:443 refused us after the TLS handshake",
  ]);
  assertEquals(err, [
    "error: received fatal alert: UnknownCA",
    "hint: the server refused our client certificate (--cert): it must come from a CA the server trusts, for a client (extended key usage clientAuth)",
  ]);
});

Deno.test("serverVerdict() waits four round trips on a slow path, and says so", async () => {
  // 200 ms each way: the connection took 400 ms, the alert comes 450 ms
  // after the handshake (past the 300 ms a fast path gets).
  const slow: TimelineEvent[] = [
    { ...resolved, addresses: [V4] },
    { type: "attemptStarted", elapsed: 1, index: 0, address: V4 },
    { type: "attemptWon", elapsed: 401, index: 0, address: V4 },
    { type: "tlsStarted", elapsed: 402, address: V4, serverName: "dual.test" },
  ];
  const connected: RunResult & { ok: true } = {
    ok: true,
    elapsed: 803,
    remoteAddr: V4,
    localAddr: { ...V4, port: 5555 },
  };
  const alert = new Deno.errors.InvalidData("received fatal alert: UnknownCA");
  const refusedLate = () =>
    new Promise<number | null>((_, reject) =>
      setTimeout(() => reject(alert), 450)
    );
  const timeline = new Timeline(TLS_SETTINGS);
  for (const event of slow) timeline.add(event);
  assertEquals(acceptanceWait(timeline.fold), { wait: 1_600, roundTrip: 400 });
  const result = await serverVerdict(fakeConn(refusedLate).conn, connected, {
    ...timeline.view,
    signal: undefined,
    now: () => 1_300,
    print: () => {},
  });
  assertEquals(result.ok, false);

  const quiet = new Timeline(TLS_SETTINGS);
  for (const event of slow) quiet.add(event);
  const printed: string[] = [];
  const silent = fakeConn(() => new Promise(() => {}));
  const begun = performance.now();
  const accepted = await serverVerdict(silent.conn, connected, {
    ...quiet.view,
    signal: undefined,
    now: () => 2_403,
    print: (lines) => printed.push(...lines),
  });
  assertEquals(accepted.ok, true);
  assertEquals(performance.now() - begun >= 1_599, true);
  assertStringIncludes(
    printed[0]!,
    "no alert from the server in 1600 ms (four round trips of 400.0 ms, as measured): it accepted us",
  );
  // Nothing measured, or a fast path: the base wait.
  assertEquals(acceptanceWait(new Timeline(TLS_SETTINGS).fold), {
    wait: ACCEPTANCE_WAIT,
  });
  const fast = new Timeline(TLS_SETTINGS);
  for (const event of connectedThenTls) fast.add(event);
  assertEquals(acceptanceWait(fast.fold), { wait: ACCEPTANCE_WAIT });
});
