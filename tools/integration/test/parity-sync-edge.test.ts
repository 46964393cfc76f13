/**
 * Whole programs on edge cases of Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier and
 * the queues whose output must equal CPython 3.13's: waiters cancelled before or after their
 * wakeup, release/notify by a task that does not hold the lock, operations that must not suspend,
 * notify(n) with odd n, wait_for re-queueing, a deadline during a Condition re-acquire, Semaphore
 * FIFO against a barging acquire, Barrier abort/reset/cancel while draining, maxsize <= 0,
 * put_nowait barging past a woken putter, task_done before get, shutdown with woken waiters,
 * LifoQueue and PriorityQueue order, wakeups through callSoon, long non-suspending steps,
 * constructor errors, and every repr in each state. It adds to parity-sync, whose programs it
 * does not repeat.
 *
 * Each test is the TypeScript port of a small asyncio program (its source is in the comment above
 * the test) and compares the lines it prints with what `python3.13` printed. Every Python program
 * starts with this prelude, mirrored below:
 *
 *     import asyncio, re
 *     class Boom(Exception): pass
 *     def B(x): return "True" if x else "False"
 *     def R(x): return re.sub(r"(?:asyncio\.\w+\.)?(\w+)(?: object)? at 0x[0-9a-f]+", r"\1", repr(x))
 *     def fmt(e): return f"{type(e).__name__}: {e}"
 *
 * R() drops the address from a repr (`<asyncio.locks.Lock object at 0x7f.. [locked]>` becomes
 * `<Lock [locked]>`, `<Queue at 0x7f.. maxsize=0>` becomes `<Queue maxsize=0>`): the sync and
 * queues READMEs ("Differences from Python") say that @aio reprs have no address. Python names
 * are kept in the printed lines: a RangeError prints as ValueError, a JavaScript array inside a
 * PriorityQueue as a tuple. Timed programs run on VirtualTimeEventLoop; CPython ran them in real
 * time with deadlines at least 50 ms apart.
 *
 * The file is long because every test carries its Python program and CPython's output; it stays
 * whole so that each program can be re-run next to its port.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { BrokenBarrierError, CancelledError, QueueFull, QueueShutDown, RuntimeError, TimeoutError, asyncWith, getRunningLoop } from "@aio/core";
import { VirtualTimeEventLoop } from "@aio/loop";
import { LifoQueue, PriorityQueue, Queue } from "@aio/queues";
import { Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore } from "@aio/sync";
import { createTask, gather, run, sleep, timeout, waitFor } from "@aio/tasks";
import { B, Boom, pyType, tuplesInRepr } from "./support/parity.js";

/** The prelude's `R(x)`: a primitive's or queue's repr without its address (Node's inspect hook). */
const R = (x: object): string => inspect(x);

/** The prelude's `fmt(e)`: Python class name and message. */
function fmt(e: unknown): string {
  return `${pyType(e)}: ${e instanceof Error ? e.message : String(e)}`;
}

/** Python's `repr()` of None, a bool, an int, a str, or a list of those (a tuple with `asTuple`). */
function pyRepr(x: unknown, asTuple = false): string {
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return B(x);
  if (typeof x === "string") return x.includes("'") && !x.includes('"') ? `"${x}"` : `'${x}'`;
  if (Array.isArray(x)) {
    const parts = x.map((item) => pyRepr(item, asTuple));
    return asTuple ? `(${parts.join(", ")}${parts.length === 1 ? "," : ""})` : `[${parts.join(", ")}]`;
  }
  if (typeof x === "number" || typeof x === "bigint") return String(x);
  return `<${typeof x}>`;
}

/** Python's repr of a list whose items are tuples (JavaScript arrays). */
const tupleList = (items: readonly unknown[]): string => `[${items.map((x) => pyRepr(x, true)).join(", ")}]`;

/** Python's `[type(r).__name__ for r in res]`. */
const typeNames = (res: readonly unknown[]): string => pyRepr(res.map(pyType));

type Print = (...parts: unknown[]) => void;

/** Runs `body` with asyncio.run() semantics (a virtual-time loop with `virtual`) and returns what it printed. */
async function program(body: (print: Print) => Promise<void>, virtual = false): Promise<string[]> {
  const lines: string[] = [];
  const print: Print = (...parts) => {
    lines.push(parts.map(String).join(" "));
  };
  if (virtual) await run(() => body(print), { loopFactory: () => new VirtualTimeEventLoop() });
  else await run(() => body(print));
  return lines;
}

describe("Lock edge cases (CPython 3.13 parity)", () => {
  // Python program s01:
  // # a Lock whose every waiter is cancelled is taken at once; release() does not wake past a cancelled first waiter
  // async def main():
  //     lock = asyncio.Lock()
  //     await lock.acquire()
  //     async def waiter(name):
  //         try:
  //             await lock.acquire()
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(lock))
  //             raise
  //         print(name, "got it")
  //         lock.release()
  //     a = asyncio.create_task(waiter("a"))
  //     b = asyncio.create_task(waiter("b"))
  //     await asyncio.sleep(0)
  //     print("queued", R(lock))
  //     a.cancel()
  //     b.cancel()
  //     print("cancelled both", R(lock), B(lock.locked()))
  //     lock.release()
  //     print("released", R(lock), B(lock.locked()))
  //     await lock.acquire()
  //     print("main took it", R(lock))
  //     res = await asyncio.gather(a, b, return_exceptions=True)
  //     print([type(r).__name__ for r in res], R(lock))
  //     lock.release()
  //     print("end", R(lock))
  // asyncio.run(main())
  it("s01: takes a lock whose every waiter is cancelled at once; release does not wake past a cancelled first waiter", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      await lock.acquire();
      const waiter = async (name: string): Promise<void> => {
        try {
          await lock.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(lock));
          throw error;
        }
        print(name, "got it");
        lock.release();
      };
      const a = createTask(() => waiter("a"));
      const b = createTask(() => waiter("b"));
      await sleep(0);
      print("queued", R(lock));
      a.cancel();
      b.cancel();
      print("cancelled both", R(lock), B(lock.locked()));
      lock.release();
      print("released", R(lock), B(lock.locked()));
      await lock.acquire();
      print("main took it", R(lock));
      const res = await gather(a, b, { returnExceptions: true });
      print(typeNames(res), R(lock));
      lock.release();
      print("end", R(lock));
    });
    expect(lines).toEqual([
      "queued <Lock [locked, waiters:2]>",
      "cancelled both <Lock [locked, waiters:2]> True",
      "released <Lock [unlocked, waiters:2]> False",
      "main took it <Lock [locked, waiters:2]>",
      "a cancelled <Lock [locked, waiters:1]>",
      "b cancelled <Lock [locked]>",
      "['CancelledError', 'CancelledError'] <Lock [locked]>",
      "end <Lock [unlocked]>",
    ]);
  });

  // Python program s02:
  // # release() by a task that does not hold the Lock; async with whose body released it; a body error
  // async def main():
  //     lock = asyncio.Lock()
  //     await lock.acquire()
  //     async def other():
  //         lock.release()
  //         print("other released", R(lock))
  //     await asyncio.create_task(other())
  //     print("main sees", R(lock))
  //     try:
  //         async with lock:
  //             lock.release()
  //             print("body released", B(lock.locked()))
  //     except RuntimeError as e:
  //         print("exit", fmt(e))
  //     try:
  //         async with lock:
  //             raise Boom("body")
  //     except Boom as e:
  //         print("body error", fmt(e), R(lock))
  //     try:
  //         async with lock:
  //             lock.release()
  //             raise Boom("both")
  //     except Exception as e:
  //         print("both", fmt(e), R(lock))
  //     for _ in range(2):
  //         try:
  //             lock.release()
  //         except RuntimeError as e:
  //             print("release", fmt(e))
  // asyncio.run(main())
  it("s02: lets any task release the lock; async with fails on exit when its body released it", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      await lock.acquire();
      const other = async (): Promise<void> => {
        lock.release();
        print("other released", R(lock));
      };
      await createTask(other);
      print("main sees", R(lock));
      try {
        await asyncWith(lock, async () => {
          lock.release();
          print("body released", B(lock.locked()));
        });
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("exit", fmt(error));
      }
      try {
        await asyncWith(lock, async () => {
          throw new Boom("body");
        });
      } catch (error) {
        if (!(error instanceof Boom)) throw error;
        print("body error", fmt(error), R(lock));
      }
      try {
        await asyncWith(lock, async () => {
          lock.release();
          throw new Boom("both");
        });
      } catch (error) {
        print("both", fmt(error), R(lock));
      }
      for (let i = 0; i < 2; i++) {
        try {
          lock.release();
        } catch (error) {
          if (!(error instanceof RuntimeError)) throw error;
          print("release", fmt(error));
        }
      }
    });
    expect(lines).toEqual([
      "other released <Lock [unlocked]>",
      "main sees <Lock [unlocked]>",
      "body released False",
      "exit RuntimeError: Lock is not acquired.",
      "body error Boom: body <Lock [unlocked]>",
      "both RuntimeError: Lock is not acquired. <Lock [unlocked]>",
      "release RuntimeError: Lock is not acquired.",
      "release RuntimeError: Lock is not acquired.",
    ]);
  });

  // Python program s03:
  // # the Lock is not reentrant: the holder's second acquire waits until its deadline, and leaves no waiter
  // async def main():
  //     lock = asyncio.Lock()
  //     async with lock:
  //         try:
  //             await asyncio.wait_for(lock.acquire(), 0.05)
  //         except TimeoutError as e:
  //             print("wait_for", fmt(e), R(lock))
  //         try:
  //             async with asyncio.timeout(0.05):
  //                 async with lock:
  //                     print("not reached")
  //         except TimeoutError as e:
  //             print("timeout", fmt(e), R(lock))
  //     print("after", R(lock))
  //     async with lock:
  //         print("again", R(lock))
  // asyncio.run(main())
  it("s03: is not reentrant: the holder's second acquire waits for its deadline and leaves no waiter", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      await asyncWith(lock, async () => {
        try {
          await waitFor(() => lock.acquire(), 0.05);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("wait_for", fmt(error), R(lock));
        }
        try {
          await asyncWith(timeout(0.05), () =>
            asyncWith(lock, async () => {
              print("not reached");
            }),
          );
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("timeout", fmt(error), R(lock));
        }
      });
      print("after", R(lock));
      await asyncWith(lock, async () => {
        print("again", R(lock));
      });
    }, true);
    expect(lines).toEqual([
      "wait_for TimeoutError:  <Lock [locked]>",
      "timeout TimeoutError:  <Lock [locked]>",
      "after <Lock [unlocked]>",
      "again <Lock [locked]>",
    ]);
  });

  // Python program s04:
  // # the only waiter is woken and then cancelled: the lock stays free and a newcomer takes it at once
  // async def main():
  //     lock = asyncio.Lock()
  //     await lock.acquire()
  //     async def waiter(name):
  //         try:
  //             await lock.acquire()
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(lock))
  //             raise
  //         print(name, "got it", R(lock))
  //         await asyncio.sleep(0)
  //         lock.release()
  //     a = asyncio.create_task(waiter("a"))
  //     await asyncio.sleep(0)
  //     lock.release()
  //     print("released", R(lock), B(lock.locked()))
  //     c = asyncio.create_task(waiter("c"))
  //     a.cancel()
  //     print("after cancel", R(lock))
  //     res = await asyncio.gather(a, c, return_exceptions=True)
  //     print([type(r).__name__ for r in res], R(lock))
  // asyncio.run(main())
  it("s04: leaves the lock free when its only waiter is woken and then cancelled; a newcomer takes it", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      await lock.acquire();
      const waiter = async (name: string): Promise<void> => {
        try {
          await lock.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(lock));
          throw error;
        }
        print(name, "got it", R(lock));
        await sleep(0);
        lock.release();
      };
      const a = createTask(() => waiter("a"));
      await sleep(0);
      lock.release();
      print("released", R(lock), B(lock.locked()));
      const c = createTask(() => waiter("c"));
      a.cancel();
      print("after cancel", R(lock));
      const res = await gather(a, c, { returnExceptions: true });
      print(typeNames(res), R(lock));
    });
    expect(lines).toEqual([
      "released <Lock [unlocked, waiters:1]> False",
      "after cancel <Lock [unlocked, waiters:1]>",
      "a cancelled <Lock [unlocked]>",
      "c got it <Lock [locked]>",
      "['CancelledError', 'NoneType'] <Lock [unlocked]>",
    ]);
  });
});

