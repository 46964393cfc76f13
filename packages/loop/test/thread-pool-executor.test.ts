/**
 * Tests for ThreadPoolExecutor and exportedFunction: jobs on worker threads, cancel, shutdown.
 * Mirrors CPython 3.13 Lib/test/test_concurrent_futures/ (executor.py, test_thread_pool.py, test_shutdown.py).
 *
 * No test measures time. A job that must stay busy waits on a gate (Atomics.wait on a
 * SharedArrayBuffer) that the test opens, and reports through the same buffer that it started.
 * afterEach opens every gate and shuts every executor down, so no thread outlives its test.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { CancelledError, RuntimeError } from "@aio/core";
import { ThreadPoolExecutor, exportedFunction } from "../src/thread-pool-executor.js";
import type { ConcurrentFuture } from "../src/thread-pool-executor.js";
import type * as fixture from "./support/thread-pool-fixture.js";

const FIXTURE_URL = new URL("./support/thread-pool-fixture.ts", import.meta.url);
const EXECUTOR_URL = new URL("../src/thread-pool-executor.ts", import.meta.url);

const executors: ThreadPoolExecutor[] = [];
const gates: Gate[] = [];

function makeExecutor(...args: ConstructorParameters<typeof ThreadPoolExecutor>): ThreadPoolExecutor {
  const executor = new ThreadPoolExecutor(...args);
  executors.push(executor);
  return executor;
}

/** A latch shared with worker threads: slot 0 is "open", slot 1 counts the jobs that started. */
interface Gate {
  shared: SharedArrayBuffer;
  /** Resolves once `count` jobs have called in. */
  started(count?: number): Promise<void>;
  open(): void;
}

function makeGate(): Gate {
  const shared = new SharedArrayBuffer(8);
  const view = new Int32Array(shared);
  const gate: Gate = {
    shared,
    async started(count = 1) {
      for (let seen = Atomics.load(view, 1); seen < count; seen = Atomics.load(view, 1)) {
        const result = Atomics.waitAsync(view, 1, seen);
        if (result.async) await result.value;
      }
    },
    open() {
      Atomics.store(view, 0, 1);
      Atomics.notify(view, 0);
    },
  };
  gates.push(gate);
  return gate;
}

/** The job body for a gate: says it started, blocks its thread until the gate opens, returns `value`. */
function waitAtGate<T>(shared: SharedArrayBuffer, value: T): T {
  const view = new Int32Array(shared);
  Atomics.add(view, 1, 1);
  Atomics.notify(view, 1);
  Atomics.wait(view, 0, 0);
  return value;
}

