/**
 * Handle and TimerHandle: a callback scheduled on the loop, cancellable until it runs.
 * Mirrors CPython 3.13 asyncio/events.py (Handle, TimerHandle).
 */
import type { AbstractHandle, AbstractTimerHandle, Context, ExceptionContext } from "@aio/core";
import { _pyNumberRepr, contextVarsTouched, currentContext } from "@aio/core";
import { formatCallbackSource } from "./internal/format.js";

/**
 * The first ContextVar.set of the process happened inside a context-less callback, in the
 * loop's (then empty) context: empty it again, as Python drops the callback's copy.
 */
function discardFirstWrites(): void {
  const context = currentContext();
  if (context._data.size > 0) context._data = new Map();
}

/** `Handle._arg` when the callback takes no argument. @internal */
export const NO_ARG: unique symbol = Symbol("NO_ARG");

/** What a handle needs from its loop. @internal */
export interface HandleLoop {
  _debug: boolean;
  callExceptionHandler(context: ExceptionContext): void;
  _timerHandleCancelled(handle: TimerHandle): void;
}

/**
 * A callback scheduled with `callSoon`; `cancel()` stops it from running.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.Handle
 */
export class Handle implements AbstractHandle {
  /** @internal */
  _callback: ((...args: never[]) => unknown) | null;
  /** The argument list; null when the callback takes at most one argument, kept in `_arg`. @internal */
  _args: unknown[] | null;
  /**
   * The one argument (or NO_ARG) when `_args` is null: most handles pass one argument or none (a
   * done callback its future, a transport its chunk), and an array for it cost 56 bytes per
   * handle (benchmarks W0, W1, W6). @internal
   */
  _arg: unknown;
  /** @internal */
  _cancelled = false;
  /** @internal */
  _loop: HandleLoop;
  /** @internal */
  _context: Context | null;
  /** Where the handle was created (debug mode only). @internal */
  declare _sourceTraceback: string | undefined;
  /** The repr frozen at cancel time in debug mode. @internal */
  declare _repr: string | null;
  static {
    // Debug-mode fields default on the prototype: no slot in every handle (benchmarks W0, W5).
    Object.defineProperty(this.prototype, "_sourceTraceback", { value: undefined, writable: true });
    Object.defineProperty(this.prototype, "_repr", { value: null, writable: true });
  }

  /** @internal */
  constructor(
    callback: (...args: never[]) => unknown,
    args: unknown[] | null,
    loop: HandleLoop,
    context: Context | null,
    // Read only when `args` is null; not a default parameter, as `undefined` is an argument too.
    arg?: unknown,
  ) {
    this._callback = callback;
    this._args = args;
    this._arg = args === null ? arg : NO_ARG;
    this._loop = loop;
    this._context = context;
  }

  /** The arguments the callback is called with. @internal */
  _argList(): unknown[] {
    if (this._args !== null) return this._args;
    return this._arg === NO_ARG ? [] : [this._arg];
  }

  /** The context the callback runs in (null: the loop's own). */
  getContext(): Context | null {
    return this._context;
  }

  /** Stops the callback from running; no effect if it ran or was cancelled already. */
  cancel(): void {
    if (!this._cancelled) {
      this._cancelled = true;
      if (this._loop._debug) this._repr = this.toString();
      this._callback = null;
      this._args = null;
      this._arg = NO_ARG;
    }
  }

  /** True once `cancel()` was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /** Runs the callback; an exception goes to the loop's exception handler. @internal */
  _run(): void {
    const callback = this._callback as (...args: unknown[]) => unknown;
    const args = this._args;
    // No captured context: the handle was made before any ContextVar was set, when every context
    // was empty. Python runs it in a copy of that empty context, so writes it makes must not
    // stay in the loop's context: keep the mapping from before and put it back afterwards.
    const ambient = this._context === null && contextVarsTouched ? currentContext() : null;
    const before = ambient === null ? null : ambient._data;
    try {
      if (args === null) {
        const arg = this._arg;
        if (this._context !== null) {
          if (arg === NO_ARG) this._context.run(callback);
          else this._context.run(callback, arg);
        } else if (arg === NO_ARG) {
          callback();
        } else {
          callback(arg);
        }
      } else if (this._context !== null) {
        this._context.run(callback, ...args);
      } else {
        callback(...args);
      }
    } catch (error) {
      const source = formatCallbackSource(callback, this._argList(), this._loop._debug);
      const context: ExceptionContext = {
        message: `Exception in callback ${source}`,
        exception: error,
        handle: this,
      };
      if (this._sourceTraceback !== undefined) context.source_traceback = this._sourceTraceback;
      this._loop.callExceptionHandler(context);
    } finally {
      if (ambient !== null) ambient._data = before as typeof ambient._data;
      else if (this._context === null && contextVarsTouched) discardFirstWrites();
    }
  }

  /** @internal */
  _reprInfo(): string[] {
    const info: string[] = [this.constructor.name];
    if (this._cancelled) info.push("cancelled");
    if (this._callback !== null) info.push(formatCallbackSource(this._callback, this._argList(), this._loop._debug));
    if (this._sourceTraceback !== undefined) {
      const frame = this._sourceTraceback.split("\n")[0]?.trim().replace(/^at\s+/, "");
      if (frame) info.push(`created at ${frame}`);
    }
    return info;
  }

  toString(): string {
    return this._repr ?? `<${this._reprInfo().join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * A callback scheduled for a loop time with `callLater` / `callAt`.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.TimerHandle
 */
export class TimerHandle extends Handle implements AbstractTimerHandle {
  /** @internal */
  _when: number;
  /** Tie-breaker: equal deadlines run in scheduling order. @internal */
  _seq: number;
  /** True while in the loop's timer heap. @internal */
  _scheduled = false;

  /** @internal */
  constructor(
    when: number,
    seq: number,
    callback: (...args: never[]) => unknown,
    args: unknown[] | null,
    loop: HandleLoop,
    context: Context | null,
    arg?: unknown,
  ) {
    super(callback, args, loop, context, arg);
    this._when = when;
    this._seq = seq;
  }

  /** The absolute loop time the callback is scheduled for. */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (!this._cancelled) this._loop._timerHandleCancelled(this);
    super.cancel();
  }

  override _reprInfo(): string[] {
    const info = super._reprInfo();
    info.splice(this._cancelled ? 2 : 1, 0, `when=${_pyNumberRepr(this._when)}`);
    return info;
  }
}
