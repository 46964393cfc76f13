/**
 * Tests of runCoroutineThreadsafe. Ported from CPython 3.13 test_asyncio/test_tasks.py
 * (RunCoroutineThreadsafeTests). JavaScript has no threads: "another thread" is a Node timer
 * callback, outside the loop's callbacks.
 */
import { describe, expect, it } from "vitest";
import { CancelledError, InvalidStateError, RuntimeError } from "@aio/core";
import type { ConcurrentFuture } from "../src/index.js";
import { allTasks, currentTask, runCoroutineThreadsafe, sleep } from "../src/index.js";
import { captureExceptions, makeLoop, runBriefly } from "./support/loop.js";
import type { BaseEventLoop } from "@aio/loop";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** RunCoroutineThreadsafeTests.add: wait 0.05 s (here: a few iterations) and return a + b. */
function add(loop: BaseEventLoop, a: number, b: number, { fail = false, cancel = false } = {}) {
  return async (): Promise<number> => {
    await sleep(0.005);
    if (fail) throw new RuntimeError("Fail!");
    if (cancel) {
      currentTask(loop)!.cancel();
      await sleep(0);
    }
    return a + b;
  };
}

/** RunCoroutineThreadsafeTests.target: submit from a Node timer callback, outside the loop. */
function target(loop: BaseEventLoop, options: { fail?: boolean; cancel?: boolean } = {}): Promise<[ConcurrentFuture<number>]> {
  // Boxed: resolving with the future (a Promise) would adopt it.
  return new Promise((resolve) => {
    setTimeout(() => resolve([runCoroutineThreadsafe(add(loop, 1, 2, options), loop)]), 1);
  });
}

describe("runCoroutineThreadsafe", () => {
  // mirrors test_tasks.py::test_run_coroutine_threadsafe
  it("runs a coroutine submitted from outside the loop", async () => {
    const loop = makeLoop();
    const result = await loop.runUntilComplete(async () => {
      const [future] = await target(loop);
      expect(future.done()).toBe(false);
      const value = await future;
      expect(future.done()).toBe(true);
      expect(future.result()).toBe(3);
      return value;
    });
    expect(result).toBe(3);
  });

  // Python 3.13 (concurrent.futures + _chain_future): a future cancelled before the loop ran the
  // submission still gets its task, and the cancel reaches the task after its first step; a
  // second cancel() of the cancelled future is True again.
  //   started / cancel -> True cancelled=True / cancelled inside / cancel again -> True
  it("still starts a task cancelled before submission, then cancels it", async () => {
    const loop = makeLoop();
    const log: string[] = [];
    await loop.runUntilComplete(async () => {
      const work = async (): Promise<void> => {
        log.push("started");
        try {
          await sleep(0.01);
        } catch (error) {
          if (error instanceof CancelledError) log.push("cancelled inside");
          throw error;
        }
      };
      const future = runCoroutineThreadsafe(work, loop);
      log.push(`cancel -> ${future.cancel()} cancelled=${future.cancelled()}`);
      await sleep(0.02);
      log.push(`cancel again -> ${future.cancel()}`);
    });
    expect(log).toEqual(["cancel -> true cancelled=true", "started", "cancelled inside", "cancel again -> true"]);
  });

  // mirrors test_tasks.py::test_run_coroutine_threadsafe_with_exception
  it("passes the coroutine's exception on", async () => {
    const loop = makeLoop();
    const error = await rejection(loop.runUntilComplete(async () => await (await target(loop, { fail: true }))[0]));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toBe("Fail!");
  });

  // mirrors test_tasks.py::test_run_coroutine_threadsafe_with_timeout
  it("cancels the task when the caller gives up on the future", async () => {
    // Differs from CPython: result(timeout) cannot block; result() on a pending future raises
    // InvalidStateError, and the caller cancels, as CPython's target() does after its timeout.
    const loop = makeLoop();
    await loop.runUntilComplete(async () => {
      const [future] = await target(loop);
      expect(() => future.result()).toThrow(InvalidStateError);
      expect(future.cancel()).toBe(true);
      expect(future.cancelled()).toBe(true);
      expect(future.done()).toBe(true);
      expect(await rejection(future)).toBeInstanceOf(CancelledError);
      await sleep(0);
      await sleep(0);
    });
    await runBriefly(loop);
    for (const task of allTasks(loop)) expect(task.done()).toBe(true);
    expect(allTasks(loop).size).toBe(0);
  });

  // mirrors test_tasks.py::test_run_coroutine_threadsafe_task_cancelled
  it("raises CancelledError when the task is cancelled", async () => {
    const loop = makeLoop();
    const error = await rejection(loop.runUntilComplete(async () => await (await target(loop, { cancel: true }))[0]));
    expect(error).toBeInstanceOf(CancelledError);
  });

  // mirrors test_tasks.py::test_run_coroutine_threadsafe_task_factory_exception
  it("passes a task factory's error to the future and the exception handler", async () => {
    const loop = makeLoop();
    const calls = captureExceptions(loop);
    class NameError extends Error {}
    const error = await rejection(loop.runUntilComplete(async () => {
      const [future] = await new Promise<[ConcurrentFuture<number>]>((resolve) => {
        setTimeout(() => {
          loop.setTaskFactory(() => {
            throw new NameError();
          });
          resolve([runCoroutineThreadsafe(add(loop, 1, 2), loop)]);
        }, 1);
      });
      try {
        return await future;
      } finally {
        loop.setTaskFactory(null);
      }
    }));
    expect(error).toBeInstanceOf(NameError);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.exception).toBe(error);
  });

  it("cancels before the loop picked the coroutine up", async () => {
    // Python 3.13: `True True`, then the coroutine still runs its first step (`ran` is True).
    const loop = makeLoop();
    let ran = false;
    const future = runCoroutineThreadsafe(async () => {
      ran = true;
    }, loop);
    expect(future.cancel()).toBe(true);
    expect(future.cancel()).toBe(true);
    await runBriefly(loop);
    expect(ran).toBe(true);
    expect(future.cancelled()).toBe(true);
    expect(() => future.result()).toThrow(CancelledError);
  });

  it("rejects a coroutine that is not a function with TypeError", () => {
    const loop = makeLoop();
    expect(() => runCoroutineThreadsafe(42 as never, loop)).toThrow("A coroutine object is required");
  });
});
