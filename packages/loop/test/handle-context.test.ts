/**
 * Context of callbacks made before any ContextVar was set. Its own file: whether a ContextVar was
 * ever set is per process, and vitest runs each file in a fresh one.
 */
import { describe, expect, it } from "vitest";
import { ContextVar, contextVarsTouched } from "@aio/core";
import { newEventLoop } from "../src/index.js";

describe("Handle", () => {
  // mirrors test_context.py::ContextTest::test_context_run_1 (a callback runs in a copy of the context)
  it("drops ContextVar writes of a callback that was scheduled before any variable was set", async () => {
    expect(contextVarsTouched).toBe(false);
    const variable = new ContextVar("v", { default: "default" });
    const loop = newEventLoop();
    try {
      const future = loop.createFuture<number>();
      const seen: string[] = [];
      future.addDoneCallback(() => {
        variable.set("set in callback");
        seen.push(variable.get());
      });
      future.setResult(1);
      await loop.runUntilComplete(future);
      expect(seen).toEqual(["set in callback"]);
      expect(variable.get()).toBe("default");

      // Once variables are in use, callbacks capture a copy, and their writes stay in it too.
      const again = loop.createFuture<number>();
      again.addDoneCallback(() => {
        variable.set("again");
      });
      again.setResult(2);
      await loop.runUntilComplete(again);
      expect(variable.get()).toBe("default");

      // A callback scheduled after variables are in use captures a copy: its write stays there.
      const third = loop.createFuture<void>();
      loop.callSoon(() => {
        variable.set("third");
      });
      loop.callSoon(() => third.setResult(undefined));
      await loop.runUntilComplete(third);
      expect(variable.get()).toBe("default");
    } finally {
      loop.close();
    }
  });
});
