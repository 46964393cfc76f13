/**
 * Records CPython 3.13's traces for the differential programs (test/support/differential.ts):
 *
 *   node scripts/record-differential.ts [tasks|reader|loop] [count] [firstSeed]
 *
 * runs programs firstSeed..firstSeed+count-1 (default 6000 from 1) of the task programs
 * (support/differential.ts), the StreamReader programs (support/reader-differential.ts) or the
 * event-loop programs (support/loop-differential.ts) with python3.13, and writes
 * test/fixtures/differential.json, reader-differential.json or loop-differential.json, which
 * test/differential.test.ts replays on @aio. Needs python3.13 (found
 * as `python3.13`, with PYENV_VERSION=3.13.0 for a pyenv install).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonModule } from "../test/support/differential-suite.ts";
import { SUITES } from "../test/support/differential-suites.ts";

const name = process.argv[2] ?? "tasks";
const suite = SUITES[name];
const count = Number(process.argv[3] ?? 6000);
const first = Number(process.argv[4] ?? 1);
if (suite === undefined || !Number.isInteger(count) || count < 1 || !Number.isInteger(first)) {
  process.stderr.write(`usage: record-differential.ts [${Object.keys(SUITES).join("|")}] [count] [firstSeed]\n`);
  process.exit(2);
}
const seeds = Array.from({ length: count }, (_, i) => first + i);
const source = pythonModule(suite, seeds);
const dir = mkdtempSync(join(tmpdir(), "aio-differential-"));
try {
  const file = join(dir, "programs.py");
  writeFileSync(file, source);
  const output = execFileSync("python3.13", [file], {
    env: { ...process.env, PYENV_VERSION: process.env["PYENV_VERSION"] ?? "3.13.0" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
  });
  const traces = JSON.parse(output) as Record<string, string[]>;
  const version = execFileSync("python3.13", ["-c", "import sys; print(sys.version.split()[0])"], {
    env: { ...process.env, PYENV_VERSION: process.env["PYENV_VERSION"] ?? "3.13.0" },
    encoding: "utf8",
  }).trim();
  const target = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", suite.fixture);
  const fixture = { python: version, recorded: new Date().toISOString().slice(0, 10), traces };
  writeFileSync(target, `${JSON.stringify(fixture, null, 0).replace(/\],"/g, '],\n"')}\n`);
  process.stdout.write(`${Object.keys(traces).length} traces from Python ${version} -> ${target}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
