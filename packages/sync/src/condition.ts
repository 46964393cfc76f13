/**
 * Condition: tasks wait, releasing a lock, until another task notifies them.
 * Mirrors CPython 3.13 asyncio/locks.py (Condition).
 *
 * `wait` releases the lock, parks on a future, and re-acquires the lock before returning, even
 * when cancelled: a cancel that arrives while re-acquiring is held back until the lock is held
 * again, then re-raised (the same CancelledError instance). Any error out of `wait` notifies
 * another waiter, since this task may already have consumed a notification (gh-112202): a
 * spurious wakeup is allowed, a lost one is not.
 */
import { CancelledError, RuntimeError } from "@aio/core";
import type { AsyncContextManager } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { _Deque } from "./deque.js";
import { Lock } from "./lock.js";
import { _LoopBoundMixin } from "./mixins.js";
import { checkOptionNames, describeValue, isOptionsObject } from "./internal/arguments.js";

/**
 * What a Condition needs of its lock: Python's Condition takes any object with `locked`,
 * `acquire` and `release` (a Lock, or a Semaphore, as CPython allows).
 */
export interface LockLike {
  locked(): boolean;
  acquire(): Promise<unknown>;
  release(): void;
}

/** Options of the {@link Condition} constructor. */
export interface ConditionOptions {
  /** The lock to share; a new Lock when omitted or null. */
  lock?: LockLike | null;
}

function isLockLike(value: unknown): value is LockLike {
  if (value === null || typeof value !== "object") return false;
  const lock = value as Record<string, unknown>;
  return typeof lock.locked === "function" && typeof lock.acquire === "function" && typeof lock.release === "function";
}

/** Python's truth value: empty strings, arrays, Maps and Sets are false, as `[]`, `{}` and `set()` are. */
function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value) || typeof value === "string") return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  return Boolean(value);
}

/**
 * A condition variable over a Lock (a new one, or one shared with other code).
 * @example
 * const cond = new Condition();
 * await asyncWith(cond, async () => {
 *   await cond.waitFor(() => items.length > 0);
 * });
 * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Condition
 */
export class Condition extends _LoopBoundMixin implements AsyncContextManager<void> {
  /** @internal */
  readonly _lock: LockLike;
  /** Futures of the tasks blocked in `wait`, oldest first. @internal */
  _waiters: _Deque<Future<boolean>> = new _Deque();

  /**
   * @throws TypeError when `lock` has no `locked`/`acquire`/`release` methods, or for an unknown
   * option such as `loop`.
   */
  constructor(lock?: LockLike | null | ConditionOptions) {
    super();
    let given: unknown = lock;
    if (isOptionsObject(lock)) {
      checkOptionNames("Condition", lock, ["lock"]);
      given = lock.lock;
    }
    if (given === undefined || given === null) {
      this._lock = new Lock();
    } else if (isLockLike(given)) {
      this._lock = given;
    } else {
      throw new TypeError(`\`lock\` must be a Lock, got ${describeValue(given)}`);
    }
  }

  /** True while the underlying lock is held. */
  locked(): boolean {
    return this._lock.locked();
  }

  /** Acquires the underlying lock (see {@link Lock.acquire}). */
  acquire(): Promise<true> {
    return this._lock.acquire() as Promise<true>;
  }

  /**
   * Releases the underlying lock.
   * @throws RuntimeError "Lock is not acquired." when it is free.
   */
  release(): void {
    this._lock.release();
  }

  /**
   * Releases the lock, waits for a notification, re-acquires the lock, and resolves to true.
   * May return spuriously, so callers re-check their condition (or use {@link Condition.waitFor}).
   * @throws RuntimeError "cannot wait on un-acquired lock"; CancelledError when cancelled (the lock
   * is held again when it is thrown).
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Condition.wait
   */
  async wait(): Promise<true> {
    if (!this.locked()) throw new RuntimeError("cannot wait on un-acquired lock");
    const future = this._getLoop().createFuture<boolean>() as Future<boolean>;
    this.release();
    try {
      try {
        this._waiters.push(future);
        try {
          await awaitFuture(future);
          return true;
        } finally {
          this._waiters.remove(future);
        }
      } finally {
        // CPython Condition.wait: re-acquire the lock even if the wait is cancelled. Only
        // CancelledError is held back; any other error must not make this loop spin.
        let cancelled: CancelledError | null = null;
        for (;;) {
          try {
            await this.acquire();
            break;
          } catch (error) {
            // eslint-disable-next-line no-unsafe-finally -- as in Python, a non-cancel error ends the re-acquire loop.
            if (!(error instanceof CancelledError)) throw error;
            cancelled = error;
          }
        }
        // eslint-disable-next-line no-unsafe-finally -- Python re-raises the latest CancelledError here.
        if (cancelled !== null) throw cancelled;
      }
    } catch (error) {
      // gh-112202: this task may have been notified before the error; hand the notification on.
      this._notify(1);
      throw error;
    }
  }

  /**
   * Waits until `predicate()` is true in Python's sense (an empty array, string, Map or Set is
   * not), and resolves to its value.
   * @throws RuntimeError "cannot wait on un-acquired lock" if it must wait without the lock held.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Condition.wait_for
   */
  async waitFor<R>(predicate: () => R): Promise<R> {
    let result = predicate();
    while (!pyTruthy(result)) {
      await this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiting tasks (default 1); they return once they re-acquire the lock.
   * @throws RuntimeError "cannot notify on un-acquired lock".
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Condition.notify
   */
  notify(n = 1): void {
    if (!this.locked()) throw new RuntimeError("cannot notify on un-acquired lock");
    this._notify(n);
  }

  /** @internal */
  _notify(n: number): void {
    let woken = 0;
    const items = this._waiters._items;
    for (let i = this._waiters._head; i < items.length && woken < n; i++) {
      const future = items[i] as Future<boolean>;
      if (!future.done()) {
        woken += 1;
        future.setResult(false);
      }
    }
  }

  /**
   * Wakes every waiting task.
   * @throws RuntimeError "cannot notify on un-acquired lock".
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Condition.notify_all
   */
  notifyAll(): void {
    this.notify(this._waiters.length);
  }

  /** `async with cond`: acquires the lock; the value is undefined. */
  async aenter(): Promise<void> {
    await this._lock.acquire();
  }

  /** `async with cond`: releases the lock. */
  aexit(_error?: unknown): Promise<void> {
    this._lock.release();
    return Promise.resolve();
  }

  override toString(): string {
    let extra = this.locked() ? "locked" : "unlocked";
    if (this._waiters.length > 0) extra += `, waiters:${this._waiters.length}`;
    return `<${this.constructor.name} [${extra}]>`;
  }
}
