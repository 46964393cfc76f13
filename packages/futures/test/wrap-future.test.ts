import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CancelledError, RuntimeError } from "@aio/core";
import { Future, isFuture, wrapFuture } from "../src/index.js";
import { asLoop, newTestLoop, runBriefly, runUntilComplete } from "./support/test-loop.js";
import type { TestLoop } from "./support/test-loop.js";
import { ConcurrentFuture } from "./support/concurrent-future.js";

let loop: TestLoop;
beforeEach(() => {
  loop = newTestLoop();
});
afterEach(() => {
  loop.close();
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

describe("wrapFuture", () => {
  // mirrors test_futures.py::DuckTests::test_wrap_future
  it("returns a duck-typed future as is", () => {
    const f = new DuckFuture();
    expect(wrapFuture(f as never)).toBe(f);
  });

  // mirrors test_futures.py::test_wrap_future
  it("follows a Promise to its result", async () => {
    // Differs from CPython: the source is a Promise (or a thenable with cancel), not a
    // concurrent.futures.Future run on a thread, because JS code runs on one thread.
    const f1 = Promise.resolve("oi");
    const f2 = wrapFuture(f1, { loop: asLoop(loop) });
    expect(isFuture(f2)).toBe(true);
    expect(f2).toBeInstanceOf(Future);
    expect(await runUntilComplete(loop, f2 as Future<string>)).toBe("oi");
  });

  it("follows a rejected Promise to its exception", async () => {
    const error = new RuntimeError("boom");
    const f2 = wrapFuture(Promise.reject(error), { loop: asLoop(loop) }) as Future<never>;
    await expect(runUntilComplete(loop, f2)).rejects.toBe(error);
  });

  it("cancels the wrapper when the source is rejected with CancelledError", async () => {
    const f2 = wrapFuture(Promise.reject(new CancelledError("gone")), { loop: asLoop(loop) }) as Future<never>;
    await runBriefly(loop);
    expect(f2.cancelled()).toBe(true);
    expect(() => f2.result()).toThrow("gone");
  });

  it("delivers the outcome in a loop iteration, not synchronously", async () => {
    const source = new ConcurrentFuture<number>();
    const f2 = wrapFuture(source, { loop: asLoop(loop) });
    source.setResult(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(f2.done()).toBe(false);
    expect(loop._ready).toHaveLength(1);
    loop.runOnce();
    expect(f2.result()).toBe(1);
  });

  it("follows a thenable that is not a Promise", async () => {
    const thenable: PromiseLike<string> = {
      then(onFulfilled) {
        return Promise.resolve(onFulfilled?.("from thenable")) as never;
      },
    };
    const f2 = wrapFuture(thenable, { loop: asLoop(loop) }) as Future<string>;
    expect(await runUntilComplete(loop, f2)).toBe("from thenable");
  });

  // mirrors test_futures.py::test_wrap_future_future
  it("returns an aio future as is", () => {
    const f1 = new Future({ loop: asLoop(loop) });
    expect(wrapFuture(f1)).toBe(f1);
    f1.cancel();
  });

  // mirrors test_futures.py::test_wrap_future_without_loop
  it("throws RuntimeError without a loop when none runs", () => {
    expect(() => wrapFuture(Promise.resolve("oi"))).toThrow(RuntimeError);
  });

  // mirrors test_futures.py::test_wrap_future_use_running_loop
  it("binds to the running loop", () => {
    const f2 = loop.asRunning(() => wrapFuture(Promise.resolve("oi")));
    expect((f2 as Future<string>)._loop).toBe(loop);
  });

  it("rejects a value that is neither a future nor a thenable", () => {
    expect(() => wrapFuture(42 as never, { loop: asLoop(loop) })).toThrow(TypeError);
    expect(() => wrapFuture({} as never, { loop: asLoop(loop) })).toThrow(
      "concurrent.futures.Future or Promise is expected, got [object Object]",
    );
  });

  // mirrors test_futures.py::test_wrap_future_cancel
  it("cancels a cancellable source when the wrapper is cancelled", async () => {
    const f1 = new ConcurrentFuture<number>();
    const f2 = wrapFuture(f1, { loop: asLoop(loop) });
    f2.cancel();
    await runBriefly(loop);
    expect(f1.cancelled()).toBe(true);
    expect(f2.cancelled()).toBe(true);
  });

  // mirrors test_futures.py::test_wrap_future_cancel2
  it("leaves a finished source alone when the wrapper is cancelled", async () => {
    const f1 = new ConcurrentFuture<number>();
    const f2 = wrapFuture(f1, { loop: asLoop(loop) });
    f1.setResult(42);
    f2.cancel();
    await runBriefly(loop);
    expect(f1.cancelled()).toBe(false);
    expect(f1.result()).toBe(42);
    expect(f2.cancelled()).toBe(true);
  });

  it("ignores the late outcome of a plain Promise after the wrapper was cancelled", async () => {
    let resolve!: (value: number) => void;
    const f2 = wrapFuture(new Promise<number>((r) => (resolve = r)), { loop: asLoop(loop) });
    f2.cancel();
    resolve(1);
    await runBriefly(loop);
    expect(f2.cancelled()).toBe(true);
    expect(loop.exceptions).toEqual([]);
  });

  it("drops the outcome when the loop was closed meanwhile", async () => {
    let resolve!: (value: number) => void;
    const f2 = wrapFuture(new Promise<number>((r) => (resolve = r)), { loop: asLoop(loop) });
    loop.close();
    resolve(1);
    await new Promise((r) => setImmediate(r));
    expect(f2.done()).toBe(false);
  });
});
