/**
 * Whole programs on runners, executors, threads and policies whose output must equal CPython 3.13's:
 * the Runner and run() lifecycle and shutdown, runInExecutor/toThread and ThreadPoolExecutor,
 * runCoroutineThreadsafe and callSoonThreadsafe, event loop policies and getEventLoop, task
 * factories, shutdownAsyncgens, and the Timeout and TaskGroup corners parity-tasks leaves out.
 *
 * Each test is the TypeScript port of a small asyncio program (its source is in the comment above
 * the test) and compares the lines it logs with what `python3.13` printed. The Python programs
 * start with `import asyncio, contextvars, threading, time, warnings` and share these helpers,
 * mirrored below: `fmt(e)` is "<class>: <str(e)>" (ValueError shown as RangeError; an
 * ExceptionGroup as "<message> [<fmt of each>]"), `B(x)` prints a bool as Python does, `Boom` and
 * `Oops` are plain Exception subclasses, and `log` is a list printed line by line at the end.
 *
 * A Python thread becomes a Node timer callback (code outside the loop's callbacks), a function
 * run in a worker thread is self-contained (it travels as source text), and the state a Python
 * job shares with the main thread lives in a SharedArrayBuffer. Timed programs that only order
 * deadlines run on VirtualTimeEventLoop; CPython ran them in real time. Python's run() and
 * shutdown_asyncgens() go through sets, so the programs avoid logging where that order would show.
 *
 * The file is long because every test carries its Python program and CPython's output; it stays
 * whole so that each program can be re-run next to its port.
 */
import { describe, expect, it } from "vitest";
import {
  CancelledError,
  ContextVar,
  ExceptionGroup,
  RuntimeError,
  TimeoutError,
  asyncWith,
  copyContext,
  getRunningLoop,
  setLogger,
} from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, ExceptionContext, Logger, TaskFactory } from "@aio/core";
import { Future, wrapFuture } from "@aio/futures";
import { EventLoop, ThreadPoolExecutor, VirtualTimeEventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import {
  DefaultEventLoopPolicy,
  getEventLoop,
  getEventLoopPolicy,
  newEventLoop,
  setEventLoop,
  setEventLoopPolicy,
} from "@aio/policy";
import { Lock } from "@aio/sync";
import {
  Runner,
  Task,
  TaskGroup,
  allTasks,
  asCompleted,
  createTask,
  currentTask,
  ensureFuture,
  gather,
  run,
  runCoroutineThreadsafe,
  sleep,
  timeout,
  timeoutAt,
  toThread,
} from "@aio/tasks";
import type { Timeout } from "@aio/tasks";
import { B, Boom, Oops, sink } from "./support/parity.js";

/** The Python programs' `fmt(e)`: class name and message; a group lists its members. */
function fmt(e: unknown): string {
  if (e instanceof ExceptionGroup) return `${e.name}: ${e.message} [${e.exceptions.map(fmt).join(", ")}]`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `thrown ${String(e)}`;
}

/** Python's `str(x)` where `None` may appear. */
const py = (x: string | number | null | undefined | void): string => (x === null || x === undefined ? "None" : String(x));

/** Python's `repr()` of a str or a number. */
const pyRepr = (x: string | number): string => (typeof x === "string" ? `'${x}'` : String(x));

/** Python's `repr(list)` of strings or numbers. */
const pyList = (xs: readonly (string | number)[]): string => `[${xs.map(pyRepr).join(", ")}]`;

/** Drops every record: debug mode logs "Close <EventLoop ...>" at debug level, which Python's default logging setup drops. */
const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warning: () => undefined, error: () => undefined };

/** `asyncio.run(main())` on a virtual-time loop: deadlines keep their order, no real waiting. */
function vrun<T>(main: () => Promise<T>): Promise<T> {
  return run(main, { loopFactory: () => new VirtualTimeEventLoop() });
}

/**
 * `agen.__anext__()` with Python's first-iteration hook (`sys.set_asyncgen_hooks`), which
 * JavaScript lacks: a generator is registered with `loop` the first time it is advanced.
 */
function firstIterHook(loop: BaseEventLoop): <T>(agen: AsyncGenerator<T>) => Promise<IteratorResult<T>> {
  const seen = new WeakSet<object>();
  return (agen) => {
    if (!seen.has(agen)) {
      seen.add(agen);
      loop._asyncgenFirstiterHook(agen);
    }
    return agen.next();
  };
}

