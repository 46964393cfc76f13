/**
 * toThread: run a function in the loop's default executor (a worker-thread pool).
 * Mirrors CPython 3.13 asyncio/threads.py (to_thread).
 */
import { getRunningLoop } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";

/**
 * Runs `fn(...args)` in the running loop's default executor and resolves with its result.
 * JavaScript closures cannot cross threads: `fn` must be self-contained (it is sent by source)
 * or made with `exportedFunction`, and `args` must be structured-cloneable. Context variables
 * are not propagated to the worker (see README).
 * @throws RuntimeError "no running event loop".
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread
 */
export async function toThread<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<Awaited<R>> {
  const loop = getRunningLoop();
  return awaitFuture(loop.runInExecutor(null, fn, ...args) as Future<Awaited<R>>);
}
