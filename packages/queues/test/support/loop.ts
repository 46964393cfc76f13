/**
 * Test helpers: run a test body as a task on a fresh loop (Python's IsolatedAsyncioTestCase), and
 * CPython test_asyncio/utils.py's run_briefly / run_until.
 */
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
 * CPython utils.run_until: yields loop iterations until `predicate()` holds.
 * @throws Error after `maxIterations` (a bound, never a wall-clock timeout).
 */
export async function runUntil(predicate: () => boolean, maxIterations = 10_000): Promise<number> {
  for (let i = 0; i < maxIterations; i++) {
    if (predicate()) return i;
    await sleep(0);
  }
  throw new Error(`condition not reached after ${maxIterations} iterations`);
}
