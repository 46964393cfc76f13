/** Tests of Task, currentTask and allTasks. Ported from CPython 3.13 test_asyncio/test_tasks.py (BaseTaskTests). */
import { describe, expect, it } from "vitest";
import { CancelledError, ContextVar, RuntimeError, copyContext } from "@aio/core";
import { Future } from "@aio/futures";
import { newEventLoop } from "@aio/loop";
import { Task, allTasks, currentTask, ensureFuture, gather, sleep, wait } from "../src/index.js";
import { captureExceptions, collectGarbage, makeLoop, makeVirtualLoop, runBriefly } from "./support/loop.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("Task", () => {
  // mirrors test_tasks.py::test_task_cancel_message_getter
  it("keeps the cancel message and raises it", async () => {
    const loop = makeLoop();
    const t = new Task(async () => undefined, { loop });
    expect(t._cancelMessage).toBeUndefined();
    t.cancel("my message");
    expect(t._cancelMessage).toBe("my message");
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("my message");
  });

  // mirrors test_tasks.py::test_task_cancel_message_setter
  it("raises a cancel message changed after cancel()", async () => {
    const loop = makeLoop();
    const t = new Task(async () => undefined, { loop });
    t.cancel("my message");
    t._cancelMessage = "my new message";
    const error = await rejection(loop.runUntilComplete(t));
    expect((error as Error).message).toBe("my new message");
  });

  // mirrors test_tasks.py::test_task_del_collect
  it("gathers many tasks whose results are collected", async () => {
    const loop = makeLoop();
    const tasks = Array.from({ length: 100 }, () => new Task(async () => ({}), { loop }));
    const results = await loop.runUntilComplete(() => gather(tasks));
    expect(results).toHaveLength(100);
  });

  // mirrors test_tasks.py::test_other_loop_future
  it("raises RuntimeError when awaiting a future of another loop", async () => {
    const loop = makeLoop();
    const otherLoop = newEventLoop();
    try {
      const fut = new Future({ loop: otherLoop });
      const error = await rejection(loop.runUntilComplete(async () => await fut));
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toMatch(/^Task .* got Future .* attached/);
    } finally {
      otherLoop.close();
    }
  });

  // mirrors test_tasks.py::test_task_awaits_on_itself
  it("raises RuntimeError when awaiting itself", async () => {
    const loop = makeLoop();
    const task: Task<unknown> = ensureFuture(async () => await task, { loop }) as Task<unknown>;
    const error = await rejection(loop.runUntilComplete(task));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/^Task cannot await on itself/);
  });

  // mirrors test_tasks.py::test_task_class
  it("runs its coroutine on the given loop", async () => {
    const loop = makeLoop();
    const t = new Task(async () => "ok", { loop });
    await loop.runUntilComplete(t);
    expect(t.done()).toBe(true);
    expect(t.result()).toBe("ok");
    expect(t._loop).toBe(loop);
    expect(t.getLoop()).toBe(loop);
  });

  // mirrors test_tasks.py::test_get_stack
  it("has an empty stack while running", async () => {
    // Differs from CPython: get_stack() returns no frames for a suspended task, because a
    // JavaScript async function exposes no frames.
    const loop = makeLoop();
    let stack: string[] | null = null;
    const t = new Task(
      async () => {
        stack = currentTask()!.getStack({ limit: 1 });
      },
      { loop },
    );
    await loop.runUntilComplete(t);
    expect(stack).toEqual([]);
  });

  it("shows the error's stack once it failed", async () => {
    const loop = makeLoop();
    captureExceptions(loop);
    const t = new Task(
      async function failing() {
        throw new RangeError("boom");
      },
      { loop },
    );
    await rejection(loop.runUntilComplete(t));
    const stack = t.getStack();
    expect(stack.length).toBeGreaterThan(0);
    expect(stack[0]).toMatch(/failing/);
    expect(t.getStack({ limit: 1 })).toHaveLength(1);
  });

  // mirrors test_tasks.py::test_task_repr
  it("has Python's repr shape while pending, cancelling, cancelled and finished", async () => {
    const loop = makeLoop();
    async function notmuch(): Promise<string> {
      return "abc";
    }
    function Dummy(): void {}
    const t = new Task(notmuch, { loop, name: "TestTask" });
    t.addDoneCallback(Dummy);
    expect(t.toString()).toBe("<Task pending name='TestTask' coro=<notmuch()> cb=[Dummy()]>");
    t.cancel();
    expect(t.toString()).toBe("<Task cancelling name='TestTask' coro=<notmuch()> cb=[Dummy()]>");
    await rejection(loop.runUntilComplete(t));
    // Differs from CPython: the coroutine is dropped once the task is done, since a thunk
    // carries no useful state afterwards, so the repr shows no coro= part.
    expect(t.toString()).toBe("<Task cancelled name='TestTask'>");
    const t2 = new Task(notmuch, { loop, name: "TestTask" });
    await loop.runUntilComplete(t2);
    expect(t2.toString()).toBe("<Task finished name='TestTask' result='abc'>");
  });

  // mirrors test_tasks.py::test_task_repr_autogenerated
  it("numbers autogenerated names monotonically", async () => {
    const loop = makeLoop();
    const t1 = new Task(async () => 123, { loop });
    const t2 = new Task(async () => 123, { loop });
    expect(t1.toString()).not.toBe(t2.toString());
    const match1 = /^<Task pending name='Task-(\d+)'/.exec(t1.toString());
    const match2 = /^<Task pending name='Task-(\d+)'/.exec(t2.toString());
    expect(match1).not.toBeNull();
    expect(match2).not.toBeNull();
    expect(Number(match1![1])).toBeLessThan(Number(match2![1]));
    await loop.runUntilComplete(t1);
    await loop.runUntilComplete(t2);
  });

  // mirrors test_tasks.py::test_task_set_name_pylong
  // mirrors test_tasks.py::test_task_repr_name_not_str
  it("turns a name that is not a string into one", async () => {
    const loop = makeLoop();
    const t = new Task(async () => 123, { loop, name: 987654321 as unknown as string });
    expect(t.getName()).toBe("987654321");
    t.setName(123456789);
    expect(t.getName()).toBe("123456789");
    t.setName(new Set([6]));
    expect(t.getName()).toBe("[object Set]");
    await loop.runUntilComplete(t);
  });

  // mirrors test_tasks.py::test_task_repr_wait_for
  it("shows the awaited future in its repr", async () => {
    const loop = makeLoop();
    const fut = new Future({ loop });
    const task = new Task(async function waitFor() { return await fut; }, { loop });
    await runBriefly(loop);
    expect(task.toString()).toMatch(/^<Task .* wait_for=<Future pending cb=\[Task.__wakeup\(\)\]>>$/);
    expect(task.toString()).toContain(`wait_for=${fut.toString()}`);
    fut.setResult(null);
    await loop.runUntilComplete(task);
  });

  // mirrors test_tasks.py::test_task_basics
  it("runs nested coroutines to a result", async () => {
    const loop = makeLoop();
    const inner1 = async (): Promise<number> => 42;
    const inner2 = async (): Promise<number> => 1000;
    const outer = async (): Promise<number> => (await inner1()) + (await inner2());
    expect(await loop.runUntilComplete(outer)).toBe(1042);
  });

  // mirrors test_tasks.py::test_cancelling
  it("counts cancel requests and shows 'cancelling'", async () => {
    const loop = makeLoop();
    const t = new Task(async () => { await sleep(10); }, { loop });
    expect(t.cancelling()).toBe(0);
    expect(t.toString()).not.toContain(" cancelling ");
    expect(t.cancel()).toBe(true);
    expect(t.cancelling()).toBe(1);
    expect(t.toString()).toContain(" cancelling ");
    expect(t.cancel()).toBe(true);
    expect(t.cancelling()).toBe(2);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
  });

  // mirrors test_tasks.py::test_uncancel_basic
  it("continues after uncancel() and can be cancelled again", async () => {
    const loop = makeVirtualLoop();
    const t = new Task(async () => {
      try {
        await sleep(10);
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        currentTask()!.uncancel();
        await sleep(10);
      }
    }, { loop });
    await loop.runUntilComplete(() => sleep(0.01));
    expect(t.cancel()).toBe(true);
    expect(t.toString()).toContain(" cancelling ");
    expect(t.cancelling()).toBe(1);
    expect(t.cancelled()).toBe(false);
    await loop.runUntilComplete(() => sleep(0.01));
    expect(t.toString()).not.toContain(" cancelling ");
    expect(t.cancelling()).toBe(0);
    expect(t.cancelled()).toBe(false);
    expect(t.cancel()).toBe(true);
    expect(t.cancelling()).toBe(1);
    expect(t.cancelled()).toBe(false);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.cancelled()).toBe(true);
    expect(t.done()).toBe(true);
    t.uncancel();
    expect(t.cancelled()).toBe(true);
    expect(t.done()).toBe(true);
  });

  // mirrors test_tasks.py::test_uncancel_structured_blocks
  it("supports uncancel() for a structured timeout block", async () => {
    const loop = makeVirtualLoop();
    class LocalTimeout extends Error {}
    const makeRequestWithTimeout = async (sleepFor: number, timeoutAfter: number): Promise<boolean[]> => {
      const task = currentTask()!;
      let timedOut = false;
      let structuredBlockFinished = false;
      const timeoutHandle = loop.callLater(timeoutAfter, () => {
        timedOut = true;
        task.cancel();
      });
      try {
        let caught: unknown;
        try {
          await sleep(sleepFor);
          structuredBlockFinished = true;
        } catch (error) {
          caught = error;
          throw error;
        } finally {
          timeoutHandle.cancel();
          if (timedOut && task.uncancel() === 0 && caught instanceof CancelledError) {
            // eslint-disable-next-line no-unsafe-finally -- the port converts the cancel here, as CPython does
            throw new LocalTimeout();
          }
        }
      } catch (error) {
        if (!(error instanceof LocalTimeout)) throw error;
        expect(timedOut).toBe(true);
      }
      const outerCodeReached = true;
      await sleep(0);
      return [timedOut, structuredBlockFinished, outerCodeReached];
    };
    const t1 = new Task(() => makeRequestWithTimeout(10, 0.1), { loop });
    expect(await loop.runUntilComplete(t1)).toEqual([true, false, true]);
    expect(t1.cancelling()).toBe(0);
    const t2 = new Task(() => makeRequestWithTimeout(0, 10), { loop });
    expect(await loop.runUntilComplete(t2)).toEqual([false, true, true]);
    expect(t2.cancelling()).toBe(0);
  });

  // mirrors test_tasks.py::test_uncancel_resets_must_cancel
  it("clears _mustCancel when uncancel() brings the count to zero", async () => {
    const loop = makeLoop();
    const fut = new Future({ loop });
    const task = new Task(async () => {
      await fut;
      return 42;
    }, { loop });
    await loop.runUntilComplete(() => sleep(0));
    fut.setResult(null);
    task.cancel();
    expect(task.cancelling()).toBe(1);
    expect(task._mustCancel).toBe(true);
    task.uncancel();
    expect(task.cancelling()).toBe(0);
    expect(task._mustCancel).toBe(false);
    expect(await loop.runUntilComplete(task)).toBe(42);
  });

  // mirrors test_tasks.py::test_cancel
  it("is cancelled while sleeping by a callSoon'd cancel", async () => {
    const loop = makeVirtualLoop();
    const t = new Task(async () => {
      await sleep(10);
      return 12;
    }, { loop });
    loop.callSoon(() => t.cancel());
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.done()).toBe(true);
    expect(t.cancelled()).toBe(true);
    expect(t.cancel()).toBe(false);
    // CPython's TestLoop would assert that no time passed: the 10 s timer never fired.
    expect(loop.time()).toBe(0);
  });

  // mirrors test_tasks.py::test_cancel_with_message_then_future_result
  // mirrors test_tasks.py::test_cancel_with_message_then_future_exception
  for (const method of ["result", "exception"] as const) {
    for (const [args, expected] of [[[], ""], [[null], ""], [["my message"], "my message"], [[5], "5"]] as const) {
      it(`raises the cancel message ${JSON.stringify(args)} from ${method}() after wait()`, async () => {
        const loop = makeLoop();
        const coro = async (): Promise<void> => {
          const task = new Task(() => sleep(10), { loop });
          await sleep(0);
          task.cancel(...(args as unknown as [unknown]));
          await wait([task]);
          task[method]();
        };
        const error = await rejection(loop.runUntilComplete(new Task(coro, { loop })));
        expect(error).toBeInstanceOf(CancelledError);
        // Differs from CPython: a non-string message becomes a string, because an Error's message is one.
        expect((error as Error).message).toBe(expected);
      });
    }
  }

  // mirrors test_tasks.py::test_cancellation_exception_context
  it("lets a cancelled await be wrapped in another error", async () => {
    const loop = makeLoop();
    const fut = loop.createFuture();
    const coro = async (): Promise<void> => {
      const innerTask = new Task(async () => {
        fut.setResult(null);
        await sleep(10);
      }, { loop });
      await fut;
      loop.callSoon((msg: string) => innerTask.cancel(msg), "msg");
      try {
        await innerTask;
      } catch (error) {
        throw new RangeError("cancelled", { cause: error });
      }
    };
    const error = await rejection(loop.runUntilComplete(new Task(coro, { loop })));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("cancelled");
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(CancelledError);
    expect((cause as Error).message).toBe("msg");
  });

  // mirrors test_tasks.py::test_cancel_with_message_before_starting_task
  it("raises the cancel message of a task cancelled before it started", async () => {
    const loop = makeLoop();
    const coro = async (): Promise<void> => {
      const task = new Task(() => sleep(10), { loop });
      task.cancel("my message");
      await wait([task]);
      task.exception();
    };
    const error = await rejection(loop.runUntilComplete(new Task(coro, { loop })));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("my message");
  });

  // mirrors test_tasks.py::test_cancel_yield
  it("is cancelled at its next sleep(0)", async () => {
    const loop = makeLoop();
    const t = new Task(async () => {
      await sleep(0);
      await sleep(0);
      return 12;
    }, { loop });
    await runBriefly(loop);
    t.cancel();
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.done()).toBe(true);
    expect(t.cancelled()).toBe(true);
    expect(t.cancel()).toBe(false);
  });

  // mirrors test_tasks.py::test_cancel_inner_future
  it("is cancelled when the future it awaits is cancelled", async () => {
    const loop = makeLoop();
    const f = new Future({ loop });
    const t = new Task(async () => {
      await f;
      return 12;
    }, { loop });
    await runBriefly(loop);
    f.cancel();
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(f.cancelled()).toBe(true);
    expect(t.cancelled()).toBe(true);
  });

  // mirrors test_tasks.py::test_cancel_both_task_and_inner_future
  it("is cancelled when both it and its future are cancelled", async () => {
    const loop = makeLoop();
    const f = new Future({ loop });
    const t = new Task(async () => {
      await f;
      return 12;
    }, { loop });
    await runBriefly(loop);
    f.cancel();
    t.cancel();
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.done()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(t.cancelled()).toBe(true);
  });

  // mirrors test_tasks.py::test_cancel_task_catching
  it("returns normally when it catches the CancelledError", async () => {
    const loop = makeLoop();
    const fut1 = new Future({ loop });
    const fut2 = new Future({ loop });
    const t = new Task(async () => {
      await fut1;
      try {
        await fut2;
      } catch (error) {
        if (error instanceof CancelledError) return 42;
        throw error;
      }
      return 0;
    }, { loop });
    await runBriefly(loop);
    expect(t._futWaiter).toBe(fut1);
    fut1.setResult(null);
    await runBriefly(loop);
    expect(t._futWaiter).toBe(fut2);
    t.cancel();
    expect(fut2.cancelled()).toBe(true);
    expect(await loop.runUntilComplete(t)).toBe(42);
    expect(t.cancelled()).toBe(false);
  });

  // mirrors test_tasks.py::test_cancel_task_ignoring
  it("goes on awaiting after it ignores the CancelledError", async () => {
    const loop = makeLoop();
    const fut1 = new Future({ loop });
    const fut2 = new Future({ loop });
    const fut3 = new Future<number>({ loop });
    const t = new Task(async () => {
      await fut1;
      try {
        await fut2;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
      }
      return await fut3;
    }, { loop });
    await runBriefly(loop);
    expect(t._futWaiter).toBe(fut1);
    fut1.setResult(null);
    await runBriefly(loop);
    expect(t._futWaiter).toBe(fut2);
    t.cancel();
    expect(fut2.cancelled()).toBe(true);
    await runBriefly(loop);
    expect(t._futWaiter).toBe(fut3);
    fut3.setResult(42);
    expect(await loop.runUntilComplete(t)).toBe(42);
    expect(fut3.cancelled()).toBe(false);
    expect(t.cancelled()).toBe(false);
  });

  // mirrors test_tasks.py::test_cancel_current_task
  it("cancels its next await when it cancels itself", async () => {
    const loop = makeLoop();
    let mustCancelInside: boolean | null = null;
    const t: Task<number> = new Task(async () => {
      t.cancel();
      mustCancelInside = t._mustCancel;
      await sleep(100);
      return 12;
    }, { loop });
    expect(t.cancelled()).toBe(false);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(mustCancelInside).toBe(true);
    expect(t.done()).toBe(true);
    expect(t.cancelled()).toBe(true);
    expect(t._mustCancel).toBe(false);
    expect(t.cancel()).toBe(false);
  });

  // mirrors test_tasks.py::test_cancel_at_end
  it("ends cancelled when it cancels itself and returns", async () => {
    const loop = makeLoop();
    let mustCancelInside: boolean | null = null;
    const t: Task<number> = new Task(async () => {
      t.cancel();
      mustCancelInside = t._mustCancel;
      return 12;
    }, { loop });
    expect(t.cancelled()).toBe(false);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(mustCancelInside).toBe(true);
    expect(t.done()).toBe(true);
    expect(t.cancelled()).toBe(true);
    expect(t._mustCancel).toBe(false);
    expect(t.cancel()).toBe(false);
  });

  // mirrors test_tasks.py::test_cancel_awaited_task
  it("cancels the task it awaits next after cancelling itself (bpo-34872)", async () => {
    const loop = makeLoop();
    const fut = new Future({ loop });
    let nestedTask: Task<void> | null = null;
    const task: Task<void> = new Task(async () => {
      nestedTask = new Task(async () => { await fut; }, { loop });
      await sleep(0);
      task.cancel();
      await nestedTask;
    }, { loop });
    expect(await rejection(loop.runUntilComplete(task))).toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(nestedTask!.cancelled()).toBe(true);
    expect(fut.cancelled()).toBe(true);
  });

  // mirrors test_tasks.py::test_cancel_traceback_for_future_result
  // mirrors test_tasks.py::test_cancel_traceback_for_future_exception
  it("raises the CancelledError made where the inner task was interrupted", async () => {
    // Differs from CPython: no chained traceback text; the same CancelledError object travels
    // from the interrupted sleep to the awaiting task, so its stack shows the sleep.
    const loop = makeLoop();
    const coro = async (): Promise<void> => {
      const task = new Task(async function nested() { await sleep(10); }, { loop });
      await sleep(0);
      task.cancel();
      await task;
    };
    const error = await rejection(loop.runUntilComplete(new Task(coro, { loop })));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).stack).toBeDefined();
  });

  // mirrors test_tasks.py::test_stop_while_run_in_complete
  it("stays pending when the loop stops before it finishes", async () => {
    const loop = makeVirtualLoop();
    let x = 0;
    const t = new Task(async () => {
      while (x < 10) {
        await sleep(0.1);
        x += 1;
        if (x === 2) loop.stop();
      }
    }, { loop });
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toBe("Event loop stopped before Future completed.");
    expect(t.done()).toBe(false);
    expect(x).toBe(2);
    expect(loop.time()).toBeCloseTo(0.2);
    t.cancel();
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
  });
});
