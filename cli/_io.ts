// Copyright 2026 the happy-eyeballs authors. MIT license.
// Where the command-line tool writes: standard output and error, whether
// each is a terminal that wants colour, and how wide it is.

/** Where the tool writes, and how. */
export interface CliIo {
  /** Writes to standard output. */
  write(text: string): void;
  /** Writes to standard error. */
  writeError(text: string): void;
  /** Style standard output with colours. */
  color: boolean;
  /** Style standard error with colours. */
  colorError: boolean;
  /** Standard output is a terminal: show that it is still waiting. */
  live: boolean;
  /** The width of the terminal: the waiting line's, the waterfall's. */
  columns?: number | undefined;
}

/** Whether colour suits an output: a terminal, and `NO_COLOR` is not set. */
export function wantsColor(isTerminal: boolean): boolean {
  return isTerminal && !Deno.noColor;
}

/**
 * Writes all of `text` to `file`; a reader gone away (`| head`) is no error.
 *
 * @param file Where to write.
 * @param text What to write.
 */
export function writeAll(
  file: { writeSync(p: Uint8Array): number },
  text: string,
): void {
  let data = new TextEncoder().encode(text);
  try {
    while (data.byteLength > 0) data = data.subarray(file.writeSync(data));
  } catch (error) {
    // The reader went away (`| head`): nobody is left to tell.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

function terminalColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined;
  }
}

/**
 * Standard output and error, in colour on a terminal unless `NO_COLOR`.
 *
 * @returns Where the tool writes, and how.
 */
export function terminalIo(): CliIo {
  const live = Deno.stdout.isTerminal();
  return {
    write: (text) => writeAll(Deno.stdout, text),
    writeError: (text) => writeAll(Deno.stderr, text),
    color: wantsColor(live),
    colorError: wantsColor(Deno.stderr.isTerminal()),
    live,
    columns: live ? terminalColumns() : undefined,
  };
}

/** Catches SIGINT while it runs, where the platform allows. */
function onInterrupt(handler: () => void): () => void {
  try {
    Deno.addSignalListener("SIGINT", handler);
  } catch {
    return () => {};
  }
  return () => Deno.removeSignalListener("SIGINT", handler);
}

/**
 * Catches Ctrl-C (SIGINT) until `stop()`: the first aborts `signal`, so that
 * the run gives up and says what it saw; a second exits at once, with 130.
 *
 * @returns The signal, and how to stop catching.
 */
export function catchInterrupt(): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const stop = onInterrupt(() => {
    // A second Ctrl-C does not wait for the attempts to wind down.
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort(new DOMException("Interrupted", "AbortError"));
  });
  return { signal: controller.signal, stop };
}
