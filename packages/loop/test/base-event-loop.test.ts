/**
 * Tests for BaseEventLoop: scheduling, iterations, run/stop, close, debug, exception handling,
 * task factories and executors. Mirrors CPython 3.13 Lib/test/test_asyncio/test_base_events.py
 * (BaseEventLoopTests, BaseEventLoopWithSelectorTests, RunningLoopTests) and test_events.py
 * (EventLoopTestsMixin, GetEventLoopTestsMixin).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { RuntimeError, _getRunningLoop, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, Coroutine, ExceptionContext, Executor } from "@aio/core";
import { Future } from "@aio/futures";
import { BaseEventLoop, Handle, TimerHandle, newEventLoop } from "../src/index.js";
import { StepTask, installStepTasks, sleepStep, stepTaskFactory, yieldStep } from "./support/step-task.js";
import { captureLog, runBriefly, runOnce } from "./support/loop-helpers.js";
import type { LogRecord } from "./support/loop-helpers.js";

beforeAll(() => {
  installStepTasks();
});

const loops: BaseEventLoop[] = [];
const restores: (() => void)[] = [];

function makeLoop(): BaseEventLoop {
  const loop = newEventLoop();
  loops.push(loop);
  return loop;
}

function logs(): LogRecord[] {
  const capture = captureLog();
  restores.push(capture.restore);
  return capture.records;
}

afterEach(() => {
  for (const loop of loops.splice(0)) {
    if (loop.isRunning()) loop.stop();
    loop.setDebug(false);
    loop.close();
  }
  for (const restore of restores.splice(0)) restore();
});

function noop(): void {}

/** An executor that runs jobs inline on a later microtask (Python's custom executor objects). */
class InlineExecutor implements Executor {
  submitted = 0;
  shutdownCalls: (boolean | undefined)[] = [];
  submit<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): PromiseLike<Awaited<R>> {
    this.submitted += 1;
    return Promise.resolve().then(() => fn(...args)) as PromiseLike<Awaited<R>>;
  }
  shutdown(wait?: boolean): void | Promise<void> {
    this.shutdownCalls.push(wait);
  }
}

