// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Python asyncio's `loop.create_connection()` for Deno, and more: name a host
 * and port, get back the connection that won a Happy Eyeballs v2 race
 * (RFC 8305). Addresses are interleaved by family, attempts are staggered by
 * `happyEyeballsDelay`, a failure starts the next attempt at once, losers are
 * always closed, a local address can be bound, and when everything fails the
 * error names every address tried and why.
 *
 * @example Connect to a local server
 * ```ts
 * import { connect } from "@happy-eyeballs/connect";
 * import { assertEquals } from "@std/assert";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * using conn = await connect({
 *   hostname: "localhost",
 *   port: listener.addr.port,
 *   family: 4,
 * });
 * using _ = await listener.accept();
 * assertEquals(conn.remoteAddr.hostname, "127.0.0.1");
 * ```
 *
 * @module
 */
// What a caller needs first, named first: the index of `deno doc --html` (and
// JSR's) previews the first names exported.
export { connect } from "./connect.ts";
export type {
  ConnectEvent,
  ConnectOptions,
  ConnectTarget,
  ConnectTlsOptions,
  TlsOptions,
} from "./types.ts";
// Everything else, each public module whole.
export * from "./connect.ts";
export * from "./types.ts";
export * from "./tls.ts";
export * from "./history.ts";
export * from "./resolve_dns.ts";
export * from "./errors.ts";
export * from "./happy_eyeballs.ts";
