/**
 * One run of one implementation of one workload, in its own child process (for W6 / W6b: the server
 * child plus the load-generator child), turned into a record: ok with the result line, failed with the
 * reason, or pending when an @aio import is missing.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { Child, residentMb, runChild } from "./processes.ts";
import type { Outcome } from "./processes.ts";
import type { ImplName, Workload } from "./workloads.ts";

/** The line a workload process prints: `{"impl","workload","n","seconds","rate","unit","rss_mb"}` (+ `late_ms`). */
export interface ResultLine {
  readonly impl: string;
  readonly workload: string;
  readonly n: number;
  readonly seconds: number;
  readonly rate: number;
  readonly unit: string;
  readonly rss_mb: number | null;
  readonly late_ms?: number;
}

export type RunStatus = "ok" | "failed" | "pending";

export interface RunRecord {
  readonly run: number;
  readonly workload: string;
  readonly impl: ImplName;
  readonly status: RunStatus;
  readonly result?: ResultLine;
  readonly reason?: string;
  readonly wall_seconds: number;
  /** The machine's 1-minute load average when the run started: how noisy its neighbourhood was. */
  readonly load1?: number;
}

/** How to start each kind of process for one implementation. */
export interface Launcher {
  readonly impl: ImplName;
  /** The command and leading arguments for a workload script, e.g. [node, "--expose-gc", ".../w8.ts"]. */
  command(workload: Workload): [string, string[]];
}

export interface ExecuteOptions {
  readonly benchDir: string;
  readonly node: string;
  readonly nodeFlags: readonly string[];
  readonly quick: boolean;
  readonly warmup: boolean;
  readonly timeoutSeconds: number;
  readonly run: number;
}

/** Import failures of an @aio package at run time: the workload is pending, not failed. */
const IMPORT_FAILURE =
  /ERR_MODULE_NOT_FOUND|ERR_PACKAGE_PATH_NOT_EXPORTED|Cannot find (package|module)|does not provide an export named/;

const ENV: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" };

function lastLines(text: string, count: number): string {
  return text
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-count)
    .join(" | ");
}

/** The reason a process failed, preferring its CHECK FAILED line. */
function failureReason(outcome: Outcome, what: string, timeoutSeconds: number): string {
  if (outcome.timedOut) {
    return `${what} timed out after ${timeoutSeconds} s (killed)`;
  }
  const checkLine = outcome.stderr.split("\n").find((line) => line.startsWith("CHECK FAILED"));
  if (checkLine !== undefined) {
    return checkLine;
  }
  const status = outcome.signal === null ? `exit ${outcome.code}` : `signal ${outcome.signal}`;
  return `${what} ${status}: ${lastLines(outcome.stderr, 3) || lastLines(outcome.stdout, 2) || "no output"}`;
}

/** Parses the one JSON result line, checking it names the expected implementation and workload. */
function parseResult(stdout: string, impl: ImplName, workload: Workload): ResultLine | string {
  const lines = stdout.split("\n").filter((line) => line.trimStart().startsWith("{"));
  if (lines.length !== 1) {
    return `expected exactly one JSON line on stdout, got ${lines.length}`;
  }
  let parsed: ResultLine;
  try {
    parsed = JSON.parse(lines[0] as string) as ResultLine;
  } catch {
    return `unparsable result line: ${lines[0]}`;
  }
  if (parsed.impl !== impl || parsed.workload !== workload.id) {
    return `the result line is for ${parsed.impl} ${parsed.workload}, expected ${impl} ${workload.id}`;
  }
  if (typeof parsed.rate !== "number" || !Number.isFinite(parsed.rate) || parsed.unit !== workload.unit) {
    return `the result line has rate ${parsed.rate} ${parsed.unit}, expected a number in ${workload.unit}`;
  }
  return parsed;
}

function specFor(workload: Workload, impl: ImplName, options: ExecuteOptions, extra: Record<string, unknown> = {}): string {
  const params = options.quick ? workload.quick : workload.full;
  return JSON.stringify({ impl, workload: workload.id, ...params, warmup: options.warmup && workload.warmup, ...extra });
}

