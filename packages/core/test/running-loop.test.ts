import { afterEach, describe, expect, it } from "vitest";
import { RuntimeError, _getRunningLoop, _setRunningLoop, getRunningLoop } from "../src/index.js";
import type { AbstractEventLoop } from "../src/index.js";

afterEach(() => {
  _setRunningLoop(null);
});

describe("getRunningLoop", () => {
  it("throws RuntimeError when no loop runs", () => {
    expect(() => getRunningLoop()).toThrow(RuntimeError);
    expect(() => getRunningLoop()).toThrow("no running event loop");
    expect(_getRunningLoop()).toBeNull();
  });

  it("returns the loop that was set as running", () => {
    const loop = {} as AbstractEventLoop;
    _setRunningLoop(loop);
    expect(getRunningLoop()).toBe(loop);
    expect(_getRunningLoop()).toBe(loop);
  });
});
