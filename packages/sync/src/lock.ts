/**
 * Lock: FIFO-fair mutual exclusion between tasks on one loop.
 * Mirrors CPython 3.13 asyncio/locks.py (_ContextManagerMixin, Lock).
 *
 * The fast path (unlocked, nobody queued) returns a shared settled promise: no future, no
 * promise, no async frame (benchmark W4). Otherwise the task parks on a loop future in
 * `_waiters`; `release` wakes the first waiter, which takes the lock when it runs. A waiter
 * cancelled after being woken passes the wakeup on, so the lock is never left free with tasks
 * queued (CPython bpo-32734, gh-90155).
 */
import { CancelledError, RuntimeError } from "@aio/core";
import type { AsyncContextManager } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { _Deque } from "./deque.js";
import { _LoopBoundMixin } from "./mixins.js";
import { checkNoArguments } from "./internal/arguments.js";
import { RESOLVED_TRUE, RESOLVED_VOID, allCancelled, toVoid } from "./internal/waiters.js";

/**
 * A mutual-exclusion lock for tasks; waiters get it in FIFO order.
 * Use it with `asyncWith(lock, body)` or `await using held = await enter(lock)`.
 * @example
 * const lock = new Lock();
 * await asyncWith(lock, async () => { counter += 1; });
 * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock
 */
export class Lock extends _LoopBoundMixin implements AsyncContextManager<void> {
  /** Futures of the tasks blocked in `acquire`, oldest first; null until the first one. @internal */
  _waiters: _Deque<Future<boolean>> | null = null;
  /** @internal */
  _locked = false;

  /** @throws TypeError when given any argument (Python: `Lock.__init__()` takes none; `loop` went in 3.10). */
  constructor() {
    super();
    // eslint-disable-next-line prefer-rest-params -- the public signature takes no parameters.
    checkNoArguments("Lock", arguments);
  }

  /** True while the lock is held. */
  locked(): boolean {
    return this._locked;
  }

  /**
   * Waits until the lock is free, takes it, and resolves to true.
   * @throws CancelledError when the task is cancelled while waiting (the lock is then not held by it);
   * RuntimeError "… is bound to a different event loop" when used from a second loop.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock.acquire
   */
  acquire(): Promise<true> {
    // Fair scheduling: take the lock at once only if nobody waits (cancelled waiters do not count).
    if (!this._locked && (this._waiters === null || allCancelled(this._waiters))) {
      this._locked = true;
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
      // CPython Lock.acquire: a cancelled waiter that was already woken must pass the wakeup
      // on, or the lock stays free while the next waiter sleeps (bpo-32734).
      if (error instanceof CancelledError && !this._locked) this._wakeUpFirst();
      throw error;
    }
    this._locked = true;
    return true;
  }

  /**
   * Frees the lock and wakes the first waiter.
   * @throws RuntimeError "Lock is not acquired." when the lock is free.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock.release
   */
  release(): void {
    if (!this._locked) throw new RuntimeError("Lock is not acquired.");
    this._locked = false;
    this._wakeUpFirst();
  }

  /** Wakes the first waiter unless it is already woken (done). @internal */
  _wakeUpFirst(): void {
    const waiters = this._waiters;
    if (waiters === null || waiters.length === 0) return;
    const future = waiters.at(0) as Future<boolean>;
    if (!future.done()) future.setResult(true);
  }

  /** `async with lock`: acquires; the value is undefined. */
  aenter(): Promise<void> {
    if (!this._locked && (this._waiters === null || allCancelled(this._waiters))) {
      this._locked = true;
      return RESOLVED_VOID;
    }
    return this._acquireSlow().then(toVoid);
  }

  /** `async with lock`: releases, whatever the body did. */
  aexit(_error?: unknown): Promise<void> {
    if (!this._locked) return Promise.reject(new RuntimeError("Lock is not acquired."));
    this.release();
    return RESOLVED_VOID;
  }

  override toString(): string {
    let extra = this._locked ? "locked" : "unlocked";
    if (this._waiters !== null && this._waiters.length > 0) extra += `, waiters:${this._waiters.length}`;
    return `<${this.constructor.name} [${extra}]>`;
  }
}
