/**
 * CPython 3.13 test_asyncio/test_pep492.py (async with, async def coroutines) mapped onto @aio:
 * `async with` is asyncWith / `await using enter(...)`, a coroutine is an async thunk.
 * It also holds the test_futures.py / test_futures2.py tests whose subject is a Task or the real
 * loop: @aio/futures cannot import @aio/tasks or @aio/loop (they depend on it), so they live here.
 */
import { describe, expect, it } from "vitest";
import { asyncWith, enter, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { BoundedSemaphore, Condition, Lock, Semaphore } from "@aio/sync";
import { Task, ensureFuture, run, sleep } from "@aio/tasks";

type Primitive = Lock | Condition | Semaphore | BoundedSemaphore;

/** Fresh primitives, as each CPython test builds its own list. */
function primitives(): [string, Primitive][] {
  return [
    ["Lock", new Lock()],
    ["Condition", new Condition()],
    ["Semaphore", new Semaphore()],
    ["BoundedSemaphore", new BoundedSemaphore()],
  ];
}

/** Runs `main` to completion on a fresh loop, then closes it (pep492's BaseTest loop). */
async function onNewLoop<T>(main: (loop: AbstractEventLoop) => Promise<T>, debug = false): Promise<T> {
  const loop = newEventLoop();
  loop.setDebug(debug);
  try {
    return await loop.runUntilComplete(() => main(loop));
  } finally {
    loop.close();
  }
}

describe("async with on primitives (CPython test_pep492.py LockTests)", () => {
  // mirrors test_pep492.py::LockTests::test_context_manager_async_with
  it.each(primitives())("%s is held inside asyncWith and free after it", async (_name, lock) => {
    await onNewLoop(async () => {
      await sleep(0.01);
      expect(lock.locked()).toBe(false);
      await asyncWith(lock, async (value) => {
        // Differs from CPython: the value bound by `async with lock as x` is undefined, not None (null).
        expect(value).toBeUndefined();
        expect(lock.locked()).toBe(true);
        await sleep(0.01);
        expect(lock.locked()).toBe(true);
      });
      expect(lock.locked()).toBe(false);
    });
    expect(lock.locked()).toBe(false);
  });

  // mirrors test_pep492.py::LockTests::test_context_manager_async_with
  it.each(primitives())("%s is held inside an `await using` block and free after it", async (_name, lock) => {
    await onNewLoop(async () => {
      await sleep(0.01);
      expect(lock.locked()).toBe(false);
      {
        await using held = await enter(lock);
        expect(held.value).toBeUndefined();
        expect(lock.locked()).toBe(true);
        await sleep(0.01);
        expect(lock.locked()).toBe(true);
      }
      expect(lock.locked()).toBe(false);
    });
    expect(lock.locked()).toBe(false);
  });

  // mirrors test_pep492.py::LockTests::test_context_manager_with_await
  it.each(primitives())("%s is not acquired by awaiting it", async (_name, lock) => {
    // CPython: `with await lock` is a TypeError ("can't be used in 'await' expression"). A JS
    // await accepts any value, so the equivalent guarantee is that a primitive is not a thenable:
    // awaiting it gives the object back and acquires nothing.
    await onNewLoop(async () => {
      await sleep(0.01);
      expect(lock.locked()).toBe(false);
      expect("then" in lock).toBe(false);
      const value: unknown = lock;
      const awaited = await value;
      expect(awaited).toBe(lock);
      expect(lock.locked()).toBe(false);
    });
    expect(lock.locked()).toBe(false);
  });
});

describe("async def coroutines (CPython test_pep492.py CoroutineTests)", () => {
  // mirrors test_pep492.py::CoroutineTests::test_async_def_coroutines
  it("runs a coroutine awaiting another to its result, in production and debug mode", async () => {
    const bar = async (): Promise<string> => {
      await sleep(0);
      return "spam";
    };
    const foo = async (): Promise<string> => await bar();
    expect(await onNewLoop(foo)).toBe("spam");
    expect(await onNewLoop(foo, true)).toBe("spam");
  });

  // mirrors test_pep492.py::CoroutineTests::test_types_coroutine
  it("awaits a hand-written awaitable that is not a Promise", async () => {
    // Python wraps a generator with @types.coroutine to make it awaitable; the JS counterpart of
    // an awaitable that is not a coroutine is a thenable object.
    let thenCalls = 0;
    const wrapper: PromiseLike<string> = {
      then(onFulfilled, onRejected) {
        thenCalls += 1;
        return Promise.resolve("spam").then(onFulfilled, onRejected);
      },
    };
    const coro = async (): Promise<string> => await wrapper;
    expect(await onNewLoop(coro)).toBe("spam");
    expect(await onNewLoop(async () => await getRunningLoop().createTask(coro))).toBe("spam");
    expect(thenCalls).toBe(2);
  });

  // mirrors test_pep492.py::CoroutineTests::test_task_print_stack
  it("gives the stack of a task whose coroutine failed, innermost frame first", async () => {
    // Differs from CPython: getStack() of a running task is empty (JS cannot show where a
    // suspended async function waits), so the frame is read from a task that raised in foo.
    const foo = async function foo(): Promise<never> {
      await sleep(0);
      throw new Error("in foo");
    };
    await onNewLoop(async () => {
      const task = ensureFuture(foo) as Task<never>;
      await expect(task).rejects.toThrow("in foo");
      const frames = task.getStack({ limit: 1 });
      expect(frames).toHaveLength(1);
      expect(frames[0]).toMatch(/^at (Task\.)?foo\b/);
    });
  });
});

/** Python's DuckFuture: follows the future protocol without inheriting from Future. */
class DuckFuture {
  _asyncioFutureBlocking = false;
  done(): boolean {
    return false;
  }
  then(): Promise<never> {
    return new Promise(() => {});
  }
}

describe("ensureFuture of a duck-typed future (CPython test_futures.py DuckTests)", () => {
  // mirrors test_futures.py::DuckTests::test_ensure_future
  it("returns the object as is", async () => {
    await onNewLoop(async () => {
      const f = new DuckFuture();
      expect(ensureFuture(f as never)).toBe(f);
    });
  });
});

describe("Task as a future (CPython test_futures2.py)", () => {
  // mirrors test_futures2.py::FutureTests::test_future_traceback
  it("rethrows the same error on every await without growing its stack", async () => {
    await run(async () => {
      const raiseExc = async function raiseExc(): Promise<never> {
        await sleep(0);
        throw new TypeError("42");
      };
      const future = new Task(raiseExc);
      const caught: unknown[] = [];
      const stacks: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) {
        try {
          await future;
          expect.unreachable("TypeError was not raised");
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          caught.push(error);
          stacks.push((error as Error).stack);
        }
      }
      // CPython counts "await future" once in each traceback: re-raising must not pile frames
      // on. A JS error keeps the stack of its throw site, so each await rethrows it unchanged.
      expect(new Set(caught).size).toBe(1);
      expect(new Set(stacks).size).toBe(1);
      expect(stacks[0]).toMatch(/raiseExc/);
    });
  });
});
