/** The public surface of @aio/tasks (STYLE §7): any change to it shows up here in review. */
import { describe, expect, it } from "vitest";
import * as tasks from "../dist/index.js";

describe("@aio/tasks exports", () => {
  it("exports exactly these names from its dist entry", () => {
    expect(Object.keys(tasks).sort()).toMatchInlineSnapshot(`
      [
        "ALL_COMPLETED",
        "AsCompletedIterator",
        "FIRST_COMPLETED",
        "FIRST_EXCEPTION",
        "GatheringFuture",
        "Runner",
        "Task",
        "TaskGroup",
        "Timeout",
        "allTasks",
        "asCompleted",
        "createEagerTaskFactory",
        "createTask",
        "currentTask",
        "eagerTaskFactory",
        "ensureFuture",
        "gather",
        "run",
        "runCoroutineThreadsafe",
        "shield",
        "sleep",
        "timeout",
        "timeoutAt",
        "toThread",
        "wait",
        "waitFor",
      ]
    `);
  });
});
