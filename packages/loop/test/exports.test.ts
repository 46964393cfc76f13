/** The public surface of @aio/loop (STYLE.md §7): any change to it shows up here in review. */
import { describe, expect, it } from "vitest";
import * as loop from "../dist/index.js";

describe("@aio/loop exports", () => {
  it("exports exactly these names from its dist entry", () => {
    expect(Object.keys(loop).sort()).toMatchInlineSnapshot(`
      [
        "BaseEventLoop",
        "EventLoop",
        "Handle",
        "IO_METHODS",
        "ThreadPoolExecutor",
        "TimerHandle",
        "VirtualTimeEventLoop",
        "_setNewEventLoopFactory",
        "exportedFunction",
        "newEventLoop",
      ]
    `);
  });
});