describe("operations that need not wait (CPython 3.13 parity)", () => {
  // Python program s05:
  // # operations that need not wait return without letting another task run
  // async def main():
  //     async def other():
  //         print("other task ran")
  //     t = asyncio.create_task(other())
  //     ev = asyncio.Event()
  //     ev.set()
  //     print("event", B(await ev.wait()))
  //     lock = asyncio.Lock()
  //     print("lock", B(await lock.acquire()))
  //     lock.release()
  //     async with lock:
  //         print("async with lock")
  //     sem = asyncio.Semaphore(1)
  //     print("sem", B(await sem.acquire()))
  //     sem.release()
  //     cond = asyncio.Condition()
  //     async with cond:
  //         print("wait_for", await cond.wait_for(lambda: "yes"))
  //     q = asyncio.Queue(1)
  //     await q.put(1)
  //     print("put", q.qsize())
  //     print("get", await q.get())
  //     q.task_done()
  //     await q.join()
  //     print("join")
  //     b = asyncio.Barrier(1)
  //     print("barrier", await b.wait())
  //     print("t done?", B(t.done()))
  //     await asyncio.sleep(0)
  //     print("t done?", B(t.done()))
  // asyncio.run(main())
  it("s05: return without letting another task run: set Event, free Lock and Semaphore, true wait_for, put, get, join, Barrier(1)", async () => {
    const lines = await program(async (print) => {
      const other = async (): Promise<void> => {
        print("other task ran");
      };
      const t = createTask(other);
      const ev = new Event();
      ev.set();
      print("event", B(await ev.wait()));
      const lock = new Lock();
      print("lock", B(await lock.acquire()));
      lock.release();
      await asyncWith(lock, async () => {
        print("async with lock");
      });
      const sem = new Semaphore(1);
      print("sem", B(await sem.acquire()));
      sem.release();
      const cond = new Condition();
      await asyncWith(cond, async () => {
        print("wait_for", await cond.waitFor(() => "yes"));
      });
      const q = new Queue<number>(1);
      await q.put(1);
      print("put", q.qsize());
      print("get", await q.get());
      q.taskDone();
      await q.join();
      print("join");
      const b = new Barrier(1);
      print("barrier", await b.wait());
      print("t done?", B(t.done()));
      await sleep(0);
      print("t done?", B(t.done()));
    });
    expect(lines).toEqual([
      "event True", "lock True", "async with lock", "sem True", "wait_for yes", "put 1", "get 1", "join",
      "barrier 0", "t done? False", "other task ran", "t done? True",
    ]);
  });
});

describe("Event edge cases (CPython 3.13 parity)", () => {
  // Python program s06:
  // # Event waiters leave _waiters only when they run: a cancelled one, woken ones, a timed-out one
  // async def main():
  //     ev = asyncio.Event()
  //     ev2 = asyncio.Event()
  //     async def waiter(name, e):
  //         try:
  //             r = await e.wait()
  //             print(name, "woke", B(r), R(ev))
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(ev))
  //             raise
  //     ts = [asyncio.create_task(waiter(n, ev)) for n in "abc"] + [asyncio.create_task(waiter("d", ev2))]
  //     await asyncio.sleep(0)
  //     ts[1].cancel()
  //     print("b cancelled", R(ev))
  //     ev2.set()
  //     ev.set()
  //     print("set both", R(ev), R(ev2))
  //     res = await asyncio.gather(*ts, return_exceptions=True)
  //     print([type(r).__name__ for r in res], R(ev))
  //     ev.clear()
  //     try:
  //         await asyncio.wait_for(ev.wait(), 0.05)
  //     except TimeoutError as e:
  //         print("wait_for", fmt(e), R(ev))
  //     ev.set()
  //     ev.clear()
  //     ev.set()
  //     print("end", R(ev), B(ev.is_set()))
  // asyncio.run(main())
  it("s06: keeps a waiter in _waiters until it runs: cancelled, woken or timed out", async () => {
    const lines = await program(async (print) => {
      const ev = new Event();
      const ev2 = new Event();
      const waiter = async (name: string, e: Event): Promise<void> => {
        try {
          const r = await e.wait();
          print(name, "woke", B(r), R(ev));
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(ev));
          throw error;
        }
      };
      const ts = [...["a", "b", "c"].map((n) => createTask(() => waiter(n, ev))), createTask(() => waiter("d", ev2))];
      await sleep(0);
      ts[1]!.cancel();
      print("b cancelled", R(ev));
      ev2.set();
      ev.set();
      print("set both", R(ev), R(ev2));
      const res = await gather(...ts, { returnExceptions: true });
      print(typeNames(res), R(ev));
      ev.clear();
      try {
        await waitFor(() => ev.wait(), 0.05);
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        print("wait_for", fmt(error), R(ev));
      }
      ev.set();
      ev.clear();
      ev.set();
      print("end", R(ev), B(ev.isSet()));
    }, true);
    expect(lines).toEqual([
      "b cancelled <Event [unset, waiters:3]>",
      "set both <Event [set, waiters:3]> <Event [set, waiters:1]>",
      "b cancelled <Event [set, waiters:2]>",
      "d woke True <Event [set, waiters:2]>",
      "a woke True <Event [set, waiters:1]>",
      "c woke True <Event [set]>",
      "['NoneType', 'CancelledError', 'NoneType', 'NoneType'] <Event [set]>",
      "wait_for TimeoutError:  <Event [unset]>",
      "end <Event [set]> True",
    ]);
  });

  // Python program s07:
  // # wakeups go through call_soon: tasks woken by set(), release() and put_nowait() run after callbacks queued before
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     ev = asyncio.Event()
  //     lock = asyncio.Lock()
  //     await lock.acquire()
  //     q = asyncio.Queue()
  //     async def ew(name):
  //         await ev.wait()
  //         print(name, "woke", B(ev.is_set()))
  //     async def lw():
  //         await lock.acquire()
  //         print("lock waiter in", R(lock))
  //         lock.release()
  //     async def qg():
  //         print("getter got", await q.get(), str(q))
  //     ts = [asyncio.create_task(ew(n)) for n in "ab"] + [asyncio.create_task(lw()), asyncio.create_task(qg())]
  //     await asyncio.sleep(0)
  //     loop.call_soon(print, "cb1")
  //     loop.call_soon(ev.set)
  //     loop.call_soon(print, "cb2")
  //     loop.call_soon(ev.clear)
  //     loop.call_soon(lock.release)
  //     loop.call_soon(print, "cb3")
  //     loop.call_soon(q.put_nowait, "item")
  //     loop.call_soon(q.put_nowait, "more")
  //     loop.call_soon(print, "cb4")
  //     await asyncio.gather(*ts)
  //     print("end", R(ev), R(lock), str(q))
  // asyncio.run(main())
  it("s07: runs tasks woken by set(), release() and put_nowait() after the callbacks queued before", async () => {
    const lines = await program(async (print) => {
      const loop = getRunningLoop();
      const ev = new Event();
      const lock = new Lock();
      await lock.acquire();
      const q = new Queue<string>();
      const ew = async (name: string): Promise<void> => {
        await ev.wait();
        print(name, "woke", B(ev.isSet()));
      };
      const lw = async (): Promise<void> => {
        await lock.acquire();
        print("lock waiter in", R(lock));
        lock.release();
      };
      const qg = async (): Promise<void> => {
        print("getter got", await q.get(), String(q));
      };
      const ts = [createTask(() => ew("a")), createTask(() => ew("b")), createTask(lw), createTask(qg)];
      await sleep(0);
      loop.callSoon(print, "cb1");
      loop.callSoon(() => ev.set());
      loop.callSoon(print, "cb2");
      loop.callSoon(() => ev.clear());
      loop.callSoon(() => lock.release());
      loop.callSoon(print, "cb3");
      loop.callSoon(() => q.putNowait("item"));
      loop.callSoon(() => q.putNowait("more"));
      loop.callSoon(print, "cb4");
      await gather(...ts);
      print("end", R(ev), R(lock), String(q));
    });
    expect(lines).toEqual([
      "cb1", "cb2", "cb3", "cb4", "a woke False", "b woke False", "lock waiter in <Lock [locked]>",
      "getter got item <Queue maxsize=0 _queue=['more'] tasks=2>",
      "end <Event [unset]> <Lock [unlocked]> <Queue maxsize=0 _queue=['more'] tasks=2>",
    ]);
  });
});

