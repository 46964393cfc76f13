/**
 * The event loop, future and task interfaces that every package programs against.
 * Mirrors CPython 3.13 asyncio/events.py (AbstractEventLoop, Handle, TimerHandle) and the
 * future protocol of asyncio/base_futures.py.
 *
 * Concrete classes live above core (`Future` in @aio/futures, `EventLoop` in @aio/loop, `Task` in
 * @aio/tasks); these interfaces let a lower package (sync, queues) use them without importing them.
 */
import type { Context } from "./context.js";

/** A callback given to `addDoneCallback`: called with the finished future. */
export type DoneCallback<F> = (future: F) => void;

/** What every `@aio` future offers (Python's future protocol, `asyncio.isfuture`). */
export interface AbstractFuture<T = unknown> extends PromiseLike<T> {
  /** Marks the object as an asyncio future (Python's `_asyncio_future_blocking` duck-typing). */
  readonly _asyncioFutureBlocking: boolean;
  done(): boolean;
  cancelled(): boolean;
  result(): T;
  exception(): unknown;
  cancel(msg?: unknown): boolean;
  setResult(result: T): void;
  setException(exception: unknown): void;
  addDoneCallback(callback: DoneCallback<this>, options?: { context?: Context | null }): void;
  removeDoneCallback(callback: DoneCallback<this>): number;
  getLoop(): AbstractEventLoop;
}

/** A scheduled callback (Python's `asyncio.Handle`). */
export interface AbstractHandle {
  cancel(): void;
  cancelled(): boolean;
  getContext(): Context | null;
}

/** A callback scheduled at a loop time (Python's `asyncio.TimerHandle`). */
export interface AbstractTimerHandle extends AbstractHandle {
  when(): number;
}

/** A coroutine, in `@aio`: a thunk that starts the async work when called. */
export type Coroutine<T> = () => PromiseLike<T> | T;

/** Python's `concurrent.futures.Executor`, as far as `runInExecutor` uses it. */
export interface Executor {
  submit<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): PromiseLike<Awaited<R>>;
  shutdown(wait?: boolean, options?: { cancelFutures?: boolean }): void | Promise<void>;
}

/** The dictionary passed to exception handlers (Python's context dict). */
export interface ExceptionContext {
  message?: string;
  exception?: unknown;
  future?: unknown;
  task?: unknown;
  handle?: unknown;
  protocol?: unknown;
  transport?: unknown;
  socket?: unknown;
  asyncgen?: unknown;
  source_traceback?: string;
  handle_traceback?: string;
  [key: string]: unknown;
}

/** A custom exception handler: `(loop, context) => void`. */
export type ExceptionHandler = (loop: AbstractEventLoop, context: ExceptionContext) => void;

/** Options of `createTask`. */
export interface CreateTaskOptions {
  name?: string | null;
  context?: Context | null;
}

/** A task factory: `(loop, coro, { name, context }) => Task`. */
export type TaskFactory = (
  loop: AbstractEventLoop,
  coro: Coroutine<unknown>,
  options: CreateTaskOptions,
) => AbstractFuture<unknown>;

/** The trailing `{ context }` option of `callSoon`, `callSoonThreadsafe`, `callLater` and `callAt`. */
export interface ContextOption {
  /** The context the callback runs in (Python's `context=` keyword); null: the current one. */
  context: Context | null;
}

/**
 * The loop's I/O methods with their types, declared by the packages that implement them through
 * module augmentation (@aio/streams: network and sockets; @aio/subprocess: processes and pipes).
 * Empty until one of them is imported.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging from @aio/streams and @aio/subprocess
export interface LoopIOMethods {}

/**
 * Python's `asyncio.AbstractEventLoop`. The I/O methods are implemented by @aio/streams and
 * @aio/subprocess and merged into this interface by those packages ({@link LoopIOMethods}).
 * @see https://docs.python.org/3/library/asyncio-eventloop.html
 */
