/**
 * Future: a result that will be set later, awaited by tasks and callbacks on one loop.
 * Mirrors CPython 3.13 asyncio/futures.py (Future, isfuture, _set_result_unless_cancelled).
 *
 * Awaiting. `await fut` calls `fut.then(resolve, reject)`. Inside a task, that makes the task
 * the future's waiter (Python's Task.__step on `yield fut`): the task is resumed by a done
 * callback scheduled with `callSoon`, in the loop iteration after the future completes, and
 * `task.cancel()` cancels the future. Library code awaits through {@link awaitFuture}, which
 * registers synchronously and returns a native promise; it is cheaper than the thenable path by
 * two promise jobs (benchmark W2/W3).
 *
 * Never-retrieved exceptions. Python reports them from `__del__`; JavaScript has no destructor,
 * so a FinalizationRegistry reports a future that is collected while its exception was never
 * retrieved. The report comes when the garbage collector runs, not at once.
 */
import {
  CancelledError,
  Context,
  InvalidStateError,
  RuntimeError,
  _getEventLoop,
  _pyReprlib,
  contextVarsTouched,
  copyContext,
  frameStorage,
} from "@aio/core";
import type {
  AbstractEventLoop,
  AbstractFuture,
  DoneCallback,
  FutureWaiter,
  LoopInternals,
} from "@aio/core";

const PENDING = 0;
const CANCELLED = 1;
const FINISHED = 2;
const STATE_NAMES = ["PENDING", "CANCELLED", "FINISHED"] as const;

type Loop = AbstractEventLoop & LoopInternals;

/** What a task offers a future it awaits (implemented by @aio/tasks' Task). @internal */
export interface AwaitingTask {
  _awaitOn(future: Future<unknown>, resolve: (value: unknown) => void, reject: (error: unknown) => void): void;
}

/** Options of the {@link Future} constructor. */
export interface FutureOptions {
  /** The loop to bind to; defaults to the running loop. */
  loop?: AbstractEventLoop | null;
}

interface UnretrievedReport {
  loop: AbstractEventLoop;
  exception: unknown;
  message: string;
  future: string;
  sourceTraceback: string | undefined;
  context: Context | null;
}

/** Futures whose repr is being built (a nested repr of the same future shows "..."). */
const reprRunning = new Set<object>();

const unretrieved = new FinalizationRegistry<UnretrievedReport>((report) => {
  const context: Record<string, unknown> = {
    message: report.message,
    exception: report.exception,
    future: report.future,
  };
  if (report.sourceTraceback !== undefined) context.source_traceback = report.sourceTraceback;
  report.loop.callExceptionHandler(context, report.context);
});

/** Resolves a promise from a finished future (a non-task `then`, or a superseded task await). @internal */
export class Settler implements FutureWaiter {
  private readonly resolve: (value: unknown) => void;
  private readonly reject: (error: unknown) => void;
  constructor(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
    this.resolve = resolve;
    this.reject = reject;
  }
  _futureDone(future: AbstractFuture<unknown>): void {
    const loop = (future as Future<unknown>)._loop;
    loop._callSoon(settle, [future, this.resolve, this.reject], null);
  }
}

/** Resolves or rejects from a done future, marking its exception as retrieved. @internal */
export function settle(
  future: Future<unknown>,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  let value: unknown;
  try {
    value = future.result();
  } catch (error) {
    reject(error);
    return;
  }
  resolve(value);
}

/**
 * A result that will be available later; awaitable, and a thenable for Promise code.
 * @see https://docs.python.org/3/library/asyncio-future.html#asyncio.Future
 */
export class Future<T = unknown> implements AbstractFuture<T> {
  declare readonly _asyncioFutureBlocking: boolean;
  static {
    Object.defineProperty(this.prototype, "_asyncioFutureBlocking", { value: false, writable: true });
  }
  /** @internal */
  _state: number = PENDING;
  /** @internal */
  _result: T | undefined = undefined;
  /** @internal */
  _exception: unknown = null;
  /** @internal */
  _loop: Loop;
  /**
   * The first registration (a callback or a waiter), kept inline: most futures have exactly one
   * (the waiting task, or gather's callback), and a two-slot array cost about 90 bytes per
   * waiting future (benchmarks W1, W8, W10). Null when empty. @internal
   */
  _cb0: unknown = null;
  /** The context of `_cb0`. @internal */
  _ctx0: Context | null = null;
  /**
   * Flat pairs [callback or waiter, context] registered after `_cb0` (they always run after it).
   * @internal
   */
  _callbacks: unknown[] | null = null;
  /** The message given to `cancel()`; null (Python's None) until then. @internal */
  _cancelMessage: unknown = null;
  /** @internal */
  _cancelledExc: CancelledError | null = null;
  /** Backing field of `_logTraceback` (Python's `__log_traceback`). @internal */
  __logTraceback = false;
  /** Where the future was created (debug mode only; defaults on the prototype: no slot per future). @internal */
  declare _sourceTraceback: string | undefined;
  static {
    Object.defineProperty(this.prototype, "_sourceTraceback", { value: undefined, writable: true });
  }