describe("Condition edge cases (CPython 3.13 parity)", () => {
  // Python program s08:
  // # notify(n) with n past the waiters, 0 and negative; notify with nobody waiting
  // async def main():
  //     cond = asyncio.Condition()
  //     async with cond:
  //         cond.notify(5)
  //         cond.notify(0)
  //         cond.notify(-1)
  //         cond.notify_all()
  //         print("no waiters", R(cond))
  //     async def waiter(name):
  //         async with cond:
  //             r = await cond.wait()
  //             print(name, "woke", B(r), R(cond))
  //     ts = [asyncio.create_task(waiter(n)) for n in "abc"]
  //     await asyncio.sleep(0)
  //     async with cond:
  //         cond.notify(-1)
  //         print("notify(-1)", R(cond))
  //         cond.notify(0)
  //         print("notify(0)", R(cond))
  //     await asyncio.sleep(0)
  //     print("nobody woke", R(cond))
  //     async with cond:
  //         cond.notify(10)
  //         print("notify(10)", R(cond))
  //         cond.notify(10)
  //         print("again", R(cond))
  //     await asyncio.gather(*ts)
  //     print("end", R(cond))
  // asyncio.run(main())
  it("s08: notify(n) with n past the waiters, 0 or negative; notify with nobody waiting", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      await asyncWith(cond, async () => {
        cond.notify(5);
        cond.notify(0);
        cond.notify(-1);
        cond.notifyAll();
        print("no waiters", R(cond));
      });
      const waiter = async (name: string): Promise<void> => {
        await asyncWith(cond, async () => {
          const r = await cond.wait();
          print(name, "woke", B(r), R(cond));
        });
      };
      const ts = ["a", "b", "c"].map((n) => createTask(() => waiter(n)));
      await sleep(0);
      await asyncWith(cond, async () => {
        cond.notify(-1);
        print("notify(-1)", R(cond));
        cond.notify(0);
        print("notify(0)", R(cond));
      });
      await sleep(0);
      print("nobody woke", R(cond));
      await asyncWith(cond, async () => {
        cond.notify(10);
        print("notify(10)", R(cond));
        cond.notify(10);
        print("again", R(cond));
      });
      await gather(...ts);
      print("end", R(cond));
    });
    expect(lines).toEqual([
      "no waiters <Condition [locked]>",
      "notify(-1) <Condition [locked, waiters:3]>",
      "notify(0) <Condition [locked, waiters:3]>",
      "nobody woke <Condition [unlocked, waiters:3]>",
      "notify(10) <Condition [locked, waiters:3]>",
      "again <Condition [locked, waiters:3]>",
      "a woke True <Condition [locked, waiters:2]>",
      "b woke True <Condition [locked, waiters:1]>",
      "c woke True <Condition [locked]>",
      "end <Condition [unlocked]>",
    ]);
  });

  // Python program s09:
  // # notify() and release() only check that the lock is held, not who holds it
  // async def main():
  //     cond = asyncio.Condition()
  //     async def waiter():
  //         async with cond:
  //             print("waiter waits")
  //             await cond.wait()
  //             print("waiter woke", R(cond))
  //     async def holder():
  //         async with cond:
  //             print("holder in")
  //             await asyncio.sleep(0)
  //             await asyncio.sleep(0)
  //             print("holder out", R(cond))
  //     w = asyncio.create_task(waiter())
  //     await asyncio.sleep(0)
  //     h = asyncio.create_task(holder())
  //     await asyncio.sleep(0)
  //     cond.notify()
  //     print("main notified", R(cond))
  //     await asyncio.gather(w, h)
  //     async def holder2():
  //         await cond.acquire()
  //         print("holder2 in")
  //         await asyncio.sleep(1)
  //     h2 = asyncio.create_task(holder2())
  //     await asyncio.sleep(0)
  //     cond.release()
  //     print("main released", R(cond))
  //     h2.cancel()
  //     await asyncio.gather(h2, return_exceptions=True)
  //     print("end", R(cond))
  // asyncio.run(main())
  it("s09: lets a task that does not hold the lock notify or release, as long as someone holds it", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const waiter = async (): Promise<void> => {
        await asyncWith(cond, async () => {
          print("waiter waits");
          await cond.wait();
          print("waiter woke", R(cond));
        });
      };
      const holder = async (): Promise<void> => {
        await asyncWith(cond, async () => {
          print("holder in");
          await sleep(0);
          await sleep(0);
          print("holder out", R(cond));
        });
      };
      const w = createTask(waiter);
      await sleep(0);
      const h = createTask(holder);
      await sleep(0);
      cond.notify();
      print("main notified", R(cond));
      await gather(w, h);
      const holder2 = async (): Promise<void> => {
        await cond.acquire();
        print("holder2 in");
        await sleep(1);
      };
      const h2 = createTask(holder2);
      await sleep(0);
      cond.release();
      print("main released", R(cond));
      h2.cancel();
      await gather(h2, { returnExceptions: true });
      print("end", R(cond));
    }, true);
    expect(lines).toEqual([
      "waiter waits", "holder in", "main notified <Condition [locked, waiters:1]>", "holder out <Condition [locked]>",
      "waiter woke <Condition [locked]>", "holder2 in", "main released <Condition [unlocked]>", "end <Condition [unlocked]>",
    ]);
  });

  // Python program s10:
  // # wait_for under notify(1): a waiter whose predicate is still false goes to the back; a raising predicate
  // async def main():
  //     cond = asyncio.Condition()
  //     state = {"n": 0, "calls": []}
  //     def pred(name, k):
  //         def p():
  //             state["calls"].append(name)
  //             if state["n"] < 0:
  //                 raise Boom("pred " + name)
  //             return state["n"] >= k
  //         return p
  //     async def w(name, k):
  //         async with cond:
  //             try:
  //                 r = await cond.wait_for(pred(name, k))
  //                 print(name, "done", B(r), R(cond))
  //             except Boom as e:
  //                 print(name, fmt(e), B(cond.locked()))
  //     async def plain(name):
  //         async with cond:
  //             await cond.wait()
  //             print(name, "woke")
  //     ts = [asyncio.create_task(w("x", 2)), asyncio.create_task(plain("p")), asyncio.create_task(w("y", 1))]
  //     await asyncio.sleep(0)
  //     for _ in range(3):
  //         async with cond:
  //             state["n"] += 1
  //             cond.notify(1)
  //             print(f"notify(1) n={state['n']}", R(cond))
  //         await asyncio.sleep(0)
  //     async with cond:
  //         state["n"] = -1
  //         cond.notify_all()
  //     await asyncio.gather(*ts)
  //     print("calls", state["calls"], R(cond))
  // asyncio.run(main())
  it("s10: sends a wait_for waiter whose predicate is still false to the back; a raising predicate keeps the lock", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const state = { n: 0, calls: [] as string[] };
      const pred = (name: string, k: number) => (): boolean => {
        state.calls.push(name);
        if (state.n < 0) throw new Boom(`pred ${name}`);
        return state.n >= k;
      };
      const w = async (name: string, k: number): Promise<void> => {
        await asyncWith(cond, async () => {
          try {
            const r = await cond.waitFor(pred(name, k));
            print(name, "done", B(r), R(cond));
          } catch (error) {
            if (!(error instanceof Boom)) throw error;
            print(name, fmt(error), B(cond.locked()));
          }
        });
      };
      const plain = async (name: string): Promise<void> => {
        await asyncWith(cond, async () => {
          await cond.wait();
          print(name, "woke");
        });
      };
      const ts = [createTask(() => w("x", 2)), createTask(() => plain("p")), createTask(() => w("y", 1))];
      await sleep(0);
      for (let i = 0; i < 3; i++) {
        await asyncWith(cond, async () => {
          state.n += 1;
          cond.notify(1);
          print(`notify(1) n=${state.n}`, R(cond));
        });
        await sleep(0);
      }
      await asyncWith(cond, async () => {
        state.n = -1;
        cond.notifyAll();
      });
      await gather(...ts);
      print("calls", pyRepr(state.calls), R(cond));
    });
    expect(lines).toEqual([
      "notify(1) n=1 <Condition [locked, waiters:3]>",
      "notify(1) n=2 <Condition [locked, waiters:3]>",
      "p woke",
      "notify(1) n=3 <Condition [locked, waiters:2]>",
      "y done True <Condition [locked, waiters:1]>",
      "x Boom: pred x True",
      "calls ['x', 'y', 'x', 'y', 'x'] <Condition [unlocked]>",
    ]);
  });

  // Python program s11:
  // # wait_for returns the predicate's own truthy value; falsy 0 and "" keep it waiting
  // async def main():
  //     cond = asyncio.Condition()
  //     values = [0, "", 3, "ok"]
  //     seen = []
  //     def pred():
  //         v = values[len(seen)] if len(seen) < len(values) else "late"
  //         seen.append(v)
  //         return v
  //     async def w():
  //         async with cond:
  //             return await cond.wait_for(pred)
  //     t = asyncio.create_task(w())
  //     await asyncio.sleep(0)
  //     for _ in range(3):
  //         async with cond:
  //             cond.notify()
  //         await asyncio.sleep(0)
  //         print("seen", seen, B(t.done()))
  //     print("result", t.result())
  //     async with cond:
  //         print("instant", await cond.wait_for(lambda: -1.5))
  // asyncio.run(main())
  it("s11: returns the predicate's own truthy value from wait_for; 0 and '' keep it waiting", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const values: (number | string)[] = [0, "", 3, "ok"];
      const seen: (number | string)[] = [];
      const pred = (): number | string => {
        const v = seen.length < values.length ? (values[seen.length] as number | string) : "late";
        seen.push(v);
        return v;
      };
      const t = createTask(() => asyncWith(cond, () => cond.waitFor(pred)));
      await sleep(0);
      for (let i = 0; i < 3; i++) {
        await asyncWith(cond, async () => {
          cond.notify();
        });
        await sleep(0);
        print("seen", pyRepr(seen), B(t.done()));
      }
      print("result", t.result());
      await asyncWith(cond, async () => {
        print("instant", await cond.waitFor(() => -1.5));
      });
    });
    expect(lines).toEqual([
      "seen [0, ''] False", "seen [0, '', 3] True", "seen [0, '', 3] True", "result 3", "instant -1.5",
    ]);
  });

  // Python program s12:
  // # a notified Condition waiter re-acquires its shared lock behind a task already waiting on the Lock
  // async def main():
  //     lock = asyncio.Lock()
  //     cond = asyncio.Condition(lock=lock)
  //     async def cw():
  //         async with cond:
  //             await cond.wait()
  //             print("cond waiter has lock", R(lock))
  //             await asyncio.sleep(0)
  //         print("cond waiter out")
  //     async def lw():
  //         async with lock:
  //             print("lock waiter has lock", R(lock), R(cond))
  //             await asyncio.sleep(0)
  //         print("lock waiter out")
  //     c = asyncio.create_task(cw())
  //     await asyncio.sleep(0)
  //     await lock.acquire()
  //     l = asyncio.create_task(lw())
  //     await asyncio.sleep(0)
  //     cond.notify()
  //     print("notified", R(lock), R(cond))
  //     lock.release()
  //     print("released", R(lock), R(cond))
  //     await asyncio.sleep(0)
  //     print("tick", R(lock), R(cond))
  //     await asyncio.gather(c, l)
  //     print("end", R(lock), R(cond))
  // asyncio.run(main())
  it("s12: makes a notified waiter re-acquire its shared lock behind a task already waiting on the Lock", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      const cond = new Condition({ lock });
      const cw = async (): Promise<void> => {
        await asyncWith(cond, async () => {
          await cond.wait();
          print("cond waiter has lock", R(lock));
          await sleep(0);
        });
        print("cond waiter out");
      };
      const lw = async (): Promise<void> => {
        await asyncWith(lock, async () => {
          print("lock waiter has lock", R(lock), R(cond));
          await sleep(0);
        });
        print("lock waiter out");
      };
      const c = createTask(cw);
      await sleep(0);
      await lock.acquire();
      const l = createTask(lw);
      await sleep(0);
      cond.notify();
      print("notified", R(lock), R(cond));
      lock.release();
      print("released", R(lock), R(cond));
      await sleep(0);
      print("tick", R(lock), R(cond));
      await gather(c, l);
      print("end", R(lock), R(cond));
    });
    expect(lines).toEqual([
      "notified <Lock [locked, waiters:1]> <Condition [locked, waiters:1]>",
      "released <Lock [unlocked, waiters:1]> <Condition [unlocked, waiters:1]>",
      "lock waiter has lock <Lock [locked, waiters:1]> <Condition [locked]>",
      "tick <Lock [locked, waiters:1]> <Condition [locked]>",
      "lock waiter out",
      "cond waiter has lock <Lock [locked]>",
      "cond waiter out",
      "end <Lock [unlocked]> <Condition [unlocked]>",
    ]);
  });

  // Python program s13:
  // # a deadline that passes while a notified wait re-acquires a busy lock: TimeoutError once the lock is back
  // async def main():
  //     cond = asyncio.Condition()
  //     async with cond:
  //         try:
  //             await asyncio.wait_for(cond.wait(), 0.05)
  //         except TimeoutError as e:
  //             print("wait_for", fmt(e), R(cond))
  //     print("after", R(cond))
  //     async def hog():
  //         await asyncio.sleep(0.05)
  //         async with cond:
  //             cond.notify()
  //             print("hog notified", R(cond))
  //             await asyncio.sleep(0.15)
  //             print("hog leaves", R(cond))
  //     h = asyncio.create_task(hog())
  //     async with cond:
  //         try:
  //             async with asyncio.timeout(0.1) as t:
  //                 await cond.wait()
  //             print("not reached")
  //         except TimeoutError as e:
  //             print("timeout", fmt(e), B(t.expired()), R(cond), B(h.done()))
  //     await h
  //     print("end", R(cond))
  // asyncio.run(main())
  it("s13: raises TimeoutError only once a notified wait has the busy lock back after its deadline", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      await asyncWith(cond, async () => {
        try {
          await waitFor(() => cond.wait(), 0.05);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("wait_for", fmt(error), R(cond));
        }
      });
      print("after", R(cond));
      const hog = async (): Promise<void> => {
        await sleep(0.05);
        await asyncWith(cond, async () => {
          cond.notify();
          print("hog notified", R(cond));
          await sleep(0.15);
          print("hog leaves", R(cond));
        });
      };
      const h = createTask(hog);
      await asyncWith(cond, async () => {
        const t = timeout(0.1);
        try {
          await asyncWith(t, () => cond.wait());
          print("not reached");
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("timeout", fmt(error), B(t.expired()), R(cond), B(h.done()));
        }
      });
      await h;
      print("end", R(cond));
    }, true);
    expect(lines).toEqual([
      "wait_for TimeoutError:  <Condition [locked]>",
      "after <Condition [unlocked]>",
      "hog notified <Condition [locked, waiters:1]>",
      "hog leaves <Condition [locked]>",
      "timeout TimeoutError:  True <Condition [locked]> True",
      "end <Condition [unlocked]>",
    ]);
  });
});

