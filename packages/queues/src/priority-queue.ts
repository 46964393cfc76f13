/**
 * PriorityQueue: a Queue that hands out the smallest item first.
 * Mirrors CPython 3.13 asyncio/queues.py (PriorityQueue) over a port of heapq.
 *
 * Without a comparator, items are ordered as Python orders them: numbers, strings, and arrays
 * of them compared like tuples (`[priority, data]` entries work as in Python).
 */
import { Queue, parseMaxsize } from "./queue.js";
import type { QueueOptions } from "./queue.js";
import { pythonCompare } from "./internal/compare.js";
import { heapPop, heapPush } from "./internal/heap.js";
import type { Compare } from "./internal/heap.js";

/** Options of the {@link PriorityQueue} constructor. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /** Orders items: negative when `a` comes out first. Default: Python's ordering of numbers, strings and tuples. */
  comparator?: (a: T, b: T) => number;
}

/**
 * A queue that returns the lowest item first (a min-heap).
 * @example
 * const queue = new PriorityQueue<[number, string]>();
 * queue.putNowait([2, "later"]);
 * queue.putNowait([1, "first"]);
 * queue.getNowait(); // [1, "first"]
 * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.PriorityQueue
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  declare _queue: T[];
  /** @internal */
  readonly _compare: Compare<T>;

  /**
   * @param maxsize the bound (default 0: unbounded), or `{ maxsize, comparator }`.
   * @param options `{ comparator }` when `maxsize` is given positionally.
   * @throws TypeError when `maxsize` is not an integer or `comparator` is not a function;
   * `put` throws TypeError "'<' not supported between instances of …" for items Python cannot order.
   */
  constructor(maxsize?: number | PriorityQueueOptions<T>, options: PriorityQueueOptions<T> = {}) {
    const merged: PriorityQueueOptions<T> =
      maxsize !== null && typeof maxsize === "object" ? maxsize : { ...options, maxsize: maxsize ?? options.maxsize };
    parseMaxsize(merged, ["maxsize", "comparator"]);
    super(merged.maxsize);
    const comparator = merged.comparator;
    if (comparator !== undefined && typeof comparator !== "function") {
      throw new TypeError(`\`comparator\` must be a function, got ${String(comparator)}`);
    }
    this._compare = comparator ?? pythonCompare;
  }

  /** @internal */
  override _init(_maxsize: number): void {
    this._queue = [];
  }

  /** @internal */
  override _put(item: T): void {
    heapPush(this._queue, item, this._compare);
  }

  /** @internal */
  override _get(): T {
    return heapPop(this._queue, this._compare);
  }
}
