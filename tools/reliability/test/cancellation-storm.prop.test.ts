/**
 * Cancellation storms: random trees of tasks, TaskGroups, timeouts, waitFor, shields, gathers,
 * queues, locks and semaphores, cancelled at random points; after each run nothing is left over.
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CancelledError, ExceptionGroup, QueueShutDown, TimeoutError, asyncWith } from "@aio/core";
import type { ExceptionContext } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { Queue } from "@aio/queues";
import { Lock, Semaphore } from "@aio/sync";
import type { Task} from "@aio/tasks";
import { TaskGroup, allTasks, createTask, gather, shield, sleep, timeout, waitFor } from "@aio/tasks";
import { recordFigures, scale } from "./support/reliability.js";

type Tree =
  | { t: "leaf"; steps: number; timer: boolean; fail: boolean }
  | { t: "group"; children: Tree[] }
  | { t: "gather"; children: Tree[]; returnExceptions: boolean }
  | { t: "timeout"; delay: number | null; child: Tree }
  | { t: "waitFor"; delay: number | null; child: Tree }
  | { t: "shield"; child: Tree }
  | { t: "lock"; child: Tree }
  | { t: "sem"; child: Tree }
  | { t: "queue"; producers: number; consumers: number; items: number; maxsize: number };

class LeafError extends Error {
  override name = "LeafError";
}

const MAX_DEPTH = 5;
const delay = fc.constantFrom(0, 0.001, 0.002, null);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "medium", maxDepth: MAX_DEPTH, withCrossShrink: true },
    fc.record({ t: fc.constant("leaf" as const), steps: fc.nat(4), timer: fc.boolean(), fail: fc.boolean() }),
    fc.record({ t: fc.constant("group" as const), children: fc.array(tie("tree"), { maxLength: 4 }) }),
    fc.record({ t: fc.constant("gather" as const), children: fc.array(tie("tree"), { maxLength: 4 }), returnExceptions: fc.boolean() }),
    fc.record({ t: fc.constant("timeout" as const), delay, child: tie("tree") }),
    fc.record({ t: fc.constant("waitFor" as const), delay, child: tie("tree") }),
    fc.record({ t: fc.constant("shield" as const), child: tie("tree") }),
    fc.record({ t: fc.constant("lock" as const), child: tie("tree") }),
    fc.record({ t: fc.constant("sem" as const), child: tie("tree") }),
    fc.record({
      t: fc.constant("queue" as const),
      producers: fc.integer({ min: 1, max: 3 }),
      consumers: fc.integer({ min: 1, max: 3 }),
      items: fc.integer({ min: 0, max: 6 }),
      maxsize: fc.nat(3),
    }),
  ),
}));
/** Cancels: wait this many loop iterations, then cancel the n-th task created so far (modulo). */
const cancels = fc.array(fc.tuple(fc.nat(6), fc.nat(1000), fc.boolean()), { maxLength: 12 });

const SEM_VALUE = 2;
/** Node-time bound of one run; far above what a run needs on a loaded machine. */
const RUN_LIMIT_MS = 15_000;

/** One run's bookkeeping. */
class Run {
  tasks: Task<unknown>[] = [];
  started = new Map<number, number>();
  finals = new Map<number, number>();
  violations: string[] = [];
  // One lock and one semaphore per tree depth: a lock nested in a lock would deadlock on a shared
  // Lock (it is not reentrant, as in Python); by depth, every path acquires in increasing order.
  locks = Array.from({ length: MAX_DEPTH + 2 }, () => new Lock());
  sems = Array.from({ length: MAX_DEPTH + 2 }, () => new Semaphore(SEM_VALUE));
  lockHolders = new Array<number>(MAX_DEPTH + 2).fill(0);
  semHolders = new Array<number>(MAX_DEPTH + 2).fill(0);
  nextId = 0;
  cancelsRequested = 0;
  itemsMoved = 0;

  spawn<T>(coro: () => Promise<T>, group?: TaskGroup): Task<T> {
    const task = group === undefined ? createTask(coro) : group.createTask(coro);
    this.tasks.push(task);
    return task;
  }

