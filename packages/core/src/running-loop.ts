/**
 * The running event loop of this process: Python's per-thread `_running_loop`.
 * Mirrors CPython 3.13 asyncio/events.py (get_running_loop, _get_running_loop, _set_running_loop).
 *
 * JavaScript has one thread, so there is one slot: while a loop runs (from `runForever` until it
 * stops) it is *the* running loop, and starting another loop meanwhile is a RuntimeError, as in a
 * Python thread.
 */
import type { AbstractEventLoop } from "./event-loop.js";
import { RuntimeError } from "./errors.js";

let runningLoop: AbstractEventLoop | null = null;

/**
 * The running event loop.
 * @throws RuntimeError "no running event loop" when none runs.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.get_running_loop
 */
export function getRunningLoop(): AbstractEventLoop {
  if (runningLoop === null) throw new RuntimeError("no running event loop");
  return runningLoop;
}

/** The running loop or null, without raising (Python's `_get_running_loop`). */
export function _getRunningLoop(): AbstractEventLoop | null {
  return runningLoop;
}

/** Sets or clears the running loop; only loops call this (Python's `_set_running_loop`). */
export function _setRunningLoop(loop: AbstractEventLoop | null): void {
  runningLoop = loop;
}