describe("Semaphore and BoundedSemaphore edge cases (CPython 3.13 parity)", () => {
  // Python program s14:
  // # a Semaphore whose only waiter is cancelled: value and locked() ignore it, release() skips it
  // async def main():
  //     sem = asyncio.Semaphore(1)
  //     await sem.acquire()
  //     async def waiter(name):
  //         try:
  //             await sem.acquire()
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(sem))
  //             raise
  //         print(name, "got", R(sem))
  //     a = asyncio.create_task(waiter("a"))
  //     await asyncio.sleep(0)
  //     a.cancel()
  //     print("after cancel", R(sem), B(sem.locked()))
  //     sem.release()
  //     print("released", R(sem), B(sem.locked()))
  //     await sem.acquire()
  //     print("main took it", R(sem), B(sem.locked()))
  //     await asyncio.gather(a, return_exceptions=True)
  //     print("end", R(sem), B(a.cancelled()))
  // asyncio.run(main())
  it("s14: ignores a cancelled only waiter in value and locked(); release skips it", async () => {
    const lines = await program(async (print) => {
      const sem = new Semaphore(1);
      await sem.acquire();
      const waiter = async (name: string): Promise<void> => {
        try {
          await sem.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(sem));
          throw error;
        }
        print(name, "got", R(sem));
      };
      const a = createTask(() => waiter("a"));
      await sleep(0);
      a.cancel();
      print("after cancel", R(sem), B(sem.locked()));
      sem.release();
      print("released", R(sem), B(sem.locked()));
      await sem.acquire();
      print("main took it", R(sem), B(sem.locked()));
      await gather(a, { returnExceptions: true });
      print("end", R(sem), B(a.cancelled()));
    });
    expect(lines).toEqual([
      "after cancel <Semaphore [locked, waiters:1]> True",
      "released <Semaphore [unlocked, value:1, waiters:1]> False",
      "main took it <Semaphore [locked, waiters:1]> True",
      "a cancelled <Semaphore [locked]>",
      "end <Semaphore [locked]> True",
    ]);
  });

  // Python program s15:
  // # releasing a Semaphore more often than it was acquired, with woken waiters still queued
  // async def main():
  //     sem = asyncio.Semaphore(0)
  //     got = []
  //     async def waiter(name):
  //         await sem.acquire()
  //         got.append(name)
  //     ts = [asyncio.create_task(waiter(n)) for n in "abc"]
  //     await asyncio.sleep(0)
  //     print("waiting", R(sem), B(sem.locked()))
  //     for i in range(5):
  //         sem.release()
  //         print("release", i, R(sem), B(sem.locked()))
  //     n = asyncio.create_task(waiter("n"))
  //     await asyncio.sleep(0)
  //     print("after sleep", got, R(sem))
  //     await asyncio.gather(*ts, n)
  //     async with sem:
  //         print("inside", R(sem))
  //     print("end", got, R(sem))
  // asyncio.run(main())
  it("s15: stays locked while woken waiters are still queued, however often it is released", async () => {
    const lines = await program(async (print) => {
      const sem = new Semaphore(0);
      const got: string[] = [];
      const waiter = async (name: string): Promise<void> => {
        await sem.acquire();
        got.push(name);
      };
      const ts = ["a", "b", "c"].map((n) => createTask(() => waiter(n)));
      await sleep(0);
      print("waiting", R(sem), B(sem.locked()));
      for (let i = 0; i < 5; i++) {
        sem.release();
        print("release", i, R(sem), B(sem.locked()));
      }
      const n = createTask(() => waiter("n"));
      await sleep(0);
      print("after sleep", pyRepr(got), R(sem));
      await gather(...ts, n);
      await asyncWith(sem, async () => {
        print("inside", R(sem));
      });
      print("end", pyRepr(got), R(sem));
    });
    expect(lines).toEqual([
      "waiting <Semaphore [locked, waiters:3]> True",
      "release 0 <Semaphore [locked, waiters:3]> True",
      "release 1 <Semaphore [locked, waiters:3]> True",
      "release 2 <Semaphore [locked, waiters:3]> True",
      "release 3 <Semaphore [locked, waiters:3]> True",
      "release 4 <Semaphore [locked, waiters:3]> True",
      "after sleep ['a', 'b', 'c', 'n'] <Semaphore [unlocked, value:1]>",
      "inside <Semaphore [locked]>",
      "end ['a', 'b', 'c', 'n'] <Semaphore [unlocked, value:1]>",
    ]);
  });

  // Python program s16:
  // # BoundedSemaphore(0); a woken then cancelled waiter gives its permit back, so one more release is too many
  // async def main():
  //     z = asyncio.BoundedSemaphore(0)
  //     print("zero", R(z), B(z.locked()))
  //     try:
  //         z.release()
  //     except ValueError as e:
  //         print(fmt(e), R(z))
  //     b = asyncio.BoundedSemaphore(1)
  //     await b.acquire()
  //     t = asyncio.create_task(b.acquire())
  //     await asyncio.sleep(0)
  //     b.release()
  //     t.cancel()
  //     print("released+cancel", R(b))
  //     await asyncio.gather(t, return_exceptions=True)
  //     print("after t", R(b), B(t.cancelled()))
  //     try:
  //         b.release()
  //     except ValueError as e:
  //         print("over-release", fmt(e), R(b))
  //     try:
  //         async with b:
  //             print("inside", R(b))
  //             raise Boom("x")
  //     except Boom as e:
  //         print("body error", fmt(e), R(b))
  // asyncio.run(main())
  it("s16: BoundedSemaphore(0) refuses any release; a woken then cancelled waiter's permit makes one more release too many", async () => {
    const lines = await program(async (print) => {
      const z = new BoundedSemaphore(0);
      print("zero", R(z), B(z.locked()));
      try {
        z.release();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print(fmt(error), R(z));
      }
      const b = new BoundedSemaphore(1);
      await b.acquire();
      const t = createTask(() => b.acquire());
      await sleep(0);
      b.release();
      t.cancel();
      print("released+cancel", R(b));
      await gather(t, { returnExceptions: true });
      print("after t", R(b), B(t.cancelled()));
      try {
        b.release();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("over-release", fmt(error), R(b));
      }
      try {
        await asyncWith(b, async () => {
          print("inside", R(b));
          throw new Boom("x");
        });
      } catch (error) {
        if (!(error instanceof Boom)) throw error;
        print("body error", fmt(error), R(b));
      }
    });
    expect(lines).toEqual([
      "zero <BoundedSemaphore [locked]> True",
      "ValueError: BoundedSemaphore released too many times <BoundedSemaphore [locked]>",
      "released+cancel <BoundedSemaphore [locked, waiters:1]>",
      "after t <BoundedSemaphore [unlocked, value:1]> True",
      "over-release ValueError: BoundedSemaphore released too many times <BoundedSemaphore [unlocked, value:1]>",
      "inside <BoundedSemaphore [locked]>",
      "body error Boom: x <BoundedSemaphore [unlocked, value:1]>",
    ]);
  });

  // Python program s17:
  // # Semaphore FIFO: a permit released while a woken waiter has not run yet goes to the next in line, not to a barging acquire
  // async def main():
  //     sem = asyncio.Semaphore(0)
  //     order = []
  //     async def waiter(name):
  //         await sem.acquire()
  //         order.append(name)
  //     a = asyncio.create_task(waiter("a"))
  //     await asyncio.sleep(0)
  //     sem.release()
  //     print("released once", R(sem))
  //     b = asyncio.create_task(waiter("b"))
  //     sem.release()
  //     print("released twice", R(sem), B(sem.locked()))
  //     await sem.acquire()
  //     order.append("main")
  //     print("main got it", order, R(sem))
  //     sem.release()
  //     await b
  //     print("end", order, R(sem))
  // asyncio.run(main())
  it("s17: queues an acquire that arrives while a woken waiter has not run, and gives it the next permit before a later task", async () => {
    const lines = await program(async (print) => {
      const sem = new Semaphore(0);
      const order: string[] = [];
      const waiter = async (name: string): Promise<void> => {
        await sem.acquire();
        order.push(name);
      };
      createTask(() => waiter("a"));
      await sleep(0);
      sem.release();
      print("released once", R(sem));
      const b = createTask(() => waiter("b"));
      sem.release();
      print("released twice", R(sem), B(sem.locked()));
      await sem.acquire();
      order.push("main");
      print("main got it", pyRepr(order), R(sem));
      sem.release();
      await b;
      print("end", pyRepr(order), R(sem));
    });
    expect(lines).toEqual([
      "released once <Semaphore [locked, waiters:1]>",
      "released twice <Semaphore [locked, waiters:1]> True",
      "main got it ['a', 'main'] <Semaphore [locked, waiters:1]>",
      "end ['a', 'main', 'b'] <Semaphore [locked]>",
    ]);
  });
});