function classify(outcome: Outcome, launcher: Launcher, workload: Workload, options: ExecuteOptions, what: string): Omit<RunRecord, "run" | "workload" | "impl" | "wall_seconds"> {
  if (outcome.code === 0 && !outcome.timedOut) {
    const parsed = parseResult(outcome.stdout, launcher.impl, workload);
    return typeof parsed === "string" ? { status: "failed", reason: parsed } : { status: "ok", result: parsed };
  }
  if (launcher.impl === "aio" && IMPORT_FAILURE.test(outcome.stderr)) {
    const line = outcome.stderr.split("\n").find((text) => IMPORT_FAILURE.test(text)) ?? "";
    return { status: "pending", reason: line.replace(/ imported from .*$/, "").trim() };
  }
  return { status: "failed", reason: failureReason(outcome, what, options.timeoutSeconds) };
}

/** Runs a plain workload: one process that measures, checks and prints its line. */
async function runPlain(launcher: Launcher, workload: Workload, options: ExecuteOptions): Promise<RunRecord> {
  const [command, args] = launcher.command(workload);
  const outcome = await runChild(command, [...args, specFor(workload, launcher.impl, options)], { cwd: options.benchDir, env: ENV }, options.timeoutSeconds);
  const verdict = classify(outcome, launcher, workload, options, "the workload process");
  return { run: options.run, workload: workload.id, impl: launcher.impl, wall_seconds: outcome.wallSeconds, ...verdict };
}

/**
 * Runs W6 / W6b: start the implementation's server, wait for its `PORT <n>` line, run the one load
 * generator against it (it checks the replies and prints the result line), take the server's resident
 * memory from /proc, then kill the server's process group whatever happened.
 */
async function runServer(launcher: Launcher, workload: Workload, options: ExecuteOptions): Promise<RunRecord> {
  const [command, args] = launcher.command(workload);
  const server = new Child(command, [...args, specFor(workload, launcher.impl, options, { mode: workload.server })], { cwd: options.benchDir, env: ENV });
  try {
    const port = await server.waitForLine(/^PORT (\d+)\s*$/, 20);
    if (port === null) {
      await server.stop();
      const outcome: Outcome = { code: server.process.exitCode ?? 1, signal: null, stdout: server.stdout, stderr: server.stderr, timedOut: false, wallSeconds: server.elapsed() };
      const verdict = classify(outcome, launcher, workload, options, "the server");
      const reason = verdict.status === "pending" ? verdict.reason : `the server never printed PORT: ${lastLines(server.stderr, 3) || "no output"}`;
      return { run: options.run, workload: workload.id, impl: launcher.impl, wall_seconds: server.elapsed(), status: verdict.status === "pending" ? "pending" : "failed", reason };
    }
    const loadgen = join(options.benchDir, "src", "loadgen.ts");
    const spec = specFor(workload, launcher.impl, options, { mode: workload.server, port: Number(port[1]) });
    const outcome = await runChild(options.node, [...options.nodeFlags, loadgen, spec], { cwd: options.benchDir, env: ENV }, options.timeoutSeconds);
    const rss = residentMb(server.process.pid);
    const serverDied = server.process.exitCode !== null || server.process.signalCode !== null;
    const verdict = classify(outcome, launcher, workload, options, "the load generator");
    if (verdict.status === "ok" && verdict.result !== undefined) {
      return { run: options.run, workload: workload.id, impl: launcher.impl, wall_seconds: outcome.wallSeconds, status: "ok", result: { ...verdict.result, rss_mb: rss === null ? null : Math.round(rss * 10) / 10 } };
    }
    const serverNote = serverDied ? `; server: ${lastLines(server.stderr, 2) || "exited"}` : "";
    return { run: options.run, workload: workload.id, impl: launcher.impl, wall_seconds: outcome.wallSeconds, status: "failed", reason: `${verdict.reason ?? "failed"}${serverNote}` };
  } finally {
    await server.stop();
  }
}

/** Runs one implementation of one workload once. */
export async function execute(launcher: Launcher, workload: Workload, options: ExecuteOptions): Promise<RunRecord> {
  const load1 = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const record = await (workload.server === undefined ? runPlain(launcher, workload, options) : runServer(launcher, workload, options));
  return { ...record, load1 };
}
