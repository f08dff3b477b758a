// Copyright 2026 the happy-eyeballs authors. MIT license.
// PEM blocks by their labels: the one scanner, for the library's TLS options
// (`cert`, `key`, `caCerts`), the command line's files (`--ca`, `--cert`,
// `--key`) and the formatter of values in messages. A label is no secret; the
// text between the lines is, and nothing here returns it.

/** What a PEM option or file must hold. */
export type PemKind = "certificate" | "private key";

/** The labels that a certificate option may hold. */
const CERTIFICATE_LABELS: ReadonlySet<string> = new Set([
  "CERTIFICATE",
  "TRUSTED CERTIFICATE",
  "X509 CERTIFICATE",
]);

/**
 * The labels of the PEM blocks in `text`, in order: `"CERTIFICATE"`,
 * `"PRIVATE KEY"`, `"EC PRIVATE KEY"`... A label is the text between
 * `-----BEGIN ` and `-----` (RFC 7468: printable ASCII other than `-`, words
 * joined by a space or a `-`), at most 64 characters.
 *
 * @param text Any text.
 * @returns The label of each `-----BEGIN <label>-----` line.
 */
export function pemLabels(text: string): string[] {
  return [
    ...text.matchAll(
      /-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e]){0,63})-----/g,
    ),
  ].map((m) => m[1]!);
}

/** What {@linkcode pemBlocks} found. */
interface PemBlocks {
  /** Every label, in order. */
  labels: string[];
  /** How many blocks are of the kind asked for. */
  held: number;
  /** The first label that has no place in such an option, if any. */
  wrong: string | undefined;
}

/**
 * The PEM blocks of `text` seen as an option or file of `kind`: a
 * certificate option holds certificates only; a key option holds private
 * keys, and may hold the `EC PARAMETERS` block that `openssl ecparam -genkey`
 * writes before an EC key (the curve: not a secret, not a clash).
 *
 * @param text The option's or the file's text.
 * @param kind What it must hold.
 * @returns The labels, how many blocks are of `kind`, and the first wrong one.
 */
export function pemBlocks(text: string, kind: PemKind): PemBlocks {
  const labels = pemLabels(text);
  let held = 0;
  let wrong: string | undefined;
  for (const label of labels) {
    const isKind = kind === "certificate"
      ? CERTIFICATE_LABELS.has(label)
      : label.endsWith("PRIVATE KEY");
    if (isKind) held++;
    else if (!(kind === "private key" && label === "EC PARAMETERS")) {
      wrong ??= label;
    }
  }
  return { labels, held, wrong };
}
