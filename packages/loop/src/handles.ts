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
  /** @internal */
  _args: unknown[] | null;
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
    args: unknown[],
    loop: HandleLoop,
    context: Context | null,
  ) {
    this._callback = callback;
    this._args = args;
    this._loop = loop;
    this._context = context;
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
    }
  }

  /** True once `cancel()` was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /** Runs the callback; an exception goes to the loop's exception handler. @internal */
  _run(): void {
    const callback = this._callback as (...args: unknown[]) => unknown;
    const args = this._args as unknown[];
    // No captured context: the handle was made before any ContextVar was set, when every context
    // was empty. Python runs it in a copy of that empty context, so writes it makes must not
    // stay in the loop's context: keep the mapping from before and put it back afterwards.
    const ambient = this._context === null && contextVarsTouched ? currentContext() : null;
    const before = ambient === null ? null : ambient._data;
    try {
      if (this._context !== null) {
        this._context.run(callback, ...args);
      } else if (args.length === 0) {
        callback();
      } else if (args.length === 1) {
        callback(args[0]);
      } else {
        callback(...args);
      }
    } catch (error) {
      const source = formatCallbackSource(callback, args, this._loop._debug);
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
    if (this._callback !== null) info.push(formatCallbackSource(this._callback, this._args ?? [], this._loop._debug));
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
    args: unknown[],
    loop: HandleLoop,
    context: Context | null,
  ) {
    super(callback, args, loop, context);
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
