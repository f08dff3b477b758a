// Copyright 2026 the happy-eyeballs authors. MIT license.
// The usage message of the command-line tool, and the error of a bad command
// line, which prints it (exit 2).

/** How to call the tool, in its usage message. */
const COMMAND = "deno run -A jsr:@happy-eyeballs/connect/cli";

/** The usage message (`--help`). */
export const USAGE = `Usage: ${COMMAND} HOST PORT [options]

Shows how a TCP (or TLS) connection to HOST:PORT is made: the addresses HOST
resolves to, in the order they are tried, and what became of every attempt of
the Happy Eyeballs race (RFC 8305). Like curl -v, for the connection race.

Options:
  --tls                    Do a TLS handshake once connected, then wait up to
                           300 ms (four round trips on a slower path) for the
                           server to refuse us (a TLS 1.3 server refuses a
                           client certificate only then)
  --server-name NAME       TLS: the name for SNI and the certificate check
                           (default: HOST)
  --ca FILE                TLS: also trust the PEM certificates in FILE
                           (repeatable)
  --cert FILE              TLS: send the client certificate (PEM) in FILE
  --key FILE               TLS: the private key (PEM) of --cert
  --alpn PROTOCOL          TLS: offer PROTOCOL by ALPN, such as h2 (repeatable)
  --tls-on-winner          TLS: the handshake on the TCP winner only (asyncio's
                           way), not inside the race of every attempt
  --delay MS               Milliseconds between attempt starts; 0 starts all at
                           once, Infinity tries one at a time (default: 250)
  --interleave N           Addresses of the first family before the families
                           alternate; 0 keeps the resolver's order (default: 1)
  -4, --ipv4               Use IPv4 addresses only
  -6, --ipv6               Use IPv6 addresses only
  --local-addr HOST[:PORT] Connect from this local address ([::1]:5000 for IPv6)
  --dns                    Resolve with DNS queries, AAAA and A at once, and
                           start with the first answer (RFC 8305 §3)
  --dns-server IP[:PORT]   With --dns: ask this name server ([::1]:53 for
                           IPv6; default: the system's)
  --repeat N               Connect N times in a row, remembering winners
                           (ConnectHistory), then summarise (default: 1)
  --timeout MS             Give up after MS milliseconds (each connection)
  --attempt-timeout MS     Fail each attempt after MS milliseconds, while the
                           others go on (attemptTimeout)
  --proxy URL              Connect through this proxy: http://, https://,
                           socks5:// or socks5h://[user:password@]host[:port],
                           or "env"
  --proxy-ca FILE          With --proxy: also trust the PEM certificates in FILE
                           for an https:// proxy's certificate (repeatable)
  --all-errors             Report one error per failed attempt
  --json                   Print one JSON object instead of the timeline
  --otel                   Send one trace of the run to the OpenTelemetry
                           collector (needs OTEL_DENO=true; its id on stderr)
  -h, --help               Show this help

Files (--ca, --cert, --key, --proxy-ca) are read only if they are regular
files of at most 1 MiB.
Exit status: 0 connected, 1 failed, 2 bad arguments, 130 interrupted.
`;

/** A bad command line: the message is printed with the usage, exit 2. */
export class UsageError extends Error {
  /**
   * Makes the error of a bad command line.
   *
   * @param message What is wrong.
   * @param options The error it comes from, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}
