/** Tests of asCompleted. Ported from CPython 3.13 test_asyncio/test_tasks.py (test_as_completed*). */
import { describe, expect, it } from "vitest";
import { TimeoutError } from "@aio/core";
import type { AbstractFuture } from "@aio/core";
import { Task, asCompleted, ensureFuture, sleep, wait } from "../src/index.js";
import type { Awaitable } from "../src/index.js";
import { makeLoop, makeVirtualLoop } from "./support/loop.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function tryIterator<T>(awaitables: Iterable<Awaitable<T>>): Promise<T[]> {
  const values: T[] = [];
  for (const f of asCompleted(awaitables)) values.push(await f);
  return values;
}

/** TypeScript types a for-await element as Awaited<…>, so a finished future reads as its result type. */
function finished<T>(element: unknown): AbstractFuture<T> {
  return element as AbstractFuture<T>;
}

async function tryAsyncIterator<T>(awaitables: Iterable<Awaitable<T>>): Promise<T[]> {
  const values: T[] = [];
  for await (const f of asCompleted(awaitables)) values.push(await finished<T>(f));
  return values;
}

const styles = [
  ["plain iterator", tryIterator],
  ["async iterator", tryAsyncIterator],
] as const;

describe("asCompleted", () => {
  for (const [style, foo] of styles) {
    // mirrors test_tasks.py::test_as_completed
    it(`gives results in completion order (${style})`, async () => {
      const loop = makeVirtualLoop();
      const sleeper = (dt: number, x: string) => async (): Promise<string> => {
        await sleep(dt);
        return x;
      };
      const res = await loop.runUntilComplete(
        new Task(() => foo([sleeper(0.01, "b"), sleeper(0.15, "c"), sleeper(0.01, "a")]), { loop }),
      );
      expect(loop.time()).toBeCloseTo(0.15);
      expect(res.slice(0, 2)).toContain("a");
      expect(res.slice(0, 2)).toContain("b");
      expect(res[2]).toBe("c");
    });

    // mirrors test_tasks.py::test_as_completed_with_unused_timeout
    it(`cancels its timeout once everything finished (${style})`, async () => {
      const loop = makeVirtualLoop();
      expect(await loop.runUntilComplete(() => foo([() => sleep(0.01, "a")], ))).toEqual(["a"]);
      expect([...loop._scheduled.data].every((timer) => timer._cancelled)).toBe(true);
    });

    // mirrors test_tasks.py::test_as_completed_duplicate_coroutines
    it(`takes a coroutine given twice once (${style})`, async () => {
      const loop = makeLoop();
      const c = async (): Promise<string> => "ham";
      const result = await loop.runUntilComplete(new Task(() => foo([c, c, async () => "spam"]), { loop }));
      expect(new Set(result)).toEqual(new Set(["ham", "spam"]));
      expect(result).toHaveLength(2);
    });

    // mirrors test_tasks.py::test_as_completed_resume_iterator
    it(`can be resumed after a break (${style})`, async () => {
      const loop = makeLoop();
      const coro = (i: number) => async (): Promise<number> => i;
      const results = await loop.runUntilComplete(async () => {
        const iterator = asCompleted([coro(0), coro(1), coro(2), coro(3)]);
        const collected: number[] = [];
        let iterations = 0;
        if (style === "plain iterator") {
          for (const f of iterator) {
            collected.push(await f);
            if (++iterations === 2) break;
          }
          expect(collected).toHaveLength(2);
          for (const f of iterator) collected.push(await f);
        } else {
          for await (const f of iterator) {
            collected.push(await finished<number>(f));
            if (++iterations === 2) break;
          }
          expect(collected).toHaveLength(2);
          for await (const f of iterator) collected.push(await finished<number>(f));
        }
        return collected;
      });
      expect([...results].sort()).toEqual([0, 1, 2, 3]);
    });

    // mirrors test_tasks.py::test_as_completed_concurrent
    it(`lets several of its awaitables be awaited at once (${style})`, async () => {
      const loop = makeVirtualLoop();
      await loop.runUntilComplete(async () => {
        const fs = [() => sleep(0.05, "a"), () => sleep(0.05, "b")];
        const futs: Awaitable<string>[] =
          style === "plain iterator" ? [...asCompleted(fs)] : await (async () => {
            const out: AbstractFuture<string>[] = [];
            for await (const f of asCompleted(fs)) out.push(finished<string>(f));
            return out;
          })();
        expect(futs).toHaveLength(2);
        const [done] = await wait(futs.map((fut) => ensureFuture(fut)));
        expect(new Set([...done].map((f) => f.result()))).toEqual(new Set(["a", "b"]));
      });
    });
  }

  // mirrors test_tasks.py::test_as_completed_same_tasks_in_as_out
  it("gives back the tasks it was given, not coroutines, from the async iterator", async () => {
    const loop = makeLoop();
    const coro = (i: unknown) => async (): Promise<unknown> => i;
    const collect = async (awaitables: Awaitable<unknown>[]): Promise<Set<unknown>> => {
      const out = new Set<unknown>();
      for await (const aw of asCompleted(awaitables)) out.add(aw);
      return out;
    };
    const coros = [coro(0), coro(1), coro(2), coro(3)];
    const out1 = await loop.runUntilComplete(() => collect(coros));
    expect(coros.filter((c) => out1.has(c))).toEqual([]);
    const taskB = loop.createTask(coro("b"));
    const taskD = loop.createTask(coro("d"));
    const input = [coro("a"), taskB, coro("c"), taskD];
    const out2 = await loop.runUntilComplete(() => collect(input));
    expect(new Set(input.filter((aw) => out2.has(aw)))).toEqual(new Set([taskB, taskD]));
  });

  // mirrors test_tasks.py::test_as_completed_with_timeout
  it("raises TimeoutError from the plain iterator's awaitables after the timeout", async () => {
    const loop = makeVirtualLoop();
    const a = loop.createTask(() => sleep(0.1, "a"));
    const b = loop.createTask(() => sleep(0.15, "b"));
    const res = await loop.runUntilComplete(new Task(async () => {
      const values: [number, unknown][] = [];
      for (const f of asCompleted([a, b], { timeout: 0.12 })) {
        try {
          values.push([1, await f]);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          values.push([2, error]);
        }
      }
      return values;
    }, { loop }));
    expect(res).toHaveLength(2);
    expect(res[0]).toEqual([1, "a"]);
    expect(res[1]![0]).toBe(2);
    expect(res[1]![1]).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBeCloseTo(0.12);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  // mirrors test_tasks.py::test_as_completed_with_timeout
  it("raises TimeoutError from the async iterator after the timeout", async () => {
    const loop = makeVirtualLoop();
    const a = loop.createTask(() => sleep(0.1, "a"));
    const b = loop.createTask(() => sleep(0.15, "b"));
    const res = await loop.runUntilComplete(new Task(async () => {
      const values: [number, unknown][] = [];
      try {
        for await (const f of asCompleted([a, b], { timeout: 0.12 })) values.push([1, await finished<string>(f)]);
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        values.push([2, error]);
      }
      return values;
    }, { loop }));
    expect(res).toHaveLength(2);
    expect(res[0]).toEqual([1, "a"]);
    expect(res[1]![1]).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBeCloseTo(0.12);
    await loop.runUntilComplete(() => wait([a, b]));
  });

  // mirrors test_tasks.py::test_as_completed_reverse_wait
  it("gives the first result to whichever awaitable is awaited first", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const futs = [...asCompleted([() => sleep(0.05, "a"), () => sleep(0.1, "b")])];
      expect(futs).toHaveLength(2);
      const x = await futs[1]!;
      expect(x).toBe("a");
      expect(loop.time()).toBeCloseTo(0.05);
      const y = await futs[0]!;
      expect(y).toBe("b");
      expect(loop.time()).toBeCloseTo(0.1);
    });
  });

  // mirrors test_tasks.py::test_as_completed_coroutine_without_loop
  it("needs a loop for coroutines", () => {
    // Differs from CPython: the error is "no running event loop" (API.md's getRunningLoop wording).
    expect(() => asCompleted([async () => 42])).toThrow(/no (running|current) event loop/);
  });

  // mirrors test_tasks.py::test_as_completed_coroutine_use_running_loop
  it("wraps coroutines in tasks of the running loop", async () => {
    const loop = makeLoop();
    await loop.runUntilComplete(async () => {
      const futs = [...asCompleted([async () => 42])];
      expect(futs).toHaveLength(1);
      expect(await futs[0]!).toBe(42);
    });
  });

  // mirrors test_tasks.py::test_as_completed_invalid_args
  it("rejects a single future or coroutine with TypeError", async () => {
    const loop = makeLoop();
    const fut = loop.createFuture();
    expect(() => asCompleted(fut as never)).toThrow(TypeError);
    expect(() => asCompleted((async () => 1) as never)).toThrow(TypeError);
    const error = await rejection(loop.runUntilComplete(async () => {
      for await (const f of asCompleted(fut as never)) void f;
    }));
    expect(error).toBeInstanceOf(TypeError);
  });
});
