/**
 * Property tests: random producers, consumers and cancellations on bounded queues deliver every
 * item exactly once, FIFO per producer (Queue) and smallest-first (PriorityQueue); a cancelled get
 * never swallows an item and a cancelled put never inserts one. fast-check prints the seed and path
 * of any failure; replay with `{ seed, path }` in fc.assert.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createTask, sleep } from "@aio/tasks";
import type { Task } from "@aio/tasks";
import { PriorityQueue, Queue } from "@aio/queues";
import { inLoop, runUntil } from "./support/loop.js";

const NUM_RUNS = 60;

type Item = [number, number, number]; // [priority, producer, sequence]

const scenarioArb = fc.record({
  maxsize: fc.integer({ min: 1, max: 4 }),
  producers: fc.array(fc.array(fc.nat(5), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  consumers: fc.integer({ min: 1, max: 4 }),
  cancels: fc.array(fc.record({ delay: fc.nat(3), index: fc.nat(10) }), { maxLength: 6 }),
});

interface Scenario {
  producers: number[][];
  consumers: number;
  cancels: { delay: number; index: number }[];
}

async function runScenario(
  queue: Queue<Item>,
  scenario: Scenario,
  onGet: (item: Item) => void,
): Promise<{ put: Item[]; got: Item[] }> {
  const put: Item[] = [];
  const got: Item[] = [];
  const producers = scenario.producers.map((priorities, producer) =>
    createTask(async () => {
      for (let seq = 0; seq < priorities.length; seq++) {
        const item: Item = [priorities[seq]!, producer, seq];
        await queue.put(item);
        put.push(item); // Runs in the same step as the insertion: a cancel cannot land between.
      }
    }),
  );
  const consumers = Array.from({ length: scenario.consumers }, () =>
    createTask(async () => {
      for (;;) {
        const item = await queue.get();
        got.push(item);
        onGet(item);
        await sleep(0);
      }
    }),
  );
  const tasks: Task<void>[] = [...producers, ...consumers];
  for (const { delay, index } of scenario.cancels) {
    for (let i = 0; i < delay; i++) await sleep(0);
    tasks[index % tasks.length]!.cancel();
  }
  await runUntil(() => producers.every((t) => t.done()) || consumers.every((t) => t.done()), 5_000);
  // Let the live consumers drain what they can, then stop everyone.
  for (let i = 0; i < 10; i++) await sleep(0);
  for (const task of tasks) task.cancel();
  await runUntil(() => tasks.every((t) => t.done()), 5_000);
  for (const task of tasks) if (!task.cancelled()) task.result();
  while (!queue.empty()) got.push(queue.getNowait());
  expect(queue._getters.length).toBe(0);
  expect(queue._putters.length).toBe(0);
  return { put, got };
}

const key = (item: Item) => `${item[1]}:${item[2]}`;

describe("Queue (property)", () => {
  it("delivers every item exactly once, in order per producer, whatever is cancelled", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await inLoop(async () => {
          const queue = new Queue<Item>(scenario.maxsize);
          const { put, got } = await runScenario(queue, scenario, () => {});
          expect(got.map(key).sort()).toEqual(put.map(key).sort());
          expect(new Set(got.map(key)).size).toBe(got.length);
          const lastSeq = new Map<number, number>();
          for (const [, producer, seq] of got) {
            expect(seq).toBeGreaterThan(lastSeq.get(producer) ?? -1);
            lastSeq.set(producer, seq);
          }
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("PriorityQueue (property)", () => {
  it("delivers every item exactly once, never before a smaller one that is waiting", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await inLoop(async () => {
          const queue = new PriorityQueue<Item>(scenario.maxsize);
          const { put, got } = await runScenario(queue, scenario, (item) => {
            for (const other of queue._queue) expect(queue._compare(item, other)).toBeLessThanOrEqual(0);
          });
          expect(got.map(key).sort()).toEqual(put.map(key).sort());
          expect(new Set(got.map(key)).size).toBe(got.length);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
