/**
 * API.md conformance: each documented name is exported by @aio/asyncio with API.md's spelling and
 * calling convention, and a minimal call behaves as CPython 3.13 documents. Grouped by API.md section.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as asyncio from "../src/index.js";

/**
 * The running loop typed as its class. The loop's I/O methods are missing from AbstractEventLoop's type
 * and typed `(...args: unknown[]) => unknown` on BaseEventLoop, so their results are cast below.
 */
function ioLoop(): asyncio.BaseEventLoop {
  return asyncio.getRunningLoop() as asyncio.BaseEventLoop;
}

/** Runs `main` with asyncio.run and a fresh default loop. */
function run<T>(main: () => Promise<T>): Promise<T> {
  return asyncio.run(main);
}

describe("API.md Conventions", () => {
  it("names: callSoon / putNowait / readexactly / atEof / getExtraInfo are camelCased Python names", () => {
    const loop = asyncio.newEventLoop();
    try {
      expect(typeof loop.callSoon).toBe("function");
    } finally {
      loop.close();
    }
    expect(typeof asyncio.Queue.prototype.putNowait).toBe("function");
    expect(typeof asyncio.StreamReader.prototype.readexactly).toBe("function");
    expect(typeof asyncio.StreamReader.prototype.atEof).toBe("function");
    expect(typeof asyncio.StreamWriter.prototype.getExtraInfo).toBe("function");
  });

  it("class and exception names unchanged: Future, Task, TaskGroup, Lock, StreamReader, CancelledError", () => {
    for (const cls of [asyncio.Future, asyncio.Task, asyncio.TaskGroup, asyncio.Lock, asyncio.StreamReader, asyncio.CancelledError]) {
      expect(typeof cls).toBe("function");
    }
    expect(new asyncio.CancelledError().name).toBe("CancelledError");
  });

  it("time is in seconds: sleep(0.5)-style delays and loop.time() in monotonic seconds", async () => {
    const loop = new asyncio.VirtualTimeEventLoop();
    try {
      const start = loop.time();
      const order: string[] = [];
      loop.callLater(2, () => order.push("later"));
      await loop.runUntilComplete(() => asyncio.sleep(1.5).then(() => order.push("slept")));
      expect(order).toEqual(["slept"]);
      expect(loop.time() - start).toBeCloseTo(1.5, 5);
      await loop.runUntilComplete(() => asyncio.sleep(1));
      expect(order).toEqual(["slept", "later"]);
    } finally {
      loop.close();
    }
  });

  it("parameters: new Queue(2) or new Queue({ maxsize: 2 })", () => {
    expect(new asyncio.Queue(2).maxsize).toBe(2);
    expect(new asyncio.Queue({ maxsize: 2 }).maxsize).toBe(2);
    expect(new asyncio.Queue().maxsize).toBe(0);
  });

  it("parameters: gather(a, b, { returnExceptions: true })", async () => {
    const results = await run(async () =>
      asyncio.gather(
        async () => 1,
        async () => {
          throw new RangeError("bad");
        },
        { returnExceptions: true },
      ),
    );
    expect(results[0]).toBe(1);
    expect(results[1]).toBeInstanceOf(RangeError);
  });

  it("parameters: waitFor(aw, 5) takes the timeout positionally", async () => {
    expect(await run(() => asyncio.waitFor(asyncio.sleep(0, "ok"), 5))).toBe("ok");
  });

  it("a Python @property is a getter: queue.maxsize, barrier.parties, barrier.nWaiting, barrier.broken", () => {
    const barrier = new asyncio.Barrier(3);
    expect(barrier.parties).toBe(3);
    expect(barrier.nWaiting).toBe(0);
    expect(barrier.broken).toBe(false);
    const queue = new asyncio.Queue(4);
    expect(queue.maxsize).toBe(4);
    expect(queue.qsize()).toBe(0);
  });

  it("Python sets are Sets: wait() gives two Sets, allTasks() is a Set", async () => {
    await run(async () => {
      const task = asyncio.createTask(async () => 1);
      const [done, pending] = await asyncio.wait([task]);
      expect(done).toBeInstanceOf(Set);
      expect(pending).toBeInstanceOf(Set);
      expect(done.has(task)).toBe(true);
      expect(asyncio.allTasks()).toBeInstanceOf(Set);
    });
  });

  it("exception hierarchy: BrokenBarrierError extends RuntimeError, IncompleteReadError extends EOFError, CancelledError carries message", () => {
    expect(new asyncio.BrokenBarrierError()).toBeInstanceOf(asyncio.RuntimeError);
    expect(new asyncio.IncompleteReadError(new Uint8Array(0), 1)).toBeInstanceOf(asyncio.EOFError);
    expect(new asyncio.CancelledError("why").message).toBe("why");
  });

  it("positional *args: loop.callSoon(cb, 1, 2), toThread(fn, x, y)", async () => {
    await run(async () => {
      const seen: number[] = [];
      const fut = asyncio.getRunningLoop().createFuture();
      asyncio.getRunningLoop().callSoon((a: number, b: number) => {
        seen.push(a, b);
        fut.setResult(null);
      }, 1, 2);
      await fut;
      expect(seen).toEqual([1, 2]);
      expect(await asyncio.toThread((x: number, y: number) => x + y, 2, 3)).toBe(5);
    });
  });

  it("*aws: gather(...tasks) and gather(tasks) both work", async () => {
    await run(async () => {
      const spread = await asyncio.gather(asyncio.createTask(async () => 1), asyncio.createTask(async () => 2));
      const array = await asyncio.gather([asyncio.createTask(async () => 1), asyncio.createTask(async () => 2)]);
      expect(spread).toEqual([1, 2]);
      expect(array).toEqual([1, 2]);
    });
  });

  it("a coroutine is a thunk: createTask(() => work()), run(main)", async () => {
    const result = await asyncio.run(async () => asyncio.createTask(() => asyncio.sleep(0, "w")));
    expect(result).toBe("w");
  });

  it("an awaitable is a Future, a Task, a thunk, or any PromiseLike", async () => {
    const results = await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture<string>();
      fut.setResult("fut");
      const task = asyncio.createTask(async () => "task");
      return asyncio.gather(task, fut, async () => "thunk", Promise.resolve("promise"));
    });
    expect(results).toEqual(["task", "fut", "thunk", "promise"]);
  });

  it("async with is asyncWith(cm, async (x) => body)", async () => {
    await run(async () => {
      const lock = new asyncio.Lock();
      const inside = await asyncio.asyncWith(lock, async () => lock.locked());
      expect(inside).toBe(true);
      expect(lock.locked()).toBe(false);
    });
  });

  it("async for is for await: for await (const line of reader)", async () => {
    await run(async () => {
      const reader = new asyncio.StreamReader();
      reader.feedData(Buffer.from("a\nb\n"));
      reader.feedEof();
      const lines: string[] = [];
      for await (const line of reader) lines.push(Buffer.from(line).toString());
      expect(lines).toEqual(["a\n", "b\n"]);
    });
  });

  it("Python None is null in results: fut.exception() returns null", async () => {
    await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture<number>();
      fut.setResult(1);
      expect(fut.exception()).toBeNull();
    });
  });

  it("socket addresses are [host, port]: getExtraInfo(\"peername\")", async () => {
    await run(async () => {
      const server = await asyncio.startServer(async (_reader, writer) => {
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const port = (server.sockets[0]?.getsockname() as [string, number])[1];
        const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
        expect(writer.getExtraInfo("peername")).toEqual(["127.0.0.1", port]);
        await reader.read();
        writer.close();
        await writer.waitClosed();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("OS errors: ConnectionRefusedError keeps Node's code and errno, the Node error as cause", async () => {
    await run(async () => {
      const server = await asyncio.startServer(() => undefined, "127.0.0.1", 0);
      const port = (server.sockets[0]?.getsockname() as [string, number])[1];
      server.close();
      await server.waitClosed();
      const error = await asyncio.openConnection("127.0.0.1", port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.ConnectionRefusedError);
      expect(error).toBeInstanceOf(asyncio.OSError);
      expect((error as asyncio.OSError).code).toBe("ECONNREFUSED");
      expect(typeof (error as asyncio.OSError).errno).toBe("number");
      expect((error as Error).cause).toBeInstanceOf(Error);
    });
  });

  it("bytes are Uint8Array: writer.write(Buffer), reader.readline() gives a Uint8Array", async () => {
    await run(async () => {
      const reader = new asyncio.StreamReader();
      reader.feedData(Buffer.from("hi\n"));
      const line = await reader.readline();
      expect(line).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(line).toString()).toBe("hi\n");
    });
  });

  it("ValueError is RangeError: new Semaphore(-1) throws RangeError", () => {
    expect(() => new asyncio.Semaphore(-1)).toThrow(RangeError);
    expect(() => new asyncio.Semaphore(-1)).toThrow("Semaphore initial value must be >= 0");
  });

  it("RuntimeError is an Error subclass exported by name", () => {
    const error = new asyncio.RuntimeError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RuntimeError");
  });
});

describe("API.md Coroutines, tasks and cancellation", () => {
  it("currentTask() works anywhere in the task's async call tree", async () => {
    await run(async () => {
      const inner = async (): Promise<unknown[]> => {
        await Promise.resolve();
        // Wrapped in an array: a returned Task is a thenable the async function would await.
        return [asyncio.currentTask()];
      };
      const task = asyncio.createTask(inner);
      expect(await task).toEqual([task]);
    });
  });

  it("task.cancel(msg) makes the awaited future throw CancelledError with the message", async () => {
    await run(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      await asyncio.sleep(0);
      expect(task.cancel("stop")).toBe(true);
      const error = await task.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(asyncio.CancelledError);
      expect((error as Error).message).toBe("stop");
      expect(task.cancelled()).toBe(true);
    });
  });

  it("a cancel requested outside an aio await lands at the next aio await (_must_cancel)", async () => {
    await run(async () => {
      const steps: string[] = [];
      const task = asyncio.createTask(async () => {
        steps.push("start");
        await Promise.resolve();
        steps.push("after promise");
        await asyncio.sleep(0);
        steps.push("never");
      });
      task.cancel();
      await asyncio.wait([task]);
      expect(task.cancelled()).toBe(true);
      expect(steps).not.toContain("never");
    });
  });

  it("task.signal aborts when the task is cancelled (addition)", async () => {
    await run(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      await asyncio.sleep(0);
      expect(task.signal.aborted).toBe(false);
      task.cancel();
      await asyncio.wait([task]);
      expect(task.signal.aborted).toBe(true);
    });
  });

  it("isCancelledError(e) recognises CancelledError", () => {
    expect(asyncio.isCancelledError(new asyncio.CancelledError())).toBe(true);
    expect(asyncio.isCancelledError(new Error("x"))).toBe(false);
  });

  it("sleep(0) yields exactly one loop iteration", async () => {
    await run(async () => {
      const order: string[] = [];
      const loop = asyncio.getRunningLoop();
      loop.callSoon(() => order.push("a"));
      await asyncio.sleep(0);
      order.push("resumed");
      loop.callSoon(() => order.push("b"));
      loop.callSoon(() => loop.callSoon(() => order.push("c")));
      await asyncio.sleep(0);
      order.push("resumed2");
      await asyncio.sleep(0);
      expect(order).toEqual(["a", "resumed", "b", "resumed2", "c"]);
    });
  });

  it("primitives created outside a running loop bind on first wait; two loops is a RuntimeError", async () => {
    const event = new asyncio.Event();
    const first = asyncio.newEventLoop();
    const second = asyncio.newEventLoop();
    try {
      await first.runUntilComplete(async () => {
        const waiter = asyncio.createTask(() => event.wait());
        await asyncio.sleep(0);
        event.set();
        await waiter;
      });
      event.clear();
      const error = await second
        .runUntilComplete(async () => {
          const waiter = asyncio.createTask(() => event.wait());
          await asyncio.sleep(0);
          waiter.cancel();
          await waiter;
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.RuntimeError);
      expect((error as Error).message).toMatch(/is bound to a different event loop/);
    } finally {
      first.close();
      second.close();
    }
  });

  it("new Task(coro, { loop, name, context, eagerStart })", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const context = asyncio.copyContext();
      const steps: string[] = [];
      const task = new asyncio.Task(
        async () => {
          steps.push("ran");
          return 7;
        },
        { loop, name: "named", context, eagerStart: true },
      );
      // On a running loop an eager task runs its first step in the constructor (3.12 eager_start).
      expect(steps).toEqual(["ran"]);
      expect(task.getName()).toBe("named");
      expect(task.getContext()).toBe(context);
      expect(task.getLoop()).toBe(loop);
      expect(await task).toBe(7);
      const lazy = new asyncio.Task(
        async () => {
          steps.push("lazy");
        },
        { eagerStart: false },
      );
      expect(steps).toEqual(["ran"]);
      await lazy;
      expect(steps).toEqual(["ran", "lazy"]);
    });
  });

  it("a task factory is (loop, coro, { name, context }) => Task", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const context = asyncio.copyContext();
      const seen: unknown[] = [];
      loop.setTaskFactory((factoryLoop, coro, options) => {
        seen.push(factoryLoop === loop, options?.context === context);
        return new asyncio.Task(coro, { loop: factoryLoop, ...options });
      });
      try {
        const task = asyncio.createTask(async () => 3, { name: "via-factory", context });
        // CPython 3.13 base_events.create_task calls task.set_name(name) after the factory.
        expect(task.getName()).toBe("via-factory");
        expect(await task).toBe(3);
        expect(seen).toEqual([true, true]);
      } finally {
        loop.setTaskFactory(null);
      }
    });
  });

  it("ContextVar: new ContextVar(name, { default }), get(defaultValue), set returns a Token, reset(token)", () => {
    const v = new asyncio.ContextVar<number>("v", { default: 1 });
    const bare = new asyncio.ContextVar<number>("bare");
    expect(v.name).toBe("v");
    expect(v.get()).toBe(1);
    expect(bare.get(5)).toBe(5);
    expect(() => bare.get()).toThrow(asyncio.LookupError);
    asyncio.copyContext().run(() => {
      const token = v.set(2);
      expect(token).toBeInstanceOf(asyncio.Token);
      expect(v.get()).toBe(2);
      v.reset(token);
      expect(v.get()).toBe(1);
    });
  });

  it("copyContext() and ctx.run(fn, ...args) isolate changes", () => {
    const v = new asyncio.ContextVar<string>("iso", { default: "outer" });
    const ctx = asyncio.copyContext();
    const result = ctx.run(
      (a: string, b: string) => {
        v.set(a + b);
        return v.get();
      },
      "in",
      "ner",
    );
    expect(result).toBe("inner");
    expect(v.get()).toBe("outer");
    expect(ctx.get(v)).toBe("inner");
  });

  it("each task runs in a copy of its creator's context", async () => {
    const v = new asyncio.ContextVar<string>("copy", { default: "none" });
    await run(async () => {
      v.set("parent");
      const seen = await asyncio.createTask(async () => {
        const before = v.get();
        v.set("child");
        return before;
      });
      expect(seen).toBe("parent");
      expect(v.get()).toBe("parent");
    });
  });

  it("an unretrieved task exception is reported as \"Task exception was never retrieved\"", async () => {
    const contexts: asyncio.ExceptionContext[] = [];
    const loop = asyncio.newEventLoop();
    try {
      loop.setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      await loop.runUntilComplete(async () => {
        asyncio.createTask(async () => {
          throw new RangeError("lost");
        });
        await asyncio.sleep(0);
      });
    } finally {
      loop.close();
    }
    for (let i = 0; i < 20 && contexts.length === 0; i++) {
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(contexts.map((c) => c.message)).toContain("Task exception was never retrieved");
  });
});