  /**
   * @throws RuntimeError "no running event loop" when no loop is given and none runs;
   * TypeError "Future() takes no positional arguments" when `options` is not an object.
   */
  constructor(options: FutureOptions = {}) {
    // CPython test_futures.py::test_constructor_positional: `Future(42)` is a TypeError.
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Future() takes no positional arguments");
    }
    const loop = options.loop ?? _getEventLoop();
    this._loop = loop as Loop;
    if (this._loop._debug) this._sourceTraceback = captureStack(this.constructor);
  }

  /**
   * True while an exception is set and nobody retrieved it. It can only be set to false
   * (CPython futures.py Future._log_traceback), which also drops the "never retrieved" report.
   * @throws RangeError "_log_traceback can only be set to False" for a truthy value.
   * @internal
   */
  get _logTraceback(): boolean {
    return this.__logTraceback;
  }
  set _logTraceback(value: boolean) {
    if (value) throw new RangeError("_log_traceback can only be set to False");
    this._retrieved();
  }

  /** The loop the future is bound to. */
  getLoop(): AbstractEventLoop {
    return this._loop;
  }

  /** True when the future has a result, an exception, or was cancelled. */
  done(): boolean {
    return this._state !== PENDING;
  }

  /** True when the future was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /**
   * The result.
   * @throws CancelledError if cancelled; InvalidStateError "Result is not set." if pending;
   * the future's exception if one was set.
   */
  result(): T {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state !== FINISHED) throw new InvalidStateError("Result is not set.");
    if (this._logTraceback) this._retrieved();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- Python raises whatever was set.
    if (this._exception !== null) throw this._exception;
    return this._result as T;
  }

  /**
   * The exception set on the future, or null.
   * @throws CancelledError if cancelled; InvalidStateError "Exception is not set." if pending.
   */
  exception(): unknown {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state !== FINISHED) throw new InvalidStateError("Exception is not set.");
    if (this._logTraceback) this._retrieved();
    return this._exception;
  }

  /**
   * Cancels the future and schedules its callbacks; false if it was already done.
   * @see https://docs.python.org/3/library/asyncio-future.html#asyncio.Future.cancel
   */
  cancel(msg?: unknown): boolean {
    if (this._logTraceback) this._retrieved();
    if (this._state !== PENDING) return false;
    this._state = CANCELLED;
    this._cancelMessage = msg ?? null;
    this._scheduleCallbacks();
    return true;
  }

  /** @throws InvalidStateError if the future is already done. */
  setResult(result: T): void {
    if (this._state !== PENDING) {
      throw new InvalidStateError("invalid state");
    }
    this._result = result;
    this._state = FINISHED;
    this._scheduleCallbacks();
  }

  /**
   * Marks the future done with `exception`.
   * @throws InvalidStateError if the future is already done; TypeError if `exception` is null or undefined.
   */
  setException(exception: unknown): void {
    if (this._state !== PENDING) {
      throw new InvalidStateError("invalid state");
    }
    if (exception === null || exception === undefined) {
      throw new TypeError(`exception must be an error value, got ${String(exception)}`);
    }
    if (typeof exception === "function" && exception.prototype instanceof Error) {
      exception = new (exception as new () => Error)();
    }
    this._exception = exception;
    this._state = FINISHED;
    this._scheduleCallbacks();
    this.__logTraceback = true;
    unretrieved.register(
      this,
      {
        loop: this._loop,
        exception,
        message: `${this.constructor.name} exception was never retrieved`,
        future: this.toString(),
        sourceTraceback: this._sourceTraceback,
        // A Task's context: the handler runs in it, as Python's runs in `future.get_context()`.
        context: typeof (this as { getContext?: unknown }).getContext === "function" ? (this as unknown as { getContext(): Context }).getContext() : null,
      },
      this,
    );
  }

  /**
   * Schedules `callback(future)` with `callSoon` when the future is done (at once if it is).
   * It runs in `context`, or a copy of the current context.
   */
  addDoneCallback(callback: DoneCallback<this>, options: { context?: Context | null } = {}): void {
    if (typeof callback !== "function") {
      throw new TypeError(`a callable object was expected by add_done_callback(), got ${String(callback)}`);
    }
    let context = options.context ?? null;
    if (context === null && contextVarsTouched) context = copyContext();
    if (this._state !== PENDING) {
      this._loop._callSoon1(callback, this, context);
    } else {
      this._pushCallback(callback, context);
    }
  }

  /** Removes every registration of `callback`; returns how many were removed. */
  removeDoneCallback(callback: DoneCallback<this>): number {
    let removed = 0;
    if (this._cb0 === callback) {
      this._cb0 = null;
      this._ctx0 = null;
      removed = 1;
    }
    const callbacks = this._callbacks;
    if (callbacks === null) return removed;
    const kept: unknown[] = [];
    for (let i = 0; i < callbacks.length; i += 2) {
      if (callbacks[i] !== callback) kept.push(callbacks[i], callbacks[i + 1]);
    }
    const removedLater = (callbacks.length - kept.length) / 2;
    if (removedLater > 0) this._callbacks = kept.length === 0 ? null : kept;
    return removed + removedLater;
  }

  /** The registrations as flat pairs [callback or waiter, context], in order. @internal */
  _callbackEntries(): unknown[] {
    const entries: unknown[] = this._cb0 === null ? [] : [this._cb0, this._ctx0];
    if (this._callbacks !== null) entries.push(...this._callbacks);
    return entries;
  }

  /** The last registration, or null. @internal */
  _lastCallback(): unknown {
    const callbacks = this._callbacks;
    return callbacks !== null && callbacks.length > 0 ? callbacks[callbacks.length - 2] : this._cb0;
  }

  /**
   * Promise interoperability: `await fut`, `Promise.all([fut])`, `fut.then(f)`.
   * The handlers run after the loop has run the future's done callbacks, never synchronously.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return awaitFuture(this).then(onFulfilled, onRejected);
  }

  /** Promise interoperability: `fut.catch(f)`. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  /** Promise interoperability: `fut.finally(f)`. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return awaitFuture(this).finally(onFinally);
  }

  /**
   * Registers `resolve` / `reject` to be called when the future is done. A done future settles
   * them at once (Python's `await` on a done future does not suspend); inside a task, the task
   * becomes the waiter. @internal
   */
  _await(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
    if (this._state !== PENDING) {
      settle(this, resolve, reject);
      return;
    }
    const frame = frameStorage.getStore();
    const task = frame === undefined ? null : (frame._frameTask as AwaitingTask | null);
    if (task !== null) {
      task._awaitOn(this, resolve, reject);
    } else {
      this._addWaiter(new Settler(resolve, reject));
    }
  }

  /** Appends one registration: inline when it is the only one, else to the array. @internal */
  _pushCallback(entry: unknown, context: Context | null): void {
    const callbacks = this._callbacks;
    if (callbacks !== null) callbacks.push(entry, context);
    else if (this._cb0 === null) {
      this._cb0 = entry;
      this._ctx0 = context;
    } else this._callbacks = [entry, context];
  }

  /** Adds a waiter object to the callback list. @internal */
  _addWaiter(waiter: FutureWaiter): void {
    this._pushCallback(waiter, null);
  }

  /** Replaces waiter `from` with `to` in the callback list (a task's superseded await). @internal */
  _replaceWaiter(from: FutureWaiter, to: FutureWaiter): void {
    if (this._cb0 === from) {
      this._cb0 = to;
      return;
    }
    const callbacks = this._callbacks;
    if (callbacks === null) return;
    const index = callbacks.indexOf(from);
    if (index >= 0) callbacks[index] = to;
  }

  /** Python's `_make_cancelled_error`: the CancelledError to raise, made once. @internal */
  _makeCancelledError(): CancelledError {
    if (this._cancelledExc !== null) {
      const error = this._cancelledExc;
      this._cancelledExc = null;
      return error;
    }
    return this._cancelMessage === undefined || this._cancelMessage === null
      ? new CancelledError()
      : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Python's str(msg) of any object.
        new CancelledError(String(this._cancelMessage));
  }

  /** @internal */
  _retrieved(): void {
    this.__logTraceback = false;
    unretrieved.unregister(this);
  }

  /** Python's `__schedule_callbacks`: each callback through `callSoon`, in registration order. @internal */
  _scheduleCallbacks(): void {
    const first = this._cb0;
    const context = this._ctx0;
    const callbacks = this._callbacks;
    if (first === null && callbacks === null) return;
    this._cb0 = null;
    this._ctx0 = null;
    this._callbacks = null;
    if (first !== null) this._runCallback(first, context);
    if (callbacks === null) return;
    for (let i = 0; i < callbacks.length; i += 2) this._runCallback(callbacks[i], callbacks[i + 1] as Context | null);
  }

  /** Schedules one registration: a callback through `callSoon`, a waiter directly. @internal */
  _runCallback(entry: unknown, context: Context | null): void {
    if (typeof entry === "function") {
      // A callback registered before any ContextVar was set carries no context (all contexts
      // were empty then). If one was set since, a fresh empty context equals the copy Python
      // would have taken; running in none, a `set` inside the callback would leak into the
      // loop's context.
      if (context === null && contextVarsTouched) context = new Context();
      const handle = this._loop._callSoon1(entry as (...args: never[]) => unknown, this, context);
      // Python's call_soon records where a debug-mode handle was made (here: where the future completed).
      // eslint-disable-next-line @typescript-eslint/unbound-method -- only the identity is used: the stack is cut above it
      if (this._loop._debug) (handle as { _sourceTraceback?: string })._sourceTraceback = captureStack(this._runCallback);
    } else {
      (entry as FutureWaiter)._futureDone(this);
    }
  }

  /** Python's repr info: state, result or exception, callbacks. @internal */
  _reprInfo(): string[] {
    const info = [STATE_NAMES[this._state]!.toLowerCase()];
    if (this._state === FINISHED) {
      if (this._exception !== null) info.push(`exception=${reprValue(this._exception)}`);
      else info.push(`result=${reprValue(this._result)}`);
    }
    const callbacks = this._callbackEntries();
    if (callbacks.length > 0) {
      const names: string[] = [];
      for (let i = 0; i < callbacks.length; i += 2) names.push(callbackName(callbacks[i]));
      const shown = names.length > 2 ? [names[0]!, `<${names.length - 2} more>`, names.at(-1)!] : names;
      info.push(`cb=[${shown.join(", ")}]`);
    }
    if (this._sourceTraceback !== undefined) {
      const where = firstFrame(this._sourceTraceback);
      if (where !== undefined) info.push(`created at ${where}`);
    }
    return info;
  }

  toString(): string {
    // Python's @reprlib.recursive_repr (bpo-42183): a future whose result shows the future.
    if (reprRunning.has(this)) return "...";
    reprRunning.add(this);
    try {
      return `<${this.constructor.name} ${this._reprInfo().join(" ")}>`;
    } finally {
      reprRunning.delete(this);
    }
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Awaits `future` from the current task (or from plain code) and returns a native promise.
 * Equivalent to `await future` but registers synchronously; used on library hot paths. @internal
 */
export function awaitFuture<T>(future: Future<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    future._await(resolve as (value: unknown) => void, reject);
  });
}