  async exec(node: Tree, depth = 0): Promise<void> {
    const id = this.nextId++;
    this.started.set(id, (this.started.get(id) ?? 0) + 1);
    try {
      await this.body(node, depth);
    } finally {
      this.finals.set(id, (this.finals.get(id) ?? 0) + 1);
    }
  }

  async body(node: Tree, depth: number): Promise<void> {
    switch (node.t) {
      case "leaf":
        for (let i = 0; i < node.steps; i++) await sleep(node.timer ? 0.001 : 0);
        if (node.fail) throw new LeafError("leaf failed");
        return;
      case "group":
        await asyncWith(new TaskGroup(), async (group) => {
          for (const child of node.children) this.spawn(() => this.exec(child, depth + 1), group);
        });
        return;
      case "gather": {
        const children = node.children.map((child) => this.spawn(() => this.exec(child, depth + 1)));
        await gather(...children, { returnExceptions: node.returnExceptions });
        return;
      }
      case "timeout":
        await asyncWith(timeout(node.delay), () => this.exec(node.child, depth + 1));
        return;
      case "waitFor":
        await waitFor(() => this.exec(node.child, depth + 1), node.delay);
        return;
      case "shield": {
        const inner = this.spawn(() => this.exec(node.child, depth + 1));
        await shield(inner);
        return;
      }
      case "lock":
        await asyncWith(this.locks[depth]!, async () => {
          if (++this.lockHolders[depth]! > 1) this.violations.push("two lock holders");
          try {
            await this.exec(node.child, depth + 1);
          } finally {
            this.lockHolders[depth]!--;
          }
        });
        return;
      case "sem":
        await asyncWith(this.sems[depth]!, async () => {
          if (++this.semHolders[depth]! > SEM_VALUE) this.violations.push("semaphore over-acquired");
          try {
            await this.exec(node.child, depth + 1);
          } finally {
            this.semHolders[depth]!--;
          }
        });
        return;
      case "queue":
        await this.queue(node);
        return;
    }
  }

  /** Producers and consumers on one queue: every item put is got once or still queued. */
  async queue(node: Extract<Tree, { t: "queue" }>): Promise<void> {
    const queue = new Queue<string>(node.maxsize);
    const produced: string[] = [];
    const consumed: string[] = [];
    try {
      await asyncWith(new TaskGroup(), async (outer) => {
        const consumers = Array.from({ length: node.consumers }, () =>
          this.spawn(async () => {
            for (;;) {
              let item: string;
              try {
                item = await queue.get();
              } catch (error) {
                if (error instanceof QueueShutDown) return;
                throw error;
              }
              consumed.push(item);
              queue.taskDone();
              await sleep(0);
            }
          }, outer),
        );
        const producers = Array.from({ length: node.producers }, (_, p) =>
          this.spawn(async () => {
            for (let i = 0; i < node.items; i++) {
              const item = `${p}:${i}`;
              await queue.put(item);
              produced.push(item);
            }
          }),
        );
        try {
          // A storm may cancel every consumer, leaving producers blocked in put() for good (as in
          // Python): a timeout bounds that deadlock of the program, not of the library.
          await asyncWith(timeout(0.05), () => gather(...producers, { returnExceptions: true }));
        } finally {
          for (const producer of producers) if (!producer.done()) producer.cancel();
          queue.shutdown();
        }
        void consumers;
      });
    } finally {
      const left = [...(queue as unknown as { _queue: { toArray(): string[] } })._queue.toArray()];
      const seen = [...consumed, ...left].sort();
      const expected = [...produced].sort();
      if (JSON.stringify(seen) !== JSON.stringify(expected)) {
        this.violations.push(`queue items: produced ${JSON.stringify(expected)}, got+left ${JSON.stringify(seen)}`);
      }
      this.itemsMoved += consumed.length;
    }
  }
}

/** True for every outcome a tree may legitimately end with. */
function expectedOutcome(error: unknown): boolean {
  if (error instanceof ExceptionGroup) return error.exceptions.every(expectedOutcome);
  return error instanceof LeafError || error instanceof CancelledError || error instanceof TimeoutError;
}

const totals = { runs: 0, tasks: 0, cancelsRequested: 0, tasksCancelled: 0, finallyBlocks: 0, queueItems: 0 };
const unexpected: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unexpected.push(reason);
};

