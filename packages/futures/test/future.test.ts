import { globalLoopStandIn } from "@aio-tools/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  ContextVar,
  InvalidStateError,
  RuntimeError,
  _registerEventLoopGetter,
  copyContext,
} from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { Future, isFuture, setResultUnlessCancelled } from "../src/index.js";
import { asLoop, flushPromises, newTestLoop, runBriefly, runUntilComplete } from "./support/test-loop.js";
import type { TestLoop } from "./support/test-loop.js";

// Python's "current event loop" (set_event_loop) for the *_use_global_loop ports.
const setGlobalLoop = globalLoopStandIn<AbstractEventLoop>(_registerEventLoopGetter, () => new RuntimeError("no running event loop"));

function firstCb(): void {}
function lastCb(): void {}
function fakeFunc(): void {}

let loop: TestLoop;
beforeEach(() => {
  loop = newTestLoop();
});
afterEach(() => {
  loop.close();
});

function newFuture<T = unknown>(): Future<T> {
  return new Future<T>({ loop: asLoop(loop) });
}

/** Lets the garbage collector finalize dropped futures and the FinalizationRegistry report them. */
async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    globalThis.gc!();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("isFuture", () => {
  // mirrors test_futures.py::test_isfuture
  it("recognises instances following the future protocol, not classes", () => {
    class MyFuture {
      static _asyncioFutureBlocking: boolean | null = null;
      _asyncioFutureBlocking = false;
    }
    expect(isFuture(MyFuture)).toBe(false);
    expect(isFuture(new MyFuture())).toBe(true);
    expect(isFuture(1)).toBe(false);
    expect(isFuture({})).toBe(false);
    expect(isFuture(Promise.resolve())).toBe(false);

    const f = newFuture();
    expect(isFuture(f)).toBe(true);
    expect(isFuture(Future)).toBe(false);
    // Python's Mock(spec=Future) counts; in JS an object with Future.prototype does.
    expect(isFuture(Object.create(Future.prototype))).toBe(true);
    f.cancel();
  });

  it("rejects an object whose marker is null", () => {
    expect(isFuture({ _asyncioFutureBlocking: null })).toBe(false);
  });
});