/**
 * True for `@aio` futures and tasks, and any object following the asyncio future protocol.
 * @see https://docs.python.org/3/library/asyncio-future.html#asyncio.isfuture
 */
export function isFuture(value: unknown): value is AbstractFuture<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    "_asyncioFutureBlocking" in value &&
    value._asyncioFutureBlocking != null
  );
}

/** Sets `result` unless the future was cancelled (Python's `_set_result_unless_cancelled`). @internal */
export function setResultUnlessCancelled<T>(future: Future<T>, result: T): void {
  if (future.cancelled()) return;
  future.setResult(result);
}

/** Python's `reprlib.repr` of a value (core's `_pyReprlib`). @internal */
export const reprValue: (value: unknown) => string = _pyReprlib;

function callbackName(entry: unknown): string {
  if (typeof entry === "function") return entry.name ? `${entry.name}()` : "<anonymous>()";
  const name = (entry as { constructor?: { name?: string } }).constructor?.name ?? "waiter";
  return name === "Settler" ? "<promise resolver>" : `${name}.task_wakeup()`;
}

/** A stack trace of the caller, without the frames inside `@aio` itself. @internal */
export function captureStack(skipUntil?: unknown): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, skipUntil as (...args: never[]) => unknown);
  return (holder.stack ?? "").split("\n").slice(1).join("\n");
}

function firstFrame(stack: string): string | undefined {
  const line = stack.split("\n").find((entry) => entry.trim().length > 0);
  return line?.trim().replace(/^at\s+/, "");
}

/** @internal Runtime check for wrong-loop awaits, used by tasks. */
export function loopMismatchError(task: unknown, future: Future<unknown>): RuntimeError {
  return new RuntimeError(`Task ${String(task)} got Future ${future.toString()} attached to a different loop`);
}
