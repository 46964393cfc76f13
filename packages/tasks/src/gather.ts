/**
 * gather: run awaitables concurrently and collect their results in order.
 * Mirrors CPython 3.13 asyncio/tasks.py (gather, _GatheringFuture).
 */
import { CancelledError, _getEventLoop } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture } from "@aio/core";
import { Future } from "@aio/futures";
import { ensureFuture } from "./ensure-future.js";
import type { Awaitable } from "./ensure-future.js";
import { splitTrailingOptions } from "./internal/arguments.js";

/** Options of {@link gather}. */
export interface GatherOptions {
  /** Put errors in the result list instead of raising the first one. */
  returnExceptions?: boolean;
}

/**
 * The future `gather` returns: cancelling it cancels every child that is not done, and it ends
 * cancelled only through that. @internal
 */
export class GatheringFuture<T> extends Future<T> {
  /** @internal */
  _children: AbstractFuture<unknown>[];
  /** @internal */
  _cancelRequested = false;

  constructor(children: AbstractFuture<unknown>[], loop: AbstractEventLoop) {
    super({ loop });
    this._children = children;
  }

  override cancel(msg?: unknown): boolean {
    if (this.done()) return false;
    let cancelled = false;
    for (const child of this._children) {
      if (child.cancel(msg)) cancelled = true;
    }
    if (cancelled) this._cancelRequested = true;
    return cancelled;
  }
}

const CHILD_DONE_NAME = { value: "gather.<locals>._done_callback" };

type Results<A extends readonly unknown[]> = { -readonly [K in keyof A]: A[K] extends Awaitable<infer R> ? R : unknown };

/**
 * Runs the awaitables concurrently; resolves with their results in argument order.
 * Thunks and promises are wrapped in tasks. The first error is raised unless
 * `returnExceptions` is true. Cancelling the gather cancels every child; a cancelled child
 * counts as an error, not as cancelling the gather. Accepts `gather(a, b)` or `gather([a, b])`,
 * with an optional trailing `{ returnExceptions }`.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.gather
 */
export function gather<A extends readonly Awaitable<unknown>[]>(
  ...args: [...A] | [...A, GatherOptions]
): Future<Results<A>>;
export function gather<T>(awaitables: Iterable<Awaitable<T>>, options?: GatherOptions): Future<T[]>;
export function gather(...args: unknown[]): Future<unknown[]> {
  const [items, options] = splitTrailingOptions<GatherOptions>(args, ["returnExceptions"]);
  const returnExceptions = options.returnExceptions === true;
  if (items.length === 0) {
    const outer = _getEventLoop().createFuture<unknown[]>() as Future<unknown[]>;
    outer.setResult([]);
    return outer;
  }

  // Python's arg_to_fut dict, made only for items that are not pending aio futures (see below).
  let argToFuture: Map<unknown, AbstractFuture<unknown>> | null = null;
  const children: AbstractFuture<unknown>[] = [];
  const doneFutures: AbstractFuture<unknown>[] = [];
  let loop: AbstractEventLoop | null = null;
  let outer: GatheringFuture<unknown[]> | null = null;
  let futureCount = 0;
  let finished = 0;

  const onChildDone = (future: AbstractFuture<unknown>): void => {
    finished += 1;
    if (outer === null || outer.done()) {
      // Mark the child's exception as retrieved so it is not reported as never retrieved.
      if (!future.cancelled()) future.exception();
      return;
    }
    if (!returnExceptions) {
      if (future.cancelled()) {
        outer.setException((future as Future<unknown>)._makeCancelledError());
        return;
      }
      const error = future.exception();
      if (error !== null) {
        outer.setException(error);
        return;
      }
    }
    if (finished === futureCount) {
      const results: unknown[] = [];
      for (const child of children) {
        if (child.cancelled()) {
          const message = (child as Future<unknown>)._cancelMessage;
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Python's str(msg): any value may be a cancel message.
          results.push(new CancelledError(message === undefined || message === null ? "" : String(message)));
        } else {
          const error = child.exception();
          results.push(error !== null ? error : child.result());
        }
      }
      if (outer._cancelRequested) {
        // CPython's `fut._make_cancelled_error()` runs after `for fut in children:`, so `fut` is
        // the last child in argument order (not the one that finished last). A task hands out
        // its cancel message once: if that child's was taken already, the error is bare.
        outer.setException((children[children.length - 1] as Future<unknown>)._makeCancelledError());
      } else {
        outer.setResult(results);
      }
    }
  };

  // Reprs name the callback as Python's qualname: `cb=[gather.<locals>._done_callback()]`.
  Object.defineProperty(onChildDone, "name", CHILD_DONE_NAME);

  // An indexed loop: for-of made an iterator result per item here (benchmark W1).
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item instanceof Future && !item.done()) {
      // The common case (tasks, futures), without a dictionary lookup per item (benchmarks W1,
      // W10): a pending future seen before in this call ends with our callback, as nothing else
      // runs between the registrations.
      if (loop === null) loop = item._loop;
      else if (item._loop !== loop) ensureFuture(item, { loop }); // raises Python's ValueError
      if (item._lastCallback() !== onChildDone) {
        futureCount += 1;
        item._pushCallback(onChildDone, null);
      }
      children.push(item);
      continue;
    }
    argToFuture ??= new Map();
    let future = argToFuture.get(item);
    if (future === undefined) {
      future = ensureFuture(item as Awaitable<unknown>, { loop });
      loop ??= future.getLoop();
      if (future !== item) (future as { _logDestroyPending?: boolean })._logDestroyPending = false;
      futureCount += 1;
      argToFuture.set(item, future);
      if (future.done()) doneFutures.push(future);
      else future.addDoneCallback(onChildDone);
    }
    children.push(future);
  }
  outer = new GatheringFuture<unknown[]>(children, loop as AbstractEventLoop);
  for (const future of doneFutures) onChildDone(future);
  return outer;
}
