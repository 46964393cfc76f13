/**
 * Module exports that the toThread tests run in a worker through exportedFunction.
 * Mirrors the callables of CPython 3.13 Lib/test/test_asyncio/test_threads.py (sum, raise_runtime).
 */
import { isMainThread } from "node:worker_threads";
import { RuntimeError } from "@aio/core";

/** Python's builtin `sum` over a list. */
export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** test_threads.py's raise_runtime. */
export function raiseRuntime(): never {
  throw new RuntimeError("test");
}

/** Whether the call ran on the main thread. */
export function onMainThread(): boolean {
  return isMainThread;
}
