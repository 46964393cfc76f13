/**
 * runCoroutineThreadsafe: submit a coroutine to a loop from outside it.
 * Mirrors CPython 3.13 asyncio/tasks.py (run_coroutine_threadsafe, _chain_future).
 *
 * JavaScript has one thread, so "from another thread" means from code outside the loop's
 * callbacks (a Node callback, or code driving another loop). The result is a concurrent-style
 * future: a Promise with `cancel()`, `done()` and `cancelled()`.
 */
import { CancelledError, InvalidStateError } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, Coroutine } from "@aio/core";
import { ensureFuture } from "./ensure-future.js";

/** Python's concurrent.futures.Future as far as JavaScript can offer it: a cancellable Promise. */
export interface ConcurrentFuture<T> extends Promise<T> {
  /** Cancels the task on its loop; false if it already finished. */
  cancel(): boolean;
  done(): boolean;
  cancelled(): boolean;
  /** The result once done. @throws InvalidStateError while pending (a thread cannot block here). */
  result(): T;
}

/**
 * Schedules the coroutine thunk on `loop` and returns a ConcurrentFuture of its result.
 * @throws TypeError if `coro` is not a function.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.run_coroutine_threadsafe
 */
export function runCoroutineThreadsafe<T>(coro: Coroutine<T>, loop: AbstractEventLoop): ConcurrentFuture<T> {
  if (typeof coro !== "function") throw new TypeError("A coroutine object is required");
  let state: "pending" | "finished" | "cancelled" = "pending";
  let value: T | undefined;
  let failure: unknown;
  let task: AbstractFuture<T> | null = null;
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  // The caller may never await it; a rejection must not become an unhandled one here.
  promise.catch(() => undefined);
  const future = promise as ConcurrentFuture<T>;
  future.cancel = () => {
    // concurrent.futures.Future.cancel: true again for a cancelled future, false once finished.
    if (state === "cancelled") return true;
    if (state !== "pending") return false;
    // concurrent.futures.Future.cancel: the future is cancelled at once; _chain_future then
    // cancels the task on its loop (call_soon_threadsafe(source.cancel)).
    state = "cancelled";
    reject(new CancelledError());
    if (task !== null) {
      const source = task;
      loop.callSoonThreadsafe(() => source.cancel());
    }
    return true;
  };
  future.done = () => state !== "pending";
  future.cancelled = () => state === "cancelled";
  future.result = () => {
    if (state === "pending") throw new InvalidStateError("Result is not ready.");
    if (state === "cancelled") throw new CancelledError();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the coroutine's own error, raised as is (Future.result).
    if (failure !== undefined) throw failure;
    return value as T;
  };
  loop.callSoonThreadsafe(() => {
    try {
      task = ensureFuture(coro, { loop });
    } catch (error) {
      if (state === "pending") {
        state = "finished";
        failure = error;
        reject(error);
      }
      // CPython re-raises, so the loop's exception handler sees the task factory's error too.
      throw error;
    }
    if (state === "cancelled") {
      // Cancelled before the loop got here: as in CPython's _chain_future, the task is still
      // made, and the cancel reaches it after its first step (call_soon_threadsafe(source.cancel)).
      const source = task;
      loop.callSoonThreadsafe(() => source.cancel());
      return;
    }
    task.addDoneCallback((done) => {
      if (state !== "pending") return;
      if (done.cancelled()) {
        state = "cancelled";
        reject(new CancelledError());
      } else if (done.exception() !== null) {
        state = "finished";
        failure = done.exception();
        reject(failure);
      } else {
        state = "finished";
        value = done.result();
        resolve(value);
      }
    });
  });
  return future;
}
