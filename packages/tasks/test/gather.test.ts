/**
 * Tests of gather. Ported from CPython 3.13 test_asyncio/test_tasks.py (GatherTestsBase,
 * FutureGatherTests, CoroutineGatherTests, test_cancel_gather_*).
 */
import { describe, expect, it, vi } from "vitest";
import { CancelledError, RuntimeError } from "@aio/core";
import type { AbstractFuture } from "@aio/core";
import type { BaseEventLoop } from "@aio/loop";
import { Future } from "@aio/futures";
import { Task, ensureFuture, gather, shield, sleep } from "../src/index.js";
import type { Awaitable , GatheringFuture} from "../src/index.js";
import { captureExceptions, collectGarbage, makeLoop, makeVirtualLoop, runBriefly } from "./support/loop.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

/** GatherTestsBase._run_loop: run while anything is ready. */
async function runLoop(loop: BaseEventLoop): Promise<void> {
  while (loop._ready.length > 0) await runBriefly(loop);
}

interface Flavour {
  name: string;
  wrap(futures: Future<unknown>[]): Awaitable<unknown>[];
  gather(loop: BaseEventLoop, items: unknown[], options?: { returnExceptions?: boolean }): Promise<[Future<unknown[]>]>;
}

const flavours: Flavour[] = [
  {
    // FutureGatherTests
    name: "futures",
    wrap: (futures) => futures,
    // Boxed: an async function returning a future would adopt (await) it.
    gather: async (_loop, items, options) => [(options === undefined ? gather(items as never) : gather(items as never, options))],
  },
  {
    // CoroutineGatherTests: each child is a coroutine awaiting the future, gathered inside the loop.
    name: "coroutines",
    wrap: (futures) => futures.map((fut) => async () => await fut),
    gather: async (loop, items, options) => {
      return loop.runUntilComplete(async () => [
        (options === undefined ? gather(items as never) : gather(items as never, options)),
      ]);
    },
  },
];

