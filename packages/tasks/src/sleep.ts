/**
 * sleep: suspend the current task for `delay` seconds; `sleep(0)` yields exactly one iteration.
 * Mirrors CPython 3.13 asyncio/tasks.py (sleep, __sleep0).
 */
import { frameStorage, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, LoopInternals } from "@aio/core";
import { awaitFuture, setResultUnlessCancelled } from "@aio/futures";
import type { Future } from "@aio/futures";
import type { Task } from "./task.js";

type Loop = AbstractEventLoop & LoopInternals;

/**
 * Resolves with `result` after `delay` seconds. `sleep(0)` (or any delay <= 0) lets every other
 * ready callback run once, like Python's bare `yield`. Cancelling the task cancels the sleep.
 * @throws TypeError if `delay` is not a number; RangeError if it is NaN.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.sleep
 */
export function sleep<T = undefined>(delay: number, result?: T): Promise<T> {
  if (typeof delay !== "number") {
    return Promise.reject(new TypeError(`'<=' not supported between instances of '${typeof delay}' and 'int'`));
  }
  if (Number.isNaN(delay)) return Promise.reject(new RangeError("delay must not be NaN"));
  if (delay <= 0) return yieldOnce(result as T);
  return sleepFor(delay, result as T);
}

function yieldOnce<T>(result: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const frame = frameStorage.getStore();
    const task = frame === undefined ? null : (frame._frameTask as Task<unknown> | null);
    if (task !== null) {
      task._yield(resolve as (value: unknown) => void, reject, result);
    } else {
      const loop = getRunningLoop() as Loop;
      loop._callSoon(resolve, [result], null);
    }
  });
}

async function sleepFor<T>(delay: number, result: T): Promise<T> {
  const loop = getRunningLoop();
  const future = loop.createFuture<T>() as Future<T>;
  const handle = loop.callLater(delay, setResultUnlessCancelled<T>, future, result);
  try {
    return await awaitFuture(future);
  } finally {
    handle.cancel();
  }
}
