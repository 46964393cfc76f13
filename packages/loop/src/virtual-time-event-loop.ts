/**
 * VirtualTimeEventLoop: an event loop whose clock is virtual, for testing timeouts and sleeps.
 * An @aio addition; CPython's counterpart is its own test helper, test_utils.TestLoop.
 *
 * `time()` starts at 0 and moves only forward. When nothing is ready and no I/O is pending, the
 * loop jumps the clock straight to the next timer instead of waiting (Trio's autojump clock),
 * so an hour of `sleep` takes microseconds. Everything else is the ordinary loop: callbacks,
 * tasks, timeouts, queues and locks run in the same order and see the same `time()` values as
 * on the real loop, minus the waiting.
 *
 * I/O: transports and child processes register pending I/O with `_ioStarted()` /
 * `_ioFinished()`. While any is pending, the loop waits for the next timer in real time (as
 * the ordinary loop does) and then sets the clock to that timer's deadline, so a deadline never
 * expires before the I/O it guards had its real chance to complete.
 *
 * With `autojump: false`, time moves only through `advance(seconds)`, for tests that step
 * time by hand.
 */
import { EventLoop } from "./event-loop.js";
import { WAIT_IMMEDIATE, WAIT_TIMER } from "./base-event-loop.js";

/** Options of {@link VirtualTimeEventLoop}. */
export interface VirtualTimeEventLoopOptions {
  /** Jump to the next timer whenever the loop would wait (default true). */
  autojump?: boolean;
  /** The clock's starting value in seconds (default 0). */
  start?: number;
}

/**
 * An event loop with a virtual clock that jumps to the next timer when idle.
 * @example
 * const loop = new VirtualTimeEventLoop();
 * await loop.runUntilComplete(() => sleep(3600)); // returns at once; loop.time() === 3600
 */
export class VirtualTimeEventLoop extends EventLoop {
  /** @internal */
  _virtualTime: number;
  /** @internal */
  _autojump: boolean;
  /** Operations (sockets, pipes, processes) the loop waits for in real time. @internal */
  _ioPending = 0;

  /** @internal */
  readonly _jump = (): void => {
    this._waitImmediate = null;
    const next = this._scheduled.peek();
    if (this._ready.length === 0 && next !== undefined && next._when > this._virtualTime) {
      this._virtualTime = next._when;
    }
    this._iterate();
  };

  /** @internal */
  readonly _realTimerFired = (): void => {
    this._waitTimer = null;
    if (this._armedWhen > this._virtualTime && this._armedWhen !== Infinity) this._virtualTime = this._armedWhen;
    this._iterate();
  };

  /** @throws TypeError / RangeError for a non-number or non-finite `start`. */
  constructor(options: VirtualTimeEventLoopOptions = {}) {
    super();
    const { autojump = true, start = 0 } = options;
    if (typeof start !== "number") throw new TypeError(`start must be a number, got ${typeof start}`);
    if (!Number.isFinite(start)) throw new RangeError(`start must be finite, got ${start}`);
    this._virtualTime = start;
    this._autojump = Boolean(autojump);
  }

  /** The virtual clock, in seconds. */
  override time(): number {
    return this._virtualTime;
  }

  /**
   * Moves the clock forward by `seconds`; timers that come due run in the next iteration.
   * @throws TypeError if not a number; RangeError if negative or NaN.
   */
  advance(seconds: number): void {
    if (typeof seconds !== "number") throw new TypeError(`seconds must be a number, got ${typeof seconds}`);
    if (!(seconds >= 0)) throw new RangeError(`seconds must be >= 0, got ${seconds}`);
    this._virtualTime += seconds;
    if (this._running && this._waitKind === WAIT_TIMER) this._wake();
  }

  /** Marks one I/O operation as pending: the clock will not jump past it. @internal */
  _ioStarted(): void {
    this._ioPending += 1;
  }

  /** Marks one pending I/O operation as finished. @internal */
  _ioFinished(): void {
    if (this._ioPending > 0) this._ioPending -= 1;
  }

  /** Instead of waiting for `when`: jump (idle, no I/O), wait for `advance` (no autojump), or wait in real time. @internal */
  override _armTimer(when: number): void {
    this._armedWhen = when;
    if (!this._autojump) {
      // Only advance() moves time: wait like an idle loop, woken by advance() or callSoon.
      this._waitKind = WAIT_TIMER;
      if (when <= this._virtualTime) this._wake();
      return;
    }
    if (this._ioPending === 0) {
      // Let Node deliver anything already due (I/O callbacks, other macrotasks) before jumping.
      this._waitKind = WAIT_IMMEDIATE;
      this._waitImmediate = setImmediate(this._jump);
      return;
    }
    this._waitKind = WAIT_TIMER;
    const delayMs = Math.max(0, Math.ceil((when - this._virtualTime) * 1000));
    this._waitTimer = setTimeout(this._realTimerFired, Math.min(delayMs, 2_147_483_647));
  }
}
