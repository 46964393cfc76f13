/**
 * wait: wait for a set of futures until all, the first, or the first failing one is done.
 * Mirrors CPython 3.13 asyncio/tasks.py (wait, _wait, _release_waiter, FIRST_COMPLETED…).
 */
import { getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, AbstractTimerHandle } from "@aio/core";
import { awaitFuture, isFuture } from "@aio/futures";
import type { Future } from "@aio/futures";

/** Return when any future finishes or is cancelled. */
export const FIRST_COMPLETED = "FIRST_COMPLETED" as const;
/** Return when any future finishes by raising, or all are done. */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION" as const;
/** Return when all futures are done (the default). */
export const ALL_COMPLETED = "ALL_COMPLETED" as const;

/** One of the three `returnWhen` constants. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Seconds to wait at most (null: no limit); on expiry, the pending futures are returned. */
  timeout?: number | null;
  returnWhen?: ReturnWhen;
}

/** Python's `_release_waiter`. @internal */
export function releaseWaiter(waiter: AbstractFuture<unknown>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}

/**
 * Waits for the futures and tasks; resolves with `[done, pending]`, two Sets. Never raises
 * TimeoutError: on timeout the unfinished ones are in `pending`.
 * @throws TypeError for a single future, a coroutine thunk, or a non-future; RangeError for an
 * empty set or a bad `returnWhen` (Python's ValueError).
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.wait
 */
export async function wait<T>(
  aws: Iterable<AbstractFuture<T>>,
  options: WaitOptions = {},
): Promise<[Set<AbstractFuture<T>>, Set<AbstractFuture<T>>]> {
  const { timeout = null, returnWhen = ALL_COMPLETED } = options;
  if (isFuture(aws) || typeof aws === "function") {
    throw new TypeError(`expect a list of futures, not ${describe(aws)}`);
  }
  if (aws === null || aws === undefined || typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`expect a list of futures, not ${describe(aws)}`);
  }
  const futures = new Set(aws);
  if (futures.size === 0) throw new RangeError("Set of Tasks/Futures is empty.");
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new RangeError(`Invalid return_when value: ${String(returnWhen)}`);
  }
  for (const future of futures) {
    if (typeof future === "function") throw new TypeError("Passing coroutines is forbidden, use tasks explicitly.");
    if (!isFuture(future)) throw new TypeError(`expect a list of futures, got ${describe(future)}`);
  }
  checkTimeout(timeout);
  return waitInternal(futures, timeout, returnWhen, getRunningLoop());
}

/** Python's `_wait`: `futures` is a non-empty set of futures. @internal */
export async function waitInternal<T>(
  futures: Set<AbstractFuture<T>>,
  timeout: number | null,
  returnWhen: ReturnWhen,
  loop: AbstractEventLoop,
): Promise<[Set<AbstractFuture<T>>, Set<AbstractFuture<T>>]> {
  const waiter = loop.createFuture<void>() as Future<void>;
  let timeoutHandle: AbstractTimerHandle | null = null;
  if (timeout !== null) timeoutHandle = loop.callLater(timeout, releaseWaiter, waiter);
  let counter = futures.size;
  const onCompletion = (future: AbstractFuture<T>): void => {
    counter -= 1;
    if (
      counter <= 0 ||
      returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !future.cancelled() && future.exception() !== null)
    ) {
      timeoutHandle?.cancel();
      if (!waiter.done()) waiter.setResult(undefined);
    }
  };
  for (const future of futures) future.addDoneCallback(onCompletion);
  try {
    await awaitFuture(waiter);
  } finally {
    timeoutHandle?.cancel();
    for (const future of futures) future.removeDoneCallback(onCompletion);
  }
  const done = new Set<AbstractFuture<T>>();
  const pending = new Set<AbstractFuture<T>>();
  for (const future of futures) (future.done() ? done : pending).add(future);
  return [done, pending];
}

/** @throws TypeError if `timeout` is not a number or null; RangeError if NaN. @internal */
export function checkTimeout(timeout: unknown): void {
  if (timeout === null) return;
  if (typeof timeout !== "number") throw new TypeError(`timeout must be a number or None, got ${describe(timeout)}`);
  if (Number.isNaN(timeout)) throw new RangeError("timeout must not be NaN");
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
