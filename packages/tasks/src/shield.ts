/**
 * shield: await something without letting a cancel of the awaiting task cancel it.
 * Mirrors CPython 3.13 asyncio/tasks.py (shield).
 */
import type { AbstractFuture } from "@aio/core";
import { ensureFuture } from "./ensure-future.js";
import type { Awaitable } from "./ensure-future.js";

const INNER_NAME = { value: "shield.<locals>._inner_done_callback" };
const OUTER_NAME = { value: "shield.<locals>._outer_done_callback" };

/**
 * A future that follows `awaitable` but whose cancellation does not reach it: cancelling the
 * task that awaits the shield raises CancelledError there while the inner work goes on.
 * Keep a reference to the inner task.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.shield
 */
export function shield<T>(awaitable: Awaitable<T>): AbstractFuture<T> {
  const inner = ensureFuture(awaitable);
  if (inner.done()) return inner;
  const outer = inner.getLoop().createFuture<T>();
  const onInnerDone = (): void => {
    if (outer.cancelled()) {
      if (!inner.cancelled()) inner.exception();
      return;
    }
    if (inner.cancelled()) {
      outer.cancel();
    } else {
      const error = inner.exception();
      if (error !== null) outer.setException(error);
      else outer.setResult(inner.result());
    }
  };
  const onOuterDone = (): void => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  };
  // Reprs name the callbacks as Python's qualnames: `cb=[shield.<locals>._inner_done_callback()]`.
  Object.defineProperty(onInnerDone, "name", INNER_NAME);
  Object.defineProperty(onOuterDone, "name", OUTER_NAME);
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(onOuterDone);
  return outer;
}
