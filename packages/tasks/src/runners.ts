/**
 * run and Runner: create a loop, run a coroutine to completion, and clean up everything.
 * Mirrors CPython 3.13 asyncio/runners.py.
 *
 * Python's Runner is a synchronous context manager; here `run` returns a Promise and the
 * Runner is an async context manager. On the first SIGINT the main task is cancelled (and
 * `run` raises KeyboardInterrupt if it ends cancelled because of it); a second SIGINT stops
 * the loop and raises KeyboardInterrupt, as Python's does.
 */
import {
  CancelledError,
  KeyboardInterrupt,
  RuntimeError,
  _getRunningLoop,
  _setEventLoop,
  copyContext,
} from "@aio/core";
import type { AbstractEventLoop, AsyncContextManager, Context, Coroutine } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { reprValue } from "@aio/futures";
import { gather } from "./gather.js";
import { allTasks } from "./task.js";
import type { Task } from "./task.js";

/** Python's constants.THREAD_JOIN_TIMEOUT. */
const THREAD_JOIN_TIMEOUT = 300;

/** Options of {@link Runner} and {@link run}. */
export interface RunnerOptions {
  /** Debug mode for the loop (null: leave the loop's default). */
  debug?: boolean | null;
  /** Makes the loop (default: `newEventLoop()`, which follows the policy). */
  loopFactory?: (() => AbstractEventLoop) | null;
}

const CREATED = 0;
const INITIALIZED = 1;
const CLOSED = 2;

/**
 * Runs coroutines on one loop it owns; `close()` cancels what is left and closes the loop.
 * @see https://docs.python.org/3/library/asyncio-runner.html#asyncio.Runner
 */
export class Runner implements AsyncContextManager<Runner> {
  /** @internal */
  _state = CREATED;
  /** @internal */
  _debug: boolean | null;
  /** @internal */
  _loopFactory: (() => AbstractEventLoop) | null;
  /** @internal */
  _loop: AbstractEventLoop | null = null;
  /** @internal */
  _context: Context | null = null;
  /** @internal */
  _interruptCount = 0;
  /** @internal */
  _setEventLoop = false;

  constructor(options: RunnerOptions = {}) {
    this._debug = options.debug ?? null;
    this._loopFactory = options.loopFactory ?? null;
  }

  async aenter(): Promise<Runner> {
    this._lazyInit();
    return this;
  }

  async aexit(): Promise<boolean> {
    await this.close();
    return false;
  }

  /** Async disposal for `await using runner = new Runner()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Cancels the remaining tasks, shuts down async generators and the executor, closes the loop. */
  async close(): Promise<void> {
    if (this._state !== INITIALIZED) return;
    const loop = this._loop as AbstractEventLoop;
    try {
      await cancelAllTasks(loop);
      await loop.runUntilComplete(() => loop.shutdownAsyncgens());
      await loop.runUntilComplete(() => loop.shutdownDefaultExecutor(THREAD_JOIN_TIMEOUT));
    } finally {
      if (this._setEventLoop) _setEventLoop(null);
      loop.close();
      this._loop = null;
      this._state = CLOSED;
    }
  }

  /** The runner's loop (created on first use). @throws RuntimeError "Runner is closed". */
  getLoop(): AbstractEventLoop {
    this._lazyInit();
    return this._loop as AbstractEventLoop;
  }

  /**
   * Runs the coroutine thunk to completion on the runner's loop and returns its result.
   * @throws RangeError if `coro` is not a function (Python's ValueError); RuntimeError if a
   * loop is running; KeyboardInterrupt after SIGINT.
   */
  async run<T>(coro: Coroutine<T>, options: { context?: Context | null } = {}): Promise<T> {
    if (typeof coro !== "function") {
      // API.md maps Python's ValueError here to RangeError.
      throw new RangeError(`a coroutine was expected, got ${reprValue(coro)}`);
    }
    if (_getRunningLoop() !== null) {
      throw new RuntimeError("Runner.run() cannot be called from a running event loop");
    }
    this._lazyInit();
    const loop = this._loop as AbstractEventLoop;
    const context = options.context ?? this._context;
    const task = loop.createTask(coro, { context }) as Task<T>;

    // Python installs its handler only over the default one; in Node: when nobody listens.
    let onSigint: (() => void) | null = null;
    if (process.listenerCount("SIGINT") === 0) {
      onSigint = () => this._onSigint(task);
      process.on("SIGINT", onSigint);
    }
    this._interruptCount = 0;
    try {
      return await loop.runUntilComplete(task);
    } catch (error) {
      if (this._interruptCount > 0) {
        // CPython gh-95097: a task from a custom factory may lack uncancel().
        const uncancel = (task as Partial<Pick<Task<T>, "uncancel">>).uncancel;
        if (error instanceof CancelledError && typeof uncancel === "function" && uncancel.call(task) === 0) {
          throw new KeyboardInterrupt();
        }
        if (this._interruptCount > 1) throw new KeyboardInterrupt();
      }
      throw error;
    } finally {
      if (onSigint !== null) process.removeListener("SIGINT", onSigint);
    }
  }

  /** @internal */
  _lazyInit(): void {
    if (this._state === CLOSED) throw new RuntimeError("Runner is closed");
    if (this._state === INITIALIZED) return;
    if (this._loopFactory === null) {
      this._loop = newEventLoop();
      if (!this._setEventLoop) {
        _setEventLoop(this._loop);
        this._setEventLoop = true;
      }
    } else {
      this._loop = this._loopFactory();
    }
    if (this._debug !== null) this._loop.setDebug(this._debug);
    this._context = copyContext();
    this._state = INITIALIZED;
  }

  /** @internal */
  _onSigint(mainTask: Task<unknown>): void {
    const loop = this._loop as AbstractEventLoop;
    // Python: loop.add_signal_handler(SIGINT, …) replaces the Runner's handler for the process;
    // Node keeps both listeners, so the Runner steps aside while the loop has its own.
    if ((loop as { _hasSignalHandler?: (sig: string) => boolean })._hasSignalHandler?.("SIGINT") === true) return;
    this._interruptCount += 1;
    if (this._interruptCount === 1 && !mainTask.done()) {
      mainTask.cancel();
      loop.callSoonThreadsafe(() => undefined);
      return;
    }
    // Python raises KeyboardInterrupt in the main thread; here the loop stops and run() raises it.
    loop.stop();
  }
}

async function cancelAllTasks(loop: AbstractEventLoop): Promise<void> {
  const toCancel = allTasks(loop);
  if (toCancel.size === 0) return;
  for (const task of toCancel) task.cancel();
  await loop.runUntilComplete(gather([...toCancel], { returnExceptions: true }));
  for (const task of toCancel) {
    if (task.cancelled()) continue;
    const error = task.exception();
    if (error !== null) {
      loop.callExceptionHandler({
        message: "unhandled exception during asyncio.run() shutdown",
        exception: error,
        task,
      });
    }
  }
}

/**
 * Runs `main` in a new event loop, then cancels what is left, shuts down async generators and
 * the default executor, and closes the loop.
 * @throws RuntimeError "asyncio.run() cannot be called from a running event loop".
 * @example
 * const answer = await run(async () => { await sleep(0.01); return 42; });
 * @see https://docs.python.org/3/library/asyncio-runner.html#asyncio.run
 */
export async function run<T>(main: Coroutine<T>, options: RunnerOptions = {}): Promise<T> {
  if (_getRunningLoop() !== null) {
    throw new RuntimeError("asyncio.run() cannot be called from a running event loop");
  }
  const runner = new Runner(options);
  try {
    return await runner.run(main);
  } finally {
    await runner.close();
  }
}
