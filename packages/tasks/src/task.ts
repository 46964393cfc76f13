/**
 * Task: runs a coroutine thunk on the loop, and can be cancelled at the await where it waits.
 * Mirrors CPython 3.13 asyncio/tasks.py (Task, current_task, all_tasks, _register_task).
 *
 * A task is its coroutine's AsyncLocalStorage frame, so `currentTask()` and context variables
 * work anywhere in its async call tree. Python drives a coroutine with `send`/`throw` from
 * `Task.__step`; a JavaScript async function drives itself, so the task instead holds the
 * resolve/reject pair of the await it is suspended in and settles it from the loop:
 *
 * - `await future` inside the task reaches `Future._await`, which calls `_awaitOn`: the task
 *   becomes the future's waiter (Python: `result.add_done_callback(self.__wakeup)`), and
 *   `_onFutureDone` later resumes it from a loop callback, throwing CancelledError instead of
 *   the result when a cancel was requested meanwhile (Python's `_must_cancel`).
 * - `await sleep(0)` is Python's bare `yield`: `_yield` schedules the resume with `callSoon`.
 * - `cancel()` cancels the awaited future (Python's `_fut_waiter`), so the await throws
 *   CancelledError right there; with no aio future awaited it sets `_mustCancel`, honoured at
 *   the next aio await. Native promises cannot be interrupted: `task.signal` aborts instead.
 *
 * Every resume goes through `loop._beginStep`, and every suspension or completion reports
 * `_stepSuspended`, so the loop runs the next callback only after this task's step (see
 * BaseEventLoop).
 */
import {
  CancelledError,
  Context,
  InvalidStateError,
  RuntimeError,
  contextVarsTouched,
  copyContext,
  frameStorage,
  getRunningLoop,
  runInRootContext,
} from "@aio/core";
import type {
  AbstractEventLoop,
  AbstractFuture,
  Coroutine,
  ReadyHandle,
  TaskFrame,
} from "@aio/core";
import { Future, Settler, reprValue } from "@aio/futures";
import type { AwaitingTask } from "@aio/futures";

type Resolve = (value: unknown) => void;
type Reject = (error: unknown) => void;

let taskNameCounter = 0;

/**
 * Pending tasks of every loop (Python's `_scheduled_tasks`), kept strongly until done; see README.
 * One collection for all loops, as in CPython: `allTasks(loop)` filters by loop. It is an
 * intrusive doubly linked list through `_prevTask`/`_nextTask`: O(1) insert and removal with no
 * hashing or rehashing, which a 100k-entry Set cost on every task (benchmark W1).
 */
const scheduledTasks: { head: Task<unknown> | null } = { head: null };

function registerTask(task: Task<unknown>): void {
  const head = scheduledTasks.head;
  task._nextTask = head;
  if (head !== null) head._prevTask = task;
  scheduledTasks.head = task;
}

function unregisterTask(task: Task<unknown>): void {
  const prev = task._prevTask;
  const next = task._nextTask;
  if (prev !== null) prev._nextTask = next;
  else if (scheduledTasks.head === task) scheduledTasks.head = next;
  else return; // not registered (already removed)
  if (next !== null) next._prevTask = prev;
  task._prevTask = null;
  task._nextTask = null;
}

/** Options of the {@link Task} constructor. */
export interface TaskOptions {
  loop?: AbstractEventLoop | null;
  name?: string | null;
  context?: Context | null;
  /** Start the coroutine at once, inside the constructor, when the loop runs (3.12+). */
  eagerStart?: boolean;
}

/**
 * A coroutine scheduled on the loop; a Future of its result.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.Task
 */
