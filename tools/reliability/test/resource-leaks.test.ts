/**
 * Resource leaks: a long create/cancel cycle of tasks leaves memory where it settled, and the
 * loop, the task registry and the process's descriptors end where they started.
 */
import { describe, expect, it } from "vitest";
import { newEventLoop } from "@aio/loop";
import { allTasks, createTask, sleep } from "@aio/tasks";
import { leakSnapshot, recordFigures, resourceExcess, scale, settledSnapshot } from "./support/reliability.js";

const settle = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return process.memoryUsage().rss;
};

describe("Task create/cancel cycle", () => {
  it("keeps RSS within 10% of where it settled after 1,000,000 tasks", async () => {
    const TOTAL = scale(1_000_000, 3_000_000);
    const BATCH = 10_000;
    const before = leakSnapshot();
    const loop = newEventLoop();
    let cancelled = 0;
    let settledRss = 0;
    let finalRss = 0;
    let settledHeap = 0;
    let finalHeap = 0;
    try {
      await loop.runUntilComplete(async () => {
        const cycle = async (count: number): Promise<void> => {
          for (let done = 0; done < count; done += BATCH) {
            const tasks = Array.from({ length: BATCH }, () => createTask(() => sleep(3600)));
            await sleep(0); // every task starts and parks in its sleep
            for (const task of tasks) task.cancel();
            await sleep(0); // every task sees its CancelledError
            await sleep(0);
            for (const task of tasks) if (task.cancelled()) cancelled++;
          }
        };
        // Warm up (JIT, heap and allocator growth) in rounds of 100,000 until RSS settles (two
        // readings within 2%, at most 8 rounds), then run the full count against that level.
        settledRss = await settle();
        for (let round = 0; round < 8; round++) {
          await cycle(100_000);
          const rss = await settle();
          const stable = Math.abs(rss - settledRss) / settledRss < 0.02;
          settledRss = rss;
          if (stable) break;
        }
        settledHeap = process.memoryUsage().heapUsed;
        await cycle(TOTAL);
        finalRss = await settle();
        finalHeap = process.memoryUsage().heapUsed;
        expect(allTasks(loop).size).toBe(1);
      });
      expect(cancelled).toBeGreaterThanOrEqual(TOTAL);
      // Every sleep's timer was cancelled with its task: nothing live is left in the heap.
      const live = (loop._scheduled as unknown as { data: { cancelled(): boolean }[] }).data.filter((h) => !h.cancelled());
      expect(live).toHaveLength(0);
      expect(loop._ready).toHaveLength(0);
    } finally {
      loop.close();
    }
    const growth = (finalRss - settledRss) / settledRss;
    recordFigures("resource-leaks", {
      tasksCreatedAndCancelled: cancelled,
      measuredTasks: TOTAL,
      settledHeapMiB: Math.round(settledHeap / 2 ** 20),
      finalHeapMiB: Math.round(finalHeap / 2 ** 20),
      settledRssMiB: Math.round(settledRss / 2 ** 20),
      finalRssMiB: Math.round(finalRss / 2 ** 20),
      rssGrowthPercent: Math.round(growth * 1000) / 10,
    });
    expect(growth).toBeLessThan(0.1);
    expect((finalHeap - settledHeap) / settledHeap).toBeLessThan(0.1);
    const after = await settledSnapshot(before);
    expect(after.fds).toBeLessThanOrEqual(before.fds);
    expect(resourceExcess(after.resources, before.resources)).toEqual({});
  }, scale(240_000, 900_000));
});
