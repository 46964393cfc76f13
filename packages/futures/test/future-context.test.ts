// Runs in its own file: it needs a process where no ContextVar was set yet (contextVarsTouched).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ContextVar, contextVarsTouched } from "@aio/core";
import { Future } from "../src/index.js";
import { asLoop, newTestLoop } from "./support/test-loop.js";
import type { TestLoop } from "./support/test-loop.js";

let loop: TestLoop;
beforeEach(() => {
  loop = newTestLoop();
});
afterEach(() => {
  loop.close();
});

describe("Future.addDoneCallback (contexts)", () => {
  it("gives a callback registered before any ContextVar was set its own context when it runs", () => {
    expect(contextVarsTouched).toBe(false);
    const variable = new ContextVar<string>("variable", { default: "default" });
    const fut = new Future({ loop: asLoop(loop) });
    const seen: string[] = [];
    fut.addDoneCallback(() => {
      seen.push(variable.get());
      variable.set("set in callback");
    });
    // Nothing was set yet: every context is empty, so none is captured.
    expect(fut._callbackEntries()[1]).toBeNull();
    const token = variable.set("set by the caller after registering");
    fut.setResult(1);
    loop.runOnce();
    // Python runs the callback in the copy taken at registration: it saw no value, and its set
    // stays in that copy.
    expect(seen).toEqual(["default"]);
    expect(variable.get()).toBe("set by the caller after registering");
    variable.reset(token);
  });
});