describe("API.md Async context managers", () => {
  it("asyncWith(cm, body): aenter's value reaches the body, aexit sees the error and true suppresses it", async () => {
    const events: unknown[] = [];
    const cm: asyncio.AsyncContextManager<string> = {
      aenter: async () => "value",
      aexit: async (error) => {
        events.push(error instanceof RangeError ? "saw RangeError" : error);
        return true;
      },
    };
    const result = await asyncio.asyncWith(cm, async (value) => {
      events.push(value);
      throw new RangeError("x");
    });
    expect(result).toBeUndefined();
    expect(events).toEqual(["value", "saw RangeError"]);
  });

  it("asyncWith: aexit returning a falsy value lets the body's error through", async () => {
    const cm: asyncio.AsyncContextManager<null> = { aenter: async () => null, aexit: async () => false };
    await expect(
      asyncio.asyncWith(cm, async () => {
        throw new RangeError("through");
      }),
    ).rejects.toThrow("through");
  });

  it("Lock, Condition, Semaphore, BoundedSemaphore, Barrier, TaskGroup, Timeout, Runner, Server, StreamWriter implement aenter/aexit", () => {
    for (const cls of [
      asyncio.Lock,
      asyncio.Condition,
      asyncio.Semaphore,
      asyncio.BoundedSemaphore,
      asyncio.Barrier,
      asyncio.TaskGroup,
      asyncio.Timeout,
      asyncio.Runner,
      asyncio.Server,
      asyncio.StreamWriter,
    ]) {
      expect(typeof cls.prototype.aenter, cls.name).toBe("function");
      expect(typeof cls.prototype.aexit, cls.name).toBe("function");
    }
  });

  it("await using x = await enter(lock) releases the lock on scope exit", async () => {
    await run(async () => {
      const lock = new asyncio.Lock();
      {
        await using _held = await asyncio.enter(lock);
        expect(lock.locked()).toBe(true);
      }
      expect(lock.locked()).toBe(false);
    });
  });

  it("await using with enter(semaphore) and enter(runner)", async () => {
    const semaphore = new asyncio.Semaphore(1);
    const runner = new asyncio.Runner();
    {
      await using entered = await asyncio.enter(runner);
      expect(entered.value).toBe(runner);
      const value = await runner.run(async () => {
        {
          await using _held = await asyncio.enter(semaphore);
          expect(semaphore.locked()).toBe(true);
        }
        return semaphore.locked();
      });
      expect(value).toBe(false);
    }
    expect(() => runner.getLoop()).toThrow(asyncio.RuntimeError);
  });
});

