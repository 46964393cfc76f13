/**
 * Shared helpers of the reliability suites: leak snapshots (descriptors, Node handles, child
 * processes), the soak scale switch and the figures each suite records for the README.
 * Mirrors nothing in CPython: these are @aio's own soak and fault-injection checks.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const resultsDir = join(root, "results");
const runsDir = join(resultsDir, "runs");

/** True when `pnpm soak` runs the suites (bigger sizes); CI runs the default sizes. */
export const SOAK = process.env.AIO_RELIABILITY_SOAK === "1";

/** `ci` in CI, `soak` under `pnpm soak`. */
export function scale<T>(ci: T, soak: T): T {
  return SOAK ? soak : ci;
}

/** Open descriptors of this process, from /proc/self/fd (the listing's own descriptor excluded). */
export function openFds(): number {
  return readdirSync("/proc/self/fd").length - 1;
}

/** Node's active resources by kind (TCPWrap, Timeout, PipeWrap, ProcessWrap, ...). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Children of this process, with their state letter (Z = zombie). */
export function childProcesses(): { pid: number; state: string }[] {
  const result: { pid: number; state: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // the process exited while we listed /proc: not ours to count.
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === process.pid) result.push({ pid: Number(entry), state: fields[0] ?? "?" });
  }
  return result;
}

/** What a leak check compares. */
export interface LeakSnapshot {
  fds: number;
  resources: Record<string, number>;
  children: number;
}

export function leakSnapshot(): LeakSnapshot {
  return { fds: openFds(), resources: activeResources(), children: childProcesses().length };
}

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (at most `attempts` Node turns of 20 ms) until descriptors, handles and children are back
 * to `before`, then returns the last snapshot: closing sockets and reaping children finish a few
 * Node turns after the loop is done with them. The caller asserts on the result.
 */
export async function settledSnapshot(before: LeakSnapshot, attempts = 250): Promise<LeakSnapshot> {
  let now = leakSnapshot();
  for (let i = 0; i < attempts; i++) {
    now = leakSnapshot();
    if (now.fds <= before.fds && now.children <= before.children && sameOrFewer(now.resources, before.resources)) break;
    await sleepMs(20);
  }
  return now;
}

function sameOrFewer(now: Record<string, number>, before: Record<string, number>): boolean {
  return Object.entries(now).every(([kind, count]) => count <= (before[kind] ?? 0));
}

/** Resources of `now` beyond `before` (empty when nothing leaked). */
export function resourceExcess(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const excess: Record<string, number> = {};
  for (const [kind, count] of Object.entries(now)) {
    if (count > (before[kind] ?? 0)) excess[kind] = count - (before[kind] ?? 0);
  }
  return excess;
}

/**
 * Records a suite's figures in results/runs/<suite>.json and merges every suite's file into
 * results/latest.json, which the root README quotes.
 */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  mkdirSync(runsDir, { recursive: true });
  const entry = { suite, mode: SOAK ? "soak" : "ci", at: new Date().toISOString(), ...figures };
  const file = join(runsDir, `${suite}.json`);
  let previous: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      previous = {}; // a torn write from an interrupted run: start the suite's record afresh.
    }
  }
  writeAtomic(file, JSON.stringify({ ...previous, ...entry }, null, 2));
  const merged: Record<string, unknown> = {};
  for (const name of readdirSync(runsDir).filter((n) => n.endsWith(".json")).sort()) {
    try {
      merged[name.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(runsDir, name), "utf8"));
    } catch {
      // another suite is writing its file right now; its own record call merges it.
    }
  }
  writeAtomic(join(resultsDir, "latest.json"), `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`[reliability] ${suite}: ${JSON.stringify(figures)}`);
}

function writeAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
