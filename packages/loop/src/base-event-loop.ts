/**
 * BaseEventLoop: Python's event loop on top of Node's, with Python's ordering.
 * Mirrors CPython 3.13 asyncio/base_events.py (BaseEventLoop: run_forever, _run_once, call_*).
 *
 * One iteration is Python's `_run_once`: due timers join the ready queue, then exactly the
 * handles that were ready at that moment run, in FIFO order; anything scheduled meanwhile waits
 * for the next iteration. Between iterations the loop yields to Node (setImmediate when work is
 * ready, a single setTimeout for the earliest timer, nothing at all when idle), so I/O callbacks
 * run and an idle loop costs no CPU.
 *
 * Coroutines are JavaScript async functions, whose steps run as promise jobs, not inside the
 * handle that resumes them. To keep Python's order ("a task resumes in the iteration after its
 * future completes, in its place among that iteration's callbacks"), a handle that resumes a
 * task calls `_beginStep(task)`; when the handle returns before the step is over, the loop
 * lets promise jobs pass one at a time (a `then` on a resolved promise, which interleaves
 * one-to-one with the coroutine's own jobs), up to PUMP_TICKS: enough for most steps. A longer
 * step (a producer putting 100 items into a queue) is then waited for instead of ticked along:
 * the task reports `_stepSuspended` (it registered on an aio awaitable, or finished), which
 * resolves a promise whose job, made in the loop's frame, runs the next handle. A long step
 * thus costs the loop PUMP_TICKS + 1 jobs, not one per tick of the coroutine (benchmarks W3,
 * W3b). A task that awaits something outside the loop (a native promise) never reports: a
 * setImmediate armed when the loop first waits fires only once the microtask queue has drained
 * completely, and then the loop goes on without that task. One such watchdog serves every wait
 * until the loop next yields to Node.
 * `queueMicrotask` was rejected for these jobs: Node wraps each call in an AsyncResource,
 * which made task switches 3x slower (W2: 0.9M/s vs 2.7M/s).
 *
 * Timers live in a binary heap (tinyqueue) ordered by (when, sequence), so equal deadlines run
 * in scheduling order. Cancelled timers stay in the heap until they reach its head or until
 * they are the majority, when the heap is rebuilt (Python's _MIN_CANCELLED_TIMER_HANDLES_FRACTION).
 */
import TinyQueue from "tinyqueue";
import {
  RuntimeError,
  _pyRepr,
  _defaultTaskFactory,
  _getRunningLoop,
  _setRunningLoop,
  contextVarsTouched,
  copyContext,
  runInRootContext,
  logger,
} from "@aio/core";
import type {
  AbstractEventLoop,
  Context,
  ContextOption,
  AbstractFuture,
  Coroutine,
  CreateTaskOptions,
  ExceptionContext,
  ExceptionHandler,
  Executor,
  LoopIOMethods,
  LoopInternals,
  ReadyHandle,
  TaskFactory,
} from "@aio/core";
import { Future, captureStack, isFuture, reprValue, wrapFuture } from "@aio/futures";
import { Handle, NO_ARG, TimerHandle } from "./handles.js";
import { formatExceptionContext } from "./internal/exception-context.js";
import { checkCallback, splitContextOption } from "./internal/callbacks.js";
import { SignalHandlers } from "./internal/signals.js";
import { ThreadPoolExecutor } from "./thread-pool-executor.js";
import { installIOMethods } from "./io-methods.js";
import type { IOMethods } from "./io-methods.js";

const RESOLVED = Promise.resolve();
/** Longest run of busy iterations, in ms, chained without yielding to Node's event loop. */
const HOST_YIELD_MS = 0.5;
/**
 * Promise jobs the loop lets pass, one at a time, for a resumed task before it waits for the
 * task to report instead: most steps take one to three jobs, and ticking is cheaper for those.
 */
const PUMP_TICKS = 4;
const MIN_SCHEDULED_TIMER_HANDLES = 100;
const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;
/** Node's setTimeout limit (2^31 - 1 ms); longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** How the loop waits between iterations (`_waitKind`). @internal */
export const WAIT_NONE = 0;
export const WAIT_IMMEDIATE = 1;
export const WAIT_TIMER = 2;
export const WAIT_IDLE = 3;

/** The trailing `{ context }` option of `callSoon`, `callSoonThreadsafe`, `callLater` and `callAt`. */
export type { ContextOption };

/**
 * Python's repr of an async generator, as far as JavaScript tells: a generator object does not
 * know its function's name, and there is no address to show.
 */
