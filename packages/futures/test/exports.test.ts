import { describe, expect, it } from "vitest";
import * as futures from "../dist/index.js";

describe("@aio/futures exports", () => {
  it("exports exactly these names from its dist entry", () => {
    expect(Object.keys(futures).sort()).toMatchInlineSnapshot(`
      [
        "Future",
        "Settler",
        "awaitFuture",
        "captureStack",
        "isFuture",
        "loopMismatchError",
        "reprValue",
        "setResultUnlessCancelled",
        "settle",
        "wrapFuture",
      ]
    `);
  });
});