describe("API.md @aio/core", () => {
  it("exceptions: CancelledError, TimeoutError, InvalidStateError, RuntimeError, EOFError, OSError are Error subclasses with Python names", () => {
    for (const cls of [asyncio.CancelledError, asyncio.TimeoutError, asyncio.InvalidStateError, asyncio.RuntimeError, asyncio.EOFError, asyncio.OSError]) {
      const error = new cls("m");
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(cls.name);
    }
    // Python 3.11+: asyncio.TimeoutError is the builtin TimeoutError, an OSError subclass.
    expect(new asyncio.TimeoutError()).toBeInstanceOf(asyncio.OSError);
  });

  it("OSError subclasses: ConnectionResetError, BrokenPipeError, ConnectionRefusedError, ConnectionAbortedError, ProcessLookupError, FileNotFoundError", () => {
    for (const cls of [
      asyncio.ConnectionResetError,
      asyncio.BrokenPipeError,
      asyncio.ConnectionRefusedError,
      asyncio.ConnectionAbortedError,
      asyncio.ProcessLookupError,
      asyncio.FileNotFoundError,
    ]) {
      expect(new cls("m")).toBeInstanceOf(asyncio.OSError);
    }
    // Python: BrokenPipeError(ConnectionError), ConnectionResetError(ConnectionError).
    expect(new asyncio.BrokenPipeError()).toBeInstanceOf(asyncio.ConnectionError);
    expect(new asyncio.ConnectionResetError()).toBeInstanceOf(asyncio.ConnectionError);
  });

  it("IncompleteReadError(partial, expected) has .partial and .expected and Python's message", () => {
    const error = new asyncio.IncompleteReadError(Buffer.from("ab"), 5);
    expect(Buffer.from(error.partial).toString()).toBe("ab");
    expect(error.expected).toBe(5);
    expect(error.message).toBe("2 bytes read on a total of 5 expected bytes");
    expect(new asyncio.IncompleteReadError(Buffer.from(""), null).message).toBe("0 bytes read on a total of undefined expected bytes");
  });

  it("LimitOverrunError(message, consumed) has .consumed", () => {
    const error = new asyncio.LimitOverrunError("too long", 3);
    expect(error.message).toBe("too long");
    expect(error.consumed).toBe(3);
  });

  it("QueueEmpty, QueueFull, QueueShutDown, BrokenBarrierError, SendfileNotAvailableError", () => {
    for (const cls of [asyncio.QueueEmpty, asyncio.QueueFull, asyncio.QueueShutDown, asyncio.BrokenBarrierError, asyncio.SendfileNotAvailableError]) {
      const error = new cls();
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(cls.name);
    }
    // Python: class SendfileNotAvailableError(RuntimeError).
    expect(new asyncio.SendfileNotAvailableError()).toBeInstanceOf(asyncio.RuntimeError);
  });

  it("ExceptionGroup(message, exceptions) extends AggregateError with .exceptions, .subgroup(), .split()", () => {
    const range = new RangeError("r");
    const type = new TypeError("t");
    const group = new asyncio.ExceptionGroup("many", [range, type]);
    expect(group).toBeInstanceOf(AggregateError);
    expect(group.exceptions).toEqual([range, type]);
    expect(group.message).toBe("many");
    expect(group.subgroup((e) => e instanceof RangeError)?.exceptions).toEqual([range]);
    expect(group.subgroup((e) => e instanceof SyntaxError)).toBeNull();
    const [match, rest] = group.split((e) => e instanceof TypeError);
    expect(match?.exceptions).toEqual([type]);
    expect(rest?.exceptions).toEqual([range]);
  });

  it("getRunningLoop() throws RuntimeError \"no running event loop\" outside a loop", () => {
    expect(() => asyncio.getRunningLoop()).toThrow(asyncio.RuntimeError);
    expect(() => asyncio.getRunningLoop()).toThrow("no running event loop");
  });

  it("getRunningLoop() returns the running loop inside run()", async () => {
    await run(async () => {
      expect(asyncio.getRunningLoop().isRunning()).toBe(true);
    });
  });

  it("transports and protocols: BaseTransport, ReadTransport, WriteTransport, Transport, DatagramTransport, SubprocessTransport", () => {
    expect(new asyncio.Transport()).toBeInstanceOf(asyncio.ReadTransport);
    expect(new asyncio.Transport()).toBeInstanceOf(asyncio.WriteTransport);
    expect(new asyncio.ReadTransport()).toBeInstanceOf(asyncio.BaseTransport);
    expect(new asyncio.DatagramTransport()).toBeInstanceOf(asyncio.BaseTransport);
    expect(new asyncio.SubprocessTransport()).toBeInstanceOf(asyncio.BaseTransport);
    expect(new asyncio.BaseTransport({ key: 1 }).getExtraInfo("key")).toBe(1);
    expect(new asyncio.BaseTransport().getExtraInfo("missing", "dflt")).toBe("dflt");
  });

  it("BaseProtocol, Protocol, BufferedProtocol, DatagramProtocol, SubprocessProtocol", () => {
    for (const cls of [asyncio.Protocol, asyncio.BufferedProtocol, asyncio.DatagramProtocol, asyncio.SubprocessProtocol]) {
      expect(new cls()).toBeInstanceOf(asyncio.BaseProtocol);
    }
  });
});

describe("API.md @aio/futures", () => {
  it("Future: setResult, result, done, cancelled, exception, getLoop", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const fut = new asyncio.Future<number>({ loop });
      expect(fut.getLoop()).toBe(loop);
      expect(fut.done()).toBe(false);
      expect(() => fut.result()).toThrow(asyncio.InvalidStateError);
      expect(() => fut.result()).toThrow("Result is not set.");
      fut.setResult(4);
      expect(fut.done()).toBe(true);
      expect(fut.cancelled()).toBe(false);
      expect(fut.result()).toBe(4);
      expect(fut.exception()).toBeNull();
      expect(() => fut.setResult(5)).toThrow(asyncio.InvalidStateError);
      expect(await fut).toBe(4);
    });
  });

  it("Future: setException(e) makes result() throw e", async () => {
    await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture<number>();
      const error = new RangeError("e");
      fut.setException(error);
      expect(fut.exception()).toBe(error);
      expect(() => fut.result()).toThrow(error);
    });
  });

  it("Future: cancel(msg) sets CancelledError with the message", async () => {
    await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture();
      expect(fut.cancel("m")).toBe(true);
      expect(fut.cancelled()).toBe(true);
      expect(fut.cancel()).toBe(false);
      expect(() => fut.result()).toThrow(asyncio.CancelledError);
      expect(() => fut.exception()).toThrow("m");
    });
  });

  it("Future: addDoneCallback(cb, { context }) and removeDoneCallback(cb)", async () => {
    await run(async () => {
      const v = new asyncio.ContextVar<string>("cbctx", { default: "none" });
      const ctx = asyncio.copyContext();
      ctx.run(() => v.set("in-ctx"));
      const fut = asyncio.getRunningLoop().createFuture<number>();
      const seen: unknown[] = [];
      const removed = (): void => {
        seen.push("removed");
      };
      fut.addDoneCallback((f) => seen.push(f === fut, v.get()), { context: ctx });
      fut.addDoneCallback(removed);
      fut.addDoneCallback(removed);
      expect(fut.removeDoneCallback(removed)).toBe(2);
      fut.setResult(1);
      // Callbacks are scheduled with callSoon, never run inline.
      expect(seen).toEqual([]);
      await asyncio.sleep(0);
      expect(seen).toEqual([true, "in-ctx"]);
    });
  });

  it("Future: then makes it awaitable", async () => {
    await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture<string>();
      asyncio.getRunningLoop().callSoon(() => fut.setResult("x"));
      expect(await fut).toBe("x");
      expect(typeof fut.then).toBe("function");
    });
  });

  it("isFuture and wrapFuture (Promise -> aio Future)", async () => {
    await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture();
      expect(asyncio.isFuture(fut)).toBe(true);
      expect(asyncio.isFuture(Promise.resolve(1))).toBe(false);
      const wrapped = asyncio.wrapFuture(Promise.resolve(9));
      expect(asyncio.isFuture(wrapped)).toBe(true);
      expect(await wrapped).toBe(9);
      expect(asyncio.wrapFuture(fut)).toBe(fut);
    });
  });
});

