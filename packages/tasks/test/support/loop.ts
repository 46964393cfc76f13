/**
 * Test helpers for @aio/tasks: fresh loops, a virtual-time loop, and ports of CPython's
 * test_asyncio/utils.py `run_briefly` and `run_until`.
 */
import { BaseEventLoop, newEventLoop } from "@aio/loop";
import type { ExceptionContext } from "@aio/core";
import { onTestFinished } from "vitest";

/**
 * A loop whose clock jumps to the next timer when nothing is ready (CPython's TestLoop, without
 * the time generator). Timers still fire in (when, sequence) order; no real time passes.
 */
export class VirtualTimeLoop extends BaseEventLoop {
  /** @internal */
  _clock = 0;
  /** Iterations run so far. */
  iterations = 0;

  override time(): number {
    return this._clock;
  }

  /** Moves the clock forward by `seconds` (CPython's TestLoop.advance_time). */
  advance(seconds: number): void {
    this._clock += seconds;
  }

  override _armTimer(when: number): void {
    // Jump straight to the earliest deadline, then iterate as if it had fired.
    if (when > this._clock) this._clock = when;
    this._waitKind = 1;
    this._waitImmediate = setImmediate(this._iterate);
  }
}

/** Counts iterations of any BaseEventLoop (wraps its `_runOnce`). */
export function countIterations(loop: BaseEventLoop): { count: number } {
  const counter = { count: 0 };
  const original = loop._runOnce;
  Object.defineProperty(loop, "_runOnce", {
    value: () => {
      counter.count += 1;
      original();
    },
  });
  return counter;
}

/** A new default loop, closed when the test finishes. */
export function makeLoop(): BaseEventLoop {
  const loop = newEventLoop();
  onTestFinished(() => {
    if (!loop.isRunning()) loop.close();
  });
  return loop;
}

/** A new virtual-time loop, closed when the test finishes. */
export function makeVirtualLoop(): VirtualTimeLoop {
  const loop = new VirtualTimeLoop();
  onTestFinished(() => {
    if (!loop.isRunning()) loop.close();
  });
  return loop;
}

/** Records every exception-handler call of `loop`. */
export function captureExceptions(loop: BaseEventLoop): ExceptionContext[] {
  const calls: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    calls.push(context);
  });
  return calls;
}

/** Port of utils.run_briefly: runs the loop until a trivial task finishes (a few iterations). */
export async function runBriefly(loop: BaseEventLoop): Promise<void> {
  const task = loop.createTask(async () => undefined);
  (task as { _logDestroyPending?: boolean })._logDestroyPending = false;
  await loop.runUntilComplete(task);
}

/** Port of utils.run_until: runs the loop in short sleeps until `predicate()` holds. */
export async function runUntil(loop: BaseEventLoop, predicate: () => boolean, maxRounds = 200): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    if (predicate()) return;
    await loop.runUntilComplete(async () => {
      await new Promise<void>((resolve) => loop.callLater(0.001, resolve));
    });
  }
  throw new Error("runUntil: predicate never became true");
}

/** Lets Node's own event loop turn `times` times (timers, I/O, FinalizationRegistry callbacks). */
export async function nodeTurns(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Collects garbage and lets finalizers run (for "exception was never retrieved"). */
export async function collectGarbage(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await nodeTurns(1);
  }
}
