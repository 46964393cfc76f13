/**
 * Tests for toThread: the function runs in the default executor's worker threads, with its
 * arguments, and its result or error comes back.
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_threads.py (ToThreadTests).
 *
 * A function crosses to the worker as its source text, so the ones below are self-contained; a
 * module export goes through `exportedFunction`. Counters shared with the workers live in a
 * SharedArrayBuffer, which structured clone shares instead of copying.
 */
import { describe, expect, it } from "vitest";
import { ContextVar, RuntimeError } from "@aio/core";
import { exportedFunction } from "@aio/loop";
import { gather, toThread } from "../src/index.js";
import { makeLoop } from "./support/loop.js";
import type * as fixture from "./support-structured/thread-fixture.js";
import { catchError } from "./support-structured/errors.js";

const FIXTURE_URL = new URL("./support-structured/thread-fixture.ts", import.meta.url);

/** Runs `body` in a task on a fresh loop; the loop's default executor is shut down afterwards. */
async function inTask<T>(body: () => Promise<T>): Promise<T> {
  const loop = makeLoop();
  try {
    return await loop.runUntilComplete(body);
  } finally {
    await loop.runUntilComplete(() => loop.shutdownDefaultExecutor());
  }
}

describe("toThread", () => {
  // mirrors test_threads.py::test_to_thread
  it("returns the function's result", async () => {
    await inTask(async () => {
      const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
      expect(await toThread(sum, [40, 2])).toBe(42);
      const exportedSum = exportedFunction<typeof fixture.sum>(FIXTURE_URL, "sum");
      expect(await toThread(exportedSum, [40, 2])).toBe(42);
    });
  });

  // mirrors test_threads.py::test_to_thread_exception
  it("raises the function's error", async () => {
    await inTask(async () => {
      const raiseRuntime = exportedFunction<typeof fixture.raiseRuntime>(FIXTURE_URL, "raiseRuntime");
      const error = await catchError(() => toThread(raiseRuntime));
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe("test");
      const inline = await catchError(() =>
        toThread(() => {
          throw new RangeError("test");
        }),
      );
      expect(inline).toEqual(new RangeError("test"));
    });
  });

  // mirrors test_threads.py::test_to_thread_once
  it("calls the function once, in a worker thread", async () => {
    await inTask(async () => {
      const calls = new Int32Array(new SharedArrayBuffer(4));
      await toThread((counter: Int32Array) => {
        Atomics.add(counter, 0, 1);
      }, calls);
      expect(Atomics.load(calls, 0)).toBe(1);
      expect(await toThread(exportedFunction<typeof fixture.onMainThread>(FIXTURE_URL, "onMainThread"))).toBe(false);
    });
  });

  // mirrors test_threads.py::test_to_thread_concurrent
  it("runs concurrent calls", async () => {
    await inTask(async () => {
      const calls = new Int32Array(new SharedArrayBuffer(4));
      const func = (counter: Int32Array): void => {
        Atomics.add(counter, 0, 1);
      };
      const futs = [];
      for (let i = 0; i < 10; i++) futs.push(toThread(func, calls));
      await gather(futs);
      expect(Atomics.load(calls, 0)).toBe(10);
    });
  });

  // Differs from CPython: there are no keyword arguments; an options object is one more
  // positional argument, structured-cloned like the others.
  // mirrors test_threads.py::test_to_thread_args_kwargs
  it("passes the arguments", async () => {
    await inTask(async () => {
      const echo = (...args: unknown[]): unknown[] => args;
      expect(await toThread(echo, "test", { something: true })).toEqual(["test", { something: true }]);
    });
  });

  // Differs from CPython: the worker does not see the caller's context variables (nor any of
  // its closures), because a function crosses threads as source text.
  // mirrors test_threads.py::test_to_thread_contextvars
  it("does not carry the caller's context variables or closures to the worker", async () => {
    await inTask(async () => {
      const testCtx = new ContextVar<string>("test_ctx");
      testCtx.set("parrot");
      const error = await catchError(() => toThread(() => testCtx.get()));
      expect(error).toBeInstanceOf(ReferenceError);
    });
  });

  // No CPython test: to_thread needs a running loop (get_running_loop()).
  it("needs a running loop", async () => {
    const error = await catchError(() => toThread(() => 1));
    expect(error).toEqual(new RuntimeError("no running event loop"));
  });
});
