/**
 * LifoQueue: a Queue that hands out the most recently added item first.
 * Mirrors CPython 3.13 asyncio/queues.py (LifoQueue).
 */
import { Queue } from "./queue.js";

/**
 * A last-in, first-out queue for tasks (a stack with Queue's waiting, join and shutdown).
 * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.LifoQueue
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  declare _queue: T[];

  /** @internal */
  override _init(_maxsize: number): void {
    this._queue = [];
  }

  /** @internal */
  override _get(): T {
    return this._queue.pop() as T;
  }

  /** @internal */
  override _put(item: T): void {
    this._queue.push(item);
  }
}