describe("Barrier edge cases (CPython 3.13 parity)", () => {
  // Python program s18:
  // # Barrier(1): every wait passes at once with index 0; abort breaks it until reset
  // async def main():
  //     b = asyncio.Barrier(1)
  //     async def party(name):
  //         for i in range(2):
  //             idx = await b.wait()
  //             print(name, "round", i, "index", idx, R(b), b.n_waiting)
  //             await asyncio.sleep(0)
  //     await asyncio.gather(party("p"), party("q"))
  //     async with b as idx:
  //         print("async with", idx, R(b))
  //     await b.abort()
  //     print("aborted", R(b), B(b.broken), b.n_waiting, b.parties)
  //     try:
  //         await b.wait()
  //     except asyncio.BrokenBarrierError as e:
  //         print(fmt(e), B(isinstance(e, RuntimeError)))
  //     await b.abort()
  //     await b.reset()
  //     print("reset", R(b), B(b.broken))
  //     print("after reset", await b.wait(), R(b))
  // asyncio.run(main())
  it("s18: Barrier(1) passes every wait at once with index 0; abort breaks it until reset", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(1);
      const party = async (name: string): Promise<void> => {
        for (let i = 0; i < 2; i++) {
          const idx = await b.wait();
          print(name, "round", i, "index", idx, R(b), b.nWaiting);
          await sleep(0);
        }
      };
      await gather(() => party("p"), () => party("q"));
      await asyncWith(b, async (idx) => {
        print("async with", idx, R(b));
      });
      await b.abort();
      print("aborted", R(b), B(b.broken), b.nWaiting, b.parties);
      try {
        await b.wait();
      } catch (error) {
        if (!(error instanceof BrokenBarrierError)) throw error;
        print(fmt(error), B(error instanceof RuntimeError));
      }
      await b.abort();
      await b.reset();
      print("reset", R(b), B(b.broken));
      print("after reset", await b.wait(), R(b));
    });
    expect(lines).toEqual([
      "p round 0 index 0 <Barrier [filling, waiters:0/1]> 0",
      "q round 0 index 0 <Barrier [filling, waiters:0/1]> 0",
      "p round 1 index 0 <Barrier [filling, waiters:0/1]> 0",
      "q round 1 index 0 <Barrier [filling, waiters:0/1]> 0",
      "async with 0 <Barrier [filling, waiters:0/1]>",
      "aborted <Barrier [broken]> True 0 1",
      "BrokenBarrierError: Barrier aborted True",
      "reset <Barrier [filling, waiters:0/1]> False",
      "after reset 0 <Barrier [filling, waiters:0/1]>",
    ]);
  });

  // Python program s19:
  // # abort() or reset() after the barrier filled but before a party has run: that party gets BrokenBarrierError
  // async def main():
  //     for how in ("abort", "reset"):
  //         b = asyncio.Barrier(2)
  //         async def party(name):
  //             try:
  //                 i = await b.wait()
  //                 print(how, name, "index", i, R(b))
  //             except asyncio.BrokenBarrierError as e:
  //                 print(how, name, fmt(e), R(b))
  //         t0 = asyncio.create_task(party("p0"))
  //         await asyncio.sleep(0)
  //         t1 = asyncio.create_task(party("p1"))
  //         op = asyncio.create_task(getattr(b, how)())
  //         await asyncio.gather(t0, t1, op)
  //         print(how, "end", R(b), B(b.broken), b.n_waiting)
  // asyncio.run(main())
  it("s19: breaks a party that has not run yet when abort() or reset() comes after the barrier filled", async () => {
    const lines = await program(async (print) => {
      for (const how of ["abort", "reset"] as const) {
        const b = new Barrier(2);
        const party = async (name: string): Promise<void> => {
          try {
            const i = await b.wait();
            print(how, name, "index", i, R(b));
          } catch (error) {
            if (!(error instanceof BrokenBarrierError)) throw error;
            print(how, name, fmt(error), R(b));
          }
        };
        const t0 = createTask(() => party("p0"));
        await sleep(0);
        const t1 = createTask(() => party("p1"));
        const op = createTask(() => (how === "abort" ? b.abort() : b.reset()));
        await gather(t0, t1, op);
        print(how, "end", R(b), B(b.broken), b.nWaiting);
      }
    });
    expect(lines).toEqual([
      "abort p1 index 1 <Barrier [draining, waiters:0/2]>",
      "abort p0 BrokenBarrierError: Abort or reset of barrier <Barrier [broken]>",
      "abort end <Barrier [broken]> True 0",
      "reset p1 index 1 <Barrier [draining, waiters:0/2]>",
      "reset p0 BrokenBarrierError: Abort or reset of barrier <Barrier [filling, waiters:0/2]>",
      "reset end <Barrier [filling, waiters:0/2]> False 0",
    ]);
  });

  // Python program s20:
  // # a party cancelled after the barrier filled (draining) raises CancelledError; the barrier refills normally
  // async def main():
  //     b = asyncio.Barrier(2)
  //     async def party(name):
  //         try:
  //             i = await b.wait()
  //             print(name, "index", i, R(b))
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(b))
  //             raise
  //     t0 = asyncio.create_task(party("p0"))
  //     await asyncio.sleep(0)
  //     t1 = asyncio.create_task(party("p1"))
  //     await asyncio.sleep(0)
  //     print("draining", R(b), b.n_waiting)
  //     t0.cancel()
  //     res = await asyncio.gather(t0, t1, return_exceptions=True)
  //     print([type(r).__name__ for r in res], R(b))
  //     ts = [asyncio.create_task(party(f"q{i}")) for i in range(2)]
  //     await asyncio.gather(*ts)
  //     print("end", R(b))
  // asyncio.run(main())
  it("s20: raises CancelledError in a party cancelled while the barrier drains, then refills normally", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(2);
      const party = async (name: string): Promise<void> => {
        try {
          const i = await b.wait();
          print(name, "index", i, R(b));
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(b));
          throw error;
        }
      };
      const t0 = createTask(() => party("p0"));
      await sleep(0);
      const t1 = createTask(() => party("p1"));
      await sleep(0);
      print("draining", R(b), b.nWaiting);
      t0.cancel();
      const res = await gather(t0, t1, { returnExceptions: true });
      print(typeNames(res), R(b));
      const ts = [0, 1].map((i) => createTask(() => party(`q${i}`)));
      await gather(...ts);
      print("end", R(b));
    });
    expect(lines).toEqual([
      "p1 index 1 <Barrier [draining, waiters:0/2]>",
      "draining <Barrier [draining, waiters:0/2]> 0",
      "p0 cancelled <Barrier [filling, waiters:0/2]>",
      "['CancelledError', 'NoneType'] <Barrier [filling, waiters:0/2]>",
      "q1 index 1 <Barrier [draining, waiters:0/2]>",
      "q0 index 0 <Barrier [filling, waiters:0/2]>",
      "end <Barrier [filling, waiters:0/2]>",
    ]);
  });
});