describe("gather", () => {
  for (const flavour of flavours) {
    describe(`of ${flavour.name}`, () => {
      // mirrors test_tasks.py::test_success
      // mirrors test_tasks.py::test_result_exception_success
      for (const options of [undefined, { returnExceptions: false }, { returnExceptions: true }]) {
        it(`resolves with the results in argument order (${JSON.stringify(options)})`, async () => {
          const loop = makeLoop();
          const [a, b, c] = [loop.createFuture<number>(), loop.createFuture<number>(), loop.createFuture<number>()];
          const [fut] = await flavour.gather(loop, flavour.wrap([a, b, c] as Future<unknown>[]), options);
          const cb = vi.fn();
          fut.addDoneCallback(cb);
          b.setResult(1);
          a.setResult(2);
          await runLoop(loop);
          expect(cb).not.toHaveBeenCalled();
          expect(fut.done()).toBe(false);
          c.setResult(3);
          await runLoop(loop);
          expect(cb).toHaveBeenCalledOnce();
          expect(cb).toHaveBeenCalledWith(fut);
          expect(fut.result()).toEqual([2, 1, 3]);
        });
      }

      // mirrors test_tasks.py::test_one_exception
      it("raises the first exception and ignores what finishes later", async () => {
        const loop = makeLoop();
        const calls = captureExceptions(loop);
        const [a, b, c, d, e] = Array.from({ length: 5 }, () => loop.createFuture<unknown>());
        const [fut] = await flavour.gather(loop, flavour.wrap([a!, b!, c!, d!, e!]));
        const cb = vi.fn();
        fut.addDoneCallback(cb);
        const exc = new ZeroDivisionError();
        a!.setResult(1);
        b!.setException(exc);
        await runLoop(loop);
        expect(fut.done()).toBe(true);
        expect(cb).toHaveBeenCalledExactlyOnceWith(fut);
        expect(fut.exception()).toBe(exc);
        c!.setResult(3);
        d!.cancel();
        e!.setException(new RuntimeError());
        e!.exception();
        await runLoop(loop);
        expect(calls).toEqual([]);
      });

      // mirrors test_tasks.py::test_return_exceptions
      it("puts exceptions in the results with returnExceptions", async () => {
        const loop = makeLoop();
        const [a, b, c, d] = Array.from({ length: 4 }, () => loop.createFuture<unknown>());
        const [fut] = await flavour.gather(loop, flavour.wrap([a!, b!, c!, d!]), { returnExceptions: true });
        const cb = vi.fn();
        fut.addDoneCallback(cb);
        const exc = new ZeroDivisionError();
        const exc2 = new RuntimeError();
        b!.setResult(1);
        c!.setException(exc);
        a!.setResult(3);
        await runLoop(loop);
        expect(fut.done()).toBe(false);
        d!.setException(exc2);
        await runLoop(loop);
        expect(fut.done()).toBe(true);
        expect(cb).toHaveBeenCalledExactlyOnceWith(fut);
        expect(fut.result()).toEqual([3, 1, exc, exc2]);
      });
    });
  }

  // mirrors test_tasks.py::test_constructor_empty_sequence_without_loop
  // CPython tasks.py gather._done_callback: `exc = fut._make_cancelled_error()` after
  // `for fut in children:`, i.e. from the last child in argument order. A task hands out its
  // cancel message once, so a child whose cancellation was already read gives a bare error.
  // (Found by the differential programs in tools/integration; python3.13 prints the same.)
  it("raises the last child's cancellation, in argument order, when the gather is cancelled", async () => {
    const loop = makeLoop();
    const seen: string[] = [];
    await loop.runUntilComplete(async () => {
      const sleeper = (): Promise<void> => sleep(10);
      const first = new Task(sleeper, { loop });
      const last = new Task(sleeper, { loop });
      await sleep(0);
      last.cancel("m3");
      try {
        await last;
      } catch (error) {
        seen.push(`last: ${(error as CancelledError).message}`);
      }
      const outer = new Task(() => gather([first, last], { returnExceptions: true }), { loop });
      await sleep(0);
      first.cancel("first");
      outer.cancel();
      try {
        await outer;
      } catch (error) {
        seen.push(`outer: ${error instanceof CancelledError ? `CancelledError '${error.message}'` : String(error)}`);
      }
    });
    // python3.13: last: m3 / outer: CancelledError '' (not the first child's 'first')
    expect(seen).toEqual(["last: m3", "outer: CancelledError ''"]);
    loop.close();
  });

  // CPython's repr names the callbacks by qualname (plus `at file:line`, which JavaScript cannot
  // show): `<Future pending cb=[gather.<locals>._done_callback() at .../tasks.py:820]>`.
  it("names its callbacks in a future's repr as Python's qualnames, for gather and shield", async () => {
    const loop = makeLoop();
    await loop.runUntilComplete(async () => {
      const future = loop.createFuture<number>();
      const outer = gather([future]);
      expect(future.toString()).toBe("<Future pending cb=[gather.<locals>._done_callback()]>");
      const other = loop.createFuture<number>();
      const shielded = shield(other);
      expect(other.toString()).toBe("<Future pending cb=[shield.<locals>._inner_done_callback()]>");
      expect((shielded as Future<number>).toString()).toBe("<Future pending cb=[shield.<locals>._outer_done_callback()]>");
      future.setResult(1);
      other.setResult(2);
      expect(await outer).toEqual([1]);
      expect(await shielded).toBe(2);
    });
    loop.close();
  });

  it("needs a loop for an empty list outside a loop", () => {
    expect(() => gather()).toThrow(RuntimeError);
  });

  // mirrors test_tasks.py::test_constructor_empty_sequence_use_running_loop
  it("gives a done future of [] for no awaitables", async () => {
    const loop = makeLoop();
    const [fut] = await loop.runUntilComplete(async () => [gather()]);
    expect(fut).toBeInstanceOf(Future);
    expect(fut._loop).toBe(loop);
    await runLoop(loop);
    expect(fut.done()).toBe(true);
    expect(fut.result()).toEqual([]);
  });

  // mirrors test_tasks.py::test_constructor_heterogenous_futures
  it("rejects futures of two loops with RangeError", () => {
    const loop = makeLoop();
    const other = makeLoop();
    const fut1 = loop.createFuture();
    const fut2 = other.createFuture();
    expect(() => gather(fut1, fut2)).toThrow(RangeError);
  });

  // mirrors test_tasks.py::test_constructor_homogenous_futures
  it("binds to the loop of its futures", async () => {
    const other = makeLoop();
    const children = [other.createFuture(), other.createFuture(), other.createFuture()];
    const fut = gather(children);
    expect(fut._loop).toBe(other);
    await runLoop(other);
    expect(fut.done()).toBe(false);
    const fut2 = gather(...children);
    expect(fut2._loop).toBe(other);
    await runLoop(other);
    expect(fut2.done()).toBe(false);
    for (const child of children) child.cancel();
    await runLoop(other);
  });

  // mirrors test_tasks.py::test_one_cancellation
  it("raises CancelledError, without being cancelled, when a child is cancelled", async () => {
    const loop = makeLoop();
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => loop.createFuture());
    const fut = gather(a!, b!, c!, d!, e!);
    const cb = vi.fn();
    fut.addDoneCallback(cb);
    a!.setResult(1);
    b!.cancel();
    await runLoop(loop);
    expect(fut.done()).toBe(true);
    expect(cb).toHaveBeenCalledExactlyOnceWith(fut);
    expect(fut.cancelled()).toBe(false);
    expect(fut.exception()).toBeInstanceOf(CancelledError);
    c!.setResult(3);
    d!.cancel();
    e!.setException(new RuntimeError());
    e!.exception();
  });

  // mirrors test_tasks.py::test_result_exception_one_cancellation
  it("puts a CancelledError in the results for a cancelled child with returnExceptions", async () => {
    const loop = makeLoop();
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => loop.createFuture());
    const fut = gather([a!, b!, c!, d!, e!, f!], { returnExceptions: true });
    const cb = vi.fn();
    fut.addDoneCallback(cb);
    a!.setResult(1);
    const zde = new ZeroDivisionError();
    b!.setException(zde);
    c!.cancel();
    await runLoop(loop);
    expect(fut.done()).toBe(false);
    d!.setResult(3);
    e!.cancel("why");
    const rte = new RuntimeError();
    f!.setException(rte);
    const res = await loop.runUntilComplete(fut);
    expect(res[2]).toBeInstanceOf(CancelledError);
    expect((res[2] as Error).message).toBe("");
    expect(res[4]).toBeInstanceOf(CancelledError);
    expect((res[4] as Error).message).toBe("why");
    res[2] = res[4] = null;
    expect(res).toEqual([1, zde, null, 3, null, rte]);
    expect(cb).toHaveBeenCalledExactlyOnceWith(fut);
  });

  // mirrors test_tasks.py::test_constructor_without_loop
  // mirrors test_tasks.py::test_constructor_use_running_loop
  it("wraps coroutines in tasks of the running loop", async () => {
    const coro = async (): Promise<string> => "abc";
    expect(() => gather(coro, coro)).toThrow(RuntimeError);
    const loop = makeLoop();
    const [fut] = await loop.runUntilComplete(async () => [gather(coro, async () => "def")]);
    expect(fut._loop).toBe(loop);
    expect(await loop.runUntilComplete(fut)).toEqual(["abc", "def"]);
  });

  // mirrors test_tasks.py::test_duplicate_coroutines
  it("runs a coroutine given twice once and repeats its result", async () => {
    const loop = makeLoop();
    let runs = 0;
    const c = async (): Promise<string> => {
      runs += 1;
      return "abc";
    };
    const [fut] = await loop.runUntilComplete(async () => [gather(c, c, async () => "def", c)]);
    await runLoop(loop);
    expect(fut.result()).toEqual(["abc", "abc", "def", "abc"]);
    expect(runs).toBe(1);
  });

  // Python's arg_to_fut dict: a future or task given twice is one child, its result repeated.
  it("counts a future or task given twice as one child, with a pending and a done future mixed in", async () => {
    const loop = makeLoop();
    const results = await loop.runUntilComplete(async () => {
      const fut = loop.createFuture<string>();
      const done = loop.createFuture<string>();
      done.setResult("done");
      const task = new Task(async () => "task", { loop });
      const other = new Future<string>({ loop });
      let callbacksAdded = 0;
      const original = fut._pushCallback.bind(fut);
      fut._pushCallback = (entry, context) => {
        callbacksAdded += 1;
        original(entry, context);
      };
      const outer = gather(fut, task, fut, done, task, done, other, fut);
      expect(callbacksAdded).toBe(1);
      loop.callSoon(() => fut.setResult("fut"));
      loop.callSoon(() => other.setResult("other"));
      return await outer;
    });
    expect(results).toEqual(["fut", "task", "fut", "done", "task", "done", "other", "fut"]);
  });

  // mirrors test_tasks.py::test_cancellation_broadcast
  it("cancels every child when the awaiting task is cancelled", async () => {
    const loop = makeLoop();
    let proof = 0;
    const waiter = loop.createFuture();
    const inner = async (): Promise<void> => {
      await waiter;
      proof += 1;
    };
    const child1 = ensureFuture(inner, { loop });
    const child2 = ensureFuture(inner, { loop });
    let gatherer: GatheringFuture<unknown[]> | null = null;
    const f = ensureFuture(async () => {
      gatherer = gather(child1, child2) as unknown as GatheringFuture<unknown[]>;
      await gatherer;
      proof += 100;
    }, { loop });
    await runBriefly(loop);
    expect(f.cancel()).toBe(true);
    expect(await rejection(loop.runUntilComplete(f))).toBeInstanceOf(CancelledError);
    expect(gatherer!.cancel()).toBe(false);
    expect(waiter.cancelled()).toBe(true);
    expect(child1.cancelled()).toBe(true);
    expect(child2.cancelled()).toBe(true);
    await runBriefly(loop);
    expect(proof).toBe(0);
  });

  // mirrors test_tasks.py::test_exception_marking
  it("marks a later child's exception as retrieved", async () => {
    const loop = makeLoop();
    const calls = captureExceptions(loop);
    const inner = (f: Future<unknown>) => async (): Promise<void> => {
      await f;
      throw new RuntimeError("should not be ignored");
    };
    const a = loop.createFuture();
    const b = loop.createFuture();
    const f = ensureFuture(async () => {
      await gather(inner(a), inner(b));
    }, { loop });
    await runBriefly(loop);
    a.setResult(null);
    await runBriefly(loop);
    b.setResult(null);
    await runBriefly(loop);
    expect(f.exception()).toBeInstanceOf(RuntimeError);
    await collectGarbage();
    expect(calls).toEqual([]);
  });

  // mirrors test_tasks.py::test_issue46672
  it("raises TypeError for a bad argument without calling the exception handler", async () => {
    const loop = makeLoop();
    const calls = captureExceptions(loop);
    const error = await rejection(loop.runUntilComplete(async () => {
      gather(async () => "abc", 42 as never);
    }));
    expect(error).toBeInstanceOf(TypeError);
    await runLoop(loop);
    expect(calls).toEqual([]);
    for (const task of (await import("../src/index.js")).allTasks(loop)) task.cancel();
    await runLoop(loop);
  });

  // mirrors test_tasks.py::test_cancel_gather_1
  it("refuses to be cancelled once every child is done (bpo-26923)", async () => {
    const loop = makeLoop();
    const fut = loop.createFuture<number>();
    const [gatherTask] = await loop.runUntilComplete(async () => {
      const gatherFuture = gather(async () => await fut);
      return [ensureFuture(gatherFuture)];
    });
    let cancelResult: boolean | null = null;
    fut.addDoneCallback(() => {
      cancelResult = gatherTask.cancel();
    });
    fut.setResult(42);
    await loop.runUntilComplete(gatherTask);
    expect(cancelResult).toBe(false);
    expect(gatherTask.cancelled()).toBe(false);
    expect(gatherTask.result()).toEqual([42]);
  });

  // mirrors test_tasks.py::test_cancel_gather_2
  for (const [args, expected] of [[[], ""], [[null], ""], [["my message"], "my message"], [[5], "5"]] as const) {
    it(`propagates the cancel ${JSON.stringify(args)} of a task awaiting gather with returnExceptions`, async () => {
      const loop = makeVirtualLoop();
      const test = async (): Promise<void> => {
        let time = 0;
        for (;;) {
          time += 0.05;
          await gather(() => sleep(0.05), { returnExceptions: true });
          if (time > 1) return;
        }
      };
      const error = await rejection(loop.runUntilComplete(async () => {
        const qwe = new Task(test, { loop });
        await sleep(0.2);
        qwe.cancel(...(args as unknown as [unknown]));
        await qwe;
      }));
      expect(error).toBeInstanceOf(CancelledError);
      // Differs from CPython: a non-string message becomes a string.
      expect((error as Error).message).toBe(expected);
    });
  }

  it("does not cancel its children once done", async () => {
    const loop = makeLoop();
    const a = loop.createFuture();
    const b = loop.createFuture();
    const fut = gather(a, b);
    a.setException(new RangeError("first"));
    await runLoop(loop);
    expect(fut.done()).toBe(true);
    expect(fut.cancel()).toBe(false);
    expect(b.cancelled()).toBe(false);
    expect(fut.exception()).toBeInstanceOf(RangeError);
    b.cancel();
  });

  it("ends cancelled (CancelledError) when cancelled while a child ignores the cancel", async () => {
    const loop = makeLoop();
    const release = loop.createFuture();
    const stubborn = ensureFuture(async () => {
      try {
        await sleep(10);
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        await release;
        return "ignored";
      }
      return "slept";
    }, { loop });
    const other = loop.createFuture();
    const [outer] = await loop.runUntilComplete(async () => [gather(stubborn, other)]);
    expect(outer.cancel("stop")).toBe(true);
    expect((outer as unknown as GatheringFuture<unknown[]>)._cancelRequested).toBe(true);
    await runLoop(loop);
    release.setResult(null);
    const error = await rejection(loop.runUntilComplete(outer));
    expect(error).toBeInstanceOf(CancelledError);
    expect(outer.cancelled()).toBe(false);
    expect(stubborn.result()).toBe("ignored");
  });

  it("accepts a list and an options object", async () => {
    const loop = makeLoop();
    const results = await loop.runUntilComplete(() => gather([async () => 1, Promise.resolve(2)], { returnExceptions: true }));
    expect(results).toEqual([1, 2]);
    const error = await rejection(loop.runUntilComplete(async () => gather(async () => 1, { bogus: true } as never)));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("got an unexpected keyword argument 'bogus'");
  });

  describe("exception was never retrieved", () => {
    it("is reported for a gather future whose exception nobody retrieved", async () => {
      const loop = makeLoop();
      const calls = captureExceptions(loop);
      let a: Future<unknown> | null = loop.createFuture();
      let outer: AbstractFuture<unknown> | null = gather(a);
      a.setException(new RangeError("child"));
      await runLoop(loop);
      expect(outer.done()).toBe(true);
      a = null;
      outer = null;
      await collectGarbage();
      // The child's exception was retrieved by gather; the gather future's was not.
      expect(calls.map((call) => call.message)).toEqual(["GatheringFuture exception was never retrieved"]);
    });

    it("is not reported for children failing after gather finished", async () => {
      const loop = makeLoop();
      const calls = captureExceptions(loop);
      await loop.runUntilComplete(async () => {
        try {
          await gather(
            async () => { throw new RangeError("first"); },
            async () => { await sleep(0); throw new RangeError("second"); },
          );
        } catch {
          // the first error, retrieved here
        }
        await sleep(0);
        await sleep(0);
      });
      await collectGarbage();
      expect(calls).toEqual([]);
    });
  });
});
