// Copyright 2026 the happy-eyeballs authors. MIT license.
// The errors of the socket of `socket.ts`, as `node:net` gives them: with the
// `code` that clients test (`"ECONNREFUSED"`, `"ETIMEDOUT"`, ...).
import { withCode } from "../_common/error_classes.ts";
import { nodeCodeOf } from "../_common/map_error.ts";

/** The same error, with the `code` that `node:net` would have set. */
export function withNodeCode(error: unknown): Error {
  const result = error instanceof Error ? error : new Error(String(error));
  const code = nodeCodeOf(result);
  if (code && (result as { code?: unknown }).code === undefined) {
    try {
      withCode(result, code);
    } catch {
      // A frozen error keeps its shape.
    }
  }
  return result;
}
