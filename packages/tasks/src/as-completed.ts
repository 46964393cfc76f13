/**
 * asCompleted: the awaitables in the order they finish.
 * Mirrors CPython 3.13 asyncio/tasks.py (as_completed, _AsCompletedIterator).
 *
 * As in 3.13 the result is both a plain iterator, whose items are awaitables giving the next
 * result (or raising its error), and an async iterator giving the next finished task or future.
 * The plain iterator's awaitables are lazy, like the coroutines Python's `__next__` returns: each
 * joins the queue of waiters when first awaited, so the first one awaited gets the first result
 * whatever its position (test_as_completed_reverse_wait).
 */
import { TimeoutError, _getEventLoop } from "@aio/core";
import type { AbstractFuture, AbstractHandle } from "@aio/core";
import { awaitFuture, isFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { ensureFuture } from "./ensure-future.js";
import type { Awaitable } from "./ensure-future.js";
import { checkTimeout } from "./wait.js";

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /** Seconds until the remaining waits raise TimeoutError (null: no limit). */
  timeout?: number | null;
}

/**
 * Both an iterator of awaitables (each the next result) and an async iterator of finished futures.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.as_completed
 */
export class AsCompletedIterator<T> implements IterableIterator<PromiseLike<T>>, AsyncIterable<AbstractFuture<T>> {
  /** Finished futures, or null for "timed out", not yet taken. @internal */
  _done: (AbstractFuture<T> | null)[] = [];
  /** Getters waiting for `_done`, in order. @internal */
  _getters: Future<void>[] = [];
  /** @internal */
  _timeoutHandle: AbstractHandle | null = null;
  /** @internal */
  _todo: Set<AbstractFuture<T>>;
  /** @internal */
  _todoLeft: number;

  /** @internal */
  constructor(aws: Iterable<Awaitable<T>>, timeout: number | null) {
    const loop = _getEventLoop();
    this._todo = new Set([...new Set(aws)].map((aw) => ensureFuture(aw, { loop })));
    for (const future of this._todo) future.addDoneCallback(this._handleCompletion);
    if (this._todo.size > 0 && timeout !== null) {
      this._timeoutHandle = loop.callLater(timeout, this._handleTimeout);
    }
    this._todoLeft = this._todo.size;
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.asyncIterator](): AsyncIterator<AbstractFuture<T>, undefined> {
    return { next: () => this.nextAsync() };
  }

  /** The next awaitable: awaiting it gives the next result to finish, or raises its error. */
  next(): IteratorResult<PromiseLike<T>, undefined> {
    if (this._todoLeft === 0) return { done: true, value: undefined };
    this._todoLeft -= 1;
    return { done: false, value: new NextResult(this) };
  }

  /** The async iterator's step: the next finished future. */
  async nextAsync(): Promise<IteratorResult<AbstractFuture<T>, undefined>> {
    if (this._todoLeft === 0) return { done: true, value: undefined };
    this._todoLeft -= 1;
    const [future] = await this._waitForOne();
    return { done: false, value: future };
  }

  /** @internal */
  readonly _handleTimeout = (): void => {
    for (const future of this._todo) {
      future.removeDoneCallback(this._handleCompletion);
      this._put(null);
    }
    this._todo.clear();
  };

  /** @internal */
  readonly _handleCompletion = (future: AbstractFuture<T>): void => {
    if (this._todo.size === 0) return;
    this._todo.delete(future);
    this._put(future);
    if (this._todo.size === 0) this._timeoutHandle?.cancel();
  };

  /** @internal */
  _put(item: AbstractFuture<T> | null): void {
    this._done.push(item);
    const getter = this._getters.shift();
    if (getter !== undefined && !getter.done()) getter.setResult(undefined);
  }

  /**
   * The next finished future, boxed: a promise cannot resolve to a future (it would adopt it).
   * @internal
   */
  async _waitForOne(): Promise<[AbstractFuture<T>]> {
    while (this._done.length === 0) {
      const getter = _getEventLoop().createFuture<void>() as Future<void>;
      this._getters.push(getter);
      try {
        await awaitFuture(getter);
      } catch (error) {
        const index = this._getters.indexOf(getter);
        if (index >= 0) this._getters.splice(index, 1);
        else if (this._done.length > 0) this._getters[0]?.setResult(undefined);
        throw error;
      }
    }
    const future = this._done.shift() as AbstractFuture<T> | null;
    if (future === null) throw new TimeoutError();
    return [future];
  }
}

/**
 * An awaitable of the plain iterator: Python's unstarted `_wait_for_one(resolve=True)` coroutine.
 * It starts waiting at its first `then`, and later `then`s share that wait.
 */
class NextResult<T> implements PromiseLike<T> {
  /** @internal */
  _iterator: AsCompletedIterator<T>;
  /** @internal */
  _promise: Promise<T> | null = null;

  constructor(iterator: AsCompletedIterator<T>) {
    this._iterator = iterator;
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this._promise ??= this._iterator._waitForOne().then(([future]) => future.result());
    return this._promise.then(onFulfilled, onRejected);
  }
}

/**
 * Iterates the awaitables in completion order: `for (const aw of asCompleted(tasks))` gives
 * awaitables of results, `for await (const task of asCompleted(tasks))` gives finished tasks.
 * @throws TypeError if `aws` is a single awaitable rather than an iterable of them.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.as_completed
 */
export function asCompleted<T>(aws: Iterable<Awaitable<T>>, options: AsCompletedOptions = {}): AsCompletedIterator<T> {
  const { timeout = null } = options;
  if (isFuture(aws) || typeof aws === "function" || (aws !== null && typeof aws === "object" && "then" in aws)) {
    throw new TypeError(`expects an iterable of awaitables, not ${(aws as object).constructor?.name ?? typeof aws}`);
  }
  if (aws === null || aws === undefined || typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`expects an iterable of awaitables, not ${aws === null ? "None" : typeof aws}`);
  }
  checkTimeout(timeout);
  return new AsCompletedIterator(aws, timeout);
}