export class Task<T = unknown> extends Future<T> implements AwaitingTask, TaskFrame {
  /** @internal */
  _coro: Coroutine<T> | null;
  /** Materialised lazily: until a context variable is set anywhere, every context is empty. @internal */
  _ctx: Context | null;
  /** The name, or the number of a default name "Task-N" not formatted yet (benchmark W1). @internal */
  _name: string | number;
  /** @internal */
  _numCancelsRequested = 0;
  /** @internal */
  _mustCancel = false;
  /** The future this task waits on (Python's `_fut_waiter`). @internal */
  _futWaiter: Future<unknown> | null = null;
  /** @internal */
  _waitResolve: Resolve | null = null;
  /** @internal */
  _waitReject: Reject | null = null;
  /** Made by the first read of `signal` (defaults on the prototype: no slot per task). @internal */
  declare _abort: AbortController | null;
  static {
    Object.defineProperty(this.prototype, "_abort", { value: null, writable: true });
  }
  /** Neighbours in the list of pending tasks. @internal */
  _prevTask: Task<unknown> | null = null;
  /** @internal */
  _nextTask: Task<unknown> | null = null;
  /** The reusable handle that resumes this task, made at its first suspension. @internal */
  _step: StepHandle | null = null;
  /** @internal */
  _logDestroyPending = true;

  /**
   * @throws TypeError "a coroutine was expected, got …" if `coro` is not a function.
   * @throws RuntimeError "no running event loop" when no loop is given and none runs.
   * @throws RuntimeError "Event loop is closed" when the loop is closed.
   */
  constructor(coro: Coroutine<T>, options: TaskOptions = {}) {
    // The Future constructor reads `loop` only: the task's options serve (no copy per task).
    super(options);
    if (typeof coro !== "function") {
      this._logDestroyPending = false;
      throw new TypeError(`a coroutine was expected, got ${reprValue(coro)}`);
    }
    this._coro = coro;
    this._name = options.name === null || options.name === undefined ? ++taskNameCounter : String(options.name);
    this._ctx = options.context ?? (contextVarsTouched ? copyContext() : null);
    if (this._loop.isClosed()) {
      // Python's `call_soon(self.__step)` raises before the task is registered.
      this._logDestroyPending = false;
      throw new RuntimeError("Event loop is closed");
    }
    registerTask(this);
    if (options.eagerStart === true && this._loop.isRunning()) {
      // Python's __eager_start: the first step runs now, inside the caller's step.
      startCoroutine(this);
      // Python's __eager_start: a task done after its eager step lets its coroutine go.
      if (this._state !== 0) this._coro = null;
      // A coroutine that neither finished nor suspended on the loop is still settling in promise
      // jobs (an async function's result is only readable asynchronously): until it does, a
      // cancel() from outside is held back (see `cancel`).
      if (this._state === 0 && this._futWaiter === null && (this._step === null || this._step._kind === STEP_NONE)) {
        eagerSettling.set(this, null);
        // By the next iteration the step has settled, unless the task waits on a foreign promise:
        // then held cancels land the ordinary way (at its next aio await).
        this._loop._callSoon1(applyHeldCancels, this, null);
      }
    } else {
      // The task is its own first handle (Python: `call_soon(self.__step)`): no extra object.
      this._loop._pushReady(this);
    }
  }

  /** The context the coroutine runs in. @internal */
  get _context(): Context {
    return (this._ctx ??= new Context());
  }

  /** A task is its own frame's task. @internal */
  get _frameTask(): object {
    return this;
  }

  /**
   * The coroutine thunk (kept once the task is done, as in CPython; null for an eager task that
   * finished within its first step, as Python's `__eager_start` drops it).
   */
  getCoro(): Coroutine<T> | null {
    return this._coro;
  }

  /** The context the task runs in. */
  getContext(): Context {
    return this._context;
  }

  getName(): string {
    const name = this._name;
    return typeof name === "number" ? `Task-${name}` : name;
  }

  /** Never cancelled: the task's first step, queued as a ready handle. @internal */
  get _cancelled(): boolean {
    return false;
  }

  /** The first step, run by the loop (the task is its own start handle). @internal */
  _run(): void {
    if (this._state !== 0) {
      reportAlreadyDone(this, null, null);
      return;
    }
    startTask(this);
  }

  /** Sets the name: Python's `str(value)`, so null reads `None`. */
  setName(value: unknown): void {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Python's str(name) of any value.
    this._name = value === null || value === undefined ? "None" : String(value);
  }

  /** @throws RuntimeError always: a task's result comes from its coroutine. */
  override setResult(_result: T): void {
    throw new RuntimeError("Task does not support set_result operation");
  }

