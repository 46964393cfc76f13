/**
 * The rest of CPython 3.13 test_asyncio/test_tasks.py that the other test files of this package do
 * not already cover: gather and shield on the current (policy) loop, Task as a Future subclass, and
 * a task awaiting a Future subclass whose `getLoop` fails.
 */
import { globalLoopStandIn } from "@aio-tools/test-support";
import { describe, expect, it } from "vitest";
import { RuntimeError, _registerEventLoopGetter } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { Future } from "@aio/futures";
import { Task, createEagerTaskFactory, gather, shield, sleep } from "../src/index.js";
import { makeLoop, makeVirtualLoop, runBriefly } from "./support/loop.js";

// Python's "current event loop" (set_event_loop) for the *_use_global_loop ports.
const setGlobalLoop = globalLoopStandIn<AbstractEventLoop>(_registerEventLoopGetter, () => new RuntimeError("no running event loop"));
describe("gather", () => {
  // mirrors test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_use_global_loop
  it("binds an empty gather to the current (policy) loop when none runs", async () => {
    const loop = makeLoop();
    setGlobalLoop(loop);
    const fut = gather() as Future<unknown[]>;
    expect(fut).toBeInstanceOf(Future);
    expect(fut._loop).toBe(loop);
    await runBriefly(loop);
    expect(fut.done()).toBe(true);
    expect(fut.result()).toEqual([]);
  });

  // mirrors test_tasks.py::CoroutineGatherTests::test_constructor_use_global_loop
  it("wraps coroutines in tasks of the current (policy) loop when none runs", async () => {
    const loop = makeLoop();
    setGlobalLoop(loop);
    const coro = async (): Promise<string> => "abc";
    const fut = gather(coro, async () => "def") as Future<unknown[]>;
    expect(fut._loop).toBe(loop);
    expect(await loop.runUntilComplete(fut)).toEqual(["abc", "def"]);
  });
});

describe("shield", () => {
  // mirrors test_tasks.py::test_shield_coroutine_use_global_loop
  it("wraps a coroutine in a task of the current (policy) loop when none runs", async () => {
    const loop = makeLoop();
    setGlobalLoop(loop);
    const outer = shield(async () => 42) as Future<number>;
    expect(outer._loop).toBe(loop);
    expect(await loop.runUntilComplete(outer)).toBe(42);
  });
});

describe("Task", () => {
  // mirrors test_tasks.py::GenericTaskTests::test_future_subclass
  it("is a subclass of Future", async () => {
    expect(Task.prototype).toBeInstanceOf(Future);
    const loop = makeLoop();
    const task = new Task(async () => "spam", { loop });
    expect(task).toBeInstanceOf(Future);
    expect(await loop.runUntilComplete(task)).toBe("spam");
  });

  // mirrors test_tasks.py::CTask_Future_Tests::test_foobar
  it("awaits a Future subclass whose getLoop fails", async () => {
    class Fut<T> extends Future<T> {}
    Object.defineProperty(Fut.prototype, "getLoop", {
      get(): never {
        throw new TypeError("no getLoop");
      },
    });
    const loop = makeVirtualLoop();
    const fut = new Fut<number>({ loop });
    expect(() => fut.getLoop()).toThrow("no getLoop");
    loop.callLater(0.1, () => fut.setResult(1));
    const task = loop.createTask(async () => {
      await fut;
      return "spam";
    });
    expect(await loop.runUntilComplete(task)).toBe("spam");
    expect(fut.result()).toBe(1);
  });
});

describe("eager tasks", () => {
  // mirrors test_eager_task_factory.py::CEagerTaskFactoryLoopTests::test_issue122332
  // mirrors test_eager_task_factory.py::PyEagerTaskFactoryLoopTests::test_issue122332
  // Python 3.13: a task done after its eager step has get_coro() None (Task.__eager_start);
  // one that blocked keeps its coroutine.
  it("lets the coroutine of a task finished in its eager step go", async () => {
    const loop = makeLoop();
    loop.setTaskFactory(createEagerTaskFactory(Task));
    const [eager, failed, blocked] = await loop.runUntilComplete(async () => {
      const done = loop.createTask(async () => undefined);
      await done;
      const failing = loop.createTask(async () => {
        throw new RuntimeError("boom");
      });
      await failing.then(
        () => undefined,
        () => undefined,
      );
      const waiting = loop.createTask(async () => {
        await sleep(0);
      });
      await waiting;
      return [done, failing, waiting].map((task) => (task as Task<unknown>).getCoro());
    });
    expect(eager).toBeNull();
    expect(failed).toBeNull();
    expect(blocked).not.toBeNull();
  });
});