describe("Future", () => {
  // mirrors test_futures.py::test_initial_state
  it("starts pending and becomes cancelled on cancel()", () => {
    const f = newFuture();
    expect(f.cancelled()).toBe(false);
    expect(f.done()).toBe(false);
    expect(f._state).toBe(0);
    f.cancel();
    expect(f.cancelled()).toBe(true);
  });

  // mirrors test_futures.py::test_constructor_without_loop
  it("throws RuntimeError without a loop when none runs", () => {
    // Differs from CPython: the message is "no running event loop" (no policy loaded), not
    // "There is no current event loop", because the policy lives in @aio/policy.
    expect(() => new Future()).toThrow(RuntimeError);
    expect(() => new Future()).toThrow("no running event loop");
  });

  // mirrors test_futures.py::test_constructor_use_running_loop
  it("binds to the running loop", () => {
    const f = loop.asRunning(() => new Future());
    expect(f._loop).toBe(loop);
    expect(f.getLoop()).toBe(loop);
  });

  // mirrors test_futures.py::test_constructor_use_global_loop
  it("binds to the current (policy) loop when none runs", () => {
    setGlobalLoop(asLoop(loop));
    const f = new Future();
    expect(f._loop).toBe(loop);
    expect(f.getLoop()).toBe(loop);
  });

  // mirrors test_futures.py::test_constructor_positional
  it("rejects a positional argument", () => {
    expect(() => new Future(42 as never)).toThrow(TypeError);
    expect(() => new Future(42 as never)).toThrow("Future() takes no positional arguments");
  });

  // mirrors test_futures.py::test_future_cancel_message_getter
  it("keeps the cancel message in _cancelMessage", async () => {
    const f = newFuture();
    expect(f._cancelMessage).toBeNull();
    f.cancel("my message");
    const error = await runUntilComplete(loop, f).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("my message");
    expect(f._cancelMessage).toBe("my message");
  });

  // mirrors test_futures.py::test_future_cancel_message_setter
  it("uses a cancel message changed after cancel()", async () => {
    const f = newFuture();
    f.cancel("my message");
    f._cancelMessage = "my new message";
    expect(f._cancelMessage).toBe("my new message");
    const error = await runUntilComplete(loop, f).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe("my new message");
    expect(f._cancelMessage).toBe("my new message");
  });

  // mirrors test_futures.py::test_cancel
  it("cancels once, then refuses results and further cancels", () => {
    const f = newFuture();
    expect(f.cancel()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(f.done()).toBe(true);
    expect(() => f.result()).toThrow(CancelledError);
    expect(() => f.exception()).toThrow(CancelledError);
    expect(() => f.setResult(null)).toThrow(InvalidStateError);
    expect(() => f.setException(null)).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  // mirrors test_futures.py::test_result
  it("holds a result", () => {
    const f = newFuture<number | null>();
    expect(() => f.result()).toThrow(InvalidStateError);
    expect(() => f.result()).toThrow("Result is not set.");
    f.setResult(42);
    expect(f.cancelled()).toBe(false);
    expect(f.done()).toBe(true);
    expect(f.result()).toBe(42);
    expect(f.exception()).toBeNull();
    expect(() => f.setResult(null)).toThrow(InvalidStateError);
    expect(() => f.setResult(null)).toThrow("invalid state");
    expect(() => f.setException(null)).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  // mirrors test_futures.py::test_exception
  it("holds an exception", () => {
    const exc = new RuntimeError();
    const f = newFuture();
    expect(() => f.exception()).toThrow(InvalidStateError);
    expect(() => f.exception()).toThrow("Exception is not set.");
    f.setException(exc);
    expect(f.cancelled()).toBe(false);
    expect(f.done()).toBe(true);
    expect(() => f.result()).toThrow(RuntimeError);
    expect(f.exception()).toBe(exc);
    expect(() => f.setResult(null)).toThrow(InvalidStateError);
    expect(() => f.setException(null)).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  // mirrors test_futures.py::test_exception_class
  it("instantiates an exception class given to setException", () => {
    const f = newFuture();
    f.setException(RuntimeError);
    expect(f.exception()).toBeInstanceOf(RuntimeError);
  });

  it("rejects null and undefined as exceptions", () => {
    const f = newFuture();
    expect(() => f.setException(null)).toThrow(TypeError);
    expect(() => f.setException(undefined)).toThrow(TypeError);
    expect(f.done()).toBe(false);
  });

  // mirrors test_futures.py::test_yield_from_twice
  it("gives the same result to a second await without suspending", async () => {
    const f = newFuture<number>();
    const seen: unknown[] = [];
    const body = (async () => {
      seen.push("A");
      const x = await f;
      seen.push(["B", x]);
      const y = await f;
      seen.push(["C", y]);
    })();
    expect(seen).toEqual(["A"]);
    f.setResult(42);
    await runBriefly(loop);
    await body;
    expect(seen).toEqual(["A", ["B", 42], ["C", 42]]);
  });

  // mirrors test_futures.py::test_future_repr
  it("has Python's repr", () => {
    loop.setDebug(true);
    const fPendingDebug = newFuture();
    expect(fPendingDebug._sourceTraceback).toBeDefined();
    expect(fPendingDebug.toString()).toMatch(/^<Future pending created at .*future\.test\.ts:\d+:\d+\)?>$/);
    fPendingDebug.cancel();

    loop.setDebug(false);
    const fPending = newFuture();
    expect(fPending.toString()).toBe("<Future pending>");
    fPending.cancel();

    const fCancelled = newFuture();
    fCancelled.cancel();
    expect(fCancelled.toString()).toBe("<Future cancelled>");

    const fResult = newFuture();
    fResult.setResult(4);
    expect(fResult.toString()).toBe("<Future finished result=4>");
    expect(fResult.result()).toBe(4);

    // Containers as CPython's reprlib shows them (printed by python3.13 for the same values).
    const cases: [unknown, string][] = [
      [[1, 2, 3], "[1, 2, 3]"],
      [[...Array(10).keys()], "[0, 1, 2, 3, 4, 5, ...]"],
      [new Set([1, 2]), "{1, 2}"],
      [new Set(), "set()"],
      [new Map<unknown, unknown>([["a", 1], ["b", [1, 2]]]), "{'a': 1, 'b': [1, 2]}"],
      [new Map([...Array(6).keys()].map((k) => [k, null])), "{0: None, 1: None, 2: None, 3: None, ...}"],
      [[[[[[[[1]]]]]]], "[[[[[[[...]]]]]]]"],
      ["x".repeat(40), "'xxxxxxxxxxxx...xxxxxxxxxxxxx'"],
      ["abcdefghijklmnopqrstuvwxyz0123456789", "'abcdefghijkl...xyz0123456789'"],
      ["it's ".repeat(8), `"it's it's it...'s it's it's "`],
      ["a\nb", "'a\\nb'"],
      [Number.NaN, "nan"],
      [-Infinity, "-inf"],
    ];
    for (const [value, shown] of cases) {
      const f = newFuture();
      f.setResult(value);
      expect(f.toString()).toBe(`<Future finished result=${shown}>`);
    }

    const exc = new RuntimeError();
    const fException = newFuture();
    fException.setException(exc);
    expect(fException.toString()).toBe("<Future finished exception=RuntimeError()>");
    expect(fException.exception()).toBe(exc);

    // Differs from CPython: a callback shows as `name()` without `at file:line`, because a JS
    // function does not expose where it was defined.
    const fOneCallbacks = newFuture();
    fOneCallbacks.addDoneCallback(fakeFunc);
    expect(fOneCallbacks.toString()).toBe("<Future pending cb=[fakeFunc()]>");
    fOneCallbacks.cancel();
    expect(fOneCallbacks.toString()).toBe("<Future cancelled>");

    const fTwoCallbacks = newFuture();
    fTwoCallbacks.addDoneCallback(firstCb);
    fTwoCallbacks.addDoneCallback(lastCb);
    expect(fTwoCallbacks.toString()).toBe("<Future pending cb=[firstCb(), lastCb()]>");

    const fManyCallbacks = newFuture();
    fManyCallbacks.addDoneCallback(firstCb);
    for (let i = 0; i < 8; i++) fManyCallbacks.addDoneCallback(fakeFunc);
    fManyCallbacks.addDoneCallback(lastCb);
    expect(fManyCallbacks.toString()).toBe("<Future pending cb=[firstCb(), <8 more>, lastCb()]>");
    fManyCallbacks.cancel();
    expect(fManyCallbacks.toString()).toBe("<Future cancelled>");
  });

  it("names a subclass in its repr", () => {
    class MyFuture<T> extends Future<T> {}
    const f = new MyFuture({ loop: asLoop(loop) });
    expect(String(f)).toBe("<MyFuture pending>");
    f.cancel();
  });

  // mirrors test_futures.py::test_log_traceback
  it("lets _logTraceback be set to false only", () => {
    const f = newFuture();
    expect(() => {
      f._logTraceback = true;
    }).toThrow("_log_traceback can only be set to False");
    f.setException(new Error("boom"));
    expect(f._logTraceback).toBe(true);
    f._logTraceback = false;
    expect(f._logTraceback).toBe(false);
  });

  // mirrors test_futures.py::test_tb_logger_abandoned
  // mirrors test_futures.py::test_tb_logger_not_called_after_cancel
  // mirrors test_futures.py::test_tb_logger_result_unretrieved
  // mirrors test_futures.py::test_tb_logger_result_retrieved
  // mirrors test_futures.py::test_tb_logger_exception_retrieved
  // mirrors test_futures.py::test_tb_logger_exception_result_retrieved
  it("reports nothing for futures whose exception was retrieved or that have none", async () => {
    (() => {
      newFuture();
      const cancelledAfter = newFuture();
      cancelledAfter.setException(new Error());
      cancelledAfter.cancel();
      newFuture().setResult(42);
      const retrieved = newFuture();
      retrieved.setResult(42);
      retrieved.result();
      const exceptionRetrieved = newFuture();
      exceptionRetrieved.setException(new RuntimeError("boom"));
      exceptionRetrieved.exception();
      const resultRetrieved = newFuture();
      resultRetrieved.setException(new RuntimeError("boom"));
      expect(() => resultRetrieved.result()).toThrow(RuntimeError);
    })();
    await runBriefly(loop);
    await collectGarbage();
    expect(loop.exceptions).toEqual([]);
  });

  // mirrors test_futures.py::test_tb_logger_exception_unretrieved
  // mirrors test_futures.py::test_future_exception_never_retrieved
  it("reports an exception never retrieved when the future is collected", async () => {
    // Differs from CPython: the report comes when the garbage collector finalizes the future
    // (FinalizationRegistry), not at once when the last reference goes, because JS has no __del__.
    const exc = new RangeError("memory");
    (() => {
      newFuture().setException(exc);
    })();
    await runBriefly(loop);
    await collectGarbage();
    expect(loop.exceptions).toHaveLength(1);
    const context = loop.exceptions[0]!;
    expect(context.message).toMatch(/^Future exception was never retrieved/);
    expect(context.exception).toBe(exc);
    expect(context.future).toBe("<Future finished exception=RangeError('memory')>");
    expect(context.source_traceback).toBeUndefined();
  });

  // mirrors test_futures.py::test_future_exception_never_retrieved_debug
  it("adds the creation traceback to the report in debug mode", async () => {
    loop.setDebug(true);
    const exc = new RangeError("memory");
    (() => {
      newFuture().setException(exc);
    })();
    await runBriefly(loop);
    await collectGarbage();
    expect(loop.exceptions).toHaveLength(1);
    expect(loop.exceptions[0]!.exception).toBe(exc);
    expect(loop.exceptions[0]!.source_traceback).toMatch(/future\.test\.ts/);
  });

  // mirrors test_futures.py::test_future_source_traceback
  it("records where it was created in debug mode", () => {
    loop.setDebug(true);
    const future = newFuture();
    expect(typeof future._sourceTraceback).toBe("string");
    // The first frame is the caller of the constructor (newFuture), then this test.
    const frames = future._sourceTraceback!.split("\n");
    expect(frames[0]).toMatch(/newFuture .*future\.test\.ts/);
    expect(frames[1]).toMatch(/future\.test\.ts/);
    future.cancel();
  });

  // mirrors test_futures.py::test_set_result_unless_cancelled
  it("setResultUnlessCancelled leaves a cancelled future cancelled", () => {
    const fut = newFuture();
    fut.cancel();
    setResultUnlessCancelled(fut, 2);
    expect(fut.cancelled()).toBe(true);
    const other = newFuture();
    setResultUnlessCancelled(other, 2);
    expect(other.result()).toBe(2);
  });

  it("makes one CancelledError per retrieval unless one is stored", () => {
    const f = newFuture();
    f.cancel("why");
    const first = f._makeCancelledError();
    expect(first).toBeInstanceOf(CancelledError);
    expect(first.message).toBe("why");
    const stored = new CancelledError("stored");
    f._cancelledExc = stored;
    expect(f._makeCancelledError()).toBe(stored);
    expect(f._cancelledExc).toBeNull();
  });
});

describe("Future (promise interoperability, addition)", () => {
  it("resolves await after the loop ran its callbacks, never synchronously", async () => {
    const f = newFuture<string>();
    const order: string[] = [];
    f.addDoneCallback(() => order.push("callback"));
    const awaited = f.then((value) => {
      order.push(`then ${value}`);
    });
    f.setResult("x");
    await flushPromises();
    expect(order).toEqual([]);
    loop.runOnce();
    await flushPromises();
    expect(order).toEqual(["callback", "then x"]);
    await awaited;
  });

  it("rejects await with the exception and marks it retrieved", async () => {
    const f = newFuture();
    const exc = new RuntimeError("boom");
    f.setException(exc);
    const error = await runUntilComplete(loop, f).catch((e: unknown) => e);
    expect(error).toBe(exc);
    expect(f._logTraceback).toBe(false);
  });

  it("supports catch and finally", async () => {
    const f = newFuture();
    const exc = new RuntimeError("boom");
    f.setException(exc);
    let finallyRan = false;
    const caught = f.catch((e: unknown) => e);
    const finished = f
      .finally(() => {
        finallyRan = true;
      })
      .catch((e: unknown) => ["rejected", e]);
    await runBriefly(loop);
    expect(await caught).toBe(exc);
    expect(await finished).toEqual(["rejected", exc]);
    expect(finallyRan).toBe(true);
  });

  it("settles an await on a done future synchronously, as Python's await does not suspend", () => {
    const f = newFuture<number>();
    f.setResult(5);
    const seen: unknown[] = [];
    f._await(
      (value) => seen.push(value),
      (error) => seen.push(error),
    );
    expect(seen).toEqual([5]);
  });

  it("registers a promise resolver as a waiter on a pending future", async () => {
    const f = newFuture<number>();
    const awaited = f.then((value) => value * 2);
    expect(f.toString()).toBe("<Future pending cb=[<promise resolver>]>");
    // A waiter is not a callback: removeDoneCallback does not see it.
    expect(f.removeDoneCallback(() => {})).toBe(0);
    f.setResult(21);
    expect(loop._ready).toHaveLength(1);
    await runBriefly(loop);
    expect(await awaited).toBe(42);
  });

  it("works with Promise.all", async () => {
    const a = newFuture<number>();
    const b = newFuture<number>();
    const all = Promise.all([a, b]);
    a.setResult(1);
    b.setResult(2);
    await runBriefly(loop);
    expect(await all).toEqual([1, 2]);
  });
});

describe("Future.addDoneCallback", () => {
  it("schedules the callback at once, through the loop, on a done future", () => {
    const f = newFuture();
    f.setResult(1);
    const bag: unknown[] = [];
    f.addDoneCallback((fut) => bag.push(fut));
    expect(bag).toEqual([]);
    expect(loop._ready).toHaveLength(1);
    loop.runOnce();
    expect(bag).toEqual([f]);
  });

  it("rejects a non-callable", () => {
    const f = newFuture();
    expect(() => f.addDoneCallback(42 as never)).toThrow(TypeError);
  });

  it("runs the callback in the given context", () => {
    const variable = new ContextVar<string>("variable", { default: "outer" });
    const context = copyContext();
    context.run(() => variable.set("inner"));
    const f = newFuture();
    const seen: string[] = [];
    f.addDoneCallback(() => seen.push(variable.get()), { context });
    f.setResult(null);
    loop.runOnce();
    expect(seen).toEqual(["inner"]);
  });

  it("runs the callback in a copy of the registering context by default", () => {
    const variable = new ContextVar<string>("variable", { default: "outer" });
    const f = newFuture();
    const seen: string[] = [];
    copyContext().run(() => {
      variable.set("registered");
      f.addDoneCallback(() => {
        seen.push(variable.get());
        variable.set("changed in callback");
      });
      variable.set("later");
    });
    f.setResult(null);
    loop.runOnce();
    expect(seen).toEqual(["registered"]);
    expect(variable.get()).toBe("outer");
  });
});

describe("Future done callbacks", () => {
  function makeCallback(bag: unknown[], thing: unknown): (future: Future) => void {
    return () => {
      bag.push(thing);
    };
  }

  // mirrors test_futures.py::test_callbacks_remove_first_callback
  it("removes the first callback", async () => {
    const bag: unknown[] = [];
    const f = newFuture<string>();
    const cb1 = makeCallback(bag, 42);
    const cb2 = makeCallback(bag, 17);
    const cb3 = makeCallback(bag, 100);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);
    f.removeDoneCallback(cb1);
    f.removeDoneCallback(cb1);
    expect(bag).toEqual([]);
    f.setResult("foo");
    await runBriefly(loop);
    expect(bag).toEqual([17, 100]);
    expect(f.result()).toBe("foo");
  });

  // mirrors test_futures.py::test_callbacks_remove_first_and_second_callback
  it("removes the first and second callbacks", async () => {
    const bag: unknown[] = [];
    const f = newFuture<string>();
    const cb1 = makeCallback(bag, 42);
    const cb2 = makeCallback(bag, 17);
    const cb3 = makeCallback(bag, 100);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);
    f.removeDoneCallback(cb1);
    f.removeDoneCallback(cb2);
    f.removeDoneCallback(cb1);
    expect(bag).toEqual([]);
    f.setResult("foo");
    await runBriefly(loop);
    expect(bag).toEqual([100]);
    expect(f.result()).toBe("foo");
  });

  // mirrors test_futures.py::test_callbacks_remove_third_callback
  it("removes the third callback", async () => {
    const bag: unknown[] = [];
    const f = newFuture<string>();
    const cb1 = makeCallback(bag, 42);
    const cb2 = makeCallback(bag, 17);
    const cb3 = makeCallback(bag, 100);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);
    f.removeDoneCallback(cb3);
    f.removeDoneCallback(cb3);
    expect(bag).toEqual([]);
    f.setResult("foo");
    await runBriefly(loop);
    expect(bag).toEqual([42, 17]);
    expect(f.result()).toBe("foo");
  });

  // mirrors test_futures.py::test_callbacks_invoked_on_set_result
  it("invokes callbacks in order on setResult", async () => {
    const bag: unknown[] = [];
    const f = newFuture<string>();
    f.addDoneCallback(makeCallback(bag, 42));
    f.addDoneCallback(makeCallback(bag, 17));
    expect(bag).toEqual([]);
    f.setResult("foo");
    expect(bag).toEqual([]);
    expect(loop._ready).toHaveLength(2);
    await runBriefly(loop);
    expect(bag).toEqual([42, 17]);
    expect(f.result()).toBe("foo");
  });

  // mirrors test_futures.py::test_callbacks_invoked_on_set_exception
  it("invokes callbacks on setException", async () => {
    const bag: unknown[] = [];
    const f = newFuture();
    f.addDoneCallback(makeCallback(bag, 100));
    expect(bag).toEqual([]);
    const exc = new RuntimeError();
    f.setException(exc);
    await runBriefly(loop);
    expect(bag).toEqual([100]);
    expect(f.exception()).toBe(exc);
  });

  it("invokes callbacks on cancel", async () => {
    const bag: unknown[] = [];
    const f = newFuture();
    f.addDoneCallback(makeCallback(bag, "cancelled"));
    f.cancel();
    expect(f._callbackEntries()).toEqual([]);
    await runBriefly(loop);
    expect(bag).toEqual(["cancelled"]);
  });

  // mirrors test_futures.py::test_remove_done_callback
  it("removes every registration of a callback and counts them", async () => {
    const bag: unknown[] = [];
    const f = newFuture<string>();
    const cb1 = makeCallback(bag, 1);
    const cb2 = makeCallback(bag, 2);
    const cb3 = makeCallback(bag, 3);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    expect(f.removeDoneCallback(cb2)).toBe(1);
    expect(f.removeDoneCallback(cb3)).toBe(0);
    f.addDoneCallback(cb2);
    for (let i = 0; i < 5; i++) f.addDoneCallback(cb1);
    expect(f.removeDoneCallback(cb1)).toBe(6);
    expect(bag).toEqual([]);
    f.setResult("foo");
    await runBriefly(loop);
    expect(bag).toEqual([2]);
    expect(f.result()).toBe("foo");
  });

  it("removes nothing from a done future", () => {
    const f = newFuture();
    const cb = (): void => {};
    f.addDoneCallback(cb);
    f.setResult(null);
    expect(f.removeDoneCallback(cb)).toBe(0);
  });

  // mirrors test_futures.py::test_schedule_callbacks_list_mutation_1
  it("survives a callback that removes callbacks while they are scheduled", async () => {
    const bag: string[] = [];
    const other = (): void => {
      bag.push("other");
    };
    const fut = newFuture<number>();
    fut.addDoneCallback((f) => {
      bag.push("mut");
      f.removeDoneCallback(other);
    });
    fut.addDoneCallback(other);
    fut.addDoneCallback(other);
    fut.setResult(1);
    await runBriefly(loop);
    // The callbacks were all scheduled when the result was set: removing one later changes nothing.
    expect(bag).toEqual(["mut", "other", "other"]);
  });

  it("reports an error thrown by a callback to the exception handler", () => {
    const f = newFuture();
    const error = new Error("in callback");
    const seen: string[] = [];
    f.addDoneCallback(() => {
      throw error;
    });
    f.addDoneCallback(() => seen.push("second"));
    f.setResult(null);
    loop.runOnce();
    expect(loop.exceptions.map((context) => context.exception)).toEqual([error]);
    expect(seen).toEqual(["second"]);
  });
});
