/**
 * Semaphore and BoundedSemaphore: a counter of permits that tasks take and give back.
 * Mirrors CPython 3.13 asyncio/locks.py (Semaphore, BoundedSemaphore).
 *
 * Fairness (CPython 3.11.1+/3.12, gh-90155): a task may take a permit at once only if no live
 * waiter is queued, so a newcomer never barges ahead of a woken task that has not run yet.
 * `release` takes the permit on behalf of the first pending waiter (`_value -= 1` in
 * `_wakeUpNext`); a woken waiter that is cancelled before it runs gives the permit back, and
 * every waiter leaving `acquire` wakes as many queued waiters as there are free permits, so a
 * cancellation at any moment neither leaks a permit nor strands the next waiter.
 */
import { CancelledError } from "@aio/core";
import type { AsyncContextManager } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { _Deque } from "./deque.js";
import { _LoopBoundMixin } from "./mixins.js";
import { checkOptionNames, describeValue, isOptionsObject } from "./internal/arguments.js";
import { RESOLVED_TRUE, RESOLVED_VOID, allCancelled, toVoid } from "./internal/waiters.js";

/** Options of the {@link Semaphore} and {@link BoundedSemaphore} constructors. */
export interface SemaphoreOptions {
  /** The initial number of permits; default 1. */
  value?: number;
}

function initialValue(cls: string, value: number | SemaphoreOptions | undefined): number {
  let given: unknown = value;
  if (isOptionsObject(value)) {
    checkOptionNames(cls, value, ["value"]);
    given = value.value;
  }
  if (given === undefined) return 1;
  if (typeof given !== "number" || Number.isNaN(given)) {
    throw new TypeError(`\`value\` must be a number, got ${describeValue(given)}`);
  }
  if (given < 0) throw new RangeError("Semaphore initial value must be >= 0");
  return given;
}

/**
 * A counter of permits: `acquire` takes one (waiting while there are none), `release` gives one back.
 * @example
 * const sem = new Semaphore(2);
 * await asyncWith(sem, async () => { await fetchOne(); });
 * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore
 */
export class Semaphore extends _LoopBoundMixin implements AsyncContextManager<void> {
  /** Futures of the tasks blocked in `acquire`, oldest first; null until the first one. @internal */
  _waiters: _Deque<Future<boolean>> | null = null;
  /** Free permits; never negative. A woken waiter's permit is already deducted. @internal */
  _value: number;

  /**
   * @param value the initial number of permits (default 1), or `{ value }`.
   * @throws RangeError "Semaphore initial value must be >= 0"; TypeError when `value` is not a number.
   */
  constructor(value?: number | SemaphoreOptions) {
    super();
    this._value = initialValue(new.target.name, value);
  }

  /** True when `acquire()` would wait: no permit is free, or live waiters come first. */
  locked(): boolean {
    return this._value === 0 || (this._waiters !== null && !allCancelled(this._waiters));
  }

  /**
   * Takes a permit, waiting for one if none is free; resolves to true.
   * @throws CancelledError when the task is cancelled while waiting (no permit is then held by it);
   * RuntimeError "… is bound to a different event loop" when used from a second loop.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore.acquire
   */
  acquire(): Promise<true> {
    if (!this.locked()) {
      // FIFO: even with _value > 0, queued waiters go first (locked() checked that).
      this._value -= 1;
      return RESOLVED_TRUE;
    }
    return this._acquireSlow();
  }

  /** @internal */
  async _acquireSlow(): Promise<true> {
    const waiters = (this._waiters ??= new _Deque());
    const future = this._getLoop().createFuture<boolean>() as Future<boolean>;
    waiters.push(future);
    try {
      try {
        await awaitFuture(future);
      } finally {
        waiters.remove(future);
      }
    } catch (error) {
      if (error instanceof CancelledError && future.done() && !future.cancelled()) {
        // Woken by _wakeUpNext (which took our permit), but cancelled before running: give it back.
        this._value += 1;
      }
      throw error;
    } finally {
      // New waiters may have queued behind us because of FIFO: wake as many as permits allow.
      while (this._value > 0) {
        if (!this._wakeUpNext()) break;
      }
    }
    return true;
  }

  /**
   * Gives a permit back, waking the first waiting task.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore.release
   */
  release(): void {
    this._value += 1;
    this._wakeUpNext();
  }

  /** Wakes the first waiter that is not done, taking a permit for it; false if there is none. @internal */
  _wakeUpNext(): boolean {
    const waiters = this._waiters;
    if (waiters === null) return false;
    const items = waiters._items;
    for (let i = waiters._head; i < items.length; i++) {
      const future = items[i] as Future<boolean>;
      if (!future.done()) {
        this._value -= 1;
        future.setResult(true);
        return true;
      }
    }
    return false;
  }

  /** `async with sem`: takes a permit; the value is undefined. */
  aenter(): Promise<void> {
    if (!this.locked()) {
      this._value -= 1;
      return RESOLVED_VOID;
    }
    return this._acquireSlow().then(toVoid);
  }

  /** `async with sem`: gives the permit back, whatever the body did. */
  async aexit(_error?: unknown): Promise<void> {
    this.release();
  }

  override toString(): string {
    let extra = this.locked() ? "locked" : `unlocked, value:${this._value}`;
    if (this._waiters !== null && this._waiters.length > 0) extra += `, waiters:${this._waiters.length}`;
    return `<${this.constructor.name} [${extra}]>`;
  }
}

/**
 * A Semaphore that refuses to be released above its initial value.
 * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.BoundedSemaphore
 */
export class BoundedSemaphore extends Semaphore {
  /** @internal */
  readonly _boundValue: number;

  /** @throws RangeError "Semaphore initial value must be >= 0"; TypeError when `value` is not a number. */
  constructor(value?: number | SemaphoreOptions) {
    super(value);
    this._boundValue = this._value;
  }

  /**
   * Gives a permit back.
   * @throws RangeError "BoundedSemaphore released too many times" (Python's ValueError).
   */
  override release(): void {
    if (this._value >= this._boundValue) throw new RangeError("BoundedSemaphore released too many times");
    super.release();
  }
}
