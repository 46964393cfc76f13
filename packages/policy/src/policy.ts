/**
 * Event loop policies: which loop `newEventLoop()` and `run()` create, and the current loop.
 * Mirrors CPython 3.13 asyncio/events.py (AbstractEventLoopPolicy, BaseDefaultEventLoopPolicy,
 * get/set_event_loop_policy, get/set/new_event_loop) and unix_events.DefaultEventLoopPolicy.
 *
 * Loading this package routes `newEventLoop()` of @aio/loop (and so `run()` and `Runner`)
 * through the current policy, and lets futures and primitives created outside a running loop
 * bind to the policy's current loop, as Python's `get_event_loop()` does. That is how a custom
 * loop class plugs in, the way uvloop does in Python: a policy whose `newEventLoop` returns it.
 *
 * Child watchers (deprecated in 3.12, removed in 3.14) are not offered: @aio/subprocess reaps
 * children through Node.
 */
import {
  NotImplementedError,
  RuntimeError,
  _getRunningLoop,
  _pyTypeName,
  _registerEventLoopGetter,
  _registerEventLoopSetter,
} from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { BaseEventLoop, EventLoop, _setNewEventLoopFactory } from "@aio/loop";

/**
 * The interface of a policy.
 * @see https://docs.python.org/3/library/asyncio-policy.html#asyncio.AbstractEventLoopPolicy
 */
export class AbstractEventLoopPolicy {
  /** The current context's loop. */
  getEventLoop(): AbstractEventLoop {
    throw new NotImplementedError();
  }
  /** Sets the current context's loop (null: none). */
  setEventLoop(_loop: AbstractEventLoop | null): void {
    throw new NotImplementedError();
  }
  /** A new loop, following the policy's rules; not set as current. */
  newEventLoop(): AbstractEventLoop {
    throw new NotImplementedError();
  }
}

function isEventLoop(value: unknown): value is AbstractEventLoop {
  if (value instanceof BaseEventLoop) return true;
  if (value === null || typeof value !== "object") return false;
  const loop = value as Record<string, unknown>;
  return ["runUntilComplete", "runForever", "callSoon", "callLater", "createFuture", "time"].every(
    (name) => typeof loop[name] === "function",
  );
}


/**
 * Python's BaseDefaultEventLoopPolicy: one current loop (JavaScript has one thread), created on
 * first `getEventLoop()` unless `setEventLoop` was called.
 */
export class BaseDefaultEventLoopPolicy extends AbstractEventLoopPolicy {
  /** @internal */
  _loop: AbstractEventLoop | null = null;
  /** @internal */
  _setCalled = false;

  /** The loop class this policy makes (override, or override `newEventLoop`). */
  protected loopFactory(): AbstractEventLoop {
    throw new NotImplementedError();
  }

  /**
   * The current loop; the first call makes one (with a DeprecationWarning, as 3.12+ does) unless
   * `setEventLoop` was called.
   * @throws RuntimeError "There is no current event loop in thread 'MainThread'." after `setEventLoop(null)`.
   */
  override getEventLoop(): AbstractEventLoop {
    if (this._loop === null && !this._setCalled) {
      process.emitWarning("There is no current event loop", { type: "DeprecationWarning", code: "AIO_NO_CURRENT_LOOP" });
      this.setEventLoop(this.newEventLoop());
    }
    if (this._loop === null) {
      throw new RuntimeError("There is no current event loop in thread 'MainThread'.");
    }
    return this._loop;
  }

  /** @throws TypeError if `loop` is neither an event loop nor null. */
  override setEventLoop(loop: AbstractEventLoop | null): void {
    this._setCalled = true;
    if (loop !== null && !isEventLoop(loop)) {
      throw new TypeError(`loop must be an instance of AbstractEventLoop or None, not '${_pyTypeName(loop)}'`);
    }
    this._loop = loop;
  }

  override newEventLoop(): AbstractEventLoop {
    return this.loopFactory();
  }
}

/**
 * The default policy: `EventLoop` from @aio/loop.
 * @see https://docs.python.org/3/library/asyncio-policy.html#asyncio.DefaultEventLoopPolicy
 */
export class DefaultEventLoopPolicy extends BaseDefaultEventLoopPolicy {
  protected override loopFactory(): AbstractEventLoop {
    return new EventLoop();
  }
}

let policy: AbstractEventLoopPolicy | null = null;

/** The current policy (a DefaultEventLoopPolicy until one is set). */
export function getEventLoopPolicy(): AbstractEventLoopPolicy {
  return (policy ??= new DefaultEventLoopPolicy());
}

/**
 * Sets the policy; null restores the default.
 * @throws TypeError if `newPolicy` is not an AbstractEventLoopPolicy or null.
 */
export function setEventLoopPolicy(newPolicy: AbstractEventLoopPolicy | null): void {
  if (newPolicy !== null && !(newPolicy instanceof AbstractEventLoopPolicy)) {
    throw new TypeError(
      `policy must be an instance of AbstractEventLoopPolicy or None, not '${_pyTypeName(newPolicy)}'`,
    );
  }
  policy = newPolicy;
}

/**
 * The running loop, else the policy's current loop.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.get_event_loop
 */
export function getEventLoop(): AbstractEventLoop {
  return _getRunningLoop() ?? getEventLoopPolicy().getEventLoop();
}

/** Sets the policy's current loop. */
export function setEventLoop(loop: AbstractEventLoop | null): void {
  getEventLoopPolicy().setEventLoop(loop);
}

/** A new loop from the policy (not set as current). */
export function newEventLoop(): AbstractEventLoop {
  return getEventLoopPolicy().newEventLoop();
}

_registerEventLoopGetter(() => getEventLoopPolicy().getEventLoop());
_registerEventLoopSetter((loop) => setEventLoop(loop));
_setNewEventLoopFactory(() => getEventLoopPolicy().newEventLoop() as BaseEventLoop);