describe("Queue edge cases (CPython 3.13 parity)", () => {
  // Python program s21:
  // # maxsize 0 and negative: never full; put() does not wait; the maxsize keyword
  // async def main():
  //     for m in (0, -1, -5):
  //         q = asyncio.Queue(m)
  //         for i in range(4):
  //             q.put_nowait(i)
  //         await q.put(99)
  //         print(m, str(q), R(q), q.maxsize, q.qsize(), B(q.full()), B(q.empty()))
  //     q = asyncio.Queue(maxsize=1)
  //     print(str(q), B(q.full()), B(q.empty()))
  //     await q.put("a")
  //     print(str(q), B(q.full()), B(q.empty()))
  //     print(str(asyncio.LifoQueue(maxsize=-2)), str(asyncio.PriorityQueue(3)))
  // asyncio.run(main())
  it("s21: is never full with maxsize 0 or negative; put() does not wait; maxsize by keyword", async () => {
    const lines = await program(async (print) => {
      for (const m of [0, -1, -5]) {
        const q = new Queue<number>(m);
        for (let i = 0; i < 4; i++) q.putNowait(i);
        await q.put(99);
        print(m, String(q), R(q), q.maxsize, q.qsize(), B(q.full()), B(q.empty()));
      }
      const q = new Queue<string>({ maxsize: 1 });
      print(String(q), B(q.full()), B(q.empty()));
      await q.put("a");
      print(String(q), B(q.full()), B(q.empty()));
      print(String(new LifoQueue({ maxsize: -2 })), String(new PriorityQueue(3)));
    });
    expect(lines).toEqual([
      "0 <Queue maxsize=0 _queue=[0, 1, 2, 3, 99] tasks=5> <Queue maxsize=0 _queue=[0, 1, 2, 3, 99] tasks=5> 0 5 False False",
      "-1 <Queue maxsize=-1 _queue=[0, 1, 2, 3, 99] tasks=5> <Queue maxsize=-1 _queue=[0, 1, 2, 3, 99] tasks=5> -1 5 False False",
      "-5 <Queue maxsize=-5 _queue=[0, 1, 2, 3, 99] tasks=5> <Queue maxsize=-5 _queue=[0, 1, 2, 3, 99] tasks=5> -5 5 False False",
      "<Queue maxsize=1> False True",
      "<Queue maxsize=1 _queue=['a'] tasks=1> True False",
      "<LifoQueue maxsize=-2> <PriorityQueue maxsize=3>",
    ]);
  });

  // Python program s22:
  // # put_nowait takes the slot freed for a woken putter, which then queues again at the back
  // async def main():
  //     q = asyncio.Queue(1)
  //     q.put_nowait("x")
  //     async def putter(item):
  //         await q.put(item)
  //         print("put", item, "done", str(q))
  //     p = asyncio.create_task(putter("p"))
  //     await asyncio.sleep(0)
  //     r = asyncio.create_task(putter("r"))
  //     await asyncio.sleep(0)
  //     print("blocked", str(q))
  //     print("get", q.get_nowait(), str(q))
  //     q.put_nowait("main")
  //     print("main barged", str(q))
  //     await asyncio.sleep(0)
  //     print("p queued again", str(q), B(p.done()))
  //     print("get", q.get_nowait(), str(q))
  //     await asyncio.sleep(0)
  //     print("get", q.get_nowait(), str(q))
  //     await asyncio.gather(p, r)
  //     print("end", str(q))
  // asyncio.run(main())
  it("s22: lets put_nowait take the slot freed for a woken putter, which queues again at the back", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<string>(1);
      q.putNowait("x");
      const putter = async (item: string): Promise<void> => {
        await q.put(item);
        print("put", item, "done", String(q));
      };
      const p = createTask(() => putter("p"));
      await sleep(0);
      const r = createTask(() => putter("r"));
      await sleep(0);
      print("blocked", String(q));
      print("get", q.getNowait(), String(q));
      q.putNowait("main");
      print("main barged", String(q));
      await sleep(0);
      print("p queued again", String(q), B(p.done()));
      print("get", q.getNowait(), String(q));
      await sleep(0);
      print("get", q.getNowait(), String(q));
      await gather(p, r);
      print("end", String(q));
    });
    expect(lines).toEqual([
      "blocked <Queue maxsize=1 _queue=['x'] _putters[2] tasks=1>",
      "get x <Queue maxsize=1 _putters[1] tasks=1>",
      "main barged <Queue maxsize=1 _queue=['main'] _putters[1] tasks=2>",
      "p queued again <Queue maxsize=1 _queue=['main'] _putters[2] tasks=2> False",
      "get main <Queue maxsize=1 _putters[1] tasks=2>",
      "put r done <Queue maxsize=1 _queue=['r'] _putters[1] tasks=3>",
      "get r <Queue maxsize=1 tasks=3>",
      "put p done <Queue maxsize=1 _queue=['p'] tasks=4>",
      "end <Queue maxsize=1 _queue=['p'] tasks=4>",
    ]);
  });

  // Python program s23:
  // # two get_nowait calls on a full queue wake two putters at once, in FIFO order
  // async def main():
  //     q = asyncio.Queue(2)
  //     q.put_nowait(0)
  //     q.put_nowait(1)
  //     async def putter(x):
  //         await q.put(x)
  //         print("put", x, str(q))
  //     ps = [asyncio.create_task(putter(x)) for x in (2, 3, 4)]
  //     await asyncio.sleep(0)
  //     print("three blocked", str(q))
  //     print("got", q.get_nowait(), q.get_nowait(), str(q))
  //     await asyncio.sleep(0)
  //     print("after", str(q))
  //     print("got", q.get_nowait(), str(q))
  //     await asyncio.gather(*ps)
  //     print("end", str(q))
  // asyncio.run(main())
  it("s23: wakes two putters in FIFO order when two get_nowait calls free two slots", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<number>(2);
      q.putNowait(0);
      q.putNowait(1);
      const putter = async (x: number): Promise<void> => {
        await q.put(x);
        print("put", x, String(q));
      };
      const ps = [2, 3, 4].map((x) => createTask(() => putter(x)));
      await sleep(0);
      print("three blocked", String(q));
      print("got", q.getNowait(), q.getNowait(), String(q));
      await sleep(0);
      print("after", String(q));
      print("got", q.getNowait(), String(q));
      await gather(...ps);
      print("end", String(q));
    });
    expect(lines).toEqual([
      "three blocked <Queue maxsize=2 _queue=[0, 1] _putters[3] tasks=2>",
      "got 0 1 <Queue maxsize=2 _putters[1] tasks=2>",
      "put 2 <Queue maxsize=2 _queue=[2] _putters[1] tasks=3>",
      "put 3 <Queue maxsize=2 _queue=[2, 3] _putters[1] tasks=4>",
      "after <Queue maxsize=2 _queue=[2, 3] _putters[1] tasks=4>",
      "got 2 <Queue maxsize=2 _queue=[3] tasks=4>",
      "put 4 <Queue maxsize=2 _queue=[3, 4] tasks=5>",
      "end <Queue maxsize=2 _queue=[3, 4] tasks=5>",
    ]);
  });

  // Python program s24:
  // # task_done() before any get; joiners woken by the last task_done return even if put_nowait follows
  // async def main():
  //     q = asyncio.Queue()
  //     q.put_nowait("a")
  //     q.put_nowait("b")
  //     q.task_done()
  //     print("one done", str(q))
  //     async def joiner(name):
  //         await q.join()
  //         print(name, "joined", str(q))
  //     js = [asyncio.create_task(joiner(f"j{i}")) for i in range(2)]
  //     await asyncio.sleep(0)
  //     print("joiners wait", str(q), B(js[0].done()))
  //     q.task_done()
  //     print("all done, items left", str(q), q.qsize())
  //     q.put_nowait("c")
  //     await asyncio.gather(*js)
  //     q.task_done()
  //     await q.join()
  //     print("join at once", str(q))
  //     try:
  //         q.task_done()
  //     except ValueError as e:
  //         print(fmt(e), str(q))
  // asyncio.run(main())
  it("s24: accepts task_done before any get; joiners woken by the last one return even if put_nowait follows", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<string>();
      q.putNowait("a");
      q.putNowait("b");
      q.taskDone();
      print("one done", String(q));
      const joiner = async (name: string): Promise<void> => {
        await q.join();
        print(name, "joined", String(q));
      };
      const js = [0, 1].map((i) => createTask(() => joiner(`j${i}`)));
      await sleep(0);
      print("joiners wait", String(q), B(js[0]!.done()));
      q.taskDone();
      print("all done, items left", String(q), q.qsize());
      q.putNowait("c");
      await gather(...js);
      q.taskDone();
      await q.join();
      print("join at once", String(q));
      try {
        q.taskDone();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print(fmt(error), String(q));
      }
    });
    expect(lines).toEqual([
      "one done <Queue maxsize=0 _queue=['a', 'b'] tasks=1>",
      "joiners wait <Queue maxsize=0 _queue=['a', 'b'] tasks=1> False",
      "all done, items left <Queue maxsize=0 _queue=['a', 'b']> 2",
      "j0 joined <Queue maxsize=0 _queue=['a', 'b', 'c'] tasks=1>",
      "j1 joined <Queue maxsize=0 _queue=['a', 'b', 'c'] tasks=1>",
      "join at once <Queue maxsize=0 _queue=['a', 'b', 'c']>",
      "ValueError: task_done() called too many times <Queue maxsize=0 _queue=['a', 'b', 'c']>",
    ]);
  });

  // Python program s25:
  // # after shutdown(): puts fail even with room, gets drain, join waits for task_done, immediate drops the rest
  // async def main():
  //     q = asyncio.Queue()
  //     for i in range(3):
  //         q.put_nowait(i)
  //     q.shutdown()
  //     try:
  //         q.put_nowait(9)
  //     except asyncio.QueueShutDown as e:
  //         print("put_nowait", fmt(e), str(q))
  //     try:
  //         await q.put(9)
  //     except asyncio.QueueShutDown as e:
  //         print("put", fmt(e))
  //     print("get_nowait", q.get_nowait(), "get", await q.get(), str(q))
  //     q.task_done()
  //     q.task_done()
  //     j = asyncio.create_task(q.join())
  //     await asyncio.sleep(0)
  //     print("join waits", B(j.done()), str(q))
  //     q.shutdown(immediate=True)
  //     print("immediate", str(q), q.qsize(), B(q.empty()), B(j.done()))
  //     await asyncio.sleep(0)
  //     print("join", B(j.done()))
  //     for f in (q.get_nowait, q.task_done):
  //         try:
  //             f()
  //         except (asyncio.QueueShutDown, ValueError) as e:
  //             print(f.__name__, fmt(e))
  //     try:
  //         await q.get()
  //     except asyncio.QueueShutDown as e:
  //         print("get", fmt(e))
  // asyncio.run(main())
  it("s25: after shutdown() refuses puts even with room, drains gets, and joins only when tasks are done or dropped", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<number>();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      q.shutdown();
      try {
        q.putNowait(9);
      } catch (error) {
        if (!(error instanceof QueueShutDown)) throw error;
        print("put_nowait", fmt(error), String(q));
      }
      try {
        await q.put(9);
      } catch (error) {
        if (!(error instanceof QueueShutDown)) throw error;
        print("put", fmt(error));
      }
      print("get_nowait", q.getNowait(), "get", await q.get(), String(q));
      q.taskDone();
      q.taskDone();
      const j = createTask(() => q.join());
      await sleep(0);
      print("join waits", B(j.done()), String(q));
      q.shutdown(true);
      print("immediate", String(q), q.qsize(), B(q.empty()), B(j.done()));
      await sleep(0);
      print("join", B(j.done()));
      for (const [name, f] of [["get_nowait", () => q.getNowait()], ["task_done", () => q.taskDone()]] as const) {
        try {
          f();
        } catch (error) {
          if (!(error instanceof QueueShutDown) && !(error instanceof RangeError)) throw error;
          print(name, fmt(error));
        }
      }
      try {
        await q.get();
      } catch (error) {
        if (!(error instanceof QueueShutDown)) throw error;
        print("get", fmt(error));
      }
    });
    expect(lines).toEqual([
      "put_nowait QueueShutDown:  <Queue maxsize=0 _queue=[0, 1, 2] tasks=3 shutdown>",
      "put QueueShutDown: ",
      "get_nowait 0 get 1 <Queue maxsize=0 _queue=[2] tasks=3 shutdown>",
      "join waits False <Queue maxsize=0 _queue=[2] tasks=1 shutdown>",
      "immediate <Queue maxsize=0 shutdown> 0 True False",
      "join True",
      "get_nowait QueueShutDown: ",
      "task_done ValueError: task_done() called too many times",
      "get QueueShutDown: ",
    ]);
  });

  // Python program s26:
  // # shutdown() wakes a putter already woken by get_nowait and a cancelled getter's neighbours
  // async def main():
  //     q = asyncio.Queue(1)
  //     q.put_nowait("x")
  //     async def putter(item):
  //         try:
  //             await q.put(item)
  //             print("put", item, "ok")
  //         except asyncio.QueueShutDown as e:
  //             print("put", item, fmt(e), str(q))
  //     ps = [asyncio.create_task(putter(i)) for i in "ab"]
  //     await asyncio.sleep(0)
  //     print("get", q.get_nowait(), str(q))
  //     q.shutdown()
  //     print("shutdown", str(q))
  //     await asyncio.gather(*ps)
  //     e = asyncio.Queue()
  //     async def getter(name):
  //         try:
  //             print(name, "got", await e.get())
  //         except asyncio.QueueShutDown as x:
  //             print(name, fmt(x), str(e))
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", str(e))
  //             raise
  //     gs = [asyncio.create_task(getter(f"g{i}")) for i in range(3)]
  //     await asyncio.sleep(0)
  //     gs[1].cancel()
  //     e.shutdown()
  //     print("e", str(e))
  //     res = await asyncio.gather(*gs, return_exceptions=True)
  //     print([type(r).__name__ for r in res])
  // asyncio.run(main())
  it("s26: shutdown() fails a putter already woken by get_nowait, and every getter but a cancelled one", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<string>(1);
      q.putNowait("x");
      const putter = async (item: string): Promise<void> => {
        try {
          await q.put(item);
          print("put", item, "ok");
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          print("put", item, fmt(error), String(q));
        }
      };
      const ps = ["a", "b"].map((i) => createTask(() => putter(i)));
      await sleep(0);
      print("get", q.getNowait(), String(q));
      q.shutdown();
      print("shutdown", String(q));
      await gather(...ps);
      const e = new Queue<string>();
      const getter = async (name: string): Promise<void> => {
        try {
          print(name, "got", await e.get());
        } catch (error) {
          if (error instanceof QueueShutDown) {
            print(name, fmt(error), String(e));
            return;
          }
          if (error instanceof CancelledError) print(name, "cancelled", String(e));
          throw error;
        }
      };
      const gs = [0, 1, 2].map((i) => createTask(() => getter(`g${i}`)));
      await sleep(0);
      gs[1]!.cancel();
      e.shutdown();
      print("e", String(e));
      const res = await gather(...gs, { returnExceptions: true });
      print(typeNames(res));
    });
    expect(lines).toEqual([
      "get x <Queue maxsize=1 _putters[1] tasks=1>",
      "shutdown <Queue maxsize=1 tasks=1 shutdown>",
      "put a QueueShutDown:  <Queue maxsize=1 tasks=1 shutdown>",
      "put b QueueShutDown:  <Queue maxsize=1 tasks=1 shutdown>",
      "e <Queue maxsize=0 shutdown>",
      "g1 cancelled <Queue maxsize=0 shutdown>",
      "g0 QueueShutDown:  <Queue maxsize=0 shutdown>",
      "g2 QueueShutDown:  <Queue maxsize=0 shutdown>",
      "['NoneType', 'CancelledError', 'NoneType']",
    ]);
  });
});

describe("LifoQueue and PriorityQueue edge cases (CPython 3.13 parity)", () => {
  // Python program s27:
  // # LifoQueue: the first woken getter takes the newest item; a blocked put lands on top
  // async def main():
  //     lq = asyncio.LifoQueue(2)
  //     async def getter(name):
  //         print(name, "got", await lq.get(), str(lq))
  //     gs = [asyncio.create_task(getter(f"g{i}")) for i in range(2)]
  //     await asyncio.sleep(0)
  //     print("getters", str(lq))
  //     lq.put_nowait(1)
  //     lq.put_nowait(2)
  //     print("two puts", str(lq))
  //     await asyncio.gather(*gs)
  //     lq.put_nowait(3)
  //     lq.put_nowait(4)
  //     p = asyncio.create_task(lq.put(5))
  //     await asyncio.sleep(0)
  //     print("full", str(lq))
  //     print("get", lq.get_nowait(), str(lq))
  //     await p
  //     print("put 5", str(lq))
  //     print([lq.get_nowait() for _ in range(lq.qsize())], str(lq))
  // asyncio.run(main())
  it("s27: LifoQueue gives the newest item to the first woken getter; a blocked put lands on top", async () => {
    const lines = await program(async (print) => {
      const lq = new LifoQueue<number>(2);
      const getter = async (name: string): Promise<void> => {
        print(name, "got", await lq.get(), String(lq));
      };
      const gs = [0, 1].map((i) => createTask(() => getter(`g${i}`)));
      await sleep(0);
      print("getters", String(lq));
      lq.putNowait(1);
      lq.putNowait(2);
      print("two puts", String(lq));
      await gather(...gs);
      lq.putNowait(3);
      lq.putNowait(4);
      const p = createTask(() => lq.put(5));
      await sleep(0);
      print("full", String(lq));
      print("get", lq.getNowait(), String(lq));
      await p;
      print("put 5", String(lq));
      const drained: number[] = [];
      for (let i = lq.qsize(); i > 0; i--) drained.push(lq.getNowait());
      print(pyRepr(drained), String(lq));
    });
    expect(lines).toEqual([
      "getters <LifoQueue maxsize=2 _getters[2]>",
      "two puts <LifoQueue maxsize=2 _queue=[1, 2] tasks=2>",
      "g0 got 2 <LifoQueue maxsize=2 _queue=[1] tasks=2>",
      "g1 got 1 <LifoQueue maxsize=2 tasks=2>",
      "full <LifoQueue maxsize=2 _queue=[3, 4] _putters[1] tasks=4>",
      "get 4 <LifoQueue maxsize=2 _queue=[3] tasks=4>",
      "put 5 <LifoQueue maxsize=2 _queue=[3, 5] tasks=5>",
      "[5, 3] <LifoQueue maxsize=2 tasks=5>",
    ]);
  });

  // Python program s28:
  // # PriorityQueue: equal priorities fall back to the next tuple item; heap layout; numbers and strings
  // async def main():
  //     pq = asyncio.PriorityQueue()
  //     for item in [(2, "b"), (1, "b"), (1, "a"), (2, "a"), (1, "a"), (0, "z", 3), (0, "z")]:
  //         pq.put_nowait(item)
  //     print(str(pq))
  //     out = []
  //     while not pq.empty():
  //         out.append(pq.get_nowait())
  //     print(out)
  //     nq = asyncio.PriorityQueue(3)
  //     for x in [2.5, -1, 2.5]:
  //         nq.put_nowait(x)
  //     try:
  //         nq.put_nowait(0)
  //     except asyncio.QueueFull as e:
  //         print("full", fmt(e), str(nq))
  //     print([nq.get_nowait() for _ in range(3)])
  //     sq = asyncio.PriorityQueue()
  //     for s in ["b", "B", "", "ab", "a"]:
  //         sq.put_nowait(s)
  //     print(str(sq), [sq.get_nowait() for _ in range(5)])
  // asyncio.run(main())
  it("s28: PriorityQueue breaks equal priorities on the next tuple item and keeps heapq's layout", async () => {
    const lines = await program(async (print) => {
      const pq = new PriorityQueue<(number | string)[]>();
      for (const item of [[2, "b"], [1, "b"], [1, "a"], [2, "a"], [1, "a"], [0, "z", 3], [0, "z"]]) pq.putNowait(item);
      print(tuplesInRepr(String(pq)));
      const out: (number | string)[][] = [];
      while (!pq.empty()) out.push(pq.getNowait());
      print(tupleList(out));
      const nq = new PriorityQueue<number>(3);
      for (const x of [2.5, -1, 2.5]) nq.putNowait(x);
      try {
        nq.putNowait(0);
      } catch (error) {
        if (!(error instanceof QueueFull)) throw error;
        print("full", fmt(error), String(nq));
      }
      print(pyRepr([0, 1, 2].map(() => nq.getNowait())));
      const sq = new PriorityQueue<string>();
      for (const s of ["b", "B", "", "ab", "a"]) sq.putNowait(s);
      print(String(sq), pyRepr([0, 1, 2, 3, 4].map(() => sq.getNowait())));
    });
    expect(lines).toEqual([
      "<PriorityQueue maxsize=0 _queue=[(0, 'z'), (1, 'a'), (0, 'z', 3), (2, 'b'), (2, 'a'), (1, 'b'), (1, 'a')] tasks=7>",
      "[(0, 'z'), (0, 'z', 3), (1, 'a'), (1, 'a'), (1, 'b'), (2, 'a'), (2, 'b')]",
      "full QueueFull:  <PriorityQueue maxsize=3 _queue=[-1, 2.5, 2.5] tasks=3>",
      "[-1, 2.5, 2.5]",
      "<PriorityQueue maxsize=0 _queue=['', 'a', 'B', 'b', 'ab'] tasks=5> ['', 'B', 'a', 'ab', 'b']",
    ]);
  });
});

