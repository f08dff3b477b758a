// Copyright 2026 the happy-eyeballs authors. MIT license.
// The caller's `dial` hook, called for one attempt: what it gives back
// checked (a connection, and one it has not given before), and the attempt
// settled as its signal aborts, whether the hook listens or not: what a hook
// that does not listen hands back later is closed.
import { NEVER } from "../_common/timer.ts";
import { show } from "../_common/show.ts";
import type { Dialer } from "../types.ts";
import { closeQuietly, isTcpConn } from "../_common/conn.ts";

/**
 * Every connection a hook has handed back: one handed back twice would be
 * closed under its first taker when the race closes a loser.
 */
const HANDED_BACK = new WeakSet<Deno.TcpConn>();

/**
 * Calls the caller's `dial` hook for one attempt and checks what it gives
 * back.
 *
 * @param hook The caller's hook.
 * @param address The address to connect to.
 * @param local The local address to bind, if any.
 * @param signal Aborting it rejects at once with its reason, without waiting
 * for the hook; a connection the hook gives later is closed.
 * @returns The connection the hook gave; rejects with a `TypeError` when it
 * is no connection, or one it gave before.
 */
export function callHook(
  hook: Dialer,
  address: Deno.NetAddr,
  local: Deno.NetAddr | undefined,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  let answer: Promise<Deno.TcpConn>;
  try {
    answer = Promise.resolve(
      hook(
        { ...address },
        { localAddr: local && { ...local }, signal: signal ?? NEVER },
      ),
    ).then(checkConn);
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal === undefined) return answer;
  if (signal.aborted) {
    discardLater(answer);
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      discardLater(answer);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    answer.then((conn) => {
      signal.removeEventListener("abort", onAbort);
      resolve(conn);
    }, (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

/** What the hook gives back once nobody waits for it: closed, or ignored. */
function discardLater(answer: Promise<Deno.TcpConn>): void {
  answer.then(closeQuietly, () => {});
}

/** The hook's answer, if it is a connection it has not given before. */
function checkConn(conn: unknown): Deno.TcpConn {
  if (isTcpConn(conn)) {
    if (HANDED_BACK.has(conn)) {
      // Not closed: it is its first taker's.
      throw new TypeError(
        "'dial' must resolve to a new connection each time: current value is a connection it resolved to before",
      );
    }
    HANDED_BACK.add(conn);
    return conn;
  }
  if (
    typeof conn === "object" && conn !== null &&
    typeof (conn as { close?: unknown }).close === "function"
  ) {
    closeQuietly(conn as { close(): void });
  }
  throw new TypeError(
    `'dial' must resolve to a connected Deno.TcpConn: current value is ${
      show(conn)
    }`,
  );
}
