import { describe, expect, it } from "vitest";
import { CancelledError, RuntimeError, asyncWith, enter } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { createTask, sleep } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import type { Future } from "@aio/futures";
import { BoundedSemaphore, Condition, Event, Lock, Semaphore } from "@aio/sync";
import { inLoop } from "./support/loop.js";
import { RGX_REPR } from "./support/repr.js";

describe("Lock", () => {
  // mirrors test_locks.py::LockTests::test_repr
  it("shows its state in its repr", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      expect(String(lock).endsWith("[unlocked]>")).toBe(true);
      expect(RGX_REPR.test(String(lock))).toBe(true);
      await lock.acquire();
      expect(String(lock).endsWith("[locked]>")).toBe(true);
      expect(RGX_REPR.test(String(lock))).toBe(true);
    });
  });

  it("shows its waiters in its repr and in Node's inspect", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      await lock.acquire();
      createTask(() => lock.acquire());
      await sleep(0);
      expect(lock.toString()).toBe("<Lock [locked, waiters:1]>");
      const { inspect } = await import("node:util");
      expect(inspect(lock)).toBe("<Lock [locked, waiters:1]>");
    });
  });

  // mirrors test_locks.py::LockTests::test_lock
  // Differs from CPython: `await lock` cannot be a TypeError, because JavaScript awaits any value;
  // it resolves to the lock itself and does not acquire it.
  it("is not acquired by awaiting it directly", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      expect("then" in lock).toBe(false);
      expect(await (lock as unknown as Promise<Lock>)).toBe(lock);
      expect(lock.locked()).toBe(false);
    });
  });

  // mirrors test_locks.py::LockTests::test_lock_doesnt_accept_loop_parameter
  it("rejects a loop argument, like every primitive", () => {
    const loop = newEventLoop();
    try {
      const classes = [Lock, Condition, Event, Semaphore, BoundedSemaphore] as unknown as (new (arg: unknown) => unknown)[];
      for (const cls of classes) {
        expect(() => new cls({ loop })).toThrow(
          new TypeError(`${cls.name}.__init__() got an unexpected keyword argument 'loop'`),
        );
      }
    } finally {
      loop.close();
    }
  });

  // mirrors test_locks.py::LockTests::test_lock_by_with_statement
  it("leaves every primitive unlocked when a misuse throws", async () => {
    await inLoop(async () => {
      for (const lock of [new Lock(), new Condition(), new Semaphore(), new BoundedSemaphore()]) {
        await sleep(0.01);
        expect(lock.locked()).toBe(false);
        // Differs from CPython: `with await lock` has no JavaScript form; entering through
        // asyncWith and throwing from the body is the closest misuse, and it must release.
        await expect(asyncWith(lock, async () => { throw new TypeError("boom"); })).rejects.toThrow("boom");
        expect(lock.locked()).toBe(false);
      }
    });
  });

  // mirrors test_locks.py::LockTests::test_acquire
  it("hands the lock to waiters in FIFO order", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      const result: number[] = [];
      expect(await lock.acquire()).toBe(true);
      const c = (n: number) => async () => {
        if (await lock.acquire()) result.push(n);
        return true;
      };
      const t1 = createTask(c(1));
      const t2 = createTask(c(2));
      await sleep(0);
      expect(result).toEqual([]);
      lock.release();
      await sleep(0);
      expect(result).toEqual([1]);
      await sleep(0);
      expect(result).toEqual([1]);
      const t3 = createTask(c(3));
      lock.release();
      await sleep(0);
      expect(result).toEqual([1, 2]);
      lock.release();
      await sleep(0);
      expect(result).toEqual([1, 2, 3]);
      for (const t of [t1, t2, t3]) {
        expect(t.done()).toBe(true);
        expect(t.result()).toBe(true);
      }
    });
  });

  // mirrors test_locks.py::LockTests::test_acquire_cancel
  it("removes a cancelled acquire from the waiters", async () => {
    await inLoop(async (loop) => {
      const lock = new Lock();
      expect(await lock.acquire()).toBe(true);
      const task = createTask(() => lock.acquire());
      loop.callSoon(() => task.cancel());
      await expect(task).rejects.toBeInstanceOf(CancelledError);
      expect(lock._waiters?.length ?? 0).toBe(0);
    });
  });

  // mirrors test_locks.py::LockTests::test_cancel_race
  it("skips a waiter cancelled at the moment the lock is released", async () => {
    await inLoop(async (loop) => {
      const lock = new Lock();
      const lockit = (blocker: Future<unknown> | null) => async () => {
        await lock.acquire();
        try {
          if (blocker !== null) await blocker;
        } finally {
          lock.release();
        }
      };
      const fa = loop.createFuture() as Future<unknown>;
      const ta = createTask(lockit(fa));
      await sleep(0);
      expect(lock.locked()).toBe(true);
      const tb = createTask(lockit(null));
      await sleep(0);
      expect(lock._waiters?.length).toBe(1);
      const tc = createTask(lockit(null));
      await sleep(0);
      expect(lock._waiters?.length).toBe(2);

      fa.setResult(null);
      tb.cancel();
      expect(lock._waiters?.at(0)?.cancelled()).toBe(true);
      await sleep(0);
      expect(lock.locked()).toBe(false);
      expect(ta.done()).toBe(true);
      expect(tb.cancelled()).toBe(true);
      await tc;
    });
  });

  // mirrors test_locks.py::LockTests::test_cancel_release_race
  it("takes the lock only once when a cancel and a release race (bpo-32734)", async () => {
    await inLoop(async (loop) => {
      const lock = new Lock();
      let lockCount = 0;
      let callCount = 0;
      const lockit = async () => {
        callCount += 1;
        await lock.acquire();
        lockCount += 1;
      };
      await lock.acquire();
      const t1 = createTask(lockit);
      const t2 = createTask(lockit);
      const t3 = createTask(lockit);
      await sleep(0);
      loop.callSoon(() => {
        t1.cancel();
        lock.release();
      });
      await expect(t1).rejects.toBeInstanceOf(CancelledError);
      expect(lockCount).toBe(1);
      expect(callCount).toBe(3);
      expect(t1.cancelled() && t2.done()).toBe(true);
      t3.cancel();
      await sleep(0);
      expect(t3.cancelled()).toBe(true);
    });
  });

  // mirrors test_locks.py::LockTests::test_finished_waiter_cancelled
  it("wakes the next waiter when a woken one is cancelled", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      await lock.acquire();
      expect(lock.locked()).toBe(true);
      const tb = createTask(() => lock.acquire());
      await sleep(0);
      expect(lock._waiters?.length).toBe(1);
      const tc = createTask(() => lock.acquire());
      tb.cancel();
      lock.release();
      await sleep(0);
      expect(lock.locked()).toBe(true);
      expect(tb.cancelled()).toBe(true);
      await tc;
    });
  });

  // mirrors test_locks.py::LockTests::test_release_not_acquired
  it("refuses to release a free lock", () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(new RuntimeError("Lock is not acquired."));
  });

  // mirrors test_locks.py::LockTests::test_release_no_waiters
  it("is free after a release with nobody waiting", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      await lock.acquire();
      expect(lock.locked()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
    });
  });

  // mirrors test_locks.py::LockTests::test_context_manager
  it("is held inside asyncWith and free after it", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      expect(lock.locked()).toBe(false);
      await asyncWith(lock, async () => {
        expect(lock.locked()).toBe(true);
      });
      expect(lock.locked()).toBe(false);
    });
  });

  it("is held inside `await using` and free after it", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      {
        await using held = await enter(lock);
        expect(held.value).toBeUndefined();
        expect(lock.locked()).toBe(true);
      }
      expect(lock.locked()).toBe(false);
    });
  });

  it("takes the fast path without binding to a loop or creating a future", async () => {
    // No loop is running: the fast path must not need one; waiting does.
    const lock = new Lock();
    expect(await lock.acquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    expect(lock._waiters).toBeNull();
    expect(lock._loop).toBeNull();
    await expect(lock.acquire()).rejects.toThrow(new RuntimeError("no running event loop"));
    expect(lock._waiters?.length).toBe(0);
    lock.release();
  });

  it("jumps the queue when every waiter was cancelled", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      await lock.acquire();
      const waiter = createTask(() => lock.acquire());
      await sleep(0);
      lock.release();
      waiter.cancel();
      // The woken waiter is cancelled but still queued; a newcomer may take the lock at once.
      expect(lock._waiters?.length).toBe(1);
      await lock.acquire();
      expect(lock.locked()).toBe(true);
      await expect(waiter).rejects.toBeInstanceOf(CancelledError);
      expect(lock.locked()).toBe(true);
      lock.release();
    });
  });

  it("keeps 100 contending tasks exclusive and lets each in once per round", async () => {
    await inLoop(async () => {
      const lock = new Lock();
      let holders = 0;
      let maxHolders = 0;
      let acquisitions = 0;
      const worker = async () => {
        for (let i = 0; i < 20; i++) {
          await lock.acquire();
          holders += 1;
          maxHolders = Math.max(maxHolders, holders);
          acquisitions += 1;
          await sleep(0);
          holders -= 1;
          lock.release();
        }
      };
      const tasks: Task<void>[] = [];
      for (let i = 0; i < 100; i++) tasks.push(createTask(worker));
      for (const t of tasks) await t;
      expect(acquisitions).toBe(2000);
      expect(maxHolders).toBe(1);
      expect(lock.locked()).toBe(false);
      expect(lock._waiters?.length).toBe(0);
    });
  });
});
