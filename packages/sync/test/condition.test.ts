import { describe, expect, it } from "vitest";
import { CancelledError, RuntimeError, TimeoutError, asyncWith } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { createTask, sleep, timeout, waitFor } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import type { Future } from "@aio/futures";
import { Condition, Lock, Semaphore } from "@aio/sync";
import { inLoop } from "./support/loop.js";
import { RGX_REPR } from "./support/repr.js";

describe("Condition", () => {
  // mirrors test_locks.py::ConditionTests::test_wait
  it("wakes notified waiters one at a time as the lock frees", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      const result: number[] = [];
      const c = (n: number) => async () => {
        await cond.acquire();
        if (await cond.wait()) result.push(n);
        return true;
      };
      const t1 = createTask(c(1));
      const t2 = createTask(c(2));
      const t3 = createTask(c(3));
      await sleep(0);
      expect(result).toEqual([]);
      expect(cond.locked()).toBe(false);

      expect(await cond.acquire()).toBe(true);
      cond.notify();
      await sleep(0);
      expect(result).toEqual([]);
      expect(cond.locked()).toBe(true);

      cond.release();
      await sleep(0);
      expect(result).toEqual([1]);
      expect(cond.locked()).toBe(true);

      cond.notify(2);
      await sleep(0);
      expect(result).toEqual([1]);
      expect(cond.locked()).toBe(true);

      cond.release();
      await sleep(0);
      expect(result).toEqual([1, 2]);
      expect(cond.locked()).toBe(true);

      cond.release();
      await sleep(0);
      expect(result).toEqual([1, 2, 3]);
      expect(cond.locked()).toBe(true);
      for (const t of [t1, t2, t3]) {
        expect(t.done()).toBe(true);
        expect(t.result()).toBe(true);
      }
    });
  });

  // mirrors test_locks.py::ConditionTests::test_wait_cancel
  it("holds the lock again when a wait is cancelled", async () => {
    await inLoop(async (loop) => {
      const cond = new Condition();
      await cond.acquire();
      const waiter = createTask(() => cond.wait());
      loop.callSoon(() => waiter.cancel());
      await expect(waiter).rejects.toBeInstanceOf(CancelledError);
      expect(cond._waiters.length).toBe(0);
      expect(cond.locked()).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_wait_cancel_contested
  it("re-acquires the lock when cancelled while the lock is contested", async () => {
    await inLoop(async (loop) => {
      const cond = new Condition();
      await cond.acquire();
      expect(cond.locked()).toBe(true);
      const waitTask = createTask(() => cond.wait());
      await sleep(0);
      expect(cond.locked()).toBe(false);

      // Notify, but contest the lock before cancelling.
      await cond.acquire();
      expect(cond.locked()).toBe(true);
      cond.notify();
      loop.callSoon(() => waitTask.cancel());
      loop.callSoon(() => cond.release());
      try {
        await waitTask;
      } catch (error) {
        // Should not happen, since there is no cancellation point; CPython tolerates it too.
        if (!(error instanceof CancelledError)) throw error;
      }
      expect(cond.locked()).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_wait_cancel_after_notify
  it("is cancelled cleanly after a notify, while re-acquiring (bpo-32841)", async () => {
    await inLoop(async () => {
      let waited = false;
      const cond = new Condition();
      const waiter = createTask(() =>
        asyncWith(cond, async () => {
          waited = true;
          await cond.wait();
        }),
      );
      await sleep(0);
      await cond.acquire();
      cond.notify();
      await sleep(0);
      waiter.cancel();
      await sleep(0);
      cond.release();
      await sleep(0);
      expect(waiter.cancelled()).toBe(true);
      expect(waited).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_wait_unacquired
  it("refuses to wait without the lock", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      await expect(cond.wait()).rejects.toThrow(new RuntimeError("cannot wait on un-acquired lock"));
    });
  });

  // mirrors test_locks.py::ConditionTests::test_wait_for
  it("waits until the predicate holds", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      let presult = false;
      const result: number[] = [];
      const t = createTask(async () => {
        await cond.acquire();
        if (await cond.waitFor(() => presult)) {
          result.push(1);
          cond.release();
        }
        return true;
      });
      await sleep(0);
      expect(result).toEqual([]);
      await cond.acquire();
      cond.notify();
      cond.release();
      await sleep(0);
      expect(result).toEqual([]);
      presult = true;
      await cond.acquire();
      cond.notify();
      cond.release();
      await sleep(0);
      expect(result).toEqual([1]);
      expect(t.done()).toBe(true);
      expect(t.result()).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_wait_for_unacquired
  it("returns a true predicate value without the lock, and refuses to wait without it", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      expect(await cond.waitFor(() => [1, 2, 3])).toEqual([1, 2, 3]);
      await expect(cond.waitFor(() => false)).rejects.toBeInstanceOf(RuntimeError);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_notify
  it("wakes as many waiters as asked", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      const result: number[] = [];
      const c = (n: number) => async () => {
        await cond.acquire();
        if (await cond.wait()) {
          result.push(n);
          cond.release();
        }
        return true;
      };
      const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
      await sleep(0);
      expect(result).toEqual([]);
      await cond.acquire();
      cond.notify(1);
      cond.release();
      await sleep(0);
      expect(result).toEqual([1]);
      await cond.acquire();
      cond.notify(1);
      cond.notify(2048);
      cond.release();
      await sleep(0);
      expect(result).toEqual([1, 2, 3]);
      for (const t of tasks) expect(t.result()).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_notify_all
  it("wakes every waiter with notifyAll", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      const result: number[] = [];
      const c = (n: number) => async () => {
        await cond.acquire();
        if (await cond.wait()) {
          result.push(n);
          cond.release();
        }
        return true;
      };
      const tasks = [createTask(c(1)), createTask(c(2))];
      await sleep(0);
      expect(result).toEqual([]);
      await cond.acquire();
      cond.notifyAll();
      cond.release();
      await sleep(0);
      expect(result).toEqual([1, 2]);
      for (const t of tasks) expect(t.result()).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_notify_unacquired
  // mirrors test_locks.py::ConditionTests::test_notify_all_unacquired
  it("refuses to notify without the lock", () => {
    const cond = new Condition();
    expect(() => cond.notify()).toThrow(new RuntimeError("cannot notify on un-acquired lock"));
    expect(() => cond.notifyAll()).toThrow(new RuntimeError("cannot notify on un-acquired lock"));
  });

  // mirrors test_locks.py::ConditionTests::test_repr
  it("shows the lock state and waiters in its repr", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      expect(String(cond)).toContain("unlocked");
      expect(RGX_REPR.test(String(cond))).toBe(true);
      await cond.acquire();
      expect(String(cond)).toContain("locked");
      cond._waiters.push({} as Future<boolean>);
      expect(String(cond)).toContain("waiters:1");
      expect(RGX_REPR.test(String(cond))).toBe(true);
      cond._waiters.push({} as Future<boolean>);
      expect(String(cond)).toContain("waiters:2");
      expect(RGX_REPR.test(String(cond))).toBe(true);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_context_manager
  it("holds its lock inside asyncWith", async () => {
    await inLoop(async () => {
      const cond = new Condition();
      expect(cond.locked()).toBe(false);
      await asyncWith(cond, async () => {
        expect(cond.locked()).toBe(true);
      });
      expect(cond.locked()).toBe(false);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_explicit_lock
  it("shares a lock given to it", async () => {
    const f = async (lock?: Lock, cond?: Condition) => {
      const theLock = lock ?? new Lock();
      const theCond = cond ?? new Condition(theLock);
      expect(theCond._lock).toBe(theLock);
      expect(theLock.locked()).toBe(false);
      expect(theCond.locked()).toBe(false);
      await asyncWith(theCond, async () => {
        expect(theLock.locked()).toBe(true);
        expect(theCond.locked()).toBe(true);
      });
      expect(theLock.locked()).toBe(false);
      expect(theCond.locked()).toBe(false);
      await asyncWith(theLock, async () => {
        expect(theLock.locked()).toBe(true);
        expect(theCond.locked()).toBe(true);
      });
      expect(theLock.locked()).toBe(false);
      expect(theCond.locked()).toBe(false);
    };
    await inLoop(async () => {
      await f();
      await f(new Lock());
      const lock = new Lock();
      await f(lock, new Condition(lock));
      await f(lock, new Condition({ lock }));
    });
  });

  it("rejects a lock that is not a Lock", () => {
    expect(() => new Condition(new Date() as unknown as Lock)).toThrow(TypeError);
    expect(() => new Condition(42 as unknown as Lock)).toThrow(new TypeError("`lock` must be a Lock, got 42"));
  });

  // Python 3.13: Condition(Semaphore(1)) works (`<Condition [locked]> True` inside `async with`),
  // and wait_for waits while the predicate gives an empty list:
  //   after first pred False 1 / result [1] 2
  it("takes any lock with locked/acquire/release, and tests predicates with Python's truth", async () => {
    await inLoop(async () => {
      const cond = new Condition(new Semaphore(1));
      await asyncWith(cond, async () => {
        expect([String(cond), cond.locked()]).toEqual(["<Condition [locked]>", true]);
      });
      expect(cond.locked()).toBe(false);

      const lockCond = new Condition();
      let calls = 0;
      const waiter = createTask(() => asyncWith(lockCond, () => lockCond.waitFor(() => (++calls === 1 ? [] : [1]))));
      await sleep(0);
      expect([waiter.done(), calls]).toEqual([false, 1]);
      await asyncWith(lockCond, async () => lockCond.notify());
      expect(await waiter).toEqual([1]);
      expect(calls).toBe(2);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_ambiguous_loops
  it("detects a lock or condition bound to another loop", async () => {
    const other: AbstractEventLoop = newEventLoop();
    try {
      await inLoop(async () => {
        // Wrong loop in the lock.
        const lock = new Lock();
        lock._loop = other as Lock["_loop"];
        await asyncWith(lock, async () => {
          // Acquired through the fast path, without touching any loop.
          const cond = new Condition(lock);
          // cond.acquire() must wait on the lock, which discovers the mismatch.
          await expect(cond.acquire()).rejects.toThrow(/is bound to a different event loop/);
        });
        // Wrong loop in the condition.
        const lock2 = new Lock();
        await asyncWith(lock2, async () => {
          const cond = new Condition(lock2);
          cond._loop = other as Condition["_loop"];
          await expect(cond.wait()).rejects.toThrow(
            new RuntimeError("<Condition [locked]> is bound to a different event loop"),
          );
        });
      });
    } finally {
      other.close();
    }
  });

  // mirrors test_locks.py::ConditionTests::test_timeout_in_block
  it("times out a wait inside the lock", async () => {
    await inLoop(async () => {
      const condition = new Condition();
      await asyncWith(condition, async () => {
        await expect(waitFor(() => condition.wait(), 0.01)).rejects.toBeInstanceOf(TimeoutError);
        expect(condition.locked()).toBe(true);
      });
    });
  });

  // mirrors test_locks.py::ConditionTests::test_cancelled_error_wakeup
  it("re-raises the same CancelledError when cancelled while waiting", async () => {
    await inLoop(async () => {
      const wake = false;
      let raised: unknown = null;
      const cond = new Condition();
      const task = createTask(() =>
        asyncWith(cond, async () => {
          try {
            await cond.waitFor(() => wake);
          } catch (error) {
            expect(error).toBeInstanceOf(CancelledError);
            raised = error;
            throw error;
          }
        }),
      );
      await sleep(0);
      task.cancel("foo");
      const error = await task.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as CancelledError).message).toBe("foo");
      expect(error).toBe(raised);
    });
  });

  // mirrors test_locks.py::ConditionTests::test_cancelled_error_re_aquire
  it("re-raises the same CancelledError when cancelled while re-acquiring", async () => {
    await inLoop(async () => {
      let wake = false;
      let raised: unknown = null;
      const cond = new Condition();
      const task = createTask(() =>
        asyncWith(cond, async () => {
          try {
            await cond.waitFor(() => wake);
          } catch (error) {
            expect(error).toBeInstanceOf(CancelledError);
            raised = error;
            throw error;
          }
        }),
      );
      await sleep(0);
      await cond.acquire();
      wake = true;
      cond.notify();
      await sleep(0);
      // The task now re-acquires the lock: cancel it there.
      task.cancel("foo");
      cond.release();
      const error = await task.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as CancelledError).message).toBe("foo");
      expect(error).toBe(raised);
    });
  });

  const consumerScenario = async (sleepBeforeCancel: boolean) => {
    const condition = new Condition();
    let state = 0;
    const consumer = () =>
      asyncWith(condition, async () => {
        for (;;) {
          await condition.waitFor(() => state !== 0);
          if (state < 0) return;
          state -= 1;
        }
      });
    const c: Task<void>[] = [createTask(consumer), createTask(consumer)];
    await sleep(0);
    await asyncWith(condition, async () => {
      state += 1;
      condition.notify(1);
      // Settle on re-acquiring the lock first (relock variant), or cancel while queued to run.
      if (sleepBeforeCancel) await sleep(0);
      c[0]!.cancel();
      // If the notify raced with the cancel and was lost, the item is never consumed.
      try {
        await asyncWith(timeout(0.01), async () => {
          await condition.waitFor(() => state === 0);
        });
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
      }
      expect(state).toBe(0);
      state = -1;
      condition.notifyAll();
    });
    await c[1];
  };

  // mirrors test_locks.py::ConditionTests::test_cancelled_wakeup
  it("passes a notification on when the woken task is cancelled before it runs", async () => {
    await inLoop(() => consumerScenario(false));
  });

  // mirrors test_locks.py::ConditionTests::test_cancelled_wakeup_relock
  it("passes a notification on when the woken task is cancelled while re-acquiring", async () => {
    await inLoop(() => consumerScenario(true));
  });
});
