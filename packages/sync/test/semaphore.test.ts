import { describe, expect, it } from "vitest";
import { CancelledError, asyncWith, enter } from "@aio/core";
import { TaskGroup, createTask, gather, sleep, waitFor } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import type { Future } from "@aio/futures";
import { BoundedSemaphore, Semaphore, _Deque } from "@aio/sync";
import { inLoop } from "./support/loop.js";
import { RGX_REPR } from "./support/repr.js";

describe("Semaphore", () => {
  // mirrors test_locks.py::SemaphoreTests::test_initial_value_zero
  it("is locked with an initial value of zero", () => {
    expect(new Semaphore(0).locked()).toBe(true);
  });

  // mirrors test_locks.py::SemaphoreTests::test_repr
  it("shows its value and waiters in its repr", async () => {
    await inLoop(async () => {
      const sem = new Semaphore();
      expect(String(sem).endsWith("[unlocked, value:1]>")).toBe(true);
      expect(RGX_REPR.test(String(sem))).toBe(true);
      await sem.acquire();
      expect(String(sem).endsWith("[locked]>")).toBe(true);
      expect(String(sem)).not.toContain("waiters");
      expect(RGX_REPR.test(String(sem))).toBe(true);
      sem._waiters ??= new _Deque();
      const fake = { cancelled: () => false } as Future<boolean>;
      sem._waiters.push(fake);
      expect(String(sem)).toContain("waiters:1");
      expect(RGX_REPR.test(String(sem))).toBe(true);
      sem._waiters.push(fake);
      expect(String(sem)).toContain("waiters:2");
      expect(RGX_REPR.test(String(sem))).toBe(true);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_semaphore
  // Differs from CPython: `await sem` cannot be a TypeError, because JavaScript awaits any value.
  it("starts with one permit and is not acquired by awaiting it", async () => {
    await inLoop(async () => {
      const sem = new Semaphore();
      expect(sem._value).toBe(1);
      expect(await (sem as unknown as Promise<Semaphore>)).toBe(sem);
      expect(sem.locked()).toBe(false);
      expect(sem._value).toBe(1);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_semaphore_value
  it("rejects a negative initial value", () => {
    expect(() => new Semaphore(-1)).toThrow(new RangeError("Semaphore initial value must be >= 0"));
    expect(() => new Semaphore({ value: -1 })).toThrow(RangeError);
    expect(() => new Semaphore("2" as unknown as number)).toThrow(TypeError);
    expect(new Semaphore({ value: 3 })._value).toBe(3);
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire
  it("hands out permits and queues the rest", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(3);
      const result: number[] = [];
      expect(await sem.acquire()).toBe(true);
      expect(await sem.acquire()).toBe(true);
      expect(sem.locked()).toBe(false);
      const c = (n: number) => async () => {
        await sem.acquire();
        result.push(n);
        return true;
      };
      const t1 = createTask(c(1));
      const t2 = createTask(c(2));
      const t3 = createTask(c(3));
      await sleep(0);
      expect(result).toEqual([1]);
      expect(sem.locked()).toBe(true);
      expect(sem._waiters?.length).toBe(2);
      expect(sem._value).toBe(0);

      const t4 = createTask(c(4));
      sem.release();
      sem.release();
      expect(sem._value).toBe(0);
      await sleep(0);
      expect(sem._value).toBe(0);
      expect(result.length).toBe(3);
      expect(sem.locked()).toBe(true);
      expect(sem._waiters?.length).toBe(1);
      expect(sem._value).toBe(0);

      expect(t1.done()).toBe(true);
      expect(t1.result()).toBe(true);
      const raceTasks = [t2, t3, t4];
      expect(raceTasks.filter((t) => t.done() && t.result()).length).toBe(2);
      sem.release();
      await gather(...raceTasks);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_cancel
  it("leaves no live waiter after a cancelled acquire", async () => {
    await inLoop(async (loop) => {
      const sem = new Semaphore();
      await sem.acquire();
      const acquire = createTask(() => sem.acquire());
      loop.callSoon(() => acquire.cancel());
      await expect(acquire).rejects.toBeInstanceOf(CancelledError);
      expect(sem._waiters === null || [...sem._waiters].every((w) => w.done())).toBe(true);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_cancel_before_awoken
  it("skips waiters cancelled before they are woken", async () => {
    await inLoop(async () => {
      const sem = new Semaphore({ value: 0 });
      const [t1, t2, t3, t4] = [1, 2, 3, 4].map(() => createTask(() => sem.acquire()));
      await sleep(0);
      t1!.cancel();
      t2!.cancel();
      sem.release();
      await sleep(0);
      await sleep(0);
      expect([t3!, t4!].filter((t) => t.done()).length).toBe(1);
      expect(t3!.done()).toBe(true);
      expect(t4!.done()).toBe(false);
      t3!.cancel();
      t4!.cancel();
      await sleep(0);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_hang
  it("does not hang when the first waiter is cancelled and a permit arrives", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(0);
      const t1 = createTask(() => sem.acquire());
      const t2 = createTask(() => sem.acquire());
      await sleep(0);
      t1.cancel();
      sem.release();
      await sleep(0);
      await sleep(0);
      expect(sem.locked()).toBe(true);
      expect(t2.done()).toBe(true);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_no_hang
  it("gives the permit back when a woken waiter is cancelled (gh-90155)", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(1);
      let t2: Task<void> | null = null;
      const t1 = createTask(async () => {
        await asyncWith(sem, async () => {
          await sleep(0);
        });
        t2!.cancel();
      });
      t2 = createTask(async () => {
        await asyncWith(sem, async () => {
          expect.unreachable("c2 must not enter");
        });
      });
      const [r1, r2] = await gather(t1, t2, { returnExceptions: true });
      expect(r1).toBeUndefined();
      expect(r2).toBeInstanceOf(CancelledError);
      await waitFor(() => sem.acquire(), 1.0);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_release_not_acquired
  it("refuses, as a BoundedSemaphore, to be released above its initial value", () => {
    const sem = new BoundedSemaphore();
    expect(() => sem.release()).toThrow(new RangeError("BoundedSemaphore released too many times"));
  });

  // mirrors test_locks.py::SemaphoreTests::test_release_no_waiters
  it("is free after a release with nobody waiting", async () => {
    await inLoop(async () => {
      const sem = new Semaphore();
      await sem.acquire();
      expect(sem.locked()).toBe(true);
      sem.release();
      expect(sem.locked()).toBe(false);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_fifo_order
  it("serves repeated acquires in FIFO order", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(1);
      const result: string[] = [];
      const coro = (tag: string) => async () => {
        await sem.acquire();
        result.push(`${tag}_1`);
        await sleep(0.01);
        sem.release();
        await sem.acquire();
        result.push(`${tag}_2`);
        await sleep(0.01);
        sem.release();
      };
      await asyncWith(new TaskGroup(), async (tg) => {
        tg.createTask(coro("c1"));
        tg.createTask(coro("c2"));
        tg.createTask(coro("c3"));
      });
      expect(result).toEqual(["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_fifo_order_2
  it("makes a re-acquire queue behind earlier waiters", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(1);
      const result: number[] = [];
      const t1 = createTask(async () => {
        await sem.acquire();
        result.push(1);
        return true;
      });
      const t2 = createTask(async () => {
        await sem.acquire();
        result.push(2);
        sem.release();
        await sem.acquire();
        result.push(4);
        return true;
      });
      const t3 = createTask(async () => {
        await sem.acquire();
        result.push(3);
        return true;
      });
      await sleep(0);
      sem.release();
      sem.release();
      await gather(t1, t2, t3);
      expect(result).toEqual([1, 2, 3, 4]);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_fifo_order_3
  it("keeps FIFO order past a cancelled waiter", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(0);
      const result: number[] = [];
      const c = (n: number) => async () => {
        await sem.acquire();
        result.push(n);
        return true;
      };
      const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
      await sleep(0);
      tasks[0]!.cancel();
      await sleep(0);
      sem.release();
      sem.release();
      await gather(...tasks, { returnExceptions: true });
      expect(result).toEqual([2, 3]);
    });
  });

  // mirrors test_locks.py::SemaphoreTests::test_acquire_fifo_order_4
  it("wakes every waiter a successful acquire leaves a permit for", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(0);
      const result: number[] = [];
      let t4: Task<boolean> | null = null;
      const c4 = async () => {
        result.push(4);
        return true;
      };
      const t1 = createTask(async () => {
        expect(sem._value).toBe(0);
        await sem.acquire();
        // All waiting tasks are woken now.
        expect(sem._value).toBe(0);
        // A fourth task runs after c3, not c2.
        t4 = createTask(c4);
        result.push(1);
        return true;
      });
      const t2 = createTask(async () => {
        sem.release();
        sem.release();
        sem.release();
        expect(sem._value).toBe(2);
        // Locked, because c1 has not woken up yet.
        expect(sem.locked()).toBe(true);
        await sem.acquire();
        result.push(2);
        return true;
      });
      const t3 = createTask(async () => {
        await sem.acquire();
        expect(sem.locked()).toBe(true);
        result.push(3);
        return true;
      });
      await sleep(0);
      // Three tasks are queued; the first has not woken up yet.
      expect(sem._value).toBe(2);
      expect(sem._waiters?.length).toBe(3);
      await sleep(0);
      await gather(t1, t2, t3, t4!);
      expect(result).toEqual([1, 2, 3, 4]);
    });
  });

  it("does not let a newcomer barge past a woken waiter", async () => {
    await inLoop(async () => {
      const sem = new Semaphore(1);
      await sem.acquire();
      const order: string[] = [];
      const waiter = createTask(async () => {
        await sem.acquire();
        order.push("waiter");
      });
      await sleep(0);
      sem.release();
      // The waiter is woken but has not run: a newcomer must queue behind it.
      expect(sem.locked()).toBe(true);
      const newcomer = createTask(async () => {
        await sem.acquire();
        order.push("newcomer");
      });
      await waiter;
      expect(order).toEqual(["waiter"]);
      sem.release();
      await newcomer;
      expect(order).toEqual(["waiter", "newcomer"]);
      sem.release();
      expect(sem._value).toBe(1);
    });
  });

  it("works with `await using`", async () => {
    await inLoop(async () => {
      const sem = new BoundedSemaphore(2);
      {
        await using _held = await enter(sem);
        expect(sem._value).toBe(1);
      }
      expect(sem._value).toBe(2);
    });
  });
});

describe("BoundedSemaphore", () => {
  it("allows releases up to its initial value", async () => {
    await inLoop(async () => {
      const sem = new BoundedSemaphore(2);
      await sem.acquire();
      await sem.acquire();
      sem.release();
      sem.release();
      expect(() => sem.release()).toThrow(RangeError);
      expect(sem._value).toBe(2);
      expect(String(sem)).toBe("<BoundedSemaphore [unlocked, value:2]>");
    });
  });
});
