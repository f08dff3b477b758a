// Copyright 2026 the happy-eyeballs authors. MIT license.
// The command line read as strictly as node:util's parseArgs reads it (every
// option known, a string option's value present and not option-like, no value
// for a boolean, `--` ends the options), then parsed by @std/cli's parseArgs,
// which on its own takes anything (it guesses numbers, negations, values).
import { parseArgs } from "@std/cli/parse-args";

/** One option of the command line. */
export interface OptionSpec {
  /** A flag, or an option that takes a value. */
  type: "boolean" | "string";
  /** Its one-letter name, if any, such as `"4"` for `-4`. */
  short?: string;
  /** Whether it may be given again, each value kept (a string option). */
  multiple?: boolean;
}

/** The values of the options given, by long name. */
export type OptionValues<T extends Record<string, OptionSpec>> = {
  [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean
    : T[K]["multiple"] extends true ? string[]
    : string;
};

/** The command line, parsed. */
export interface ParsedArgs<T extends Record<string, OptionSpec>> {
  /** The options given; an option not given has no value. */
  values: OptionValues<T>;
  /** The arguments that are not options, in order. */
  positionals: string[];
}

const LONG_WITH_VALUE_REGEXP = /^--([^=]+)=(.*)$/s;

function optionError(message: string): never {
  throw new TypeError(message);
}

/**
 * Parses `args` against `options`, refusing what node:util's parseArgs
 * refuses in its strict mode, with its messages.
 *
 * @typeParam T The options.
 * @param args The command-line arguments.
 * @param options The options, by long name.
 * @returns The options given and the positional arguments.
 * @throws {TypeError} If an option is unknown, lacks its value, has an
 * option-like value, or is a flag given a value.
 *
 * @example Parse a command line
 * ```ts
 * import { strictParseArgs } from "./_strict_parse_args.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const parsed = strictParseArgs(["-v", "--name=x", "a", "--", "-b"], {
 *   verbose: { type: "boolean", short: "v" },
 *   name: { type: "string" },
 * });
 * assertEquals(parsed.values, { verbose: true, name: "x" });
 * assertEquals(parsed.positionals, ["a", "-b"]);
 * ```
 */
export function strictParseArgs<const T extends Record<string, OptionSpec>>(
  args: readonly string[],
  options: T,
): ParsedArgs<T> {
  const specs = new Map(Object.entries(options));
  const shorts = new Map<string, string>();
  for (const [name, spec] of specs) {
    if (spec.short !== undefined) shorts.set(spec.short, name);
  }
  const shown = (name: string) => {
    const short = specs.get(name)?.short;
    return short === undefined ? `--${name}` : `-${short}, --${name}`;
  };
  const unknown = (raw: string): never =>
    optionError(
      `Unknown option '${raw}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${
        JSON.stringify(raw)
      }`,
    );
  const flags: string[] = [];
  const positionals: string[] = [];
  /** One option as written: `raw` its name, `inline` a value after `=`. */
  const take = (
    name: string | undefined,
    raw: string,
    inline: string | undefined,
    next: () => string | undefined,
  ) => {
    const spec = name === undefined ? undefined : specs.get(name);
    if (name === undefined || spec === undefined) return unknown(raw);
    if (spec.type === "boolean") {
      if (inline !== undefined) {
        optionError(`Option '${shown(name)}' does not take an argument`);
      }
      flags.push(`--${name}`);
      return;
    }
    let value = inline;
    if (value === undefined) {
      value = next();
      if (value === undefined) {
        optionError(`Option '${shown(name)} <value>' argument missing`);
      }
      if (value.length > 1 && value.startsWith("-")) {
        const example = raw.startsWith("--") ? `${raw}=-XYZ` : `${raw}-XYZ`;
        optionError(
          `Option '${
            shown(name)
          }' argument is ambiguous.\nDid you forget to specify the option argument for '${
            shown(name)
          }'?\nTo specify an option argument starting with a dash use '${example}'.`,
        );
      }
    }
    flags.push(`--${name}=${value}`);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = () => i + 1 < args.length ? args[++i] : undefined;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.length < 2 || !arg.startsWith("-")) {
      positionals.push(arg);
    } else if (arg.startsWith("--")) {
      const match = arg.indexOf("=", 3) === -1
        ? undefined
        : LONG_WITH_VALUE_REGEXP.exec(arg);
      const name = match ? match[1]! : arg.slice(2);
      const known = Object.hasOwn(options, name) ? name : undefined;
      take(known, `--${name}`, match?.[2], next);
    } else {
      // `-46` is `-4 -6`; a letter of a string option takes the rest.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const name = shorts.get(letter);
        const rest = arg.slice(j + 1);
        if (name !== undefined && specs.get(name)?.type === "string") {
          take(name, `-${letter}`, rest === "" ? undefined : rest, next);
          break;
        }
        take(name, `-${letter}`, undefined, next);
      }
    }
  }

  const names = [...specs.keys()];
  const parsed = parseArgs([...flags, "--", ...positionals], {
    boolean: names.filter((name) => specs.get(name)!.type === "boolean"),
    string: names.filter((name) => specs.get(name)!.type === "string"),
    collect: names.filter((name) => specs.get(name)!.multiple),
    "--": true,
  });
  const values: Record<string, unknown> = {};
  for (const flag of flags) {
    const name = flag.slice(2).split("=", 1)[0]!;
    values[name] = (parsed as Record<string, unknown>)[name];
  }
  return { values: values as OptionValues<T>, positionals: parsed["--"] };
}
