// Copyright 2026 the happy-eyeballs authors. MIT license.
// deno-lint-ignore-file no-console -- a command-line tool: printing is its job.
/**
 * The test command (`deno task test [deno test flags and files...]`).
 *
 * Prints which `@std` packages the run uses (see `std_source.ts`), then runs
 * `deno test --doc`: every `*_test.ts` file and every example in JSDoc, with
 * the sanitizers of deno.json (which keeps Markdown out: `deno task check`
 * type-checks those examples instead). Its arguments go to `deno test`
 * after ours, so they can narrow the run (`--filter`, files) or add flags
 * (`--junit-path=...`). The exit code is that of `deno test`.
 *
 * @module
 */

import { deno, stdSource } from "./std_source.ts";

// As @std runs its own tests: the tests bind many loopback addresses
// (127.0.0.5...), read TLS fixtures and spawn helper processes, and
// `--allow-net` cannot name a range such as 127.0.0.0/8.
const PERMISSIONS = ["--allow-all"];

// `deno test` takes any file named test.ts for a test module: without this
// guard, it would import this file, which would start `deno test` again, and
// so on without end.
if (import.meta.main) {
  const source = await stdSource();
  console.log(source.line);
  Deno.exit(
    await deno([
      "test",
      "--doc",
      ...PERMISSIONS,
      ...source.flags,
      ...Deno.args,
    ]),
  );
}
