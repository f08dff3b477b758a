// Copyright 2026 the happy-eyeballs authors. MIT license.
// The HTTP CONNECT tunnel (RFC 9110 §9.3.6), on the connection the race won
// to the proxy: the request, then the proxy's answer, read within a bounded
// size and time. The answer is read without reading past its blank line, so
// that what the target sends first (a server greeting, a TLS record) stays
// on the connection. On any failure the connection is closed.
import { basicAuthorization, type CheckedProxy } from "./proxy.ts";
import { closedEarly, guarded, writeAll } from "./proxy_hop.ts";
import { visible } from "../_common/visible.ts";
import { showDestination } from "../_common/show.ts";

/** The largest answer header the proxy may send, in bytes (curl: 100 KiB). */
export const MAX_PROXY_HEADER = 16_384;

/** The status line of the proxy's answer. */
const STATUS_LINE_REGEXP = /^HTTP\/1\.[01] ([0-9]{3})(?: ([^\r\n]*))?\r?\n/;

/**
 * Asks the proxy for a tunnel to the target on `conn`, the connection to the
 * proxy, and returns it once the proxy has agreed.
 *
 * @param conn The connection to the proxy (closed on any failure).
 * @param proxy The proxy, checked.
 * @param signal The call's signal.
 * @returns `conn`, now a tunnel to the target.
 * @throws {Deno.errors.ConnectionRefused} When the proxy refuses the tunnel
 * (any answer but 2xx; 407: the credentials were refused).
 * @throws {Deno.errors.InvalidData} When the proxy answers something that is
 * not HTTP, or a header longer than {@linkcode MAX_PROXY_HEADER}.
 * @throws {Deno.errors.UnexpectedEof} When the proxy closes before its answer.
 * @throws {DOMException} Named `TimeoutError` when the proxy does not answer
 * within `proxy.timeout`.
 * @throws {unknown} `signal.reason` when `signal` aborts.
 */
export async function tunnelHttp(
  conn: Deno.TcpConn,
  proxy: CheckedProxy,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const target = showDestination(proxy.target);
  return await guarded(conn, proxy, signal, async (hop) => {
    const authorization = basicAuthorization(proxy);
    const request =
      `CONNECT ${proxy.target} HTTP/1.1\r\nHost: ${proxy.target}\r\n${
        authorization === undefined
          ? ""
          : `Proxy-Authorization: ${authorization}\r\n`
      }\r\n`;
    await writeAll(conn, new TextEncoder().encode(request));
    const header = await readHeader(conn, hop);
    const status = STATUS_LINE_REGEXP.exec(header);
    if (!status) {
      throw new Deno.errors.InvalidData(
        `Cannot connect through ${hop}: its answer is not HTTP: ${
          visible(JSON.stringify(header.slice(0, 40)))
        }`,
      );
    }
    const code = Number(status[1]);
    if (code < 200 || code > 299) {
      const reason = `${code} ${visible(status[2]?.slice(0, 60) ?? "")}`.trim();
      throw new Deno.errors.ConnectionRefused(
        code === 407
          ? `Cannot connect as ${hop} refused the credentials for the tunnel to ${target}: ${reason}`
          : `Cannot connect as ${hop} refused the tunnel to ${target}: ${reason}`,
      );
    }
  });
}

/**
 * Reads the answer's header up to its blank line, and not one byte more:
 * each read asks for no more than the shortest rest of the blank line.
 */
async function readHeader(conn: Deno.Conn, hop: string): Promise<string> {
  const buffer = new Uint8Array(MAX_PROXY_HEADER);
  let length = 0;
  for (;;) {
    const wanted = needed(buffer, length);
    if (wanted === 0) {
      return new TextDecoder().decode(buffer.subarray(0, length));
    }
    if (length + wanted > MAX_PROXY_HEADER) {
      throw new Deno.errors.InvalidData(
        `Cannot connect through ${hop}: its answer's header is longer than ${MAX_PROXY_HEADER} bytes`,
      );
    }
    const n = await conn.read(buffer.subarray(length, length + wanted));
    if (n === null) {
      throw closedEarly(hop);
    }
    length += n;
  }
}

/**
 * How many bytes at least the header's end still needs: `0` once it has
 * ended, else the fewest that could end it (so that a read never takes a
 * byte past it). Its end is a blank line, its lines ending in CRLF or, as
 * RFC 9112 §2.2 lets a client accept (and curl does), in LF alone.
 */
function needed(buffer: Uint8Array, length: number): number {
  const CR = 13, LF = 10;
  const at = (i: number) => length - i >= 0 ? buffer[length - i] : -1;
  if (at(1) === LF && (at(2) === LF || (at(2) === CR && at(3) === LF))) {
    return 0;
  }
  // "\n" or "\n\r" may end it with one byte more; anything else, two.
  return at(1) === LF || (at(1) === CR && at(2) === LF) ? 1 : 2;
}