describe("reprs in each state (CPython 3.13 parity)", () => {
  // Python program s29:
  // # str() and repr() of each queue class in each state; item reprs
  // async def main():
  //     for cls in (asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue):
  //         q = cls(1)
  //         print(R(q), str(q))
  //         g = asyncio.create_task(q.get())
  //         await asyncio.sleep(0)
  //         print(R(q), str(q))
  //         q.put_nowait(7)
  //         print(R(q), str(q))
  //         await g
  //         print(R(q), str(q))
  //         q.put_nowait(8)
  //         p = asyncio.create_task(q.put(9))
  //         await asyncio.sleep(0)
  //         print(R(q), str(q))
  //         q.shutdown()
  //         print(R(q), str(q))
  //         await asyncio.gather(p, return_exceptions=True)
  //         q.shutdown(immediate=True)
  //         print(R(q), str(q))
  //     q = asyncio.Queue()
  //     for x in [None, True, False, "it's", 'q"', "", 1.5, -2, 10**20, [1, "a"], []]:
  //         q.put_nowait(x)
  //     print(str(q))
  // asyncio.run(main())
  it("s29: gives each queue class the same str() and repr() in every state, with Python item reprs", async () => {
    const lines = await program(async (print) => {
      for (const Cls of [Queue, LifoQueue, PriorityQueue]) {
        const q = new Cls<number>(1);
        print(R(q), String(q));
        const g = createTask(() => q.get());
        await sleep(0);
        print(R(q), String(q));
        q.putNowait(7);
        print(R(q), String(q));
        await g;
        print(R(q), String(q));
        q.putNowait(8);
        const p = createTask(() => q.put(9));
        await sleep(0);
        print(R(q), String(q));
        q.shutdown();
        print(R(q), String(q));
        await gather(p, { returnExceptions: true });
        q.shutdown(true);
        print(R(q), String(q));
      }
      const q = new Queue<unknown>();
      for (const x of [null, true, false, "it's", 'q"', "", 1.5, -2, 10n ** 20n, [1, "a"], []]) q.putNowait(x);
      print(String(q));
    });
    const states = (cls: string): string[] =>
      [
        `<${cls} maxsize=1>`, `<${cls} maxsize=1 _getters[1]>`, `<${cls} maxsize=1 _queue=[7] tasks=1>`,
        `<${cls} maxsize=1 tasks=1>`, `<${cls} maxsize=1 _queue=[8] _putters[1] tasks=2>`,
        `<${cls} maxsize=1 _queue=[8] tasks=2 shutdown>`, `<${cls} maxsize=1 tasks=1 shutdown>`,
      ].map((s) => `${s} ${s}`);
    expect(lines).toEqual([
      ...states("Queue"),
      ...states("LifoQueue"),
      ...states("PriorityQueue"),
      `<Queue maxsize=0 _queue=[None, True, False, "it's", 'q"', '', 1.5, -2, 100000000000000000000, [1, 'a'], []] tasks=11>`,
    ]);
  });

  // Python program s30:
  // # repr() of every primitive in each state, addresses left out
  // async def main():
  //     lock = asyncio.Lock()
  //     print(R(lock))
  //     await lock.acquire()
  //     ts = [asyncio.create_task(lock.acquire()) for _ in range(2)]
  //     await asyncio.sleep(0)
  //     print(R(lock))
  //     lock.release()
  //     print(R(lock))
  //     ts[0].cancel()
  //     ts[1].cancel()
  //     await asyncio.gather(*ts, return_exceptions=True)
  //     print(R(lock))
  //     ev = asyncio.Event()
  //     ws = [asyncio.create_task(ev.wait()) for _ in range(2)]
  //     await asyncio.sleep(0)
  //     print(R(ev))
  //     ev.set()
  //     print(R(ev))
  //     await asyncio.gather(*ws)
  //     print(R(ev))
  //     cond = asyncio.Condition()
  //     async def cw():
  //         async with cond:
  //             await cond.wait()
  //     cs = [asyncio.create_task(cw()) for _ in range(2)]
  //     await asyncio.sleep(0)
  //     print(R(cond))
  //     await cond.acquire()
  //     print(R(cond))
  //     cond.notify_all()
  //     cond.release()
  //     await asyncio.gather(*cs)
  //     print(R(cond))
  //     for sem in (asyncio.Semaphore(3), asyncio.BoundedSemaphore(2)):
  //         print(R(sem))
  //         await sem.acquire()
  //         print(R(sem))
  //         while not sem.locked():
  //             await sem.acquire()
  //         print(R(sem))
  //         w = asyncio.create_task(sem.acquire())
  //         await asyncio.sleep(0)
  //         print(R(sem))
  //         sem.release()
  //         print(R(sem))
  //         await w
  //         print(R(sem))
  //     b = asyncio.Barrier(3)
  //     print(R(b))
  //     ps = [asyncio.create_task(b.wait()) for _ in range(2)]
  //     await asyncio.sleep(0)
  //     print(R(b))
  //     last = asyncio.create_task(b.wait())
  //     await asyncio.sleep(0)
  //     print(R(b))
  //     await asyncio.gather(*ps, last)
  //     print(R(b))
  //     ps = [asyncio.create_task(b.wait()) for _ in range(2)]
  //     await asyncio.sleep(0)
  //     r = asyncio.create_task(b.reset())
  //     await asyncio.sleep(0)
  //     print(R(b))
  //     await asyncio.gather(*ps, r, return_exceptions=True)
  //     print(R(b))
  //     await b.abort()
  //     print(R(b))
  // asyncio.run(main())
  it("s30: gives every primitive Python's repr in each state", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      print(R(lock));
      await lock.acquire();
      const ts = [0, 1].map(() => createTask(() => lock.acquire()));
      await sleep(0);
      print(R(lock));
      lock.release();
      print(R(lock));
      ts[0]!.cancel();
      ts[1]!.cancel();
      await gather(...ts, { returnExceptions: true });
      print(R(lock));
      const ev = new Event();
      const ws = [0, 1].map(() => createTask(() => ev.wait()));
      await sleep(0);
      print(R(ev));
      ev.set();
      print(R(ev));
      await gather(...ws);
      print(R(ev));
      const cond = new Condition();
      const cw = (): Promise<true> => asyncWith(cond, () => cond.wait());
      const cs = [0, 1].map(() => createTask(cw));
      await sleep(0);
      print(R(cond));
      await cond.acquire();
      print(R(cond));
      cond.notifyAll();
      cond.release();
      await gather(...cs);
      print(R(cond));
      for (const sem of [new Semaphore(3), new BoundedSemaphore(2)]) {
        print(R(sem));
        await sem.acquire();
        print(R(sem));
        while (!sem.locked()) await sem.acquire();
        print(R(sem));
        const w = createTask(() => sem.acquire());
        await sleep(0);
        print(R(sem));
        sem.release();
        print(R(sem));
        await w;
        print(R(sem));
      }
      const b = new Barrier(3);
      print(R(b));
      let ps = [0, 1].map(() => createTask(() => b.wait()));
      await sleep(0);
      print(R(b));
      const last = createTask(() => b.wait());
      await sleep(0);
      print(R(b));
      await gather(...ps, last);
      print(R(b));
      ps = [0, 1].map(() => createTask(() => b.wait()));
      await sleep(0);
      const r = createTask(() => b.reset());
      await sleep(0);
      print(R(b));
      await gather(...ps, r, { returnExceptions: true });
      print(R(b));
      await b.abort();
      print(R(b));
    });
    expect(lines).toEqual([
      "<Lock [unlocked]>", "<Lock [locked, waiters:2]>", "<Lock [unlocked, waiters:2]>", "<Lock [unlocked]>",
      "<Event [unset, waiters:2]>", "<Event [set, waiters:2]>", "<Event [set]>",
      "<Condition [unlocked, waiters:2]>", "<Condition [locked, waiters:2]>", "<Condition [unlocked]>",
      "<Semaphore [unlocked, value:3]>", "<Semaphore [unlocked, value:2]>", "<Semaphore [locked]>",
      "<Semaphore [locked, waiters:1]>", "<Semaphore [locked, waiters:1]>", "<Semaphore [locked]>",
      "<BoundedSemaphore [unlocked, value:2]>", "<BoundedSemaphore [unlocked, value:1]>", "<BoundedSemaphore [locked]>",
      "<BoundedSemaphore [locked, waiters:1]>", "<BoundedSemaphore [locked, waiters:1]>", "<BoundedSemaphore [locked]>",
      "<Barrier [filling, waiters:0/3]>", "<Barrier [filling, waiters:2/3]>", "<Barrier [draining, waiters:0/3]>",
      "<Barrier [filling, waiters:0/3]>", "<Barrier [resetting, waiters:0/3]>", "<Barrier [filling, waiters:0/3]>",
      "<Barrier [broken]>",
    ]);
  });
});

