import { describe, expect, it } from "vitest";
import { CancelledError } from "@aio/core";
import { createTask, sleep } from "@aio/tasks";
import type { Future } from "@aio/futures";
import { Event } from "@aio/sync";
import { inLoop } from "./support/loop.js";
import { RGX_REPR } from "./support/repr.js";

describe("Event", () => {
  // mirrors test_locks.py::EventTests::test_repr
  it("shows its flag and waiters in its repr", () => {
    const ev = new Event();
    expect(String(ev).endsWith("[unset]>")).toBe(true);
    expect(RGX_REPR.exec(String(ev))?.groups?.extras).toBe("unset");
    ev.set();
    expect(String(ev).endsWith("[set]>")).toBe(true);
    expect(RGX_REPR.test(String(ev))).toBe(true);
    ev._waiters.push({} as Future<boolean>);
    expect(String(ev)).toContain("waiters:1");
    expect(RGX_REPR.test(String(ev))).toBe(true);
  });

  // mirrors test_locks.py::EventTests::test_wait
  it("wakes every waiter when set", async () => {
    await inLoop(async () => {
      const ev = new Event();
      expect(ev.isSet()).toBe(false);
      const result: number[] = [];
      const c = (n: number) => async () => {
        if (await ev.wait()) result.push(n);
      };
      const t1 = createTask(c(1));
      const t2 = createTask(c(2));
      await sleep(0);
      expect(result).toEqual([]);
      const t3 = createTask(c(3));
      ev.set();
      await sleep(0);
      expect(result).toEqual([3, 1, 2]);
      for (const t of [t1, t2, t3]) {
        expect(t.done()).toBe(true);
        expect(t.result()).toBeUndefined();
      }
    });
  });

  // mirrors test_locks.py::EventTests::test_wait_on_set
  it("returns true at once when already set", async () => {
    await inLoop(async () => {
      const ev = new Event();
      ev.set();
      expect(await ev.wait()).toBe(true);
    });
  });

  // mirrors test_locks.py::EventTests::test_wait_cancel
  it("removes a cancelled waiter", async () => {
    await inLoop(async (loop) => {
      const ev = new Event();
      const waiter = createTask(() => ev.wait());
      loop.callSoon(() => waiter.cancel());
      await expect(waiter).rejects.toBeInstanceOf(CancelledError);
      expect(ev._waiters.length).toBe(0);
    });
  });

  // mirrors test_locks.py::EventTests::test_clear
  it("clears the flag", () => {
    const ev = new Event();
    expect(ev.isSet()).toBe(false);
    ev.set();
    expect(ev.isSet()).toBe(true);
    ev.clear();
    expect(ev.isSet()).toBe(false);
  });

  // mirrors test_locks.py::EventTests::test_clear_with_waiters
  it("still wakes a waiter when cleared right after being set", async () => {
    await inLoop(async () => {
      const ev = new Event();
      const result: number[] = [];
      const t = createTask(async () => {
        if (await ev.wait()) result.push(1);
        return true;
      });
      await sleep(0);
      expect(result).toEqual([]);
      ev.set();
      ev.clear();
      expect(ev.isSet()).toBe(false);
      ev.set();
      ev.set();
      expect(ev._waiters.length).toBe(1);
      await sleep(0);
      expect(result).toEqual([1]);
      expect(ev._waiters.length).toBe(0);
      expect(t.done()).toBe(true);
      expect(t.result()).toBe(true);
    });
  });

  it("parks many tasks and releases them all with one set", async () => {
    await inLoop(async () => {
      const ev = new Event();
      let woken = 0;
      const tasks = Array.from({ length: 1000 }, () =>
        createTask(async () => {
          await ev.wait();
          woken += 1;
        }),
      );
      await sleep(0);
      expect(ev._waiters.length).toBe(1000);
      ev.set();
      for (const t of tasks) await t;
      expect(woken).toBe(1000);
      expect(ev._waiters.length).toBe(0);
    });
  });
});