function asyncgenRepr(agen: unknown): string {
  return Object.prototype.toString.call(agen) === "[object AsyncGenerator]" ? "<async_generator object>" : String(agen);
}

/**
 * Python's `agen.aclose()`: closes the generator; one that yields again while closing (a `yield`
 * in its `finally`) raises RuntimeError, as Python's does.
 */
async function acloseAsyncgen(agen: AsyncGenerator<unknown, unknown, unknown>): Promise<void> {
  const step = await agen.return(undefined);
  if (step.done !== true) throw new RuntimeError("async generator ignored GeneratorExit");
}

function compareTimers(a: TimerHandle, b: TimerHandle): number {
  return a._when - b._when || a._seq - b._seq;
}

function isThunk(value: unknown): value is Coroutine<unknown> {
  return typeof value === "function";
}

/**
 * The event loop: schedules callbacks and timers, runs tasks, and delegates I/O.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the I/O methods are added at runtime by installIOMethods
export class BaseEventLoop implements AbstractEventLoop, LoopInternals {
  /** Seconds a callback may run before debug mode logs it as slow. */
  slowCallbackDuration = 0.1;
  /** @internal */
  _debug = false;
  /** @internal */
  _closed = false;
  /** @internal */
  _stopping = false;
  /** @internal */
  _running = false;
  /** @internal */
  _ready: ReadyHandle[] = [];
  /** @internal */
  _scheduled = new TinyQueue<TimerHandle>([], compareTimers);
  /** @internal */
  _timerCancelledCount = 0;
  /** @internal */
  _timerSeq = 0;
  /** @internal */
  _exceptionHandler: ExceptionHandler | null = null;
  /** @internal */
  _taskFactory: TaskFactory | null = null;
  /** @internal */
  _defaultExecutor: Executor | null = null;
  /** @internal */
  _executorShutdownCalled = false;
  /** @internal */
  _asyncgens = new Set<AsyncGenerator<unknown, unknown, unknown>>();
  /** @internal */
  _asyncgensShutdownCalled = false;
  /** The handle running now (debug context for the exception handler). @internal */
  _currentHandle: ReadyHandle | null = null;
  /** @internal */
  _signals: SignalHandlers | null = null;

  // The iteration in progress.
  /** Handles of this iteration; null between iterations. @internal */
  _batch: ReadyHandle[] | null = null;
  /** @internal */
  _batchIndex = 0;
  /** The task whose step the loop waits for, or null. @internal */
  _stepping: object | null = null;
  /** Set when `_stepping` suspended or finished. @internal */
  _stepDone = false;
  /** Promise jobs let pass for the current step. @internal */
  _pumpTicks = 0;
  /**
   * While the loop waits for `_stepping` to report (a step longer than PUMP_TICKS jobs): resolves
   * the promise whose job resumes the batch. @internal
   */
  _resumeStep: (() => void) | null = null;
  /** The watchdog: fires once the microtask queue has drained (a task awaits something foreign). @internal */
  _drainWait: NodeJS.Immediate | null = null;
  /** Debug mode: when the current handle started. @internal */
  _handleStart = 0;

  // How the loop waits between iterations.
  /** @internal */
  _waitKind = WAIT_NONE;
  /** @internal */
  _waitTimer: NodeJS.Timeout | null = null;
  /** @internal */
  _waitImmediate: NodeJS.Immediate | null = null;
  /** @internal */
  _armedWhen = Infinity;
  /** @internal */
  _stopResolve: (() => void) | null = null;
  /** performance.now() when the loop last ran from a Node macrotask. @internal */
  _lastHostTurn = 0;

  /** A promise job let pass after a handle that resumed a task returned (up to PUMP_TICKS). @internal */
  readonly _pump = (): void => {
    if (this._stepDone) {
      this._endStep();
      this._continueBatch();
      return;
    }
    if (++this._pumpTicks < PUMP_TICKS) {
      void RESOLVED.then(this._pump);
      return;
    }
    // A longer step: wait for it to report (the promise and its job are made here, in the
    // loop's frame), or for the watchdog.
    this._drainWait ??= setImmediate(this._afterDrain);
    void new Promise<void>((resolve) => {
      this._resumeStep = resolve;
    }).then(this._resumeBatch);
  };

  /** @internal */
  readonly _afterDrain = (): void => {
    this._drainWait = null;
    // Stale unless the loop still waits: the microtask queue drained and the step never
    // reported, so the task awaits something outside the loop. Go on without it.
    if (this._resumeStep === null) return;
    this._resumeStep = null;
    this._endStep();
    this._continueBatch();
  };

  /** @internal */
  readonly _resumeBatch = (): void => {
    this._endStep();
    this._continueBatch();
  };

  /** @internal */
  readonly _iterate = (): void => {
    this._lastHostTurn = performance.now();
    this._waitKind = WAIT_NONE;
    this._waitImmediate = null;
    this._waitTimer = null;
    this._armedWhen = Infinity;
    runInRootContext(this._runOnce);
  };

  /** The next iteration, chained as a promise job (queued from loop code, so in the root frame). @internal */
  readonly _iterateChained = (): void => {
    this._waitKind = WAIT_NONE;
    this._runOnce();
  };

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs the loop until `stop()` is called. Resolves when it has stopped.
   * @throws RuntimeError if the loop is closed, already running, or another loop runs.
   */
  runForever(): Promise<void> {
    try {
      this._checkClosed();
      this._checkRunning();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- always the RuntimeError thrown just above
      return Promise.reject(error);
    }
    this._running = true;
    _setRunningLoop(this);
    return new Promise<void>((resolve) => {
      this._stopResolve = resolve;
      runInRootContext(() => this._scheduleIteration());
    });
  }

  /**
   * Runs until `future` (a Future, Task, thunk or Promise) is done; returns its result.
   * A thunk or Promise is wrapped in a Task.
   * @throws RuntimeError "Event loop stopped before Future completed." if `stop()` came first.
   */
  async runUntilComplete<T>(future: PromiseLike<T> | Coroutine<T>): Promise<T> {
    this._checkClosed();
    this._checkRunning();
    const newTask = !isFuture(future);
    const target = this._ensureFuture(future);
    if (newTask) (target as { _logDestroyPending?: boolean })._logDestroyPending = false;
    const done = (): void => {
      if (!target.cancelled()) {
        // Python skips stop() for SystemExit/KeyboardInterrupt; JavaScript has neither.
        target.exception();
      }
      this.stop();
    };
    // Reprs name the callback as Python's: `cb=[_run_until_complete_cb()]`.
    Object.defineProperty(done, "name", { value: "_run_until_complete_cb" });
    target.addDoneCallback(done);
    try {
      await this.runForever();
    } finally {
      target.removeDoneCallback(done);
    }
    if (!target.done()) throw new RuntimeError("Event loop stopped before Future completed.");
    return target.result();
  }

  /** @internal */
  _ensureFuture<T>(value: PromiseLike<T> | Coroutine<T>): AbstractFuture<T> {
    if (isFuture(value)) {
      if ((value as AbstractFuture<T>).getLoop() !== this) {
        throw new RangeError("The future belongs to a different loop than the one specified as the loop argument");
      }
      return value as AbstractFuture<T>;
    }
    if (isThunk(value)) return this.createTask(value);
    if (value !== null && typeof value === "object" && typeof value.then === "function") {
      const promise = value;
      return this.createTask(() => promise);
    }
    throw new TypeError("An asyncio.Future, a coroutine or an awaitable is required");
  }

  /** Stops the loop after the current iteration. */
  stop(): void {
    this._stopping = true;
    if (this._running && (this._waitKind === WAIT_TIMER || this._waitKind === WAIT_IDLE)) this._wake();
  }

  /** True while the loop runs. */
  isRunning(): boolean {
    return this._running;
  }

  /** True once `close()` was called. */
  isClosed(): boolean {
    return this._closed;
  }

  /**
   * Closes the loop: drops pending callbacks, shuts the default executor down without waiting,
   * removes signal handlers. No effect on a closed loop.
   * @throws RuntimeError "Cannot close a running event loop".
   */
  close(): void {
    if (this._running) throw new RuntimeError("Cannot close a running event loop");
    if (this._closed) return;
    if (this._debug) logger.debug(`Close ${this.toString()}`);
    this._closed = true;
    this._ready = [];
    this._scheduled = new TinyQueue<TimerHandle>([], compareTimers);
    this._timerCancelledCount = 0;
    this._executorShutdownCalled = true;
    const executor = this._defaultExecutor;
    if (executor !== null) {
      this._defaultExecutor = null;
      void Promise.resolve(executor.shutdown(false)).catch((error: unknown) => {
        logger.error("Error while shutting down the default executor", error);
      });
    }
    this._signals?.removeAll();
    this._signals = null;
  }

  /** Closes the async generators registered through `_asyncgenFirstiterHook`. */
  async shutdownAsyncgens(): Promise<void> {
    this._asyncgensShutdownCalled = true;
    if (this._asyncgens.size === 0) return;
    const closing = [...this._asyncgens];
    this._asyncgens.clear();
    const results = await Promise.allSettled(closing.map(acloseAsyncgen));
    results.forEach((result, index) => {
      if (result.status === "rejected") {
        this.callExceptionHandler({
          message: `an error occurred during closing of asynchronous generator ${asyncgenRepr(closing[index])}`,
          exception: result.reason,
          asyncgen: closing[index],
        });
      }
    });
  }

  /**
   * Registers an async generator to be closed by `shutdownAsyncgens` (Python does this through
   * `sys.set_asyncgen_hooks`, which JavaScript lacks). @internal
   */
  _asyncgenFirstiterHook(agen: AsyncGenerator<unknown, unknown, unknown>): void {
    if (this._asyncgensShutdownCalled) {
      logger.warning(`asynchronous generator ${asyncgenRepr(agen)} was scheduled after loop.shutdown_asyncgens() call`);
    }
    this._asyncgens.add(agen);
  }

  /**
   * Shuts the default executor down and waits for it, at most `timeout` seconds (default: no limit,
   * as in CPython 3.13). Past the timeout it logs a warning and stops waiting.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.shutdown_default_executor
   */
  async shutdownDefaultExecutor(timeout: number | null = null): Promise<void> {
    this._executorShutdownCalled = true;
    const executor = this._defaultExecutor;
    if (executor === null) return;
    const waiter = this.createFuture<void>();
    const timer =
      timeout === null
        ? null
        : this.callLater(timeout, () => {
            if (!waiter.done()) waiter.setResult(undefined);
          });
    let finished = false;
    void Promise.resolve(executor.shutdown(true)).then(
      // CPython _do_shutdown: nothing is scheduled once the loop is closed.
      () => {
        finished = true;
        if (this._closed) return;
        this.callSoonThreadsafe(() => {
          if (!waiter.done()) waiter.setResult(undefined);
        });
      },
      (error: unknown) => {
        finished = true;
        if (this._closed) return;
        this.callSoonThreadsafe(() => {
          if (!waiter.done()) waiter.setException(error);
        });
      },
    );
    try {
      await waiter;
    } finally {
      timer?.cancel();
    }
    if (!finished) {
      logger.warning(`The executor did not finishing joining its threads within ${timeout} seconds.`);
      void Promise.resolve(executor.shutdown(false));
    }
    this._defaultExecutor = null;
  }

  /** @internal */
  _checkClosed(): void {
    if (this._closed) throw new RuntimeError("Event loop is closed");
  }

  /** @internal */
  _checkRunning(): void {
    if (this._running) throw new RuntimeError("This event loop is already running");
    if (_getRunningLoop() !== null) {
      throw new RuntimeError("Cannot run the event loop while another loop is running");
    }
  }

  // ---------------------------------------------------------------- scheduling

  /** Monotonic loop time in seconds. */
  time(): number {
    return performance.now() / 1000;
  }

  /**
   * Schedules `callback(...args)` for the next iteration; returns a cancellable Handle.
   * A trailing `{ context }` object (exactly that key) sets the context it runs in.
   * @throws RuntimeError "Event loop is closed"; TypeError for a non-function or async function.
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: [...A, ContextOption]): Handle;
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle;
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    this._checkClosed();
    checkCallback(callback, "call_soon");
    const context = splitContextOption(args);
    const handle = this._callSoon(callback, args, context === undefined ? (contextVarsTouched ? copyContext() : null) : context);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the identity is used: the stack is cut above it
    if (this._debug) handle._sourceTraceback = captureStack(this.callSoon);
    return handle;
  }

  /**
   * `callSoon` without validation, with the context given. None or one argument is kept in the
   * handle's slot, not in the array (see `Handle._arg`). @internal
   */
  _callSoon(callback: (...args: never[]) => unknown, args: unknown[], context: Context | null): Handle {
    if (args.length <= 1) return this._callSoon1(callback, args.length === 0 ? NO_ARG : args[0], context);
    const handle = new Handle(callback, args, this, context);
    this._pushReady(handle);
    return handle;
  }

  /** `_callSoon` with one argument, or none (NO_ARG), for callers that have no array to pass. @internal */
  _callSoon1(callback: (...args: never[]) => unknown, arg: unknown, context: Context | null): Handle {
    const handle = new Handle(callback, null, this, context, arg);
    this._pushReady(handle);
    return handle;
  }

  /** @internal */
  _pushReady(handle: ReadyHandle): void {
    this._ready.push(handle);
    if (this._waitKind >= WAIT_TIMER) this._wake();
  }

  /** Like `callSoon`; safe from any Node callback, and wakes an idle loop. */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: [...A, ContextOption]): Handle;
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle;
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    this._checkClosed();
    checkCallback(callback, "call_soon_threadsafe");
    const context = splitContextOption(args);
    const handle = this._callSoon(callback, args, context === undefined ? (contextVarsTouched ? copyContext() : null) : context);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the identity is used: the stack is cut above it
    if (this._debug) handle._sourceTraceback = captureStack(this.callSoonThreadsafe);
    return handle;
  }

  /**
   * Schedules `callback(...args)` after `delay` seconds; returns a TimerHandle.
   * @throws TypeError if `delay` is not a number; RangeError if it is NaN.
   */
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: [...A, ContextOption]): TimerHandle;
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): TimerHandle;
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    if (delay === null || delay === undefined) throw new TypeError("delay must not be None");
    if (typeof delay !== "number") throw new TypeError(`delay must be a number, got ${typeof delay}`);
    if (Number.isNaN(delay)) throw new RangeError("delay must not be NaN");
    return this._callAt(this.time() + delay, callback, args, "call_later");
  }

  /**
   * Schedules `callback(...args)` at loop time `when`; returns a TimerHandle.
   * @throws TypeError if `when` is not a number; RangeError if it is NaN.
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: [...A, ContextOption]): TimerHandle;
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle;
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    if (when === null || when === undefined) throw new TypeError("when cannot be None");
    if (typeof when !== "number") throw new TypeError(`when must be a number, got ${typeof when}`);
    if (Number.isNaN(when)) throw new RangeError("when must not be NaN");
    return this._callAt(when, callback, args, "call_at");
  }

  /** @internal */
  _callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, args: A, method: string): TimerHandle {
    this._checkClosed();
    checkCallback(callback, "call_at"); // Python: call_later delegates to call_at, which checks
    const option = splitContextOption(args);
    const context = option === undefined ? (contextVarsTouched ? copyContext() : null) : option;
    const seq = this._timerSeq++;
    const timer =
      args.length > 1
        ? new TimerHandle(when, seq, callback, args, this, context)
        : new TimerHandle(when, seq, callback, null, this, context, args.length === 0 ? NO_ARG : args[0]);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the identity is used: the stack is cut above it
    return this._scheduleTimer(timer, method === "call_at" ? this.callAt : this.callLater);
  }

  /**
   * `callLater(delay, callback, arg)` for the library's own callbacks (sleep), with no argument
   * array to make (benchmarks W5, W10). @internal
   */
  _callLater1(delay: number, callback: (...args: never[]) => unknown, arg: unknown): TimerHandle {
    // Python's sleep calls `loop.call_later`: a loop (or test) that replaces it is still obeyed.
    if (this.callLater !== BaseEventLoop.prototype.callLater) return this.callLater(delay, callback as (arg: unknown) => unknown, arg);
    this._checkClosed();
    const context = contextVarsTouched ? copyContext() : null;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the identity is used: the stack is cut above it
    return this._scheduleTimer(new TimerHandle(this.time() + delay, this._timerSeq++, callback, null, this, context, arg), this.callLater);
  }

  /** Puts `timer` in the heap (with where it was made, in debug mode) and wakes a loop that sleeps past it. @internal */
  _scheduleTimer(timer: TimerHandle, api: (...args: never[]) => unknown): TimerHandle {
    if (this._debug) timer._sourceTraceback = captureStack(api);
    this._scheduled.push(timer);
    timer._scheduled = true;
    if (this._waitKind >= WAIT_TIMER && timer._when < this._armedWhen) this._wake();
    return timer;
  }

  /** @internal */
  _timerHandleCancelled(handle: TimerHandle): void {
    if (handle._scheduled) this._timerCancelledCount++;
  }

  // ---------------------------------------------------------------- running

  /** Chooses how to wait for the next iteration (Python's select timeout). @internal */
  _scheduleIteration(): void {
    if (this._ready.length > 0 || this._stopping) {
      this._waitKind = WAIT_IMMEDIATE;
      // Python polls I/O with a zero timeout between busy iterations. A Node macrotask per
      // iteration costs microseconds (W4 lock ping-pong: ~2 iterations per acquisition), so
      // busy iterations chain as promise jobs and yield to Node's event loop (I/O, timers,
      // nextTick) once HOST_YIELD_MS have passed since the last turn.
      if (performance.now() - this._lastHostTurn < HOST_YIELD_MS) {
        void RESOLVED.then(this._iterateChained);
      } else {
        this._waitImmediate = setImmediate(this._iterate);
      }
      return;
    }
    this._dropCancelledTimers();
    const next = this._scheduled.peek();
    if (next === undefined) {
      this._waitKind = WAIT_IDLE;
      return;
    }
    this._armTimer(next._when);
  }

  /** Waits in real time until loop time `when`. Subclasses with another clock override this. @internal */
  _armTimer(when: number): void {
    this._waitKind = WAIT_TIMER;
    this._armedWhen = when;
    const delayMs = Math.min(Math.max(0, Math.ceil((when - this.time()) * 1000)), MAX_TIMEOUT_MS);
    this._waitTimer = setTimeout(this._iterate, delayMs);
  }

  /** Ends a timer or idle wait: something became ready. @internal */
  _wake(): void {
    if (this._waitKind === WAIT_TIMER && this._waitTimer !== null) clearTimeout(this._waitTimer);
    this._waitTimer = null;
    this._armedWhen = Infinity;
    this._waitKind = WAIT_IMMEDIATE;
    // A setImmediate, not a promise job: waking per I/O callback with a promise job made W6
    // (echo) slower in an A/B run (more, smaller iterations); setImmediate batches the poll phase.
    runInRootContext(() => {
      this._waitImmediate = setImmediate(this._iterate);
    });
  }

  /** Python's cancelled-timer housekeeping at the start of `_run_once`. @internal */
  _dropCancelledTimers(): void {
    const heap = this._scheduled;
    if (
      heap.length > MIN_SCHEDULED_TIMER_HANDLES &&
      this._timerCancelledCount / heap.length > MIN_CANCELLED_TIMER_HANDLES_FRACTION
    ) {
      const kept: TimerHandle[] = [];
      for (const timer of heap.data) {
        if (timer._cancelled) timer._scheduled = false;
        else kept.push(timer);
      }
      this._scheduled = new TinyQueue<TimerHandle>(kept, compareTimers);
      this._timerCancelledCount = 0;
    } else {
      let head = heap.peek();
      while (head !== undefined && head._cancelled) {
        this._timerCancelledCount--;
        heap.pop();
        head._scheduled = false;
        head = heap.peek();
      }
    }
  }

  /** One iteration: move due timers to the ready queue, then run what is ready. @internal */
  readonly _runOnce = (): void => {
    this._dropCancelledTimers();
    const heap = this._scheduled;
    if (heap.length > 0) {
      const now = this.time();
      let head = heap.peek();
      while (head !== undefined && head._when <= now) {
        heap.pop();
        head._scheduled = false;
        this._ready.push(head);
        head = heap.peek();
      }
    }
    this._batch = this._ready;
    this._batchIndex = 0;
    this._ready = [];
    this._continueBatch();
  };

  /** Runs the rest of the batch; returns early to wait for a resumed task. @internal */
  _continueBatch(): void {
    const batch = this._batch as ReadyHandle[];
    const debug = this._debug;
    while (this._batchIndex < batch.length) {
      const handle = batch[this._batchIndex++] as ReadyHandle;
      if (handle._cancelled) continue;
      if (debug) {
        this._currentHandle = handle;
        this._handleStart = this.time();
      }
      handle._run();
      if (this._stepping !== null) {
        if (!this._stepDone) {
          // Let the step run (see the top of this file).
          this._pumpTicks = 0;
          void RESOLVED.then(this._pump);
          return;
        }
        this._endStep();
      } else if (debug) {
        this._checkSlow(handle);
      }
    }
    this._batch = null;
    this._currentHandle = null;
    this._endIteration();
  }

  /** @internal */
  _endIteration(): void {
    // A test may call `_runOnce()` on a loop that is not running (CPython's tests do): that is
    // one iteration, and nothing may be scheduled after it.
    if (!this._running) return;
    if (this._stopping) {
      this._stopping = false;
      this._running = false;
      _setRunningLoop(null);
      const resolve = this._stopResolve;
      this._stopResolve = null;
      resolve?.();
      return;
    }
    this._scheduleIteration();
  }

  /** A handle is resuming `task`: wait for it before running the next one. @internal */
  _beginStep(task: object): void {
    this._stepping = task;
    this._stepDone = false;
  }

  /** `task` suspended or finished. @internal */
  _stepSuspended(task: object): void {
    if (task !== this._stepping || this._stepDone) return;
    this._stepDone = true;
    const resume = this._resumeStep;
    if (resume !== null) {
      this._resumeStep = null;
      resume();
    }
  }

  /** @internal */
  _endStep(): void {
    const task = this._stepping;
    this._stepping = null;
    this._stepDone = false;
    if (this._debug && this._currentHandle !== null) {
      const elapsed = this.time() - this._handleStart;
      if (elapsed >= this.slowCallbackDuration) {
        logger.warning(`Executing ${(task as { toString(): string }).toString()} took ${elapsed.toFixed(3)} seconds`);
      }
    }
  }

  /** @internal */
  _checkSlow(handle: ReadyHandle): void {
    const elapsed = this.time() - this._handleStart;
    if (elapsed >= this.slowCallbackDuration) {
      logger.warning(`Executing ${(handle as { toString(): string }).toString()} took ${elapsed.toFixed(3)} seconds`);
    }
  }

  // ---------------------------------------------------------------- futures and tasks

  /** A new Future bound to this loop. */
  createFuture<T = unknown>(): Future<T> {
    return new Future<T>({ loop: this });
  }

  /**
   * Wraps the coroutine thunk in a Task scheduled on this loop (through the task factory, if set).
   * @throws RuntimeError if the loop is closed; TypeError if `coro` is not a function.
   */
  createTask<T>(coro: Coroutine<T>, options: CreateTaskOptions = NO_TASK_OPTIONS): AbstractFuture<T> {
    this._checkClosed();
    if (typeof coro !== "function") {
      throw new TypeError(`a coroutine was expected, got ${reprValue(coro)}`);
    }
    const { name = null, context = null } = options;
    if (this._taskFactory === null) {
      // The default factory reads `name` and `context` only: no copy of the options (W1).
      return _defaultTaskFactory()(this, coro, options) as AbstractFuture<T>;
    }
    // CPython 3.13 base_events.create_task: a factory gets the context only when one is given,
    // then set_name(name) runs even for None, which names the task "None".
    const task = this._taskFactory(this, coro, context === null ? {} : { context });
    (task as { setName?: (name: string) => void }).setName?.(name === null ? "None" : name);
    return task as AbstractFuture<T>;
  }

  /**
   * Sets the factory `createTask` uses (`null` restores the default Task).
   * @throws TypeError if `factory` is neither a function nor null.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== "function") {
      throw new TypeError("task factory must be a callable or None");
    }
    this._taskFactory = factory;
  }

  /** The current task factory, or null. */
  getTaskFactory(): TaskFactory | null {
    return this._taskFactory;
  }

  // ---------------------------------------------------------------- executors

  /**
   * Runs `fn(...args)` in `executor` (null: the default ThreadPoolExecutor); returns a Future.
   * @throws RuntimeError "Executor shutdown has been called" after `shutdownDefaultExecutor`.
   */
  runInExecutor<A extends unknown[], R>(
    executor: Executor | null,
    fn: (...args: A) => R | PromiseLike<R>,
    ...args: A
  ): Future<Awaited<R>> {
    this._checkClosed();
    if (this._debug) checkCallback(fn, "run_in_executor");
    let target = executor;
    if (target === null || target === undefined) {
      if (this._executorShutdownCalled) throw new RuntimeError("Executor shutdown has been called");
      target = this._defaultExecutor ??= new ThreadPoolExecutor({ threadNamePrefix: "asyncio" });
    }
    return wrapFuture(target.submit(fn, ...args), { loop: this }) as Future<Awaited<R>>;
  }

  /**
   * Sets the executor `runInExecutor(null, …)` uses.
   * @throws TypeError if `executor` has no `submit` method.
   */
  setDefaultExecutor(executor: Executor): void {
    if (executor === null || typeof executor !== "object" || typeof executor.submit !== "function") {
      throw new TypeError("executor must be ThreadPoolExecutor instance");
    }
    this._defaultExecutor = executor;
  }

  // ---------------------------------------------------------------- errors

  /** Sets the handler `callExceptionHandler` uses (null: the default). */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(`A callable object or None is expected, got ${_pyRepr(handler)}`);
    }
    this._exceptionHandler = handler;
  }

  /** The custom exception handler, or null. */
  getExceptionHandler(): ExceptionHandler | null {
    return this._exceptionHandler;
  }

  /** Logs `context` through the asyncio logger, as Python's default handler does. */
  defaultExceptionHandler(context: ExceptionContext): void {
    const extended: ExceptionContext = { ...context };
    const current = this._currentHandle;
    const traceback = (current as { _sourceTraceback?: string } | null)?._sourceTraceback;
    if (extended.source_traceback === undefined && traceback !== undefined) {
      extended.handle_traceback = traceback;
    }
    const [text, error] = formatExceptionContext(extended);
    logger.error(text, error);
  }

  /**
   * Reports an error: to the custom handler if set, else the default one. Errors inside the
   * handler are logged, never thrown.
   */
  callExceptionHandler(context: ExceptionContext, runIn: Context | null = null): void {
    const handler = this._exceptionHandler;
    if (handler === null) {
      try {
        this.defaultExceptionHandler(context);
      } catch (error) {
        // Python: "Exception in default exception handler" goes to the logger, never up.
        logger.error("Exception in default exception handler", error);
      }
      return;
    }
    try {
      // CPython 3.12+ (gh-96704): the handler runs in the context of the task, future or handle.
      const ctx = runIn ?? contextOfThing(context);
      if (ctx !== null) ctx.run(handler, this, context);
      else handler(this, context);
    } catch (error) {
      try {
        this.defaultExceptionHandler({
          message: "Unhandled error in exception handler",
          exception: error,
          context,
        });
      } catch (inner) {
        logger.error("Exception in default exception handler while handling an unexpected error in custom exception handler", inner);
      }
    }
  }

  // ---------------------------------------------------------------- signals

  /**
   * Calls `callback(...args)` on the loop when the process receives `sig`.
   * @throws TypeError for an async callback or a bad signal type; RangeError for an unknown signal;
   * RuntimeError for a signal that cannot be caught.
   */
  addSignalHandler<A extends unknown[]>(sig: number | string, callback: (...args: A) => unknown, ...args: A): void {
    checkCallback(callback, "add_signal_handler");
    this._signals ??= new SignalHandlers();
    const handle = this._signals.validate(sig);
    this._checkClosed();
    this._signals.add(handle, new Handle(callback, args, this, null), (h) => {
      this._addCallbackSignalsafe(h);
    });
  }

  /** Removes the handler for `sig`; true if there was one. */
  removeSignalHandler(sig: number | string): boolean {
    const signals = this._signals ?? new SignalHandlers();
    const number = signals.validate(sig);
    return this._signals?.remove(number) ?? false;
  }

  /**
   * True when `addSignalHandler` registered a handler for `sig`. Python's handler replaces the
   * process-level one (so `asyncio.run`'s SIGINT handling stops); Node keeps every listener, so
   * the Runner asks the loop instead. @internal
   */
  _hasSignalHandler(sig: number | string): boolean {
    const signals = this._signals;
    return signals !== null && signals.has(signals.validate(sig));
  }

  /** @internal */
  _addCallbackSignalsafe(handle: Handle): void {
    if (!this._closed) this._pushReady(handle);
  }

  // ---------------------------------------------------------------- debug

  /** True in debug mode. */
  getDebug(): boolean {
    return this._debug;
  }

  /** Turns debug mode on or off (slow-callback warnings, source tracebacks). */
  setDebug(enabled: boolean): void {
    this._debug = Boolean(enabled);
  }

  toString(): string {
    const py = (flag: boolean): string => (flag ? "True" : "False");
    return `<${this.constructor.name} running=${py(this._running)} closed=${py(this._closed)} debug=${py(this._debug)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}


// Declaration merging: the delegating I/O methods are installed on the prototype at load time.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the I/O methods are added at runtime by installIOMethods
export interface BaseEventLoop extends IOMethods, LoopIOMethods {}
installIOMethods(BaseEventLoop.prototype);

/** Shared default of `createTask`'s options (read only). */
const NO_TASK_OPTIONS: CreateTaskOptions = Object.freeze({});

/** The context of `context.task`, else `.future`, else `.handle`, when it has one (base_events.py). */
function contextOfThing(context: ExceptionContext): Context | null {
  const thing = (context.task ?? context.future ?? context.handle) as { getContext?: () => unknown } | null | undefined;
  if (thing === null || thing === undefined || typeof thing.getContext !== "function") return null;
  const ctx = thing.getContext() as Context | null;
  return ctx !== null && ctx !== undefined && typeof ctx.run === "function" ? ctx : null;
}
