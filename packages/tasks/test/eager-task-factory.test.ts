/** Tests of eagerTaskFactory and createEagerTaskFactory. Ported from CPython 3.13 test_asyncio/test_eager_task_factory.py. */
import { describe, expect, it } from "vitest";
import { CancelledError, ContextVar, asyncWith } from "@aio/core";
import type { Coroutine } from "@aio/core";
import type { BaseEventLoop } from "@aio/loop";
import { Task, TaskGroup, allTasks, createEagerTaskFactory, currentTask, eagerTaskFactory, gather, sleep } from "../src/index.js";
import type { TaskOptions } from "../src/index.js";
import { makeLoop, makeVirtualLoop } from "./support/loop.js";

function eagerLoop(): BaseEventLoop {
  const loop = makeVirtualLoop();
  loop.setTaskFactory(createEagerTaskFactory(Task));
  return loop;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("createEagerTaskFactory", () => {
  // mirrors test_eager_task_factory.py::test_eager_task_factory_set
  it("makes the loop create tasks of the given class", async () => {
    const loop = makeLoop();
    const factory = createEagerTaskFactory(Task);
    loop.setTaskFactory(factory);
    expect(loop.getTaskFactory()).toBe(factory);
    await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => undefined);
      expect(t).toBeInstanceOf(Task);
      await t;
    });
  });

  // mirrors test_eager_task_factory.py::test_await_future_during_eager_step
  it("runs the first step inside createTask", async () => {
    const loop = eagerLoop();
    const result = await loop.runUntilComplete(async () => {
      const fut = loop.createFuture<string>();
      const t = loop.createTask(async () => {
        fut.setResult("my message");
      });
      // The eager step ran: the future is already set.
      expect(fut.done()).toBe(true);
      await t;
      return await fut;
    });
    expect(result).toBe("my message");
  });

  // mirrors test_eager_task_factory.py::test_eager_completion
  it("completes a task that does not block before the creator's next await", async () => {
    // Differs from CPython: the task is not done when createTask returns, only a few promise
    // jobs later, because an async function's result is only readable asynchronously.
    const loop = eagerLoop();
    const result = await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => "hello");
      expect(t.done()).toBe(false);
      await Promise.resolve();
      await Promise.resolve();
      expect(t.done()).toBe(true);
      return await t;
    });
    expect(result).toBe("hello");
  });

  // mirrors test_eager_task_factory.py::test_block_after_eager_step
  it("leaves a task that blocks pending", async () => {
    const loop = eagerLoop();
    const result = await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => {
        await sleep(0.1);
        return "finished after blocking";
      });
      expect(t.done()).toBe(false);
      const value = await t;
      expect(t.done()).toBe(true);
      return value;
    });
    expect(result).toBe("finished after blocking");
  });

  // mirrors test_eager_task_factory.py::test_cancellation_after_eager_completion
  it("ignores a cancel once the eager task completed", async () => {
    // Differs from CPython: the task is still pending right after createTask (see above), so the
    // cancel is requested after the completion has been observed.
    const loop = eagerLoop();
    const result = await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => "finished without blocking");
      await Promise.resolve();
      await Promise.resolve();
      expect(t.cancel()).toBe(false);
      const value = await t;
      expect(t.cancelled()).toBe(false);
      return value;
    });
    expect(result).toBe("finished without blocking");
  });

  // mirrors test_eager_task_factory.py::test_cancellation_after_eager_step_blocks
  it("cancels a task that blocked in its eager step", async () => {
    const loop = eagerLoop();
    const error = await rejection(loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => {
        await sleep(0.1);
        return "finished after blocking";
      });
      t.cancel("cancellation message");
      expect((t as Task<string>).cancelling()).toBeGreaterThan(0);
      await t;
    }));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("cancellation message");
  });

  // mirrors test_eager_task_factory.py::test_current_task
  it("is the current task during its eager step and after", async () => {
    const loop = eagerLoop();
    let captured: Task<unknown> | null = null;
    let same = false;
    await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => {
        captured = currentTask();
        await sleep(0.1);
        same = currentTask() === captured;
      });
      expect(captured).toBe(t);
      expect(currentTask()).not.toBe(t);
      await t;
    });
    expect(same).toBe(true);
  });

  // mirrors test_eager_task_factory.py::test_all_tasks_with_eager_completion
  it("is in allTasks during its eager step and not once it completed", async () => {
    const loop = eagerLoop();
    let captured: Set<Task<unknown>> | null = null;
    await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => {
        captured = allTasks();
      }) as Task<void>;
      expect(captured!.has(t)).toBe(true);
      await t;
      expect(allTasks().has(t)).toBe(false);
    });
  });

  // mirrors test_eager_task_factory.py::test_all_tasks_with_blocking
  it("stays in allTasks while it blocks", async () => {
    const loop = eagerLoop();
    let captured: Set<Task<unknown>> | null = null;
    await loop.runUntilComplete(async () => {
      const fut1 = loop.createFuture();
      const fut2 = loop.createFuture();
      const t = loop.createTask(async () => {
        captured = allTasks();
        await fut1;
        fut2.setResult(null);
      }) as Task<void>;
      expect(captured!.has(t)).toBe(true);
      expect(allTasks().has(t)).toBe(true);
      fut1.setResult(null);
      await fut2;
      await sleep(0);
      expect(allTasks().has(t)).toBe(false);
    });
  });

  // mirrors test_eager_task_factory.py::test_context_vars
  it("runs its eager step in a copy of the creator's context", async () => {
    const loop = eagerLoop();
    const cv = new ContextVar("cv", { default: 0 });
    let firstStepRan = false;
    let secondStepRan = false;
    const seen: number[] = [];
    await loop.runUntilComplete(async () => {
      cv.set(1);
      const t = loop.createTask(async () => {
        seen.push(cv.get());
        cv.set(2);
        seen.push(cv.get());
        firstStepRan = true;
        await sleep(0.1);
        seen.push(cv.get());
        cv.set(3);
        seen.push(cv.get());
        secondStepRan = true;
      });
      expect(firstStepRan).toBe(true);
      expect(secondStepRan).toBe(false);
      expect(cv.get()).toBe(1);
      await t;
      expect(secondStepRan).toBe(true);
      expect(cv.get()).toBe(1);
    });
    expect(seen).toEqual([1, 2, 2, 3]);
  });

  it("starts lazily when the loop is not running", async () => {
    const loop = makeLoop();
    let started = false;
    const t = new Task(async () => {
      started = true;
    }, { loop, eagerStart: true });
    expect(started).toBe(false);
    await loop.runUntilComplete(t);
    expect(started).toBe(true);
  });
});

