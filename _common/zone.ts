// Copyright 2026 the happy-eyeballs authors. MIT license.
// Zone ids of scoped IPv6 addresses (`fe80::1%2`, RFC 4007 §11): Deno.connect
// takes the interface index only, so an interface name (`fe80::1%eth0`) is
// mapped to its index with Deno.networkInterfaces(), where it can be: the
// scope id of the interface's link-local address is its index.
import { canonicalIp, isDialable } from "./ip.ts";

/**
 * An IPv6 literal with a zone id (checked to be one) in the form that can be
 * dialled: canonical, its zone id the interface index; `undefined` when the
 * zone id is a name no interface with a link-local address has (or the
 * interfaces cannot be listed: no `--allow-sys`).
 *
 * @param address An IPv6 literal with a zone id.
 * @returns The address with a numeric zone id, or `undefined`.
 */
export function scopedAddress(address: string): string | undefined {
  const canonical = canonicalIp(address);
  if (isDialable(canonical)) return canonical;
  const percent = canonical.indexOf("%");
  const name = canonical.slice(percent + 1);
  const index = interfaceIndex(name);
  return index === undefined
    ? undefined
    : `${canonical.slice(0, percent)}%${index}`;
}

/** The index of the interface `name`, from its link-local address's scope. */
function interfaceIndex(name: string): number | undefined {
  let interfaces: Deno.NetworkInterfaceInfo[];
  try {
    interfaces = Deno.networkInterfaces();
  } catch {
    // No permission to list them (`--allow-sys`): no name can be mapped.
    return undefined;
  }
  const found = interfaces.find((info) =>
    info.name === name && info.family === "IPv6" && info.scopeid !== null &&
    info.scopeid > 0
  );
  return found?.scopeid ?? undefined;
}
