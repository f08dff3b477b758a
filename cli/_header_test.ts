// Copyright 2026 the happy-eyeballs authors. MIT license.
import { assertEquals } from "@std/assert";
import { palette } from "./_colors.ts";
import { header, historyLines } from "./_header.ts";
import { SETTINGS } from "../_testing/events.ts";

Deno.test("header() describes the settings", () => {
  const lines = header({
    ...SETTINGS,
    delay: 0,
    interleave: 2,
    family: 6,
    localAddr: { hostname: "::1", port: 5000 },
    tls: { serverName: "example.test", alpnProtocols: ["h2"], caFiles: [] },
  }, palette(false));
  assertEquals(lines, [
    "Connecting to dual.test:443 (all attempts at once; IPv6 only; 2 addresses of the first family first; from [::1]:5000; then TLS for example.test offering h2)",
  ]);
});

Deno.test("historyLines() says which address the history puts first", () => {
  assertEquals(historyLines("::1", 1.25, 2, palette(false)), [
    "  history: ::1 won last time (connect time 1.3 ms): tried first, next attempt after 2 ms",
  ]);
});