  /** @throws RuntimeError always: a task's exception comes from its coroutine. */
  override setException(_exception: unknown): void {
    throw new RuntimeError("Task does not support set_exception operation");
  }

  /**
   * The stack of the task: for a task that failed, the lines of its error's stack; otherwise
   * empty (JavaScript cannot show where a suspended async function waits).
   */
  getStack(options: { limit?: number | null } = {}): string[] {
    if (this._state !== 2 || this._exception === null) return [];
    const error = this._exception;
    const stack = error instanceof Error && error.stack ? error.stack.split("\n").slice(1).map((line) => line.trim()) : [];
    return options.limit === null || options.limit === undefined ? stack : stack.slice(0, options.limit);
  }

  /**
   * Requests cancellation: the await the task is suspended in throws CancelledError (with
   * `msg`), and `task.signal` aborts. False if the task is done.
   * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.Task.cancel
   */
  override cancel(msg?: unknown): boolean {
    if (this._logTraceback) this._retrieved();
    if (this._state !== 0) return false;
    this._numCancelsRequested += 1;
    if (eagerSettling.size > 0 && eagerSettling.has(this)) {
      // An eager task whose first step is settling: Python's step was over by now, so the task
      // is either done (the cancel is dropped when it finishes) or suspended (the cancel lands
      // when it suspends).
      const held = eagerSettling.get(this);
      eagerSettling.set(this, { msg, count: (held?.count ?? 0) + 1 });
      return true;
    }
    const abort = this._abort;
    if (abort !== null && !abort.signal.aborted) abort.abort(cancelledErrorFor(msg));
    const waiter = this._futWaiter;
    if (waiter !== null && waiter.cancel(msg)) {
      // Python leaves _fut_waiter set: it may be a task that ignores the cancel.
      return true;
    }
    this._mustCancel = true;
    this._cancelMessage = msg;
    return true;
  }

  /** Pending cancellation requests (3.11+). */
  cancelling(): number {
    return this._numCancelsRequested;
  }

  /** Withdraws one cancellation request; returns the number left. */
  uncancel(): number {
    if (this._numCancelsRequested > 0) {
      this._numCancelsRequested -= 1;
      if (this._numCancelsRequested === 0) this._mustCancel = false;
    }
    return this._numCancelsRequested;
  }

  /**
   * An AbortSignal that aborts when the task is cancelled, for native APIs (`fetch`, `fs`,
   * `child_process`). An `@aio` addition.
   */
  get signal(): AbortSignal {
    if (this._abort === null) {
      this._abort = new AbortController();
      if (this._numCancelsRequested > 0 || this._state === 1) {
        this._abort.abort(cancelledErrorFor(this._cancelMessage));
      }
    }
    return this._abort.signal;
  }

  // ------------------------------------------------------------ the step machinery

  /** The task awaits `future` (from Future._await, in this task's frame). @internal */
  _awaitOn(future: Future<unknown>, resolve: Resolve, reject: Reject): void {
    const loop = this._loop;
    if (future._loop !== (loop as AbstractEventLoop)) {
      scheduleThrow(this, reject, new RuntimeError(
        `Task ${this.toString()} got Future ${future.toString()} attached to a different loop`,
      ));
      return;
    }
    if (future === (this as Future<unknown>)) {
      scheduleThrow(this, reject, new RuntimeError(`Task cannot await on itself: ${this.toString()}`));
      return;
    }
    this._supersedeWait();
    this._futWaiter = future;
    this._waitResolve = resolve;
    this._waitReject = reject;
    future._addWaiter(this);
    if (this._mustCancel && future.cancel(this._cancelMessage)) this._mustCancel = false;
    if (eagerSettling.size > 0) applyHeldCancels(this);
    loop._stepSuspended(this);
  }

  /** Python's bare `yield` (sleep(0)): resume in the next iteration. @internal */
  _yield(resolve: Resolve, reject: Reject, result: unknown): void {
    this._supersedeWait();
    this._scheduleStep(STEP_YIELD, resolve, reject, result);
    if (eagerSettling.size > 0) applyHeldCancels(this);
    this._loop._stepSuspended(this);
  }

