// Copyright 2026 the happy-eyeballs authors. MIT license.
// What a test needs from the machine beyond Deno: the real servers, the
// programs it spawns, root with a mount namespace, IPv6 on loopback. A test
// that lacks one is skipped with one line saying what is missing; under
// CI=true it runs and fails instead (`.ci/run` installs the programs), so
// that CI never passes by skipping. Each is detected once, on first use.

/** The first of `candidates` that is a file. */
function findFile(candidates: string[]): string | undefined {
  for (const path of candidates) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

/** Where `name` is on PATH (or in one of `more`), if anywhere. */
export function findProgram(
  name: string,
  more: string[] = [],
): string | undefined {
  const path = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  return findFile([...path.map((dir) => `${dir}/${name}`), ...more]);
}

/** PostgreSQL's folder of programs: on PATH, or Debian's versioned one. */
export function postgresBin(): string | undefined {
  const initdb = findProgram("initdb");
  if (initdb && findProgram("postgres")) {
    return initdb.slice(0, -"/initdb".length);
  }
  let versions: string[] = [];
  try {
    versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name)
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    return undefined;
  }
  return versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) =>
    findFile([`${dir}/initdb`]) && findFile([`${dir}/postgres`])
  );
}

/** Whether loopback has IPv6 here ([::1] can be bound). */
export const HAS_IPV6: boolean = (() => {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
})();

/**
 * Whether this process may give a child its own /etc/hosts or
 * /etc/resolv.conf: root, and `unshare -m` with `mount --bind` work (the
 * bind mount lives and dies in a private namespace; nothing outside changes).
 */
export function canUnshare(): boolean {
  if (Deno.uid() !== 0) return false;
  try {
    return new Deno.Command("unshare", {
      args: ["-m", "mount", "--bind", "/etc/hosts", "/etc/hosts"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

/** Each need: how to tell it is missing, and what to say then. */
const NEEDS = {
  postgres: [() => !postgresBin(), "PostgreSQL (initdb, postgres)"],
  redis: [() => !findProgram("redis-server"), "redis-server"],
  nginx: [() => !findProgram("nginx", ["/usr/sbin/nginx"]), "nginx"],
  openssl: [() => !findProgram("openssl"), "openssl"],
  squid: [() => !findProgram("squid", ["/usr/sbin/squid"]), "squid"],
  microsocks: [() => !findProgram("microsocks"), "microsocks"],
  // A real terminal for the command-line tool (command.ts).
  script: [() => !findProgram("script"), "script (util-linux)"],
  python3: [() => !findProgram("python3"), "python3"],
  unshare: [() => !canUnshare(), "root with unshare -m and mount --bind"],
  ipv6: [() => !HAS_IPV6, "IPv6 on loopback ([::1])"],
} as const satisfies Record<string, readonly [() => boolean, string]>;

/** Something a test may need from the machine. */
export type Need = keyof typeof NEEDS;

const missingCache = new Map<Need, boolean>();
const said = new Set<Need>();

/** Whether `need` is missing here (detected once). */
export function isMissing(need: Need): boolean {
  let missing = missingCache.get(need);
  if (missing === undefined) {
    missing = NEEDS[need][0]();
    missingCache.set(need, missing);
  }
  return missing;
}

/**
 * Options for `Deno.test`: ignored when any of `needed` is missing, with one
 * line saying what is missing (once per thing), except under CI=true where
 * the test runs and fails.
 */
export function needs(...needed: Need[]): { ignore: boolean } {
  const missing = needed.filter(isMissing);
  if (missing.length === 0 || Deno.env.get("CI") === "true") {
    return { ignore: false };
  }
  for (const need of missing) {
    if (said.has(need)) continue;
    said.add(need);
    // deno-lint-ignore no-console -- the one line a skip must print.
    console.log(
      `skipped: ${NEEDS[need][1]} is missing (see README, "The server tests")`,
    );
  }
  return { ignore: true };
}