describe("eagerTaskFactory", () => {
  it("is the eager factory of the default Task", async () => {
    const loop = makeLoop();
    loop.setTaskFactory(eagerTaskFactory);
    let ranEagerly = false;
    await loop.runUntilComplete(async () => {
      const t = loop.createTask(async () => {
        ranEagerly = true;
      }, { name: "eager" });
      expect(ranEagerly).toBe(true);
      expect((t as Task<void>).getName()).toBe("eager");
      await t;
    });
  });
});

describe("task counting with and without an eager factory", () => {
  function countTasks(loop: BaseEventLoop, eager: boolean): { count: number } {
    const counter = { count: 0 };
    class CountingTask<T> extends Task<T> {
      constructor(coro: Coroutine<T>, options: TaskOptions = {}) {
        if (options.eagerStart !== true) counter.count += 1;
        super(coro, options);
      }
    }
    if (eager) {
      loop.setTaskFactory(createEagerTaskFactory(CountingTask));
    } else {
      loop.setTaskFactory((factoryLoop, coro, options) => new CountingTask(coro, { loop: factoryLoop, ...options }));
    }
    return counter;
  }

  const awaitableChain = async (depth: number): Promise<number> => (depth === 0 ? 0 : 1 + (await awaitableChain(depth - 1)));
  const recursiveTaskgroups = async (width: number, depth: number): Promise<void> => {
    if (depth === 0) return;
    await asyncWith(new TaskGroup(), async (tg) => {
      for (let i = 0; i < width; i++) tg.createTask(() => recursiveTaskgroups(width, depth - 1));
    });
  };
  const recursiveGather = async (width: number, depth: number): Promise<void> => {
    if (depth === 0) return;
    await gather(Array.from({ length: width }, () => () => recursiveGather(width, depth - 1)));
  };

  for (const eager of [false, true]) {
    const expected = eager ? 0 : 781; // 1 + 5 + 5^2 + 5^3 + 5^4
    // mirrors test_eager_task_factory.py::test_awaitables_chain
    it(`counts ${eager ? 0 : 1} lazy task for an await chain (eager=${eager})`, async () => {
      const loop = makeLoop();
      const counter = countTasks(loop, eager);
      expect(await loop.runUntilComplete(() => awaitableChain(100))).toBe(100);
      expect(counter.count).toBe(eager ? 0 : 1);
    });

    // mirrors test_eager_task_factory.py::test_recursive_taskgroups
    it(`counts ${expected} lazy tasks for recursive task groups (eager=${eager})`, async () => {
      const loop = makeLoop();
      const counter = countTasks(loop, eager);
      await loop.runUntilComplete(() => recursiveTaskgroups(5, 4));
      expect(counter.count).toBe(expected);
    });

    // mirrors test_eager_task_factory.py::test_recursive_gather
    it(`counts ${expected} lazy tasks for recursive gathers (eager=${eager})`, async () => {
      const loop = makeLoop();
      const counter = countTasks(loop, eager);
      await loop.runUntilComplete(() => recursiveGather(5, 4));
      expect(counter.count).toBe(expected);
    });
  }
});

