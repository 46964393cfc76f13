/**
 * Queue: a FIFO for passing items between tasks, optionally bounded, with join and shutdown.
 * Mirrors CPython 3.13 asyncio/queues.py (Queue).
 *
 * Blocked getters and putters park on loop futures in two deques; each operation that frees an
 * item or a slot wakes the next parked task (`_wakeupNext`), which then re-checks the queue. A
 * task woken but cancelled before it runs hands its wakeup to the next task in line, so a cancelled
 * get never swallows an item and a cancelled put never inserts one. `_init`, `_get` and `_put`
 * are the storage hooks that LifoQueue and PriorityQueue override, as in Python.
 */
import { QueueEmpty, QueueFull, QueueShutDown, _pyRepr } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { Event, _Deque, _LoopBoundMixin } from "@aio/sync";

const RESOLVED: Promise<void> = Promise.resolve();

/** Options of the {@link Queue} constructor. */
export interface QueueOptions {
  /** Upper bound on the number of items; 0 or less means unbounded (the default). */
  maxsize?: number;
}

/** Reads `maxsize` from the positional or options form and validates it. @internal */
export function parseMaxsize(maxsize: unknown, allowed: readonly string[]): number {
  let given = maxsize;
  if (given !== null && typeof given === "object" && !Array.isArray(given)) {
    for (const name of Object.keys(given)) {
      // Python names Queue.__init__ for every subclass (they inherit it).
      if (!allowed.includes(name)) throw new TypeError(`Queue.__init__() got an unexpected keyword argument '${name}'`);
    }
    given = (given as QueueOptions).maxsize;
  }
  if (given === undefined) return 0;
  // Differs from CPython: Python accepts a float maxsize (1.3 holds 2 items); a fraction here is
  // almost always a mistake, so it is a TypeError.
  if (typeof given !== "number" || !Number.isInteger(given)) {
    throw new TypeError(`\`maxsize\` must be an integer, got ${showValue(given)}`);
  }
  return given;
}

/**
 * A first-in, first-out queue for tasks; `maxsize` > 0 makes `put` wait while it is full.
 * @example
 * const queue = new Queue<number>(2);
 * await queue.put(1);
 * await queue.get(); // 1
 * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue
 */
export class Queue<T = unknown> extends _LoopBoundMixin implements AsyncIterable<T> {
  /** @internal */
  readonly _maxsize: number;
  /** Futures of tasks waiting in `get`, oldest first. @internal */
  readonly _getters: _Deque<Future<null>> = new _Deque();
  /** Futures of tasks waiting in `put`, oldest first. @internal */
  readonly _putters: _Deque<Future<null>> = new _Deque();
  /** Items put and not yet marked done with `taskDone`. @internal */
  _unfinishedTasks = 0;
  /** Set whenever `_unfinishedTasks` is 0; `join` waits on it. @internal */
  readonly _finished: Event = new Event();
  /** The items; its shape belongs to `_init`/`_get`/`_put`. @internal */
  _queue!: _Deque<T> | T[];
  /** @internal */
  _isShutdown = false;

  /**
   * @param maxsize the bound (default 0: unbounded), or `{ maxsize }`.
   * @throws TypeError when `maxsize` is not an integer, or for an unknown option such as `loop`.
   */
  constructor(maxsize?: number | QueueOptions) {
    super();
    this._maxsize = parseMaxsize(maxsize, ["maxsize"]);
    this._finished.set();
    this._init(this._maxsize);
  }

  // These three are overridable in subclasses (Python's storage hooks).

  /** Creates the item storage. @internal */
  _init(_maxsize: number): void {
    this._queue = new _Deque<T>();
  }

  /** Removes and returns the next item. @internal */
  _get(): T {
    return (this._queue as _Deque<T>).shift() as T;
  }

  /** Stores an item. @internal */
  _put(item: T): void {
    (this._queue as _Deque<T>).push(item);
  }

  /** Wakes the next waiter that is not done (cancelled ones are dropped). @internal */
  _wakeupNext(waiters: _Deque<Future<null>>): void {
    while (waiters.length > 0) {
      const waiter = waiters.shift() as Future<null>;
      if (!waiter.done()) {
        waiter.setResult(null);
        break;
      }
    }
  }

  /** Python's `_format`: the part of the repr after the class name. @internal */
  _format(): string {
    let result = `maxsize=${this._maxsize}`;
    if (this._queue.length > 0) {
      const items = Array.isArray(this._queue) ? this._queue : this._queue.toArray();
      result += ` _queue=${_pyRepr(items)}`;
    }
    if (this._getters.length > 0) result += ` _getters[${this._getters.length}]`;
    if (this._putters.length > 0) result += ` _putters[${this._putters.length}]`;
    if (this._unfinishedTasks > 0) result += ` tasks=${this._unfinishedTasks}`;
    if (this._isShutdown) result += " shutdown";
    return result;
  }

  override toString(): string {
    return `<${this.constructor.name} ${this._format()}>`;
  }

  /** Number of items in the queue. */
  qsize(): number {
    return this._queue.length;
  }

  /** The bound given at construction (0 or less: unbounded). */
  get maxsize(): number {
    return this._maxsize;
  }

  /** True when the queue holds no items. */
  empty(): boolean {
    return this._queue.length === 0;
  }

  /** True when the queue holds `maxsize` items (never, for an unbounded queue). */
  full(): boolean {
    if (this._maxsize <= 0) return false;
    return this._queue.length >= this._maxsize;
  }

