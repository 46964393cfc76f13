/**
 * The @aio benchmark runner: runs every workload of BENCH.md on @aio (Node 24), CPython 3.13 asyncio,
 * CPython 3.11 + uvloop (when present) and raw Node, each run in its own process; prints a progress
 * line per run and a table of medians, and writes results/latest.{json,md,svg}.
 *
 *   node src/run.ts [--only W3,W6] [--runs N] [--quick] [--impl aio,node] [--no-warmup] [--timeout S]
 *
 * Exit status: 0 when every run that could run passed its checks (pending and absent are not failures),
 * 1 when any run FAILED, 2 on a usage error.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type as osType } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chart } from "./runner/chart.ts";
import { execute } from "./runner/execute.ts";
import type { Launcher, RunRecord } from "./runner/execute.ts";
import { findCpython, findUvloop, pendingReason, probeAio } from "./runner/impls.ts";
import type { AioProbe } from "./runner/impls.ts";
import { markdown, notes, terminalTable } from "./runner/report.ts";
import type { Machine, RunConfig } from "./runner/report.ts";
import { formatNumber, summariseAll } from "./runner/summary.ts";
import { IMPLS, WORKLOADS, aioPackages } from "./runner/workloads.ts";
import type { ImplName, Workload } from "./runner/workloads.ts";

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = "usage: bench [--only W3,W6] [--runs N] [--quick] [--impl aio,cpython,uvloop,node] [--no-warmup] [--timeout SECONDS]";

interface Flags {
  only: string[];
  runs: number;
  quick: boolean;
  impls: ImplName[];
  warmup: boolean;
  timeout: number | null;
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { only: WORKLOADS.map((workload) => workload.id), runs: 3, quick: false, impls: [...IMPLS], warmup: true, timeout: null };
  const args = argv.filter((arg) => arg !== "--");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.includes("=") ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined) {
        usage(`${name} needs a value`);
      }
      return next;
    };
    switch (name) {
      case "--only": {
        const wanted = value().split(",").map((id) => id.trim()).filter((id) => id !== "");
        const known = new Map(WORKLOADS.map((workload) => [workload.id.toLowerCase(), workload.id]));
        flags.only = wanted.map((id) => known.get(id.toLowerCase()) ?? usage(`unknown workload ${id} (known: ${[...known.values()].join(", ")})`));
        break;
      }
      case "--runs": {
        flags.runs = Number(value());
        if (!Number.isInteger(flags.runs) || flags.runs < 1) {
          usage(`--runs must be a positive integer`);
        }
        break;
      }
      case "--impl": {
        flags.impls = value()
          .split(",")
          .map((impl) => impl.trim())
          .map((impl) => (IMPLS as readonly string[]).includes(impl) ? (impl as ImplName) : usage(`unknown implementation ${impl} (known: ${IMPLS.join(", ")})`));
        break;
      }
      case "--timeout": {
        flags.timeout = Number(value());
        if (!(flags.timeout > 0)) {
          usage("--timeout must be a positive number of seconds");
        }
        break;
      }
      case "--quick":
        flags.quick = true;
        break;
      case "--no-warmup":
        flags.warmup = false;
        break;
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  return flags;
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: benchDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // Not a git checkout, or no commit yet.
    return "unknown";
  }
}

function progress(record: RunRecord, runs: number, workload: Workload): string {
  const head = `[${record.run}/${runs}] ${record.workload.padEnd(4)} ${record.impl.padEnd(8)}`;
  if (record.status !== "ok" || record.result === undefined) {
    return `${head} ${record.status === "failed" ? "FAILED" : record.status}: ${record.reason ?? ""}`;
  }
  const result = record.result;
  const late = result.late_ms === undefined ? "" : `, ${formatNumber(result.late_ms)} ms late`;
  const rss = result.rss_mb === null ? "" : `, ${result.rss_mb.toFixed(0)} MB`;
  return `${head} ${formatNumber(result.rate).padStart(7)} ${workload.unit}${late}  (${result.seconds.toFixed(3)} s${rss})`;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const node = process.execPath;
  // Node-side children run on this same Node; under Node < 23.6 they need the flag this process was started with.
  const nodeFlags = [...process.execArgv.filter((flag) => flag.startsWith("--experimental-strip-types")), "--disable-warning=ExperimentalWarning"];
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  if (nodeMajor < 24) {
    process.stderr.write(`bench: warning: running on Node ${process.version}; BENCH.md's figures are for Node 24 (npm run bootstrap installs it into .tools/)\n`);
  }

  const absent: Partial<Record<ImplName, string>> = {};
  const launchers = new Map<ImplName, Launcher>();
  const cpython = findCpython();
  const uvloop = findUvloop();
  for (const impl of flags.impls) {
    if (impl === "aio" || impl === "node") {
      const folder = impl;
      launchers.set(impl, { impl, command: (workload) => [node, [...nodeFlags, ...workload.nodeFlags, join(benchDir, "src", folder, workload.script)]] });
    } else {
      const found = impl === "cpython" ? cpython : uvloop;
      if (found.ok) {
        const executable = found.value.executable;
        launchers.set(impl, { impl, command: (workload) => [executable, [join(benchDir, "python", workload.python)]] });
      } else {
        absent[impl] = found.reason;
      }
    }
  }
  for (const impl of IMPLS.filter((name) => !flags.impls.includes(name))) {
    absent[impl] = "not selected (--impl)";
  }

  const selected = WORKLOADS.filter((workload) => flags.only.includes(workload.id));
  let probe: AioProbe = {};
  if (launchers.has("aio")) {
    probe = await probeAio(node, nodeFlags, benchDir, aioPackages());
  }

  const machine: Machine = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    cpython: cpython.ok ? `${cpython.value.version} (${cpython.value.executable}, found as ${cpython.value.via})` : `absent: ${cpython.reason}`,
    uvloop: uvloop.ok ? `uvloop ${uvloop.value.uvloop ?? "?"} on CPython ${uvloop.value.version} (${uvloop.value.executable})` : `absent: ${uvloop.reason}`,
    commit: gitCommit(),
    loadavg: loadavg(),
  };
  const config: RunConfig = { quick: flags.quick, runs: flags.runs, warmup: flags.warmup, workloads: selected.map((workload) => workload.id), impls: flags.impls };
  const timeoutSeconds = flags.timeout ?? (flags.quick ? 60 : 180);

  process.stdout.write(
    `@aio bench: ${selected.map((workload) => workload.id).join(" ")} x ${flags.runs} run(s)${flags.quick ? ", quick sizes" : ""}\n` +
      `  node    ${machine.node} (${node})\n  cpython ${machine.cpython}\n  uvloop  ${machine.uvloop}\n` +
      `  machine ${machine.cpu}, ${machine.cores} cores, load ${machine.loadavg.map((x) => x.toFixed(2)).join(" ")}\n`,
  );

  const records: RunRecord[] = [];
  const pendingShown = new Set<string>();
  const started = performance.now();
  for (let run = 1; run <= flags.runs; run++) {
    for (const workload of selected) {
      for (const impl of IMPLS) {
        const launcher = launchers.get(impl);
        if (launcher === undefined) {
          continue;
        }
        let record: RunRecord;
        const pending = impl === "aio" ? pendingReason(probe, workload.needs) : null;
        if (pending !== null) {
          record = { run, workload: workload.id, impl, status: "pending", reason: pending, wall_seconds: 0 };
        } else {
          record = await execute(launcher, workload, { benchDir, node, nodeFlags, quick: flags.quick, warmup: flags.warmup, timeoutSeconds, run });
        }
        records.push(record);
        const key = `${workload.id}/${impl}`;
        if (record.status !== "pending" || !pendingShown.has(key)) {
          process.stdout.write(`${progress(record, flags.runs, workload)}\n`);
        }
        if (record.status === "pending") {
          pendingShown.add(key);
        }
      }
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const loads = records.flatMap((record) => (record.load1 === undefined ? [] : [record.load1]));
  const finalMachine: Machine = loads.length === 0 ? machine : { ...machine, load_during: [Math.min(...loads), Math.max(...loads)] };

  const summaries = summariseAll(config.workloads, records, absent);
  process.stdout.write(`\n${terminalTable(summaries)}\n\n`);
  const extra = notes(summaries, absent);
  if (extra.length > 0) {
    process.stdout.write(`${extra.join("\n")}\n\n`);
  }

  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  const subtitle = `${machine.date.slice(0, 10)}, ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, CPython ${cpython.ok ? cpython.value.version : "absent"}; median of ${flags.runs} run(s)${flags.quick ? ", QUICK sizes (smoke test)" : ""}` +
    (finalMachine.load_during === undefined ? "" : `; load ${finalMachine.load_during[0].toFixed(1)}-${finalMachine.load_during[1].toFixed(1)}`);
  writeFileSync(
    join(resultsDir, "latest.json"),
    `${JSON.stringify({ machine: finalMachine, config, seconds: Math.round(totalSeconds), implementations: { probe, absent }, runs: records, summaries }, null, 2)}\n`,
  );
  writeFileSync(join(resultsDir, "latest.md"), markdown(summaries, finalMachine, config, absent));
  writeFileSync(join(resultsDir, "latest.svg"), chart(summaries, subtitle));
  if (loads.length > 0 && Math.max(...loads) > machine.cores) {
    process.stdout.write(`note: the 1-minute load average reached ${Math.max(...loads).toFixed(1)} on ${machine.cores} cores during the runs; expect noisy figures\n`);
  }
  process.stdout.write(`wrote results/latest.json, latest.md, latest.svg in ${resultsDir} (${totalSeconds.toFixed(0)} s)\n`);

  return records.some((record) => record.status === "failed") ? 1 : 0;
}

process.exitCode = await main();
