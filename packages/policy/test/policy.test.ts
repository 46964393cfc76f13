import { afterEach, describe, expect, it, vi } from "vitest";
import { NotImplementedError, RuntimeError, _getEventLoop, _getRunningLoop, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { Future } from "@aio/futures";
import { BaseEventLoop, EventLoop, newEventLoop as loopNewEventLoop } from "@aio/loop";
import { Runner, run } from "@aio/tasks";
import {
  AbstractEventLoopPolicy,
  DefaultEventLoopPolicy,
  getEventLoop,
  getEventLoopPolicy,
  newEventLoop,
  setEventLoop,
  setEventLoopPolicy,
} from "../src/index.js";

class TestError extends Error {}

/** A user-written loop class, as uvloop is to Python. */
class MyLoop extends EventLoop {}

class MyPolicy extends DefaultEventLoopPolicy {
  override newEventLoop(): AbstractEventLoop {
    return new MyLoop();
  }
}

const opened: AbstractEventLoop[] = [];
function track<T extends AbstractEventLoop>(loop: T): T {
  opened.push(loop);
  return loop;
}

afterEach(() => {
  setEventLoopPolicy(null);
  for (const loop of opened.splice(0)) if (!loop.isRunning()) loop.close();
  vi.restoreAllMocks();
});

describe("AbstractEventLoopPolicy", () => {
  // mirrors test_events.py::test_event_loop_policy
  it("raises NotImplementedError from every method", () => {
    const policy = new AbstractEventLoopPolicy();
    expect(() => policy.getEventLoop()).toThrow(NotImplementedError);
    expect(() => policy.setEventLoop(null)).toThrow(NotImplementedError);
    expect(() => policy.newEventLoop()).toThrow(NotImplementedError);
  });
});

describe("DefaultEventLoopPolicy", () => {
  // mirrors test_events.py::test_get_event_loop
  it("creates and remembers a loop on first getEventLoop, with a DeprecationWarning", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const policy = new DefaultEventLoopPolicy();
    expect(policy._loop).toBeNull();
    const loop = track(policy.getEventLoop());
    expect(loop).toBeInstanceOf(BaseEventLoop);
    expect(policy._loop).toBe(loop);
    expect(policy.getEventLoop()).toBe(loop);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toBe("There is no current event loop");
  });

  // mirrors test_events.py::test_get_event_loop_calls_set_event_loop
  it("stores the created loop through setEventLoop", () => {
    vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const policy = new DefaultEventLoopPolicy();
    const setSpy = vi.spyOn(policy, "setEventLoop");
    const loop = track(policy.getEventLoop());
    expect(setSpy).toHaveBeenCalledWith(loop);
  });

  // mirrors test_events.py::test_get_event_loop_after_set_none
  it("raises RuntimeError after setEventLoop(null)", () => {
    const policy = new DefaultEventLoopPolicy();
    policy.setEventLoop(null);
    expect(() => policy.getEventLoop()).toThrow(RuntimeError);
    expect(() => policy.getEventLoop()).toThrow(/There is no current event loop/);
  });

  // mirrors test_events.py::test_new_event_loop
  it("makes a new EventLoop each time", () => {
    const policy = new DefaultEventLoopPolicy();
    const loop = track(policy.newEventLoop());
    expect(loop).toBeInstanceOf(EventLoop);
    expect(track(policy.newEventLoop())).not.toBe(loop);
  });

  // mirrors test_events.py::test_set_event_loop
  it("sets the current loop and rejects non-loops", () => {
    const policy = new DefaultEventLoopPolicy();
    const oldLoop = track(policy.newEventLoop());
    policy.setEventLoop(oldLoop);
    expect(() => policy.setEventLoop({} as AbstractEventLoop)).toThrow(TypeError);
    expect(() => policy.setEventLoop({} as AbstractEventLoop)).toThrow(
      "loop must be an instance of AbstractEventLoop or None, not 'Object'",
    );
    const loop = track(policy.newEventLoop());
    policy.setEventLoop(loop);
    expect(policy.getEventLoop()).toBe(loop);
    expect(policy.getEventLoop()).not.toBe(oldLoop);
  });
});

