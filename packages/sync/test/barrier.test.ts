import { describe, expect, it } from "vitest";
import { BrokenBarrierError, CancelledError, RuntimeError, asyncWith } from "@aio/core";
import { createTask, gather, sleep, wait } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import { Barrier } from "@aio/sync";
import { inLoop } from "./support/loop.js";
import { RGX_REPR } from "./support/repr.js";

const N = 5;

function makeTasks<T>(n: number, coro: () => Promise<T>): Task<T>[] {
  return Array.from({ length: n }, () => createTask(coro));
}

async function gatherTasks<T>(n: number, coro: () => Promise<T>): Promise<T[]> {
  return await gather<T>(makeTasks(n, coro));
}

describe("Barrier", () => {
  // mirrors test_locks.py::BarrierTests::test_barrier
  // Differs from CPython: `await barrier` cannot be a TypeError, because JavaScript awaits any value.
  it("starts filling and is not waited on by awaiting it", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      expect(String(barrier)).toContain("filling");
      expect(await (barrier as unknown as Promise<Barrier>)).toBe(barrier);
      expect(String(barrier)).toContain("filling");
    });
  });

  // mirrors test_locks.py::BarrierTests::test_repr
  it("shows its state and waiters in its repr", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      expect(RGX_REPR.test(String(barrier))).toBe(true);
      expect(String(barrier)).toContain("filling");
      const waiters: Task<number>[] = [];
      const incr = 2;
      for (let i = 0; i < incr; i++) waiters.push(createTask(() => barrier.wait()));
      await sleep(0);
      expect(RGX_REPR.test(String(barrier))).toBe(true);
      expect(String(barrier)).toContain(`waiters:${incr}/${N}`);
      expect(String(barrier)).toContain("filling");

      for (let i = barrier.parties - barrier.nWaiting; i > 0; i--) waiters.push(createTask(() => barrier.wait()));
      await sleep(0);
      expect(RGX_REPR.test(String(barrier))).toBe(true);
      expect(String(barrier)).toContain("draining");

      for (let i = 0; i < incr; i++) waiters.push(createTask(() => barrier.wait()));
      await sleep(0);
      await barrier.reset();
      expect(RGX_REPR.test(String(barrier))).toBe(true);
      expect(String(barrier)).toContain("resetting");

      for (let i = 0; i < incr; i++) waiters.push(createTask(() => barrier.wait()));
      await sleep(0);
      await barrier.abort();
      expect(RGX_REPR.test(String(barrier))).toBe(true);
      expect(String(barrier)).toContain("broken");
      expect(barrier.broken).toBe(true);
      await gather(...waiters, { returnExceptions: true });
    });
  });

  // mirrors test_locks.py::BarrierTests::test_barrier_parties
  it("needs at least one party", () => {
    expect(() => new Barrier(0)).toThrow(new RangeError("parties must be > 0"));
    expect(() => new Barrier(-4)).toThrow(RangeError);
    expect(() => new Barrier("3" as unknown as number)).toThrow(TypeError);
    expect(new Barrier(N)).toBeInstanceOf(Barrier);
  });

  // mirrors test_locks.py::BarrierTests::test_context_manager
  it("gives each party its arrival index through asyncWith", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(3);
      const results: number[] = [];
      await gatherTasks(3, () => asyncWith(barrier, async (i) => void results.push(i)));
      expect(results.sort()).toEqual([0, 1, 2]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_filling_one_task
  it("opens at once for a single party", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(1);
      expect(await asyncWith(barrier, async () => true)).toBe(true);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_filling_one_task_twice
  it("opens twice in a row for a single party", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(1);
      const t1 = createTask(() => barrier.wait());
      await sleep(0);
      expect(barrier.nWaiting).toBe(0);
      const t2 = createTask(() => barrier.wait());
      await sleep(0);
      expect(t1.result()).toBe(t2.result());
      expect(t1.done()).toBe(t2.done());
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_filling_task_by_task
  it("counts waiting tasks as they arrive", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(3);
      const t1 = createTask(() => barrier.wait());
      await sleep(0);
      expect(barrier.nWaiting).toBe(1);
      expect(String(barrier)).toContain("filling");
      const t2 = createTask(() => barrier.wait());
      await sleep(0);
      expect(barrier.nWaiting).toBe(2);
      expect(String(barrier)).toContain("filling");
      const t3 = createTask(() => barrier.wait());
      await sleep(0);
      await wait([t1, t2, t3]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_filling_tasks_wait_twice
  // mirrors test_locks.py::BarrierTests::test_filling_tasks_check_return_value
  it("can be passed twice by the same parties, indexing both passes", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results: boolean[] = [];
      const res = await gatherTasks(N, () =>
        asyncWith(barrier, async () => {
          results.push(true);
          return asyncWith(barrier, async (i) => {
            results.push(false);
            return i;
          });
        }),
      );
      expect(results.length).toBe(N * 2);
      expect(results.filter((r) => r).length).toBe(N);
      expect(results.filter((r) => !r).length).toBe(N);
      expect([...res].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_draining_state
  it("drains until the last task leaves", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results: boolean[] = [];
      await gatherTasks(N, () => asyncWith(barrier, async () => void results.push(String(barrier).includes("draining"))));
      expect(results.length).toBe(N);
      expect(results.at(-1)).toBe(false);
      expect(results.slice(0, N - 1).every((r) => r)).toBe(true);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_blocking_tasks_while_draining
  it("blocks newcomers while it drains", async () => {
    await inLoop(async () => {
      const rewait = 2;
      const barrier = new Barrier(N);
      const barrierNowaiting = new Barrier(N - rewait);
      let rewaitN = rewait;
      await gatherTasks(N, async () => {
        await barrier.wait();
        if (rewaitN > 0) {
          rewaitN -= 1;
          await barrier.wait();
        } else {
          await barrierNowaiting.wait();
          await barrier.wait();
        }
      });
    });
  });

  // mirrors test_locks.py::BarrierTests::test_filling_tasks_cancel_one
  it("forgets a party cancelled while filling", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(3);
      const results: boolean[] = [];
      const coro = async () => {
        await barrier.wait();
        results.push(true);
      };
      const t1 = createTask(coro);
      await sleep(0);
      expect(barrier.nWaiting).toBe(1);
      const t2 = createTask(coro);
      await sleep(0);
      expect(barrier.nWaiting).toBe(2);
      t1.cancel();
      await sleep(0);
      expect(barrier.nWaiting).toBe(1);
      await expect(t1).rejects.toBeInstanceOf(CancelledError);
      expect(t1.cancelled()).toBe(true);
      const t3 = createTask(coro);
      await sleep(0);
      expect(barrier.nWaiting).toBe(2);
      const t4 = createTask(coro);
      await gather(t2, t3, t4);
      expect(results).toEqual([true, true, true]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_reset_barrier
  it("resets an idle barrier to filling", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(1);
      createTask(() => barrier.reset());
      await sleep(0);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting
  it("breaks waiting tasks out with BrokenBarrierError on reset", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results: boolean[] = [];
      const tasks = makeTasks(N - 1, async () => {
        try {
          await barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          expect(error.message).toBe("Abort or reset of barrier");
          results.push(true);
        }
      });
      await sleep(0);
      createTask(() => barrier.reset());
      await gather(...tasks);
      expect(results).toEqual([true, true, true, true]);
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain("resetting");
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_reset_barrier_when_tasks_half_draining
  it("breaks only the still-waiting tasks when reset half-way through draining", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const restOfTasks = Math.floor(N / 2);
      await gatherTasks(N, async () => {
        try {
          await barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true);
          return;
        }
        if (restOfTasks === barrier._count) await barrier.reset();
      });
      expect(results1).toEqual(Array(restOfTasks).fill(true));
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain("resetting");
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_reset_barrier_when_tasks_half_draining_half_blocking
  it("lets blocked tasks wait again after a reset during draining", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(N / 2);
      let count = 0;
      await gatherTasks(N, async () => {
        try {
          await barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true);
          await barrier.wait();
          return;
        }
        count += 1;
        if (count > blockingTasks) {
          await barrier.reset();
          await barrier.wait();
        } else {
          try {
            await barrier.wait();
          } catch (error) {
            if (!(error instanceof BrokenBarrierError)) throw error;
            results2.push(true);
          }
        }
      });
      expect(results1).toEqual(Array(blockingTasks).fill(true));
      expect(results2).toEqual([]);
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain("resetting");
      expect(barrier.broken).toBe(false);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting_and_waiting_again
  it("lets reset tasks wait again and pass", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const tasks = makeTasks(N - 1, async () => {
        try {
          await barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true);
        } finally {
          await barrier.wait();
          results2.push(true);
        }
      });
      createTask(() => barrier.reset());
      await sleep(0);
      createTask(() => asyncWith(barrier, async () => void results2.push(true)));
      await gather(...tasks);
      expect(barrier.broken).toBe(false);
      expect(results1).toEqual(Array(N - 1).fill(true));
      expect(results2).toEqual(Array(N).fill(true));
      expect(barrier.nWaiting).toBe(0);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_reset_barrier_while_tasks_draining
  it("does not break tasks that are draining when reset", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const results3: boolean[] = [];
      let count = 0;
      await gatherTasks(N, async () => {
        await barrier.wait();
        count += 1;
        if (count === N) {
          await barrier.reset();
          await barrier.wait();
        } else {
          try {
            await barrier.wait();
            results1.push(true);
          } catch {
            results2.push(true);
          }
        }
        await barrier.wait();
        results3.push(true);
      });
      expect(barrier.broken).toBe(false);
      expect(results1).toEqual(Array(N - 1).fill(true));
      expect(results2).toEqual([]);
      expect(results3).toEqual(Array(N).fill(true));
      expect(barrier.nWaiting).toBe(0);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_abort_barrier
  it("is broken after abort", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(1);
      createTask(() => barrier.abort());
      await sleep(0);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(true);
      await expect(barrier.wait()).rejects.toThrow(new BrokenBarrierError("Barrier aborted"));
      expect(new BrokenBarrierError("x")).toBeInstanceOf(RuntimeError);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_abort_barrier_when_tasks_half_draining_half_blocking
  it("breaks waiting and draining tasks on abort", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(N / 2);
      let count = 0;
      await gatherTasks(N, async () => {
        try {
          await barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true);
          return;
        }
        count += 1;
        if (count > blockingTasks) {
          await barrier.abort();
        } else {
          try {
            await barrier.wait();
          } catch (error) {
            if (!(error instanceof BrokenBarrierError)) throw error;
            results2.push(true);
          }
        }
      });
      expect(barrier.broken).toBe(true);
      expect(results1).toEqual(Array(blockingTasks).fill(true));
      expect(results2).toEqual(Array(N - blockingTasks - 1).fill(true));
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain("resetting");
    });
  });

  // mirrors test_locks.py::BarrierTests::test_abort_barrier_when_exception
  it("breaks every other party when one aborts after an error", async () => {
    await inLoop(async () => {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      class Boom extends Error {}
      await gatherTasks(N, async () => {
        try {
          await asyncWith(barrier, async (i) => {
            if (i === Math.floor(N / 2)) throw new Boom();
          });
          await asyncWith(barrier, async () => void results1.push(true));
        } catch (error) {
          if (error instanceof BrokenBarrierError) results2.push(true);
          else if (error instanceof Boom) await barrier.abort();
          else throw error;
        }
      });
      expect(barrier.broken).toBe(true);
      expect(results1).toEqual([]);
      expect(results2).toEqual(Array(N - 1).fill(true));
      expect(barrier.nWaiting).toBe(0);
    });
  });

  // mirrors test_locks.py::BarrierTests::test_abort_barrier_when_exception_then_resetting
  it("can be reset after an abort and passed again", async () => {
    await inLoop(async () => {
      const barrier1 = new Barrier(N);
      const barrier2 = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const results3: boolean[] = [];
      class Boom extends Error {}
      await gatherTasks(N, async () => {
        try {
          const i = await barrier1.wait();
          if (i === Math.floor(N / 2)) throw new Boom();
          await barrier1.wait();
          results1.push(true);
        } catch (error) {
          if (error instanceof BrokenBarrierError) results2.push(true);
          else if (error instanceof Boom) await barrier1.abort();
          else throw error;
        }
        const i = await barrier2.wait();
        if (i === Math.floor(N / 2)) await barrier1.reset();
        await barrier2.wait();
        await barrier1.wait();
        results3.push(true);
      });
      expect(barrier1.broken).toBe(false);
      expect(results1).toEqual([]);
      expect(results2).toEqual(Array(N - 1).fill(true));
      expect(results3).toEqual(Array(N).fill(true));
      expect(barrier1.nWaiting).toBe(0);
    });
  });
});
