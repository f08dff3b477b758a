// Copyright 2026 the happy-eyeballs authors. MIT license.
// What the tunnels share: the hop as messages name it, the proxy's answer
// bounded in time (the proxy's timeout, the call's signal), the connection
// closed on any failure (quietly: a dial hook's connection may throw from
// close(), and a timer must not), and exact reads and writes.
import type { CheckedProxy } from "./proxy.ts";
import { joinHostPort } from "../_common/ip.ts";
import { messageOf, wrapError } from "../_common/errors.ts";
import { closeQuietly } from "../_common/conn.ts";

/**
 * The proxy as messages name it: `proxy http://***@host:port`, and the
 * address the race reached when the proxy is a name.
 */
export function hopOf(conn: Deno.TcpConn, proxy: CheckedProxy): string {
  return `proxy ${proxy.shown}${
    proxy.hostname === conn.remoteAddr.hostname
      ? ""
      : ` (${joinHostPort(conn.remoteAddr.hostname, conn.remoteAddr.port)})`
  }`;
}

/**
 * Runs `work` (the tunnel's exchange on `conn`) within `proxy.timeout` and
 * `signal`; on any failure, `conn` is closed.
 *
 * @returns `conn`, once `work` is done.
 * @throws {DOMException} Named `TimeoutError` after `proxy.timeout`.
 * @throws {unknown} `signal.reason` on abort; else what `work` threw.
 */
export async function guarded(
  conn: Deno.TcpConn,
  proxy: CheckedProxy,
  signal: AbortSignal | undefined,
  work: (hop: string) => Promise<void>,
): Promise<Deno.TcpConn> {
  const hop = hopOf(conn, proxy);
  let stopped: unknown;
  const stop = (reason: unknown) => {
    stopped ??= reason;
    closeQuietly(conn);
  };
  const onAbort = () => stop(signal!.reason);
  const timer = setTimeout(() => {
    stop(
      new DOMException(
        `Cannot connect through ${hop}: it did not answer the tunnel request within ${proxy.timeout} ms`,
        "TimeoutError",
      ),
    );
  }, proxy.timeout);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    await work(hop);
    return conn;
  } catch (error) {
    if (stopped !== undefined) throw stopped;
    closeQuietly(conn);
    if (signal?.aborted && error === signal.reason) throw error;
    // A read or write that failed (a reset...): named with the hop, as the
    // tunnel's own errors are.
    throw error instanceof Error && error.message.startsWith("Cannot connect")
      ? error
      : wrapError(error, `Cannot connect through ${hop}: ${messageOf(error)}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Writes every byte of `bytes`. */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    done += await conn.write(bytes.subarray(done));
  }
}

/**
 * Reads exactly `length` bytes (never more: what follows is the target's).
 *
 * @throws {Deno.errors.UnexpectedEof} When the proxy closes first.
 */
export async function readExactly(
  conn: Deno.Conn,
  length: number,
  hop: string,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  for (let done = 0; done < length;) {
    const n = await conn.read(buffer.subarray(done));
    if (n === null) throw closedEarly(hop);
    done += n;
  }
  return buffer;
}

/** The error of a proxy that closed the connection before its answer. */
export function closedEarly(hop: string): Deno.errors.UnexpectedEof {
  return new Deno.errors.UnexpectedEof(
    `Cannot connect through ${hop}: it closed the connection before answering the tunnel request`,
  );
}
