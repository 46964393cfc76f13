/**
 * _LoopBoundMixin: a primitive binds to the running loop the first time it has to wait.
 * Mirrors CPython 3.13 asyncio/mixins.py (_LoopBoundMixin).
 *
 * Primitives and queues can be created anywhere (outside a loop, before `run`); `_loop` stays null
 * until an operation must create a future, and from then on only that loop may use the object.
 * Also gives every subclass Node's inspect hook, which prints the Python-shaped `toString()`.
 */
import { RuntimeError, _getRunningLoop, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, LoopInternals } from "@aio/core";

/** The loop type the primitives use (public interface plus the fast internal hooks). @internal */
export type BoundLoop = AbstractEventLoop & LoopInternals;

/**
 * Base class of the primitives and queues: binds lazily to one event loop. @internal
 * @see https://github.com/python/cpython/blob/3.13/Lib/asyncio/mixins.py
 */
export class _LoopBoundMixin {
  /** The loop this object is bound to; null until something first had to wait. @internal */
  _loop: BoundLoop | null = null;

  /**
   * The running loop, binding this object to it on first use.
   * @throws RuntimeError "no running event loop" outside a loop;
   * RuntimeError "<repr> is bound to a different event loop" from a second loop.
   */
  _getLoop(): BoundLoop {
    const loop = _getRunningLoop() as BoundLoop | null;
    // Differs from CPython: Python binds to None outside a loop and then fails on None.create_future();
    // here the caller gets RuntimeError "no running event loop" at once.
    if (loop === null) return getRunningLoop() as BoundLoop;
    if (this._loop === null) this._loop = loop;
    if (loop !== this._loop) throw new RuntimeError(`${this.toString()} is bound to a different event loop`);
    return loop;
  }

  /** Python's repr shape; every subclass overrides it with its own state. */
  toString(): string {
    return `<${this.constructor.name}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
