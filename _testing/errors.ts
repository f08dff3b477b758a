// Copyright 2026 the happy-eyeballs authors. MIT license.
// What `reportError()` reports, collected: for the tests of event hooks that
// throw.

/**
 * Runs `fn` while collecting what `reportError()` reports (instead of letting
 * it end the process), and returns the reported errors in order.
 */
export async function collectReportedErrors(
  fn: () => Promise<void>,
): Promise<unknown[]> {
  const reported: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    await fn();
  } finally {
    globalThis.removeEventListener("error", onError);
  }
  return reported;
}