  /** Queues a step (Python: `call_soon(self.__step)`), reusing the task's handle when free. @internal */
  _scheduleStep(kind: number, resolve: Resolve | null, reject: Reject | null, value: unknown): void {
    let handle = this._step;
    if (handle === null) handle = this._step = new StepHandle(this);
    else if (handle._kind !== STEP_NONE) handle = new StepHandle(this);
    handle._kind = kind;
    handle._resolve = resolve;
    handle._reject = reject;
    handle._value = value;
    this._loop._pushReady(handle);
  }

  /** The awaited future completed: queue the wakeup (Python: `call_soon(self.__wakeup)`). @internal */
  _futureDone(future: AbstractFuture<unknown>): void {
    const resolve = this._waitResolve;
    const reject = this._waitReject;
    this._waitResolve = null;
    this._waitReject = null;
    this._scheduleStep(STEP_WAKEUP, resolve, reject, future);
  }

  /** The awaited future is done: resume (Python's `__wakeup` + `__step`). @internal */
  _onFutureDone(future: AbstractFuture<unknown>, resolve: Resolve, reject: Reject): void {
    if (this._futWaiter === future) this._futWaiter = null;
    this._loop._beginStep(this);
    let failed = false;
    let value: unknown;
    try {
      value = future.result();
    } catch (error) {
      failed = true;
      value = error;
    }
    if (this._mustCancel) {
      if (!(failed && value instanceof CancelledError)) value = this._makeCancelledError();
      failed = true;
      this._mustCancel = false;
    }
    if (failed) reject(value);
    else resolve(value);
  }

  /** A second await while one is registered (Promise.all, an un-awaited `then`). @internal */
  _supersedeWait(): void {
    const previous = this._futWaiter;
    if (previous !== null) {
      // Once the future completed, its wakeup already holds the resolvers: nothing to move.
      if (this._waitResolve !== null) {
        previous._replaceWaiter(this, new Settler(this._waitResolve, this._waitReject as Reject));
      }
      this._futWaiter = null;
      this._waitResolve = null;
      this._waitReject = null;
    }
  }

  /** The coroutine returned `value`. @internal */
  _finish(value: T): void {
    // A settling eager task finished: Python's was done before any cancel() held meanwhile.
    if (eagerSettling.size > 0) finishEagerStep(this);
    if (this._state !== 0) {
      reportAlreadyDone(this, null, value);
      this._afterDone();
      return;
    }
    if (this._mustCancel) {
      // Python: the task is cancelled right before the coroutine stops.
      this._mustCancel = false;
      Future.prototype.cancel.call(this, this._cancelMessage);
    } else {
      Future.prototype.setResult.call(this, value);
    }
    this._afterDone();
  }

  /** The coroutine threw `error`. @internal */
  _fail(error: unknown): void {
    // A settling eager task finished: Python's was done before any cancel() held meanwhile.
    if (eagerSettling.size > 0) finishEagerStep(this);
    if (this._state !== 0) {
      reportAlreadyDone(this, null, error);
      this._afterDone();
      return;
    }
    if (error instanceof CancelledError) {
      this._cancelledExc = error;
      Future.prototype.cancel.call(this);
    } else {
      const value = error ?? new TypeError(`coroutine threw ${String(error)}`);
      // V8 formats an error's stack lazily and keeps the frames' async functions (and so this
      // task, through their closures) until then; the never-retrieved report holds the error,
      // which would keep the task alive forever. Formatting it now drops those references.
      if (value instanceof Error) void value.stack;
      Future.prototype.setException.call(this, value);
    }
    this._afterDone();
  }

  /** @internal */
  _afterDone(): void {
    unregisterTask(this);
    this._loop._stepSuspended(this);
  }

  override _reprInfo(): string[] {
    const info = super._reprInfo();
    if (this._numCancelsRequested > 0 && this._state === 0) info[0] = "cancelling";
    info.splice(1, 0, `name='${this.getName()}'`);
    if (this._coro !== null) {
      info.splice(2, 0, `coro=<${this._coro.name || "<anonymous>"}() ${this._state === 0 ? "running" : "done"}>`);
    }
    if (this._futWaiter !== null) info.splice(this._coro !== null ? 3 : 2, 0, `wait_for=${this._futWaiter.toString()}`);
    return info;
  }
}

