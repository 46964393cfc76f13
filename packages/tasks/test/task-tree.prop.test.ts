/**
 * Property test: random trees of tasks built from gather, TaskGroup, timeout, shield and plain
 * tasks, with random sleeps, failures and cancels at random points, always wind down cleanly.
 * Each run uses a fresh virtual-time loop and a bounded virtual budget; fast-check reports the
 * seed and the shrunk tree on failure.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { asyncWith } from "@aio/core";
import type { ExceptionContext } from "@aio/core";
import type { TimerHandle } from "@aio/loop";
import { Task, TaskGroup, allTasks, gather, shield, sleep, timeout } from "../src/index.js";
import { VirtualTimeLoop } from "./support/loop.js";

type TreeNode =
  | { kind: "leaf"; delay: number; fail: boolean }
  | { kind: "gather"; returnExceptions: boolean; children: TreeNode[] }
  | { kind: "group"; children: TreeNode[] }
  | { kind: "timeout"; delay: number; child: TreeNode }
  | { kind: "shield"; child: TreeNode }
  | { kind: "task"; child: TreeNode };

/** Delays in whole milliseconds of virtual time (0 is sleep(0)). */
const delay = fc.integer({ min: 0, max: 30 }).map((ms) => ms / 1000);

const tree = fc.letrec<{ node: TreeNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("leaf" as const), delay, fail: fc.integer({ min: 0, max: 3 }).map((n) => n === 0) }),
    fc.record({
      kind: fc.constant("gather" as const),
      returnExceptions: fc.boolean(),
      children: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant("group" as const), children: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant("timeout" as const), delay, child: tie("node") }),
    fc.record({ kind: fc.constant("shield" as const), child: tie("node") }),
    fc.record({ kind: fc.constant("task" as const), child: tie("node") }),
  ),
})).node;

/** Cancel requests: at a virtual time, cancel the n-th task created so far (modulo). */
const cancels = fc.array(fc.record({ at: delay, index: fc.nat({ max: 50 }) }), { maxLength: 4 });

class LeafError extends Error {}

interface RunState {
  loop: VirtualTimeLoop;
  tasks: Task<unknown>[];
  started: number;
  finallyCount: number[];
}

async function execute(node: TreeNode, state: RunState): Promise<unknown> {
  const id = state.started++;
  state.finallyCount[id] = 0;
  try {
    switch (node.kind) {
      case "leaf":
        await sleep(node.delay);
        if (node.fail) throw new LeafError(`leaf ${id}`);
        return id;
      case "gather":
        return await gather(node.children.map((child) => () => execute(child, state)), { returnExceptions: node.returnExceptions });
      case "group":
        return await asyncWith(new TaskGroup(), async (tg) => {
          for (const child of node.children) tg.createTask(() => execute(child, state));
        });
      case "timeout":
        return await asyncWith(timeout(node.delay), () => execute(node.child, state));
      case "shield":
        return await shield(() => execute(node.child, state));
      case "task":
        return await state.loop.createTask(() => execute(node.child, state));
    }
  } finally {
    state.finallyCount[id] += 1;
  }
}

/** Virtual seconds after which a run counts as hung. */
const BUDGET = 100;

async function runTree(root: TreeNode, cancelPlan: { at: number; index: number }[]): Promise<void> {
  const loop = new VirtualTimeLoop();
  const state: RunState = { loop, tasks: [], started: 0, finallyCount: [] };
  const handlerCalls: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    handlerCalls.push(context);
  });
  loop.setTaskFactory((factoryLoop, coro, options) => {
    const task = new Task(coro, { loop: factoryLoop, ...options });
    state.tasks.push(task);
    return task;
  });
  const ownTimers: TimerHandle[] = [];
  try {
    for (const { at, index } of cancelPlan) {
      ownTimers.push(loop.callAt(at, () => {
        if (state.tasks.length > 0) state.tasks[index % state.tasks.length]!.cancel();
      }));
    }
    let hung = false;
    ownTimers.push(loop.callAt(BUDGET, () => {
      hung = true;
      loop.stop();
    }));
    const rootTask = loop.createTask(() => execute(root, state));
    try {
      await loop.runUntilComplete(rootTask);
    } catch {
      // Any outcome of the root is fine: failures, cancels and timeouts are all generated.
    }
    // Let orphans (shielded work, gather siblings after a failure) finish.
    if (!hung) {
      // Built directly, not through the factory, so the random cancels never pick it.
      const drain = new Task(async () => {
        while (allTasks().size > 1 && loop.time() < BUDGET) await sleep(0.01);
      }, { loop });
      await loop.runUntilComplete(drain);
    }
    expect(hung).toBe(false);
    for (const handle of ownTimers) handle.cancel();
    expect(state.tasks.every((task) => task.done())).toBe(true);
    expect(state.finallyCount.every((count) => count === 1)).toBe(true);
    expect(allTasks(loop).size).toBe(0);
    expect(loop._ready.length).toBe(0);
    expect(loop._scheduled.data.every((timer) => timer._cancelled)).toBe(true);
    expect(handlerCalls).toEqual([]);
  } finally {
    for (const handle of ownTimers) handle.cancel();
    loop.close();
  }
}

describe("task trees (property)", () => {
  it("always finish every task, run every finally once, and leave the loop clean", async () => {
    await fc.assert(
      fc.asyncProperty(tree, cancels, async (root, cancelPlan) => {
        await runTree(root, cancelPlan);
      }),
      { numRuns: 100, verbose: 1 },
    );
  });
});
