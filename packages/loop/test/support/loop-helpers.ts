/**
 * Helpers for driving a loop from tests. Mirrors CPython 3.13 Lib/test/test_asyncio/utils.py
 * (run_briefly, run_until, run_once) and mock.patch('asyncio.base_events.logger').
 */
import { setLogger } from "@aio/core";
import type { Logger } from "@aio/core";
import type { BaseEventLoop } from "../../src/index.js";

/** Python's `test_utils.run_once`: `call_soon(loop.stop)` + `run_forever()`, one iteration. */
export async function runOnce(loop: BaseEventLoop): Promise<void> {
  loop.callSoon(() => loop.stop());
  await loop.runForever();
}

/** Python's `test_utils.run_briefly`: a few iterations, so callbacks scheduled meanwhile run too. */
export async function runBriefly(loop: BaseEventLoop, iterations = 3): Promise<void> {
  for (let i = 0; i < iterations; i++) await runOnce(loop);
}

/**
 * Python's `test_utils.run_until`: iterate until `predicate()` is true. Bounded by a number of
 * iterations, not by wall time (each iteration may wait for a timer the test set).
 * @throws Error when the predicate is still false after `maxIterations`.
 */
export async function runUntil(loop: BaseEventLoop, predicate: () => boolean, maxIterations = 10_000): Promise<void> {
  for (let i = 0; i < maxIterations; i++) {
    if (predicate()) return;
    // Python's run_until sleeps between polls; a short timer lets Node deliver I/O and signals.
    loop.callLater(0.001, () => loop.stop());
    await loop.runForever();
  }
  throw new Error(`runUntil: predicate still false after ${maxIterations} iterations`);
}

/** One captured log call. */
export interface LogRecord {
  level: "debug" | "info" | "warning" | "error";
  message: string;
  error: unknown;
}

/** Routes the asyncio logger into an array until `restore()` (Python: mock.patch of the logger). */
export function captureLog(): { records: LogRecord[]; restore: () => void } {
  const records: LogRecord[] = [];
  const sink: Logger = {
    debug: (message, error) => records.push({ level: "debug", message, error }),
    info: (message, error) => records.push({ level: "info", message, error }),
    warning: (message, error) => records.push({ level: "warning", message, error }),
    error: (message, error) => records.push({ level: "error", message, error }),
  };
  const previous = setLogger(sink);
  return { records, restore: () => setLogger(previous) };
}