function cancelledErrorFor(msg: unknown): CancelledError {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Python's str(msg): any value may be a cancel message.
  return msg === undefined || msg === null ? new CancelledError() : new CancelledError(String(msg));
}

const STEP_NONE = 0;
const STEP_YIELD = 2;
const STEP_WAKEUP = 3;
const STEP_THROW = 4;

/**
 * Eager tasks whose first step is still settling in promise jobs, with the cancel() calls made
 * meanwhile (their last message and how many), or null while there were none.
 */
const eagerSettling = new Map<Task<unknown>, { msg: unknown; count: number } | null>();

/** Ends `task`'s settling; returns the cancels held meanwhile, or null. */
function takeHeldCancels(task: Task<unknown>): { msg: unknown; count: number } | null {
  const held = eagerSettling.get(task);
  if (held === undefined) return null;
  eagerSettling.delete(task);
  if (held !== null) task._numCancelsRequested -= held.count;
  return held;
}

/**
 * A settling eager task ends within its first step: the held cancels are dropped, and, as
 * Python's `__eager_start` does for a task done after its eager step, the coroutine is let go.
 */
function finishEagerStep(task: Task<unknown>): void {
  if (!eagerSettling.has(task)) return;
  takeHeldCancels(task);
  task._coro = null;
}

/** The settling eager task suspended: the held cancels land now, as on a suspended Python task. */
function applyHeldCancels(task: Task<unknown>): void {
  const held = takeHeldCancels(task);
  if (held !== null) for (let i = 0; i < held.count; i++) task.cancel(held.msg);
}

/**
 * A queued step of one task: start, resume after `sleep(0)`, wake up from a future, or throw.
 * Each task keeps one and reuses it, so a task switch allocates no handle (benchmark W2).
 */
class StepHandle implements ReadyHandle {
  _cancelled = false;
  _kind = STEP_NONE;
  _resolve: Resolve | null = null;
  _reject: Reject | null = null;
  _value: unknown = undefined;
  readonly _task: Task<unknown>;

  constructor(task: Task<unknown>) {
    this._task = task;
  }

  _run(): void {
    const task = this._task;
    const kind = this._kind;
    if (task._state !== 0) {
      // CPython Task.__step: "_step(): already done" when Future.set_result/set_exception was
      // called on the task from outside; the handle reports it and the coroutine is not resumed.
      this._kind = STEP_NONE;
      this._resolve = null;
      this._reject = null;
      this._value = undefined;
      reportAlreadyDone(task, this, null);
      return;
    }
    const resolve = this._resolve as Resolve;
    const reject = this._reject as Reject;
    const value = this._value;
    this._kind = STEP_NONE;
    this._resolve = null;
    this._reject = null;
    this._value = undefined;
    switch (kind) {
      case STEP_YIELD:
        resumeAfterYield(task, resolve, reject, value);
        break;
      case STEP_WAKEUP:
        task._onFutureDone(value as AbstractFuture<unknown>, resolve, reject);
        break;
      case STEP_THROW:
        throwIntoTask(task, reject, value);
        break;
      default:
        break;
    }
  }

  toString(): string {
    return `<Handle ${this._task.toString()}.__step()>`;
  }
}

/** A step of a task that is already done: the error CPython's `__step` raises, to the exception handler. */
function reportAlreadyDone(task: Task<unknown>, handle: StepHandle | null, value: unknown): void {
  const error = new InvalidStateError(`_step(): already done: ${task.toString()}, ${reprValue(value)}`);
  const context: Record<string, unknown> = { message: "Exception in callback Task.__step()", exception: error };
  if (handle !== null) context.handle = handle;
  task._loop.callExceptionHandler(context);
}

/** The first step: Python's `__step` scheduled by `Task.__init__`. */
function startTask(task: Task<unknown>): void {
  task._loop._beginStep(task);
  if (task._mustCancel) {
    // Python throws CancelledError into the unstarted coroutine, which ends it at once.
    task._mustCancel = false;
    task._fail(task._makeCancelledError());
    return;
  }
  startCoroutine(task);
}

