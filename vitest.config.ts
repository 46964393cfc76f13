/**
 * Vitest settings shared by every workspace package. Vitest finds this file by searching up from the
 * package it runs in (`vitest run` in packages/sync), so packages carry no config of their own.
 */
import { defineConfig } from "vitest/config";

// eslint-disable-next-line no-restricted-exports -- vitest loads a config file's default export.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Child processes, not worker threads: V8 flags such as --expose-gc apply per process, and the
    // tests call globalThis.gc() to make FinalizationRegistry report "exception was never retrieved".
    pool: "forks",
    execArgv: ["--expose-gc"],
    // STYLE.md §7: every test is bounded; waits are counted in loop iterations, never in wall time.
    testTimeout: 10_000,
    hookTimeout: 10_000,
    teardownTimeout: 10_000,
    // A package without tests is a mistake, not a pass.
    passWithNoTests: false,
  },
});