describe("API.md @aio/loop", () => {
  it("Handle cancel()/cancelled() and TimerHandle when()", async () => {
    const loop = asyncio.newEventLoop();
    try {
      const calls: string[] = [];
      const handle = loop.callSoon(() => calls.push("soon"));
      expect(handle).toBeInstanceOf(asyncio.Handle);
      handle.cancel();
      expect(handle.cancelled()).toBe(true);
      const timer = loop.callAt(loop.time() + 0.001, () => calls.push("at"));
      expect(timer).toBeInstanceOf(asyncio.TimerHandle);
      expect(typeof timer.when()).toBe("number");
      await loop.runUntilComplete(() => asyncio.sleep(0.01));
      expect(calls).toEqual(["at"]);
    } finally {
      loop.close();
    }
  });

  it("newEventLoop() gives a BaseEventLoop; EventLoop is the Node default", () => {
    const loop = asyncio.newEventLoop();
    try {
      expect(loop).toBeInstanceOf(asyncio.BaseEventLoop);
      expect(loop).toBeInstanceOf(asyncio.EventLoop);
    } finally {
      loop.close();
    }
  });

  it("VirtualTimeEventLoop jumps to the next timer and advance(seconds) moves time", async () => {
    const loop = new asyncio.VirtualTimeEventLoop();
    try {
      const t0 = loop.time();
      loop.advance(10);
      expect(loop.time() - t0).toBeCloseTo(10, 6);
      const value = await loop.runUntilComplete(() => asyncio.sleep(3600, "hour"));
      expect(value).toBe("hour");
      expect(loop.time() - t0).toBeCloseTo(3610, 3);
    } finally {
      loop.close();
    }
  });

  it("lifecycle: runUntilComplete, runForever, stop, isRunning, isClosed, close", async () => {
    const loop = asyncio.newEventLoop();
    expect(loop.isRunning()).toBe(false);
    expect(await loop.runUntilComplete(async () => 1)).toBe(1);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(loop.isRunning()).toBe(false);
    expect(loop.isClosed()).toBe(false);
    loop.close();
    expect(loop.isClosed()).toBe(true);
    expect(() => loop.callSoon(() => undefined)).toThrow("Event loop is closed");
  });

  it("lifecycle: runUntilComplete while running is a RuntimeError", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      await expect(loop.runUntilComplete(async () => 1)).rejects.toThrow(asyncio.RuntimeError);
    });
  });

  it("lifecycle: shutdownAsyncgens() and shutdownDefaultExecutor(timeout)", async () => {
    const loop = asyncio.newEventLoop();
    try {
      await loop.runUntilComplete(async () => {
        expect(await loop.runInExecutor(null, () => 5)).toBe(5);
        await loop.shutdownAsyncgens();
        await loop.shutdownDefaultExecutor(5);
      });
    } finally {
      loop.close();
    }
  });

  it("debug: setDebug, getDebug, slowCallbackDuration (seconds, default 0.1)", () => {
    const loop = asyncio.newEventLoop();
    try {
      expect(loop.getDebug()).toBe(false);
      loop.setDebug(true);
      expect(loop.getDebug()).toBe(true);
      expect(loop.slowCallbackDuration).toBe(0.1);
      loop.slowCallbackDuration = 0.5;
      expect(loop.slowCallbackDuration).toBe(0.5);
    } finally {
      loop.close();
    }
  });

  it("scheduling: callSoon FIFO, callLater(delay, cb, ...args), callAt(when, cb, ...args), callSoonThreadsafe", async () => {
    const loop = new asyncio.VirtualTimeEventLoop();
    try {
      const order: unknown[] = [];
      loop.callLater(2, (x: string) => order.push(x), "later2");
      loop.callAt(loop.time() + 1, (x: string) => order.push(x), "at1");
      loop.callSoon((x: string) => order.push(x), "soon1");
      loop.callSoonThreadsafe((x: string) => order.push(x), "threadsafe");
      loop.callSoon((x: string) => order.push(x), "soon2");
      await loop.runUntilComplete(() => asyncio.sleep(3));
      expect(order).toEqual(["soon1", "threadsafe", "soon2", "at1", "later2"]);
    } finally {
      loop.close();
    }
  });

  it("futures and tasks: createFuture(), createTask(coro, { name, context })", async () => {
    const loop = asyncio.newEventLoop();
    try {
      const fut = loop.createFuture<number>();
      expect(fut).toBeInstanceOf(asyncio.Future);
      expect(fut.getLoop()).toBe(loop);
      const context = asyncio.copyContext();
      const created = loop.createTask(async () => 2, { name: "t", context });
      expect(created).toBeInstanceOf(asyncio.Task);
      const task = created as asyncio.Task<number>;
      expect(task.getName()).toBe("t");
      expect(task.getContext()).toBe(context);
      expect(await loop.runUntilComplete(task)).toBe(2);
    } finally {
      loop.close();
    }
  });

  it("setTaskFactory / getTaskFactory with eagerTaskFactory", () => {
    const loop = asyncio.newEventLoop();
    try {
      expect(loop.getTaskFactory()).toBeNull();
      loop.setTaskFactory(asyncio.eagerTaskFactory);
      expect(loop.getTaskFactory()).toBe(asyncio.eagerTaskFactory);
      loop.setTaskFactory(null);
      expect(loop.getTaskFactory()).toBeNull();
    } finally {
      loop.close();
    }
  });

  it("executors: runInExecutor(executor | null, fn, ...args), setDefaultExecutor, ThreadPoolExecutor", async () => {
    const loop = asyncio.newEventLoop();
    const executor = new asyncio.ThreadPoolExecutor();
    try {
      loop.setDefaultExecutor(executor);
      const value = await loop.runUntilComplete(() => loop.runInExecutor(null, (a: number, b: number) => a * b, 6, 7));
      expect(value).toBe(42);
      const direct = await loop.runUntilComplete(() => loop.runInExecutor(executor, (s: string) => s.toUpperCase(), "x"));
      expect(direct).toBe("X");
      await loop.runUntilComplete(() => loop.shutdownDefaultExecutor());
    } finally {
      loop.close();
    }
  });

  it("errors: callExceptionHandler, setExceptionHandler, getExceptionHandler, defaultExceptionHandler", () => {
    const loop = asyncio.newEventLoop();
    try {
      expect(loop.getExceptionHandler()).toBeNull();
      const seen: asyncio.ExceptionContext[] = [];
      const handler = (handlerLoop: asyncio.AbstractEventLoop, context: asyncio.ExceptionContext): void => {
        expect(handlerLoop).toBe(loop);
        seen.push(context);
      };
      loop.setExceptionHandler(handler);
      expect(loop.getExceptionHandler()).toBe(handler);
      loop.callExceptionHandler({ message: "boom" });
      expect(seen.map((c) => c.message)).toEqual(["boom"]);
      loop.setExceptionHandler(null);
      expect(typeof loop.defaultExceptionHandler).toBe("function");
    } finally {
      loop.close();
    }
  });

  it("signals: addSignalHandler(sig, cb, ...args) and removeSignalHandler(sig)", async () => {
    const loop = asyncio.newEventLoop();
    try {
      const signal = 10; // SIGUSR1
      const got = await loop.runUntilComplete(async () => {
        const fut = loop.createFuture<string>();
        loop.addSignalHandler(signal, (x: string) => fut.setResult(x), "usr1");
        process.kill(process.pid, "SIGUSR1");
        return asyncio.waitFor(fut, 5);
      });
      expect(got).toBe("usr1");
      expect(loop.removeSignalHandler(signal)).toBe(true);
      expect(loop.removeSignalHandler(signal)).toBe(false);
    } finally {
      loop.close();
    }
  });

  it("signals: addSignalHandler rejects uncatchable and invalid signals and coroutine functions as CPython does", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      expect(() => loop.addSignalHandler(9, () => undefined)).toThrow(asyncio.RuntimeError);
      expect(() => loop.addSignalHandler(9, () => undefined)).toThrow("sig 9 cannot be caught");
      expect(() => loop.addSignalHandler(0, () => undefined)).toThrow(RangeError);
      expect(() => loop.addSignalHandler(0, () => undefined)).toThrow("invalid signal number 0");
      expect(() => loop.addSignalHandler(12, async () => undefined)).toThrow("coroutines cannot be used with add_signal_handler()");
      expect(loop.removeSignalHandler(12)).toBe(false);
    });
  });

  it("scheduling: callSoon of a non-callable is a TypeError; close() of a running loop is a RuntimeError", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      expect(() => loop.callSoon(5 as unknown as () => void)).toThrow(TypeError);
      expect(() => loop.close()).toThrow("Cannot close a running event loop");
    });
  });

  it("I/O methods are present on every loop", () => {
    const loop = new asyncio.EventLoop();
    try {
      for (const name of [
        "createConnection",
        "createServer",
        "createUnixConnection",
        "createUnixServer",
        "createDatagramEndpoint",
        "connectAcceptedSocket",
        "sendfile",
        "startTls",
        "connectReadPipe",
        "connectWritePipe",
        "getaddrinfo",
        "getnameinfo",
        "sockRecv",
        "sockSendall",
        "sockConnect",
        "sockAccept",
        "addReader",
        "removeReader",
        "addWriter",
        "removeWriter",
        "subprocessExec",
        "subprocessShell",
      ] as const) {
        expect(typeof loop[name], name).toBe("function");
      }
    } finally {
      loop.close();
    }
  });

  it("loop.getaddrinfo resolves 127.0.0.1 to (family, type, proto, canonname, sockaddr) tuples", async () => {
    await run(async () => {
      const infos = (await ioLoop().getaddrinfo("127.0.0.1", 80, { type: asyncio.SOCK_STREAM }));
      expect(infos.length).toBeGreaterThan(0);
      const [family, , , , sockaddr] = infos[0] as unknown as [number, number, number, string, [string, number]];
      expect(family).toBe(asyncio.AF_INET);
      expect(sockaddr).toEqual(["127.0.0.1", 80]);
    });
  });

  it("loop.createServer / createConnection with a Protocol over loopback", async () => {
    await run(async () => {
      const loop = ioLoop();
      const received = loop.createFuture<string>();
      class Echo extends asyncio.Protocol {
        override dataReceived(data: Uint8Array): void {
          received.setResult(Buffer.from(data).toString());
        }
      }
      const server = (await loop.createServer(() => new Echo(), "127.0.0.1", 0));
      try {
        const port = (server.sockets[0]?.getsockname() as [string, number])[1];
        const [transport] = await loop.createConnection(() => new asyncio.Protocol(), "127.0.0.1", port);
        transport.write(Buffer.from("ping"));
        expect(await asyncio.waitFor(received, 5)).toBe("ping");
        transport.close();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });
});

describe("API.md @aio/tasks", () => {
  it("Task: cancel(msg), cancelling(), uncancel()", async () => {
    await run(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      await asyncio.sleep(0);
      expect(task.cancelling()).toBe(0);
      task.cancel("a");
      expect(task.cancelling()).toBe(1);
      expect(task.uncancel()).toBe(0);
      task.cancel();
      await asyncio.wait([task]);
      expect(task.cancelled()).toBe(true);
    });
  });

  it("Task: result(), exception(), done(), cancelled()", async () => {
    await run(async () => {
      const ok = asyncio.createTask(async () => 1);
      const bad = asyncio.createTask(async () => {
        throw new RangeError("b");
      });
      expect(ok.done()).toBe(false);
      await asyncio.wait([ok, bad]);
      expect(ok.result()).toBe(1);
      expect(ok.exception()).toBeNull();
      expect(bad.exception()).toBeInstanceOf(RangeError);
      expect(() => bad.result()).toThrow("b");
      expect(ok.cancelled()).toBe(false);
    });
  });

  it("Task: getName(), setName(), getCoro(), getContext(), getStack(), addDoneCallback", async () => {
    await run(async () => {
      const coro = async (): Promise<number> => 1;
      const task = asyncio.createTask(coro);
      expect(task.getName()).toMatch(/^Task-\d+$/);
      task.setName("renamed");
      expect(task.getName()).toBe("renamed");
      expect(task.getCoro()).toBe(coro);
      expect(task.getContext()).toBeInstanceOf(asyncio.Context);
      expect(Array.isArray(task.getStack())).toBe(true);
      const seen: unknown[] = [];
      task.addDoneCallback((t) => seen.push(t === task));
      await task;
      await asyncio.sleep(0);
      expect(seen).toEqual([true]);
    });
  });

  it("Task: setResult / setException are not supported (RuntimeError), as in Python", async () => {
    await run(async () => {
      const task = asyncio.createTask(async () => 1);
      expect(() => task.setResult(2)).toThrow(asyncio.RuntimeError);
      expect(() => task.setException(new Error("x"))).toThrow(asyncio.RuntimeError);
      await task;
    });
  });

  it("createTask(coro, { name, context }), currentTask(), allTasks()", async () => {
    await run(async () => {
      const main = asyncio.currentTask();
      expect(main).toBeInstanceOf(asyncio.Task);
      const task = asyncio.createTask(() => asyncio.sleep(0), { name: "x" });
      expect(task.getName()).toBe("x");
      expect(asyncio.allTasks()).toEqual(new Set([main, task]));
      await task;
    });
    expect(asyncio.currentTask).toThrow("no running event loop");
  });

  it("sleep(delay, result) resolves to result", async () => {
    expect(await run(() => asyncio.sleep(0.001, "r"))).toBe("r");
  });

  it("gather: results in argument order; first error propagates without returnExceptions", async () => {
    await run(async () => {
      const result = await asyncio.gather(asyncio.sleep(0.002, "slow"), asyncio.sleep(0, "fast"));
      expect(result).toEqual(["slow", "fast"]);
      await expect(
        asyncio.gather(async () => {
          throw new RangeError("g");
        }),
      ).rejects.toThrow("g");
    });
  });

  it("waitFor(aw, timeout) raises TimeoutError and cancels the inner awaitable", async () => {
    await run(async () => {
      const inner = asyncio.createTask(() => asyncio.sleep(10));
      const error = await asyncio.waitFor(inner, 0.001).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.TimeoutError);
      expect(inner.cancelled()).toBe(true);
      expect(await asyncio.waitFor(async () => "x", null)).toBe("x");
    });
  });

  it("wait(aws, { timeout, returnWhen }) with FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED", async () => {
    expect(asyncio.FIRST_COMPLETED).toBe("FIRST_COMPLETED");
    expect(asyncio.FIRST_EXCEPTION).toBe("FIRST_EXCEPTION");
    expect(asyncio.ALL_COMPLETED).toBe("ALL_COMPLETED");
    await run(async () => {
      const fast = asyncio.createTask(() => asyncio.sleep(0, 1));
      const slow = asyncio.createTask(() => asyncio.sleep(10));
      let [done, pending] = await asyncio.wait([fast, slow], { returnWhen: asyncio.FIRST_COMPLETED });
      expect(done).toEqual(new Set([fast]));
      expect(pending).toEqual(new Set([slow]));
      [done, pending] = await asyncio.wait([slow], { timeout: 0.001 });
      expect(done.size).toBe(0);
      expect(pending).toEqual(new Set([slow]));
      const bad = asyncio.createTask(async () => {
        throw new RangeError("x");
      });
      [done, pending] = await asyncio.wait([bad, slow], { returnWhen: asyncio.FIRST_EXCEPTION });
      expect(done).toEqual(new Set([bad]));
      slow.cancel();
      [done] = await asyncio.wait([slow], { returnWhen: asyncio.ALL_COMPLETED });
      expect(done).toEqual(new Set([slow]));
      await expect(asyncio.wait([])).rejects.toThrow(RangeError);
    });
  });

  it("wait(aws) rejects coroutines (thunks) with CPython's TypeError", async () => {
    await run(async () => {
      const thunk = async (): Promise<number> => 1;
      await expect(asyncio.wait([thunk as unknown as asyncio.Future<number>])).rejects.toThrow("Passing coroutines is forbidden, use tasks explicitly.");
    });
  });

  it("asCompleted(aws, { timeout }) as a plain iterator of awaitables", async () => {
    await run(async () => {
      const order: number[] = [];
      for (const next of asyncio.asCompleted([asyncio.sleep(0.003, 3), asyncio.sleep(0, 1)])) {
        order.push(await next);
      }
      expect(order).toEqual([1, 3]);
    });
  });

  it("asCompleted(aws) as an async iterator of finished tasks (3.13)", async () => {
    await run(async () => {
      const slow = asyncio.createTask(() => asyncio.sleep(0.003, "slow"));
      const fast = asyncio.createTask(() => asyncio.sleep(0, "fast"));
      const order: unknown[] = [];
      for await (const finished of asyncio.asCompleted([slow, fast])) {
        order.push(finished === fast ? "fast-task" : finished === slow ? "slow-task" : finished);
      }
      expect(order).toEqual(["fast-task", "slow-task"]);
    });
  });

  it("asCompleted(aws, { timeout }) raises TimeoutError", async () => {
    await run(async () => {
      const it = asyncio.asCompleted([asyncio.sleep(10)], { timeout: 0.001 });
      const error = await (async () => {
        for await (const _ of it) void _;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.TimeoutError);
    });
  });

  it("shield(aw): cancelling the outer leaves the inner running", async () => {
    await run(async () => {
      const inner = asyncio.createTask(() => asyncio.sleep(0.002, "inner"));
      const outer = asyncio.shield(inner);
      outer.cancel();
      expect(outer.cancelled()).toBe(true);
      expect(await inner).toBe("inner");
    });
  });

  it("ensureFuture(aw): a Future passes through, a thunk becomes a Task", async () => {
    await run(async () => {
      const fut = asyncio.getRunningLoop().createFuture();
      expect(asyncio.ensureFuture(fut)).toBe(fut);
      const task = asyncio.ensureFuture(async () => 5);
      expect(task).toBeInstanceOf(asyncio.Task);
      expect(await task).toBe(5);
    });
  });

  it("timeout(delay) raises TimeoutError; Timeout when(), reschedule(), expired()", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const cm = asyncio.timeout(0.001);
      expect(cm).toBeInstanceOf(asyncio.Timeout);
      const error = await asyncio
        .asyncWith(cm, async (t) => {
          expect(t).toBe(cm);
          expect(typeof t.when()).toBe("number");
          await asyncio.sleep(10);
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.TimeoutError);
      expect(cm.expired()).toBe(true);

      const unbounded = asyncio.timeout(null);
      await asyncio.asyncWith(unbounded, async (t) => {
        expect(t.when()).toBeNull();
        t.reschedule(loop.time() + 10);
        expect(t.when()).toBeCloseTo(loop.time() + 10, 1);
        t.reschedule(null);
        await asyncio.sleep(0);
      });
      expect(unbounded.expired()).toBe(false);
    });
  });

  it("timeoutAt(when) uses loop.time() deadlines", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const error = await asyncio.asyncWith(asyncio.timeoutAt(loop.time() + 0.001), () => asyncio.sleep(10)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.TimeoutError);
      expect(await asyncio.asyncWith(asyncio.timeoutAt(null), async () => "ok")).toBe("ok");
    });
  });

  it("TaskGroup: createTask and the ExceptionGroup of failures", async () => {
    await run(async () => {
      const values = await asyncio.asyncWith(new asyncio.TaskGroup(), async (tg) => {
        const a = tg.createTask(() => asyncio.sleep(0, 1));
        const b = tg.createTask(async () => 2, { name: "b" });
        expect(b.getName()).toBe("b");
        return [a, b] as const;
      });
      expect(values.map((t) => t.result())).toEqual([1, 2]);
      const error = await asyncio
        .asyncWith(new asyncio.TaskGroup(), async (tg) => {
          tg.createTask(async () => {
            throw new RangeError("tg");
          });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.ExceptionGroup);
      expect((error as asyncio.ExceptionGroup).exceptions[0]).toBeInstanceOf(RangeError);
      // Python's eg.message (str(eg) appends " (1 sub-exception)").
      expect((error as Error).message).toBe("unhandled errors in a TaskGroup");
    });
  });

  it("run(main, { debug, loopFactory })", async () => {
    let made: asyncio.AbstractEventLoop | undefined;
    const debug = await asyncio.run(async () => asyncio.getRunningLoop().getDebug(), {
      debug: true,
      loopFactory: () => {
        made = new asyncio.EventLoop();
        return made;
      },
    });
    expect(debug).toBe(true);
    expect(made?.isClosed()).toBe(true);
  });

  it("run() inside a running loop is a RuntimeError", async () => {
    await run(async () => {
      const thunk = async (): Promise<number> => 1;
      await expect(asyncio.run(thunk)).rejects.toThrow("asyncio.run() cannot be called from a running event loop");
    });
  });

  it("Runner: run, close, getLoop", async () => {
    const runner = new asyncio.Runner();
    try {
      expect(await runner.run(async () => 1)).toBe(1);
      const loop = runner.getLoop();
      expect(await runner.run(async () => asyncio.getRunningLoop())).toBe(loop);
    } finally {
      await runner.close();
    }
    expect(() => runner.getLoop()).toThrow("Runner is closed");
  });

  it("toThread(fn, ...args) runs fn off the loop and returns its result", async () => {
    expect(await run(() => asyncio.toThread((a: number) => a + 1, 41))).toBe(42);
  });

  it("runCoroutineThreadsafe(coro, loop) returns a concurrent future", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const cf = asyncio.runCoroutineThreadsafe(async () => 8, loop);
      const value = await asyncio.wrapFuture(cf);
      expect(value).toBe(8);
      expect(cf.result()).toBe(8);
    });
  });

  it("eagerTaskFactory and createEagerTaskFactory(TaskClass) start tasks eagerly", async () => {
    await run(async () => {
      const loop = asyncio.getRunningLoop();
      const steps: string[] = [];
      loop.setTaskFactory(asyncio.eagerTaskFactory);
      try {
        const task = asyncio.createTask(async () => {
          steps.push("eager");
          return 1;
        });
        // The first step ran inside createTask; done() lags a few promise jobs (tasks README, Differences).
        expect(steps).toEqual(["eager"]);
        expect(await task).toBe(1);
        loop.setTaskFactory(asyncio.createEagerTaskFactory(asyncio.Task));
        const second = asyncio.createTask(async () => {
          steps.push("eager2");
          await asyncio.sleep(0);
          return 2;
        });
        expect(steps).toEqual(["eager", "eager2"]);
        expect(await second).toBe(2);
      } finally {
        loop.setTaskFactory(null);
      }
    });
  });
});

