// Copyright 2026 the happy-eyeballs authors. MIT license.
// Connecting to one address: the one place where a transport is chosen (and
// where a new one, such as a caller's dial hook or a proxy, would go).
// `Deno.connect` by default; `node:net`, loaded on first use, when a local
// address must be bound, which `Deno.connect` cannot do.
import { connectFrom } from "./_node_tcp_conn.ts";
import { familyOf } from "./_ip.ts";

/** The local addresses to bind (`localAddr` resolved) and the local port. */
export interface LocalAddresses {
  /** IP literals, at most one of each family is used: the first. */
  addresses: readonly string[];
  /** The local port; `0` lets the system choose. */
  port: number;
}

/** A signal that never aborts. */
const NEVER = new AbortController().signal;

/**
 * Connects to one IP literal address, from the local address of its family
 * when `from` is given.
 *
 * @param address The address to connect to.
 * @param from The local addresses to bind, if any.
 * @param signal Aborting it stops the attempt; it rejects with its reason.
 * @returns The connection.
 */
export function dial(
  address: Deno.NetAddr,
  from: LocalAddresses | undefined,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  if (from) {
    const family = familyOf(address.hostname);
    const local = from.addresses.find((l) => familyOf(l) === family);
    if (local !== undefined) {
      return connectFrom(
        address,
        { hostname: local, port: from.port },
        signal ?? NEVER,
      );
    }
  }
  const options: Deno.ConnectOptions = {
    hostname: address.hostname,
    port: address.port,
    // One literal address: no racing inside our race.
    autoSelectFamily: false,
  };
  // Deno does extra work for a signal: pass one only when there is one.
  if (signal) options.signal = signal;
  return Deno.connect(options);
}
