// Copyright 2026 the happy-eyeballs authors. MIT license.
// The columns of the timeline: a time stamp that never goes backwards, and
// attempt labels padded to the widest one seen; and the units it prints.
import { formatAddress } from "../errors.ts";
import { visible } from "../_common/visible.ts";
import { unbracket } from "../_common/ip.ts";

/** Styles a piece of text. */
export type Style = (text: string) => string;

/** An attempt, as the columns need it: its place and its address. */
export interface Labelled {
  /** Its place in the attempt order, from 0. */
  index: number;
  /** Its address. */
  address: Deno.NetAddr;
}

/**
 * Smallest width of the time column: "+999999.9 ms" (over 16 minutes), wider
 * when `--timeout` allows longer, so the columns stay aligned.
 */
const MIN_TIME_WIDTH = 12;

/**
 * Milliseconds, to a tenth.
 *
 * @param value The milliseconds.
 * @returns Such as `"12.5 ms"`.
 */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/**
 * Seconds, padded so that the waiting line keeps its columns.
 *
 * @param value The milliseconds.
 * @returns Such as `"  1.5 s"`.
 */
export function seconds(value: number): string {
  return `${(value / 1000).toFixed(1).padStart(5)} s`;
}

/**
 * A count of addresses (or another word whose plural takes "es").
 *
 * @param n How many.
 * @param word The singular.
 * @returns Such as `"2 addresses"`.
 */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "es"}`;
}

/**
 * Where the run connects to, as shown: `host:port`.
 *
 * @param settings The host as given, and the port.
 * @returns The destination, control characters made visible.
 */
export function destination(
  settings: { hostname: string; port: number },
): string {
  const { hostname, port } = settings;
  return visible(formatAddress({ hostname: unbracket(hostname), port }));
}

/** The time column and the label column of one timeline. */
export class Columns {
  #dim: Style;
  #cyan: Style;
  #labelWidth = 0;
  #timeWidth: number;
  /** The time of the latest line, so that times never go backwards. */
  #latest = 0;

  /**
   * Starts the columns of a timeline.
   *
   * @param styles The styles of times and of labels.
   * @param timeout The `--timeout` (ms), which may widen the time column.
   */
  constructor(
    styles: { dim: Style; cyan: Style },
    timeout: number | undefined,
  ) {
    this.#dim = styles.dim;
    this.#cyan = styles.cyan;
    this.#timeWidth = Math.max(MIN_TIME_WIDTH, `+${ms(timeout ?? 0)}`.length);
  }

  /**
   * A line stamped `elapsed`, or the latest time if that is later.
   *
   * @param elapsed When it happened (ms).
   * @param text What happened.
   * @returns The line.
   */
  line(elapsed: number, text: string): string {
    this.#latest = Math.max(this.#latest, elapsed);
    return `${
      this.#dim(`+${ms(this.#latest)}`.padStart(this.#timeWidth))
    }  ${text}`;
  }

  /**
   * An attempt's name: `#1 [::1]:443`.
   *
   * @param a The attempt.
   * @returns Its name, control characters made visible.
   */
  name(a: Labelled): string {
    return `#${a.index + 1} ${visible(formatAddress(a.address))}`;
  }

  /**
   * An attempt's name, padded to the label column and styled.
   *
   * @param a The attempt.
   * @returns Its label.
   */
  label(a: Labelled): string {
    return this.#cyan(this.name(a).padEnd(this.#labelWidth));
  }

  /**
   * Widens the label column to fit these attempts; it never narrows.
   *
   * @param attempts The attempts to fit.
   */
  widen(attempts: Labelled[]): void {
    this.#labelWidth = Math.max(
      this.#labelWidth,
      ...attempts.map((a) => this.name(a).length),
    );
  }
}
