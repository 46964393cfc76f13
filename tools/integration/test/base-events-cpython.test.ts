/**
 * Tests of CPython 3.13 Lib/test/test_asyncio/test_base_events.py that need real tasks, kept here
 * because @aio/loop cannot depend on @aio/tasks. Mirrors BaseEventLoopTests.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AbstractFuture, Coroutine, CreateTaskOptions } from "@aio/core";
import { EventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import { Task, ensureFuture } from "@aio/tasks";

const loops: BaseEventLoop[] = [];

afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
});

describe("BaseEventLoop.createTask", () => {
  // mirrors test_base_events.py::test_create_task
  it("is what ensureFuture calls, so a loop subclass decides the task class", async () => {
    class MyTask<T> extends Task<T> {}
    class MyLoop extends EventLoop {
      override createTask<T>(coro: Coroutine<T>, _options: CreateTaskOptions = {}): AbstractFuture<T> {
        return new MyTask(coro, { loop: this });
      }
    }
    const loop = new MyLoop();
    loops.push(loop);
    let ran = false;
    const task = ensureFuture(
      async () => {
        ran = true;
        return "done";
      },
      { loop },
    );
    expect(task).toBeInstanceOf(MyTask);
    expect(await loop.runUntilComplete(task)).toBe("done");
    expect(ran).toBe(true);
  });
});
