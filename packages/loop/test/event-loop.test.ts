/**
 * Tests for EventLoop and newEventLoop (and the factory hook @aio/policy uses).
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_events.py (PolicyTests::test_new_event_loop).
 */
import { afterEach, describe, expect, it } from "vitest";
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