async function storm(shape: Tree, plan: [number, number, boolean][]): Promise<void> {
  const loop = newEventLoop();
  const handlerCalls: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => handlerCalls.push(context));
  const run = new Run();
  let outcome: unknown = null;
  let watchdog: NodeJS.Timeout | undefined;
  try {
    const running = loop.runUntilComplete(async () => {
      const main = allTasks(loop);
      const root = run.spawn(() => run.exec(shape));
      const canceller = createTask(async () => {
        for (const [wait, pick, withMessage] of plan) {
          for (let i = 0; i < wait; i++) await sleep(0);
          const target = run.tasks[pick % run.tasks.length];
          run.cancelsRequested++;
          target?.cancel(withMessage ? "storm" : undefined);
        }
      });
      try {
        await root;
      } catch (error) {
        outcome = error;
      }
      await canceller;
      // Shielded inner tasks and gather children may outlive the root: wait for them (bounded).
      for (let i = 0; i < 5_000 && allTasks(loop).size > main.size; i++) await sleep(i < 100 ? 0 : 0.001);
      expect([...allTasks(loop)].filter((task) => !main.has(task))).toEqual([]);
    });
    // A hang is a failure with a report, not a vitest timeout: dump the tasks, stop the loop and
    // wait for it to stop, so the next run starts on a quiet process.
    const hang = { report: null as string | null };
    watchdog = setTimeout(() => {
      hang.report = [...allTasks(loop)].map(String).join("; ");
      // stop() alone is only noticed at the next iteration; an idle loop needs a wake-up.
      loop.callSoonThreadsafe(() => loop.stop());
    }, RUN_LIMIT_MS);
    try {
      await running;
    } catch (error) {
      // After a hang, the loop's "stopped before Future completed" is a consequence: report the hang.
      if (hang.report === null) throw error;
    }
    if (hang.report !== null) throw new Error(`storm run hung; tasks left: ${hang.report}`);
    // After the run: nothing ready that is not the loop's own stop, no live timer.
    const liveTimers = (loop._scheduled as unknown as { data: { cancelled(): boolean }[] }).data.filter((h) => !h.cancelled());
    expect(liveTimers).toHaveLength(0);
    expect(allTasks(loop).size).toBe(0);
  } finally {
    clearTimeout(watchdog);
    loop.close();
  }
  if (outcome !== null) expect(expectedOutcome(outcome), `unexpected outcome ${(outcome as Error).name}: ${(outcome as Error).message}`).toBe(true);
  expect(run.tasks.every((task) => task.done())).toBe(true);
  for (const [id, count] of run.started) {
    expect(count, `node ${id} started twice`).toBe(1);
    expect(run.finals.get(id), `node ${id}: finally ran ${run.finals.get(id) ?? 0} times`).toBe(1);
  }
  expect(run.violations).toEqual([]);
  for (const lock of run.locks) {
    expect(lock.locked()).toBe(false);
    expect(lock._waiters?.length ?? 0).toBe(0);
  }
  for (const sem of run.sems) {
    expect(sem._value).toBe(SEM_VALUE);
    expect(sem._waiters?.length ?? 0).toBe(0);
  }
  expect(handlerCalls.map((c) => c.message)).toEqual([]);
  totals.runs++;
  totals.tasks += run.tasks.length;
  totals.cancelsRequested += run.cancelsRequested;
  totals.tasksCancelled += run.tasks.filter((task) => task.cancelled()).length;
  totals.finallyBlocks += run.finals.size;
  totals.queueItems += run.itemsMoved;
}

describe("cancellation storm", () => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
  });

  it(
    "leaves every task done, every finally run once, no permit or item lost, nothing pending",
    async () => {
      await fc.assert(fc.asyncProperty(tree, cancels, storm), {
        numRuns: scale(1500, 10000),
        verbose: 1,
      });
      // Never-retrieved exceptions are reported at garbage collection: collect, let the loop turn.
      globalThis.gc?.();
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unexpected).toEqual([]);
      recordFigures("cancellation-storm", totals);
    },
    scale(180_000, 900_000),
  );
});
