#!/usr/bin/env node
// Soak mode of @aio-tools/reliability: runs the load and storm suites (bigger sizes, set by
// AIO_RELIABILITY_SOAK=1) in a loop for --minutes N, prints a progress line per round and a summary
// of every failure at the end. Exit code 1 if any round failed.
//
// Usage: pnpm soak --minutes 5   (from the repository root; or `npm run soak -- --minutes 5`)
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2).filter((arg) => arg !== "--");
let minutes = 5;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = arg.startsWith("--minutes=") ? arg.slice("--minutes=".length) : arg === "--minutes" ? args[++i] : undefined;
  if (value === undefined) {
    console.error(`soak: unknown argument ${JSON.stringify(arg)}; usage: soak --minutes N`);
    process.exit(2);
  }
  minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    console.error(`soak: --minutes must be a positive number, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
}

// The load and storm suites; bad input is deterministic and runs once per round as well (it is fast).
const SUITES = [
  "test/cancellation-storm.prop.test.ts",
  "test/network-load.test.ts",
  "test/subprocess-faults.test.ts",
  "test/unhandled-errors.test.ts",
  "test/bad-input.test.ts",
];
// The suites import the packages' dist: build them first (turbo replays it when nothing changed).
const build = spawnSync("turbo", ["run", "build", "--filter=@aio-tools/reliability...", "--output-logs=errors-only"], {
  cwd: dirname(dirname(root)),
  stdio: "inherit",
});
if (build.status !== 0) {
  console.error("soak: the build failed");
  process.exit(1);
}
const deadline = Date.now() + minutes * 60_000;

/** Adds the figures a suite just wrote (results/runs/<name>.json): counts are summed, peaks kept. */
function addFigures(suite, since) {
  const name = suite.replace(/^test\//, "").replace(/(\.prop)?\.test\.ts$/, "").replace(/-faults$|-load$/, "");
  const file = join(root, "results", "runs", `${name}.json`);
  if (!existsSync(file)) return;
  let entry;
  try {
    entry = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return; // a torn file from a crashed run: the failure is reported for the suite already.
  }
  // A suite that failed before recording left an older file: its figures were counted already.
  if (!(Date.parse(entry.at) >= since)) return;
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== "number") continue;
    const id = `${name}.${key}`;
    totals[id] = /^max|Held$|Percent$|RssMiB$/.test(key) ? Math.max(totals[id] ?? 0, value) : (totals[id] ?? 0) + value;
  }
}
const failures = [];
const totals = {};
let round = 0;
const started = Date.now();
while (Date.now() < deadline) {
  round++;
  for (const suite of SUITES) {
    if (Date.now() >= deadline && round > 1) break;
    const began = Date.now();
    const result = spawnSync("vitest", ["run", suite, "--reporter=dot"], {
      cwd: root,
      env: { ...process.env, AIO_RELIABILITY_SOAK: "1" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const ok = result.status === 0;
    addFigures(suite, began);
    if (!ok) {
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
      const lines = output.split("\n").filter((line) => /FAIL|Error|expected|×/.test(line)).slice(0, 12);
      failures.push({ round, suite, status: result.status ?? result.signal, lines });
    }
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    const left = Math.max(0, (deadline - Date.now()) / 1000).toFixed(0);
    console.log(`[soak] round ${round} ${ok ? "ok  " : "FAIL"} ${suite} (${((Date.now() - began) / 1000).toFixed(1)} s) | elapsed ${elapsed} s, ${left} s left, ${failures.length} failure(s)`);
  }
}
console.log(`\n[soak] ${round} round(s) in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
console.log("[soak] figures over all rounds (counts summed, peaks as maxima):");
for (const [key, value] of Object.entries(totals).sort()) console.log(`  ${key}: ${value}`);
if (failures.length === 0) {
  console.log("[soak] clean: nothing went wrong");
} else {
  console.log(`[soak] ${failures.length} failure(s):`);
  for (const failure of failures) {
    console.log(`  round ${failure.round} ${failure.suite} (exit ${failure.status})`);
    for (const line of failure.lines) console.log(`    ${line}`);
  }
  process.exitCode = 1;
}
