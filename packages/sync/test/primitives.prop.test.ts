/**
 * Property tests: random acquire / hold / cancel schedules on Lock, Semaphore and Condition never
 * leak a permit, never leave the lock held, never strand a waiter, and never lose a notification.
 * fast-check prints the seed and path of any failure; replay with `{ seed, path }` in fc.assert.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { asyncWith } from "@aio/core";
import { createTask, sleep } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import { Condition, Lock, Semaphore } from "@aio/sync";
import { inLoop, runUntil } from "./support/loop.js";

const NUM_RUNS = 60;

/** Each task holds the primitive `holds.length` times, for `holds[i]` iterations each time. */
const workersArb = fc.array(fc.array(fc.nat(3), { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 6 });
/** The driver waits `delay` iterations, then cancels task `index` (modulo the task count). */
const cancelsArb = fc.array(fc.record({ delay: fc.nat(4), index: fc.nat(10) }), { maxLength: 6 });

async function cancelOnSchedule(tasks: Task<unknown>[], cancels: { delay: number; index: number }[]): Promise<void> {
  for (const { delay, index } of cancels) {
    for (let i = 0; i < delay; i++) await sleep(0);
    tasks[index % tasks.length]!.cancel();
  }
}

/**
 * Every task ends within a bounded number of iterations (a stuck one is a deadlock), and each
 * either returned or was cancelled: a failed assertion inside a task throws here.
 */
async function allFinish(tasks: Task<unknown>[]): Promise<void> {
  await runUntil(() => tasks.every((t) => t.done()), 5_000);
  for (const task of tasks) if (!task.cancelled()) task.result();
}

describe("Lock (property)", () => {
  it("never has two holders, and ends unlocked with no waiters, whatever is cancelled", async () => {
    await fc.assert(
      fc.asyncProperty(workersArb, cancelsArb, async (workers, cancels) => {
        await inLoop(async () => {
          const lock = new Lock();
          let holders = 0;
          const tasks = workers.map((holds) =>
            createTask(async () => {
              for (const hold of holds) {
                await lock.acquire();
                holders += 1;
                try {
                  expect(holders).toBe(1);
                  for (let i = 0; i < hold; i++) await sleep(0);
                } finally {
                  holders -= 1;
                  lock.release();
                }
              }
            }),
          );
          await cancelOnSchedule(tasks, cancels);
          await allFinish(tasks);
          expect(lock.locked()).toBe(false);
          expect(lock._waiters?.length ?? 0).toBe(0);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("Semaphore (property)", () => {
  it("never exceeds its permits, and ends with every permit back and no waiters", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), workersArb, cancelsArb, async (value, workers, cancels) => {
        await inLoop(async () => {
          const sem = new Semaphore(value);
          let holders = 0;
          const tasks = workers.map((holds) =>
            createTask(async () => {
              for (const hold of holds) {
                await asyncWith(sem, async () => {
                  holders += 1;
                  try {
                    expect(holders).toBeLessThanOrEqual(value);
                    for (let i = 0; i < hold; i++) await sleep(0);
                  } finally {
                    holders -= 1;
                  }
                });
              }
            }),
          );
          await cancelOnSchedule(tasks, cancels);
          await allFinish(tasks);
          expect(sem._value).toBe(value);
          expect(sem._waiters?.length ?? 0).toBe(0);
          expect(sem.locked()).toBe(false);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("Condition (property)", () => {
  it("never loses a notification to a cancel, and ends unlocked with no waiters", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 2, maxLength: 8 }),
        cancelsArb,
        async (roles, cancels) => {
          await inLoop(async () => {
            const cond = new Condition();
            let items = 0;
            const consumers: Task<void>[] = [];
            const tasks = roles.map((isProducer) => {
              const task = createTask(() =>
                asyncWith(cond, async () => {
                  if (isProducer) {
                    items += 1;
                    cond.notify(1);
                  } else {
                    await cond.waitFor(() => items > 0);
                    items -= 1;
                  }
                }),
              );
              if (!isProducer) consumers.push(task);
              return task;
            });
            await cancelOnSchedule(tasks, cancels);
            for (let i = 0; i < 20; i++) await sleep(0);
            // Quiescent: an item left while a live consumer still waits is a lost wakeup.
            const waiting = consumers.filter((t) => !t.done());
            expect(items > 0 && waiting.length > 0).toBe(false);
            for (const t of waiting) t.cancel();
            await allFinish(tasks);
            expect(cond.locked()).toBe(false);
            expect(cond._waiters.length).toBe(0);
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
