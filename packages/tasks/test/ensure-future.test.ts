/** Tests of ensureFuture and createTask. Ported from CPython 3.13 test_asyncio/test_tasks.py (test_ensure_future_*). */
import { describe, expect, it } from "vitest";
import { CancelledError, RuntimeError } from "@aio/core";
import { Future } from "@aio/futures";
import { newEventLoop } from "@aio/loop";
import { Task, createTask, ensureFuture, sleep } from "../src/index.js";
import { makeLoop } from "./support/loop.js";

describe("ensureFuture", () => {
  // mirrors test_tasks.py::test_ensure_future_coroutine
  it("wraps a coroutine in a task of the given or running loop", async () => {
    const loop = makeLoop();
    const notmuch = async (): Promise<string> => "ok";
    const t = ensureFuture(notmuch, { loop }) as Task<string>;
    expect(t._loop).toBe(loop);
    await loop.runUntilComplete(t);
    expect(t.done()).toBe(true);
    expect(t.result()).toBe("ok");
    // Differs from CPython: the message is API.md's "no running event loop".
    expect(() => ensureFuture(notmuch)).toThrow(RuntimeError);
    const [t2] = await loop.runUntilComplete(async () => [ensureFuture(notmuch) as Task<string>]);
    expect(t2._loop).toBe(loop);
    expect(await loop.runUntilComplete(t2)).toBe("ok");
  });

  // mirrors test_tasks.py::test_ensure_future_future
  // mirrors test_tasks.py::test_ensure_future_task
  // mirrors test_tasks.py::test_ensure_future_error_msg
  it("returns a future or task as is, and refuses another loop", async () => {
    const loop = makeLoop();
    const fOrig = new Future<string>({ loop });
    fOrig.setResult("ko");
    const f = ensureFuture(fOrig);
    expect(f).toBe(fOrig);
    expect(await loop.runUntilComplete(f)).toBe("ko");
    const tOrig = new Task(async () => "ok", { loop });
    expect(ensureFuture(tOrig)).toBe(tOrig);
    expect(await loop.runUntilComplete(tOrig)).toBe("ok");
    const other = newEventLoop();
    try {
      expect(() => ensureFuture(fOrig, { loop: other })).toThrow(RangeError);
      expect(() => ensureFuture(fOrig, { loop: other })).toThrow(
        "The future belongs to a different loop than the one specified as the loop argument",
      );
      expect(() => ensureFuture(tOrig, { loop: other })).toThrow(RangeError);
    } finally {
      other.close();
    }
    expect(ensureFuture(fOrig, { loop })).toBe(fOrig);
  });

  // mirrors test_tasks.py::test_ensure_future_awaitable
  // mirrors test_tasks.py::test_ensure_future_task_awaitable
  it("wraps a thenable in a task", async () => {
    const loop = makeLoop();
    const thenable: PromiseLike<string> = { then: (resolve) => Promise.resolve("ok").then(resolve) };
    const task = ensureFuture(thenable, { loop }) as Task<string>;
    expect(task).toBeInstanceOf(Task);
    expect(await loop.runUntilComplete(task)).toBe("ok");
    expect(typeof task.getCoro()).toBe("function");
  });

  // mirrors test_tasks.py::test_ensure_future_neither
  it("rejects anything else with TypeError", () => {
    expect(() => ensureFuture("ok" as never)).toThrow(TypeError);
    expect(() => ensureFuture("ok" as never)).toThrow("An asyncio.Future, a coroutine or an awaitable is required");
  });

  it("makes a task awaiting a plain Promise cancellable at once", async () => {
    const loop = makeLoop();
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("late"), 5_000);
    });
    try {
      const task = ensureFuture(slow, { loop }) as Task<string>;
      loop.callSoon(() => loop.callSoon(() => task.cancel("stop")));
      let error: unknown;
      try {
        await loop.runUntilComplete(task);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CancelledError);
      expect(task.cancelled()).toBe(true);
    } finally {
      clearTimeout(timer);
    }
  });

  it("passes a plain Promise's rejection through", async () => {
    const loop = makeLoop();
    const task = ensureFuture(Promise.reject(new RangeError("no")), { loop });
    await expect(loop.runUntilComplete(task)).rejects.toThrow("no");
  });
});

describe("createTask", () => {
  it("schedules the thunk on the running loop", async () => {
    const loop = makeLoop();
    const result = await loop.runUntilComplete(async () => {
      const task = createTask(async () => {
        await sleep(0);
        return 7;
      }, { name: "seven" });
      expect(task.getName()).toBe("seven");
      return task;
    });
    expect(result).toBe(7);
  });
});
