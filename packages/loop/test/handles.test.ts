/**
 * Tests for Handle and TimerHandle: cancel, run, repr shapes, when.
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_events.py (HandleTests, TimerTests).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExceptionContext } from "@aio/core";
import { Handle, TimerHandle, newEventLoop } from "../src/index.js";
import type { BaseEventLoop } from "../src/index.js";
import { NO_ARG } from "../src/handles.js";
import type { HandleLoop } from "../src/handles.js";

/** Python's `mock.Mock()` loop: only what a handle touches. */
function mockLoop(debug = false): HandleLoop & { contexts: ExceptionContext[]; cancelledTimers: TimerHandle[] } {
  const contexts: ExceptionContext[] = [];
  const cancelledTimers: TimerHandle[] = [];
  return {
    _debug: debug,
    contexts,
    cancelledTimers,
    callExceptionHandler: (context) => contexts.push(context),
    _timerHandleCancelled: (handle) => cancelledTimers.push(handle),
  };
}

function noop(..._args: unknown[]): void {}

const loops: BaseEventLoop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) {
    loop.setDebug(false);
    loop.close();
  }
});

describe("Handle", () => {
  // mirrors test_events.py::test_handle
  it("keeps its callback and arguments until cancelled", () => {
    const callback = (...args: unknown[]): unknown[] => args;
    const args: unknown[] = [];
    const handle = new Handle(callback, args, mockLoop(), null);
    expect(handle._callback).toBe(callback);
    expect(handle._args).toBe(args);
    expect(handle.cancelled()).toBe(false);

    handle.cancel();
    expect(handle.cancelled()).toBe(true);
    expect(handle._callback).toBeNull();
    expect(handle._args).toBeNull();
  });

  // mirrors test_events.py::test_callback_with_exception
  it("reports an exception from its callback to the loop's exception handler", () => {
    const error = new RangeError("boom");
    const loop = mockLoop();
    function callback(): void {
      throw error;
    }
    const handle = new Handle(callback, [], loop, null);
    handle._run();
    expect(loop.contexts).toEqual([{ message: "Exception in callback callback()", exception: error, handle }]);
  });

  // mirrors test_events.py::test_handle_repr
  it("shows the callback without its arguments outside debug mode", () => {
    const handle = new Handle(noop, [1, 2], mockLoop(false), null);
    expect(handle.toString()).toBe("<Handle noop()>");
    handle.cancel();
    expect(handle.toString()).toBe("<Handle cancelled>");

    const bound = new Handle(noop.bind(null, 1, 2), [3], mockLoop(false), null);
    expect(bound.toString()).toBe("<Handle noop()>");
  });

  // mirrors test_events.py::test_handle_repr_debug
  it("shows the arguments and freezes its repr at cancel time in debug mode", () => {
    const handle = new Handle(noop, [1, "two", null], mockLoop(true), null);
    expect(handle.toString()).toBe("<Handle noop(1, 'two', None)>");
    handle.cancel();
    expect(handle.toString()).toBe("<Handle cancelled noop(1, 'two', None)>");
    // A second cancel does not overwrite the frozen repr.
    handle.cancel();
    expect(handle.toString()).toBe("<Handle cancelled noop(1, 'two', None)>");
  });

  it("uses the same text for Node's inspect", async () => {
    const { inspect } = await import("node:util");
    const handle = new Handle(noop, [], mockLoop(), null);
    expect(inspect(handle)).toBe("<Handle noop()>");
  });

  // mirrors test_events.py::test_handle_source_traceback
  it("records where it was created in debug mode, for callSoon, callSoonThreadsafe, callLater and callAt", () => {
    const loop = newEventLoop();
    loops.push(loop);
    loop.setDebug(true);
    const thisFile = /handles\.test\.ts/;
    const handles = [
      loop.callSoon(noop),
      loop.callSoonThreadsafe(noop),
      loop.callLater(0, noop),
      loop.callAt(loop.time(), noop),
    ];
    for (const handle of handles) {
      const firstFrame = handle._sourceTraceback?.split("\n")[0] ?? "";
      expect(firstFrame).toMatch(thisFile);
      expect(handle.toString()).toMatch(/ created at .*handles\.test\.ts:\d+:\d+\)?>$/);
    }
    for (const handle of handles) handle.cancel();
  });

  it("records no source traceback outside debug mode", () => {
    const loop = newEventLoop();
    loops.push(loop);
    expect(loop.callSoon(noop)._sourceTraceback).toBeUndefined();
  });

  // mirrors test_events.py::test_handle_weakref
  it("can be held weakly", () => {
    const handle = new Handle(noop, [], mockLoop(), null);
    const ref = new WeakRef(handle);
    expect(ref.deref()).toBe(handle);
  });

  it("runs its callback in its context", async () => {
    const { Context, ContextVar } = await import("@aio/core");
    const variable = new ContextVar<string>("handle_var", { default: "outer" });
    const context = new Context();
    context.run(() => variable.set("inner"));
    const seen = vi.fn(() => variable.get());
    new Handle(seen, [], mockLoop(), context)._run();
    expect(seen).toHaveReturnedWith("inner");
    expect(variable.get()).toBe("outer");
  });
});

