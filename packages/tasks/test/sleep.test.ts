/** Tests of sleep. Ported from CPython 3.13 test_asyncio/test_tasks.py (test_sleep*, SleepTests). */
import { describe, expect, it } from "vitest";
import { CancelledError } from "@aio/core";
import type { TimerHandle } from "@aio/loop";
import { Task, sleep } from "../src/index.js";
import { countIterations, makeLoop, makeVirtualLoop, runBriefly } from "./support/loop.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("sleep", () => {
  // mirrors test_tasks.py::test_sleep
  it("resolves with its result after the delay", async () => {
    const loop = makeVirtualLoop();
    const t = new Task(async () => {
      await sleep(0.05);
      return await sleep(0.05, "yeah");
    }, { loop });
    await loop.runUntilComplete(t);
    expect(t.done()).toBe(true);
    expect(t.result()).toBe("yeah");
    expect(loop.time()).toBeCloseTo(0.1);
  });

  // mirrors test_tasks.py::test_sleep_when_delay_is_nan
  it("rejects a NaN delay with RangeError", async () => {
    const loop = makeVirtualLoop();
    const t = new Task(() => sleep(Number.NaN), { loop });
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("Invalid delay: NaN (not a number)");
    expect(await rejection(loop.runUntilComplete(() => sleep("1" as never)))).toBeInstanceOf(TypeError);
  });

  // mirrors test_tasks.py::test_sleep_cancel
  it("cancels its timer when the task is cancelled", async () => {
    const loop = makeVirtualLoop();
    const t = new Task(() => sleep(10, "yeah"), { loop });
    let handle: TimerHandle | null = null;
    const originalCallLater = loop.callLater.bind(loop);
    loop.callLater = ((delay: number, callback: (...args: unknown[]) => unknown, ...args: unknown[]) => {
      handle = originalCallLater(delay, callback, ...args);
      return handle;
    });
    await runBriefly(loop);
    expect(handle!._cancelled).toBe(false);
    t.cancel();
    await runBriefly(loop);
    expect(handle!._cancelled).toBe(true);
    expect(t.cancelled()).toBe(true);
  });

  // mirrors test_tasks.py::test_task_cancel_sleeping_task
  it("raises CancelledError in a task awaiting a cancelled sleeper", async () => {
    const loop = makeVirtualLoop();
    const doit = async (): Promise<string> => {
      const sleeper = new Task(() => sleep(5000), { loop });
      loop.callLater(0.1, () => sleeper.cancel());
      try {
        await sleeper;
      } catch (error) {
        if (error instanceof CancelledError) return "cancelled";
        throw error;
      }
      return "slept in";
    };
    expect(await loop.runUntilComplete(doit)).toBe("cancelled");
    expect(loop.time()).toBeCloseTo(0.1);
  });

  // mirrors test_tasks.py::test_sleep_zero
  it("sleep(0) lets the callbacks scheduled before it run, then gives its result", async () => {
    const loop = makeLoop();
    let result = 0;
    const incResult = (num: number): void => {
      result += num;
    };
    await loop.runUntilComplete(async () => {
      loop.callSoon(incResult, 1);
      expect(result).toBe(0);
      const num = await sleep(0, 10);
      expect(result).toBe(1);
      incResult(num);
    });
    expect(result).toBe(11);
  });

  it("sleep(0) yields exactly one loop iteration", async () => {
    // CPython 3.13, the same program (five sleep(0) in run_until_complete): 7 iterations of _run_once.
    const loop = makeLoop();
    const counter = countIterations(loop);
    await loop.runUntilComplete(async () => {
      for (let i = 0; i < 5; i++) await sleep(0);
    });
    expect(counter.count).toBe(7);
  });

  it("sleep(0) outside a task resolves after one iteration", async () => {
    const loop = makeLoop();
    const order: string[] = [];
    await loop.runUntilComplete(async () => {
      loop.callSoon(() => order.push("callback"));
      await new Promise<void>((resolve) => {
        loop.callSoon(() => {
          void sleep(0).then(() => order.push("plain sleep"));
          resolve();
        });
      });
      await sleep(0);
      await sleep(0);
    });
    expect(order).toEqual(["callback", "plain sleep"]);
  });

  it("a negative delay behaves like sleep(0)", async () => {
    const loop = makeVirtualLoop();
    const counter = countIterations(loop);
    expect(await loop.runUntilComplete(() => sleep(-1, "now"))).toBe("now");
    expect(counter.count).toBe(3);
    expect(loop.time()).toBe(0);
  });
});
