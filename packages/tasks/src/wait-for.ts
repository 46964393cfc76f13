/**
 * waitFor: await with a deadline; on expiry the awaitable is cancelled and TimeoutError raised.
 * Mirrors CPython 3.13 asyncio/tasks.py (wait_for, _cancel_and_wait), which is built on timeouts.
 */
import { CancelledError, TimeoutError, getRunningLoop } from "@aio/core";
import type { AbstractFuture } from "@aio/core";
import { awaitFuture, isFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { ensureFuture } from "./ensure-future.js";
import type { Awaitable } from "./ensure-future.js";
import { asyncWithTimeout, timeout as makeTimeout } from "./timeouts.js";
import { checkTimeout, releaseWaiter } from "./wait.js";
import { awaitPromise } from "./internal/await-promise.js";

/**
 * The result of `awaitable`, or TimeoutError after `timeout` seconds (null: no limit), in which
 * case the awaitable is cancelled and waited for.
 * @throws TimeoutError on expiry (its `cause` is the CancelledError).
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.wait_for
 */
export async function waitFor<T>(awaitable: Awaitable<T>, timeout: number | null): Promise<T> {
  checkTimeout(timeout);
  // Python: with timeout <= 0 the awaitable is cancelled at once unless it is already done,
  // since there is nothing to wait for.
  if (timeout !== null && timeout <= 0) {
    const future = ensureFuture(awaitable);
    if (future.done()) return future.result();
    await cancelAndWait(future);
    try {
      return future.result();
    } catch (error) {
      if (error instanceof CancelledError) {
        throw new TimeoutError(undefined, { cause: error });
      }
      throw error;
    }
  }
  return asyncWithTimeout(makeTimeout(timeout), () =>
    isFuture(awaitable) ? awaitFuture(awaitable as Future<T>) : awaitValue(awaitable),
  );
}

/** A coroutine thunk runs inline in the current task, as Python awaits a coroutine in place. */
async function awaitValue<T>(awaitable: Awaitable<T>): Promise<T> {
  if (typeof awaitable === "function") return (awaitable as () => T | PromiseLike<T>)();
  return awaitPromise(awaitable as PromiseLike<T>);
}

/** Python's `_cancel_and_wait`. @internal */
export async function cancelAndWait(future: AbstractFuture<unknown>): Promise<void> {
  const loop = getRunningLoop();
  const waiter = loop.createFuture<void>() as Future<void>;
  const callback = (): void => releaseWaiter(waiter);
  future.addDoneCallback(callback);
  try {
    future.cancel();
    await awaitFuture(waiter);
  } finally {
    future.removeDoneCallback(callback);
  }
}
