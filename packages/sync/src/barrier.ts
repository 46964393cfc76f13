/**
 * Barrier: a fixed number of tasks wait for each other, then all go on together.
 * Mirrors CPython 3.13 asyncio/locks.py (_BarrierState, Barrier).
 *
 * State machine over one Condition: FILLING (tasks arrive), DRAINING (the last arrival released
 * them; newcomers wait for the drain), RESETTING (a reset broke the waiting tasks out; newcomers
 * wait), BROKEN (abort: every wait throws BrokenBarrierError until `reset`).
 */
import { BrokenBarrierError, asyncWith } from "@aio/core";
import type { AsyncContextManager } from "@aio/core";
import { Condition } from "./condition.js";
import { _LoopBoundMixin } from "./mixins.js";
import { describeValue } from "./internal/arguments.js";

/** Python's `_BarrierState` values. @internal */
export const BARRIER_STATE = {
  FILLING: "filling",
  DRAINING: "draining",
  RESETTING: "resetting",
  BROKEN: "broken",
} as const;

/** One of the {@link BARRIER_STATE} values. @internal */
export type BarrierState = (typeof BARRIER_STATE)[keyof typeof BARRIER_STATE];

/**
 * Lets `parties` tasks wait until all of them have arrived; `wait()` gives each an arrival index.
 * @example
 * const barrier = new Barrier(3);
 * const index = await barrier.wait(); // 0, 1 or 2, once three tasks are waiting
 * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Barrier
 */
export class Barrier extends _LoopBoundMixin implements AsyncContextManager<number> {
  /** Notifies every task when the state changes. @internal */
  readonly _cond: Condition = new Condition();
  /** @internal */
  readonly _parties: number;
  /** @internal */
  _state: BarrierState = BARRIER_STATE.FILLING;
  /** Tasks inside `wait` (filling or draining). @internal */
  _count = 0;

  /**
   * @param parties how many tasks must wait before all are released.
   * @throws RangeError "parties must be > 0"; TypeError when `parties` is not a number.
   */
  constructor(parties: number) {
    super();
    if (typeof parties !== "number" || Number.isNaN(parties)) {
      throw new TypeError(`\`parties\` must be a number, got ${describeValue(parties)}`);
    }
    if (parties < 1) throw new RangeError("parties must be > 0");
    this._parties = parties;
  }

  /** `async with barrier as index`: waits at the barrier and gives the arrival index. */
  aenter(): Promise<number> {
    return this.wait();
  }

  /** `async with barrier`: nothing to do. */
  aexit(_error?: unknown): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Waits until `parties` tasks are waiting, then resolves to this task's arrival index
   * (0 to parties - 1).
   * @throws BrokenBarrierError "Barrier aborted" or "Abort or reset of barrier"; CancelledError.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Barrier.wait
   */
  wait(): Promise<number> {
    return asyncWith(this._cond, async () => {
      await this._block(); // Block while the barrier drains or resets.
      try {
        const index = this._count;
        this._count += 1;
        if (index + 1 === this._parties) this._release();
        else await this._wait();
        return index;
      } finally {
        this._count -= 1;
        // Wake up any tasks waiting for the barrier to drain.
        this._exit();
      }
    });
  }

  /** Waits while the barrier drains or resets; throws if it is broken. @internal */
  async _block(): Promise<void> {
    await this._cond.waitFor(
      () => this._state !== BARRIER_STATE.DRAINING && this._state !== BARRIER_STATE.RESETTING,
    );
    if (this._state === BARRIER_STATE.BROKEN) throw new BrokenBarrierError("Barrier aborted");
  }

  /** The last party arrived: drain. @internal */
  _release(): void {
    this._state = BARRIER_STATE.DRAINING;
    this._cond.notifyAll();
  }

  /** Waits for the barrier to fill; throws if it is reset or broken meanwhile. @internal */
  async _wait(): Promise<void> {
    await this._cond.waitFor(() => this._state !== BARRIER_STATE.FILLING);
    if (this._state === BARRIER_STATE.BROKEN || this._state === BARRIER_STATE.RESETTING) {
      throw new BrokenBarrierError("Abort or reset of barrier");
    }
  }

  /** The last task out of a drain or reset re-opens the barrier. @internal */
  _exit(): void {
    if (this._count === 0) {
      if (this._state === BARRIER_STATE.RESETTING || this._state === BARRIER_STATE.DRAINING) {
        this._state = BARRIER_STATE.FILLING;
      }
      this._cond.notifyAll();
    }
  }

  /**
   * Returns the barrier to the filling state; tasks waiting in it get BrokenBarrierError.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Barrier.reset
   */
  reset(): Promise<void> {
    return asyncWith(this._cond, () => {
      if (this._count > 0) {
        if (this._state !== BARRIER_STATE.RESETTING) this._state = BARRIER_STATE.RESETTING;
      } else {
        this._state = BARRIER_STATE.FILLING;
      }
      this._cond.notifyAll();
    });
  }

  /**
   * Breaks the barrier: waiting and future `wait()` calls throw BrokenBarrierError until `reset`.
   * @see https://docs.python.org/3/library/asyncio-sync.html#asyncio.Barrier.abort
   */
  abort(): Promise<void> {
    return asyncWith(this._cond, () => {
      this._state = BARRIER_STATE.BROKEN;
      this._cond.notifyAll();
    });
  }

  /** How many tasks must wait before the barrier opens. */
  get parties(): number {
    return this._parties;
  }

  /** How many tasks are waiting while the barrier fills (0 otherwise). */
  get nWaiting(): number {
    return this._state === BARRIER_STATE.FILLING ? this._count : 0;
  }

  /** True when the barrier is broken (after `abort`). */
  get broken(): boolean {
    return this._state === BARRIER_STATE.BROKEN;
  }

  override toString(): string {
    let extra: string = this._state;
    if (!this.broken) extra += `, waiters:${this.nWaiting}/${this.parties}`;
    return `<${this.constructor.name} [${extra}]>`;
  }
}
