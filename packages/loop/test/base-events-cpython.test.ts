/**
 * Loop-level tests of CPython 3.13 Lib/test/test_asyncio/test_base_events.py and test_events.py
 * not ported elsewhere in this package. Mirrors EventLoopTestsMixin (test_events.py).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { newEventLoop } from "../src/index.js";
import type { BaseEventLoop } from "../src/index.js";
import { installStepTasks, sleepStep } from "./support/step-task.js";

beforeAll(() => {
  installStepTasks();
});

const loops: BaseEventLoop[] = [];

function makeLoop(): BaseEventLoop {
  const loop = newEventLoop();
  loops.push(loop);
  return loop;
}

afterEach(() => {
  for (const loop of loops.splice(0)) {
    if (loop.isRunning()) loop.stop();
    loop.close();
  }
});

describe("BaseEventLoop timers", () => {
  // mirrors test_events.py::test_timeout_rounding
  it("does not spin on timers shorter than the clock resolution", async () => {
    const loop = makeLoop();
    const runOnce = loop._runOnce;
    let iterations = 0;
    // The loop reads `_runOnce` from the instance at every iteration (Python patches it the same way).
    (loop as { _runOnce: () => void })._runOnce = () => {
      iterations += 1;
      runOnce();
    };
    await loop.runUntilComplete(async () => {
      await sleepStep(loop, 1e-2);
      await sleepStep(loop, 1e-4);
      await sleepStep(loop, 1e-6);
      await sleepStep(loop, 1e-8);
      await sleepStep(loop, 1e-10);
    });
    // CPython: "The ideal number of call is 12 ... Tolerate a few useless calls".
    expect(iterations).toBeGreaterThanOrEqual(6);
    expect(iterations).toBeLessThanOrEqual(20);
  });
});
