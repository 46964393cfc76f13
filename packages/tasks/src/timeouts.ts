/**
 * timeout / timeoutAt / Timeout: a deadline for a block of code in the current task.
 * Mirrors CPython 3.13 asyncio/timeouts.py.
 *
 * At the deadline the task is cancelled; on exit, if that cancel is the one still pending
 * (`uncancel()` brings the count back to where it was on entry), the CancelledError becomes a
 * TimeoutError. A cancel from outside is left alone, so timeouts nest and compose with
 * TaskGroup.
 *
 * Python's `raise TimeoutError from exc` becomes `new TimeoutError(undefined, { cause })`. When
 * the body ends with another error instead, Python's `_insert_timeout_error` splices a
 * TimeoutError into that error's implicit `__context__` chain; JavaScript has no implicit
 * chaining to walk, so that error goes through unchanged (see README).
 */
import { CancelledError, RuntimeError, TimeoutError, _pyNumberRepr, asyncWith, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, AbstractHandle, AsyncContextManager } from "@aio/core";
import { currentTask } from "./task.js";
import type { Task } from "./task.js";

const CREATED = "created";
const ENTERED = "active";
const EXPIRING = "expiring";
const EXPIRED = "expired";
const EXITED = "finished";
type State = typeof CREATED | typeof ENTERED | typeof EXPIRING | typeof EXPIRED | typeof EXITED;

/**
 * A rescheduleable deadline for the code inside `asyncWith(timeout(…), body)`.
 * Create it with {@link timeout} or {@link timeoutAt}.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.Timeout
 */
export class Timeout implements AsyncContextManager<Timeout> {
  /** @internal */
  _state: State = CREATED;
  /** @internal */
  _timeoutHandler: AbstractHandle | null = null;
  /** @internal */
  _task: Task<unknown> | null = null;
  /** @internal */
  _when: number | null;
  /** @internal */
  _cancelling = 0;

  /** `when`: the loop time of the deadline, or null for none. */
  constructor(when: number | null) {
    checkWhen(when);
    this._when = when;
  }

  /** The deadline (loop time), or null. */
  when(): number | null {
    return this._when;
  }

  /**
   * Moves the deadline (null: none).
   * @throws RuntimeError unless the timeout is active.
   */
  reschedule(when: number | null): void {
    checkWhen(when);
    if (this._state !== ENTERED) {
      if (this._state === CREATED) throw new RuntimeError("Timeout has not been entered");
      throw new RuntimeError(`Cannot change state of ${this._state} Timeout`);
    }
    this._when = when;
    this._timeoutHandler?.cancel();
    if (when === null) {
      this._timeoutHandler = null;
    } else {
      const loop: AbstractEventLoop = getRunningLoop();
      this._timeoutHandler = when <= loop.time() ? loop.callSoon(this._onTimeout) : loop.callAt(when, this._onTimeout);
    }
  }

  /** True once the deadline passed while the block ran. */
  expired(): boolean {
    return this._state === EXPIRING || this._state === EXPIRED;
  }

  /**
   * Starts the deadline for the current task.
   * @throws RuntimeError "Timeout has already been entered" or "Timeout should be used inside a task".
   */
  aenter(): Promise<Timeout> {
    if (this._state !== CREATED) return Promise.reject(new RuntimeError("Timeout has already been entered"));
    const task = currentTask();
    if (task === null) return Promise.reject(new RuntimeError("Timeout should be used inside a task"));
    this._state = ENTERED;
    this._task = task;
    this._cancelling = task.cancelling();
    this.reschedule(this._when);
    return Promise.resolve(this);
  }

  /**
   * Stops the deadline. If it expired and its cancel is the only one pending, the body's
   * CancelledError becomes a TimeoutError; any other error goes through unchanged.
   * @throws TimeoutError with the CancelledError as `cause`.
   */
  aexit(error: unknown): Promise<boolean> {
    this._timeoutHandler?.cancel();
    this._timeoutHandler = null;
    if (this._state === EXPIRING) {
      this._state = EXPIRED;
      if ((this._task as Task<unknown>).uncancel() <= this._cancelling && error !== undefined) {
        if (error instanceof CancelledError) {
          return Promise.reject(new TimeoutError(undefined, { cause: error }));
        }
      }
    } else if (this._state === ENTERED) {
      this._state = EXITED;
    }
    return Promise.resolve(false);
  }

  /** @internal */
  readonly _onTimeout = (): void => {
    (this._task as Task<unknown>).cancel();
    this._state = EXPIRING;
    this._timeoutHandler = null;
  };

  toString(): string {
    const when = this._when === null ? "None" : pythonFloatRepr(Math.round(this._when * 1000) / 1000);
    return this._state === ENTERED ? `<Timeout [${this._state}] when=${when}>` : `<Timeout [${this._state}]>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Python's repr of a float: `10.0`, not JavaScript's `10`. */
function pythonFloatRepr(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : _pyNumberRepr(value);
}

function checkWhen(when: unknown): void {
  if (when === null) return;
  if (typeof when !== "number") throw new TypeError(`when must be a number or None, got ${typeof when}`);
  if (Number.isNaN(when)) throw new RangeError("when must not be NaN");
}

/**
 * A Timeout that expires `delay` seconds from now (null: never).
 * @throws RuntimeError "no running event loop".
 * @example
 * await asyncWith(timeout(10), async () => { await longRunningTask(); });
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout
 */
export function timeout(delay: number | null): Timeout {
  if (delay !== null && typeof delay !== "number") {
    throw new TypeError(`delay must be a number or None, got ${typeof delay}`);
  }
  const loop = getRunningLoop();
  return new Timeout(delay === null ? null : loop.time() + delay);
}

/**
 * A Timeout that expires at loop time `when` (null: never).
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout_at
 */
export function timeoutAt(when: number | null): Timeout {
  return new Timeout(when);
}

/** `asyncWith(timeout, body)` used by waitFor. @internal */
export function asyncWithTimeout<T>(cm: Timeout, body: () => Promise<T>): Promise<T> {
  return asyncWith(cm, body);
}
