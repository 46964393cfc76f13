/**
 * @aio/asyncio: every @aio package in one namespace, so `import * as asyncio from "@aio/asyncio"`
 * reads like Python's `import asyncio`. Mirrors CPython 3.13 asyncio/__init__.py.
 *
 * Only re-exports. Where two packages export the same name, the one Python's `asyncio` module
 * means is chosen explicitly below.
 */
export * from "@aio/core";
export * from "@aio/futures";
export * from "@aio/loop";
export * from "@aio/tasks";
export * from "@aio/sync";
export * from "@aio/queues";
export * from "@aio/streams";
export * from "@aio/subprocess";
export * from "@aio/policy";
// Collisions: asyncio.new_event_loop() follows the policy (events.new_event_loop).
export { newEventLoop } from "@aio/policy";
// Both @aio/core (the loop interface) and @aio/tasks declare the same options shape; the
// module-level createTask's is the one users meet.
export type { CreateTaskOptions } from "@aio/tasks";
// Both @aio/loop (executor jobs) and @aio/tasks (runCoroutineThreadsafe) describe Python's
// concurrent.futures.Future; the executor's is the fuller one.
export type { ConcurrentFuture } from "@aio/loop";