describe("getEventLoopPolicy", () => {
  // mirrors test_events.py::test_get_event_loop_policy
  it("returns the same default policy each time", () => {
    const policy = getEventLoopPolicy();
    expect(policy).toBeInstanceOf(AbstractEventLoopPolicy);
    expect(getEventLoopPolicy()).toBe(policy);
  });
});

describe("setEventLoopPolicy", () => {
  // mirrors test_events.py::test_set_event_loop_policy
  it("sets the policy, rejects non-policies, and null restores a default", () => {
    expect(() => setEventLoopPolicy({} as AbstractEventLoopPolicy)).toThrow(TypeError);
    const oldPolicy = getEventLoopPolicy();
    const policy = new DefaultEventLoopPolicy();
    setEventLoopPolicy(policy);
    expect(getEventLoopPolicy()).toBe(policy);
    expect(policy).not.toBe(oldPolicy);
    setEventLoopPolicy(null);
    expect(getEventLoopPolicy()).toBeInstanceOf(DefaultEventLoopPolicy);
    expect(getEventLoopPolicy()).not.toBe(policy);
  });
});

describe("getEventLoop", () => {
  // mirrors test_events.py::test_get_event_loop_returns_running_loop
  it("returns the running loop whatever the policy says", async () => {
    class Policy extends DefaultEventLoopPolicy {
      override getEventLoop(): AbstractEventLoop {
        throw new TestError();
      }
    }
    setEventLoopPolicy(new Policy());
    const loop = track(newEventLoop());
    expect(() => getEventLoop()).toThrow(TestError);
    setEventLoop(null);
    expect(() => getEventLoop()).toThrow(TestError);
    expect(() => getRunningLoop()).toThrow(/no running/);
    expect(_getRunningLoop()).toBeNull();
    await loop.runUntilComplete(async () => {
      expect(getEventLoop()).toBe(loop);
      expect(getRunningLoop()).toBe(loop);
      expect(_getRunningLoop()).toBe(loop);
    });
    setEventLoop(loop);
    expect(() => getEventLoop()).toThrow(TestError);
    expect(() => getRunningLoop()).toThrow(/no running/);
  });

  // mirrors test_events.py::test_get_event_loop_returns_running_loop2
  it("falls back to the policy's loop outside a running loop", async () => {
    vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    setEventLoopPolicy(new DefaultEventLoopPolicy());
    const loop = track(newEventLoop());
    const loop2 = track(getEventLoop());
    expect(loop2).not.toBe(loop);
    setEventLoop(null);
    expect(() => getEventLoop()).toThrow(/no current/);
    await loop.runUntilComplete(async () => {
      expect(getEventLoop()).toBe(loop);
    });
    setEventLoop(loop);
    expect(getEventLoop()).toBe(loop);
    setEventLoop(null);
    expect(() => getEventLoop()).toThrow(/no current/);
  });

  it("lets a Future made outside a running loop bind to the policy's current loop", () => {
    const loop = track(newEventLoop());
    setEventLoop(loop);
    expect(_getEventLoop()).toBe(loop);
    expect(new Future().getLoop()).toBe(loop);
  });
});

describe("custom loop class (uvloop-style plug-in)", () => {
  it("is picked up by newEventLoop, @aio/loop's newEventLoop, run and Runner", async () => {
    setEventLoopPolicy(new MyPolicy());
    expect(track(newEventLoop())).toBeInstanceOf(MyLoop);
    expect(track(loopNewEventLoop())).toBeInstanceOf(MyLoop);
    const loopClass = await run(async () => getRunningLoop().constructor);
    expect(loopClass).toBe(MyLoop);
    const runner = new Runner();
    try {
      expect(runner.getLoop()).toBeInstanceOf(MyLoop);
      expect(await runner.run(async () => 7)).toBe(7);
    } finally {
      await runner.close();
    }
  });

  it("is picked up by run({ loopFactory }) without a policy", async () => {
    const loopClass = await run(async () => getRunningLoop().constructor, { loopFactory: () => new MyLoop() });
    expect(loopClass).toBe(MyLoop);
  });

  it("run() sets the policy's current loop while it runs and clears it after", async () => {
    const seen = await run(async () => getEventLoopPolicy().getEventLoop());
    expect(seen).toBeInstanceOf(EventLoop);
    expect(() => getEventLoopPolicy().getEventLoop()).toThrow(/no current/);
  });
});