  /**
   * Puts `item`, waiting while the queue is full.
   * @throws QueueShutDown if the queue is (or gets) shut down; CancelledError when cancelled while
   * waiting (the item is then not in the queue).
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.put
   */
  put(item: T): Promise<void> {
    // Python's put does not suspend when there is room; nor does this (no coroutine frame per
    // item: benchmark W3).
    if (!this.full() && !this._isShutdown) {
      try {
        this.putNowait(item);
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what putNowait/getNowait threw, as an async function would
        return Promise.reject(error);
      }
      return RESOLVED;
    }
    return this._putSlow(item);
  }

  /** @internal */
  async _putSlow(item: T): Promise<void> {
    while (this.full()) {
      if (this._isShutdown) throw new QueueShutDown();
      const putter = this._getLoop().createFuture<null>() as Future<null>;
      this._putters.push(putter);
      try {
        await awaitFuture(putter);
      } catch (error) {
        putter.cancel(); // Just in case the putter is not done yet.
        // It may be gone already: getNowait and shutdown pop the putters they wake.
        this._putters.remove(putter);
        // Woken by getNowait but unable to take the slot: wake the next in line.
        if (!this.full() && !putter.cancelled()) this._wakeupNext(this._putters);
        throw error;
      }
    }
    this.putNowait(item);
  }

  /**
   * Puts `item` without waiting.
   * @throws QueueFull when the queue is full; QueueShutDown when it is shut down.
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.put_nowait
   */
  putNowait(item: T): void {
    if (this._isShutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this._put(item);
    this._unfinishedTasks += 1;
    this._finished.clear();
    this._wakeupNext(this._getters);
  }

  /**
   * Removes and returns an item, waiting while the queue is empty.
   * @throws QueueShutDown if the queue is shut down and empty (or shut down immediately);
   * CancelledError when cancelled while waiting (no item is then taken).
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.get
   */
  get(): Promise<T> {
    // Python's get does not suspend when an item is there; nor does this.
    if (!this.empty()) {
      try {
        return Promise.resolve(this.getNowait());
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what putNowait/getNowait threw, as an async function would
        return Promise.reject(error);
      }
    }
    return this._getSlow();
  }

  /** @internal */
  async _getSlow(): Promise<T> {
    while (this.empty()) {
      if (this._isShutdown) throw new QueueShutDown();
      const getter = this._getLoop().createFuture<null>() as Future<null>;
      this._getters.push(getter);
      try {
        await awaitFuture(getter);
      } catch (error) {
        getter.cancel(); // Just in case the getter is not done yet.
        // It may be gone already: putNowait and shutdown pop the getters they wake.
        this._getters.remove(getter);
        // Woken by putNowait but unable to take the item: wake the next in line.
        if (!this.empty() && !getter.cancelled()) this._wakeupNext(this._getters);
        throw error;
      }
    }
    return this.getNowait();
  }

  /**
   * Removes and returns an item without waiting.
   * @throws QueueEmpty when the queue is empty; QueueShutDown when it is shut down and empty.
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.get_nowait
   */
  getNowait(): T {
    if (this.empty()) {
      if (this._isShutdown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this._get();
    this._wakeupNext(this._putters);
    return item;
  }

  /**
   * Marks one item taken with `get` as processed; `join` returns once every item is.
   * @throws RangeError "task_done() called too many times" (Python's ValueError).
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.task_done
   */
  taskDone(): void {
    if (this._unfinishedTasks <= 0) throw new RangeError("task_done() called too many times");
    this._unfinishedTasks -= 1;
    if (this._unfinishedTasks === 0) this._finished.set();
  }

  /**
   * Waits until every item put has been marked done with `taskDone`.
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.join
   */
  async join(): Promise<void> {
    if (this._unfinishedTasks > 0) await this._finished.wait();
  }

  /**
   * Shuts the queue down: `put` throws QueueShutDown from now on, and `get` does once the queue
   * is empty, or at once with `immediate` (which also drops the items and marks them done).
   * Tasks blocked in `put` or `get` are woken to see it.
   * @see https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue.shutdown
   */
  shutdown(immediate = false): void {
    this._isShutdown = true;
    if (immediate) {
      while (!this.empty()) {
        this._get();
        if (this._unfinishedTasks > 0) this._unfinishedTasks -= 1;
      }
      if (this._unfinishedTasks === 0) this._finished.set();
    }
    // Every getter must re-check the queue to raise QueueShutDown.
    wakeAll(this._getters);
    wakeAll(this._putters);
  }

  /**
   * Async iteration (an `@aio` addition): yields items as `get()` returns them, and ends when the
   * queue is shut down and drained. Call `taskDone()` per item if something `join`s the queue.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.get();
      } catch (error) {
        // QueueShutDown is the end of the iteration; CancelledError and the rest propagate.
        if (error instanceof QueueShutDown) return;
        throw error;
      }
      yield item;
    }
  }
}

/** Shows a bad argument in a message: strings quoted, objects by class. */
function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value !== null && typeof value === "object") return `a ${value.constructor.name}`;
  return String(value);
}

function wakeAll(waiters: _Deque<Future<null>>): void {
  while (waiters.length > 0) {
    const waiter = waiters.shift() as Future<null>;
    if (!waiter.done()) waiter.setResult(null);
  }
}
