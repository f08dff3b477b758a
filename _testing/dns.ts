// Copyright 2026 the happy-eyeballs authors. MIT license.
// A small DNS responder on loopback UDP for the tests and the benchmarks
// (`Deno.resolveDns(name, type, { nameServer })`): it answers A and AAAA
// questions from a table, each after its own delay, or never, and records
// when each question came and each answer left. It serves loopback addresses
// only, so that nothing ever connects elsewhere.
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { ipVersion } from "../_common/ip.ts";

/** How to answer one question. */
export interface DnsAnswer {
  /** The addresses of the answer; none (or omitted): "no data". */
  addresses?: string[];
  /** Milliseconds to wait before answering. */
  delay?: number;
  /** Never answer. */
  drop?: boolean;
  /** Answer with bytes that are no DNS message (its id, then garbage). */
  garbage?: boolean;
}

/** The answers for each name (without the final dot), by record type. */
export type DnsZone = Record<string, { A?: DnsAnswer; AAAA?: DnsAnswer }>;

/** Something that happened at the responder, at `performance.now()`. */
export interface DnsLogEntry {
  /** A question came, or its answer was sent. */
  event: "query" | "answer";
  /** The name asked for, without the final dot. */
  name: string;
  /** The record type. */
  type: "A" | "AAAA" | number;
  /** `performance.now()` at the time. */
  at: number;
}

/** A running DNS responder. */
export interface DnsServer extends AsyncDisposable {
  /** What to pass as `nameServer` to `Deno.resolveDns`. */
  nameServer: { ipAddr: string; port: number };
  /** Every question and answer, in order. */
  log: DnsLogEntry[];
}

const TYPES: Record<number, "A" | "AAAA"> = { 1: "A", 28: "AAAA" };
const LOOPBACK_REGEXP = /^(127\.\d+\.\d+\.\d+|::1)$/;

/** The 4 or 16 bytes of an IP literal. */
function addressBytes(address: string): number[] {
  if (ipVersion(address) === 4) return address.split(".").map(Number);
  // Expand "::" into the missing zero groups.
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined
    ? left
    : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/** The response to `query`: the question, then one record per address. */
function response(
  query: Uint8Array,
  questionEnd: number,
  rcode: number,
  type: number,
  addresses: readonly string[],
): Uint8Array {
  const header = [
    query[0]!,
    query[1]!,
    0x81, // QR, opcode 0, RD
    0x80 | rcode, // RA, rcode
    0,
    1, // one question
    0,
    addresses.length,
    0,
    0,
    0,
    0,
  ];
  const records = addresses.flatMap((address) => {
    const bytes = addressBytes(address);
    return [
      0xc0,
      12, // the name: a pointer to the question's
      0,
      type,
      0,
      1, // class IN
      0,
      0,
      0,
      60, // TTL
      0,
      bytes.length,
      ...bytes,
    ];
  });
  return Buffer.concat([
    new Uint8Array(header),
    query.subarray(12, questionEnd),
    new Uint8Array(records),
  ]);
}

/**
 * Starts a DNS responder on 127.0.0.1 (any free port) answering from `zone`.
 * A name it does not know gets "no such name"; a type it lacks for a known
 * name, "no data". Dispose of it to stop it and cancel pending answers.
 */
export async function dnsServer(zone: DnsZone): Promise<DnsServer> {
  for (const [name, types] of Object.entries(zone)) {
    for (const answer of Object.values(types)) {
      for (const address of answer?.addresses ?? []) {
        if (!LOOPBACK_REGEXP.test(address)) {
          throw new Error(`Cannot serve ${name} as ${address} is no loopback`);
        }
      }
    }
  }
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const log: DnsLogEntry[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();

  socket.on("message", (query: Uint8Array, peer: dgram.RemoteInfo) => {
    // The question: length-prefixed labels, a zero, then type and class.
    const labels: string[] = [];
    let at = 12;
    while (at < query.length && query[at] !== 0) {
      const length = query[at]!;
      labels.push(
        new TextDecoder().decode(query.subarray(at + 1, at + 1 + length)),
      );
      at += length + 1;
    }
    const typeCode = (query[at + 1]! << 8) | query[at + 2]!;
    const questionEnd = at + 5;
    const name = labels.join(".").toLowerCase();
    const type = TYPES[typeCode] ?? typeCode;
    log.push({ event: "query", name, type, at: performance.now() });

    const known = zone[name];
    const answer = typeof type === "string" ? known?.[type] : undefined;
    if (answer?.drop) return;
    const send = () => {
      log.push({ event: "answer", name, type, at: performance.now() });
      const message = answer?.garbage
        ? new Uint8Array([query[0]!, query[1]!, 0xff, 0xff, 0xff])
        : response(
          query,
          questionEnd,
          known ? 0 : 3, // NOERROR, or NXDOMAIN
          typeCode,
          answer?.addresses ?? [],
        );
      socket.send(message, peer.port, peer.address);
    };
    if (!answer?.delay) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, answer.delay);
    timers.add(timer);
  });

  return {
    nameServer: { ipAddr: "127.0.0.1", port: socket.address().port },
    log,
    async [Symbol.asyncDispose]() {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => socket.close(resolve));
    },
  };
}
