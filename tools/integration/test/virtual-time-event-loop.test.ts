import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeoutError, asyncWith, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { EventLoop, VirtualTimeEventLoop } from "@aio/loop";
import { createTask, gather, sleep, timeout, waitFor } from "@aio/tasks";

const loops: AbstractEventLoop[] = [];
function track<T extends AbstractEventLoop>(loop: T): T {
  loops.push(loop);
  return loop;
}
afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
  vi.restoreAllMocks();
});

/** A program with timers, tasks and callbacks; records (event, loop time since start). */
async function program(events: [string, number][]): Promise<void> {
  const loop = getRunningLoop();
  const start = loop.time();
  const mark = (name: string): void => {
    events.push([name, loop.time() - start]);
  };
  loop.callLater(0.03, () => mark("later 0.03"));
  loop.callLater(0.01, () => mark("later 0.01"));
  loop.callSoon(() => mark("soon"));
  const a = createTask(async () => {
    mark("a start");
    await sleep(0.02);
    mark("a woke");
    await sleep(0);
    mark("a after yield");
  });
  const b = createTask(async () => {
    mark("b start");
    await sleep(0.01);
    mark("b woke");
  });
  await gather(a, b);
  mark("gathered");
  try {
    await waitFor(sleep(1), 0.015);
  } catch (error) {
    mark(`waitFor ${(error as Error).name}`);
  }
  await sleep(0.04);
  mark("end");
}

describe("VirtualTimeEventLoop (addition)", () => {
  it("runs a program in the same order as the real loop, at exact virtual times", async () => {
    const realEvents: [string, number][] = [];
    await track(new EventLoop()).runUntilComplete(() => program(realEvents));
    const virtualEvents: [string, number][] = [];
    const loop = track(new VirtualTimeEventLoop());
    await loop.runUntilComplete(() => program(virtualEvents));
    expect(virtualEvents.map(([name]) => name)).toEqual(realEvents.map(([name]) => name));
    // The virtual clock reads exactly the requested delays.
    const at = Object.fromEntries(virtualEvents.map(([name, time]) => [name, Math.round(time * 1e9) / 1e9]));
    expect(at).toMatchObject({
      soon: 0,
      "a start": 0,
      "later 0.01": 0.01,
      "b woke": 0.01,
      "a woke": 0.02,
      "later 0.03": 0.03,
      "waitFor TimeoutError": 0.035,
      end: 0.075,
    });
    // The real loop never runs a timer early.
    for (const [name, time] of realEvents) {
      const expected = at[name] ?? 0;
      expect(time, name).toBeGreaterThanOrEqual(expected - 1e-9);
    }
  });

  it("sleeps an hour of virtual time without arming a single Node timer", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const loop = track(new VirtualTimeEventLoop());
    const attempts = await loop.runUntilComplete(async () => {
      // A retry-with-backoff loop, the README example.
      let delay = 1;
      let count = 0;
      while (loop.time() < 3600) {
        count += 1;
        await sleep(delay);
        delay = Math.min(delay * 2, 600);
      }
      return count;
    });
    expect(attempts).toBe(15);
    expect(loop.time()).toBe(4023);
    expect(setTimeoutSpy).not.toHaveBeenCalled();
  });

  it("fires timeout() and waitFor at the exact virtual deadline", async () => {
    const loop = track(new VirtualTimeEventLoop({ start: 100 }));
    const seen = await loop.runUntilComplete(async () => {
      const result: number[] = [];
      try {
        await asyncWith(timeout(7.5), () => sleep(50));
      } catch (error) {
        expect(error).toBeInstanceOf(TimeoutError);
        result.push(loop.time());
      }
      try {
        await waitFor(sleep(100), 5);
      } catch (error) {
        expect(error).toBeInstanceOf(TimeoutError);
        result.push(loop.time());
      }
      return result;
    });
    expect(seen).toEqual([107.5, 112.5]);
  });

  it("with autojump off, moves time only through advance()", async () => {
    const loop = track(new VirtualTimeEventLoop({ autojump: false }));
    const log: string[] = [];
    const done = loop.runUntilComplete(async () => {
      await sleep(10);
      log.push(`woke at ${loop.time()}`);
    });
    // Let the loop reach its wait: nothing happens however long we wait in real time.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual([]);
    expect(loop.time()).toBe(0);
    loop.advance(4);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log).toEqual([]);
    loop.advance(6);
    await done;
    expect(log).toEqual(["woke at 10"]);
  });

  it("does not jump while I/O is pending, and sets the clock to the deadline after a real wait", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const loop = track(new VirtualTimeEventLoop());
    loop._ioStarted();
    await loop.runUntilComplete(() => sleep(0.02));
    expect(loop.time()).toBe(0.02);
    expect(setTimeoutSpy).toHaveBeenCalled();
    loop._ioFinished();
    setTimeoutSpy.mockClear();
    await loop.runUntilComplete(() => sleep(5));
    expect(loop.time()).toBe(5.02);
    expect(setTimeoutSpy).not.toHaveBeenCalled();
  });

  it("rejects bad arguments", () => {
    expect(() => new VirtualTimeEventLoop({ start: Number.NaN })).toThrow(RangeError);
    const loop = track(new VirtualTimeEventLoop());
    expect(() => loop.advance(-1)).toThrow(RangeError);
    expect(() => loop.advance(Number.NaN)).toThrow(RangeError);
    expect(() => loop.advance("1" as unknown as number)).toThrow(TypeError);
  });

  it("gathers concurrent sleeps at the time of the longest", async () => {
    const loop = track(new VirtualTimeEventLoop());
    const result = await loop.runUntilComplete(() => gather(sleep(3, "a"), sleep(1, "b"), sleep(2, "c")));
    expect(result).toEqual(["a", "b", "c"]);
    expect(loop.time()).toBe(3);
  });
});
