/**
 * TaskGroup: structured concurrency; the block waits for its tasks, and the first failure
 * cancels the rest and the block itself.
 * Mirrors CPython 3.13 asyncio/taskgroups.py.
 *
 * Python singles out SystemExit and KeyboardInterrupt (`_base_error`): the group waits for its
 * tasks, then raises that error alone instead of an ExceptionGroup. JavaScript has no
 * SystemExit, so only @aio/core's KeyboardInterrupt is treated so. Python's other
 * BaseExceptions (a BaseExceptionGroup) have no JavaScript analog: every error is grouped in
 * an ExceptionGroup.
 */
import { CancelledError, ExceptionGroup, KeyboardInterrupt, RuntimeError, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, AsyncContextManager, Context, Coroutine } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { currentTask } from "./task.js";
import type { Task } from "./task.js";

/** Options of {@link TaskGroup.createTask}. */
export interface TaskGroupCreateTaskOptions {
  name?: string | null;
  context?: Context | null;
}

/**
 * A group of tasks bound to a block: `await asyncWith(new TaskGroup(), async (tg) => { … })`.
 * Errors of the tasks come out as one ExceptionGroup.
 * @example
 * await asyncWith(new TaskGroup(), async (g) => {
 *   t1 = g.createTask(foo1);
 *   t2 = g.createTask(foo2);
 * });
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.TaskGroup
 */
export class TaskGroup implements AsyncContextManager<TaskGroup> {
  /** @internal */
  _entered = false;
  /** @internal */
  _exiting = false;
  /** @internal */
  _aborting = false;
  /** @internal */
  _loop: AbstractEventLoop | null = null;
  /** @internal */
  _parentTask: Task<unknown> | null = null;
  /** @internal */
  _parentCancelRequested = false;
  /** @internal */
  _tasks = new Set<Task<unknown>>();
  /** @internal */
  _errors: unknown[] | null = [];
  /** The first KeyboardInterrupt seen (body or child); re-raised as is on exit. @internal */
  _baseError: KeyboardInterrupt | null = null;
  /** @internal */
  _onCompletedFut: Future<boolean> | null = null;

  toString(): string {
    const info = [""];
    if (this._tasks.size > 0) info.push(`tasks=${this._tasks.size}`);
    if (this._errors !== null && this._errors.length > 0) info.push(`errors=${this._errors.length}`);
    if (this._aborting) info.push("cancelling");
    else if (this._entered) info.push("entered");
    return `<TaskGroup${info.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /**
   * Enters the group in the current task (its parent task).
   * @throws RuntimeError "TaskGroup … has already been entered", "… cannot determine the parent
   * task" outside a task, or "no running event loop".
   */
  async aenter(): Promise<TaskGroup> {
    if (this._entered) throw new RuntimeError(`TaskGroup ${this.toString()} has already been entered`);
    this._loop ??= getRunningLoop();
    this._parentTask = currentTask(this._loop);
    if (this._parentTask === null) {
      throw new RuntimeError(`TaskGroup ${this.toString()} cannot determine the parent task`);
    }
    this._entered = true;
    return this;
  }

  /**
   * Waits for every task; on an error of the body or of a task, cancels the rest first.
   * @throws ExceptionGroup "unhandled errors in a TaskGroup" holding the errors of the tasks and
   * the body; a KeyboardInterrupt as is; CancelledError when the parent task was cancelled from
   * outside and nothing failed.
   */
  async aexit(error: unknown): Promise<boolean> {
    this._exiting = true;
    const failed = error !== undefined;
    if (failed && isBaseError(error) && this._baseError === null) this._baseError = error;
    let propagateCancellation: CancelledError | null = failed && error instanceof CancelledError ? error : null;
    if (failed && !this._aborting) this._abort();

    while (this._tasks.size > 0) {
      this._onCompletedFut ??= (this._loop as AbstractEventLoop).createFuture<boolean>() as Future<boolean>;
      try {
        await awaitFuture(this._onCompletedFut);
      } catch (caught) {
        if (!(caught instanceof CancelledError)) throw caught;
        if (!this._aborting) {
          propagateCancellation = caught;
          this._abort();
        }
      }
      this._onCompletedFut = null;
    }

    // CPython 3.13 taskgroups.py: a KeyboardInterrupt (or SystemExit) wins over everything and is
    // raised before the cancel this group sent to its parent is withdrawn.
    if (this._baseError !== null) throw this._baseError;

    const parent = this._parentTask as Task<unknown>;
    if (this._parentCancelRequested) {
      // Python: the cancel this group requested of its parent is withdrawn here; if nothing
      // else asked for one, the CancelledError it caused is not propagated.
      if (parent.uncancel() === 0) propagateCancellation = null;
    }
    const errors = this._errors as unknown[];
    if (propagateCancellation !== null && errors.length === 0) throw propagateCancellation;
    if (failed && !(error instanceof CancelledError)) errors.push(error);
    if (errors.length > 0) {
      if (parent.cancelling() > 0) {
        // Python: keep the parent's cancel request, but let it land again later.
        parent.uncancel();
        parent.cancel();
      }
      this._errors = null;
      throw ExceptionGroup._ofThrown("unhandled errors in a TaskGroup", errors);
    }
    return false;
  }

  /**
   * Starts a task in the group.
   * @throws RuntimeError if the group was not entered, is finished, or is shutting down.
   */
  createTask<T>(coro: Coroutine<T>, options: TaskGroupCreateTaskOptions = {}): Task<T> {
    if (!this._entered) throw new RuntimeError(`TaskGroup ${this.toString()} has not been entered`);
    if (this._exiting && this._tasks.size === 0) throw new RuntimeError(`TaskGroup ${this.toString()} is finished`);
    if (this._aborting) throw new RuntimeError(`TaskGroup ${this.toString()} is shutting down`);
    const loop = this._loop as AbstractEventLoop;
    const { name = null, context = null } = options;
    const task = (context === null ? loop.createTask(coro, { name }) : loop.createTask(coro, { name, context })) as Task<T>;
    if (task.done()) {
      this._onTaskDone(task);
    } else {
      this._tasks.add(task);
      task.addDoneCallback(this._onTaskDone);
    }
    return task;
  }

  /** @internal */
  _abort(): void {
    this._aborting = true;
    for (const task of this._tasks) {
      if (!task.done()) task.cancel();
    }
  }

  /** @internal */
  readonly _onTaskDone = (task: Task<unknown>): void => {
    this._tasks.delete(task);
    const completed = this._onCompletedFut;
    if (completed !== null && this._tasks.size === 0 && !completed.done()) completed.setResult(true);
    if (task.cancelled()) return;
    const error = task.exception();
    if (error === null) return;
    (this._errors as unknown[]).push(error);
    if (isBaseError(error) && this._baseError === null) this._baseError = error;
    const parent = this._parentTask as Task<unknown>;
    if (parent.done()) {
      (this._loop as AbstractEventLoop).callExceptionHandler({
        message: `Task ${task.toString()} has errored out but its parent task ${parent.toString()} is already completed`,
        exception: error,
        task,
      });
      return;
    }
    if (!this._aborting && !this._parentCancelRequested) {
      // The first failure cancels the siblings and the block that runs in the parent task.
      this._abort();
      this._parentCancelRequested = true;
      parent.cancel();
    }
  };
}

/**
 * Python's `_is_base_error`: SystemExit and KeyboardInterrupt. JavaScript has no SystemExit;
 * KeyboardInterrupt is the class `run()` raises after SIGINT.
 */
function isBaseError(error: unknown): error is KeyboardInterrupt {
  return error instanceof KeyboardInterrupt;
}