describe("long steps, late arrivals, spurious wakeups and constructor errors (CPython 3.13 parity)", () => {
  // Python program s31:
  // # tasks woken in one iteration each run a long step of non-suspending awaits whole, in wake order
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     ev = asyncio.Event()
  //     lock = asyncio.Lock()
  //     sem = asyncio.Semaphore(2)
  //     q = asyncio.Queue()
  //     async def w(name):
  //         await ev.wait()
  //         for i in range(60):
  //             await lock.acquire()
  //             lock.release()
  //             async with sem:
  //                 pass
  //             await q.put(i)
  //             await q.get()
  //             if i % 20 == 0:
  //                 print(name, i)
  //         print(name, "done", str(q), R(sem))
  //     ts = [asyncio.create_task(w(n)) for n in "ab"]
  //     await asyncio.sleep(0)
  //     ev.set()
  //     loop.call_soon(print, "callback")
  //     await asyncio.gather(*ts)
  // asyncio.run(main())
  it("s31: runs the long non-suspending steps of tasks woken together whole, in wake order, before later callbacks", async () => {
    const lines = await program(async (print) => {
      const loop = getRunningLoop();
      const ev = new Event();
      const lock = new Lock();
      const sem = new Semaphore(2);
      const q = new Queue<number>();
      const w = async (name: string): Promise<void> => {
        await ev.wait();
        for (let i = 0; i < 60; i++) {
          await lock.acquire();
          lock.release();
          await asyncWith(sem, async () => {});
          await q.put(i);
          await q.get();
          if (i % 20 === 0) print(name, i);
        }
        print(name, "done", String(q), R(sem));
      };
      const ts = [createTask(() => w("a")), createTask(() => w("b"))];
      await sleep(0);
      ev.set();
      loop.callSoon(print, "callback");
      await gather(...ts);
    });
    expect(lines).toEqual([
      "a 0", "a 20", "a 40", "a done <Queue maxsize=0 tasks=60> <Semaphore [unlocked, value:2]>",
      "b 0", "b 20", "b 40", "b done <Queue maxsize=0 tasks=120> <Semaphore [unlocked, value:2]>", "callback",
    ]);
  });

  // Python program s32:
  // # parties arriving while the barrier drains wait for the drain; one cancelled there leaves the count alone; a reset after it
  // async def main():
  //     b = asyncio.Barrier(2)
  //     async def party(name):
  //         try:
  //             i = await b.wait()
  //             print(name, "index", i, R(b))
  //         except asyncio.BrokenBarrierError as e:
  //             print(name, fmt(e), R(b))
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(b))
  //             raise
  //     t0 = asyncio.create_task(party("p0"))
  //     await asyncio.sleep(0)
  //     t1 = asyncio.create_task(party("p1"))
  //     late = asyncio.create_task(party("late"))
  //     gone = asyncio.create_task(party("gone"))
  //     await asyncio.sleep(0)
  //     print("draining", R(b), b.n_waiting)
  //     gone.cancel()
  //     r = asyncio.create_task(b.reset())
  //     await asyncio.sleep(0)
  //     print("after reset", R(b), b.n_waiting)
  //     last = asyncio.create_task(party("last"))
  //     res = await asyncio.gather(t0, t1, late, gone, r, last, return_exceptions=True)
  //     print([type(x).__name__ for x in res], R(b))
  // asyncio.run(main())
  it("s32: makes parties arriving while the barrier drains wait; one cancelled there leaves the count alone", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(2);
      const party = async (name: string): Promise<void> => {
        try {
          const i = await b.wait();
          print(name, "index", i, R(b));
        } catch (error) {
          if (error instanceof BrokenBarrierError) {
            print(name, fmt(error), R(b));
            return;
          }
          if (error instanceof CancelledError) print(name, "cancelled", R(b));
          throw error;
        }
      };
      const t0 = createTask(() => party("p0"));
      await sleep(0);
      const t1 = createTask(() => party("p1"));
      const late = createTask(() => party("late"));
      const gone = createTask(() => party("gone"));
      await sleep(0);
      print("draining", R(b), b.nWaiting);
      gone.cancel();
      const r = createTask(() => b.reset());
      await sleep(0);
      print("after reset", R(b), b.nWaiting);
      const last = createTask(() => party("last"));
      const res = await gather(t0, t1, late, gone, r, last, { returnExceptions: true });
      print(typeNames(res), R(b));
    });
    expect(lines).toEqual([
      "p1 index 1 <Barrier [draining, waiters:0/2]>",
      "draining <Barrier [draining, waiters:0/2]> 0",
      "p0 index 0 <Barrier [filling, waiters:0/2]>",
      "gone cancelled <Barrier [filling, waiters:0/2]>",
      "after reset <Barrier [filling, waiters:0/2]> 0",
      "last index 1 <Barrier [draining, waiters:0/2]>",
      "late index 0 <Barrier [filling, waiters:0/2]>",
      "['NoneType', 'NoneType', 'NoneType', 'CancelledError', 'NoneType', 'NoneType'] <Barrier [filling, waiters:0/2]>",
    ]);
  });

  // Python program s33:
  // # one notify() reaches a live waiter past a cancelled one, and the cancelled one hands on a spurious wakeup (gh-112202)
  // async def main():
  //     cond = asyncio.Condition()
  //     async def waiter(name):
  //         try:
  //             async with cond:
  //                 r = await cond.wait()
  //                 print(name, "woke", B(r), R(cond))
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(cond))
  //             raise
  //     ts = [asyncio.create_task(waiter(n)) for n in "abcd"]
  //     await asyncio.sleep(0)
  //     ts[0].cancel()
  //     async with cond:
  //         cond.notify()
  //         print("notify past cancelled a", R(cond))
  //     res = await asyncio.gather(*ts[:3], return_exceptions=True)
  //     print([type(x).__name__ for x in res], R(cond), B(ts[3].done()))
  //     async with cond:
  //         cond.notify()
  //     await ts[3]
  //     print("end", R(cond))
  // asyncio.run(main())
  it("s33: lets one notify() pass a cancelled waiter, which then hands on a spurious wakeup (gh-112202)", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const waiter = async (name: string): Promise<void> => {
        try {
          await asyncWith(cond, async () => {
            const r = await cond.wait();
            print(name, "woke", B(r), R(cond));
          });
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(cond));
          throw error;
        }
      };
      const ts = ["a", "b", "c", "d"].map((n) => createTask(() => waiter(n)));
      await sleep(0);
      ts[0]!.cancel();
      await asyncWith(cond, async () => {
        cond.notify();
        print("notify past cancelled a", R(cond));
      });
      const res = await gather(...ts.slice(0, 3), { returnExceptions: true });
      print(typeNames(res), R(cond), B(ts[3]!.done()));
      await asyncWith(cond, async () => {
        cond.notify();
      });
      await ts[3]!;
      print("end", R(cond));
    });
    expect(lines).toEqual([
      "notify past cancelled a <Condition [locked, waiters:4]>",
      "a cancelled <Condition [unlocked, waiters:3]>",
      "b woke True <Condition [locked, waiters:2]>",
      "c woke True <Condition [locked, waiters:1]>",
      "['CancelledError', 'NoneType', 'NoneType'] <Condition [unlocked, waiters:1]> False",
      "d woke True <Condition [locked]>",
      "end <Condition [unlocked]>",
    ]);
  });

  // Python program s34:
  // # two releases skip a cancelled waiter in the middle; its task takes no permit on the way out
  // async def main():
  //     sem = asyncio.Semaphore(0)
  //     async def waiter(name):
  //         try:
  //             await sem.acquire()
  //         except asyncio.CancelledError:
  //             print(name, "cancelled", R(sem))
  //             raise
  //         print(name, "got", R(sem))
  //     ts = [asyncio.create_task(waiter(n)) for n in "abcd"]
  //     await asyncio.sleep(0)
  //     ts[1].cancel()
  //     sem.release()
  //     sem.release()
  //     print("two releases", R(sem), B(sem.locked()))
  //     res = await asyncio.gather(*ts[:3], return_exceptions=True)
  //     print([type(x).__name__ for x in res], R(sem), B(ts[3].done()))
  //     sem.release()
  //     sem.release()
  //     await ts[3]
  //     print("end", R(sem))
  // asyncio.run(main())
  it("s34: skips a cancelled waiter in the middle on release; its task takes no permit on the way out", async () => {
    const lines = await program(async (print) => {
      const sem = new Semaphore(0);
      const waiter = async (name: string): Promise<void> => {
        try {
          await sem.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print(name, "cancelled", R(sem));
          throw error;
        }
        print(name, "got", R(sem));
      };
      const ts = ["a", "b", "c", "d"].map((n) => createTask(() => waiter(n)));
      await sleep(0);
      ts[1]!.cancel();
      sem.release();
      sem.release();
      print("two releases", R(sem), B(sem.locked()));
      const res = await gather(...ts.slice(0, 3), { returnExceptions: true });
      print(typeNames(res), R(sem), B(ts[3]!.done()));
      sem.release();
      sem.release();
      await ts[3]!;
      print("end", R(sem));
    });
    expect(lines).toEqual([
      "two releases <Semaphore [locked, waiters:4]> True",
      "b cancelled <Semaphore [locked, waiters:3]>",
      "a got <Semaphore [locked, waiters:2]>",
      "c got <Semaphore [locked, waiters:1]>",
      "['NoneType', 'CancelledError', 'NoneType'] <Semaphore [locked, waiters:1]> False",
      "d got <Semaphore [unlocked, value:1]>",
      "end <Semaphore [unlocked, value:1]>",
    ]);
  });

  // Python program s35:
  // # constructor arguments Python refuses: the removed loop keyword, extra positionals, bad values
  // async def main():
  //     makers = [
  //         ("Lock(1)", lambda: asyncio.Lock(1)),
  //         ("Lock(loop=)", lambda: asyncio.Lock(loop=None)),
  //         ("Event(1)", lambda: asyncio.Event(1)),
  //         ("Event(loop=)", lambda: asyncio.Event(loop=None)),
  //         ("Condition(loop=)", lambda: asyncio.Condition(loop=None)),
  //         ("Semaphore(loop=)", lambda: asyncio.Semaphore(loop=None)),
  //         ("BoundedSemaphore(loop=)", lambda: asyncio.BoundedSemaphore(loop=None)),
  //         ("Queue(loop=)", lambda: asyncio.Queue(loop=None)),
  //         ("Barrier(-1)", lambda: asyncio.Barrier(-1)),
  //         ("Semaphore(value=-1)", lambda: asyncio.Semaphore(value=-1)),
  //     ]
  //     for name, make in makers:
  //         try:
  //             print(name, "ok", R(make()))
  //         except (TypeError, ValueError) as e:
  //             print(name, fmt(e))
  // asyncio.run(main())
  it("s35: refuses the removed loop keyword and extra arguments with Python's messages", async () => {
    const lines = await program(async (print) => {
      type Ctor = new (...args: unknown[]) => object;
      const makers: [string, () => object][] = [
        ["Lock(1)", () => new (Lock as Ctor)(1)],
        ["Lock(loop=)", () => new (Lock as Ctor)({ loop: null })],
        ["Event(1)", () => new (Event as Ctor)(1)],
        ["Event(loop=)", () => new (Event as Ctor)({ loop: null })],
        ["Condition(loop=)", () => new (Condition as Ctor)({ loop: null })],
        ["Semaphore(loop=)", () => new (Semaphore as Ctor)({ loop: null })],
        ["BoundedSemaphore(loop=)", () => new (BoundedSemaphore as Ctor)({ loop: null })],
        ["Queue(loop=)", () => new (Queue as Ctor)({ loop: null })],
        ["Barrier(-1)", () => new Barrier(-1)],
        ["Semaphore(value=-1)", () => new Semaphore({ value: -1 })],
      ];
      for (const [name, make] of makers) {
        try {
          print(name, "ok", R(make()));
        } catch (error) {
          if (!(error instanceof TypeError) && !(error instanceof RangeError)) throw error;
          print(name, fmt(error));
        }
      }
    });
    expect(lines).toEqual([
      "Lock(1) TypeError: Lock.__init__() takes 1 positional argument but 2 were given",
      "Lock(loop=) TypeError: Lock.__init__() got an unexpected keyword argument 'loop'",
      "Event(1) TypeError: Event.__init__() takes 1 positional argument but 2 were given",
      "Event(loop=) TypeError: Event.__init__() got an unexpected keyword argument 'loop'",
      "Condition(loop=) TypeError: Condition.__init__() got an unexpected keyword argument 'loop'",
      "Semaphore(loop=) TypeError: Semaphore.__init__() got an unexpected keyword argument 'loop'",
      "BoundedSemaphore(loop=) TypeError: BoundedSemaphore.__init__() got an unexpected keyword argument 'loop'",
      "Queue(loop=) TypeError: Queue.__init__() got an unexpected keyword argument 'loop'",
      "Barrier(-1) ValueError: parties must be > 0",
      "Semaphore(value=-1) ValueError: Semaphore initial value must be >= 0",
    ]);
  });
});
