// Copyright 2026 the happy-eyeballs authors. MIT license.
// This module is browser incompatible.

/**
 * Internal: the `node:net` options of `fromNodeOptions()` that are not about
 * TLS, each honoured or refused with a `TypeError` naming it, never ignored:
 * `port`, `family`, `lookup`, `localAddress`/`localPort`, `timeout`, `path`;
 * and `node:tls`'s `ALPNProtocols` in each of its forms.
 *
 * @module
 */

import type { ConnectOptions, LocalAddr } from "../types.ts";
import { show } from "../_common/show.ts";
import { lookupResolver, type NodeLookup } from "./_lookup.ts";

/** What {@linkcode netOptions} adds: `connect()`'s, and node's `timeout`. */
export type NetOptions = Partial<ConnectOptions> & { timeout?: number };

const ACTION = "Cannot connect";

/** Whether a `node:net` option is unset: node reads these as "not given". */
function unset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * The port: a number (checked by `connect()`), or a string of digits;
 * unset or empty means the protocol's default. `true` is no port.
 */
export function nodePort(value: unknown, tls: boolean): number {
  if (unset(value) || value === "") return tls ? 443 : 80;
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d{1,5}$/.test(value)) {
    return Number(value);
  }
  throw new TypeError(
    `${ACTION} as 'port' must be a number or a string of digits: current value is ${
      show(value)
    }`,
  );
}

/**
 * `node:tls`'s `ALPNProtocols`: a list of strings or buffers, or a buffer in
 * the wire format (each name after its length byte). A string is refused:
 * `"h2"` is not `["h", "2"]`.
 */
export function alpnList(value: unknown): string[] {
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (value instanceof Uint8Array) {
    const names: string[] = [];
    let i = 0;
    while (i < value.length) {
      const length = value[i]!;
      if (length === 0 || i + 1 + length > value.length) break;
      names.push(decode(value.subarray(i + 1, i + 1 + length)));
      i += 1 + length;
    }
    if (i === value.length && names.length > 0) return names;
  } else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string" || v instanceof Uint8Array)) {
      return value.map((v) => typeof v === "string" ? v : decode(v));
    }
  }
  throw new TypeError(
    `${ACTION} as 'ALPNProtocols' must be an array of strings or buffers, or a buffer in the wire format: current value is ${
      show(value)
    }`,
  );
}

/**
 * `connect()`'s options for `family`, `lookup`, `localAddress` and
 * `localPort`, and `createConnection()`'s `timeout`; `path` refused.
 *
 * @param node The own `node:net` options, each read once.
 * @returns The options to add.
 */
export function netOptions(
  node: Record<string, unknown>,
): NetOptions {
  const result: NetOptions = {};
  const { family, lookup, localAddress, localPort, timeout, path } = node;
  if (!unset(path) && path !== "") {
    throw new TypeError(
      `${ACTION} as 'path' must be left out: current value is ${
        show(path)
      } (connect() dials TCP; open a Unix socket with Deno.connect({ transport: "unix", path }))`,
    );
  }
  if (!unset(family) && family !== 0) {
    if (family !== 4 && family !== 6) {
      throw new TypeError(
        `${ACTION} as 'family' must be 0, 4 or 6: current value is ${
          show(family)
        }`,
      );
    }
    result.family = family;
  }
  if (!unset(lookup)) {
    if (typeof lookup !== "function") {
      throw new TypeError(
        `${ACTION} as 'lookup' must be a function: current value is ${
          show(lookup)
        }`,
      );
    }
    result.resolver = lookupResolver(lookup as NodeLookup);
  }
  if (!unset(localAddress) && localAddress !== "") {
    const local: LocalAddr = { hostname: localAddress as string };
    // connect() checks both.
    if (!unset(localPort)) local.port = localPort as number;
    result.localAddr = local;
  } else if (!unset(localPort) && localPort !== 0) {
    throw new TypeError(
      `${ACTION} as 'localPort' must be set with 'localAddress': current value is ${
        show(localPort)
      } and 'localAddress' is ${show(localAddress)}`,
    );
  }
  if (!unset(timeout)) {
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      throw new TypeError(
        `${ACTION} as 'timeout' must be a non-negative number of milliseconds: current value is ${
          show(timeout)
        }`,
      );
    }
    result.timeout = timeout;
  }
  return result;
}