export interface AbstractEventLoop extends LoopIOMethods {
  runForever(): Promise<void>;
  runUntilComplete<T>(future: PromiseLike<T> | Coroutine<T>): Promise<T>;
  stop(): void;
  isRunning(): boolean;
  isClosed(): boolean;
  close(): void;
  shutdownAsyncgens(): Promise<void>;
  shutdownDefaultExecutor(timeout?: number | null): Promise<void>;

  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: [...A, ContextOption]): AbstractHandle;
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): AbstractHandle;
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: [...A, ContextOption]): AbstractHandle;
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): AbstractHandle;
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: [...A, ContextOption]): AbstractTimerHandle;
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): AbstractTimerHandle;
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: [...A, ContextOption]): AbstractTimerHandle;
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): AbstractTimerHandle;
  time(): number;

  createFuture<T = unknown>(): AbstractFuture<T>;
  createTask<T>(coro: Coroutine<T>, options?: CreateTaskOptions): AbstractFuture<T>;
  setTaskFactory(factory: TaskFactory | null): void;
  getTaskFactory(): TaskFactory | null;

  runInExecutor<A extends unknown[], R>(
    executor: Executor | null,
    fn: (...args: A) => R | PromiseLike<R>,
    ...args: A
  ): AbstractFuture<Awaited<R>>;
  setDefaultExecutor(executor: Executor): void;

  /**
   * Calls the exception handler (the default one if none is set). A custom handler runs in the
   * context of `context.task`, else `context.future`, else `context.handle` (Python 3.12+), or in
   * `runIn` when given (a report made after the future was collected).
   */
  callExceptionHandler(context: ExceptionContext, runIn?: Context | null): void;
  setExceptionHandler(handler: ExceptionHandler | null): void;
  getExceptionHandler(): ExceptionHandler | null;
  defaultExceptionHandler(context: ExceptionContext): void;

  addSignalHandler<A extends unknown[]>(sig: number | string, callback: (...args: A) => unknown, ...args: A): void;
  removeSignalHandler(sig: number | string): boolean;

  getDebug(): boolean;
  setDebug(enabled: boolean): void;
  slowCallbackDuration: number;
}

/**
 * Hooks a loop offers the task machinery so that a task resumes "in its place" among the
 * iteration's callbacks: after a handle resumes a task's coroutine, the loop lets promise
 * reactions run until the task suspends again on an aio awaitable (or finishes) before it runs
 * the next handle. @internal
 */
export interface LoopStepHooks {
  /** A handle is about to resume `task`'s coroutine. */
  _beginStep(task: object): void;
  /** `task` reached an aio await or finished: the loop may go on. */
  _stepSuspended(task: object): void;
}

/**
 * An entry in a future's callback list that is not a plain callback: a task waiting on the
 * future, or the resolver of a promise derived from it. @internal
 */
export interface FutureWaiter {
  /**
   * Called when the future completes, in callback order; the waiter schedules its own
   * resumption on the loop (Python: `call_soon(callback, future)`).
   */
  _futureDone(future: AbstractFuture<unknown>): void;
}

/** What the loop's ready queue holds: a Handle, or a task's reusable step handle. @internal */
export interface ReadyHandle {
  _cancelled: boolean;
  _run(): void;
}

/** Loop methods the futures and tasks machinery uses to avoid public-API overhead. @internal */
export interface LoopInternals extends LoopStepHooks {
  /** `callSoon` with the argument list and context given directly (no option parsing). */
  _callSoon(callback: (...args: never[]) => unknown, args: unknown[], context: Context | null): AbstractHandle;
  /** `_callSoon` with exactly one argument, kept without an array. */
  _callSoon1(callback: (...args: never[]) => unknown, arg: unknown, context: Context | null): AbstractHandle;
  /** `callLater` with exactly one argument, kept without an array (the callback is not checked). */
  _callLater1(delay: number, callback: (...args: never[]) => unknown, arg: unknown): AbstractTimerHandle;
  /** Appends a ready handle (waking an idle loop). */
  _pushReady(handle: ReadyHandle): void;
  /** Enables debug-mode checks and source tracebacks. */
  _debug: boolean;
}
