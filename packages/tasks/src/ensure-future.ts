/**
 * createTask and ensureFuture: turn coroutines and awaitables into tasks on a loop.
 * Mirrors CPython 3.13 asyncio/tasks.py (create_task, ensure_future) and the default task
 * factory of base_events.create_task.
 */
import { _getEventLoop, _registerDefaultTaskFactory, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, Context, Coroutine } from "@aio/core";
import { isFuture } from "@aio/futures";
import { Task } from "./task.js";
import type { TaskOptions } from "./task.js";
import { awaitPromise } from "./internal/await-promise.js";

/** Anything `await` accepts in `@aio`: a Future, a Task, a coroutine thunk, or a PromiseLike. */
export type Awaitable<T> = AbstractFuture<T> | Coroutine<T> | PromiseLike<T>;

// One options object for every default task: the constructor reads it before running any code
// that could make another task, so reusing it saves an allocation per task (benchmark W1).
const defaultTaskOptions: TaskOptions = { loop: null, name: null, context: null };
_registerDefaultTaskFactory((loop, coro, options) => {
  defaultTaskOptions.loop = loop;
  defaultTaskOptions.name = options.name ?? null;
  defaultTaskOptions.context = options.context ?? null;
  const task = new Task(coro, defaultTaskOptions);
  defaultTaskOptions.loop = null;
  defaultTaskOptions.context = null;
  return task;
});

/** Shared default of `createTask`'s options (read only). */
const NO_OPTIONS: CreateTaskOptions = Object.freeze({});

function ignoreRejection(): void {
  // Handled by the task that awaits the promise (see ensureFuture).
}

/** Options of {@link createTask}. */
export interface CreateTaskOptions {
  name?: string | null;
  context?: Context | null;
}

/**
 * Schedules the coroutine thunk as a Task on the running loop.
 * @throws RuntimeError "no running event loop"; TypeError if `coro` is not a function.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task
 */
export function createTask<T>(coro: Coroutine<T>, options: CreateTaskOptions = NO_OPTIONS): Task<T> {
  const loop = getRunningLoop();
  return loop.createTask(coro, options) as Task<T>;
}

/** Options of {@link ensureFuture}. */
export interface EnsureFutureOptions {
  loop?: AbstractEventLoop | null;
}

/**
 * A future for `value`: a future as is, a thunk or promise wrapped in a Task.
 * @throws TypeError for anything else; RangeError if a future belongs to another loop than `loop`.
 * @see https://docs.python.org/3/library/asyncio-future.html#asyncio.ensure_future
 */
export function ensureFuture<T>(value: Awaitable<T>, options: EnsureFutureOptions = {}): AbstractFuture<T> {
  const loop = options.loop ?? null;
  if (isFuture(value)) {
    const future = value;
    if (loop !== null && loop !== future.getLoop()) {
      throw new RangeError("The future belongs to a different loop than the one specified as the loop argument");
    }
    return future;
  }
  let coro: Coroutine<T>;
  if (typeof value === "function") {
    coro = value;
  } else if (value !== null && typeof value === "object" && typeof value.then === "function") {
    const awaitable = value;
    // The task awaits the promise only when it starts, an iteration from now; meanwhile a
    // rejection is the task's to deliver, so Node must not report it as unhandled.
    if (awaitable instanceof Promise) awaitable.catch(ignoreRejection);
    // Python's _wrap_awaitable; awaiting through an aio future keeps the task cancellable.
    coro = () => awaitPromise(awaitable);
  } else {
    throw new TypeError("An asyncio.Future, a coroutine or an awaitable is required");
  }
  return (loop ?? _getEventLoop()).createTask(coro);
}