describe("cancelling an eager task whose first step is settling", () => {
  // Python: t = create_task(instant()) is done at once; t.cancel() -> False; await t -> the result.
  // Here the step settles in promise jobs: the cancel is held back and dropped when it finishes.
  it("keeps the result of a task that finishes without suspending", async () => {
    const loop = eagerLoop();
    const log: string[] = [];
    await loop.runUntilComplete(async () => {
      const instant = async (): Promise<string> => {
        log.push("instant runs");
        return "instant-result";
      };
      const t = loop.createTask(instant) as Task<string>;
      t.cancel("late");
      log.push(`t -> ${await t}`);
      log.push(`cancelled=${t.cancelled()} cancelling=${t.cancelling()}`);
    });
    expect(log).toEqual(["instant runs", "t -> instant-result", "cancelled=false cancelling=0"]);
  });

  // Python: a task suspended on a future is cancelled through that future, message kept.
  it("lands the held cancel when the task suspends, with its message and count", async () => {
    const loop = eagerLoop();
    const log: string[] = [];
    await loop.runUntilComplete(async () => {
      const fut = loop.createFuture<string>();
      const waiter = async (): Promise<string> => {
        await Promise.resolve(); // settles in a promise job before reaching the aio future
        try {
          return await fut;
        } catch (error) {
          log.push(`waiter: ${(error as Error).name} ${(error as Error).message}`);
          throw error;
        }
      };
      const t = loop.createTask(waiter) as Task<string>;
      expect(t.cancel("stop")).toBe(true);
      expect(t.cancelling()).toBe(1);
      const error = await rejection((async () => await t)());
      log.push(`t: ${(error as Error).name} ${(error as Error).message} cancelled=${t.cancelled()} fut=${fut.cancelled()}`);
    });
    expect(log).toEqual(["waiter: CancelledError stop", "t: CancelledError stop cancelled=true fut=true"]);
  });

  it("still cancels a task that waits on a foreign promise, at its next aio await", async () => {
    const loop = eagerLoop();
    await loop.runUntilComplete(async () => {
      let release!: () => void;
      const foreign = new Promise<void>((resolve) => (release = resolve));
      let reached = false;
      const t = loop.createTask(async () => {
        await foreign;
        reached = true;
        await sleep(0);
        return "done";
      }) as Task<string>;
      t.cancel();
      await sleep(0);
      await sleep(0);
      release();
      expect(await rejection((async () => await t)())).toBeInstanceOf(CancelledError);
      expect(reached).toBe(true);
    });
  });
});
