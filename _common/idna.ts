// Copyright 2026 the happy-eyeballs authors. MIT license.
// Internationalized host names to their ASCII (punycode) form: the one
// conversion, for `hostname` and `tls.serverName` alike, so that the name
// looked up, sent as SNI and verified is the one a browser or curl would use.
import { ipVersion, unbracket } from "./ip.ts";

/**
 * The ASCII (punycode) form of an internationalized host name, by the URL
 * parser's IDNA processing (which also lower-cases it), or `undefined` when
 * it is not a valid one.
 *
 * @param name A host name with non-ASCII characters.
 * @returns Its ASCII form, such as `xn--bcher-kva.example`.
 */
export function toAscii(name: string): string | undefined {
  // Characters that the URL parser would take as something else than a name.
  if (/[:%?#[\]/\\@\s]/.test(name)) return undefined;
  try {
    const ascii = new URL(`http://${name}/`).hostname;
    return ascii === "" || ipVersion(unbracket(ascii)) ? undefined : ascii;
  } catch {
    return undefined;
  }
}
