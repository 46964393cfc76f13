/**
 * The rest of CPython 3.13 test_asyncio/test_futures.py that the other test files of this package do
 * not already cover and that JavaScript can express: the value an await of a finished future gives.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Future } from "../src/index.js";
import { asLoop, newTestLoop, runUntilComplete } from "./support/test-loop.js";
import type { TestLoop } from "./support/test-loop.js";

let loop: TestLoop;
beforeEach(() => {
  loop = newTestLoop();
});
afterEach(() => {
  loop.close();
});

describe("Future", () => {
  // mirrors test_futures.py::test_future_stop_iteration_args
  it("gives a tuple result to its awaiter whole, not spread", async () => {
    // CPython checks the StopIteration that ends `fut.__iter__()` carries the tuple as args[0];
    // here the await protocol is `then`, and both an await and the loop's wait give the array back.
    const tuple = [1, 2] as const;
    const fut = new Future<readonly [number, number]>({ loop: asLoop(loop) });
    fut.setResult(tuple);
    const seen: unknown[][] = [];
    await fut.then((...args: unknown[]) => {
      seen.push(args);
    });
    expect(seen).toEqual([[tuple]]);
    expect(await fut).toBe(tuple);
    expect(await runUntilComplete(loop, fut)).toBe(tuple);
  });
});
