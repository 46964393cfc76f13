/**
 * Tests for waitFor: the result within the deadline, TimeoutError after it (the awaitable is
 * cancelled and waited for), zero and negative timeouts, cancellation races, shield.
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_waitfor.py (AsyncioWaitForTest,
 * WaitForShieldTests).
 *
 * The deadlines run on a virtual-time loop; SlowTask measures loop.time() instead of
 * time.monotonic().
 */
import { describe, expect, it } from "vitest";
import { CancelledError, RuntimeError, TimeoutError, getRunningLoop } from "@aio/core";
import type { Future } from "@aio/futures";
import { createTask, currentTask, shield, sleep, wait, waitFor } from "../src/index.js";
import type { Task } from "../src/index.js";
import { makeLoop, makeVirtualLoop } from "./support/loop.js";
import { catchError } from "./support-structured/errors.js";

/** test_waitfor.py's very small timeout: it passes `timeout > 0` but hardly waits. */
const EPSILON = 0.0001;

/** test_waitfor.py's SlowTask: runs for TASK_TIMEOUT seconds, ignoring cancel requests. */
class SlowTask {
  static readonly TASK_TIMEOUT = 0.2;
  exited = false;

  run = async (): Promise<string> => {
    const loop = getRunningLoop();
    const exitAt = loop.time() + SlowTask.TASK_TIMEOUT;
    for (;;) {
      const toSleep = exitAt - loop.time();
      if (toSleep <= 0) break;
      try {
        await sleep(toSleep);
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
      }
    }
    this.exited = true;
    return "slow";
  };
}

/** Runs `body` inside a task on a fresh virtual-time loop. */
function inTask<T>(body: () => Promise<T>): Promise<T> {
  return makeVirtualLoop().runUntilComplete(body);
}

