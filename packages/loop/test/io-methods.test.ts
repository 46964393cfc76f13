/**
 * Tests for the loop's delegated I/O methods: present on every loop, and an error naming the
 * package that implements them until it is loaded.
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_events.py (AbstractEventLoopTests) and
 * test_base_events.py (BaseEventLoopTests::test_not_implemented).
 */
import { describe, expect, it } from "vitest";
import { RuntimeError, _registerLoopMethods } from "@aio/core";
import { BaseEventLoop, IO_METHODS, newEventLoop } from "../src/index.js";
import type { IOMethodName } from "../src/index.js";

const STREAMS_METHODS = Object.keys(IO_METHODS).filter((name) => IO_METHODS[name as IOMethodName] === "@aio/streams");
const SUBPROCESS_METHODS = Object.keys(IO_METHODS).filter(
  (name) => IO_METHODS[name as IOMethodName] === "@aio/subprocess",
);

describe("IO_METHODS", () => {
  it("lists Python's loop I/O methods with the package that implements each", () => {
    expect(STREAMS_METHODS).toEqual(
      expect.arrayContaining(["createConnection", "createServer", "sockRecv", "addReader", "removeWriter", "getaddrinfo"]),
    );
    expect(SUBPROCESS_METHODS.sort()).toEqual(["connectReadPipe", "connectWritePipe", "subprocessExec", "subprocessShell"]);
  });
});

describe("BaseEventLoop I/O methods", () => {
  // mirrors test_events.py::test_not_implemented
  // mirrors test_events.py::test_not_implemented_async
  // mirrors test_base_events.py::test_not_implemented
  it("exist on every loop and throw a RuntimeError naming the providing package", () => {
    const loop = newEventLoop();
    try {
      for (const [name, packageName] of Object.entries(IO_METHODS)) {
        const method = (loop as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
        expect(typeof method, name).toBe("function");
        expect(() => method?.call(loop, "localhost", 8080)).toThrow(RuntimeError);
        expect(() => method?.call(loop)).toThrow(
          `loop.${name}() is provided by ${packageName}: install it and import it (or @aio/asyncio) before calling`,
        );
      }
    } finally {
      loop.close();
    }
  });

  it("call the registered implementation with the loop first, once the package registered it", () => {
    const loop = newEventLoop();
    try {
      const calls: unknown[][] = [];
      // What @aio/streams does at import time; this test process never loads it.
      _registerLoopMethods({ getnameinfo: (target, ...args: never[]) => calls.push([target, ...args]) });
      loop.getnameinfo(["127.0.0.1", 80]);
      expect(calls).toEqual([[loop, ["127.0.0.1", 80]]]);
      // A subclass sees the same methods.
      class MyLoop extends BaseEventLoop {}
      const mine = new MyLoop();
      mine.getnameinfo("x");
      expect(calls.at(-1)).toEqual([mine, "x"]);
      mine.close();
    } finally {
      loop.close();
    }
  });
});