/** Records how a future settled, without letting it reject unhandled. */
function outcome(future: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(future).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Runs `body` in a child Node process that imported ThreadPoolExecutor; it is killed after 8 s. */
function runChild(body: string): Promise<{ status: number | null; signal: string | null; stdout: string }> {
  const script = `import { ThreadPoolExecutor } from ${JSON.stringify(EXECUTOR_URL.href)};\n${body}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "--eval", script], {
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 8_000,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout }));
  });
}

afterEach(async () => {
  for (const gate of gates.splice(0)) gate.open();
  await Promise.all(executors.splice(0).map((executor) => executor.shutdown(true, { cancelFutures: true })));
});

describe("ThreadPoolExecutor", () => {
  // mirrors executor.py::test_submit
  it("runs a function with arguments in a worker and returns its result", async () => {
    const executor = makeExecutor(2);
    expect(await executor.submit((base: number, exponent: number) => base ** exponent, 2, 8)).toBe(256);
  });

  it("runs the function off the main thread", async () => {
    const executor = makeExecutor(1);
    const where = await executor.submit(async () => {
      const { isMainThread } = await import("node:worker_threads");
      return isMainThread;
    });
    expect(where).toBe(false);
  });

  it("awaits an async function in the worker", async () => {
    const executor = makeExecutor(1);
    const result = await executor.submit(async (text: string) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return text.toUpperCase();
    }, "apple");
    expect(result).toBe("APPLE");
  });

  it("rebuilds methods and named functions from their source", async () => {
    const executor = makeExecutor(1);
    const helpers = {
      double(this: void, value: number) {
        return value * 2;
      },
    };
    function increment(value: number): number {
      return value + 1;
    }
    expect(await executor.submit(helpers.double, 21)).toBe(42);
    expect(await executor.submit(increment, 41)).toBe(42);
  });

  it("rejects with an error of the same name and message when the function throws", async () => {
    const executor = makeExecutor(1);
    const runtime = await outcome(
      executor.submit(() => {
        const error = new Error("boom");
        error.name = "RuntimeError";
        throw Object.assign(error, { code: "EBOOM" });
      }),
    );
    const { error } = runtime as { error: Error & { code?: string } };
    expect(error).toBeInstanceOf(RuntimeError);
    expect([error.name, error.message, error.code]).toEqual(["RuntimeError", "boom", "EBOOM"]);

    const custom = (await outcome(
      executor.submit(() => {
        class ZeroDivisionError extends Error {
          override name = "ZeroDivisionError";
        }
        throw new ZeroDivisionError("division by zero", { cause: new RangeError("inner") });
      }),
    )) as { error: Error };
    expect(custom.error).toBeInstanceOf(Error);
    expect([custom.error.name, custom.error.message]).toEqual(["ZeroDivisionError", "division by zero"]);
    expect(custom.error.stack).toContain("ZeroDivisionError: division by zero");
    expect(custom.error.cause).toBeInstanceOf(RangeError);

    const exported = exportedFunction<typeof fixture.fail>(FIXTURE_URL, "fail");
    await expect(executor.submit(exported, "bad value")).rejects.toThrow(new RangeError("bad value"));
  });

  it("rejects with TypeError when an argument or the result cannot be cloned", async () => {
    const executor = makeExecutor(1);
    const argument = (await outcome(executor.submit((callback: () => number) => callback(), () => 1))) as {
      error: Error;
    };
    expect(argument.error).toBeInstanceOf(TypeError);
    expect(argument.error.message).toContain("could not be cloned");
    const result = (await outcome(executor.submit(() => () => 1))) as { error: Error };
    expect(result.error).toBeInstanceOf(TypeError);
    expect(result.error.message).toContain("could not be cloned");
    // The pool still works after both.
    expect(await executor.submit(() => "still running")).toBe("still running");
  });

  it("throws TypeError for a function without source text", () => {
    const executor = makeExecutor(1);
    expect(() => executor.submit(Math.max, 1, 2)).toThrow(TypeError);
    expect(() => executor.submit(((value: number) => value).bind(null), 1)).toThrow(/exportedFunction/);
  });

  // mirrors executor.py::test_max_workers_negative
  it("rejects a maxWorkers below 1 with RangeError and a non-integer with TypeError", () => {
    for (const number of [0, -1]) {
      expect(() => new ThreadPoolExecutor(number)).toThrow(new RangeError("max_workers must be greater than 0"));
      expect(() => new ThreadPoolExecutor({ maxWorkers: number })).toThrow(RangeError);
    }
    expect(() => new ThreadPoolExecutor(2.5)).toThrow(TypeError);
    expect(() => new ThreadPoolExecutor({ maxWorkers: "4" as unknown as number })).toThrow(TypeError);
  });

  // mirrors test_thread_pool.py::test_default_workers
  it("defaults maxWorkers to min(32, availableParallelism() + 4)", () => {
    const expected = Math.min(32, availableParallelism() + 4);
    expect(new ThreadPoolExecutor()._maxWorkers).toBe(expected);
    expect(new ThreadPoolExecutor(null)._maxWorkers).toBe(expected);
    const named = new ThreadPoolExecutor({ maxWorkers: 4, threadNamePrefix: "SpecialPool" });
    expect([named._maxWorkers, named._threadNamePrefix]).toEqual([4, "SpecialPool"]);
    expect(new ThreadPoolExecutor(3, { threadNamePrefix: "x" })._threadNamePrefix).toBe("x");
    expect(new ThreadPoolExecutor(3)._threadNamePrefix).toMatch(/^ThreadPoolExecutor-\d+$/);
  });

  // mirrors test_thread_pool.py::test_idle_thread_reuse
  it("reuses an idle worker thread", async () => {
    const executor = makeExecutor();
    const mul = (x: number, y: number) => x * y;
    await executor.submit(mul, 21, 2);
    await executor.submit(mul, 6, 7);
    await executor.submit(mul, 3, 14);
    expect(executor._pool?.threads.length).toBe(1);
  });

  // mirrors test_thread_pool.py::test_saturation
  it("runs at most maxWorkers jobs at once and queues the rest", async () => {
    const executor = makeExecutor(4);
    const gate = makeGate();
    const futures = Array.from({ length: 3 * 4 }, (_, index) => executor.submit(waitAtGate, gate.shared, index));
    await gate.started(4);
    expect([executor._running.size, executor._workQueue.length]).toEqual([4, 8]);
    expect(executor._pool?.threads.length).toBe(4);
    gate.open();
    expect(await Promise.all(futures)).toEqual(futures.map((_, index) => index));
  });

  // mirrors test_shutdown.py::test_run_after_shutdown
  it("throws RuntimeError when submitting after shutdown", async () => {
    const executor = makeExecutor(1);
    await executor.shutdown();
    expect(() => executor.submit((x: number) => x, 1)).toThrow(
      new RuntimeError("cannot schedule new futures after shutdown"),
    );
  });

  // mirrors test_future.py::test_cancel
  it("cancels a queued job: cancel returns true and the job rejects with CancelledError", async () => {
    const executor = makeExecutor(1);
    const gate = makeGate();
    const first = executor.submit(waitAtGate, gate.shared, "first");
    const second: ConcurrentFuture<string> = executor.submit((x: string) => x, "second");
    await gate.started();
    expect([first.running(), second.running(), second.done()]).toEqual([true, false, false]);
    expect(second.cancel()).toBe(true);
    expect(second.cancel()).toBe(true);
    expect([second.cancelled(), second.done(), executor._workQueue.length]).toEqual([true, true, 0]);
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    gate.open();
    expect(await first).toBe("first");
    expect([first.cancel(), first.cancelled(), first.done()]).toEqual([false, false, true]);
  });

  it("cancels a running job by terminating its worker thread (CPython's cancel returns False)", async () => {
    const executor = makeExecutor(1);
    const gate = makeGate();
    const running = executor.submit(waitAtGate, gate.shared, "never");
    await gate.started();
    expect(running.cancel()).toBe(true);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(running.cancelled()).toBe(true);
    // The slot is free again, on a fresh worker thread.
    expect(await executor.submit(() => "next")).toBe("next");
  });

  // mirrors test_shutdown.py::test_hang_issue12364
  it("shutdown(wait=true) resolves after the running and queued jobs finished", async () => {
    const executor = makeExecutor(1);
    const gate = makeGate();
    const events: string[] = [];
    const first = executor.submit(waitAtGate, gate.shared, "first");
    const second = executor.submit((x: string) => x, "second");
    void first.then((value) => events.push(value));
    void second.then((value) => events.push(value));
    await gate.started();
    const shutdown = executor.shutdown().then(() => events.push("shutdown"));
    expect(() => executor.submit((x: number) => x, 1)).toThrow(RuntimeError);
    gate.open();
    await shutdown;
    expect(events).toEqual(["first", "second", "shutdown"]);
    expect(executor._pool).toBe(null);
  });

  // mirrors test_shutdown.py::test_cancel_futures
  it("shutdown with cancelFutures cancels the jobs that have not started", async () => {
    const executor = makeExecutor(2);
    const gate = makeGate();
    const futures = Array.from({ length: 10 }, (_, index) => executor.submit(waitAtGate, gate.shared, index));
    await gate.started(2);
    const shutdown = executor.shutdown(true, { cancelFutures: true });
    gate.open();
    await shutdown;
    const results = await Promise.all(futures.map(outcome));
    expect(futures.map((future) => future.cancelled())).toEqual([false, false, ...Array<boolean>(8).fill(true)]);
    expect(results.slice(0, 2)).toEqual([{ value: 0 }, { value: 1 }]);
    for (const result of results.slice(2)) expect((result as { error: unknown }).error).toBeInstanceOf(CancelledError);
  });

  // mirrors test_shutdown.py::test_shutdown_no_wait
  it("shutdown(wait=false) returns at once and lets the accepted jobs finish", async () => {
    const executor = makeExecutor(1);
    const gate = makeGate();
    const first = executor.submit(waitAtGate, gate.shared, "first");
    const second = executor.submit((x: string) => x, "second");
    let shutdownDone = false;
    void executor.shutdown({ wait: false }).then(() => (shutdownDone = true));
    await gate.started();
    await Promise.resolve();
    expect(shutdownDone).toBe(true);
    gate.open();
    expect(await Promise.all([first, second])).toEqual(["first", "second"]);
    // Idempotent: a second call waits for the same drain.
    await executor.shutdown();
    expect(executor._pool).toBe(null);
  });

  // mirrors test_shutdown.py::test_context_manager_shutdown
  it("shuts down and waits when its `await using` scope ends", async () => {
    let executor: ThreadPoolExecutor;
    {
      await using pool = new ThreadPoolExecutor(5);
      executor = pool;
      const values = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4];
      const absolutes = await Promise.all(values.map((value) => pool.submit((x: number) => Math.abs(x), value)));
      expect(absolutes).toEqual([5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
    }
    expect([executor._shutdown, executor._pool]).toEqual([true, null]);
  });

  // mirrors test_shutdown.py::test_hang_gh94440
  it("shutdown(wait=true) does not hang after a job was cancelled right after submit", async () => {
    const executor = makeExecutor(1);
    expect(await executor.submit((x: number) => x, 1)).toBe(1);
    expect(executor.submit((x: number) => x, 2).cancel()).toBe(true);
    await executor.shutdown(true);
    expect(executor._running.size + executor._workQueue.length).toBe(0);
  });

  // mirrors test_shutdown.py::test_interpreter_shutdown
  it("keeps the process alive for a running job but not once the pool is idle", async () => {
    const child = await runChild(`
      const executor = new ThreadPoolExecutor(5);
      executor.submit(async (text) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return text;
      }, "apple").then((text) => console.log(text));
    `);
    expect(child).toEqual({ status: 0, signal: null, stdout: "apple\n" });
  });

  // mirrors test_shutdown.py::test_hang_gh83386
  it("lets a process that called shutdown(wait=false) exit after the running job", async () => {
    const child = await runChild(`
      const executor = new ThreadPoolExecutor({ maxWorkers: 3 });
      executor.submit((text) => text, "apple").then((text) => console.log(text));
      executor.shutdown(false);
    `);
    expect(child).toEqual({ status: 0, signal: null, stdout: "apple\n" });
  });
});

describe("exportedFunction (addition)", () => {
  it("runs a module export made with exportedFunction in the worker, and inline when called", async () => {
    const executor = makeExecutor(1);
    const mul = exportedFunction<typeof fixture.mul>(FIXTURE_URL, "mul");
    const whereAmI = exportedFunction<typeof fixture.whereAmI>(FIXTURE_URL.href, "whereAmI");
    expect(await executor.submit(mul, 6, 7)).toBe(42);
    // The worker imported the module itself: its module state counted the call there, not here.
    expect(await executor.submit(whereAmI)).toEqual({ isMainThread: false, calls: 1 });
    expect(await mul(3, 14)).toBe(42);
    expect((await whereAmI()).isMainThread).toBe(true);
  });

  it("rejects an export that is missing with TypeError", async () => {
    const executor = makeExecutor(1);
    const missing = exportedFunction(FIXTURE_URL, "missing");
    await expect(executor.submit(missing)).rejects.toThrow(TypeError);
    expect(() => exportedFunction("./support/thread-pool-fixture.js", "mul")).toThrow(TypeError);
  });
});