describe("runners, executors, threads and policies (CPython 3.13 parity)", () => {
  // Python program r01:
  // # Runner lifecycle: close() before use, get_loop() creates the loop once, close twice, use after close
  // r = asyncio.Runner()
  // r.close()
  // async def where():
  //     return asyncio.get_running_loop()
  // loop = r.get_loop()
  // log.append(f"get_loop twice same={B(r.get_loop() is loop)} running={B(loop.is_running())} closed={B(loop.is_closed())}")
  // log.append(f"run uses it={B(r.run(where()) is loop)} again={B(r.run(where()) is loop)}")
  // r.close()
  // log.append(f"closed={B(loop.is_closed())}")
  // r.close()
  // log.append("second close ok")
  // try:
  //     r.get_loop()
  // except RuntimeError as e:
  //     log.append(f"get_loop: {fmt(e)}")
  // try:
  //     with r:
  //         pass
  // except RuntimeError as e:
  //     log.append(f"with: {fmt(e)}")
  // r2 = asyncio.Runner()
  // with r2 as entered:
  //     log.append(f"enter returns runner={B(entered is r2)}")
  //     loop2 = r2.get_loop()
  // log.append(f"exit closed loop={B(loop2.is_closed())}")
  it("r01: close() before use is a no-op; getLoop() makes the loop once; a closed Runner refuses", async () => {
    const log: string[] = [];
    const r = new Runner();
    await r.close();
    const where = async (): Promise<AbstractEventLoop> => getRunningLoop();
    const loop = r.getLoop();
    log.push(`get_loop twice same=${B(r.getLoop() === loop)} running=${B(loop.isRunning())} closed=${B(loop.isClosed())}`);
    log.push(`run uses it=${B((await r.run(where)) === loop)} again=${B((await r.run(where)) === loop)}`);
    await r.close();
    log.push(`closed=${B(loop.isClosed())}`);
    await r.close();
    log.push("second close ok");
    try {
      r.getLoop();
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      log.push(`get_loop: ${fmt(e)}`);
    }
    try {
      await asyncWith(r, async () => undefined);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      log.push(`with: ${fmt(e)}`);
    }
    const r2 = new Runner();
    let loop2: AbstractEventLoop | null = null;
    await asyncWith(r2, async (entered) => {
      log.push(`enter returns runner=${B(entered === r2)}`);
      loop2 = r2.getLoop();
    });
    log.push(`exit closed loop=${B(loop2!.isClosed())}`);
    expect(log).toEqual([
      "get_loop twice same=True running=False closed=False",
      "run uses it=True again=True",
      "closed=True",
      "second close ok",
      "get_loop: RuntimeError: Runner is closed",
      "with: RuntimeError: Runner is closed",
      "enter returns runner=True",
      "exit closed loop=True",
    ]);
  });

  // Python program r02:
  // # Runner/run debug flag and loop_factory: called lazily, once per runner; its loop closed at exit
  // for d in (True, False, None):
  //     with asyncio.Runner(debug=d) as r:
  //         log.append(f"Runner(debug={d}) get_debug={B(r.get_loop().get_debug())}")
  // made = []
  // def factory():
  //     log.append("factory called")
  //     loop = asyncio.new_event_loop()
  //     made.append(loop)
  //     return loop
  // r = asyncio.Runner(loop_factory=factory, debug=True)
  // log.append("runner made")
  // async def probe(tag):
  //     loop = asyncio.get_running_loop()
  //     log.append(f"{tag}: factory loop={B(loop is made[-1])} debug={B(loop.get_debug())}")
  // r.run(probe("first"))
  // r.run(probe("second"))
  // r.close()
  // log.append(f"closed={B(made[0].is_closed())} made={len(made)}")
  // asyncio.run(probe("run"), loop_factory=factory)
  // log.append(f"closed={B(made[1].is_closed())} made={len(made)}")
  it("r02: the debug flag of Runner and run(); loopFactory is called lazily, once, and its loop closed", async () => {
    const log: string[] = [];
    // Debug mode logs "Close <EventLoop ...>" at debug level, which Python's default logging
    // drops and @aio's console logger prints: muted.
    const previous = setLogger(quietLogger);
    try {
      for (const d of [true, false, null]) {
        await asyncWith(new Runner({ debug: d }), async (r) => {
          log.push(`Runner(debug=${d === null ? "None" : B(d)}) get_debug=${B(r.getLoop().getDebug())}`);
        });
      }
      const made: AbstractEventLoop[] = [];
      const factory = (): AbstractEventLoop => {
        log.push("factory called");
        const loop = newEventLoop();
        made.push(loop);
        return loop;
      };
      const r = new Runner({ loopFactory: factory, debug: true });
      log.push("runner made");
      const probe = async (tag: string): Promise<void> => {
        const loop = getRunningLoop();
        log.push(`${tag}: factory loop=${B(loop === made.at(-1))} debug=${B(loop.getDebug())}`);
      };
      await r.run(() => probe("first"));
      await r.run(() => probe("second"));
      await r.close();
      log.push(`closed=${B(made[0]!.isClosed())} made=${made.length}`);
      await run(() => probe("run"), { loopFactory: factory });
      log.push(`closed=${B(made[1]!.isClosed())} made=${made.length}`);
    } finally {
      setLogger(previous);
    }
    expect(log).toEqual([
      "Runner(debug=True) get_debug=True",
      "Runner(debug=False) get_debug=False",
      "Runner(debug=None) get_debug=False",
      "runner made",
      "factory called",
      "first: factory loop=True debug=True",
      "second: factory loop=True debug=True",
      "closed=True made=1",
      "factory called",
      "run: factory loop=True debug=False",
      "closed=True made=2",
    ]);
  });

  // Python program r03:
  // # Runner's context: copied when the runner starts; run(context=) uses the given one; tasks inherit it
  // v = contextvars.ContextVar("r03", default="unset")
  // async def show(tag, new=None):
  //     log.append(f"{tag}: v={v.get()}")
  //     if new is not None:
  //         v.set(new)
  //     async def child():
  //         log.append(f"{tag} child: v={v.get()}")
  //     await asyncio.create_task(child())
  // r = asyncio.Runner()
  // v.set("before-init")
  // r.get_loop()
  // v.set("after-init")
  // r.run(show("run1", "set-in-run1"))
  // r.run(show("run2"))
  // ctx = contextvars.copy_context()
  // r.run(show("ctx", "set-in-ctx"), context=ctx)
  // log.append(f"ctx holds {ctx[v]}")
  // r.run(show("run3"))
  // r.close()
  // log.append(f"outside: v={v.get()}")
  // async def main():
  //     v.set("in-asyncio-run")
  // asyncio.run(main())
  // log.append(f"after asyncio.run: v={v.get()}")
  it("r03: a Runner copies the context when it starts; run(context=) uses the given one; tasks inherit it", async () => {
    const log: string[] = [];
    const v = new ContextVar<string>("r03", { default: "unset" });
    const show = async (tag: string, value: string | null = null): Promise<void> => {
      log.push(`${tag}: v=${v.get()}`);
      if (value !== null) v.set(value);
      await createTask(async () => {
        log.push(`${tag} child: v=${v.get()}`);
      });
    };
    // The module-level code of the Python program runs here in a context of its own.
    await copyContext().run(async () => {
      const r = new Runner();
      v.set("before-init");
      r.getLoop();
      v.set("after-init");
      await r.run(() => show("run1", "set-in-run1"));
      await r.run(() => show("run2"));
      const ctx = copyContext();
      await r.run(() => show("ctx", "set-in-ctx"), { context: ctx });
      log.push(`ctx holds ${String(ctx.get(v))}`);
      await r.run(() => show("run3"));
      await r.close();
      log.push(`outside: v=${v.get()}`);
      await run(async () => {
        v.set("in-asyncio-run");
      });
      log.push(`after asyncio.run: v=${v.get()}`);
    });
    expect(log).toEqual([
      "run1: v=before-init",
      "run1 child: v=set-in-run1",
      "run2: v=set-in-run1",
      "run2 child: v=set-in-run1",
      "ctx: v=after-init",
      "ctx child: v=set-in-ctx",
      "ctx holds set-in-ctx",
      "run3: v=set-in-run1",
      "run3 child: v=set-in-run1",
      "outside: v=after-init",
      "after asyncio.run: v=after-init",
    ]);
  });

  // Python program r04:
  // # inside a running loop: Runner.run(), another loop and the same loop refuse to run; close() refuses;
  // # the inner runner stays unused and works afterwards
  // inner = asyncio.Runner()
  // async def job(tag):
  //     log.append(f"{tag} ran")
  //     return tag
  // async def main():
  //     c = job("never")
  //     try:
  //         inner.run(c)
  //     except RuntimeError as e:
  //         log.append(f"Runner.run: {fmt(e)}")
  //     finally:
  //         c.close()
  //     c = job("never")
  //     try:
  //         inner.get_loop().run_until_complete(c)
  //     except RuntimeError as e:
  //         log.append(f"other loop: {fmt(e)}")
  //     finally:
  //         c.close()
  //     loop = asyncio.get_running_loop()
  //     c = job("never")
  //     try:
  //         loop.run_until_complete(c)
  //     except RuntimeError as e:
  //         log.append(f"same loop: {fmt(e)}")
  //     finally:
  //         c.close()
  //     try:
  //         loop.close()
  //     except RuntimeError as e:
  //         log.append(f"close: {fmt(e)}")
  // asyncio.run(main())
  // log.append(f"inner afterwards: {inner.run(job('inner'))}")
  // inner.close()
  it("r04: Runner.run, another loop and the same loop are refused inside a running loop; the inner Runner stays usable", async () => {
    const log: string[] = [];
    const inner = new Runner();
    const job = async (tag: string): Promise<string> => {
      log.push(`${tag} ran`);
      return tag;
    };
    await run(async () => {
      try {
        await inner.run(() => job("never"));
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`Runner.run: ${fmt(e)}`);
      }
      try {
        await inner.getLoop().runUntilComplete(() => job("never"));
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`other loop: ${fmt(e)}`);
      }
      const loop = getRunningLoop();
      try {
        await loop.runUntilComplete(() => job("never"));
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`same loop: ${fmt(e)}`);
      }
      try {
        loop.close();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`close: ${fmt(e)}`);
      }
    });
    log.push(`inner afterwards: ${await inner.run(() => job("inner"))}`);
    await inner.close();
    expect(log).toEqual([
      "Runner.run: RuntimeError: Runner.run() cannot be called from a running event loop",
      "other loop: RuntimeError: Cannot run the event loop while another loop is running",
      "same loop: RuntimeError: This event loop is already running",
      "close: RuntimeError: Cannot close a running event loop",
      "inner ran",
      "inner afterwards: inner",
    ]);
  });

  // Python program r05:
  // # asyncio.run's shutdown: a leftover's finally starts a new task; callbacks scheduled during
  // # cleanup; which of them run before run() returns
  // async def late(name):
  //     log.append(f"{name} step0")
  //     await asyncio.sleep(0)
  //     log.append(f"{name} step1")
  //     await asyncio.sleep(0)
  //     log.append(f"{name} step2")
  // async def leftover():
  //     loop = asyncio.get_running_loop()
  //     try:
  //         await asyncio.sleep(10)
  //     finally:
  //         log.append("leftover finally")
  //         t = asyncio.create_task(late("spawned"))
  //         t.add_done_callback(lambda t: log.append(f"spawned done cancelled={B(t.cancelled())}"))
  //         loop.call_soon(log.append, "soon from finally")
  // async def main():
  //     t = asyncio.create_task(leftover())
  //     t.add_done_callback(lambda t: log.append(f"leftover done cancelled={B(t.cancelled())}"))
  //     await asyncio.sleep(0)
  //     log.append("main returns")
  // log.append(f"run -> {asyncio.run(main())}")
  it("r05: at run()'s shutdown a leftover's finally starts a task; it and the callbacks run before run() returns", async () => {
    const log: string[] = [];
    const late = async (name: string): Promise<void> => {
      log.push(`${name} step0`);
      await sleep(0);
      log.push(`${name} step1`);
      await sleep(0);
      log.push(`${name} step2`);
    };
    const leftover = async (): Promise<void> => {
      const loop = getRunningLoop();
      try {
        await sleep(10);
      } finally {
        log.push("leftover finally");
        const t = createTask(() => late("spawned"));
        t.addDoneCallback((done) => log.push(`spawned done cancelled=${B(done.cancelled())}`));
        loop.callSoon((s: string) => log.push(s), "soon from finally");
      }
    };
    const res = await run(async () => {
      const t = createTask(leftover);
      t.addDoneCallback((done) => log.push(`leftover done cancelled=${B(done.cancelled())}`));
      await sleep(0);
      log.push("main returns");
    });
    log.push(`run -> ${py(res)}`);
    expect(log).toEqual([
      "main returns",
      "leftover finally",
      "spawned step0",
      "soon from finally",
      "leftover done cancelled=True",
      "spawned step1",
      "spawned step2",
      "spawned done cancelled=False",
      "run -> None",
    ]);
  });

  // Python program r06:
  // # asyncio.run waits for the default executor: a job main never awaited still finishes, and its
  // # future's done callback runs before run() returns
  // def slow(x):
  //     time.sleep(0.05)
  //     return x * 2
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     f = loop.run_in_executor(None, slow, 21)
  //     f.add_done_callback(lambda f: log.append(f"job done result={f.result()}"))
  //     log.append(f"main returns done={B(f.done())}")
  //     return "main"
  // log.append(f"run -> {asyncio.run(main())}")
  it("r06: run() waits for the default executor: a job main never awaited finishes and its callback runs first", async () => {
    const log: string[] = [];
    function slow(x: number): number {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      return x * 2;
    }
    const res = await run(async () => {
      const loop = getRunningLoop();
      const f = loop.runInExecutor(null, slow, 21);
      f.addDoneCallback((done) => log.push(`job done result=${done.result()}`));
      log.push(`main returns done=${B(f.done())}`);
      return "main";
    });
    log.push(`run -> ${res}`);
    expect(log).toEqual([
      "main returns done=False",
      "job done result=42",
      "run -> main",
    ]);
  });

  // Python program r07:
  // from concurrent.futures import ThreadPoolExecutor
  // # a one-worker executor: FIFO results, a queued job cancelled through its asyncio future never
  // # runs, shutdown(cancel_futures=True) cancels the queue, then submitting is refused
  // ran = []
  // def job(i, delay):
  //     time.sleep(delay)
  //     ran.append(i)
  //     return i
  // def show(rs):
  //     return " ".join(fmt(x) if isinstance(x, BaseException) else str(x) for x in rs)
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     ex = ThreadPoolExecutor(max_workers=1)
  //     fs = [loop.run_in_executor(ex, job, i, 0.05) for i in range(4)]
  //     await asyncio.sleep(0.01)
  //     log.append(f"cancel queued -> {B(fs[2].cancel())}")
  //     log.append(f"1: {show(await asyncio.gather(*fs, return_exceptions=True))} ran={sorted(ran)}")
  //     ran.clear()
  //     fs = [loop.run_in_executor(ex, job, 10 + i, 0.05) for i in range(3)]
  //     await asyncio.sleep(0.01)
  //     ex.shutdown(wait=False, cancel_futures=True)
  //     log.append(f"2: {show(await asyncio.gather(*fs, return_exceptions=True))} ran={sorted(ran)}")
  //     try:
  //         loop.run_in_executor(ex, job, 99, 0)
  //     except RuntimeError as e:
  //         log.append(f"3: {fmt(e)}")
  //     try:
  //         ThreadPoolExecutor(max_workers=0)
  //     except ValueError as e:
  //         log.append(f"4: {fmt(e)}")
  // asyncio.run(main())
  it("r07: a one-worker executor: FIFO results, a cancelled queued job never runs, shutdown cancels the queue", async () => {
    const log: string[] = [];
    // Python's `ran` list: each job marks its cell of a buffer shared with the worker threads.
    const shared = new SharedArrayBuffer(4 * 32);
    const cells = new Int32Array(shared);
    function job(buffer: SharedArrayBuffer, i: number, delay: number): number {
      const marks = new Int32Array(buffer);
      Atomics.wait(marks, 31, 0, delay * 1000);
      marks[i] = 1;
      return i;
    }
    const ran = (): string => `[${[...cells.keys()].filter((i) => i < 31 && cells[i] === 1).join(", ")}]`;
    const show = (rs: unknown[]): string => rs.map((x) => (x instanceof Error ? fmt(x) : String(x))).join(" ");
    await run(async () => {
      const loop = getRunningLoop();
      const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
      try {
        let fs = [0, 1, 2, 3].map((i) => loop.runInExecutor(ex, job, shared, i, 0.05));
        await sleep(0.01);
        log.push(`cancel queued -> ${B(fs[2]!.cancel())}`);
        log.push(`1: ${show(await gather(fs, { returnExceptions: true }))} ran=${ran()}`);
        cells.fill(0);
        fs = [0, 1, 2].map((i) => loop.runInExecutor(ex, job, shared, 10 + i, 0.05));
        await sleep(0.01);
        const stopping = ex.shutdown({ wait: false, cancelFutures: true });
        log.push(`2: ${show(await gather(fs, { returnExceptions: true }))} ran=${ran()}`);
        await stopping;
        try {
          loop.runInExecutor(ex, job, shared, 99, 0);
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          log.push(`3: ${fmt(e)}`);
        }
        try {
          new ThreadPoolExecutor({ maxWorkers: 0 });
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          log.push(`4: ${fmt(e)}`);
        }
      } finally {
        await ex.shutdown();
      }
    });
    expect(log).toEqual([
      "cancel queued -> True",
      "1: 0 1 CancelledError:  3 ran=[0, 1, 3]",
      "2: 10 CancelledError:  CancelledError:  ran=[10]",
      "3: RuntimeError: cannot schedule new futures after shutdown",
      "4: RangeError: max_workers must be greater than 0",
    ]);
  });

  // Python program r08:
  // from concurrent.futures import ThreadPoolExecutor
  // # the default executor: set_default_executor replaces it; after shutdown_default_executor,
  // # to_thread and run_in_executor(None) are refused even with a new default; an explicit executor still works
  // def double(x):
  //     return x * 2
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     mine = ThreadPoolExecutor(max_workers=2)
  //     loop.set_default_executor(mine)
  //     log.append(f"to_thread -> {await asyncio.to_thread(double, 4)}")
  //     await loop.shutdown_default_executor()
  //     log.append("shut down")
  //     for tag, call in (("to_thread", lambda: asyncio.to_thread(double, 5)),
  //                       ("run_in_executor", lambda: loop.run_in_executor(None, double, 6))):
  //         try:
  //             await call()
  //         except RuntimeError as e:
  //             log.append(f"{tag}: {fmt(e)}")
  //     loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
  //     try:
  //         await asyncio.to_thread(double, 7)
  //     except RuntimeError as e:
  //         log.append(f"new default: {fmt(e)}")
  //     other = ThreadPoolExecutor(max_workers=1)
  //     log.append(f"explicit -> {await loop.run_in_executor(other, double, 8)}")
  //     other.shutdown()
  //     try:
  //         await loop.run_in_executor(mine, double, 9)
  //     except RuntimeError as e:
  //         log.append(f"mine: {fmt(e)}")
  // asyncio.run(main())
  it("r08: setDefaultExecutor; after shutdownDefaultExecutor even a new default is refused, an explicit one is not", async () => {
    const log: string[] = [];
    const double = (x: number): number => x * 2;
    await run(async () => {
      const loop = getRunningLoop();
      const mine = new ThreadPoolExecutor({ maxWorkers: 2 });
      loop.setDefaultExecutor(mine);
      log.push(`to_thread -> ${await toThread(double, 4)}`);
      await loop.shutdownDefaultExecutor();
      log.push("shut down");
      const calls: [string, () => Promise<number>][] = [
        ["to_thread", () => toThread(double, 5)],
        ["run_in_executor", async () => loop.runInExecutor(null, double, 6)],
      ];
      for (const [tag, call] of calls) {
        try {
          await call();
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          log.push(`${tag}: ${fmt(e)}`);
        }
      }
      loop.setDefaultExecutor(new ThreadPoolExecutor({ maxWorkers: 1 }));
      try {
        await toThread(double, 7);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`new default: ${fmt(e)}`);
      }
      const other = new ThreadPoolExecutor({ maxWorkers: 1 });
      log.push(`explicit -> ${await loop.runInExecutor(other, double, 8)}`);
      await other.shutdown();
      try {
        await loop.runInExecutor(mine, double, 9);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`mine: ${fmt(e)}`);
      }
    });
    expect(log).toEqual([
      "to_thread -> 8",
      "shut down",
      "to_thread: RuntimeError: Executor shutdown has been called",
      "run_in_executor: RuntimeError: Executor shutdown has been called",
      "new default: RuntimeError: Executor shutdown has been called",
      "explicit -> 16",
      "mine: RuntimeError: cannot schedule new futures after shutdown",
    ]);
  });

  // Python program r09:
  // import logging
  // # the default exception handler at asyncio.run's shutdown: a leftover that fails while being
  // # cancelled is logged at ERROR with the task in the message
  // records = []
  // class Capture(logging.Handler):
  //     def emit(self, record):
  //         lines = record.getMessage().split("\n")
  //         exc = record.exc_info[1] if record.exc_info else None
  //         records.append(f"{record.levelname}: {lines[0]} | {lines[1].split(' coro=')[0]} | exc={fmt(exc) if exc else None}")
  // logger = logging.getLogger("asyncio")
  // logger.addHandler(Capture())
  // logger.propagate = False
  // async def leftover():
  //     try:
  //         await asyncio.sleep(10)
  //     except asyncio.CancelledError:
  //         raise Boom("cleanup failed")
  // async def main():
  //     asyncio.create_task(leftover(), name="lefty")
  //     await asyncio.sleep(0)
  //     return "done"
  // log.append(f"run -> {asyncio.run(main())}")
  // log.extend(records)
  it("r09: the default handler logs a leftover that fails while run() cancels it, with the task in the message", async () => {
    const log: string[] = [];
    const records: string[] = [];
    const previous = setLogger(
      sink((level, message, error) => {
        const lines = message.split("\n");
        records.push(`${level}: ${lines[0]} | ${lines[1]!.split(" coro=")[0]} | exc=${error ? fmt(error) : "None"}`);
      }),
    );
    try {
      const res = await run(async () => {
        createTask(
          async () => {
            try {
              await sleep(10);
            } catch (e) {
              if (e instanceof CancelledError) throw new Boom("cleanup failed");
              throw e;
            }
          },
          { name: "lefty" },
        );
        await sleep(0);
        return "done";
      });
      log.push(`run -> ${res}`);
    } finally {
      setLogger(previous);
    }
    log.push(...records);
    expect(log).toEqual([
      "run -> done",
      "ERROR: unhandled exception during asyncio.run() shutdown | task: <Task finished name='lefty' | exc=Boom: cleanup failed",
    ]);
  });

  // Python program r10:
  // # run_in_executor argument checks: a coroutine function in debug mode, a closed loop
  // async def coro_fn():
  //     return 1
  // def plain():
  //     return "plain"
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     log.append(f"debug={B(loop.get_debug())}")
  //     try:
  //         loop.run_in_executor(None, coro_fn)
  //     except TypeError as e:
  //         log.append(f"coroutine function: {fmt(e)}")
  //     log.append(f"plain -> {await loop.run_in_executor(None, plain)}")
  // asyncio.run(main(), debug=True)
  // loop = asyncio.new_event_loop()
  // loop.close()
  // for name, call in (("run_in_executor", lambda: loop.run_in_executor(None, plain)),
  //                    ("shutdown_default_executor", lambda: loop.run_until_complete(loop.shutdown_default_executor())),
  //                    ("create_task", lambda: loop.create_task(coro_fn())),
  //                    ("call_soon_threadsafe", lambda: loop.call_soon_threadsafe(plain))):
  //     try:
  //         call()
  //     except RuntimeError as e:
  //         log.append(f"closed {name}: {fmt(e)}")
  it("r10: runInExecutor refuses a coroutine function in debug mode; a closed loop refuses executor work and tasks", async () => {
    const log: string[] = [];
    const coroFn = async (): Promise<number> => 1;
    const plain = (): string => "plain";
    const previous = setLogger(quietLogger);
    try {
      await run(async () => {
        const loop = getRunningLoop();
        log.push(`debug=${B(loop.getDebug())}`);
        try {
          loop.runInExecutor(null, coroFn);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          log.push(`coroutine function: ${fmt(e)}`);
        }
        log.push(`plain -> ${await loop.runInExecutor(null, plain)}`);
      }, { debug: true });
    } finally {
      setLogger(previous);
    }
    const loop = newEventLoop();
    loop.close();
    const calls: [string, () => unknown][] = [
      ["run_in_executor", () => loop.runInExecutor(null, plain)],
      ["shutdown_default_executor", () => loop.runUntilComplete(() => loop.shutdownDefaultExecutor())],
      ["create_task", () => loop.createTask(coroFn)],
      ["call_soon_threadsafe", () => loop.callSoonThreadsafe(plain)],
    ];
    for (const [name, call] of calls) {
      try {
        await call();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`closed ${name}: ${fmt(e)}`);
      }
    }
    expect(log).toEqual([
      "debug=True",
      "coroutine function: TypeError: coroutines cannot be used with run_in_executor()",
      "plain -> plain",
      "closed run_in_executor: RuntimeError: Event loop is closed",
      "closed shutdown_default_executor: RuntimeError: Event loop is closed",
      "closed create_task: RuntimeError: Event loop is closed",
      "closed call_soon_threadsafe: RuntimeError: Event loop is closed",
    ]);
  });

  // Python program r11:
  // # run_coroutine_threadsafe called on the loop's own thread: result, exception, cancel while the
  // # task runs, a non-coroutine
  // async def work(tag, fail=False):
  //     log.append(f"{tag} started")
  //     try:
  //         await asyncio.sleep(0.01)
  //     except asyncio.CancelledError:
  //         log.append(f"{tag} cancelled inside")
  //         raise
  //     if fail:
  //         raise Boom(tag)
  //     return tag.upper()
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     f = asyncio.run_coroutine_threadsafe(work("ok"), loop)
  //     log.append(f"submitted done={B(f.done())}")
  //     log.append(f"ok -> {await asyncio.wrap_future(f)} done={B(f.done())} result={f.result()}")
  //     f = asyncio.run_coroutine_threadsafe(work("bad", True), loop)
  //     try:
  //         await asyncio.wrap_future(f)
  //     except Boom as e:
  //         try:
  //             f.result()
  //         except Boom as e2:
  //             log.append(f"bad -> {fmt(e)} result() raises {fmt(e2)}")
  //     f = asyncio.run_coroutine_threadsafe(work("running"), loop)
  //     await asyncio.sleep(0)
  //     await asyncio.sleep(0)
  //     log.append(f"cancel running -> {B(f.cancel())} cancelled={B(f.cancelled())}")
  //     await asyncio.sleep(0.02)
  //     try:
  //         asyncio.run_coroutine_threadsafe(42, loop)
  //     except TypeError as e:
  //         log.append(f"not a coroutine: {fmt(e)}")
  // asyncio.run(main())
  it("r11: runCoroutineThreadsafe from the loop itself: result, error, cancel while running, a non-coroutine", async () => {
    const log: string[] = [];
    const work = async (tag: string, fail = false): Promise<string> => {
      log.push(`${tag} started`);
      try {
        await sleep(0.01);
      } catch (e) {
        if (e instanceof CancelledError) log.push(`${tag} cancelled inside`);
        throw e;
      }
      if (fail) throw new Boom(tag);
      return tag.toUpperCase();
    };
    await run(async () => {
      const loop = getRunningLoop();
      let f = runCoroutineThreadsafe(() => work("ok"), loop);
      log.push(`submitted done=${B(f.done())}`);
      log.push(`ok -> ${await wrapFuture(f)} done=${B(f.done())} result=${f.result()}`);
      f = runCoroutineThreadsafe(() => work("bad", true), loop);
      try {
        await wrapFuture(f);
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        try {
          f.result();
        } catch (e2) {
          if (!(e2 instanceof Boom)) throw e2;
          log.push(`bad -> ${fmt(e)} result() raises ${fmt(e2)}`);
        }
      }
      f = runCoroutineThreadsafe(() => work("running"), loop);
      await sleep(0);
      await sleep(0);
      log.push(`cancel running -> ${B(f.cancel())} cancelled=${B(f.cancelled())}`);
      await sleep(0.02);
      try {
        void runCoroutineThreadsafe(42 as unknown as () => Promise<string>, loop);
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        log.push(`not a coroutine: ${fmt(e)}`);
      }
    });
    expect(log).toEqual([
      "submitted done=False",
      "ok started",
      "ok -> OK done=True result=OK",
      "bad started",
      "bad -> Boom: bad result() raises Boom: bad",
      "running started",
      "cancel running -> True cancelled=True",
      "running cancelled inside",
      "not a coroutine: TypeError: A coroutine object is required",
    ]);
  });

  // Python program r12:
  // # run_coroutine_threadsafe from another thread: the thread waits for results and errors, then
  // # wakes the loop with call_soon_threadsafe
  // async def work(n):
  //     log.append(f"work {n} on loop thread={B(threading.current_thread() is threading.main_thread())}")
  //     await asyncio.sleep(0.01)
  //     if n < 0:
  //         raise Boom(f"negative {n}")
  //     return n * 10
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     done = loop.create_future()
  //     def thread_body():
  //         f = asyncio.run_coroutine_threadsafe(work(1), loop)
  //         log.append(f"thread got {f.result(timeout=5)}")
  //         f = asyncio.run_coroutine_threadsafe(work(-1), loop)
  //         try:
  //             f.result(timeout=5)
  //         except Boom as e:
  //             log.append(f"thread caught {fmt(e)}")
  //         loop.call_soon_threadsafe(done.set_result, "thread finished")
  //     th = threading.Thread(target=thread_body)
  //     th.start()
  //     log.append(await done)
  //     th.join()
  // asyncio.run(main())
  it("r12: runCoroutineThreadsafe from outside the loop: the caller waits for results and errors, then wakes the loop", async () => {
    const log: string[] = [];
    const work = async (n: number): Promise<number> => {
      log.push(`work ${n} on loop thread=${B(currentTask() !== null)}`);
      await sleep(0.01);
      if (n < 0) throw new Boom(`negative ${n}`);
      return n * 10;
    };
    await run(async () => {
      const loop = getRunningLoop();
      const done = loop.createFuture<string>();
      // Python's thread: here a Node timer callback, code outside the loop's callbacks.
      const threadBody = async (): Promise<void> => {
        let f = runCoroutineThreadsafe(() => work(1), loop);
        log.push(`thread got ${await f}`);
        f = runCoroutineThreadsafe(() => work(-1), loop);
        try {
          await f;
        } catch (e) {
          if (!(e instanceof Boom)) throw e;
          log.push(`thread caught ${fmt(e)}`);
        }
        loop.callSoonThreadsafe((r: string) => done.setResult(r), "thread finished");
      };
      setTimeout(() => {
        threadBody().catch((e: unknown) => loop.callSoonThreadsafe(() => done.setException(e as Error)));
      }, 0);
      log.push(await done);
    });
    expect(log).toEqual([
      "work 1 on loop thread=True",
      "thread got 10",
      "work -1 on loop thread=True",
      "thread caught Boom: negative -1",
      "thread finished",
    ]);
  });

  // Python program r13:
  // # call_soon_threadsafe from another thread wakes a loop idle in run_forever; handles run FIFO,
  // # a cancelled one is skipped, arguments pass through
  // loop = asyncio.new_event_loop()
  // def cb(*args):
  //     log.append("cb " + " ".join(map(str, args)))
  // def thread_body():
  //     time.sleep(0.02)
  //     loop.call_soon_threadsafe(cb, 1)
  //     h = loop.call_soon_threadsafe(cb, 2)
  //     h.cancel()
  //     loop.call_soon_threadsafe(cb, 3, "x")
  //     loop.call_soon_threadsafe(loop.stop)
  // th = threading.Thread(target=thread_body)
  // th.start()
  // loop.run_forever()
  // th.join()
  // log.append("run_forever returned")
  // loop.call_soon(loop.stop)
  // loop.run_forever()
  // log.append(f"running={B(loop.is_running())}")
  // loop.close()
  // try:
  //     loop.call_soon_threadsafe(cb, 5)
  // except RuntimeError as e:
  //     log.append(f"closed: {fmt(e)}")
  it("r13: callSoonThreadsafe from outside wakes a loop idle in runForever; FIFO, a cancelled handle is skipped", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    const cb = (...args: unknown[]): void => {
      log.push(`cb ${args.map(String).join(" ")}`);
    };
    try {
      // Python's thread: here a Node timer callback.
      setTimeout(() => {
        loop.callSoonThreadsafe(cb, 1);
        const h = loop.callSoonThreadsafe(cb, 2);
        h.cancel();
        loop.callSoonThreadsafe(cb, 3, "x");
        loop.callSoonThreadsafe(() => loop.stop());
      }, 20);
      await loop.runForever();
      log.push("run_forever returned");
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      log.push(`running=${B(loop.isRunning())}`);
    } finally {
      loop.close();
    }
    try {
      loop.callSoonThreadsafe(cb, 5);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      log.push(`closed: ${fmt(e)}`);
    }
    expect(log).toEqual([
      "cb 1",
      "cb 3 x",
      "run_forever returned",
      "running=False",
      "closed: RuntimeError: Event loop is closed",
    ]);
  });

  // Python program r14:
  // # event loop policy: the default policy's class, argument checks, a fresh policy's get_event_loop
  // # (warns once and creates a loop), set_event_loop(None), new_event_loop() is not current
  // warnings.simplefilter("always")
  // def warned(fn):
  //     with warnings.catch_warnings(record=True) as ws:
  //         warnings.simplefilter("always")
  //         r = fn()
  //     return r, [f"{w.category.__name__}: {w.message}" for w in ws]
  // asyncio.set_event_loop_policy(None)
  // p = asyncio.get_event_loop_policy()
  // log.append(f"default policy: DefaultEventLoopPolicy={B(isinstance(p, asyncio.DefaultEventLoopPolicy))} same={B(asyncio.get_event_loop_policy() is p)}")
  // for bad in (42, "x"):
  //     try:
  //         asyncio.set_event_loop_policy(bad)
  //     except TypeError as e:
  //         log.append(f"set_event_loop_policy({bad!r}): {fmt(e)}")
  //     try:
  //         asyncio.set_event_loop(bad)
  //     except TypeError as e:
  //         log.append(f"set_event_loop({bad!r}): {fmt(e)}")
  // fresh = asyncio.DefaultEventLoopPolicy()
  // asyncio.set_event_loop_policy(fresh)
  // l1, w1 = warned(asyncio.get_event_loop)
  // log.append(f"first get_event_loop: warnings={w1} closed={B(l1.is_closed())}")
  // l2, w2 = warned(asyncio.get_event_loop)
  // log.append(f"second: same={B(l2 is l1)} warnings={w2}")
  // n = asyncio.new_event_loop()
  // log.append(f"new_event_loop current={B(asyncio.get_event_loop() is n)} distinct={B(n is not l1)}")
  // asyncio.set_event_loop(None)
  // try:
  //     asyncio.get_event_loop()
  // except RuntimeError as e:
  //     log.append(f"after set_event_loop(None): {fmt(e)}")
  // asyncio.set_event_loop(n)
  // log.append(f"after set_event_loop(n): {B(asyncio.get_event_loop() is n)}")
  // async def inside():
  //     return asyncio.get_event_loop() is asyncio.get_running_loop()
  // log.append(f"inside l1 run: running loop={B(l1.run_until_complete(inside()))} current still n={B(fresh.get_event_loop() is n)}")
  // for l in (l1, n):
  //     l.close()
  // log.append(f"closed current loop still returned={B(asyncio.get_event_loop() is n)}")
  // asyncio.set_event_loop_policy(None)
  // log.append(f"reset: new default={B(asyncio.get_event_loop_policy() is not fresh)} DefaultEventLoopPolicy={B(isinstance(asyncio.get_event_loop_policy(), asyncio.DefaultEventLoopPolicy))}")
  it("r14: policies: the default class, argument checks, a fresh policy's getEventLoop, setEventLoop(null)", async () => {
    const log: string[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    /** Python's warnings.catch_warnings(record=True) around `fn`: Node emits warnings on the next tick. */
    const warned = async <T>(fn: () => T): Promise<[T, string]> => {
      warnings.length = 0;
      process.on("warning", onWarning);
      try {
        const r = fn();
        await new Promise((resolve) => setImmediate(resolve));
        return [r, pyList(warnings)];
      } finally {
        process.off("warning", onWarning);
      }
    };
    const opened: AbstractEventLoop[] = [];
    try {
      setEventLoopPolicy(null);
      const p = getEventLoopPolicy();
      log.push(`default policy: DefaultEventLoopPolicy=${B(p instanceof DefaultEventLoopPolicy)} same=${B(getEventLoopPolicy() === p)}`);
      for (const bad of [42, "x"]) {
        try {
          setEventLoopPolicy(bad as unknown as null);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          log.push(`set_event_loop_policy(${pyRepr(bad)}): ${fmt(e)}`);
        }
        try {
          setEventLoop(bad as unknown as null);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          log.push(`set_event_loop(${pyRepr(bad)}): ${fmt(e)}`);
        }
      }
      const fresh = new DefaultEventLoopPolicy();
      setEventLoopPolicy(fresh);
      const [l1, w1] = await warned(getEventLoop);
      opened.push(l1);
      log.push(`first get_event_loop: warnings=${w1} closed=${B(l1.isClosed())}`);
      const [l2, w2] = await warned(getEventLoop);
      log.push(`second: same=${B(l2 === l1)} warnings=${w2}`);
      const n = newEventLoop();
      opened.push(n);
      log.push(`new_event_loop current=${B(getEventLoop() === n)} distinct=${B(n !== l1)}`);
      setEventLoop(null);
      try {
        getEventLoop();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`after set_event_loop(None): ${fmt(e)}`);
      }
      setEventLoop(n);
      log.push(`after set_event_loop(n): ${B(getEventLoop() === n)}`);
      const inside = async (): Promise<boolean> => getEventLoop() === getRunningLoop();
      log.push(`inside l1 run: running loop=${B(await l1.runUntilComplete(inside))} current still n=${B(fresh.getEventLoop() === n)}`);
      for (const l of [l1, n]) l.close();
      log.push(`closed current loop still returned=${B(getEventLoop() === n)}`);
      setEventLoopPolicy(null);
      log.push(`reset: new default=${B(getEventLoopPolicy() !== fresh)} DefaultEventLoopPolicy=${B(getEventLoopPolicy() instanceof DefaultEventLoopPolicy)}`);
    } finally {
      for (const l of opened) if (!l.isClosed()) l.close();
      setEventLoopPolicy(null);
    }
    expect(log).toEqual([
      "default policy: DefaultEventLoopPolicy=True same=True",
      "set_event_loop_policy(42): TypeError: policy must be an instance of AbstractEventLoopPolicy or None, not 'int'",
      "set_event_loop(42): TypeError: loop must be an instance of AbstractEventLoop or None, not 'int'",
      "set_event_loop_policy('x'): TypeError: policy must be an instance of AbstractEventLoopPolicy or None, not 'str'",
      "set_event_loop('x'): TypeError: loop must be an instance of AbstractEventLoop or None, not 'str'",
      "first get_event_loop: warnings=['DeprecationWarning: There is no current event loop'] closed=False",
      "second: same=True warnings=[]",
      "new_event_loop current=False distinct=True",
      "after set_event_loop(None): RuntimeError: There is no current event loop in thread 'MainThread'.",
      "after set_event_loop(n): True",
      "inside l1 run: running loop=True current still n=True",
      "closed current loop still returned=True",
      "reset: new default=True DefaultEventLoopPolicy=True",
    ]);
  });

  // Python program r15:
  // # asyncio.run makes its loop the policy's current loop and clears it at the end; a Runner with a
  // # loop_factory leaves the current loop alone; futures and locks made outside a loop bind to it
  // asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
  // pol = asyncio.get_event_loop_policy()
  // async def probe(tag):
  //     cur = pol.get_event_loop()
  //     log.append(f"{tag}: policy current is running={B(cur is asyncio.get_running_loop())}")
  // asyncio.run(probe("run"))
  // try:
  //     asyncio.get_event_loop()
  // except RuntimeError as e:
  //     log.append(f"after run: {fmt(e)}")
  // mine = asyncio.new_event_loop()
  // asyncio.set_event_loop(mine)
  // with asyncio.Runner(loop_factory=asyncio.new_event_loop) as r:
  //     r.run(probe("factory runner"))
  // log.append(f"after factory runner: current is mine={B(asyncio.get_event_loop() is mine)}")
  // with asyncio.Runner() as r:
  //     r.run(probe("plain runner"))
  // try:
  //     asyncio.get_event_loop()
  // except RuntimeError as e:
  //     log.append(f"after plain runner: {fmt(e)}")
  // asyncio.set_event_loop(mine)
  // fut = asyncio.Future()
  // lock = asyncio.Lock()
  // log.append(f"Future() outside a loop: loop is mine={B(fut.get_loop() is mine)}")
  // async def use():
  //     async with lock:
  //         pass
  //     fut.set_result("ok")
  //     return await fut
  // log.append(f"used on mine: {mine.run_until_complete(use())}")
  // asyncio.set_event_loop(None)
  // try:
  //     asyncio.Future()
  // except RuntimeError as e:
  //     log.append(f"Future() with no current loop: {fmt(e)}")
  // mine.close()
  // asyncio.set_event_loop_policy(None)
  it("r15: run() makes its loop current and clears it; a loopFactory Runner leaves it; futures bind to the current loop", async () => {
    const log: string[] = [];
    setEventLoopPolicy(new DefaultEventLoopPolicy());
    const mine = newEventLoop();
    try {
      const pol = getEventLoopPolicy();
      const probe = async (tag: string): Promise<void> => {
        const cur = pol.getEventLoop();
        log.push(`${tag}: policy current is running=${B(cur === getRunningLoop())}`);
      };
      await run(() => probe("run"));
      try {
        getEventLoop();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`after run: ${fmt(e)}`);
      }
      setEventLoop(mine);
      await asyncWith(new Runner({ loopFactory: newEventLoop }), (r) => r.run(() => probe("factory runner")));
      log.push(`after factory runner: current is mine=${B(getEventLoop() === mine)}`);
      await asyncWith(new Runner(), (r) => r.run(() => probe("plain runner")));
      try {
        getEventLoop();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`after plain runner: ${fmt(e)}`);
      }
      setEventLoop(mine);
      const fut = new Future<string>();
      const lock = new Lock();
      log.push(`Future() outside a loop: loop is mine=${B(fut.getLoop() === mine)}`);
      const use = async (): Promise<string> => {
        await asyncWith(lock, async () => undefined);
        fut.setResult("ok");
        return await fut;
      };
      log.push(`used on mine: ${await mine.runUntilComplete(use)}`);
      setEventLoop(null);
      try {
        new Future();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`Future() with no current loop: ${fmt(e)}`);
      }
    } finally {
      mine.close();
      setEventLoopPolicy(null);
    }
    expect(log).toEqual([
      "run: policy current is running=True",
      "after run: RuntimeError: There is no current event loop in thread 'MainThread'.",
      "factory runner: policy current is running=False",
      "after factory runner: current is mine=True",
      "plain runner: policy current is running=True",
      "after plain runner: RuntimeError: There is no current event loop in thread 'MainThread'.",
      "Future() outside a loop: loop is mine=True",
      "used on mine: ok",
      "Future() with no current loop: RuntimeError: There is no current event loop in thread 'MainThread'.",
    ]);
  });

  // Python program r16:
  // # a custom policy decides the loop class of asyncio.run, Runner and new_event_loop (the way
  // # uvloop plugs in); loop_factory bypasses it; set_event_loop_policy(None) restores the default
  // class TracedLoop(asyncio.SelectorEventLoop):
  //     pass
  // class TracedPolicy(asyncio.DefaultEventLoopPolicy):
  //     def __init__(self):
  //         super().__init__()
  //         self.made = 0
  //     def new_event_loop(self):
  //         self.made += 1
  //         log.append(f"policy makes loop #{self.made}")
  //         return TracedLoop()
  // pol = TracedPolicy()
  // asyncio.set_event_loop_policy(pol)
  // async def kind(tag):
  //     log.append(f"{tag}: traced={B(isinstance(asyncio.get_running_loop(), TracedLoop))}")
  // asyncio.run(kind("run"))
  // with asyncio.Runner() as r:
  //     r.run(kind("runner 1"))
  //     r.run(kind("runner 2"))
  // l = asyncio.new_event_loop()
  // log.append(f"new_event_loop traced={B(isinstance(l, TracedLoop))}")
  // l.close()
  // asyncio.run(kind("loop_factory"), loop_factory=asyncio.SelectorEventLoop)
  // asyncio.set_event_loop_policy(None)
  // asyncio.run(kind("default again"))
  // log.append(f"made={pol.made}")
  it("r16: a custom policy picks the loop class of run(), Runner and newEventLoop(); loopFactory bypasses it", async () => {
    const log: string[] = [];
    class TracedLoop extends EventLoop {}
    class TracedPolicy extends DefaultEventLoopPolicy {
      made = 0;
      override newEventLoop(): AbstractEventLoop {
        this.made += 1;
        log.push(`policy makes loop #${this.made}`);
        return new TracedLoop();
      }
    }
    const pol = new TracedPolicy();
    setEventLoopPolicy(pol);
    try {
      const kind = async (tag: string): Promise<void> => {
        log.push(`${tag}: traced=${B(getRunningLoop() instanceof TracedLoop)}`);
      };
      await run(() => kind("run"));
      await asyncWith(new Runner(), async (r) => {
        await r.run(() => kind("runner 1"));
        await r.run(() => kind("runner 2"));
      });
      const l = newEventLoop();
      log.push(`new_event_loop traced=${B(l instanceof TracedLoop)}`);
      l.close();
      await run(() => kind("loop_factory"), { loopFactory: () => new EventLoop() });
      setEventLoopPolicy(null);
      await run(() => kind("default again"));
      log.push(`made=${pol.made}`);
    } finally {
      setEventLoopPolicy(null);
    }
    expect(log).toEqual([
      "policy makes loop #1",
      "run: traced=True",
      "policy makes loop #2",
      "runner 1: traced=True",
      "runner 2: traced=True",
      "policy makes loop #3",
      "new_event_loop traced=True",
      "loop_factory: traced=False",
      "default again: traced=False",
      "made=3",
    ]);
  });

  // Python program r17:
  // # set_task_factory / get_task_factory: which calls go through the factory, what it receives,
  // # the name a factory-made task gets, argument checks
  // async def job(x):
  //     await asyncio.sleep(0)
  //     return x
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     log.append(f"initial factory None={B(loop.get_task_factory() is None)}")
  //     def factory(loop_, coro, **kwargs):
  //         log.append(f"factory: same loop={B(loop_ is loop)} context given={B('context' in kwargs)} keys={len(kwargs)}")
  //         return asyncio.Task(coro, loop=loop_, **kwargs)
  //     loop.set_task_factory(factory)
  //     log.append(f"get_task_factory is factory={B(loop.get_task_factory() is factory)}")
  //     t1 = asyncio.create_task(job(1), name="named")
  //     t2 = asyncio.create_task(job(2))
  //     t3 = asyncio.create_task(job(3), context=contextvars.copy_context())
  //     log.append(f"names: {t1.get_name()} {t2.get_name()} {t3.get_name()}")
  //     log.append("ensure_future")
  //     f = asyncio.ensure_future(job(4))
  //     log.append("gather")
  //     g = asyncio.gather(job(5), job(6))
  //     log.append("TaskGroup")
  //     async with asyncio.TaskGroup() as tg:
  //         t7 = tg.create_task(job(7), name="tg-child")
  //     log.append(f"tg child name={t7.get_name()}")
  //     log.append(f"results {await t1} {await t2} {await t3} {await f} {await g} {t7.result()}")
  //     loop.set_task_factory(None)
  //     t8 = asyncio.create_task(job(8))
  //     log.append(f"reset: factory None={B(loop.get_task_factory() is None)} default name={B(t8.get_name().startswith('Task-'))}")
  //     await t8
  //     for bad in (42, "f"):
  //         try:
  //             loop.set_task_factory(bad)
  //         except TypeError as e:
  //             log.append(f"set_task_factory({bad!r}): {fmt(e)}")
  // asyncio.run(main())
  it("r17: setTaskFactory/getTaskFactory: the calls that reach the factory, what it receives, the names, bad factories", async () => {
    const log: string[] = [];
    const job = async (x: number): Promise<number> => {
      await sleep(0);
      return x;
    };
    await run(async () => {
      const loop = getRunningLoop();
      log.push(`initial factory None=${B(loop.getTaskFactory() === null)}`);
      const factory: TaskFactory = (loop_, coro, options) => {
        log.push(`factory: same loop=${B(loop_ === loop)} context given=${B("context" in options)} keys=${Object.keys(options).length}`);
        return new Task(coro, { loop: loop_, ...options });
      };
      loop.setTaskFactory(factory);
      log.push(`get_task_factory is factory=${B(loop.getTaskFactory() === factory)}`);
      const t1 = createTask(() => job(1), { name: "named" });
      const t2 = createTask(() => job(2));
      const t3 = createTask(() => job(3), { context: copyContext() });
      log.push(`names: ${t1.getName()} ${t2.getName()} ${t3.getName()}`);
      log.push("ensure_future");
      const f = ensureFuture(() => job(4));
      log.push("gather");
      const g = gather(() => job(5), () => job(6));
      log.push("TaskGroup");
      let t7: Task<number> | null = null;
      await asyncWith(new TaskGroup(), async (tg) => {
        t7 = tg.createTask(() => job(7), { name: "tg-child" });
      });
      log.push(`tg child name=${t7!.getName()}`);
      log.push(`results ${await t1} ${await t2} ${await t3} ${await f} ${pyList(await g)} ${t7!.result()}`);
      loop.setTaskFactory(null);
      const t8 = createTask(() => job(8));
      log.push(`reset: factory None=${B(loop.getTaskFactory() === null)} default name=${B(t8.getName().startsWith("Task-"))}`);
      await t8;
      for (const bad of [42, "f"]) {
        try {
          loop.setTaskFactory(bad as unknown as null);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          log.push(`set_task_factory(${pyRepr(bad)}): ${fmt(e)}`);
        }
      }
    });
    expect(log).toEqual([
      "initial factory None=True",
      "get_task_factory is factory=True",
      "factory: same loop=True context given=False keys=0",
      "factory: same loop=True context given=False keys=0",
      "factory: same loop=True context given=True keys=1",
      "names: named None None",
      "ensure_future",
      "factory: same loop=True context given=False keys=0",
      "gather",
      "factory: same loop=True context given=False keys=0",
      "factory: same loop=True context given=False keys=0",
      "TaskGroup",
      "factory: same loop=True context given=False keys=0",
      "tg child name=tg-child",
      "results 1 2 3 4 [5, 6] 7",
      "reset: factory None=True default name=True",
      "set_task_factory(42): TypeError: task factory must be a callable or None",
      "set_task_factory('f'): TypeError: task factory must be a callable or None",
    ]);
  });

  // Python program r18:
  // # a task factory set inside a Runner stays on its loop: the next run()'s main task and the
  // # shutdown steps of close() are made by it too
  // calls = []
  // def factory(loop, coro, **kwargs):
  //     calls.append(1)
  //     return asyncio.Task(coro, loop=loop, **kwargs)
  // async def first():
  //     asyncio.get_running_loop().set_task_factory(factory)
  //     await asyncio.create_task(asyncio.sleep(0))
  //     log.append(f"first: calls={len(calls)}")
  // async def second():
  //     log.append(f"second: calls={len(calls)} name={asyncio.current_task().get_name()}")
  // with asyncio.Runner() as r:
  //     r.run(first())
  //     r.run(second())
  //     log.append(f"before close: calls={len(calls)}")
  // log.append(f"after close: calls={len(calls)}")
  it("r18: a task factory set inside a Runner stays: the next main task and close()'s shutdown steps use it", async () => {
    const log: string[] = [];
    let calls = 0;
    const factory: TaskFactory = (loop, coro, options) => {
      calls += 1;
      return new Task(coro, { loop, ...options });
    };
    await asyncWith(new Runner(), async (r) => {
      await r.run(async () => {
        getRunningLoop().setTaskFactory(factory);
        await createTask(() => sleep(0));
        log.push(`first: calls=${calls}`);
      });
      await r.run(async () => {
        log.push(`second: calls=${calls} name=${currentTask()!.getName()}`);
      });
      log.push(`before close: calls=${calls}`);
    });
    log.push(`after close: calls=${calls}`);
    expect(log).toEqual([
      "first: calls=1",
      "second: calls=2 name=None",
      "before close: calls=2",
      "after close: calls=4",
    ]);
  });

  // Python program r19:
  // # loop.shutdown_asyncgens closes the async generators that were iterated and left suspended;
  // # a finished one and a never-started one are not touched
  // closed = []  # shutdown_asyncgens closes in set order: kept apart and sorted
  // async def gen(name, n):
  //     try:
  //         for i in range(n):
  //             yield f"{name}{i}"
  //     finally:
  //         closed.append(name)
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     a = gen("a", 3)
  //     b = gen("b", 1)
  //     c = gen("c", 2)
  //     never = gen("never", 1)
  //     log.append(f"a -> {await a.__anext__()}")
  //     log.append(f"b -> {[x async for x in b]} closed={closed}")
  //     log.append(f"c -> {await c.__anext__()} closed={closed}")
  //     closed.clear()
  //     await loop.shutdown_asyncgens()
  //     log.append(f"after shutdown_asyncgens closed={sorted(closed)}")
  //     try:
  //         await a.__anext__()
  //     except StopAsyncIteration:
  //         log.append("a is closed")
  //     await loop.shutdown_asyncgens()
  //     log.append("second shutdown ok")
  // asyncio.run(main())
  // The loop README ("Differences from Python"): "`shutdownAsyncgens()` closes only the generators
  // registered with `loop._asyncgenFirstiterHook(agen)`, because JavaScript has no
  // `sys.set_asyncgen_hooks`"; the port registers each generator at its first iteration, as
  // Python's hook does.
  it("r19: shutdownAsyncgens closes the generators left suspended; a finished one is left alone", async () => {
    const log: string[] = [];
    const closed: string[] = [];
    async function* gen(name: string, n: number): AsyncGenerator<string> {
      try {
        for (let i = 0; i < n; i++) yield `${name}${i}`;
      } finally {
        closed.push(name);
      }
    }
    await run(async () => {
      const loop = getRunningLoop() as BaseEventLoop;
      const anext = firstIterHook(loop);
      const a = gen("a", 3);
      const b = gen("b", 1);
      const c = gen("c", 2);
      const never = gen("never", 1);
      log.push(`a -> ${(await anext(a)).value}`);
      const bs: string[] = [];
      for (let step = await anext(b); step.done !== true; step = await anext(b)) bs.push(step.value);
      log.push(`b -> ${pyList(bs)} closed=${pyList(closed)}`);
      log.push(`c -> ${(await anext(c)).value} closed=${pyList(closed)}`);
      closed.length = 0;
      await loop.shutdownAsyncgens();
      log.push(`after shutdown_asyncgens closed=${pyList([...closed].sort())}`);
      if ((await anext(a)).done === true) log.push("a is closed");
      await loop.shutdownAsyncgens();
      log.push("second shutdown ok");
      void never;
    });
    expect(log).toEqual([
      "a -> a0",
      "b -> ['b0'] closed=['b']",
      "c -> c0 closed=['b']",
      "after shutdown_asyncgens closed=['a', 'c']",
      "a is closed",
      "second shutdown ok",
    ]);
  });

  // Python program r20:
  // # asyncio.run cancels leftover tasks first, then closes suspended async generators; a finally
  // # block that awaits runs to the end; an error raised while closing goes to the exception handler
  // async def slow_close():
  //     try:
  //         yield 1
  //         yield 2
  //     finally:
  //         log.append("slow_close finally start")
  //         await asyncio.sleep(0)
  //         log.append("slow_close finally end")
  // async def bad_close():
  //     try:
  //         yield 1
  //     finally:
  //         raise Boom("while closing")
  // async def leftover():
  //     try:
  //         await asyncio.sleep(10)
  //     except asyncio.CancelledError:
  //         log.append("leftover cancelled")
  //         raise
  // def handler(loop, ctx):
  //     msg = " ".join(ctx["message"].split(" ")[:8])  # the generator's repr left out
  //     log.append(f"handler: {msg} exception={fmt(ctx['exception'])} has asyncgen={B('asyncgen' in ctx)}")
  // keep = []  # held, so that no generator is finalized by the garbage collector (@aio has no such hook)
  // async def main():
  //     asyncio.get_running_loop().set_exception_handler(handler)
  //     g = slow_close()
  //     keep.append(g)
  //     log.append(f"slow_close -> {await g.__anext__()}")
  //     asyncio.create_task(leftover())
  //     await asyncio.sleep(0)
  //     log.append("main returns")
  // asyncio.run(main())
  // log.append("---")
  // async def main2():
  //     asyncio.get_running_loop().set_exception_handler(handler)
  //     g = bad_close()
  //     keep.append(g)
  //     log.append(f"bad_close -> {await g.__anext__()}")
  // asyncio.run(main2())
  // log.append("run returned")
  // Generators registered by hand at their first iteration (see r19). Python finalizes an
  // unreferenced generator at once; the program keeps references so only the shutdown closes them.
  it("r20: run() cancels leftovers, then closes generators: an awaiting finally completes, an error goes to the handler", async () => {
    const log: string[] = [];
    async function* slowClose(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        log.push("slow_close finally start");
        await sleep(0);
        log.push("slow_close finally end");
      }
    }
    async function* badClose(): AsyncGenerator<number> {
      try {
        yield 1;
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- the program's generator fails while closing.
        throw new Boom("while closing");
      }
    }
    const handler = (_loop: AbstractEventLoop, ctx: ExceptionContext): void => {
      const msg = String(ctx.message).split(" ").slice(0, 8).join(" ");
      log.push(`handler: ${msg} exception=${fmt(ctx.exception)} has asyncgen=${B("asyncgen" in ctx)}`);
    };
    const keep: AsyncGenerator<number>[] = [];
    await run(async () => {
      const loop = getRunningLoop() as BaseEventLoop;
      loop.setExceptionHandler(handler);
      const g = slowClose();
      keep.push(g);
      log.push(`slow_close -> ${(await firstIterHook(loop)(g)).value}`);
      createTask(async () => {
        try {
          await sleep(10);
        } catch (e) {
          if (e instanceof CancelledError) log.push("leftover cancelled");
          throw e;
        }
      });
      await sleep(0);
      log.push("main returns");
    });
    log.push("---");
    await run(async () => {
      const loop = getRunningLoop() as BaseEventLoop;
      loop.setExceptionHandler(handler);
      const g = badClose();
      keep.push(g);
      log.push(`bad_close -> ${(await firstIterHook(loop)(g)).value}`);
    });
    log.push("run returned");
    expect(log).toEqual([
      "slow_close -> 1",
      "main returns",
      "leftover cancelled",
      "slow_close finally start",
      "slow_close finally end",
      "---",
      "bad_close -> 1",
      "handler: an error occurred during closing of asynchronous generator exception=Boom: while closing has asyncgen=True",
      "run returned",
    ]);
  });

  // Python program r21:
  // # a Runner keeps its default executor between run() calls: a job started by one run() is still
  // # pending between runs, finishes during the next one, and close() waits for another
  // def slow(x, delay):
  //     time.sleep(delay)
  //     return x
  // jobs = []
  // with asyncio.Runner() as r:
  //     async def start():
  //         loop = asyncio.get_running_loop()
  //         f = loop.run_in_executor(None, slow, "bg", 0.2)
  //         f.add_done_callback(lambda f: log.append(f"job done {f.result()}"))
  //         jobs.append(f)
  //         log.append("start returns")
  //     r.run(start())
  //     log.append(f"between runs: done={B(jobs[0].done())}")
  //     async def later():
  //         log.append(f"later sees done={B(jobs[0].done())}")
  //         log.append(f"later awaited {await jobs[0]}")
  //         f = asyncio.get_running_loop().run_in_executor(None, slow, "at close", 0.05)
  //         f.add_done_callback(lambda f: log.append(f"job done {f.result()}"))
  //         log.append("later returns")
  //     r.run(later())
  //     log.append("closing")
  // log.append("closed")
  it("r21: a Runner keeps its executor between runs: a job outlives one run(), ends in the next, close() waits", async () => {
    const log: string[] = [];
    function slow(x: string, delay: number): string {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay * 1000);
      return x;
    }
    const jobs: AbstractFuture<string>[] = [];
    await asyncWith(new Runner(), async (r) => {
      await r.run(async () => {
        const loop = getRunningLoop();
        const f = loop.runInExecutor(null, slow, "bg", 0.2);
        f.addDoneCallback((done) => log.push(`job done ${done.result()}`));
        jobs.push(f);
        log.push("start returns");
      });
      log.push(`between runs: done=${B(jobs[0]!.done())}`);
      await r.run(async () => {
        log.push(`later sees done=${B(jobs[0]!.done())}`);
        log.push(`later awaited ${await jobs[0]!}`);
        const f = getRunningLoop().runInExecutor(null, slow, "at close", 0.05);
        f.addDoneCallback((done) => log.push(`job done ${done.result()}`));
        log.push("later returns");
      });
      log.push("closing");
    });
    log.push("closed");
    expect(log).toEqual([
      "start returns",
      "between runs: done=False",
      "later sees done=False",
      "job done bg",
      "later awaited bg",
      "later returns",
      "closing",
      "job done at close",
      "closed",
    ]);
  });

  // Python program r22:
  // # Timeout outside its block: repr and when() while created and after a normal exit, the errors of
  // # reschedule() in each state, a rounded deadline in the repr
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     cm = asyncio.timeout_at(12345.6789)
  //     log.append(f"created: {cm!r} when={cm.when()} expired={B(cm.expired())}")
  //     try:
  //         cm.reschedule(None)
  //     except RuntimeError as e:
  //         log.append(f"created reschedule: {fmt(e)}")
  //     cm2 = asyncio.timeout(None)
  //     async with cm2:
  //         log.append(f"entered: {cm2!r}")
  //         cm2.reschedule(12345.6789)
  //         log.append(f"rescheduled: {cm2!r} when={cm2.when()}")
  //         cm2.reschedule(1000000000.5)
  //         log.append(f"rescheduled: {cm2!r}")
  //         cm2.reschedule(2000.0)
  //         log.append(f"rescheduled: {cm2!r}")
  //         cm2.reschedule(None)
  //     log.append(f"finished: {cm2!r} expired={B(cm2.expired())} when={cm2.when()}")
  //     try:
  //         cm2.reschedule(None)
  //     except RuntimeError as e:
  //         log.append(f"finished reschedule: {fmt(e)}")
  //     try:
  //         async with cm2:
  //             pass
  //     except RuntimeError as e:
  //         log.append(f"finished re-enter: {fmt(e)}")
  //     t0 = loop.time()
  //     async with asyncio.timeout(5) as cm3:
  //         log.append(f"timeout(5).when() - time() ~ 5: {B(abs(cm3.when() - t0 - 5) < 0.01)}")
  // asyncio.run(main())
  it("r22: a Timeout outside its block: repr and when() while created and finished, reschedule() errors, rounded reprs", async () => {
    const log: string[] = [];
    await run(async () => {
      const loop = getRunningLoop();
      const cm = timeoutAt(12345.6789);
      log.push(`created: ${String(cm)} when=${py(cm.when())} expired=${B(cm.expired())}`);
      try {
        cm.reschedule(null);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`created reschedule: ${fmt(e)}`);
      }
      const cm2 = timeout(null);
      await asyncWith(cm2, async () => {
        log.push(`entered: ${String(cm2)}`);
        cm2.reschedule(12345.6789);
        log.push(`rescheduled: ${String(cm2)} when=${py(cm2.when())}`);
        cm2.reschedule(1000000000.5);
        log.push(`rescheduled: ${String(cm2)}`);
        cm2.reschedule(2000.0);
        log.push(`rescheduled: ${String(cm2)}`);
        cm2.reschedule(null);
      });
      log.push(`finished: ${String(cm2)} expired=${B(cm2.expired())} when=${py(cm2.when())}`);
      try {
        cm2.reschedule(null);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`finished reschedule: ${fmt(e)}`);
      }
      try {
        await asyncWith(cm2, async () => undefined);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`finished re-enter: ${fmt(e)}`);
      }
      const t0 = loop.time();
      await asyncWith(timeout(5), async (cm3) => {
        log.push(`timeout(5).when() - time() ~ 5: ${B(Math.abs(cm3.when()! - t0 - 5) < 0.01)}`);
      });
    });
    expect(log).toEqual([
      "created: <Timeout [created]> when=12345.6789 expired=False",
      "created reschedule: RuntimeError: Timeout has not been entered",
      "entered: <Timeout [active] when=None>",
      "rescheduled: <Timeout [active] when=12345.679> when=12345.6789",
      "rescheduled: <Timeout [active] when=1000000000.5>",
      "rescheduled: <Timeout [active] when=2000.0>",
      "finished: <Timeout [finished]> expired=False when=None",
      "finished reschedule: RuntimeError: Cannot change state of finished Timeout",
      "finished re-enter: RuntimeError: Timeout has already been entered",
      "timeout(5).when() - time() ~ 5: True",
    ]);
  });

  // Python program r23:
  // # reschedule() into the past fires at the next iteration, after callbacks already queued; another
  // # task extends a deadline; a cancel from outside racing the deadline wins over the timeout
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     try:
  //         async with asyncio.timeout(10) as cm:
  //             loop.call_soon(log.append, "queued before")
  //             cm.reschedule(loop.time() - 1)
  //             loop.call_soon(log.append, "queued after")
  //             log.append(f"1: rescheduled into the past, expired={B(cm.expired())}")
  //             try:
  //                 await asyncio.sleep(10)
  //             except asyncio.CancelledError:
  //                 log.append(f"1: body cancelled expired={B(cm.expired())}")
  //                 raise
  //     except TimeoutError:
  //         log.append("1: TimeoutError")
  //     async def extender(cm):
  //         await asyncio.sleep(0.05)
  //         cm.reschedule(cm.when() + 0.2)
  //         log.append("2: extended by another task")
  //     async def finisher():
  //         await asyncio.sleep(0.15)
  //         return "2: finished before the new deadline"
  //     async with asyncio.timeout(0.1) as cm:
  //         ext = asyncio.create_task(extender(cm))
  //         log.append(await finisher())
  //     await ext
  //     log.append(f"2: expired={B(cm.expired())}")
  //     holder = []
  //     async def victim():
  //         async with asyncio.timeout(0.05) as cm:
  //             holder.append(cm)
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError:
  //                 log.append(f"3: body cancelled expired={B(cm.expired())} cancelling={asyncio.current_task().cancelling()}")
  //                 raise
  //     v = asyncio.create_task(victim())
  //     await asyncio.sleep(0)
  //     loop.call_at(holder[0].when(), v.cancel, "outside")
  //     loop.call_at(holder[0].when(), log.append, "3: timer after")
  //     try:
  //         await v
  //     except asyncio.CancelledError as e:
  //         log.append(f"3: {fmt(e)} cancelled={B(v.cancelled())}")
  //     except TimeoutError:
  //         log.append("3: TimeoutError")
  // asyncio.run(main())
  it("r23: reschedule() into the past fires next iteration; another task extends a deadline; an outside cancel wins", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const push = (s: string): void => {
        log.push(s);
      };
      try {
        await asyncWith(timeout(10), async (cm) => {
          loop.callSoon(push, "queued before");
          cm.reschedule(loop.time() - 1);
          loop.callSoon(push, "queued after");
          log.push(`1: rescheduled into the past, expired=${B(cm.expired())}`);
          try {
            await sleep(10);
          } catch (e) {
            if (e instanceof CancelledError) log.push(`1: body cancelled expired=${B(cm.expired())}`);
            throw e;
          }
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push("1: TimeoutError");
      }
      const extender = async (cm: Timeout): Promise<void> => {
        await sleep(0.05);
        cm.reschedule(cm.when()! + 0.2);
        log.push("2: extended by another task");
      };
      const finisher = async (): Promise<string> => {
        await sleep(0.15);
        return "2: finished before the new deadline";
      };
      let ext: Task<void> | null = null;
      const cm2 = timeout(0.1);
      await asyncWith(cm2, async (cm) => {
        ext = createTask(() => extender(cm));
        log.push(await finisher());
      });
      await ext!;
      log.push(`2: expired=${B(cm2.expired())}`);
      const holder: Timeout[] = [];
      const victim = async (): Promise<void> => {
        await asyncWith(timeout(0.05), async (cm) => {
          holder.push(cm);
          try {
            await sleep(1);
          } catch (e) {
            if (e instanceof CancelledError) {
              log.push(`3: body cancelled expired=${B(cm.expired())} cancelling=${currentTask()!.cancelling()}`);
            }
            throw e;
          }
        });
      };
      const v = createTask(victim);
      await sleep(0);
      loop.callAt(holder[0]!.when()!, (msg: string) => v.cancel(msg), "outside");
      loop.callAt(holder[0]!.when()!, push, "3: timer after");
      try {
        await v;
      } catch (e) {
        if (e instanceof CancelledError) log.push(`3: ${fmt(e)} cancelled=${B(v.cancelled())}`);
        else if (e instanceof TimeoutError) log.push("3: TimeoutError");
        else throw e;
      }
    });
    expect(log).toEqual([
      "1: rescheduled into the past, expired=False",
      "queued before",
      "queued after",
      "1: body cancelled expired=True",
      "1: TimeoutError",
      "2: extended by another task",
      "2: finished before the new deadline",
      "2: expired=False",
      "3: timer after",
      "3: body cancelled expired=True cancelling=2",
      "3: CancelledError:  cancelled=True",
    ]);
  });

  // Python program r24:
  // # TaskGroup.create_task(name=, context=); a child adds siblings to its own group; results after exit
  // v = contextvars.ContextVar("r24", default="outer")
  // async def main():
  //     ctx = contextvars.copy_context()
  //     ctx.run(v.set, "given")
  //     async def show(tag):
  //         log.append(f"{tag}: name={asyncio.current_task().get_name()} v={v.get()}")
  //         v.set(f"set-by-{tag}")
  //         return tag
  //     async def spawner(tg):
  //         log.append("spawner adds two")
  //         tg.create_task(show("added1"), name="a1")
  //         tg.create_task(show("added2"), name="a2")
  //         return "spawner"
  //     async with asyncio.TaskGroup() as tg:
  //         t1 = tg.create_task(show("plain"), name="p")
  //         t2 = tg.create_task(show("ctx1"), name="c1", context=ctx)
  //         t3 = tg.create_task(show("ctx2"), name="c2", context=ctx)
  //         t4 = tg.create_task(spawner(tg))
  //         log.append(f"body: v={v.get()}")
  //     log.append(f"after: {[t.result() for t in (t1, t2, t3, t4)]} ctx v={ctx[v]} v={v.get()}")
  // asyncio.run(main())
  it("r24: TaskGroup.createTask with name and context; a child adds siblings to its own group", async () => {
    const log: string[] = [];
    const v = new ContextVar<string>("r24", { default: "outer" });
    await run(async () => {
      const ctx = copyContext();
      ctx.run(() => v.set("given"));
      const show = async (tag: string): Promise<string> => {
        log.push(`${tag}: name=${currentTask()!.getName()} v=${v.get()}`);
        v.set(`set-by-${tag}`);
        return tag;
      };
      const spawner = async (tg: TaskGroup): Promise<string> => {
        log.push("spawner adds two");
        tg.createTask(() => show("added1"), { name: "a1" });
        tg.createTask(() => show("added2"), { name: "a2" });
        return "spawner";
      };
      let ts: Task<string>[] = [];
      await asyncWith(new TaskGroup(), async (tg) => {
        ts = [
          tg.createTask(() => show("plain"), { name: "p" }),
          tg.createTask(() => show("ctx1"), { name: "c1", context: ctx }),
          tg.createTask(() => show("ctx2"), { name: "c2", context: ctx }),
          tg.createTask(() => spawner(tg)),
        ];
        log.push(`body: v=${v.get()}`);
      });
      log.push(`after: ${pyList(ts.map((t) => t.result()))} ctx v=${String(ctx.get(v))} v=${v.get()}`);
    });
    expect(log).toEqual([
      "body: v=outer",
      "plain: name=p v=outer",
      "ctx1: name=c1 v=given",
      "ctx2: name=c2 v=set-by-ctx1",
      "spawner adds two",
      "added1: name=a1 v=outer",
      "added2: name=a2 v=outer",
      "after: ['plain', 'ctx1', 'ctx2', 'spawner'] ctx v=set-by-ctx2 v=outer",
    ]);
  });

  // Python program r25:
  // # TaskGroup error order: children's errors come first in completion order, the body's own error
  // # last; a body that turns the abort into another error; a group inside a group's body
  // class Oops(Exception): pass
  // async def fail(name, n):
  //     for _ in range(n):
  //         await asyncio.sleep(0)
  //     raise Boom(name)
  // async def main():
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(fail("c2", 2))
  //             tg.create_task(fail("c1", 1))
  //             try:
  //                 await asyncio.sleep(10)
  //             except asyncio.CancelledError:
  //                 log.append("1: body aborted, raises Oops")
  //                 raise Oops("from body")
  //     except ExceptionGroup as eg:
  //         log.append(f"1: {fmt(eg)}")
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(fail("late", 3))
  //             await asyncio.sleep(0)
  //             raise Oops("body first")
  //     except ExceptionGroup as eg:
  //         log.append(f"2: {fmt(eg)}")
  //     for label, outer_steps, inner_steps in (("3", 2, 5), ("4", 3, 1)):
  //         try:
  //             async with asyncio.TaskGroup() as outer:
  //                 outer.create_task(fail("outer-child", outer_steps))
  //                 async with asyncio.TaskGroup() as inner:
  //                     inner.create_task(fail("inner-child", inner_steps))
  //                     await asyncio.sleep(10)
  //         except ExceptionGroup as eg:
  //             log.append(f"{label}: {fmt(eg)}")
  //     log.append(f"cancelling={asyncio.current_task().cancelling()}")
  // asyncio.run(main())
  it("r25: TaskGroup error order: children by completion, the body's error last; groups nested in a body", async () => {
    const log: string[] = [];
    const fail = async (name: string, n: number): Promise<never> => {
      for (let i = 0; i < n; i++) await sleep(0);
      throw new Boom(name);
    };
    await run(async () => {
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(() => fail("c2", 2));
          tg.createTask(() => fail("c1", 1));
          try {
            await sleep(10);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            log.push("1: body aborted, raises Oops");
            throw new Oops("from body");
          }
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`1: ${fmt(e)}`);
      }
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(() => fail("late", 3));
          await sleep(0);
          throw new Oops("body first");
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`2: ${fmt(e)}`);
      }
      for (const [label, outerSteps, innerSteps] of [["3", 2, 5], ["4", 3, 1]] as const) {
        try {
          await asyncWith(new TaskGroup(), async (outer) => {
            outer.createTask(() => fail("outer-child", outerSteps));
            await asyncWith(new TaskGroup(), async (inner) => {
              inner.createTask(() => fail("inner-child", innerSteps));
              await sleep(10);
            });
          });
        } catch (e) {
          if (!(e instanceof ExceptionGroup)) throw e;
          log.push(`${label}: ${fmt(e)}`);
        }
      }
      log.push(`cancelling=${currentTask()!.cancelling()}`);
    });
    expect(log).toEqual([
      "1: body aborted, raises Oops",
      "1: ExceptionGroup: unhandled errors in a TaskGroup [Boom: c1, Boom: c2, Oops: from body]",
      "2: ExceptionGroup: unhandled errors in a TaskGroup [Oops: body first]",
      "3: ExceptionGroup: unhandled errors in a TaskGroup [Boom: outer-child]",
      "4: ExceptionGroup: unhandled errors in a TaskGroup [Boom: outer-child, ExceptionGroup: unhandled errors in a TaskGroup [Boom: inner-child]]",
      "cancelling=0",
    ]);
  });

  // Python program r26:
  // # outside a running loop: get_running_loop/current_task/all_tasks refuse; with an explicit loop,
  // # current_task is None and all_tasks lists the pending tasks
  // try:
  //     asyncio.get_running_loop()
  // except RuntimeError as e:
  //     log.append(f"get_running_loop: {fmt(e)}")
  // for name, fn in (("current_task", asyncio.current_task), ("all_tasks", asyncio.all_tasks)):
  //     try:
  //         fn()
  //     except RuntimeError as e:
  //         log.append(f"{name}(): {fmt(e)}")
  // loop = asyncio.new_event_loop()
  // async def sleeper(n):
  //     await asyncio.sleep(n)
  //     return n
  // t1 = loop.create_task(sleeper(0), name="quick")
  // t2 = loop.create_task(sleeper(10), name="slow")
  // log.append(f"current_task(loop)={asyncio.current_task(loop)} all_tasks(loop)={sorted(t.get_name() for t in asyncio.all_tasks(loop))}")
  // loop.run_until_complete(t1)
  // log.append(f"after quick: {sorted(t.get_name() for t in asyncio.all_tasks(loop))} slow done={B(t2.done())}")
  // t2.cancel()
  // try:
  //     loop.run_until_complete(t2)
  // except asyncio.CancelledError:
  //     log.append(f"slow cancelled; all_tasks(loop)={sorted(t.get_name() for t in asyncio.all_tasks(loop))}")
  // loop.close()
  it("r26: outside a running loop getRunningLoop/currentTask/allTasks refuse; with a loop given they answer", async () => {
    const log: string[] = [];
    try {
      getRunningLoop();
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      log.push(`get_running_loop: ${fmt(e)}`);
    }
    const calls: [string, () => unknown][] = [
      ["current_task", () => currentTask()],
      ["all_tasks", () => allTasks()],
    ];
    for (const [name, fn] of calls) {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`${name}(): ${fmt(e)}`);
      }
    }
    const loop = newEventLoop();
    try {
      const sleeper = async (n: number): Promise<number> => {
        await sleep(n);
        return n;
      };
      const names = (): string => pyList([...allTasks(loop)].map((t) => t.getName()).sort());
      const t1 = loop.createTask(() => sleeper(0), { name: "quick" });
      const t2 = loop.createTask(() => sleeper(10), { name: "slow" });
      log.push(`current_task(loop)=${currentTask(loop) === null ? "None" : "a task"} all_tasks(loop)=${names()}`);
      await loop.runUntilComplete(t1);
      log.push(`after quick: ${names()} slow done=${B(t2.done())}`);
      t2.cancel();
      try {
        await loop.runUntilComplete(t2);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`slow cancelled; all_tasks(loop)=${names()}`);
      }
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "get_running_loop: RuntimeError: no running event loop",
      "current_task(): RuntimeError: no running event loop",
      "all_tasks(): RuntimeError: no running event loop",
      "current_task(loop)=None all_tasks(loop)=['quick', 'slow']",
      "after quick: ['slow'] slow done=False",
      "slow cancelled; all_tasks(loop)=[]",
    ]);
  });

  // Python program r27:
  // # asyncio.run when main fails or is cancelled by a sibling: the leftovers' cleanup runs first,
  // # then run() raises main's outcome
  // async def leftover(tag):
  //     try:
  //         await asyncio.sleep(10)
  //     finally:
  //         log.append(f"{tag} leftover finally")
  //         await asyncio.sleep(0)
  //         log.append(f"{tag} leftover finally done")
  // async def failing():
  //     asyncio.create_task(leftover("fail"))
  //     await asyncio.sleep(0)
  //     raise Boom("main failed")
  // try:
  //     asyncio.run(failing())
  // except Boom as e:
  //     log.append(f"run raised {fmt(e)}")
  // async def cancelled_by_sibling():
  //     main = asyncio.current_task()
  //     async def sibling():
  //         await asyncio.sleep(0)
  //         main.cancel("by sibling")
  //         log.append("sibling cancelled main")
  //     asyncio.create_task(sibling())
  //     asyncio.create_task(leftover("cancel"))
  //     await asyncio.sleep(10)
  // try:
  //     asyncio.run(cancelled_by_sibling())
  // except asyncio.CancelledError as e:
  //     log.append(f"run raised {fmt(e)}")
  it("r27: when main fails or a sibling cancels it, run() lets the leftovers clean up, then raises main's outcome", async () => {
    const log: string[] = [];
    const leftover = async (tag: string): Promise<void> => {
      try {
        await sleep(10);
      } finally {
        log.push(`${tag} leftover finally`);
        await sleep(0);
        log.push(`${tag} leftover finally done`);
      }
    };
    try {
      await run(async () => {
        createTask(() => leftover("fail"));
        await sleep(0);
        throw new Boom("main failed");
      });
    } catch (e) {
      if (!(e instanceof Boom)) throw e;
      log.push(`run raised ${fmt(e)}`);
    }
    try {
      await run(async () => {
        const main = currentTask()!;
        createTask(async () => {
          await sleep(0);
          main.cancel("by sibling");
          log.push("sibling cancelled main");
        });
        createTask(() => leftover("cancel"));
        await sleep(10);
      });
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      log.push(`run raised ${fmt(e)}`);
    }
    expect(log).toEqual([
      "fail leftover finally",
      "fail leftover finally done",
      "run raised Boom: main failed",
      "sibling cancelled main",
      "cancel leftover finally",
      "cancel leftover finally done",
      "run raised CancelledError: by sibling",
    ]);
  });

  // Python program r28:
  // # to_thread jobs run concurrently: the first waits for the second (an event shared between the
  // # threads); gather keeps argument order, as_completed gives completion order
  // def first(ev):
  //     ok = ev.wait(5)
  //     time.sleep(0.05)
  //     return f"first waited={B(ok)}"
  // def second(ev):
  //     ev.set()
  //     return "second"
  // async def main():
  //     ev = threading.Event()
  //     log.append(f"gather -> {await asyncio.gather(asyncio.to_thread(first, ev), asyncio.to_thread(second, ev))}")
  //     ev = threading.Event()
  //     order = []
  //     for aw in asyncio.as_completed([asyncio.to_thread(first, ev), asyncio.to_thread(second, ev)]):
  //         order.append(await aw)
  //     log.append(f"as_completed -> {order}")
  // asyncio.run(main())
  it("r28: toThread jobs run at once: one waits for the other; gather keeps order, asCompleted gives completion order", async () => {
    const log: string[] = [];
    // Python's threading.Event: a flag in a buffer shared with the worker threads.
    function first(buffer: SharedArrayBuffer): string {
      const flag = new Int32Array(buffer);
      const ok = Atomics.wait(flag, 0, 0, 5000) !== "timed-out";
      Atomics.wait(flag, 1, 0, 50);
      return `first waited=${ok ? "True" : "False"}`;
    }
    function second(buffer: SharedArrayBuffer): string {
      const flag = new Int32Array(buffer);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      return "second";
    }
    await run(async () => {
      let ev = new SharedArrayBuffer(8);
      log.push(`gather -> ${pyList(await gather(toThread(first, ev), toThread(second, ev)))}`);
      ev = new SharedArrayBuffer(8);
      const order: string[] = [];
      for (const aw of asCompleted([toThread(first, ev), toThread(second, ev)])) order.push(await aw);
      log.push(`as_completed -> ${pyList(order)}`);
    });
    expect(log).toEqual([
      "gather -> ['first waited=True', 'second']",
      "as_completed -> ['second', 'first waited=True']",
    ]);
  });

  // Python program r29:
  // # what run() and run_until_complete() accept: a future is not a coroutine; a done future returns at once
  // loop = asyncio.new_event_loop()
  // fut = loop.create_future()
  // for label, arg in (("future", fut), ("None", None), ("str", "main")):
  //     try:
  //         asyncio.run(arg)
  //     except ValueError as e:
  //         log.append(f"run({label}): {fmt(e)}")
  // for label, arg in (("None", None), ("int", 5)):
  //     try:
  //         loop.run_until_complete(arg)
  //     except TypeError as e:
  //         log.append(f"run_until_complete({label}): {fmt(e)}")
  // fut.set_result("ready")
  // log.append(f"run_until_complete(done future) -> {loop.run_until_complete(fut)}")
  // loop.close()
  it("r29: what run() and runUntilComplete() accept: a future is not a coroutine; a done future is returned at once", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      const fut = loop.createFuture<string>();
      const args: [string, unknown][] = [
        ["future", fut],
        ["None", null],
        ["str", "main"],
      ];
      for (const [label, arg] of args) {
        try {
          await run(arg as () => Promise<void>);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          log.push(`run(${label}): ${fmt(e)}`);
        }
      }
      const bad: [string, unknown][] = [
        ["None", null],
        ["int", 5],
      ];
      for (const [label, arg] of bad) {
        try {
          await loop.runUntilComplete(arg as () => Promise<void>);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          log.push(`run_until_complete(${label}): ${fmt(e)}`);
        }
      }
      fut.setResult("ready");
      log.push(`run_until_complete(done future) -> ${await loop.runUntilComplete(fut)}`);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "run(future): RangeError: a coroutine was expected, got <Future pending>",
      "run(None): RangeError: a coroutine was expected, got None",
      "run(str): RangeError: a coroutine was expected, got 'main'",
      "run_until_complete(None): TypeError: An asyncio.Future, a coroutine or an awaitable is required",
      "run_until_complete(int): TypeError: An asyncio.Future, a coroutine or an awaitable is required",
      "run_until_complete(done future) -> ready",
    ]);
  });

  // Python program r30:
  // # run_coroutine_threadsafe before the loop runs (queued until it does), with a task factory that
  // # fails (the future gets the error, the handler sees it too), and on a closed loop
  // loop = asyncio.new_event_loop()
  // def handler(loop, ctx):
  //     log.append(f"handler: callback={B(ctx['message'].startswith('Exception in callback '))} exception={fmt(ctx['exception'])}")
  // loop.set_exception_handler(handler)
  // async def job(x):
  //     log.append(f"job {x} runs")
  //     return x
  // f = asyncio.run_coroutine_threadsafe(job(1), loop)
  // log.append(f"queued done={B(f.done())}")
  // log.append(f"-> {loop.run_until_complete(asyncio.wrap_future(f, loop=loop))}")
  // def bad_factory(loop, coro, **kw):
  //     coro.close()
  //     raise Boom("factory")
  // loop.set_task_factory(bad_factory)
  // f = asyncio.run_coroutine_threadsafe(job(2), loop)
  // try:
  //     loop.run_until_complete(asyncio.wrap_future(f, loop=loop))
  // except Boom as e:
  //     try:
  //         f.result()
  //     except Boom as e2:
  //         log.append(f"wrapped raised {fmt(e)} result() raises {fmt(e2)}")
  // loop.set_task_factory(None)
  // loop.close()
  // c = job(3)
  // try:
  //     asyncio.run_coroutine_threadsafe(c, loop)
  // except RuntimeError as e:
  //     log.append(f"closed loop: {fmt(e)}")
  // c.close()
  it("r30: runCoroutineThreadsafe before the loop runs, with a failing task factory, and on a closed loop", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    const job = async (x: number): Promise<number> => {
      log.push(`job ${x} runs`);
      return x;
    };
    try {
      loop.setExceptionHandler((_l, ctx) => {
        log.push(`handler: callback=${B(String(ctx.message).startsWith("Exception in callback "))} exception=${fmt(ctx.exception)}`);
      });
      let f = runCoroutineThreadsafe(() => job(1), loop);
      log.push(`queued done=${B(f.done())}`);
      log.push(`-> ${await loop.runUntilComplete(wrapFuture(f, { loop }))}`);
      loop.setTaskFactory(() => {
        throw new Boom("factory");
      });
      f = runCoroutineThreadsafe(() => job(2), loop);
      try {
        await loop.runUntilComplete(wrapFuture(f, { loop }));
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        try {
          f.result();
        } catch (e2) {
          if (!(e2 instanceof Boom)) throw e2;
          log.push(`wrapped raised ${fmt(e)} result() raises ${fmt(e2)}`);
        }
      }
      loop.setTaskFactory(null);
    } finally {
      loop.close();
    }
    try {
      void runCoroutineThreadsafe(() => job(3), loop);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      log.push(`closed loop: ${fmt(e)}`);
    }
    expect(log).toEqual([
      "queued done=False",
      "job 1 runs",
      "-> 1",
      "handler: callback=True exception=Boom: factory",
      "wrapped raised Boom: factory result() raises Boom: factory",
      "closed loop: RuntimeError: Event loop is closed",
    ]);
  });
});
