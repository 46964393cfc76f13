import { describe, expect, it } from "vitest";
import { asyncWith } from "@aio/core";
import { TaskGroup, sleep, timeout } from "../src/index.js";
import { makeVirtualLoop, makeLoop } from "./support/loop.js";

describe("smoke", () => {
  it("runs", async () => {
    const loop = makeVirtualLoop();
    const r = await loop.runUntilComplete(async () => {
      let t1: any;
      await asyncWith(new TaskGroup(), async (g) => {
        t1 = g.createTask(async () => { await sleep(0.1); return 42; });
      });
      return [t1.result(), loop.time()];
    });
    expect(r).toEqual([42, 0.1]);
  });
  it("times out", async () => {
    const loop = makeLoop();
    const r = await loop.runUntilComplete(async () => {
      try { await asyncWith(timeout(0.01), async () => { await sleep(10); }); } catch (e) { return String(e); }
    });
    expect(r).toBe("TimeoutError");
  });
});
