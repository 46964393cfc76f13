export { Task, currentTask, allTasks } from "./task.js";
export type { TaskOptions } from "./task.js";
export { sleep } from "./sleep.js";
export { createTask, ensureFuture } from "./ensure-future.js";
export type { Awaitable, CreateTaskOptions, EnsureFutureOptions } from "./ensure-future.js";
