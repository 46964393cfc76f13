/**
 * Tests for the order in which the loop runs callbacks, timers and task steps: Python's `_run_once`.
 * Mirrors CPython 3.13 asyncio/base_events.py (_run_once); the expected sequences were printed by
 * python3.13 running the same programs (quoted above each test).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { newEventLoop } from "../src/index.js";
import type { BaseEventLoop } from "../src/index.js";
import { installStepTasks, yieldStep } from "./support/step-task.js";

beforeAll(() => {
  installStepTasks();
});

const loops: BaseEventLoop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) {
    if (loop.isRunning()) loop.stop();
    loop.close();
  }
});

function makeLoop(): BaseEventLoop {
  const loop = newEventLoop();
  loops.push(loop);
  return loop;
}

/** Node resources of the kinds the loop could hold while waiting. */
function loopResources(): { timeouts: number; immediates: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    timeouts: resources.filter((kind) => kind === "Timeout").length,
    immediates: resources.filter((kind) => kind === "Immediate").length,
  };
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("BaseEventLoop iteration order", () => {
  it("runs callbacks in FIFO order", async () => {
    const loop = makeLoop();
    const order: number[] = [];
    for (let i = 0; i < 50; i++) loop.callSoon(() => order.push(i));
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  // Python 3.13, same program with call_soon:
  //   ['a', 'b', "a's child", "b's child"]
  it("runs a callback scheduled during an iteration in the next one", async () => {
    const loop = makeLoop();
    const events: string[] = [];
    let iteration = 0;
    loop.callSoon(() => {
      events.push("a");
      loop.callSoon(() => events.push("a's child"));
    });
    loop.callSoon(() => {
      events.push("b");
      loop.callSoon(() => {
        events.push("b's child");
        loop.stop();
      });
    });
    // Count iterations with one-iteration runs: the children must not run in the first.
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    iteration += 1;
    expect(events).toEqual(["a", "b"]);
    await loop.runForever();
    iteration += 1;
    expect(events).toEqual(["a", "b", "a's child", "b's child"]);
    expect(iteration).toBe(2);
  });

  it("runs timers in deadline order, FIFO among equal deadlines, after the ready callbacks", async () => {
    const loop = makeLoop();
    const order: string[] = [];
    const base = loop.time() - 1;
    loop.callAt(base + 0.3, () => order.push("t3"));
    loop.callAt(base + 0.1, () => order.push("t1a"));
    loop.callAt(base + 0.2, () => order.push("t2"));
    loop.callAt(base + 0.1, () => order.push("t1b"));
    loop.callAt(base + 0.1, () => order.push("t1c"));
    loop.callSoon(() => order.push("soon"));
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    // CPython _run_once: due timers are appended to _ready after what is already there.
    expect(order).toEqual(["soon", "t1a", "t1b", "t1c", "t2", "t3"]);
  });

  it("never fires a timer before its deadline", async () => {
    const loop = makeLoop();
    const early: number[] = [];
    let fired = 0;
    const delays = [0, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02];
    for (const delay of delays) {
      const timer = loop.callLater(delay, () => {
        fired += 1;
        if (loop.time() < timer.when()) early.push(delay);
        if (fired === delays.length) loop.stop();
      });
    }
    await loop.runForever();
    expect(early).toEqual([]);
  });

  it("holds no Node timer or immediate while idle, and wakes for callSoonThreadsafe", async () => {
    const loop = makeLoop();
    await turn();
    const baseline = loopResources();
    const running = loop.runForever();
    // Let the loop run its first (empty) iteration and go idle.
    await turn();
    await turn();
    expect(loop.isRunning()).toBe(true);
    expect(loopResources()).toEqual(baseline);

    // A timer arms exactly one Node timeout; cancelling it and waking leaves none behind.
    const timer = loop.callLater(3600, () => undefined);
    loop.callSoonThreadsafe(() => undefined);
    await turn();
    await turn();
    expect(loopResources()).toEqual({ ...baseline, timeouts: baseline.timeouts + 1 });
    timer.cancel();
    loop.callSoonThreadsafe(() => undefined);
    await turn();
    await turn();
    expect(loopResources()).toEqual(baseline);

    loop.callSoonThreadsafe(() => loop.stop());
    await running;
    expect(loopResources()).toEqual(baseline);
  });

  // The same program in Python 3.13 (tasks a and b, futures f1 and f2, a self-rescheduling tick):
  //
  //   f1.add_done_callback(lambda f: ev.append("f1 done callback"))
  //   async def a():
  //       ev.append("a start"); ev.append(f"a got {await f1}"); ev.append(f"a got {await f2}")
  //       return "a result"
  //   async def b():
  //       ev.append("b start"); ev.append(f"b got {await f1}")
  //       loop.call_soon(ev.append, "soon from b"); await asyncio.sleep(0); ev.append("b after sleep(0)")
  //   def tick():  # n += 1; ev.append(f"tick {n}")
  //       n == 2: call_soon("soon before f1"); f1.set_result(1); call_soon("soon after f1")
  //       n == 3: f2.set_result(2); call_later(0, ev.append, "timer 0")
  //       n < 6: call_soon(tick) else loop.stop()
  //   ta = create_task(a()); tb = create_task(b()); call_soon(tick)
  //   ta.add_done_callback(lambda t: ev.append(f"a done callback {t.result()}")); run_forever()
  //
  // printed this sequence:
  const PYTHON_SEQUENCE = [
    "a start",
    "b start",
    "tick 1",
    "tick 2",
    "soon before f1",
    "f1 done callback",
    "a got 1",
    "b got 1",
    "soon after f1",
    "tick 3",
    "soon from b",
    "b after sleep(0)",
    "a got 2",
    "tick 4",
    "timer 0",
    "a done callback a result",
    "tick 5",
    "tick 6",
  ];

  it("resumes a task in the iteration after its future completes, in its place among the callbacks", async () => {
    const loop = makeLoop();
    const events: string[] = [];
    const f1 = loop.createFuture<number>();
    const f2 = loop.createFuture<number>();
    f1.addDoneCallback(() => events.push("f1 done callback"));
    async function a(): Promise<string> {
      events.push("a start");
      events.push(`a got ${await f1}`);
      events.push(`a got ${await f2}`);
      return "a result";
    }
    async function b(): Promise<void> {
      events.push("b start");
      events.push(`b got ${await f1}`);
      loop.callSoon((text: string) => events.push(text), "soon from b");
      await yieldStep();
      events.push("b after sleep(0)");
    }
    let n = 0;
    const tick = (): void => {
      n += 1;
      events.push(`tick ${n}`);
      if (n === 2) {
        loop.callSoon((text: string) => events.push(text), "soon before f1");
        f1.setResult(1);
        loop.callSoon((text: string) => events.push(text), "soon after f1");
      }
      if (n === 3) {
        f2.setResult(2);
        loop.callLater(0, (text: string) => events.push(text), "timer 0");
      }
      if (n < 6) loop.callSoon(tick);
      else loop.stop();
    };
    const taskA = loop.createTask(a);
    loop.createTask(b);
    loop.callSoon(tick);
    taskA.addDoneCallback((task) => events.push(`a done callback ${String(task.result())}`));
    await loop.runForever();
    expect(events).toEqual(PYTHON_SEQUENCE);
  });

  it("keeps Python's order when a task awaits through several async functions", async () => {
    // Python 3.13: the same shape with `await inner()` around the futures prints the same sequence,
    // since a nested coroutine suspends its caller's task at the innermost await.
    const loop = makeLoop();
    const events: string[] = [];
    const future = loop.createFuture<string>();
    async function innermost(): Promise<string> {
      return await future;
    }
    async function middle(): Promise<string> {
      return `(${await innermost()})`;
    }
    loop.createTask(async () => {
      events.push("task start");
      events.push(`task got ${await middle()}`);
    });
    loop.callSoon(() => {
      events.push("cb 1");
      loop.callSoon(() => events.push("cb 2 (next iteration)"));
      future.setResult("x");
      loop.callSoon(() => {
        events.push("cb 3 (next iteration, after the wakeup)");
        loop.stop();
      });
    });
    await loop.runForever();
    expect(events).toEqual([
      "task start",
      "cb 1",
      "cb 2 (next iteration)",
      "task got (x)",
      "cb 3 (next iteration, after the wakeup)",
    ]);
  });
});
