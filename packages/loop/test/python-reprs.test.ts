/**
 * Reprs and messages of the loop as CPython 3.13 prints them (each expected value is
 * python3.13's output for the program in the comment above it).
 */
import { describe, expect, it } from "vitest";
import { ContextVar } from "@aio/core";
import type { ExceptionContext } from "@aio/core";
import { Future } from "@aio/futures";
import { newEventLoop } from "../src/index.js";
import { captureLog, runBriefly } from "./support/loop-helpers.js";

function cb(..._args: unknown[]): void {}

describe("Python reprs of the loop", () => {
  // loop.set_debug(True); repr(loop.call_soon(cb, X)) shows reprlib.repr of each argument:
  //   cb(True, False) / cb([1, 2, 3]) / cb([0, 1, 2, 3, 4, 5, ...]) / cb([[1, [2, [...]]]])
  //   cb('aaaaaaaaaaaa...bbbbbbbbbbbbb') / cb("it's") / cb(None, 1.5, {'a': 1})
  it("shows a debug handle's arguments with reprlib", () => {
    const loop = newEventLoop();
    try {
      loop.setDebug(true);
      const shown = (...args: unknown[]): string => {
        const handle = loop.callSoon(cb, ...args);
        handle.cancel();
        return String(handle).replace(/^<Handle cancelled /, "").replace(/ created at .*>$/, "").replace(/>$/, "");
      };
      expect(shown(true, false)).toBe("cb(True, False)");
      expect(shown([1, 2, 3])).toBe("cb([1, 2, 3])");
      expect(shown([...Array(10).keys()])).toBe("cb([0, 1, 2, 3, 4, 5, ...])");
      expect(shown("a".repeat(25) + "b".repeat(25))).toBe("cb('aaaaaaaaaaaa...bbbbbbbbbbbbb')");
      expect(shown("it's")).toBe(`cb("it's")`);
      expect(shown(null, 1.5, { a: 1 })).toBe("cb(None, 1.5, {'a': 1})");
    } finally {
      loop.close();
    }
  });

  // repr(loop) -> <_UnixSelectorEventLoop running=False closed=False debug=False>;
  // loop.call_later(math.inf, f) -> <TimerHandle when=inf f()>
  it("prints Python booleans in the loop repr and inf in a timer's", () => {
    const loop = newEventLoop();
    try {
      expect(String(loop)).toBe("<EventLoop running=False closed=False debug=False>");
      const timer = loop.callLater(Infinity, cb);
      expect(String(timer)).toBe("<TimerHandle when=inf cb()>");
      timer.cancel();
    } finally {
      loop.close();
    }
  });

  // loop.set_exception_handler('x') -> TypeError: A callable object or None is expected, got 'x'
  it("shows the refused exception handler by its repr", () => {
    const loop = newEventLoop();
    try {
      expect(() => loop.setExceptionHandler("x" as never)).toThrow(new TypeError("A callable object or None is expected, got 'x'"));
      expect(() => loop.setExceptionHandler([1, 2] as never)).toThrow(new TypeError("A callable object or None is expected, got [1, 2]"));
      expect(() => loop.setExceptionHandler(true as never)).toThrow(new TypeError("A callable object or None is expected, got True"));
    } finally {
      loop.close();
    }
  });

  // A handler that raises, then call_exception_handler({'message': 'm1'}): the log line reads
  //   context: {'message': 'm1'}
  it("logs the context of a failing handler as a Python dict", () => {
    const loop = newEventLoop();
    const log = captureLog();
    try {
      loop.setExceptionHandler(() => {
        throw new Error("handler broke");
      });
      loop.callExceptionHandler({ message: "m1" });
      const text = log.records.map((record) => record.message).join("\n");
      expect(text).toContain("Unhandled error in exception handler");
      expect(text).toContain("context: {'message': 'm1'}");
    } finally {
      log.restore();
      loop.close();
    }
  });

  // f.set_result("x" * 30); repr(f) -> <Future finished result='xxxxxxxxxxxx...xxxxxxxxxxxxx'>
  // (reprlib cuts once the repr with its quotes is longer than 30; 28 characters stay whole)
  it("cuts a result string as reprlib does at 29 and 30 characters", () => {
    const loop = newEventLoop();
    try {
      const shown = (text: string): string => {
        const future = new Future<string>({ loop });
        future.setResult(text);
        return String(future);
      };
      expect(shown("x".repeat(30))).toBe("<Future finished result='xxxxxxxxxxxx...xxxxxxxxxxxxx'>");
      expect(shown("x".repeat(29))).toBe("<Future finished result='xxxxxxxxxxxx...xxxxxxxxxxxxx'>");
      expect(shown("x".repeat(28))).toBe(`<Future finished result='${"x".repeat(28)}'>`);
    } finally {
      loop.close();
    }
  });

  // var.reset("tok") -> TypeError: expected an instance of Token, got 'tok'; reset(None) -> got None
  it("shows a wrong token by its repr", () => {
    const variable = new ContextVar<number>("v");
    expect(() => variable.reset("tok" as never)).toThrow(new TypeError("expected an instance of Token, got 'tok'"));
    expect(() => variable.reset(null as never)).toThrow(new TypeError("expected an instance of Token, got None"));
  });

  // A future awaited by run_until_complete shows cb=[_run_until_complete_cb()] in its repr.
  it("names run_until_complete's done callback as Python does", async () => {
    const loop = newEventLoop();
    try {
      const future = new Future<number>({ loop });
      let seen = "";
      loop.callSoon(() => {
        seen = String(future);
        future.setResult(1);
      });
      await loop.runUntilComplete(future);
      expect(seen).toBe("<Future pending cb=[_run_until_complete_cb()]>");
    } finally {
      loop.close();
    }
  });

  // Debug mode: a failing done callback's context has a source_traceback, as call_soon records one:
  //   ['exception', 'handle', 'message', 'source_traceback']
  it("records where a debug-mode done callback was scheduled", async () => {
    const loop = newEventLoop();
    try {
      loop.setDebug(true);
      const contexts: ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => contexts.push(context));
      const future = new Future<number>({ loop });
      future.addDoneCallback(() => {
        throw new Error("bad");
      });
      future.setResult(1);
      await runBriefly(loop);
      expect(contexts.map((context) => Object.keys(context).sort())).toEqual([["exception", "handle", "message", "source_traceback"]]);
    } finally {
      loop.close();
    }
  });
});
