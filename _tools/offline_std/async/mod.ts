// Copyright 2026 the happy-eyeballs authors. MIT license.
/**
 * Offline stand-in for `jsr:@std/async`: only the modules this project uses.
 * Never published; see ../README.md.
 *
 * @module
 */

export * from "./abortable.ts";
export * from "./deadline.ts";
export * from "./delay.ts";
