/**
 * Tests for addSignalHandler / removeSignalHandler: validation, delivery through the loop, close.
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_events.py (EventLoopTestsMixin signal tests) and
 * test_unix_events.py (SelectorEventLoopSignalTests), at the level of behaviour: Node delivers
 * signals as process events, so nothing here mocks the `signal` module.
 */
import { constants } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeError } from "@aio/core";
import { newEventLoop } from "../src/index.js";
import type { BaseEventLoop } from "../src/index.js";
import { runUntil } from "./support/loop-helpers.js";

const { SIGUSR1, SIGKILL, SIGSTOP, SIGINT } = constants.signals;
/** Python's signal.NSIG on Linux. */
const NSIG = 65;

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

function noop(): void {}

describe("BaseEventLoop.addSignalHandler", () => {
  // mirrors test_events.py::test_add_signal_handler
  // mirrors test_unix_events.py::test_check_signal
  it("validates the signal before installing anything", () => {
    const loop = makeLoop();
    const before = process.listenerCount("SIGUSR1");
    // Differs from CPython: a signal name is accepted (API.md), so an unknown name is a RangeError
    // (Python's ValueError), where Python raises TypeError for any str.
    expect(() => loop.addSignalHandler("boom", noop)).toThrow(RangeError);
    expect(() => loop.removeSignalHandler("boom")).toThrow(RangeError);
    expect(() => loop.addSignalHandler(1.5, noop)).toThrow(TypeError);
    expect(() => loop.addSignalHandler({} as never, noop)).toThrow(TypeError);
    for (const sig of [NSIG + 1, 0, -1]) {
      expect(() => loop.addSignalHandler(sig, noop)).toThrow(new RangeError(`invalid signal number ${sig}`));
      expect(() => loop.removeSignalHandler(sig)).toThrow(RangeError);
    }
    expect(() => loop.addSignalHandler(SIGKILL, noop)).toThrow(new RuntimeError(`sig ${SIGKILL} cannot be caught`));
    expect(() => loop.addSignalHandler(SIGSTOP, noop)).toThrow(RuntimeError);
    // Removing SIGKILL does not throw: no handler was ever installed.
    expect(loop.removeSignalHandler(SIGKILL)).toBe(false);
    expect(process.listenerCount("SIGUSR1")).toBe(before);
  });

  // mirrors test_unix_events.py::test_add_signal_handler_coroutine_error
  it("rejects an async callback", () => {
    const loop = makeLoop();
    async function simpleCoroutine(): Promise<void> {}
    expect(() => loop.addSignalHandler(SIGUSR1, simpleCoroutine)).toThrow(
      new TypeError("coroutines cannot be used with add_signal_handler()"),
    );
    expect(() => loop.addSignalHandler(SIGUSR1, "x" as never)).toThrow(TypeError);
  });

  // mirrors test_events.py::test_add_signal_handler
  // mirrors test_events.py::test_signal_handling_args
  it("calls the handler with its arguments on the loop when the process gets the signal", async () => {
    const loop = makeLoop();
    const before = process.listenerCount("SIGUSR1");
    const caught: unknown[][] = [];
    let ranOnLoop = false;
    loop.addSignalHandler(
      "SIGUSR1",
      (...args: unknown[]) => {
        ranOnLoop = loop.isRunning();
        caught.push(args);
      },
      42,
    );
    expect(process.listenerCount("SIGUSR1")).toBe(before + 1);
    process.kill(process.pid, "SIGUSR1");
    await runUntil(loop, () => caught.length > 0);
    expect(caught).toEqual([[42]]);
    expect(ranOnLoop).toBe(true);

    expect(loop.removeSignalHandler(SIGUSR1)).toBe(true);
    expect(process.listenerCount("SIGUSR1")).toBe(before);
    expect(loop.removeSignalHandler(SIGUSR1)).toBe(false);
  });

  // mirrors test_events.py::test_signal_handling_while_selecting
  it("wakes a loop that waits for a distant timer", async () => {
    const loop = makeLoop();
    let caught = 0;
    loop.addSignalHandler(SIGUSR1, () => {
      caught += 1;
      loop.stop();
    });
    const timer = loop.callLater(60, () => loop.stop());
    const kill = setTimeout(() => process.kill(process.pid, "SIGUSR1"), 5);
    try {
      await loop.runForever();
    } finally {
      clearTimeout(kill);
      timer.cancel();
    }
    expect(caught).toBe(1);
  });

  // mirrors test_unix_events.py::test_add_signal_handler
  it("replaces the previous handler for the same signal", async () => {
    const loop = makeLoop();
    const before = process.listenerCount("SIGUSR1");
    const calls: string[] = [];
    loop.addSignalHandler(SIGUSR1, () => calls.push("first"));
    loop.addSignalHandler(SIGUSR1, () => calls.push("second"));
    expect(process.listenerCount("SIGUSR1")).toBe(before + 1);
    process.kill(process.pid, "SIGUSR1");
    await runUntil(loop, () => calls.length > 0);
    expect(calls).toEqual(["second"]);
  });

  // mirrors test_unix_events.py::test_close
  it("removes every handler when the loop closes", () => {
    const loop = makeLoop();
    const usr1 = process.listenerCount("SIGUSR1");
    const int = process.listenerCount("SIGINT");
    loop.addSignalHandler(SIGUSR1, noop);
    loop.addSignalHandler(SIGINT, noop);
    expect(process.listenerCount("SIGUSR1")).toBe(usr1 + 1);
    expect(process.listenerCount("SIGINT")).toBe(int + 1);
    loop.close();
    expect(process.listenerCount("SIGUSR1")).toBe(usr1);
    expect(process.listenerCount("SIGINT")).toBe(int);
    expect(loop.removeSignalHandler(SIGUSR1)).toBe(false);
  });

  it("refuses to add a handler on a closed loop", () => {
    const loop = makeLoop();
    const before = process.listenerCount("SIGUSR1");
    loop.close();
    expect(() => loop.addSignalHandler(SIGUSR1, noop)).toThrow(new RuntimeError("Event loop is closed"));
    expect(process.listenerCount("SIGUSR1")).toBe(before);
  });
});
