/**
 * CPython 3.13 test_asyncio/test_futures2.py: the exception handler runs in the context of the
 * task or handle that failed (gh-96704), and a future's repr survives a result that shows the
 * future itself (bpo-42183). They need tasks and a real loop, so they live here.
 */
import { describe, expect, it } from "vitest";
import { ContextVar, getRunningLoop } from "@aio/core";
import type { ExceptionContext } from "@aio/core";
import { Future } from "@aio/futures";
import { newEventLoop } from "@aio/loop";
import { Task, sleep, waitFor } from "@aio/tasks";

async function collectGarbage(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("exception handler context (CPython test_futures2.py FutureTests)", () => {
  // mirrors test_futures2.py::FutureTests::test_task_exc_handler_correct_context
  it("runs the handler for a task's unretrieved error in the task's context", async () => {
    if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error("needs --expose-gc");
    const name = new ContextVar("name", { default: "foo" });
    const seen: string[] = [];
    const loop = newEventLoop();
    try {
      await loop.runUntilComplete(async () => {
        loop.setExceptionHandler((_loop, context: ExceptionContext) => {
          seen.push(`${name.get()}:${String(context.message)}`);
        });
        (() => {
          // Dropped at once: nobody retrieves its error.
          new Task(async () => {
            name.set("bar");
            throw new RangeError("division by zero");
          });
        })();
        await sleep(0);
        for (let i = 0; i < 20 && seen.length === 0; i++) {
          await collectGarbage(1);
          await sleep(0);
        }
      });
    } finally {
      loop.close();
    }
    expect(seen).toEqual(["bar:Task exception was never retrieved"]);
  });

  // mirrors test_futures2.py::FutureTests::test_handle_exc_handler_correct_context
  it("runs the handler for a failed callback in the callback's context", async () => {
    const name = new ContextVar("name", { default: "foo" });
    const seen: string[] = [];
    const loop = newEventLoop();
    try {
      await loop.runUntilComplete(async () => {
        loop.setExceptionHandler(() => {
          seen.push(name.get());
        });
        loop.callSoon(() => {
          name.set("bar");
          throw new RangeError("division by zero");
        });
        await sleep(0);
      });
    } finally {
      loop.close();
    }
    expect(seen).toEqual(["bar"]);
    // The callback's write stayed in its own context.
    expect(name.get()).toBe("foo");
  });
});

describe("recursive repr (CPython test_futures2.py FutureReprTests)", () => {
  // mirrors test_futures2.py::FutureReprTests::test_recursive_repr_for_pending_tasks
  it("shows ... where a future's repr would recurse into itself", async () => {
    const loop = newEventLoop();
    try {
      await loop.runUntilComplete(async () => {
        const task: Task<{ toString(): string }> = new Task(async () => ({ toString: () => `{${String(task)}}` }));
        const holder = await waitFor(task, 10);
        expect(String(holder)).toMatch(/^\{<Task finished name='Task-\d+' coro=.* result=\{\.\.\.\}>\}$/);
        const fut = new Future<unknown>({ loop: getRunningLoop() });
        fut.setResult({ toString: () => `{${String(fut)}}` });
        expect(String(fut)).toBe("<Future finished result={...}>");
      });
    } finally {
      loop.close();
    }
  });
});
