// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Resolvers for the tests of `connect()`: one that answers the same
 * addresses for every name and records what it was asked, and one that
 * answers in batches.
 *
 * @module
 */
/** A resolver and the host names it was asked for, in order. */
export interface FixedResolver {
  /** The host names the resolver was asked for. */
  calls: string[];
  /** Answers the same addresses for every name. */
  resolver(hostname: string): string[];
}

/** A resolver that answers `addresses` for every name and records calls. */
export function fixedResolver(addresses: string[]): FixedResolver {
  const calls: string[] = [];
  return {
    calls,
    resolver(hostname: string) {
      calls.push(hostname);
      return addresses;
    },
  };
}

/** A resolver that answers in batches, one after another. */
export function batches(
  ...answers: string[][]
): () => AsyncIterable<string[]> {
  return () => ({
    async *[Symbol.asyncIterator]() {
      for (const answer of answers) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield answer;
      }
    },
  });
}
