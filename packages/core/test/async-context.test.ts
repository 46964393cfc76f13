import { describe, expect, it } from "vitest";
import { asyncWith, enter } from "../src/index.js";
import type { AsyncContextManager } from "../src/index.js";

/** A context manager that records its calls; `suppress` is what aexit returns. */
class Recorder implements AsyncContextManager<string> {
  readonly events: unknown[] = [];
  suppress: boolean | void;
  constructor(suppress?: boolean) {
    this.suppress = suppress;
  }
  async aenter(): Promise<string> {
    this.events.push("aenter");
    await Promise.resolve();
    return "value";
  }
  async aexit(error: unknown): Promise<boolean | void> {
    this.events.push(["aexit", error]);
    await Promise.resolve();
    return this.suppress;
  }
}

describe("asyncWith", () => {
  it("passes aenter's value to the body and returns the body's result", async () => {
    const cm = new Recorder();
    const result = await asyncWith(cm, async (value) => {
      cm.events.push(["body", value]);
      return 42;
    });
    expect(result).toBe(42);
    expect(cm.events).toEqual(["aenter", ["body", "value"], ["aexit", undefined]]);
  });

  it("accepts a synchronous body", async () => {
    const cm = new Recorder();
    expect(await asyncWith(cm, (value) => `${value}!`)).toBe("value!");
  });

  it("gives the body's error to aexit and re-throws it", async () => {
    const cm = new Recorder();
    const error = new Error("boom");
    await expect(
      asyncWith(cm, async () => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(cm.events).toEqual(["aenter", ["aexit", error]]);
  });

  it("suppresses the body's error when aexit returns true", async () => {
    const cm = new Recorder(true);
    const error = new Error("boom");
    const result = await asyncWith(cm, async (): Promise<number> => {
      throw error;
    });
    expect(result).toBeUndefined();
    expect(cm.events).toEqual(["aenter", ["aexit", error]]);
  });

  it("lets the error through when aexit returns false or nothing", async () => {
    // Python tests the truth of __aexit__'s result.
    await expect(asyncWith(new Recorder(false), () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(asyncWith(new Recorder(), () => Promise.reject(new Error("y")))).rejects.toThrow("y");
  });

  it("does not call aexit when aenter fails", async () => {
    const error = new Error("enter failed");
    const events: string[] = [];
    const cm: AsyncContextManager<void> = {
      aenter: () => Promise.reject(error),
      aexit: async () => {
        events.push("aexit");
      },
    };
    await expect(asyncWith(cm, async () => events.push("body"))).rejects.toBe(error);
    expect(events).toEqual([]);
  });

  it("lets an error from aexit replace the result", async () => {
    const error = new Error("exit failed");
    const cm: AsyncContextManager<void> = {
      aenter: async () => {},
      aexit: () => Promise.reject(error),
    };
    await expect(asyncWith(cm, async () => 1)).rejects.toBe(error);
  });

  it("rejects an object that is not an async context manager", async () => {
    await expect(asyncWith({} as never, async () => {})).rejects.toThrow(
      "'Object' object does not support the asynchronous context manager protocol",
    );
    await expect(asyncWith(null as never, async () => {})).rejects.toThrow(
      "'NoneType' object does not support the asynchronous context manager protocol",
    );
    await expect(asyncWith(null as never, async () => {})).rejects.toBeInstanceOf(TypeError);
  });
});

describe("enter", () => {
  it("works with await using and exits without the error", async () => {
    const cm = new Recorder();
    {
      await using held = await enter(cm);
      cm.events.push(["body", held.value]);
    }
    expect(cm.events).toEqual(["aenter", ["body", "value"], ["aexit", undefined]]);
  });

  it("exits when the block throws, and the error propagates", async () => {
    const cm = new Recorder(true);
    const error = new Error("boom");
    const run = async (): Promise<void> => {
      await using held = await enter(cm);
      void held;
      throw error;
    };
    // Differs from CPython: `await using` cannot pass the error to aexit nor suppress it, because
    // Symbol.asyncDispose takes no argument; use asyncWith when the exit needs the error.
    await expect(run()).rejects.toBe(error);
    expect(cm.events).toEqual(["aenter", ["aexit", undefined]]);
  });

  it("exits only once", async () => {
    const cm = new Recorder();
    const held = await enter(cm);
    await held[Symbol.asyncDispose]();
    await held[Symbol.asyncDispose]();
    expect(cm.events).toEqual(["aenter", ["aexit", undefined]]);
  });

  it("rejects an object that is not an async context manager", async () => {
    await expect(enter(42 as never)).rejects.toThrow(
      "'number' object does not support the asynchronous context manager protocol",
    );
  });
});
