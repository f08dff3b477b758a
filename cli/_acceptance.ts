// Copyright 2026 the happy-eyeballs authors. MIT license.
// What the server does just after a TLS handshake: a TLS 1.3 server refuses a
// client certificate (or its absence) only then, with an alert.
import { delay } from "@std/async/delay";
import { messageOf } from "../_common/errors.ts";
import type { AcceptanceReport } from "./report_types.ts";

const ALERT_REGEXP = /alert/i;

/**
 * How long to wait after a TLS handshake for the server to refuse us: a TLS
 * 1.3 server checks a client certificate (or its absence) only once the
 * client's side of the handshake is done, and says no with an alert, which
 * comes within a round trip.
 */
export const ACCEPTANCE_WAIT = 300;
/**
 * What the server does just after a TLS handshake: wait up to
 * {@linkcode ACCEPTANCE_WAIT} ms for an alert, data or a close. Closes
 * `conn` when it gives up waiting.
 *
 * @param conn The TLS connection, its handshake done.
 * @param signal Ends the wait early.
 * @returns What came, and the error that came with an alert or a close.
 */
export async function awaitAcceptance(
  conn: Deno.TlsConn,
  signal: AbortSignal | undefined,
): Promise<{ outcome: AcceptanceReport["outcome"]; error?: unknown }> {
  const read = conn.read(new Uint8Array(4096)).then(
    (n) => ({ outcome: n === null ? "closed" as const : "data" as const }),
    (error) => ({
      outcome: ALERT_REGEXP.test(messageOf(error))
        ? "alert" as const
        : "closed" as const,
      error,
    }),
  );
  const stop = new AbortController();
  const wait = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const quiet = delay(ACCEPTANCE_WAIT, { signal: wait }).then(
    () => ({ outcome: "quiet" as const }),
    () => ({ outcome: "quiet" as const }),
  );
  const verdict = await Promise.race([read, quiet]);
  stop.abort();
  await quiet;
  if (verdict.outcome === "quiet") {
    conn.close();
    await read; // Rejects now that the connection is closed.
  }
  return verdict;
}