describe("Handle without an argument array (none or one argument)", () => {
  it("calls back with exactly the arguments given to callSoon: none, one, or several", async () => {
    const loop = newEventLoop();
    loops.push(loop);
    const seen: unknown[][] = [];
    const record = (...args: unknown[]): void => {
      seen.push(args);
    };
    loop.callSoon(record);
    loop.callSoon(record, undefined);
    loop.callSoon(record, "one");
    loop.callSoon(record, 1, 2);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(seen).toEqual([[], [undefined], ["one"], [1, 2]]);
  });

  it("shows its one argument in a debug repr, and none once cancelled", () => {
    const handle = new Handle(noop, null, mockLoop(true), null, "only");
    expect(handle.toString()).toBe("<Handle noop('only')>");
    expect(handle._argList()).toEqual(["only"]);
    handle.cancel();
    expect(handle.toString()).toBe("<Handle cancelled noop('only')>");
    expect(handle._argList()).toEqual([]);
    expect(new Handle(noop, null, mockLoop(true), null, NO_ARG).toString()).toBe("<Handle noop()>");
    expect(new Handle(noop, null, mockLoop(true), null, undefined).toString()).toBe("<Handle noop(None)>");
  });

  it("passes its one argument inside its context, and reports a failure with it", async () => {
    const { Context, ContextVar } = await import("@aio/core");
    const variable = new ContextVar<string>("handle_one_var", { default: "outer" });
    const context = new Context();
    context.run(() => variable.set("inner"));
    const seen = vi.fn((suffix: string) => variable.get() + suffix);
    new Handle(seen, null, mockLoop(), context, "!")._run();
    expect(seen).toHaveReturnedWith("inner!");
    const loop = mockLoop(true);
    const error = new RangeError("boom");
    const failing = new Handle(
      (_value: number) => {
        throw error;
      },
      null,
      loop,
      null,
      7,
    );
    failing._run();
    expect(loop.contexts[0]?.message).toBe("Exception in callback <anonymous>(7)");
    expect(loop.contexts[0]?.exception).toBe(error);
  });
});

describe("TimerHandle", () => {
  // mirrors test_events.py::test_when
  it("returns its deadline from when()", () => {
    const when = performance.now() / 1000;
    const timer = new TimerHandle(when, 0, noop, [], mockLoop(), null);
    expect(timer.when()).toBe(when);
  });

  // mirrors test_events.py::test_timer
  it("drops its callback and arguments and tells the loop when cancelled", () => {
    const callback = (...args: unknown[]): unknown[] => args;
    const args = [1, 2, 3];
    const loop = mockLoop();
    const timer = new TimerHandle(performance.now() / 1000, 0, callback, args, loop, null);
    expect(timer._callback).toBe(callback);
    expect(timer._args).toBe(args);
    expect(timer.cancelled()).toBe(false);

    timer.cancel();
    timer.cancel();
    expect(timer.cancelled()).toBe(true);
    expect(timer._callback).toBeNull();
    expect(timer._args).toBeNull();
    // Only the first cancel counts towards the loop's cancelled-timer housekeeping.
    expect(loop.cancelledTimers).toEqual([timer]);
  });

  // mirrors test_events.py::test_timer_repr
  it("shows when= after the class name", () => {
    const timer = new TimerHandle(123, 0, noop, [], mockLoop(false), null);
    expect(timer.toString()).toBe("<TimerHandle when=123 noop()>");
    timer.cancel();
    expect(timer.toString()).toBe("<TimerHandle cancelled when=123>");
  });

  // mirrors test_events.py::test_timer_repr_debug
  it("keeps the callback in its cancelled repr in debug mode", () => {
    const timer = new TimerHandle(123, 0, noop, [], mockLoop(true), null);
    expect(timer.toString()).toBe("<TimerHandle when=123 noop()>");
    timer.cancel();
    expect(timer.toString()).toBe("<TimerHandle cancelled when=123 noop()>");
  });

  // mirrors test_events.py::test_timer_comparison
  // Differs from CPython: TimerHandle has no <, <=, ==, hash, because JavaScript has no operator
  // overloading; the loop orders timers by (when, scheduling sequence), checked here.
  it("orders timers by deadline, then by scheduling sequence", async () => {
    const loop = newEventLoop();
    loops.push(loop);
    const order: string[] = [];
    const when = loop.time() + 0.01;
    loop.callAt(when + 0.005, () => order.push("later"));
    loop.callAt(when, () => order.push("first at when"));
    loop.callAt(when, () => order.push("second at when"));
    loop.callAt(when + 0.005, () => {
      order.push("later, second");
      loop.stop();
    });
    await loop.runForever();
    expect(order).toEqual(["first at when", "second at when", "later", "later, second"]);
  });
});
