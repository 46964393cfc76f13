/**
 * Eager task factories: tasks whose coroutine starts at once, inside `createTask`.
 * Mirrors CPython 3.13 asyncio/tasks.py (create_eager_task_factory, eager_task_factory).
 */
import type { AbstractEventLoop, Context, Coroutine, TaskFactory } from "@aio/core";
import { Task } from "./task.js";
import type { TaskOptions } from "./task.js";

/** A Task class (or subclass) constructor. */
export type TaskConstructor = new <T>(coro: Coroutine<T>, options?: TaskOptions) => Task<T>;

/**
 * A task factory that starts each coroutine eagerly, with `TaskClass`.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.create_eager_task_factory
 */
export function createEagerTaskFactory(TaskClass: TaskConstructor): TaskFactory {
  return (loop: AbstractEventLoop, coro: Coroutine<unknown>, options: { name?: string | null; context?: Context | null }) =>
    new TaskClass(coro, { loop, name: options.name ?? null, context: options.context ?? null, eagerStart: true });
}

/**
 * The eager factory of the default Task: `loop.setTaskFactory(eagerTaskFactory)`.
 * @see https://docs.python.org/3/library/asyncio-task.html#asyncio.eager_task_factory
 */
export const eagerTaskFactory: TaskFactory = createEagerTaskFactory(Task);