/** The task `enterAndInvoke` starts (a module slot: no closure or argument array per task). */
let startingTask: Task<unknown> | null = null;

function startCoroutine(task: Task<unknown>): void {
  if (frameStorage.getStore() === undefined) {
    // Started by the loop, in its root frame. `frameStorage.run` would build two frames (Node's
    // AsyncContextFrame maps): the task's, and a copy to restore the root one afterwards. Entering
    // the task's frame inside `runInRootContext` builds only the first, and the root frame comes
    // back by a swap (benchmark W1: about 130 ns and 180 bytes of garbage less per task).
    startingTask = task;
    runInRootContext(enterAndInvoke);
  } else {
    // An eager start inside another task's frame (or a Context.run): the new frame copies it.
    frameStorage.run(task, invokeCoroutine, task);
  }
}

function enterAndInvoke(): void {
  const task = startingTask as Task<unknown>;
  startingTask = null;
  frameStorage.enterWith(task);
  invokeCoroutine(task);
}

/**
 * Calls the thunk inside the task's frame and follows its promise. The handlers are shared
 * functions that find their task through the frame (reactions run in the frame they were made
 * in), so starting a task allocates no closure and no wrapping async function (W1, W8).
 */
function invokeCoroutine(task: Task<unknown>): void {
  let result: unknown;
  try {
    result = (task._coro as Coroutine<unknown>)();
  } catch (error) {
    task._fail(error);
    return;
  }
  if (result instanceof Promise) {
    result.then(onCoroutineReturn, onCoroutineThrow);
  } else if (result !== null && (typeof result === "object" || typeof result === "function") && typeof (result as PromiseLike<unknown>).then === "function") {
    // A thenable (a Future returned by the thunk): awaited in the task's frame, so the task waits on it.
    Promise.resolve(result as PromiseLike<unknown>).then(onCoroutineReturn, onCoroutineThrow);
  } else {
    // A thunk that is not async returned at once: like a coroutine that never suspends.
    task._finish(result);
  }
}

function frameTask(): Task<unknown> {
  return (frameStorage.getStore() as TaskFrame)._frameTask as Task<unknown>;
}

function onCoroutineReturn(value: unknown): void {
  frameTask()._finish(value);
}

function onCoroutineThrow(error: unknown): void {
  frameTask()._fail(error);
}

function resumeAfterYield(task: Task<unknown>, resolve: Resolve, reject: Reject, result: unknown): void {
  task._loop._beginStep(task);
  if (task._mustCancel) {
    task._mustCancel = false;
    reject(task._makeCancelledError());
  } else {
    resolve(result);
  }
}

/** Python: `call_soon(self.__step, new_exc)` for a bad await. */
function scheduleThrow(task: Task<unknown>, reject: Reject, error: unknown): void {
  task._supersedeWait();
  task._scheduleStep(STEP_THROW, null, reject, error);
  task._loop._stepSuspended(task);
}

function throwIntoTask(task: Task<unknown>, reject: Reject, error: unknown): void {
  task._loop._beginStep(task);
  task._mustCancel = false;
  reject(error);
}

/**
 * The task whose code is running (in `loop`, default the running loop), or null.
 * @throws RuntimeError "no running event loop" when no loop is given and none runs.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.current_task
 */
export function currentTask(loop?: AbstractEventLoop | null): Task<unknown> | null {
  const target = loop ?? getRunningLoop();
  const frame = frameStorage.getStore();
  const task = frame === undefined ? null : (frame._frameTask as Task<unknown> | null);
  return task !== null && task._loop === target ? task : null;
}

/**
 * The loop's tasks that are not done (default: the running loop).
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.all_tasks
 */
export function allTasks(loop?: AbstractEventLoop | null): Set<Task<unknown>> {
  const target = loop ?? getRunningLoop();
  const result = new Set<Task<unknown>>();
  for (let task = scheduledTasks.head; task !== null; task = task._nextTask) {
    if (task._loop === target && !task.done()) result.add(task);
  }
  return result;
}