describe("BaseEventLoop", () => {
  describe("close", () => {
    // mirrors test_base_events.py::test_close
    it("can be closed more than once, and then refuses to run", async () => {
      const loop = makeLoop();
      expect(loop.isClosed()).toBe(false);
      loop.close();
      expect(loop.isClosed()).toBe(true);
      loop.close();
      loop.close();

      await expect(loop.runForever()).rejects.toThrow(new RuntimeError("Event loop is closed"));
      const future = new Future({ loop });
      await expect(loop.runUntilComplete(future)).rejects.toBeInstanceOf(RuntimeError);
    });

    // mirrors test_events.py::test_close
    it("makes every scheduling method throw RuntimeError once closed", () => {
      const loop = makeLoop();
      loop.close();
      const closed = new RuntimeError("Event loop is closed");
      expect(() => loop.callSoon(noop)).toThrow(closed);
      expect(() => loop.callSoonThreadsafe(noop)).toThrow(closed);
      expect(() => loop.callLater(1.0, noop)).toThrow(closed);
      expect(() => loop.callAt(loop.time(), noop)).toThrow(closed);
      expect(() => loop.createTask(async () => {})).toThrow(closed);
      expect(() => loop.runInExecutor(null, noop)).toThrow(closed);
      expect(() => loop.addSignalHandler("SIGTERM", noop)).toThrow(closed);
    });

    // mirrors test_events.py::test_close_running_event_loop
    it("throws RuntimeError when called on the running loop", async () => {
      const loop = makeLoop();
      await expect(
        loop.runUntilComplete(async () => {
          loop.close();
        }),
      ).rejects.toThrow(new RuntimeError("Cannot close a running event loop"));
      expect(loop.isClosed()).toBe(false);
    });

    it("drops pending callbacks and timers and shuts the default executor down without waiting", () => {
      const loop = makeLoop();
      const executor = new InlineExecutor();
      loop.setDefaultExecutor(executor);
      loop.callSoon(noop);
      loop.callLater(10, noop);
      loop.close();
      expect(loop._ready).toHaveLength(0);
      expect(loop._scheduled.length).toBe(0);
      expect(executor.shutdownCalls).toEqual([false]);
      expect(loop._defaultExecutor).toBeNull();
    });
  });

  describe("callSoon", () => {
    // mirrors test_base_events.py::test_call_soon
    it("returns a Handle queued in _ready", () => {
      const loop = makeLoop();
      const handle = loop.callSoon(noop);
      expect(handle).toBeInstanceOf(Handle);
      expect(handle._callback).toBe(noop);
      expect(loop._ready).toContain(handle);
    });

    // mirrors test_base_events.py::test_call_soon_non_callable
    it("rejects a non-callable", () => {
      const loop = makeLoop();
      loop.setDebug(true);
      expect(() => loop.callSoon(1 as never)).toThrow(TypeError);
      expect(() => loop.callSoon(1 as never)).toThrow(/a callable object/);
    });

    // mirrors test_base_events.py::test_call_coroutine
    it("rejects async functions in every scheduling method", async () => {
      const loop = makeLoop();
      loop.setDebug(true);
      async function simpleCoroutine(): Promise<void> {}
      expect(() => loop.callSoon(simpleCoroutine)).toThrow(new TypeError("coroutines cannot be used with call_soon()"));
      expect(() => loop.callSoonThreadsafe(simpleCoroutine)).toThrow(
        new TypeError("coroutines cannot be used with call_soon_threadsafe()"),
      );
      expect(() => loop.callLater(60, simpleCoroutine)).toThrow(new TypeError("coroutines cannot be used with call_at()"));
      expect(() => loop.callAt(loop.time() + 60, simpleCoroutine)).toThrow(
        new TypeError("coroutines cannot be used with call_at()"),
      );
      expect(() => loop.runInExecutor(new InlineExecutor(), simpleCoroutine)).toThrow(
        new TypeError("coroutines cannot be used with run_in_executor()"),
      );
    });

    // mirrors test_events.py::test_call_soon
    it("passes the positional arguments to the callback", async () => {
      const loop = makeLoop();
      const results: unknown[][] = [];
      loop.callSoon(
        (first: string, second: string) => {
          results.push([first, second]);
          loop.stop();
        },
        "hello",
        "world",
      );
      await loop.runForever();
      expect(results).toEqual([["hello", "world"]]);
    });

    it("treats a trailing { context } object as the context option, and other objects as arguments", async () => {
      const { Context, ContextVar } = await import("@aio/core");
      const loop = makeLoop();
      const variable = new ContextVar<string>("call_soon_var", { default: "root" });
      const context = new Context();
      context.run(() => variable.set("inside"));
      const seen: unknown[] = [];
      loop.callSoon(() => seen.push(variable.get()), { context });
      loop.callSoon((options: unknown) => seen.push(options), { contextual: 1 });
      await runOnce(loop);
      expect(seen).toEqual(["inside", { contextual: 1 }]);
    });

    // mirrors test_base_events.py::test__add_callback_handle
    // mirrors test_base_events.py::test__add_callback_cancelled_handle
    it("never runs a handle cancelled before its iteration", async () => {
      const loop = makeLoop();
      const calls: string[] = [];
      const kept = new Handle(() => calls.push("kept"), [], loop, null);
      const cancelled = new Handle(() => calls.push("cancelled"), [], loop, null);
      cancelled.cancel();
      loop._pushReady(kept);
      loop._pushReady(cancelled);
      expect(loop._scheduled.length).toBe(0);
      expect(loop._ready).toContain(kept);
      await runOnce(loop);
      expect(calls).toEqual(["kept"]);
    });
  });

  describe("callSoonThreadsafe", () => {
    // mirrors test_events.py::test_call_soon_threadsafe
    it("wakes an idle loop from a Node callback outside the loop", async () => {
      const loop = makeLoop();
      const results: string[] = [];
      const callback = (arg: string): void => {
        results.push(arg);
        if (results.length >= 2) loop.stop();
      };
      loop.callSoon(callback, "world");
      // Python runs this in another thread; the closest JavaScript has is a Node timer callback
      // that fires while the loop waits with nothing to do.
      const timer = setTimeout(() => loop.callSoonThreadsafe(callback, "hello"), 5);
      try {
        await loop.runForever();
      } finally {
        clearTimeout(timer);
      }
      expect(results).toEqual(["world", "hello"]);
    });

    // mirrors test_events.py::test_call_soon_threadsafe_same_thread
    it("queues in FIFO order with callSoon", async () => {
      const loop = makeLoop();
      const results: string[] = [];
      const callback = (arg: string): void => {
        results.push(arg);
        if (results.length >= 2) loop.stop();
      };
      loop.callSoonThreadsafe(callback, "hello");
      loop.callSoon(callback, "world");
      await loop.runForever();
      expect(results).toEqual(["hello", "world"]);
    });
  });

  describe("callLater and callAt", () => {
    // mirrors test_base_events.py::test_call_later
    it("returns a TimerHandle in _scheduled, not in _ready", () => {
      const loop = makeLoop();
      const timer = loop.callLater(10.0, noop);
      expect(timer).toBeInstanceOf(TimerHandle);
      expect(loop._scheduled.data).toContain(timer);
      expect(loop._ready).not.toContain(timer);
      expect(() => loop.callLater(null as never, noop)).toThrow(new TypeError("delay must not be None"));
      expect(() => loop.callLater(Number.NaN, noop)).toThrow(RangeError);
      expect(() => loop.callLater("1" as never, noop)).toThrow(TypeError);
    });

    // mirrors test_base_events.py::test_call_later_negative_delays
    it("runs negative delays at once, earliest deadline first", async () => {
      const loop = makeLoop();
      const calls: string[] = [];
      loop.callLater(-1, (arg: string) => calls.push(arg), "a");
      loop.callLater(-2, (arg: string) => calls.push(arg), "b");
      await runBriefly(loop);
      expect(calls).toEqual(["b", "a"]);
    });

    // mirrors test_base_events.py::test_time_and_call_at
    it("never runs a callAt callback before its deadline", async () => {
      const loop = makeLoop();
      const when = loop.time() + 0.02;
      let timeInCallback = 0;
      loop.callAt(when, () => {
        timeInCallback = loop.time();
        loop.stop();
      });
      await loop.runForever();
      expect(timeInCallback).toBeGreaterThanOrEqual(when);
      expect(() => loop.callAt(null as never, noop)).toThrow(new TypeError("when cannot be None"));
      expect(() => loop.callAt(Number.NaN, noop)).toThrow(RangeError);
    });

    // mirrors test_events.py::test_call_later
    it("passes the arguments to a delayed callback", async () => {
      const loop = makeLoop();
      const results: string[] = [];
      loop.callLater(
        0.01,
        (arg: string) => {
          results.push(arg);
          loop.stop();
        },
        "hello world",
      );
      await loop.runForever();
      expect(results).toEqual(["hello world"]);
    });
  });

  describe("_runOnce", () => {
    // mirrors test_base_events.py::test__run_once
    it("drops a cancelled timer at the heap head and waits for the next live one", async () => {
      const loop = makeLoop();
      const h1 = loop.callLater(5.0, noop);
      const h2 = loop.callLater(10.0, noop);
      h1.cancel();
      loop._runOnce();
      expect(loop._scheduled.data).toEqual([h2]);

      // While running, the loop arms one Node timer for h2 (Python's select timeout).
      const running = loop.runForever();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(loop._armedWhen).toBe(h2.when());
      loop.stop();
      await running;
    });

    // mirrors test_base_events.py::test__run_once_schedule_handle
    it("runs a due timer, whose callSoon waits for the next iteration", () => {
      const loop = makeLoop();
      let processed = false;
      let handle: Handle | null = null;
      loop.callAt(loop.time() - 1, () => {
        processed = true;
        handle = loop.callSoon(() => true);
      });
      loop._runOnce();
      expect(processed).toBe(true);
      expect(loop._ready).toEqual([handle]);
      // A loop that is not running does not schedule its next iteration.
      expect(loop._waitImmediate).toBeNull();
      expect(loop._waitTimer).toBeNull();
    });

    // mirrors test_base_events.py::test__run_once_cancelled_event_cleanup
    it("removes cancelled timers at the head, and all of them once they are the majority", () => {
      const loop = makeLoop();
      const MIN_SCHEDULED_TIMER_HANDLES = 100;
      const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;

      // One live timer ahead of the cancelled ones keeps them from reaching the head.
      let notCancelledCount = 1;
      loop.callLater(3000, noop);
      let cancelledCount = 2;
      for (let i = 0; i < 2; i++) loop.callLater(3600, noop).cancel();
      // These reach the head and are removed.
      cancelledCount += 2;
      for (let i = 0; i < 2; i++) loop.callLater(100, noop).cancel();
      expect(cancelledCount + notCancelledCount).toBeLessThanOrEqual(MIN_SCHEDULED_TIMER_HANDLES);
      expect(loop._timerCancelledCount).toBe(cancelledCount);

      loop._runOnce();
      cancelledCount -= 2;
      expect(loop._timerCancelledCount).toBe(cancelledCount);
      expect(loop._scheduled.length).toBe(cancelledCount + notCancelledCount);

      const addCancelCount = Math.ceil(MIN_SCHEDULED_TIMER_HANDLES * MIN_CANCELLED_TIMER_HANDLES_FRACTION) + 1;
      const addNotCancelCount = Math.max(MIN_SCHEDULED_TIMER_HANDLES - addCancelCount, 0);
      notCancelledCount += addNotCancelCount;
      for (let i = 0; i < addNotCancelCount; i++) loop.callLater(3600, noop);
      cancelledCount += addCancelCount;
      for (let i = 0; i < addCancelCount; i++) loop.callLater(3600, noop).cancel();
      expect(loop._scheduled.length).toBe(cancelledCount + notCancelledCount);

      loop._runOnce();
      expect(loop._scheduled.length).toBe(notCancelledCount);
      expect(loop._scheduled.data.every((timer) => !timer._cancelled)).toBe(true);
      expect(loop._timerCancelledCount).toBe(0);
    });

    it("leaves the cancelled majority alone below 100 scheduled timers", () => {
      const loop = makeLoop();
      loop.callLater(3000, noop);
      for (let i = 0; i < 90; i++) loop.callLater(3600, noop).cancel();
      loop._runOnce();
      expect(loop._scheduled.length).toBe(91);
      expect(loop._timerCancelledCount).toBe(90);
    });
  });

  describe("runForever and stop", () => {
    // mirrors test_base_events.py::test_run_once
    it("runs one iteration with the callSoon(stop) idiom", async () => {
      const loop = makeLoop();
      let count = 0;
      loop.callSoon(() => {
        count += 1;
      });
      await runOnce(loop);
      expect(count).toBe(1);
    });

    // mirrors test_base_events.py::test_run_forever_pre_stopped
    it("runs exactly one iteration when stop() came before runForever()", async () => {
      const loop = makeLoop();
      const calls: string[] = [];
      loop.callSoon(() => {
        calls.push("ready before");
        loop.callSoon(() => calls.push("scheduled during"));
      });
      loop.stop();
      await loop.runForever();
      expect(calls).toEqual(["ready before"]);
      expect(loop.isRunning()).toBe(false);
      expect(loop._ready).toHaveLength(1);
      await runOnce(loop);
      expect(calls).toEqual(["ready before", "scheduled during"]);
    });

    it("finishes the current iteration after stop()", async () => {
      const loop = makeLoop();
      const calls: string[] = [];
      loop.callSoon(() => {
        calls.push("a");
        loop.stop();
      });
      loop.callSoon(() => calls.push("b"));
      await loop.runForever();
      expect(calls).toEqual(["a", "b"]);
    });

    it("wakes from a timer wait when stop() is called from outside", async () => {
      const loop = makeLoop();
      loop.callLater(3600, noop);
      const running = loop.runForever();
      const timer = setTimeout(() => loop.stop(), 5);
      await running;
      clearTimeout(timer);
      expect(loop.isRunning()).toBe(false);
    });

    it("rejects a second runForever while running", async () => {
      const loop = makeLoop();
      const running = loop.runForever();
      await expect(loop.runForever()).rejects.toThrow(new RuntimeError("This event loop is already running"));
      loop.stop();
      await running;
    });

    it("is the running loop only between runForever and its stop", async () => {
      const loop = makeLoop();
      expect(loop.isRunning()).toBe(false);
      let runningInside: AbstractEventLoop | null = null;
      loop.callSoon(() => {
        runningInside = getRunningLoop();
        loop.stop();
      });
      await loop.runForever();
      expect(runningInside).toBe(loop);
      expect(_getRunningLoop()).toBeNull();
    });
  });

  describe("runUntilComplete", () => {
    // mirrors test_base_events.py::test_run_until_complete_type_error
    it("rejects a value that is not awaitable", async () => {
      const loop = makeLoop();
      await expect(loop.runUntilComplete("blah" as never)).rejects.toThrow(
        new TypeError("An asyncio.Future, a coroutine or an awaitable is required"),
      );
    });

    // mirrors test_base_events.py::test_run_until_complete_loop
    it("rejects a future of another loop with RangeError", async () => {
      const loop = makeLoop();
      const otherLoop = makeLoop();
      const future = loop.createFuture();
      await expect(otherLoop.runUntilComplete(future)).rejects.toBeInstanceOf(RangeError);
    });

    // mirrors test_events.py::test_run_until_complete
    it("returns the result once a timer-driven coroutine is done, never early", async () => {
      const loop = makeLoop();
      const start = loop.time();
      const result = await loop.runUntilComplete(async () => {
        await sleepStep(loop, 0.02);
        return "done";
      });
      expect(result).toBe("done");
      expect(loop.time()).toBeGreaterThanOrEqual(start + 0.02);
    });

    it("accepts a Future, a thunk and a Promise", async () => {
      const loop = makeLoop();
      const future = loop.createFuture<number>();
      loop.callSoon(() => future.setResult(1));
      expect(await loop.runUntilComplete(future)).toBe(1);
      expect(await loop.runUntilComplete(async () => 2)).toBe(2);
      expect(await loop.runUntilComplete(Promise.resolve(3))).toBe(3);
    });

    // mirrors test_events.py::test_run_until_complete_stopped
    // mirrors test_base_events.py::test_run_until_complete_loop_orphan_future_close_loop
    it("throws 'Event loop stopped before Future completed.' and removes its done callback", async () => {
      const loop = makeLoop();
      let task: StepTask | null = null;
      const run = loop.runUntilComplete(async () => {
        task = (await import("./support/step-task.js")).currentStepTask();
        loop.stop();
        await sleepStep(loop, 0.05);
      });
      await expect(run).rejects.toThrow(new RuntimeError("Event loop stopped before Future completed."));
      const pending = task as unknown as StepTask;
      expect(pending.done()).toBe(false);
      // No stale stop() callback is left on the future: a later run goes to completion.
      expect(pending._callbackEntries()).toEqual([]);
      await loop.runUntilComplete(pending);
      expect(pending.done()).toBe(true);
    });

    // mirrors test_base_events.py::test_run_until_complete_baseexception
    // mirrors test_base_events.py::test_run_forever_keyboard_interrupt
    it("throws the coroutine's error and leaves no pending stop behind", async () => {
      const loop = makeLoop();
      const reported: ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => reported.push(context));
      const error = new RangeError("boom");
      await expect(
        loop.runUntilComplete(async () => {
          throw error;
        }),
      ).rejects.toBe(error);

      let called = false;
      loop.callSoon(() =>
        loop.callSoon(() => {
          loop.stop();
          called = true;
        }),
      );
      await loop.runForever();
      expect(called).toBe(true);
      // The error was retrieved by runUntilComplete: nothing is reported later.
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
      await runOnce(loop);
      expect(reported).toEqual([]);
    });

    // mirrors test_events.py::test_run_until_complete_nesting
    it("refuses to nest inside a running loop", async () => {
      const loop = makeLoop();
      await expect(
        loop.runUntilComplete(async () => {
          expect(loop.isRunning()).toBe(true);
          await loop.runUntilComplete(async () => {
            await yieldStep();
          });
        }),
      ).rejects.toThrow(new RuntimeError("This event loop is already running"));
    });

    // mirrors test_base_events.py::test_running_loop_within_a_loop
    it("refuses to run while another loop is running", async () => {
      const loop = makeLoop();
      const outerLoop = makeLoop();
      await expect(outerLoop.runUntilComplete(async () => loop.runForever())).rejects.toThrow(
        /while another loop is running/,
      );
      await expect(outerLoop.runUntilComplete(async () => loop.runUntilComplete(async () => 1))).rejects.toThrow(
        new RuntimeError("Cannot run the event loop while another loop is running"),
      );
    });
  });

  describe("debug mode", () => {
    // mirrors test_base_events.py::test_set_debug
    it("toggles with setDebug", () => {
      const loop = makeLoop();
      expect(loop.getDebug()).toBe(false);
      loop.setDebug(true);
      expect(loop.getDebug()).toBe(true);
      loop.setDebug(false);
      expect(loop.getDebug()).toBe(false);
    });

    // mirrors test_base_events.py::test_log_slow_callbacks
    it("logs slow callbacks and slow task steps as warnings", async () => {
      const loop = makeLoop();
      const records = logs();
      loop.setDebug(true);
      loop.slowCallbackDuration = 0.0;

      function stopLoopCb(target: BaseEventLoop): void {
        target.stop();
      }
      loop.callSoon(stopLoopCb, loop);
      await loop.runForever();
      const warnings = records.filter((record) => record.level === "warning").map((record) => record.message);
      expect(warnings.at(-1)).toMatch(/^Executing <Handle.*stopLoopCb.*> took .* seconds$/);

      async function stopLoopCoro(): Promise<void> {
        loop.stop();
      }
      loop.createTask(stopLoopCoro);
      await loop.runForever();
      const taskWarnings = records.filter((record) => record.level === "warning").map((record) => record.message);
      expect(taskWarnings.at(-1)).toMatch(/^Executing <Task.*stopLoopCoro.*> took .* seconds$/);
    });

    it("logs nothing for fast callbacks", async () => {
      const loop = makeLoop();
      const records = logs();
      loop.setDebug(true);
      loop.slowCallbackDuration = 3600;
      loop.callSoon(noop);
      await runOnce(loop);
      expect(records.filter((record) => record.level === "warning")).toEqual([]);
    });

    it("logs the close of a loop at debug level", () => {
      const loop = makeLoop();
      const records = logs();
      loop.setDebug(true);
      loop.close();
      expect(records).toEqual([
        { level: "debug", message: "Close <EventLoop running=False closed=False debug=True>", error: undefined },
      ]);
    });
  });

  describe("exception handling", () => {
    // mirrors test_base_events.py::test_default_exc_handler_callback
    it("logs an error from a callSoon or callLater callback through the default handler", async () => {
      const loop = makeLoop();
      const records = logs();
      function zeroError(future: Future<boolean>): void {
        future.setResult(true);
        throw new RangeError("division by zero");
      }
      for (const schedule of [
        (future: Future<boolean>) => loop.callSoon(zeroError, future),
        (future: Future<boolean>) => loop.callLater(0.01, zeroError, future),
      ]) {
        const future = loop.createFuture<boolean>();
        schedule(future);
        future.addDoneCallback(() => loop.stop());
        await loop.runForever();
        const last = records.at(-1) as LogRecord;
        expect(last.level).toBe("error");
        expect(last.message).toMatch(/^Exception in callback zeroError\(\)\nhandle: <(Timer)?Handle.*zeroError\(\)>/);
        expect(last.error).toBeInstanceOf(RangeError);
      }
    });

    // mirrors test_base_events.py::test_default_exc_handler_coro
    it("logs a never-retrieved future exception once the future is collected", async () => {
      const loop = makeLoop();
      const records = logs();
      (() => {
        const future = loop.createFuture();
        future.setException(new RangeError("division by zero"));
      })();
      for (let i = 0; i < 5 && records.length === 0; i++) {
        globalThis.gc?.();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(records.at(-1)?.message).toMatch(/exception was never retrieved/);
      expect(records.at(-1)?.error).toBeInstanceOf(RangeError);
    });

    // mirrors test_base_events.py::test_set_exc_handler_invalid
    it("rejects a non-callable exception handler", () => {
      const loop = makeLoop();
      expect(() => loop.setExceptionHandler("spam" as never)).toThrow(TypeError);
      expect(() => loop.setExceptionHandler("spam" as never)).toThrow(/A callable object or None/);
    });

    // mirrors test_base_events.py::test_set_exc_handler_custom
    it("sends errors to a custom handler, and back to the logger once it is removed", () => {
      const loop = makeLoop();
      loop.setDebug(true);
      function zeroError(): void {
        throw new RangeError("division by zero");
      }
      const runLoop = (): Handle => {
        const handle = loop.callSoon(zeroError);
        loop._runOnce();
        return handle;
      };
      expect(loop.getExceptionHandler()).toBeNull();
      const calls: [AbstractEventLoop, ExceptionContext][] = [];
      const handler = (target: AbstractEventLoop, context: ExceptionContext): void => {
        calls.push([target, context]);
      };
      loop.setExceptionHandler(handler);
      expect(loop.getExceptionHandler()).toBe(handler);
      const handle = runLoop();
      expect(calls).toHaveLength(1);
      expect(calls[0]?.[0]).toBe(loop);
      const context = calls[0]?.[1] as ExceptionContext;
      expect(Object.keys(context).sort()).toEqual(["exception", "handle", "message", "source_traceback"]);
      expect(context.exception).toBeInstanceOf(RangeError);
      expect(context.message).toMatch(/Exception in callback.*zeroError/);
      expect(context.handle).toBe(handle);
      expect(context.source_traceback).toBe(handle._sourceTraceback);
      expect(handle._sourceTraceback).toEqual(expect.any(String));

      loop.setExceptionHandler(null);
      const records = logs();
      runLoop();
      expect(records.at(-1)?.message).toMatch(/^Exception in callback zeroError\(\)/);
      expect(records.at(-1)?.error).toBeInstanceOf(RangeError);
      expect(calls).toHaveLength(1);
    });

    // mirrors test_base_events.py::test_set_exc_handler_broken
    it("logs 'Unhandled error in exception handler' when the custom handler throws", () => {
      const loop = makeLoop();
      const records = logs();
      const handlerError = new TypeError("spam");
      loop.setExceptionHandler(() => {
        throw handlerError;
      });
      loop.callSoon(() => {
        throw new RangeError("division by zero");
      });
      loop._runOnce();
      expect(records.at(-1)?.message).toMatch(/^Unhandled error in exception handler/);
      expect(records.at(-1)?.error).toBe(handlerError);
    });

    // mirrors test_base_events.py::test_default_exc_handler_broken
    it("logs a failing default handler instead of throwing", () => {
      let seenContext: ExceptionContext | null = null;
      class Loop extends BaseEventLoop {
        override defaultExceptionHandler(context: ExceptionContext): void {
          seenContext = context;
          throw new RangeError("spam");
        }
      }
      const loop = new Loop();
      loops.push(loop);
      const records = logs();
      const runLoop = (): void => {
        loop.callSoon(() => {
          throw new RangeError("division by zero");
        });
        loop._runOnce();
      };
      runLoop();
      expect(records.at(-1)?.message).toBe("Exception in default exception handler");

      loop.setExceptionHandler(() => {
        throw new RangeError("ham");
      });
      seenContext = null;
      runLoop();
      expect(records.at(-1)?.message).toMatch(/Exception in default exception.*while handling.*in custom/);
      const inner = (seenContext as ExceptionContext | null)?.context as ExceptionContext;
      expect(inner.exception).toBeInstanceOf(RangeError);
      expect((inner.exception as Error).message).toBe("division by zero");
    });

    it("formats the context as the message followed by sorted key: value lines", () => {
      const loop = makeLoop();
      const records = logs();
      const error = new RangeError("bad");
      loop.callExceptionHandler({ message: "Something failed", exception: error, zeta: "z", alpha: 1, future: null });
      expect(records).toEqual([
        { level: "error", message: "Something failed\nalpha: 1\nfuture: None\nzeta: 'z'", error },
      ]);
      loop.callExceptionHandler({});
      expect(records.at(-1)?.message).toBe("Unhandled exception in event loop");
    });

    it("adds the current handle's creation traceback in debug mode", () => {
      const loop = makeLoop();
      const records = logs();
      loop.setDebug(true);
      loop.callSoon(() => loop.callExceptionHandler({ message: "inside" }));
      loop._runOnce();
      expect(records.at(-1)?.message).toMatch(/^inside\nhandle_traceback: Handle created at \(most recent call last\):\n/);
    });
  });

  describe("task factory", () => {
    // mirrors test_base_events.py::test_set_task_factory_invalid
    it("rejects a non-callable factory", () => {
      const loop = makeLoop();
      expect(() => loop.setTaskFactory(1 as never)).toThrow(new TypeError("task factory must be a callable or None"));
      expect(loop.getTaskFactory()).toBeNull();
    });

    // mirrors test_base_events.py::test_set_task_factory
    it("creates tasks through the factory until it is reset", async () => {
      const loop = makeLoop();
      class MyTask<T> extends StepTask<T> {}
      async function coro(): Promise<void> {}
      const factory = (target: AbstractEventLoop, thunk: Coroutine<unknown>): MyTask<unknown> =>
        new MyTask(thunk, { loop: target });
      expect(loop.getTaskFactory()).toBeNull();
      loop.setTaskFactory(factory);
      expect(loop.getTaskFactory()).toBe(factory);
      const task = loop.createTask(coro);
      expect(task).toBeInstanceOf(MyTask);
      await loop.runUntilComplete(task);

      loop.setTaskFactory(null);
      expect(loop.getTaskFactory()).toBeNull();
      const plain = loop.createTask(coro);
      expect(plain).toBeInstanceOf(StepTask);
      expect(plain).not.toBeInstanceOf(MyTask);
      await loop.runUntilComplete(plain);
    });

    // mirrors test_base_events.py::test_create_named_task_with_default_factory
    it("names a task created with the default factory", async () => {
      const loop = makeLoop();
      const task = loop.createTask(async () => {}, { name: "test_task" }) as StepTask;
      expect(task.getName()).toBe("test_task");
      await loop.runUntilComplete(task);
    });

    // mirrors test_base_events.py::test_create_named_task_with_custom_factory
    it("names a task created by a custom factory, passing the context only when given", async () => {
      const loop = makeLoop();
      const options: unknown[] = [];
      loop.setTaskFactory((target, coro, taskOptions) => {
        options.push(taskOptions);
        return new StepTask(coro, { loop: target });
      });
      const task = loop.createTask(async () => {}, { name: "test_task" }) as StepTask;
      expect(task.getName()).toBe("test_task");
      // CPython 3.13 calls set_name(None) for an unnamed task made by a factory.
      const unnamed = loop.createTask(async () => {}) as StepTask;
      expect(unnamed.getName()).toBe("None");
      expect(options).toEqual([{}, {}]);
      await loop.runUntilComplete(task);
      await loop.runUntilComplete(unnamed);
    });

    // mirrors test_base_events.py::test_create_task_error_closes_coro
    it("refuses to create a task on a closed loop and rejects a non-function", () => {
      const loop = makeLoop();
      expect(() => loop.createTask("coro" as never)).toThrow(TypeError);
      loop.close();
      expect(() => loop.createTask(async () => {})).toThrow(new RuntimeError("Event loop is closed"));
    });

    it("uses the factory for thunks given to runUntilComplete", async () => {
      const loop = makeLoop();
      let made = 0;
      loop.setTaskFactory((target, coro, options) => {
        made += 1;
        return stepTaskFactory(target, coro, options);
      });
      expect(await loop.runUntilComplete(async () => "ok")).toBe("ok");
      expect(made).toBe(1);
    });
  });

  describe("executors", () => {
    // mirrors test_base_events.py::test_set_default_executor
    it("uses a custom default executor for runInExecutor(null, ...)", async () => {
      const loop = makeLoop();
      const executor = new InlineExecutor();
      loop.setDefaultExecutor(executor);
      expect(loop._defaultExecutor).toBe(executor);
      const future = loop.runInExecutor(null, (a: number, b: number) => a + b, 2, 3);
      expect(future).toBeInstanceOf(Future);
      expect(await loop.runUntilComplete(future)).toBe(5);
      expect(executor.submitted).toBe(1);
    });

    // mirrors test_base_events.py::test_set_default_executor_error
    it("rejects a default executor without submit()", () => {
      const loop = makeLoop();
      expect(() => loop.setDefaultExecutor({} as never)).toThrow(
        new TypeError("executor must be ThreadPoolExecutor instance"),
      );
      expect(loop._defaultExecutor).toBeNull();
    });

    // mirrors test_events.py::test_run_in_executor
    it("runs a function in a given executor and wraps its result", async () => {
      const loop = makeLoop();
      const executor = new InlineExecutor();
      const future = loop.runInExecutor(executor, (arg: string) => [arg, "ran"], "yo");
      expect(await loop.runUntilComplete(future)).toEqual(["yo", "ran"]);
      expect(executor.submitted).toBe(1);
    });

    it("propagates the function's error through the future", async () => {
      const loop = makeLoop();
      const error = new RangeError("nope");
      const future = loop.runInExecutor(new InlineExecutor(), () => {
        throw error;
      });
      await expect(loop.runUntilComplete(future)).rejects.toBe(error);
    });

    // mirrors test_events.py::test_run_in_executor_cancel
    it("schedules nothing after close when a cancelled job finishes later", async () => {
      const loop = makeLoop();
      let release: () => void = noop;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const executor: Executor = {
        submit: () => gate.then(() => "late") as never,
        shutdown: () => undefined,
      };
      loop.setDefaultExecutor(executor);
      const future = loop.runInExecutor(null, noop);
      future.cancel();
      await loop.runUntilComplete(loop.shutdownDefaultExecutor());
      loop.close();
      release();
      await new Promise((resolve) => setImmediate(resolve));
      expect(loop._ready).toHaveLength(0);
    });

    // mirrors test_base_events.py::test_shutdown_default_executor_timeout
    it("warns when the default executor does not finish within the timeout", async () => {
      const loop = makeLoop();
      const records = logs();
      const calls: (boolean | undefined)[] = [];
      loop.setDefaultExecutor({
        submit: () => Promise.resolve() as never,
        shutdown: (wait?: boolean) => {
          calls.push(wait);
          return wait === true ? new Promise<void>(noop) : undefined;
        },
      });
      await loop.runUntilComplete(loop.shutdownDefaultExecutor(0.01));
      expect(records.map((record) => record.message)).toEqual([
        "The executor did not finishing joining its threads within 0.01 seconds.",
      ]);
      expect(calls).toEqual([true, false]);
    });

    it("waits for the default executor and then refuses runInExecutor(null, ...)", async () => {
      const loop = makeLoop();
      const executor = new InlineExecutor();
      loop.setDefaultExecutor(executor);
      await loop.runUntilComplete(loop.shutdownDefaultExecutor());
      expect(executor.shutdownCalls).toEqual([true]);
      expect(() => loop.runInExecutor(null, noop)).toThrow(new RuntimeError("Executor shutdown has been called"));
      // An explicit executor is still fine.
      expect(await loop.runUntilComplete(loop.runInExecutor(new InlineExecutor(), () => 7))).toBe(7);
    });

    it("returns at once from shutdownDefaultExecutor when no default executor was made", async () => {
      const loop = makeLoop();
      await loop.runUntilComplete(loop.shutdownDefaultExecutor());
      expect(loop._executorShutdownCalled).toBe(true);
    });
  });

  describe("shutdownAsyncgens", () => {
    // mirrors test_asyncgen.py::test_async_gen_asyncio_shutdown_01
    it("closes the async generators registered through _asyncgenFirstiterHook", async () => {
      const loop = makeLoop();
      const finalized: string[] = [];
      async function* agen(name: string): AsyncGenerator<number> {
        try {
          yield 1;
          yield 2;
        } finally {
          finalized.push(name);
        }
      }
      const first = agen("first");
      const second = agen("second");
      await first.next();
      await second.next();
      loop._asyncgenFirstiterHook(first);
      loop._asyncgenFirstiterHook(second);
      await loop.runUntilComplete(loop.shutdownAsyncgens());
      expect(finalized).toEqual(["first", "second"]);
      expect(loop._asyncgens.size).toBe(0);
    });

    // mirrors test_asyncgen.py::test_async_gen_asyncio_shutdown_exception_01
    it("reports a generator that throws while closing to the exception handler", async () => {
      const loop = makeLoop();
      const reported: ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => reported.push(context));
      const error = new RangeError("in finally");
      async function* agen(): AsyncGenerator<number> {
        try {
          yield 1;
        } finally {
          // eslint-disable-next-line no-unsafe-finally -- the generator must fail while closing
          throw error;
        }
      }
      const generator = agen();
      await generator.next();
      loop._asyncgenFirstiterHook(generator);
      await loop.runUntilComplete(loop.shutdownAsyncgens());
      expect(reported).toHaveLength(1);
      expect(reported[0]?.message).toMatch(/^an error occurred during closing of asynchronous generator/);
      expect(reported[0]?.exception).toBe(error);
      expect(reported[0]?.asyncgen).toBe(generator);
    });

    // Python 3.13: a generator that yields again in its `finally` while aclose() closes it is
    // reported: "an error occurred during closing of asynchronous generator <async_generator
    // object stubborn at 0x…>" with RuntimeError('async generator ignored GeneratorExit').
    it("reports a generator that yields while closing as ignoring GeneratorExit", async () => {
      const loop = makeLoop();
      const reported: ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => reported.push(context));
      const log: string[] = [];
      async function* stubborn(): AsyncGenerator<number> {
        try {
          yield 1;
        } finally {
          log.push("stubborn finally");
          yield 2;
        }
      }
      const generator = stubborn();
      await generator.next();
      loop._asyncgenFirstiterHook(generator);
      await loop.runUntilComplete(loop.shutdownAsyncgens());
      expect(log).toEqual(["stubborn finally"]);
      expect(reported).toHaveLength(1);
      expect(reported[0]?.message).toBe("an error occurred during closing of asynchronous generator <async_generator object>");
      expect(reported[0]?.exception).toBeInstanceOf(RuntimeError);
      expect((reported[0]?.exception as Error).message).toBe("async generator ignored GeneratorExit");
    });

    it("warns about a generator registered after shutdownAsyncgens", async () => {
      const loop = makeLoop();
      const records = logs();
      await loop.runUntilComplete(loop.shutdownAsyncgens());
      async function* late(): AsyncGenerator<number> {
        yield 1;
      }
      loop._asyncgenFirstiterHook(late());
      expect(records.at(-1)?.level).toBe("warning");
      expect(records.at(-1)?.message).toMatch(/was scheduled after loop\.shutdown_asyncgens\(\) call$/);
    });
  });

  describe("toString", () => {
    it("shows running, closed and debug", () => {
      const loop = makeLoop();
      expect(String(loop)).toBe("<EventLoop running=False closed=False debug=False>");
    });
  });
});

describe("getRunningLoop", () => {
  // mirrors test_events.py::test_get_event_loop_returns_running_loop
  it("returns the running loop inside it and throws outside", async () => {
    const loop = makeLoop();
    expect(() => getRunningLoop()).toThrow(new RuntimeError("no running event loop"));
    expect(_getRunningLoop()).toBeNull();
    const seen = await loop.runUntilComplete(async () => {
      await yieldStep();
      return [getRunningLoop(), _getRunningLoop()];
    });
    expect(seen).toEqual([loop, loop]);
    expect(_getRunningLoop()).toBeNull();
    expect(() => getRunningLoop()).toThrow(new RuntimeError("no running event loop"));
  });

  it("sees the loop from a plain callback too", async () => {
    const loop = makeLoop();
    let seen: AbstractEventLoop | null = null;
    loop.callSoon(() => {
      seen = getRunningLoop();
    });
    await runOnce(loop);
    expect(seen).toBe(loop);
  });

  it("is cleared when a run ends with an error", async () => {
    const loop = makeLoop();
    await expect(
      loop.runUntilComplete(async () => {
        throw new RangeError("x");
      }),
    ).rejects.toThrow(RangeError);
    expect(_getRunningLoop()).toBeNull();
  });
});