describe("waitFor", () => {
  // mirrors test_waitfor.py::test_asyncio_wait_for_cancelled
  it("runs a coroutine that ignores the cancel of the waiting task to its end", async () => {
    await inTask(async () => {
      const t = new SlowTask();
      const waitForTask = createTask(() => waitFor(t.run, SlowTask.TASK_TIMEOUT * 2));
      await sleep(0);
      waitForTask.cancel();
      await wait(new Set([waitForTask]));
      expect(t.exited).toBe(true);
      // Checked against CPython 3.13: the swallowed cancel leaves the task with its result.
      expect(waitForTask.cancelled()).toBe(false);
      expect(waitForTask.result()).toBe("slow");
    });
  });

  // mirrors test_waitfor.py::test_asyncio_wait_for_timeout
  it("returns the result of a coroutine that ignores the timeout's cancel", async () => {
    await inTask(async () => {
      const t = new SlowTask();
      // Checked against CPython 3.13: no TimeoutError, since the coroutine did not raise.
      expect(await waitFor(t.run, SlowTask.TASK_TIMEOUT / 2)).toBe("slow");
      expect(t.exited).toBe(true);
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_timeout_less_then_0_or_0_future_done
  it("returns the result of a done future with a zero timeout", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const fut = loop.createFuture<string>();
      fut.setResult("done");
      expect(await waitFor(fut, 0)).toBe("done");
      expect(fut.done()).toBe(true);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
  it("does not start a coroutine with a zero timeout", async () => {
    await inTask(async () => {
      let fooStarted = false;
      const error = await catchError(() =>
        waitFor(async () => {
          fooStarted = true;
        }, 0),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(fooStarted).toBe(false);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_timeout_less_then_0_or_0
  it.each([0, -1])("cancels a running task at once with timeout %d", async (timeout) => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      let fooRunning: boolean | null = null;
      const started = loop.createFuture<null>();
      const fut = createTask(async () => {
        fooRunning = true;
        started.setResult(null);
        try {
          await sleep(10);
        } finally {
          fooRunning = false;
        }
        return "done";
      });
      await started;
      const error = await catchError(() => waitFor(fut, timeout));
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).cause).toBeInstanceOf(CancelledError);
      expect(fut.done()).toBe(true);
      // It was cancelled because of the timeout.
      expect(fut.cancelled()).toBe(true);
      expect(fooRunning).toBe(false);
      // No time passed: the timeout did not wait.
      expect(loop.time()).toBe(0);
    });
  });

  // No CPython test: with a zero timeout the result of a task that swallows the cancel is
  // returned (checked against CPython 3.13).
  it("returns the value of a task that swallows the cancel with a zero timeout", async () => {
    await inTask(async () => {
      const task = createTask(async () => {
        try {
          await sleep(10);
        } catch (error) {
          if (error instanceof CancelledError) return 5;
          throw error;
        }
        return 0;
      });
      await sleep(0);
      expect(await waitFor(task, 0)).toBe(5);
    });
  });

  // No CPython test: cancelling a zero-timeout waitFor while the awaited task is still
  // cancelling raises CancelledError at once and leaves the task to finish (checked against
  // CPython 3.13; _cancel_and_wait does not await the task itself).
  it("can be cancelled while it waits for the awaited task to finish cancelling", async () => {
    await inTask(async () => {
      const task = createTask(async () => {
        try {
          await sleep(10);
        } catch (error) {
          await sleep(0.01);
          throw error;
        }
      });
      await sleep(0);
      const waiting = createTask(() => waitFor(task, 0));
      await sleep(0);
      waiting.cancel();
      await expect(waiting).rejects.toBeInstanceOf(CancelledError);
      expect(task.done()).toBe(false);
      await sleep(0.02);
      expect(task.cancelled()).toBe(true);
    });
  });

  // mirrors test_waitfor.py::test_wait_for
  it("cancels the task and raises TimeoutError at the deadline", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      let fooRunning: boolean | null = null;
      const fut = createTask(async () => {
        fooRunning = true;
        try {
          await sleep(300);
        } finally {
          fooRunning = false;
        }
        return "done";
      });
      const error = await catchError(() => waitFor(fut, 0.1));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(fut.done()).toBe(true);
      // It was cancelled because of the timeout.
      expect(fut.cancelled()).toBe(true);
      expect(fooRunning).toBe(false);
      expect(loop.time()).toBeCloseTo(0.1, 9);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_blocking
  it("waits without limit with a null timeout", async () => {
    await inTask(async () => {
      expect(await waitFor(async () => "done", null)).toBe("done");
    });
  });

  // mirrors test_waitfor.py::test_wait_for_race_condition
  it("returns the result of a future completed before the deadline", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const fut = loop.createFuture<string>();
      const task = waitFor(fut, 0.2);
      loop.callSoon((value: string) => fut.setResult(value), "ok");
      expect(await task).toBe("ok");
    });
  });

  // mirrors test_waitfor.py::test_wait_for_cancellation_race_condition
  it("returns the value of a coroutine that swallows the timeout's cancel", async () => {
    await inTask(async () => {
      const result = await waitFor(async () => {
        const error = await catchError(() => sleep(1));
        expect(error).toBeInstanceOf(CancelledError);
        return 1;
      }, 0.01);
      expect(result).toBe(1);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_waits_for_task_cancellation
  it("waits for the cancelled task to finish before raising TimeoutError", async () => {
    await inTask(async () => {
      let taskDone = false;
      const innerTask = createTask(async () => {
        try {
          await sleep(10);
        } catch (error) {
          if (error instanceof CancelledError) await sleep(EPSILON);
          throw error;
        } finally {
          taskDone = true;
        }
      });
      const error = await catchError(() => waitFor(innerTask, EPSILON));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(taskDone).toBe(true);
      // Python checks __context__; here the CancelledError is the TimeoutError's `cause`.
      expect((error as Error).cause).toBeInstanceOf(CancelledError);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_waits_for_task_cancellation_w_timeout_0
  it("waits for the cancelled task to finish before raising TimeoutError with a zero timeout", async () => {
    await inTask(async () => {
      let taskDone = false;
      const foo = async (): Promise<void> => {
        const innerTask = createTask(async () => {
          try {
            await sleep(10);
          } catch (error) {
            if (error instanceof CancelledError) await sleep(EPSILON);
            throw error;
          } finally {
            taskDone = true;
          }
        });
        await sleep(EPSILON);
        await waitFor(innerTask, 0);
      };
      const error = await catchError(foo);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(taskDone).toBe(true);
      expect((error as Error).cause).toBeInstanceOf(CancelledError);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_reraises_exception_during_cancellation
  it("re-raises an error the task raises while being cancelled", async () => {
    await inTask(async () => {
      class FooException extends Error {}
      const foo = async (): Promise<void> => {
        const innerTask = createTask(async () => {
          try {
            await sleep(0.2);
          } finally {
            // eslint-disable-next-line no-unsafe-finally -- the ported test raises from finally.
            throw new FooException();
          }
        });
        await waitFor(innerTask, EPSILON);
      };
      const error = await catchError(foo);
      expect(error).toBeInstanceOf(FooException);
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // mirrors test_waitfor.py::test_cancel_blocking_wait_for
  // mirrors test_waitfor.py::test_cancel_wait_for
  it.each([null, 60.0])("cancels the awaited task when the waiting task is cancelled (timeout %s, bpo-23219)", async (timeout) => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const task = createTask(async () => {
        // Block: the future's result is never set.
        await loop.createFuture<void>();
      });
      const waiting = createTask(() => waitFor(task, timeout));
      loop.callSoon(() => waiting.cancel());
      await expect(waiting).rejects.toBeInstanceOf(CancelledError);
      // Cancelling the wait also cancels the task.
      expect(task.cancelled()).toBe(true);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_cancel_suppressed
  it("returns the value of a coroutine that suppresses the cancel (gh-86296)", async () => {
    await inTask(async () => {
      const returnFortyTwo = async (): Promise<number | undefined> => {
        try {
          await sleep(10);
        } catch (error) {
          if (error instanceof CancelledError) return 42;
          throw error;
        }
        return undefined;
      };
      expect(await waitFor(returnFortyTwo, 0.1)).toBe(42);
    });
  });

  // mirrors test_waitfor.py::test_wait_for_issue86296
  it("lets the waiting task be cancelled when the awaited task finishes in the same cycle (gh-86296)", async () => {
    await inTask(async () => {
      const innerTask = createTask(async () => "done");
      let reachedEnd = false;
      const task = createTask(async () => {
        await waitFor(innerTask, 100);
        await sleep(1);
        reachedEnd = true;
      });
      expect(task.done()).toBe(false);
      // Run the task.
      await sleep(0);
      task.cancel();
      await expect(task).rejects.toBeInstanceOf(CancelledError);
      expect(innerTask.done()).toBe(true);
      expect(await innerTask).toBe("done");
      expect(reachedEnd).toBe(false);
    });
  });

  // No CPython test: the iteration count of a plain wait_for, checked against CPython 3.13.
  it("raises TimeoutError in the iteration after the awaited task finished cancelling", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const events: string[] = [];
      const inner = createTask(async () => {
        try {
          await sleep(10);
        } catch (error) {
          events.push("inner cancelled");
          throw error;
        }
      });
      const error = await catchError(() => waitFor(inner, 1));
      events.push("timeout");
      expect(error).toBeInstanceOf(TimeoutError);
      expect(events).toEqual(["inner cancelled", "timeout"]);
      expect(inner.cancelled()).toBe(true);
    });
  });

  // No CPython test: iteration counts, checked against the same program on CPython 3.13.
  it("takes as many loop iterations as CPython's wait_for", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      let n = 0;
      const counter = createTask(async () => {
        for (;;) {
          n += 1;
          await sleep(0);
        }
      });
      await sleep(0);
      const inner = createTask(() => sleep(10));
      await sleep(0);
      let start = n;
      await expect(waitFor(inner, 0)).rejects.toBeInstanceOf(TimeoutError);
      expect(n - start).toBe(3);
      start = n;
      expect(await waitFor(() => sleep(0, "x"), null)).toBe("x");
      expect(n - start).toBe(1);
      start = n;
      expect(await waitFor(() => sleep(0, "x"), 5)).toBe("x");
      expect(n - start).toBe(1);
      const fut = loop.createFuture<number>();
      loop.callSoon(() => fut.setResult(1));
      start = n;
      expect(await waitFor(fut, 5)).toBe(1);
      expect(n - start).toBe(2);
      const task = createTask(() => sleep(0, "y"));
      start = n;
      expect(await waitFor(task, 5)).toBe("y");
      expect(n - start).toBe(3);
      counter.cancel();
    });
  });

  // No CPython test: waitFor awaits a JavaScript promise too, and the timeout interrupts it.
  it("times out waiting for a native promise", async () => {
    await inTask(async () => {
      const never = new Promise<never>(() => undefined);
      const error = await catchError(() => waitFor(never, 0.01));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(await waitFor(Promise.resolve(7), 0.01)).toBe(7);
    });
  });

  // No CPython test: Python's TypeError for a timeout that is not a number.
  it("rejects a timeout that is not a number", async () => {
    await inTask(async () => {
      const error = await catchError(() => waitFor(async () => 1, "1" as unknown as number));
      expect(error).toBeInstanceOf(TypeError);
    });
  });

  // No CPython test: outside a running loop.
  it("needs a running loop", async () => {
    const error = await catchError(() => waitFor(Promise.resolve(1), 1));
    expect(error).toEqual(new RuntimeError("no running event loop"));
    // And it runs on a real loop too, with a short real timer.
    const loop = makeLoop();
    const result = await loop.runUntilComplete(() => catchError(() => waitFor(() => sleep(10), 0.01)));
    expect(result).toBeInstanceOf(TimeoutError);
  });
});

describe("waitFor with shield", () => {
  // mirrors test_waitfor.py::test_zero_timeout
  it("cancels only the shield with a zero timeout", async () => {
    await inTask(async () => {
      const task = createTask(async () => {
        await sleep(0.01);
        return "done";
      });
      let shieldedTask!: Future<string>;
      const error = await catchError(() => {
        shieldedTask = shield(task) as Future<string>;
        return waitFor(shieldedTask, 0);
      });
      expect(error).toBeInstanceOf(TimeoutError);
      // The task runs on in the background.
      expect(task.done()).toBe(false);
      expect(task.cancelled()).toBe(false);
      expect(shieldedTask.cancelled()).toBe(true);
      // Wait for the task to complete.
      await sleep(0.1);
      expect(task.done()).toBe(true);
    });
  });

  // mirrors test_waitfor.py::test_none_timeout
  it("waits for the shielded task with a null timeout", async () => {
    await inTask(async () => {
      const task = createTask(async () => {
        await sleep(0.1);
        return "done";
      });
      await waitFor(shield(task), null);
      expect(task.done()).toBe(true);
      expect(await task).toBe("done");
    });
  });

  // mirrors test_waitfor.py::test_shielded_timeout
  it("leaves the shielded task running after a timeout", async () => {
    await inTask(async () => {
      const task: Task<string> = createTask(async () => {
        await sleep(0.1);
        return "done";
      });
      const error = await catchError(() => waitFor(shield(task), 0.01));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(task.done()).toBe(false);
      expect(task.cancelled()).toBe(false);
      expect(await task).toBe("done");
    });
  });
});
