/**
 * Module exports the ThreadPoolExecutor tests run through exportedFunction, in a worker and inline.
 * Mirrors the helpers of CPython 3.13 Lib/test/test_concurrent_futures/executor.py (mul).
 */
import { isMainThread } from "node:worker_threads";

/** Calls made in this thread: module state is per thread, since each worker imports the module anew. */
let calls = 0;

/** CPython executor.py `mul`. */
export function mul(x: number, y: number): number {
  calls += 1;
  return x * y;
}

/** Reports the thread it runs on, after a turn of the event loop. */
export async function whereAmI(): Promise<{ isMainThread: boolean; calls: number }> {
  await new Promise((resolve) => setImmediate(resolve));
  return { isMainThread, calls };
}

/** Throws a RangeError with `message` (Python's ValueError). */
export function fail(message: string): never {
  throw new RangeError(message);
}
