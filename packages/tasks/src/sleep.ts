/**
 * sleep: suspend the current task for `delay` seconds; `sleep(0)` yields exactly one iteration.
 * Mirrors CPython 3.13 asyncio/tasks.py (sleep, __sleep0).
 */
import { RuntimeError, _getRunningLoop, frameStorage, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, AbstractTimerHandle, LoopInternals } from "@aio/core";
import { Future, awaitFuture, setResultUnlessCancelled } from "@aio/futures";
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
  if (Number.isNaN(delay)) return Promise.reject(new RangeError("Invalid delay: NaN (not a number)"));
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
      loop._callSoon1(resolve, result, null);
    }
  });
}

/**
 * The future a sleep waits on. Python's sleep cancels its timer in a `finally` when the wait
 * ends; here the future cancels it when it is cancelled (the other way out, the timer firing,
 * needs no cleanup), so a sleep needs no coroutine of its own (benchmarks W5, W10).
 */
class SleepFuture<T> extends Future<T> {
  static {
    // Reprs show Python's name: `wait_for=<Future pending ...>`.
    Object.defineProperty(this, "name", { value: "Future" });
  }
  /** @internal */
  _handle: AbstractTimerHandle | null = null;
  /** @internal */
  _sleepResult: T;

  constructor(loop: AbstractEventLoop, result: T) {
    super({ loop });
    this._sleepResult = result;
  }

  override cancel(msg?: unknown): boolean {
    const cancelled = super.cancel(msg);
    if (cancelled) this._handle?.cancel();
    return cancelled;
  }
}

function wakeSleeper<T>(future: SleepFuture<T>): void {
  future._handle = null;
  setResultUnlessCancelled(future, future._sleepResult);
}

function sleepFor<T>(delay: number, result: T): Promise<T> {
  const loop = _getRunningLoop() as Loop | null;
  if (loop === null) return Promise.reject(new RuntimeError("no running event loop"));
  const future = new SleepFuture<T>(loop, result);
  future._handle = loop._callLater1(delay, wakeSleeper, future);
  return awaitFuture(future);
}
