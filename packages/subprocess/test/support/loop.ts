/**
 * Test helpers: run a test body as a task on a fresh loop (Python's IsolatedAsyncioTestCase), and
 * CPython test_asyncio/utils.py's run_briefly / run_until, adapted to real child processes.
 */
import { readFileSync, readdirSync } from "node:fs";
import type { AbstractEventLoop } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { allTasks, currentTask, gather, sleep } from "@aio/tasks";

/**
 * Runs `body` as the main task of a new loop, then cancels and awaits the tasks it left
 * pending, and closes the loop (IsolatedAsyncioTestCase's setUp/tearDown).
 */
export async function inLoop<T>(body: (loop: AbstractEventLoop) => Promise<T>): Promise<T> {
  const loop = newEventLoop();
  try {
    return await loop.runUntilComplete(() => body(loop));
  } finally {
    try {
      await loop.runUntilComplete(async () => {
        const self = currentTask();
        const pending = [...allTasks(loop)].filter((task) => task !== self);
        for (const task of pending) task.cancel();
        if (pending.length > 0) await gather(...pending, { returnExceptions: true });
      });
    } finally {
      loop.close();
    }
  }
}

/** CPython utils.run_briefly: lets the loop run a few iterations (from inside a task). */
export async function runBriefly(iterations = 3): Promise<void> {
  for (let i = 0; i < iterations; i++) await sleep(0);
}

/**
 * CPython utils.run_until for real I/O: yields loop iterations (with a 1 ms pause so the OS can
 * deliver) until `predicate()` holds.
 * @throws Error after `maxIterations` (a bound on iterations, not a wall-clock assertion).
 */
export async function runUntil(predicate: () => boolean, maxIterations = 5_000): Promise<number> {
  for (let i = 0; i < maxIterations; i++) {
    if (predicate()) return i;
    await sleep(i < 10 ? 0 : 0.001);
  }
  throw new Error(`condition not reached after ${maxIterations} iterations`);
}

/** The number of open descriptors of this process (Linux /proc/self/fd). */
export function countOpenFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** The pids of this process's children that are zombies (exited, not reaped). */
export function zombieChildren(): number[] {
  const zombies: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may contain spaces, so parse after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (rest[0] === "Z" && Number(rest[1]) === process.pid) zombies.push(Number(entry));
    } catch {
      // The process went away while we looked: not a zombie of ours.
    }
  }
  return zombies;
}

/** The pids of this process's live (not zombie) children. */
export function liveChildren(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (rest[0] !== "Z" && Number(rest[1]) === process.pid) children.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return children;
}