describe("API.md @aio/sync", () => {
  it("Lock: acquire, release, locked; release of an unlocked lock is a RuntimeError", async () => {
    await run(async () => {
      const lock = new asyncio.Lock();
      expect(await lock.acquire()).toBe(true);
      expect(lock.locked()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
      expect(() => lock.release()).toThrow(asyncio.RuntimeError);
      expect(() => lock.release()).toThrow("Lock is not acquired.");
    });
  });

  it("Lock: FIFO fairness between waiters", async () => {
    await run(async () => {
      const lock = new asyncio.Lock();
      const order: number[] = [];
      await lock.acquire();
      const tasks = [1, 2, 3].map((i) =>
        asyncio.createTask(async () => {
          await asyncio.asyncWith(lock, async () => {
            order.push(i);
          });
        }),
      );
      await asyncio.sleep(0);
      lock.release();
      await asyncio.gather(tasks);
      expect(order).toEqual([1, 2, 3]);
    });
  });

  it("Event: set, clear, isSet, wait", async () => {
    await run(async () => {
      const event = new asyncio.Event();
      expect(event.isSet()).toBe(false);
      const waiter = asyncio.createTask(() => event.wait());
      await asyncio.sleep(0);
      event.set();
      expect(await waiter).toBe(true);
      event.clear();
      expect(event.isSet()).toBe(false);
    });
  });

  it("Condition: wait, waitFor, notify, notifyAll", async () => {
    await run(async () => {
      const condition = new asyncio.Condition();
      let ready = false;
      const woken: string[] = [];
      const a = asyncio.createTask(() =>
        asyncio.asyncWith(condition, async () => {
          await condition.wait();
          woken.push("a");
        }),
      );
      const b = asyncio.createTask(() =>
        asyncio.asyncWith(condition, async () => {
          expect(await condition.waitFor(() => ready)).toBe(true);
          woken.push("b");
        }),
      );
      await asyncio.sleep(0);
      await asyncio.asyncWith(condition, async () => {
        condition.notify(1);
      });
      await a;
      ready = true;
      await asyncio.asyncWith(condition, async () => {
        condition.notifyAll();
      });
      await b;
      expect(woken).toEqual(["a", "b"]);
      expect(() => condition.notify()).toThrow("cannot notify on un-acquired lock");
    });
  });

  it("Semaphore and BoundedSemaphore: acquire, release, locked; over-release is ValueError -> RangeError", async () => {
    await run(async () => {
      const semaphore = new asyncio.Semaphore(1);
      await semaphore.acquire();
      expect(semaphore.locked()).toBe(true);
      semaphore.release();
      semaphore.release();
      expect(semaphore.locked()).toBe(false);
      const bounded = new asyncio.BoundedSemaphore({ value: 1 });
      await bounded.acquire();
      bounded.release();
      expect(() => bounded.release()).toThrow(RangeError);
      expect(() => bounded.release()).toThrow("BoundedSemaphore released too many times");
    });
  });

  it("Barrier: wait, parties, nWaiting, broken, reset, abort", async () => {
    await run(async () => {
      const barrier = new asyncio.Barrier(2);
      const first = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      expect(barrier.nWaiting).toBe(1);
      const second = await barrier.wait();
      expect(new Set([await first, second])).toEqual(new Set([0, 1]));
      const waiting = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      await barrier.abort();
      expect(barrier.broken).toBe(true);
      await expect(waiting).rejects.toThrow(asyncio.BrokenBarrierError);
      await barrier.reset();
      expect(barrier.broken).toBe(false);
      expect(() => new asyncio.Barrier(0)).toThrow(RangeError);
    });
  });
});

describe("API.md @aio/queues", () => {
  it("Queue: maxsize, qsize, empty, full, putNowait, getNowait, QueueFull, QueueEmpty", () => {
    const queue = new asyncio.Queue<number>(1);
    expect(queue.empty()).toBe(true);
    queue.putNowait(1);
    expect(queue.full()).toBe(true);
    expect(queue.qsize()).toBe(1);
    expect(() => queue.putNowait(2)).toThrow(asyncio.QueueFull);
    expect(queue.getNowait()).toBe(1);
    expect(() => queue.getNowait()).toThrow(asyncio.QueueEmpty);
  });

  it("Queue: put, get, taskDone, join", async () => {
    await run(async () => {
      const queue = new asyncio.Queue<string>();
      const consumer = asyncio.createTask(async () => {
        const item = await queue.get();
        queue.taskDone();
        return item;
      });
      await queue.put("x");
      await queue.join();
      expect(await consumer).toBe("x");
      expect(() => queue.taskDone()).toThrow("task_done() called too many times");
    });
  });

  it("Queue: shutdown(immediate) raises QueueShutDown", async () => {
    await run(async () => {
      const queue = new asyncio.Queue<number>();
      queue.putNowait(1);
      queue.shutdown();
      expect(() => queue.putNowait(2)).toThrow(asyncio.QueueShutDown);
      expect(await queue.get()).toBe(1);
      await expect(queue.get()).rejects.toThrow(asyncio.QueueShutDown);
      const immediate = new asyncio.Queue<number>();
      immediate.putNowait(1);
      immediate.shutdown(true);
      expect(immediate.qsize()).toBe(0);
      expect(() => immediate.getNowait()).toThrow(asyncio.QueueShutDown);
    });
  });

  it("PriorityQueue orders numbers, strings and arrays (tuple order), or by a comparator option", () => {
    const numbers = new asyncio.PriorityQueue<number>();
    for (const n of [3, 1, 2]) numbers.putNowait(n);
    expect([numbers.getNowait(), numbers.getNowait(), numbers.getNowait()]).toEqual([1, 2, 3]);
    const tuples = new asyncio.PriorityQueue<[number, string]>();
    for (const t of [[2, "a"], [1, "z"], [1, "b"]] as [number, string][]) tuples.putNowait(t);
    expect([tuples.getNowait(), tuples.getNowait(), tuples.getNowait()]).toEqual([
      [1, "b"],
      [1, "z"],
      [2, "a"],
    ]);
    const strings = new asyncio.PriorityQueue<string>();
    for (const s of ["b", "a"]) strings.putNowait(s);
    expect(strings.getNowait()).toBe("a");
    const reversed = new asyncio.PriorityQueue<number>({ comparator: (a: number, b: number) => b - a });
    for (const n of [1, 3, 2]) reversed.putNowait(n);
    expect(reversed.getNowait()).toBe(3);
  });

  it("LifoQueue returns the last item first", () => {
    const queue = new asyncio.LifoQueue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    expect(queue.getNowait()).toBe(2);
  });

  it("async iteration over a queue ends at shutdown (addition)", async () => {
    await run(async () => {
      const queue = new asyncio.Queue<number>();
      queue.putNowait(1);
      queue.putNowait(2);
      queue.shutdown();
      const items: number[] = [];
      for await (const item of queue) items.push(item);
      expect(items).toEqual([1, 2]);
    });
  });
});

describe("API.md @aio/streams", () => {
  it("StreamReader: read(n=-1), readline(), readexactly(n), readuntil(separator | separators[]), atEof(), feedData, feedEof", async () => {
    await run(async () => {
      const reader = new asyncio.StreamReader();
      reader.feedData(Buffer.from("line\nAB|CD;rest"));
      reader.feedEof();
      expect(Buffer.from(await reader.readline()).toString()).toBe("line\n");
      expect(Buffer.from(await reader.readexactly(2)).toString()).toBe("AB");
      expect(Buffer.from(await reader.readuntil(Buffer.from("|"))).toString()).toBe("|");
      expect(Buffer.from(await reader.readuntil([Buffer.from(";"), Buffer.from("!")])).toString()).toBe("CD;");
      expect(reader.atEof()).toBe(false);
      expect(Buffer.from(await reader.read()).toString()).toBe("rest");
      expect(reader.atEof()).toBe(true);
      expect((await reader.read(-1)).length).toBe(0);
    });
  });

  it("StreamReader.readexactly past EOF raises IncompleteReadError with partial", async () => {
    await run(async () => {
      const reader = new asyncio.StreamReader();
      reader.feedData(Buffer.from("ab"));
      reader.feedEof();
      const error = await reader.readexactly(5).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.IncompleteReadError);
      expect(Buffer.from((error as asyncio.IncompleteReadError).partial).toString()).toBe("ab");
    });
  });

  it("StreamReader: readuntil(empty) and readexactly(-1) are ValueError -> RangeError with CPython's text", async () => {
    await run(async () => {
      const reader = new asyncio.StreamReader();
      await expect(reader.readuntil(Buffer.from(""))).rejects.toThrow(RangeError);
      await expect(reader.readuntil(Buffer.from(""))).rejects.toThrow("Separator should be at least one-byte string");
      await expect(reader.readexactly(-1)).rejects.toThrow("readexactly size can not be less than zero");
      expect((await reader.read(0)).length).toBe(0);
    });
  });

  it("StreamReader: DEFAULT_LIMIT is 64 KiB and readuntil() defaults to a newline separator", async () => {
    expect(asyncio.DEFAULT_LIMIT).toBe(2 ** 16);
    await run(async () => {
      const reader = new asyncio.StreamReader();
      reader.feedData(Buffer.from("ab\ncd"));
      expect(Buffer.from(await reader.readuntil()).toString()).toBe("ab\n");
    });
  });

  it("StreamWriter.write(str) is a TypeError (bytes only)", async () => {
    await run(async () => {
      const server = await asyncio.startServer(async (reader, writer) => {
        await reader.read();
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const port = (server.sockets[0]?.getsockname() as [string, number])[1];
        const [, writer] = await asyncio.openConnection("127.0.0.1", port);
        expect(() => writer.write("text" as unknown as Uint8Array)).toThrow("data argument must be a bytes-like object, not 'str'");
        expect(writer.getExtraInfo("sockname")).toEqual(["127.0.0.1", expect.any(Number)]);
        expect(writer.getExtraInfo("missing", "dflt")).toBe("dflt");
        writer.close();
        await writer.waitClosed();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("loop.createDatagramEndpoint with DatagramProtocol over loopback", async () => {
    await run(async () => {
      const loop = ioLoop();
      const got = loop.createFuture<[string, unknown]>();
      class Receiver extends asyncio.DatagramProtocol {
        override datagramReceived(data: Uint8Array, addr: unknown): void {
          got.setResult([Buffer.from(data).toString(), addr]);
        }
      }
      const [server] = (await loop.createDatagramEndpoint(() => new Receiver(), { localAddr: ["127.0.0.1", 0] })) as [asyncio.DatagramTransport, unknown];
      try {
        const address = server.getExtraInfo("sockname") as [string, number];
        const [client] = (await loop.createDatagramEndpoint(() => new asyncio.DatagramProtocol(), { remoteAddr: address })) as [asyncio.DatagramTransport, unknown];
        try {
          client.sendto(Buffer.from("dg"));
          const [text, from] = await asyncio.waitFor(got, 5);
          expect(text).toBe("dg");
          expect(from).toEqual(["127.0.0.1", expect.any(Number)]);
        } finally {
          client.close();
        }
      } finally {
        server.close();
      }
    });
  });

  it("StreamReader.readuntil over the limit raises LimitOverrunError", async () => {
    await run(async () => {
      const reader = new asyncio.StreamReader({ limit: 4 });
      reader.feedData(Buffer.from("abcdefgh"));
      const error = await reader.readuntil(Buffer.from("\n")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.LimitOverrunError);
    });
  });

  it("openConnection / startServer and StreamWriter write, writelines, drain, canWriteEof, writeEof, isClosing, close, waitClosed, transport", async () => {
    await run(async () => {
      const server = await asyncio.startServer(
        async (reader, writer) => {
          const data = await reader.read();
          writer.write(data);
          await writer.drain();
          writer.close();
          await writer.waitClosed();
        },
        "127.0.0.1",
        0,
      );
      try {
        expect(server).toBeInstanceOf(asyncio.Server);
        const port = (server.sockets[0]?.getsockname() as [string, number])[1];
        const [reader, writer] = await asyncio.openConnection("127.0.0.1", port, { limit: 1024 });
        expect(writer).toBeInstanceOf(asyncio.StreamWriter);
        expect(writer.transport).toBeInstanceOf(asyncio.BaseTransport);
        writer.write(Buffer.from("he"));
        writer.writelines([Buffer.from("l"), Buffer.from("lo")]);
        await writer.drain();
        expect(writer.canWriteEof()).toBe(true);
        writer.writeEof();
        expect(Buffer.from(await reader.read()).toString()).toBe("hello");
        expect(writer.isClosing()).toBe(false);
        writer.close();
        expect(writer.isClosing()).toBe(true);
        await writer.waitClosed();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("Server: isServing, getLoop, sockets, close, closeClients, abortClients, waitClosed", async () => {
    await run(async () => {
      const connected = asyncio.getRunningLoop().createFuture<null>();
      const server = await asyncio.startServer(
        async (reader) => {
          connected.setResult(null);
          await reader.read();
        },
        "127.0.0.1",
        0,
      );
      expect(server.isServing()).toBe(true);
      expect(server.getLoop()).toBe(asyncio.getRunningLoop());
      const port = (server.sockets[0]?.getsockname() as [string, number])[1];
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
      await connected;
      server.close();
      expect(server.isServing()).toBe(false);
      server.closeClients();
      server.abortClients();
      expect((await reader.read()).length).toBe(0);
      writer.close();
      await writer.waitClosed().catch(() => undefined);
      await server.waitClosed();
    });
  });

  it("Server: startServing and serveForever (cancelled) with startServing: false", async () => {
    await run(async () => {
      const server = await asyncio.startServer(() => undefined, "127.0.0.1", 0, { startServing: false });
      try {
        expect(server.isServing()).toBe(false);
        await server.startServing();
        expect(server.isServing()).toBe(true);
        const forever = asyncio.createTask(() => server.serveForever());
        await asyncio.sleep(0);
        forever.cancel();
        await asyncio.wait([forever]);
        expect(forever.cancelled()).toBe(true);
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("openUnixConnection(path) / startUnixServer(cb, path) in a temp dir", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aio-api-"));
    try {
      await run(async () => {
        const path = join(dir, "s.sock");
        const server = await asyncio.startUnixServer(async (_reader, writer) => {
          writer.write(Buffer.from("unix"));
          writer.close();
          await writer.waitClosed();
        }, path);
        try {
          const [reader, writer] = await asyncio.openUnixConnection(path);
          expect(Buffer.from(await reader.read()).toString()).toBe("unix");
          writer.close();
          await writer.waitClosed();
        } finally {
          server.close();
          await server.waitClosed();
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("StreamReaderProtocol wraps a StreamReader for loop.createConnection", async () => {
    await run(async () => {
      const loop = ioLoop();
      const server = await asyncio.startServer(async (_r, writer) => {
        writer.write(Buffer.from("proto"));
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const port = (server.sockets[0]?.getsockname() as [string, number])[1];
        const reader = new asyncio.StreamReader();
        const [transport] = (await loop.createConnection(() => new asyncio.StreamReaderProtocol(reader), "127.0.0.1", port)) as [asyncio.Transport, unknown];
        expect(Buffer.from(await reader.read()).toString()).toBe("proto");
        transport.close();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("TLS: createDefaultContext() gives an SSLContext", () => {
    const context = asyncio.createDefaultContext();
    expect(context).toBeInstanceOf(asyncio.SSLContext);
  });
});

describe("API.md @aio/subprocess", () => {
  it("PIPE, STDOUT, DEVNULL have Python's values", () => {
    expect([asyncio.PIPE, asyncio.STDOUT, asyncio.DEVNULL]).toEqual([-1, -2, -3]);
  });

  it("createSubprocessExec(program, ...args, opts): pid, returncode, stdout, wait()", async () => {
    await run(async () => {
      const proc = await asyncio.createSubprocessExec(process.execPath, "-e", "process.stdout.write('out')", { stdout: asyncio.PIPE });
      expect(proc).toBeInstanceOf(asyncio.Process);
      expect(typeof proc.pid).toBe("number");
      expect(proc.returncode).toBeNull();
      expect(proc.stdin).toBeNull();
      expect(Buffer.from(await (proc.stdout as asyncio.StreamReader).read()).toString()).toBe("out");
      expect(await proc.wait()).toBe(0);
      expect(proc.returncode).toBe(0);
    });
  });

  it("createSubprocessShell(cmd, opts) and communicate(input) with stderr=STDOUT", async () => {
    await run(async () => {
      const proc = await asyncio.createSubprocessShell("cat; echo err >&2", { stdin: asyncio.PIPE, stdout: asyncio.PIPE, stderr: asyncio.STDOUT });
      const [stdout, stderr] = await proc.communicate(Buffer.from("in\n"));
      expect(Buffer.from(stdout as Uint8Array).toString()).toBe("in\nerr\n");
      expect(stderr).toBeNull();
      expect(proc.returncode).toBe(0);
    });
  });

  it("Process: sendSignal(sig), terminate(), kill() give negative return codes", async () => {
    await run(async () => {
      const script = "setInterval(() => {}, 1000); process.stdout.write('ready')";
      for (const [stop, code] of [
        [(p: asyncio.Process) => p.sendSignal(15), -15],
        [(p: asyncio.Process) => p.terminate(), -15],
        [(p: asyncio.Process) => p.kill(), -9],
      ] as const) {
        const proc = await asyncio.createSubprocessExec(process.execPath, "-e", script, { stdout: asyncio.PIPE, stdin: asyncio.DEVNULL });
        await (proc.stdout as asyncio.StreamReader).readexactly(5);
        stop(proc);
        expect(await proc.wait()).toBe(code);
      }
    });
  });

  it("createSubprocessExec of a missing program is FileNotFoundError; kill() after exit is ProcessLookupError", async () => {
    await run(async () => {
      const error = await asyncio.createSubprocessExec("/nonexistent/aio-program").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(asyncio.FileNotFoundError);
      expect((error as asyncio.OSError).code).toBe("ENOENT");
      const proc = await asyncio.createSubprocessExec(process.execPath, "-e", "0", { stdin: null });
      expect(await proc.wait()).toBe(0);
      expect(() => proc.kill()).toThrow(asyncio.ProcessLookupError);
      expect(await proc.communicate()).toEqual([null, null]);
    });
  });

  it("Process.sendSignal accepts a signal name too", async () => {
    await run(async () => {
      const proc = await asyncio.createSubprocessExec(process.execPath, "-e", "setInterval(() => {}, 1000); process.stdout.write('r')", { stdout: asyncio.PIPE });
      await (proc.stdout as asyncio.StreamReader).readexactly(1);
      proc.sendSignal("SIGTERM");
      expect(await proc.wait()).toBe(-15);
    });
  });

  it("loop.subprocessExec(protocolFactory, program, ...args) with a SubprocessProtocol", async () => {
    await run(async () => {
      const loop = ioLoop();
      const exited = loop.createFuture<null>();
      class Proto extends asyncio.SubprocessProtocol {
        override processExited(): void {
          exited.setResult(null);
        }
      }
      const [transport] = (await loop.subprocessExec(() => new Proto(), process.execPath, "-e", "0", { stdin: null, stdout: null, stderr: null })) as [
        asyncio.SubprocessTransport,
        unknown,
      ];
      await asyncio.waitFor(exited, 5);
      expect(transport.getReturncode()).toBe(0);
      transport.close();
    });
  });
});

describe("API.md @aio/policy", () => {
  it("getEventLoopPolicy / setEventLoopPolicy / DefaultEventLoopPolicy / AbstractEventLoopPolicy", () => {
    const original = asyncio.getEventLoopPolicy();
    expect(original).toBeInstanceOf(asyncio.AbstractEventLoopPolicy);
    const policy = new asyncio.DefaultEventLoopPolicy();
    asyncio.setEventLoopPolicy(policy);
    try {
      expect(asyncio.getEventLoopPolicy()).toBe(policy);
    } finally {
      asyncio.setEventLoopPolicy(null);
    }
    expect(asyncio.getEventLoopPolicy()).toBeInstanceOf(asyncio.DefaultEventLoopPolicy);
  });

  it("a policy decides which loop class newEventLoop() and run() create", async () => {
    class MyLoop extends asyncio.EventLoop {}
    class MyPolicy extends asyncio.DefaultEventLoopPolicy {
      override newEventLoop(): asyncio.AbstractEventLoop {
        return new MyLoop();
      }
    }
    asyncio.setEventLoopPolicy(new MyPolicy());
    try {
      const loop = asyncio.newEventLoop();
      expect(loop).toBeInstanceOf(MyLoop);
      loop.close();
      const inRun = await asyncio.run(async () => asyncio.getRunningLoop());
      expect(inRun).toBeInstanceOf(MyLoop);
    } finally {
      asyncio.setEventLoopPolicy(null);
    }
  });

  it("setEventLoop / getEventLoop", () => {
    const loop = asyncio.newEventLoop();
    try {
      asyncio.setEventLoop(loop);
      expect(asyncio.getEventLoop()).toBe(loop);
    } finally {
      asyncio.setEventLoop(null);
      loop.close();
    }
  });

  it("getEventLoop() inside a running loop returns the running loop", async () => {
    await run(async () => {
      expect(asyncio.getEventLoop()).toBe(asyncio.getRunningLoop());
    });
  });
});
