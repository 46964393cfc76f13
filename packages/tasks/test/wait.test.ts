/** Tests of wait. Ported from CPython 3.13 test_asyncio/test_tasks.py (BaseTaskTests.test_wait*). */
import { describe, expect, it } from "vitest";
import { CancelledError } from "@aio/core";
import type { AbstractFuture } from "@aio/core";
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Task, sleep, wait } from "../src/index.js";
import { captureExceptions, makeLoop, makeVirtualLoop } from "./support/loop.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

describe("wait", () => {
  // mirrors test_tasks.py::test_wait
  it("waits for all futures by default, and returns at once when all are done", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(() => sleep(0.15), { loop });
    const foo = async (): Promise<number> => {
      const [done, pending] = await wait([b, a]);
      expect(done).toEqual(new Set([a, b]));
      expect(pending).toEqual(new Set());
      return 42;
    };
    expect(await loop.runUntilComplete(new Task(foo, { loop }))).toBe(42);
    expect(loop.time()).toBeCloseTo(0.15);
    expect(await loop.runUntilComplete(new Task(foo, { loop }))).toBe(42);
    expect(loop.time()).toBeCloseTo(0.15);
  });

  // mirrors test_tasks.py::test_wait_duplicate_coroutines
  it("counts a future given twice once", async () => {
    const loop = makeLoop();
    const c = loop.createTask(async () => "test");
    const task = new Task(() => wait([c, c, loop.createTask(async () => "spam")]), { loop });
    const [done, pending] = await loop.runUntilComplete(task);
    expect(pending.size).toBe(0);
    expect(new Set([...done].map((f) => f.result()))).toEqual(new Set(["test", "spam"]));
  });

  // mirrors test_tasks.py::test_wait_errors
  it("rejects an empty set and a bad returnWhen with RangeError", async () => {
    const loop = makeLoop();
    const error = await rejection(loop.runUntilComplete(() => wait(new Set<AbstractFuture<unknown>>())));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("Set of Tasks/Futures is empty.");
    const fut = loop.createFuture();
    const error2 = await rejection(loop.runUntilComplete(() => wait([fut], { returnWhen: -1 as never })));
    expect(error2).toBeInstanceOf(RangeError);
    expect((error2 as Error).message).toBe("Invalid return_when value: -1");
  });

  // mirrors test_tasks.py::test_wait_first_completed
  it("returns at the first completion with FIRST_COMPLETED", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(10), { loop });
    const b = new Task(() => sleep(0.1), { loop });
    const task = new Task(() => wait([b, a], { returnWhen: FIRST_COMPLETED }), { loop });
    const [done, pending] = await loop.runUntilComplete(task);
    expect(done).toEqual(new Set([b]));
    expect(pending).toEqual(new Set([a]));
    expect(a.done()).toBe(false);
    expect(b.done()).toBe(true);
    expect(b.result()).toBeUndefined();
    expect(loop.time()).toBeCloseTo(0.1);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  // mirrors test_tasks.py::test_wait_really_done
  it("puts futures that finished meanwhile into done", async () => {
    const loop = makeLoop();
    const a = new Task(async () => { await sleep(0); }, { loop });
    const b = new Task(async () => { await sleep(0); await sleep(0); }, { loop });
    const task = new Task(() => wait([b, a], { returnWhen: FIRST_COMPLETED }), { loop });
    const [done] = await loop.runUntilComplete(task);
    expect(done).toEqual(new Set([a, b]));
    expect(a.result()).toBeUndefined();
    expect(b.result()).toBeUndefined();
  });

  // mirrors test_tasks.py::test_wait_first_exception
  it("returns at once with FIRST_EXCEPTION when a task already failed", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(10), { loop });
    const b = new Task(async () => { throw new ZeroDivisionError("err"); }, { loop });
    const task = new Task(() => wait([b, a], { returnWhen: FIRST_EXCEPTION }), { loop });
    const [done, pending] = await loop.runUntilComplete(task);
    expect(done).toEqual(new Set([b]));
    expect(pending).toEqual(new Set([a]));
    expect(loop.time()).toBe(0);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  // mirrors test_tasks.py::test_wait_first_exception_in_wait
  it("returns when a task fails during the wait with FIRST_EXCEPTION", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(10), { loop });
    const b = new Task(async () => {
      await sleep(0.01);
      throw new ZeroDivisionError("err");
    }, { loop });
    const [done, pending] = await loop.runUntilComplete(() => wait([b, a], { returnWhen: FIRST_EXCEPTION }));
    expect(done).toEqual(new Set([b]));
    expect(pending).toEqual(new Set([a]));
    expect(loop.time()).toBeCloseTo(0.01);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  it("waits for all when nothing fails with FIRST_EXCEPTION", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(() => sleep(0.2), { loop });
    const [done, pending] = await loop.runUntilComplete(() => wait([a, b], { returnWhen: FIRST_EXCEPTION }));
    expect(done).toEqual(new Set([a, b]));
    expect(pending.size).toBe(0);
    expect(loop.time()).toBeCloseTo(0.2);
  });

  it("does not count a cancellation as an exception with FIRST_EXCEPTION", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(() => sleep(0.2), { loop });
    loop.callLater(0.05, () => a.cancel());
    const [done, pending] = await loop.runUntilComplete(() => wait([a, b], { returnWhen: FIRST_EXCEPTION }));
    expect(done).toEqual(new Set([a, b]));
    expect(pending.size).toBe(0);
    expect(a.cancelled()).toBe(true);
  });

  // mirrors test_tasks.py::test_wait_with_exception
  it("does not raise the futures' exceptions", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(async () => {
      await sleep(0.15);
      throw new ZeroDivisionError("really");
    }, { loop });
    const foo = async (): Promise<void> => {
      const [done, pending] = await wait([b, a]);
      expect(done.size).toBe(2);
      expect(pending.size).toBe(0);
      expect([...done].filter((f) => f.exception() !== null)).toHaveLength(1);
    };
    await loop.runUntilComplete(new Task(foo, { loop }));
    expect(loop.time()).toBeCloseTo(0.15);
    await loop.runUntilComplete(new Task(foo, { loop }));
    expect(loop.time()).toBeCloseTo(0.15);
  });

  // mirrors test_tasks.py::test_wait_with_timeout
  it("returns the unfinished futures as pending after the timeout", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(() => sleep(0.15), { loop });
    await loop.runUntilComplete(new Task(async () => {
      const [done, pending] = await wait([b, a], { timeout: 0.11 });
      expect(done).toEqual(new Set([a]));
      expect(pending).toEqual(new Set([b]));
    }, { loop }));
    expect(loop.time()).toBeCloseTo(0.11);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  // mirrors test_tasks.py::test_wait_concurrent_complete
  it("counts a future finishing at the timeout as done", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(() => sleep(0.15), { loop });
    const [done, pending] = await loop.runUntilComplete(() => wait([b, a], { timeout: 0.1 }));
    expect(done).toEqual(new Set([a]));
    expect(pending).toEqual(new Set([b]));
    expect(loop.time()).toBeCloseTo(0.1);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  // mirrors test_tasks.py::test_wait_with_iterator_of_tasks
  // mirrors test_tasks.py::test_wait_generator
  it("accepts any iterable of futures, including a generator", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(0.1), { loop });
    const b = new Task(() => sleep(0.15), { loop });
    const [done, pending] = await loop.runUntilComplete(() => wait([b, a][Symbol.iterator]()));
    expect(done).toEqual(new Set([a, b]));
    expect(pending.size).toBe(0);
    const result = await loop.runUntilComplete(async () => {
      function* tasks(): Generator<Task<number>> {
        for (let i = 0; i < 10; i++) yield new Task(async () => i, { loop });
      }
      return wait(tasks(), { returnWhen: ALL_COMPLETED });
    });
    expect(result[0].size).toBe(10);
    expect(result[1].size).toBe(0);
  });

  // mirrors test_tasks.py::test_wait_invalid_args
  it("rejects a single future, coroutines and non-futures with TypeError", async () => {
    const loop = makeLoop();
    const fut = loop.createFuture();
    const coro = async (): Promise<void> => undefined;
    const check = async (arg: unknown, pattern: RegExp): Promise<void> => {
      const error = await rejection(loop.runUntilComplete(() => wait(arg as Iterable<AbstractFuture<unknown>>)));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(pattern);
    };
    await check(fut, /^expect a list of futures/);
    await check(coro, /^expect a list of futures/);
    await check([coro], /^Passing coroutines is forbidden, use tasks explicitly\.$/);
    await check([Promise.resolve(1)], /^expect a list of futures, got Promise/);
    fut.cancel();
  });

  // mirrors test_tasks.py::test_yield_wait_does_not_shield_cancel
  it("raises CancelledError in the waiting task but leaves the futures running", async () => {
    const loop = makeVirtualLoop();
    captureExceptions(loop);
    let proof = 0;
    const waiter = loop.createFuture();
    const inner = async (): Promise<void> => {
      await waiter;
      proof += 1;
    };
    const outer = async (): Promise<void> => {
      const [done] = await wait([new Task(inner, { loop })]);
      void done;
      proof += 100;
    };
    const f = new Task(outer, { loop });
    await loop.runUntilComplete(() => sleep(0));
    expect(f.cancel()).toBe(true);
    expect(await rejection(loop.runUntilComplete(f))).toBeInstanceOf(CancelledError);
    waiter.setResult(null);
    await loop.runUntilComplete(() => sleep(0));
    await loop.runUntilComplete(() => sleep(0));
    expect(proof).toBe(1);
  });

  it("removes its done callbacks from the futures when it returns", async () => {
    const loop = makeVirtualLoop();
    const a = new Task(() => sleep(1), { loop });
    const b = new Task(() => sleep(0.1), { loop });
    await loop.runUntilComplete(() => wait([a, b], { returnWhen: FIRST_COMPLETED }));
    expect(a._callbackEntries()).toEqual([]);
    a.cancel();
    await loop.runUntilComplete(() => wait([a]));
    expect(loop._scheduled.length).toBe(0);
  });
});
