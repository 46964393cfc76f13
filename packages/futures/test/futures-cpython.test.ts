/**
 * The rest of CPython 3.13 test_asyncio/test_futures.py that future.test.ts and wrap-future.test.ts
 * do not already cover: copying a finished source's state, and wrapFuture on the current loop.
 */
import { globalLoopStandIn } from "@aio-tools/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidStateError, RuntimeError, _registerEventLoopGetter } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { wrapFuture } from "../src/index.js";
import type { Future } from "../src/index.js";
import { asLoop, newTestLoop, runBriefly } from "./support/test-loop.js";
import type { TestLoop } from "./support/test-loop.js";
import { ConcurrentFuture } from "./support/concurrent-future.js";

// Python's "current event loop" (set_event_loop) for the *_use_global_loop ports.
const setGlobalLoop = globalLoopStandIn<AbstractEventLoop>(_registerEventLoopGetter, () => new RuntimeError("no running event loop"));

let loop: TestLoop;
beforeEach(() => {
  loop = newTestLoop();
});
afterEach(() => {
  loop.close();
});

/**
 * wrapFuture of an already finished concurrent future, once the loop delivered its state. The
 * future comes back in an array: an async function returning a thenable would adopt it.
 */
async function copied<T>(source: ConcurrentFuture<T>): Promise<[Future<T>]> {
  const destination = wrapFuture(source, { loop: asLoop(loop) }) as Future<T>;
  await runBriefly(loop);
  return [destination];
}

describe("wrapFuture (CPython test_futures.py)", () => {
  // mirrors test_futures.py::test_copy_state
  it("copies a result, an exception and a cancellation from a finished source", async () => {
    // CPython's _copy_future_state is private; wrap_future (_chain_future) is the public code
    // that copies a concurrent future's state into an asyncio future, so it is tested through that.
    const f = new ConcurrentFuture<number>();
    f.setResult(10);
    const [newf] = await copied(f);
    expect(newf.done()).toBe(true);
    expect(newf.result()).toBe(10);

    const fException = new ConcurrentFuture<number>();
    const exc = new RuntimeError();
    fException.setException(exc);
    const [newfException] = await copied(fException);
    expect(newfException.done()).toBe(true);
    expect(() => newfException.result()).toThrow(RuntimeError);
    expect(newfException.exception()).toBe(exc);

    const fCancelled = new ConcurrentFuture<number>();
    fCancelled.cancel();
    const [newfCancelled] = await copied(fCancelled);
    expect(newfCancelled.cancelled()).toBe(true);

    // CPython checks that the copied exception's traceback names the raise site once: the same
    // error object arrives, and its stack is not extended by the trip through the loop.
    let fExc: unknown;
    try {
      throw new InvalidStateError();
    } catch (error) {
      fExc = error;
    }
    const stackBefore = (fExc as Error).stack;
    const fConexc = new ConcurrentFuture<number>();
    fConexc.setException(fExc);
    const [newfConexc] = await copied(fConexc);
    expect(newfConexc.done()).toBe(true);
    let newfExc: unknown;
    try {
      newfConexc.result();
    } catch (error) {
      newfExc = error;
    }
    expect(newfExc).toBe(fExc);
    expect((newfExc as Error).stack).toBe(stackBefore);
    expect((newfExc as Error).stack!.split("\n").filter((line) => line.includes("futures-cpython.test.ts"))).toHaveLength(1);
  });

  // mirrors test_futures.py::test_wrap_future_use_global_loop
  it("binds to the current (policy) loop when none runs", async () => {
    setGlobalLoop(asLoop(loop));
    const f1 = new ConcurrentFuture<string>();
    const f2 = wrapFuture(f1) as Future<string>;
    expect(f2._loop).toBe(loop);
    expect(f2.getLoop()).toBe(loop);
    f1.setResult("oi");
    await runBriefly(loop);
    expect(f2.result()).toBe("oi");
  });
});
