/**
 * Tests for EventLoop and newEventLoop (and the factory hook @aio/policy uses).
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_events.py (PolicyTests::test_new_event_loop).
 */
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeError } from "@aio/core";
import { BaseEventLoop, EventLoop, _setNewEventLoopFactory, newEventLoop } from "../src/index.js";

afterEach(() => {
  _setNewEventLoopFactory(null);
});

describe("newEventLoop", () => {
  // mirrors test_events.py::test_new_event_loop
  it("returns a new, open, stopped EventLoop each time", () => {
    const first = newEventLoop();
    const second = newEventLoop();
    try {
      expect(first).toBeInstanceOf(EventLoop);
      expect(first).toBeInstanceOf(BaseEventLoop);
      expect(first).not.toBe(second);
      expect(first.isRunning()).toBe(false);
      expect(first.isClosed()).toBe(false);
    } finally {
      first.close();
      second.close();
    }
  });

  it("goes through the factory a policy installs, until it is reset", () => {
    class PolicyLoop extends BaseEventLoop {}
    _setNewEventLoopFactory(() => new PolicyLoop());
    const loop = newEventLoop();
    expect(loop).toBeInstanceOf(PolicyLoop);
    loop.close();
    _setNewEventLoopFactory(null);
    const plain = newEventLoop();
    expect(plain).toBeInstanceOf(EventLoop);
    plain.close();
  });
});

describe("EventLoop.createTask", () => {
  it("names @aio/tasks when no task class has been registered", async () => {
    // This test file never loads @aio/tasks (nor the test StepTask), as a user of @aio/loop alone.
    const loop = newEventLoop();
    try {
      const message =
        "loop.createTask() is provided by @aio/tasks: install it and import it (or @aio/asyncio) before calling";
      expect(() => loop.createTask(async () => {})).toThrow(new RuntimeError(message));
      await expect(loop.runUntilComplete(async () => {})).rejects.toThrow(message);
    } finally {
      loop.close();
    }
  });
});
