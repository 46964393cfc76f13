/**
 * Whole programs over Lock, Condition, Semaphore, BoundedSemaphore, Event, Barrier and the queues,
 * with several tasks interleaving, whose printed lines must equal what the same program prints
 * under CPython 3.13 (the Python source is summarised above each test; the expected lines are its
 * output). Python names are kept in the printed lines: a RangeError prints as ValueError.
 */
import { describe, expect, it } from "vitest";
import { BrokenBarrierError, CancelledError, QueueEmpty, QueueFull, QueueShutDown, RuntimeError, TimeoutError, asyncWith } from "@aio/core";
import { LifoQueue, PriorityQueue, Queue } from "@aio/queues";
import { Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore } from "@aio/sync";
import { createTask, currentTask, gather, run, sleep, timeout, waitFor } from "@aio/tasks";
import { pyType, tuplesInRepr } from "./support/parity.js";

/** The `[...]` part of a primitive's repr (Python's repr also shows an address). */
function st(obj: { toString(): string }): string {
  const match = /\[(.*)\]>$/.exec(obj.toString());
  return match ? (match[1] as string) : obj.toString();
}

/** Python's `repr()` of an exception with at most one argument. */
function pyRepr(error: Error): string {
  return `${pyType(error)}(${error.message === "" ? "" : `'${error.message}'`})`;
}

/** Python's repr of a tuple of numbers and strings (JavaScript arrays stand for tuples). */
function tuple(items: readonly unknown[]): string {
  const parts = items.map((x) => (typeof x === "string" ? `'${x}'` : String(x)));
  return `(${parts.join(", ")}${parts.length === 1 ? "," : ""})`;
}

/** Python's `str(bool)`. */
function py(value: boolean): string {
  return value ? "True" : "False";
}

/** Runs `program` on a fresh loop (asyncio.run) and returns the lines it printed. */
async function program(body: (print: (...parts: unknown[]) => void) => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const print = (...parts: unknown[]): void => {
    lines.push(parts.map(String).join(" "));
  };
  await run(() => body(print));
  return lines;
}

describe("Lock (CPython 3.13 parity)", () => {
  // lock = Lock(); async def worker(name, holds): print(f"{name} wants"); async with lock:
  //   print(f"{name} holds {st(lock)}"); for _ in range(holds): await sleep(0)
  //   print(f"{name} out")
  // ts = [create_task(worker(f"w{i}", i % 3)) for i in range(5)]; await sleep(0)
  // print("main", st(lock)); await gather(*ts); print("end", st(lock), lock.locked())
  it("hands the lock to waiters in FIFO order", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      const worker = async (name: string, holds: number): Promise<void> => {
        print(`${name} wants`);
        await asyncWith(lock, async () => {
          print(`${name} holds ${st(lock)}`);
          for (let i = 0; i < holds; i++) await sleep(0);
        });
        print(`${name} out`);
      };
      const ts = [0, 1, 2, 3, 4].map((i) => createTask(() => worker(`w${i}`, i % 3)));
      await sleep(0);
      print("main", st(lock));
      await gather(...ts);
      print("end", st(lock), py(lock.locked()));
    });
    expect(lines).toEqual([
      "w0 wants", "w0 holds locked", "w0 out", "w1 wants", "w1 holds locked", "w2 wants", "w3 wants",
      "w4 wants", "main locked, waiters:3", "w1 out", "w2 holds locked, waiters:2", "w2 out",
      "w3 holds locked, waiters:1", "w3 out", "w4 holds locked", "w4 out", "end unlocked False",
    ]);
  });

  // await lock.acquire(); waiter(name): acquire; print got it; sleep(0); release; print released
  // a, b = tasks; sleep(0); print before release; lock.release(); print after release, locked()
  // c = create_task(waiter("c")) (lock free but a is woken: c must queue); sleep(0); print
  // gather(a, b, c); lock.release() -> RuntimeError; print end
  it("makes a newcomer queue behind a woken waiter, and refuses to release a free lock", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      await lock.acquire();
      const waiter = async (name: string): Promise<void> => {
        await lock.acquire();
        print(`${name} got it ${st(lock)}`);
        await sleep(0);
        lock.release();
        print(`${name} released`);
      };
      const a = createTask(() => waiter("a"));
      const b = createTask(() => waiter("b"));
      await sleep(0);
      print("before release", st(lock));
      lock.release();
      print("after release", st(lock), py(lock.locked()));
      const c = createTask(() => waiter("c"));
      await sleep(0);
      print("after sleep", st(lock));
      await gather(a, b, c);
      try {
        lock.release();
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("RuntimeError", error.message);
      }
      print("end", st(lock));
    });
    expect(lines).toEqual([
      "before release locked, waiters:2", "after release unlocked, waiters:2 False",
      "a got it locked, waiters:1", "after sleep locked, waiters:2", "a released",
      "b got it locked, waiters:1", "b released", "c got it locked", "c released",
      "RuntimeError Lock is not acquired.", "end unlocked",
    ]);
  });

  // held lock; waiters a..d (on CancelledError print f"{name} cancelled locked={lock.locked()}")
  // cancel b while waiting; sleep(0); release() (wakes a); cancel a before it runs: c must get it
  it("passes the wakeup of a cancelled woken waiter on to the next one", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      await lock.acquire();
      const waiter = async (name: string): Promise<void> => {
        try {
          await lock.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print(`${name} cancelled locked=${py(lock.locked())}`);
          throw error;
        }
        print(`${name} got it`);
        await sleep(0);
        lock.release();
      };
      const ts = new Map(["a", "b", "c", "d"].map((n) => [n, createTask(() => waiter(n))]));
      await sleep(0);
      print("queued", st(lock));
      ts.get("b")!.cancel();
      await sleep(0);
      print("after cancel b", st(lock));
      lock.release();
      ts.get("a")!.cancel();
      print("released+cancel a", st(lock));
      const res = await gather(...ts.values(), { returnExceptions: true });
      print(`[${res.map((r) => `'${pyType(r)}'`).join(", ")}]`);
      print("end", st(lock));
    });
    expect(lines).toEqual([
      "queued locked, waiters:4", "b cancelled locked=True", "after cancel b locked, waiters:3",
      "released+cancel a unlocked, waiters:3", "a cancelled locked=False", "c got it", "d got it",
      "['CancelledError', 'CancelledError', 'NoneType', 'NoneType']", "end unlocked",
    ]);
  });

  // holder: async with lock: sleep(0.05); impatient: wait_for(lock.acquire(), 0.01) -> TimeoutError
  // patient(n): async with lock; the timed-out acquire must not keep the lock
  it("gives the lock on to the next waiter when an acquire times out", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      const holder = async (): Promise<void> => {
        await asyncWith(lock, async () => {
          print("holder in");
          await sleep(0.05);
          print("holder out");
        });
      };
      const impatient = async (): Promise<void> => {
        try {
          await waitFor(() => lock.acquire(), 0.01);
          print("impatient got it");
        } catch (error) {
          if (!(error instanceof Error) || error.name !== "TimeoutError") throw error;
          print("impatient timeout", pyType(error), py(lock.locked()));
        }
      };
      const patient = async (n: number): Promise<void> => {
        await asyncWith(lock, async () => {
          print(`patient${n} in`);
        });
      };
      const h = createTask(holder);
      await sleep(0);
      const ts = [createTask(impatient), createTask(() => patient(1)), createTask(() => patient(2))];
      await sleep(0);
      print("waiting", st(lock));
      await gather(h, ...ts);
      print("end", st(lock));
    });
    expect(lines).toEqual([
      "holder in", "waiting locked, waiters:3", "impatient timeout TimeoutError True", "holder out",
      "patient1 in", "patient2 in", "end unlocked",
    ]);
  });
});

describe("Condition (CPython 3.13 parity)", () => {
  // waiter(name): async with cond: print waits; r = await cond.wait(); print woke r st; sleep(0)
  // five waiters; async with cond: notify(2); sleep(0); async with cond: notify(0); notify_all()
  it("wakes notify(n) waiters in FIFO order, one lock holder at a time", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const waiter = async (name: string): Promise<void> => {
        await asyncWith(cond, async () => {
          print(`${name} waits`);
          const r = await cond.wait();
          print(`${name} woke ${py(r)} ${st(cond)}`);
          await sleep(0);
        });
        print(`${name} out`);
      };
      const ts = [0, 1, 2, 3, 4].map((i) => createTask(() => waiter(`w${i}`)));
      await sleep(0);
      await asyncWith(cond, async () => {
        print("notify(2)", st(cond));
        cond.notify(2);
        print("after notify", st(cond));
      });
      await sleep(0);
      print("main A", st(cond));
      await asyncWith(cond, async () => {
        cond.notify(0);
        print("notify(0)", st(cond));
        cond.notifyAll();
        print("notify_all", st(cond));
      });
      await gather(...ts);
      print("end", st(cond));
    });
    expect(lines).toEqual([
      "w0 waits", "w1 waits", "w2 waits", "w3 waits", "w4 waits", "notify(2) locked, waiters:5",
      "after notify locked, waiters:5", "w0 woke True locked, waiters:4", "main A locked, waiters:3",
      "w0 out", "w1 woke True locked, waiters:3", "w1 out", "notify(0) locked, waiters:3",
      "notify_all locked, waiters:3", "w2 woke True locked, waiters:2", "w2 out",
      "w3 woke True locked", "w3 out", "w4 woke True locked", "w4 out", "end unlocked",
    ]);
  });

  // pred(k) prints f"pred{k} n={n}" and returns n >= k and f"ok{k}"; waiters k = 2, 1, 3 use
  // wait_for(pred(k)); main bumps n three times under the lock with notify_all, sleep(0) between.
  // main2: wait_for without the lock (true at once, then false), notify/notify_all/release/wait unlocked
  it("re-evaluates wait_for predicates in wake order and checks the lock", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const box = { n: 0, calls: 0 };
      const pred = (k: number) => (): string | false => {
        box.calls += 1;
        print(`pred${k} n=${box.n}`);
        return box.n >= k && `ok${k}`;
      };
      const waiter = async (k: number): Promise<void> => {
        await asyncWith(cond, async () => {
          const r = await cond.waitFor(pred(k));
          print(`waiter${k} got ${r}`);
        });
      };
      const ts = [2, 1, 3].map((k) => createTask(() => waiter(k)));
      await sleep(0);
      for (let i = 0; i < 3; i++) {
        await asyncWith(cond, async () => {
          box.n += 1;
          print(`bump ${box.n}`);
          cond.notifyAll();
        });
        await sleep(0);
      }
      await gather(...ts);
      print("calls", box.calls);
    });
    lines.push(
      ...(await program(async (print) => {
        const cond = new Condition();
        await asyncWith(cond, async () => {
          print("instant", await cond.waitFor(() => 5));
        });
        try {
          await cond.waitFor(() => 7);
          print("no lock but true predicate ok");
          await cond.waitFor(() => 0);
        } catch (error) {
          if (!(error instanceof RuntimeError)) throw error;
          print("RuntimeError", error.message);
        }
        const calls: (() => unknown)[] = [() => cond.notify(), () => cond.notifyAll(), () => cond.release(), () => cond.wait()];
        for (const f of calls) {
          try {
            await Promise.resolve(f());
          } catch (error) {
            if (!(error instanceof RuntimeError)) throw error;
            print("RuntimeError", error.message);
          }
        }
      })),
    );
    expect(lines).toEqual([
      "pred2 n=0", "pred1 n=0", "pred3 n=0", "bump 1", "pred2 n=1", "pred1 n=1", "waiter1 got ok1",
      "pred3 n=1", "bump 2", "pred2 n=2", "waiter2 got ok2", "pred3 n=2", "bump 3", "pred3 n=3",
      "waiter3 got ok3", "calls 9",
      "instant 5", "no lock but true predicate ok", "RuntimeError cannot wait on un-acquired lock",
      "RuntimeError cannot notify on un-acquired lock", "RuntimeError cannot notify on un-acquired lock",
      "RuntimeError Lock is not acquired.", "RuntimeError cannot wait on un-acquired lock",
    ]);
  });

  // waiters w0..w2 (async with cond: wait; on CancelledError print cond state); under the lock:
  // notify(1) then cancel w0 before it runs; the notification must reach w1 (gh-112202)
  it("hands the notification of a cancelled waiter to the next one", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const waiter = async (name: string): Promise<void> => {
        try {
          await asyncWith(cond, async () => {
            await cond.wait();
            print(`${name} woke locked=${py(cond.locked())}`);
          });
        } catch (error) {
          if (error instanceof CancelledError) print(`${name} cancelled, cond ${st(cond)}`);
          throw error;
        }
      };
      const ts = [0, 1, 2].map((i) => createTask(() => waiter(`w${i}`)));
      await sleep(0);
      await asyncWith(cond, async () => {
        cond.notify(1);
        ts[0]!.cancel();
        print("notified+cancelled", st(cond));
      });
      const res = await gather(ts[0]!, ts[1]!, { returnExceptions: true });
      print(`[${res.map((r) => `'${pyType(r)}'`).join(", ")}]`);
      print("w2 done?", py(ts[2]!.done()), st(cond));
      ts[2]!.cancel();
      print(pyType((await gather(ts[2]!, { returnExceptions: true }))[0]));
    });
    expect(lines).toEqual([
      "notified+cancelled locked, waiters:3", "w0 cancelled, cond unlocked, waiters:2",
      "w1 woke locked=True", "['CancelledError', 'NoneType']", "w2 done? False unlocked, waiters:1",
      "w2 cancelled, cond unlocked", "CancelledError",
    ]);
  });

  // waiter: async with cond: wait() (on CancelledError print locked and e.args); main holds the
  // lock, cancels the waiter with "stop" and sleeps twice: the waiter must wait for the lock
  it("re-acquires the lock before a cancelled wait raises", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const t = createTask(async () => {
        await asyncWith(cond, async () => {
          try {
            await cond.wait();
          } catch (error) {
            if (error instanceof CancelledError) {
              print(`waiter cancelled locked=${py(cond.locked())} msg=('${error.message}',)`);
            }
            throw error;
          }
        });
      });
      await sleep(0);
      await asyncWith(cond, async () => {
        t.cancel("stop");
        print("cancelled while lock held", st(cond));
        await sleep(0);
        print("still held", st(cond), py(t.done()));
        await sleep(0);
        print("still held 2", st(cond), py(t.done()));
      });
      print("released", st(cond));
      try {
        await t;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        print("t", pyType(error), `('${error.message}',)`, py(t.cancelled()));
      }
      print("end", st(cond));
    });
    expect(lines).toEqual([
      "cancelled while lock held locked, waiters:1", "still held locked False",
      "still held 2 locked False", "released unlocked", "waiter cancelled locked=True msg=('stop',)",
      "t CancelledError ('stop',) True", "end unlocked",
    ]);
  });

  // lock = Lock(); c1, c2 = Condition(lock), Condition(lock); a waits on c1, b on c2, c on c1;
  // async with lock: c2.notify(); c1.notify(); sleep(0); async with c1: c1.notify()
  it("lets two conditions share one lock", async () => {
    const lines = await program(async (print) => {
      const lock = new Lock();
      const c1 = new Condition(lock);
      const c2 = new Condition(lock);
      const w = async (c: Condition, name: string): Promise<void> => {
        await asyncWith(c, async () => {
          await c.wait();
          print(`${name} woke, lock ${st(lock)}`);
        });
      };
      const ts = [createTask(() => w(c1, "a")), createTask(() => w(c2, "b")), createTask(() => w(c1, "c"))];
      await sleep(0);
      print("lock", st(lock), "c1", st(c1), "c2", st(c2));
      await asyncWith(lock, async () => {
        c2.notify();
        c1.notify();
        print("after notifies", st(c1), st(c2));
      });
      await sleep(0);
      print("mid", st(lock));
      await asyncWith(c1, async () => {
        c1.notify();
      });
      await gather(...ts);
    });
    expect(lines).toEqual([
      "lock unlocked c1 unlocked, waiters:2 c2 unlocked, waiters:1",
      "after notifies locked, waiters:2 locked, waiters:1", "b woke, lock locked", "a woke, lock locked",
      "mid unlocked", "c woke, lock locked",
    ]);
  });
});

describe("Semaphore and BoundedSemaphore (CPython 3.13 parity)", () => {
  // sem = Semaphore(2); worker(name, holds): print wants locked(); async with sem: print in st;
  // sleep(0) x holds; print out st. Six workers with holds (i * 2) % 3.
  it("admits waiters in FIFO order as permits come back", async () => {
    const lines = await program(async (print) => {
      const sem = new Semaphore(2);
      const worker = async (name: string, holds: number): Promise<void> => {
        print(`${name} wants locked=${py(sem.locked())}`);
        await asyncWith(sem, async () => {
          print(`${name} in ${st(sem)}`);
          for (let i = 0; i < holds; i++) await sleep(0);
        });
        print(`${name} out ${st(sem)}`);
      };
      const ts = [0, 1, 2, 3, 4, 5].map((i) => createTask(() => worker(`w${i}`, (i * 2) % 3)));
      await sleep(0);
      print("main", st(sem));
      await gather(...ts);
      print("end", st(sem));
    });
    expect(lines).toEqual([
      "w0 wants locked=False", "w0 in unlocked, value:1", "w0 out unlocked, value:2",
      "w1 wants locked=False", "w1 in unlocked, value:1", "w2 wants locked=False", "w2 in locked",
      "w3 wants locked=True", "w4 wants locked=True", "w5 wants locked=True", "main locked, waiters:3",
      "w2 out locked, waiters:3", "w1 out locked, waiters:3", "w3 in locked, waiters:2",
      "w3 out locked, waiters:2", "w4 in locked, waiters:1", "w5 in locked", "w5 out unlocked, value:1",
      "w4 out unlocked, value:2", "end unlocked, value:2",
    ]);
  });

  // Semaphore(1) held by main; waiters a..d; release() (wakes a); cancel a (woken) and c (waiting);
  // newcomer e must queue behind b and d
  it("returns the permit of a cancelled woken waiter and keeps newcomers behind", async () => {
    const lines = await program(async (print) => {
      const sem = new Semaphore(1);
      await sem.acquire();
      const waiter = async (name: string): Promise<void> => {
        try {
          await sem.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print(`${name} cancelled ${st(sem)}`);
          throw error;
        }
        print(`${name} got ${st(sem)}`);
        await sleep(0);
        sem.release();
        print(`${name} released ${st(sem)}`);
      };
      const ts = ["a", "b", "c", "d"].map((n) => createTask(() => waiter(n)));
      await sleep(0);
      print("queued", st(sem));
      sem.release();
      print("released", st(sem));
      ts[0]!.cancel();
      ts[2]!.cancel();
      print("cancelled a,c", st(sem));
      const e = createTask(() => waiter("e"));
      const res = await gather(...ts, e, { returnExceptions: true });
      print(`[${res.map((r) => `'${pyType(r)}'`).join(", ")}]`);
      print("end", st(sem));
    });
    expect(lines).toEqual([
      "queued locked, waiters:4", "released locked, waiters:4", "cancelled a,c locked, waiters:4",
      "a cancelled locked, waiters:3", "c cancelled locked, waiters:2", "b got locked, waiters:2",
      "b released locked, waiters:2", "d got locked, waiters:1", "d released locked, waiters:1",
      "e got locked", "e released unlocked, value:1",
      "['CancelledError', 'NoneType', 'CancelledError', 'NoneType', 'NoneType']", "end unlocked, value:1",
    ]);
  });

  // Semaphore(-1), BoundedSemaphore(-1) -> ValueError; BoundedSemaphore(2) released too often;
  // Semaphore(0) released twice then four takers and three more releases; BoundedSemaphore(1)
  // whose release wakes a waiter accepts a second release (the woken task holds the permit)
  it("validates values and bounds releases by the permits handed out", async () => {
    const lines = await program(async (print) => {
      for (const ctor of [() => new Semaphore(-1), () => new BoundedSemaphore(-1)]) {
        try {
          ctor();
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          print("ValueError", error.message);
        }
      }
      const b = new BoundedSemaphore(2);
      await b.acquire();
      b.release();
      try {
        b.release();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message, st(b));
      }
      const s = new Semaphore(0);
      print("zero", st(s), py(s.locked()));
      s.release();
      s.release();
      print("two", st(s));
      const got: number[] = [];
      const take = async (n: number): Promise<void> => {
        await s.acquire();
        got.push(n);
      };
      const ts = [0, 1, 2, 3].map((i) => createTask(() => take(i)));
      await sleep(0);
      print("got", `[${got.join(", ")}]`, st(s));
      s.release();
      s.release();
      s.release();
      print("released 3", st(s));
      await sleep(0);
      print("got", `[${got.join(", ")}]`, st(s));
      await gather(...ts);
      const b2 = new BoundedSemaphore(1);
      await b2.acquire();
      const w = createTask(() => b2.acquire());
      await sleep(0);
      b2.release();
      try {
        b2.release();
        print("second release accepted", st(b2));
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message, st(b2));
      }
      await w;
      print("end", st(b2));
    });
    expect(lines).toEqual([
      "ValueError Semaphore initial value must be >= 0", "ValueError Semaphore initial value must be >= 0",
      "ValueError BoundedSemaphore released too many times unlocked, value:2", "zero locked True",
      "two unlocked, value:2", "got [0, 1] locked, waiters:2", "released 3 locked, waiters:2",
      "got [0, 1, 2, 3] unlocked, value:1", "second release accepted locked, waiters:1",
      "end unlocked, value:1",
    ]);
  });
});

describe("Event (CPython 3.13 parity)", () => {
  // four waiters; cancel w1; set(); clear(); cancel w2 (already woken); gather; a late waiter,
  // set() twice; an instant wait on a set event
  it("wakes every waiter of a set, even when cleared at once, and counts parked waiters", async () => {
    const lines = await program(async (print) => {
      const ev = new Event();
      const waiter = async (name: string): Promise<void> => {
        try {
          const r = await ev.wait();
          print(`${name} woke ${py(r)} is_set=${py(ev.isSet())} ${st(ev)}`);
        } catch (error) {
          if (error instanceof CancelledError) print(`${name} cancelled ${st(ev)}`);
          throw error;
        }
      };
      const ts = [0, 1, 2, 3].map((i) => createTask(() => waiter(`w${i}`)));
      await sleep(0);
      print("waiting", st(ev));
      ts[1]!.cancel();
      ev.set();
      ev.clear();
      ts[2]!.cancel();
      print("set+clear", st(ev), py(ev.isSet()));
      const res = await gather(...ts, { returnExceptions: true });
      print(`[${res.map((r) => `'${pyType(r)}'`).join(", ")}]`);
      print("after", st(ev));
      const t = createTask(() => waiter("late"));
      await sleep(0);
      print("late waiting", st(ev));
      ev.set();
      ev.set();
      await t;
      print("instant", py(await ev.wait()), st(ev));
    });
    expect(lines).toEqual([
      "waiting unset, waiters:4", "set+clear unset, waiters:4 False", "w1 cancelled unset, waiters:3",
      "w0 woke True is_set=False unset, waiters:2", "w2 cancelled unset, waiters:1",
      "w3 woke True is_set=False unset", "['NoneType', 'CancelledError', 'CancelledError', 'NoneType']",
      "after unset", "late waiting unset, waiters:1", "late woke True is_set=True set", "instant True set",
    ]);
  });
});

describe("Barrier (CPython 3.13 parity)", () => {
  // b = Barrier(3); party(name, k): sleep(0) x k; print arrives n_waiting; i = await b.wait();
  // print passed index st(b). Six parties with k % 4 steps; main ticks six times printing st(b);
  // prints gather results; async with Barrier(1) as idx; Barrier(0) -> ValueError
  it("fills, drains and refills with Python's arrival indexes", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(3);
      print("init", st(b), b.parties, b.nWaiting, py(b.broken));
      const party = async (name: string, steps: number): Promise<number> => {
        for (let i = 0; i < steps; i++) await sleep(0);
        print(`${name} arrives n_waiting=${b.nWaiting}`);
        const i = await b.wait();
        print(`${name} passed index=${i} ${st(b)}`);
        return i;
      };
      const ts = [0, 1, 2, 3, 4, 5].map((k) => createTask(() => party(`p${k}`, k % 4)));
      for (let i = 0; i < 6; i++) {
        await sleep(0);
        print("tick", st(b));
      }
      print(`[${(await gather(...ts)).join(", ")}]`);
      print("end", st(b));
      await asyncWith(new Barrier(1), async (idx) => {
        print("barrier(1) index", idx);
      });
      try {
        new Barrier(0);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message);
      }
    });
    expect(lines).toEqual([
      "init filling, waiters:0/3 3 0 False", "p0 arrives n_waiting=0", "p4 arrives n_waiting=1",
      "tick filling, waiters:2/3", "p1 arrives n_waiting=2", "p1 passed index=2 draining, waiters:0/3",
      "p5 arrives n_waiting=0", "tick draining, waiters:0/3", "p0 passed index=0 draining, waiters:0/3",
      "p4 passed index=1 filling, waiters:0/3", "p2 arrives n_waiting=0", "tick filling, waiters:1/3",
      "p3 arrives n_waiting=2", "p3 passed index=2 draining, waiters:0/3", "tick draining, waiters:0/3",
      "p2 passed index=0 draining, waiters:0/3", "p5 passed index=1 filling, waiters:0/3",
      "tick filling, waiters:0/3", "tick filling, waiters:0/3", "[0, 2, 0, 2, 1, 1]",
      "end filling, waiters:0/3", "barrier(1) index 0", "ValueError parties must be > 0",
    ]);
  });

  // Barrier(3); two parties wait; await b.abort(); both get BrokenBarrierError (a RuntimeError);
  // a late wait -> "Barrier aborted"; await b.reset(); three parties pass
  it("breaks waiting and later parties on abort until reset", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(3);
      const party = async (name: string): Promise<void> => {
        try {
          const i = await b.wait();
          print(`${name} index ${i}`);
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          print(`${name} ${pyType(error)}: ${error.message} ${py(error instanceof RuntimeError)}`);
        }
      };
      let ts = [0, 1].map((k) => createTask(() => party(`p${k}`)));
      await sleep(0);
      print("two waiting", st(b), b.nWaiting);
      await b.abort();
      print("aborted", st(b), py(b.broken), b.nWaiting);
      await gather(...ts);
      print("after", st(b));
      await party("late");
      await b.reset();
      print("reset", st(b), py(b.broken));
      ts = [0, 1, 2].map((k) => createTask(() => party(`q${k}`)));
      await gather(...ts);
      print("end", st(b));
    });
    expect(lines).toEqual([
      "two waiting filling, waiters:2/3 2", "aborted broken True 0",
      "p0 BrokenBarrierError: Abort or reset of barrier True",
      "p1 BrokenBarrierError: Abort or reset of barrier True", "after broken",
      "late BrokenBarrierError: Barrier aborted True", "reset filling, waiters:0/3 False", "q2 index 2",
      "q0 index 0", "q1 index 1", "end filling, waiters:0/3",
    ]);
  });

  // Barrier(2); a waits; r = create_task(b.reset()); b and c arrive while it resets
  it("makes parties arriving during a reset wait for it to drain", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(2);
      const party = async (name: string): Promise<void> => {
        try {
          const i = await b.wait();
          print(`${name} index ${i} ${st(b)}`);
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          print(`${name} broken: ${error.message} ${st(b)}`);
        }
      };
      const t1 = createTask(() => party("a"));
      await sleep(0);
      const r = createTask(() => b.reset());
      await sleep(0);
      print("resetting", st(b), b.nWaiting);
      const t2 = createTask(() => party("b"));
      const t3 = createTask(() => party("c"));
      await gather(t1, r, t2, t3);
      print("end", st(b));
    });
    expect(lines).toEqual([
      "resetting resetting, waiters:0/2 0", "a broken: Abort or reset of barrier filling, waiters:0/2",
      "c index 1 draining, waiters:0/2", "b index 0 filling, waiters:0/2", "end filling, waiters:0/2",
    ]);
  });

  // Barrier(3): p0..p2 pass; x0, x1 wait; cancel x0 (count drops); y then z arrive: Python gives
  // x1 and y the same index 1
  it("drops a cancelled party from the count, reusing its index as Python does", async () => {
    const lines = await program(async (print) => {
      const b = new Barrier(3);
      const party = async (name: string): Promise<void> => {
        try {
          const i = await b.wait();
          print(`${name} index ${i}`);
        } catch (error) {
          if (error instanceof CancelledError) print(`${name} cancelled ${st(b)}`);
          throw error;
        }
      };
      const ts = [0, 1, 2].map((k) => createTask(() => party(`p${k}`)));
      await sleep(0);
      print("all arrived?", st(b));
      const x = [createTask(() => party("x0")), createTask(() => party("x1"))];
      await sleep(0);
      print("x waiting", st(b));
      x[0]!.cancel();
      await sleep(0);
      print("x0 gone", st(b));
      const y = createTask(() => party("y"));
      await sleep(0);
      print("y in", st(b));
      const z = createTask(() => party("z"));
      const res = await gather(...ts, ...x, y, z, { returnExceptions: true });
      print(`[${res.map((r) => `'${pyType(r)}'`).join(", ")}]`);
      print("end", st(b));
    });
    expect(lines).toEqual([
      "p2 index 2", "all arrived? draining, waiters:0/3", "p0 index 0", "p1 index 1",
      "x waiting filling, waiters:2/3", "x0 cancelled filling, waiters:1/3", "x0 gone filling, waiters:1/3",
      "y in filling, waiters:2/3", "z index 2", "x1 index 1", "y index 1",
      "['NoneType', 'NoneType', 'NoneType', 'CancelledError', 'NoneType', 'NoneType', 'NoneType']",
      "end filling, waiters:0/3",
    ]);
  });
});

describe("Queue (CPython 3.13 parity)", () => {
  // q = Queue(2); producers a, b, c put f"{name}{i}" for i < 3 (print qsize/full after each put);
  // consumers c0, c1 loop on get (None stops; items ending in "1" sleep(0) before task_done);
  // print str(q) at points; join; put None twice
  it("hands items between three producers and two consumers in Python's order", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<string | null>(2);
      const producer = async (name: string, n: number): Promise<void> => {
        for (let i = 0; i < n; i++) {
          await q.put(`${name}${i}`);
          print(`${name} put ${i} qsize=${q.qsize()} full=${py(q.full())}`);
        }
        print(`${name} done`);
      };
      const consumer = async (name: string): Promise<void> => {
        for (;;) {
          const item = await q.get();
          if (item === null) {
            q.taskDone();
            print(`${name} stop`);
            return;
          }
          print(`${name} got ${item}`);
          if (item.endsWith("1")) await sleep(0);
          q.taskDone();
        }
      };
      const cs = [0, 1].map((i) => createTask(() => consumer(`c${i}`)));
      const ps = ["a", "b", "c"].map((n) => createTask(() => producer(n, 3)));
      await sleep(0);
      print("q", q);
      await gather(...ps);
      print("producers done", q);
      await q.join();
      print("joined", q);
      await q.put(null);
      await q.put(null);
      await gather(...cs);
      print("end", q, py(q.empty()));
    });
    expect(lines).toEqual([
      "a put 0 qsize=1 full=False", "a put 1 qsize=2 full=True",
      "q <Queue maxsize=2 _queue=['a0', 'a1'] _putters[3] tasks=2>", "c0 got a0", "c0 got a1",
      "a put 2 qsize=1 full=False", "a done", "b put 0 qsize=2 full=True", "c0 got a2", "c0 got b0",
      "c put 0 qsize=1 full=False", "c put 1 qsize=2 full=True", "c0 got c0", "c0 got c1",
      "c put 2 qsize=1 full=False", "c done", "b put 1 qsize=2 full=True", "c0 got c2", "c0 got b1",
      "b put 2 qsize=1 full=False", "b done", "c0 got b2", "producers done <Queue maxsize=2 _getters[2]>",
      "joined <Queue maxsize=2 _getters[2]>", "c0 stop", "c1 stop", "end <Queue maxsize=2> True",
    ]);
  });

  // join on an empty queue; three items and two joiners, get/task_done with sleep(0) between;
  // task_done too often -> ValueError; a joiner woken by the last task_done still returns even if
  // put_nowait clears the event before it runs
  it("releases joiners on the last task_done and refuses extra task_done calls", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<number | string>();
      const joiner = async (name: string): Promise<void> => {
        await q.join();
        print(`${name} joined`);
      };
      await q.join();
      print("empty join returns at once");
      for (let i = 0; i < 3; i++) q.putNowait(i);
      const js = [0, 1].map((i) => createTask(() => joiner(`j${i}`)));
      await sleep(0);
      print("q", q);
      for (let i = 0; i < 3; i++) {
        print("get", q.getNowait());
        q.taskDone();
        print("task_done", q);
        await sleep(0);
      }
      await gather(...js);
      try {
        q.taskDone();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message);
      }
      q.putNowait("x");
      const j = createTask(() => joiner("j2"));
      await sleep(0);
      q.getNowait();
      q.taskDone();
      q.putNowait("y");
      await sleep(0);
      print("j2 done?", py(j.done()), q);
      q.getNowait();
      q.taskDone();
      await j;
    });
    expect(lines).toEqual([
      "empty join returns at once", "q <Queue maxsize=0 _queue=[0, 1, 2] tasks=3>", "get 0",
      "task_done <Queue maxsize=0 _queue=[1, 2] tasks=2>", "get 1", "task_done <Queue maxsize=0 _queue=[2] tasks=1>",
      "get 2", "task_done <Queue maxsize=0>", "j0 joined", "j1 joined",
      "ValueError task_done() called too many times", "j2 joined",
      "j2 done? True <Queue maxsize=0 _queue=['y'] tasks=1>",
    ]);
  });

  // full Queue(2) with two blocked putters; shutdown(): putters get QueueShutDown, getters drain
  // the items then get QueueShutDown; put_nowait/get_nowait raise QueueShutDown; shutdown twice
  it("shuts down gracefully: blocked puts fail, gets drain the items first", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<number>(2);
      q.putNowait(1);
      q.putNowait(2);
      const putter = async (x: number): Promise<void> => {
        try {
          await q.put(x);
          print(`put ${x} ok`);
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          print(`put ${x} ${pyType(error)}${error.message === "" ? "()" : `('${error.message}',)`}`);
        }
      };
      const getter = async (name: string): Promise<void> => {
        try {
          for (;;) {
            const item = await q.get();
            print(`${name} got ${item}`);
            q.taskDone();
          }
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          print(`${name} ${pyType(error)}`);
        }
      };
      const ps = [3, 4].map((x) => createTask(() => putter(x)));
      await sleep(0);
      print("blocked", q);
      q.shutdown();
      print("shutdown", q);
      await sleep(0);
      print("after", q);
      const gs = [0, 1].map((i) => createTask(() => getter(`g${i}`)));
      await gather(...ps, ...gs);
      print("end", q);
      for (const f of [() => q.putNowait(9), () => q.getNowait()]) {
        try {
          f();
        } catch (error) {
          print(pyType(error));
        }
      }
      await q.join();
      print("joined");
      q.shutdown();
      q.shutdown(true);
      print("twice", q);
    });
    expect(lines).toEqual([
      "blocked <Queue maxsize=2 _queue=[1, 2] _putters[2] tasks=2>",
      "shutdown <Queue maxsize=2 _queue=[1, 2] tasks=2 shutdown>", "put 3 QueueShutDown()",
      "put 4 QueueShutDown()", "after <Queue maxsize=2 _queue=[1, 2] tasks=2 shutdown>", "g0 got 1",
      "g0 got 2", "g0 QueueShutDown", "g1 QueueShutDown", "end <Queue maxsize=2 shutdown>", "QueueShutDown",
      "QueueShutDown", "joined", "twice <Queue maxsize=2 shutdown>",
    ]);
  });

  // Queue(3) holding 1, 2, 3 with one item taken (no task_done) and a blocked putter and a joiner;
  // shutdown(immediate=True) drops the items (tasks=1 left); the joiner waits for the last
  // task_done. Then three getters on an empty queue: put_nowait("only") + shutdown(immediate=True)
  it("shuts down immediately: drops items, counts them done, fails every waiter", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<number>(3);
      for (let i = 0; i < 3; i++) q.putNowait(i);
      q.getNowait();
      q.putNowait(3);
      const putter = async (x: number): Promise<void> => {
        try {
          await q.put(x);
          print(`put ${x} ok`);
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          print(`put ${x} QueueShutDown`);
        }
      };
      const p = createTask(() => putter(10));
      const j = createTask(async () => {
        await q.join();
        print("joiner woke", q);
      });
      await sleep(0);
      print("before", q);
      q.shutdown(true);
      print("after", q, q.qsize(), py(q.empty()));
      await sleep(0);
      print("j done?", py(j.done()));
      q.taskDone();
      print("after task_done", q);
      await gather(p, j);
      const e = new Queue<string>();
      const getter = async (name: string): Promise<void> => {
        try {
          print(name, await e.get());
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          print(name, "QueueShutDown");
        }
      };
      const gs = [0, 1, 2].map((i) => createTask(() => getter(`g${i}`)));
      await sleep(0);
      e.putNowait("only");
      e.shutdown(true);
      print("e", e);
      await gather(...gs);
    });
    expect(lines).toEqual([
      "before <Queue maxsize=3 _queue=[1, 2, 3] _putters[1] tasks=4>", "after <Queue maxsize=3 tasks=1 shutdown> 0 True",
      "put 10 QueueShutDown", "j done? False", "after task_done <Queue maxsize=3 shutdown>",
      "joiner woke <Queue maxsize=3 shutdown>", "e <Queue maxsize=0 shutdown>", "g0 QueueShutDown",
      "g1 QueueShutDown", "g2 QueueShutDown",
    ]);
  });
});

describe("Queue cancellation and the other queues (CPython 3.13 parity)", () => {
  // three getters; put_nowait("A") wakes g0, cancel g0 (A goes to g1); put_nowait("B") wakes g2,
  // get_nowait() steals A first; wait_for(q.get(), 0.01) times out; put_nowait("C")
  it("never loses an item to a cancelled, robbed or timed-out getter", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<string>();
      const getter = async (name: string): Promise<void> => {
        try {
          const item = await q.get();
          print(`${name} got ${item}`);
        } catch (error) {
          if (error instanceof CancelledError) print(`${name} cancelled`, q);
          throw error;
        }
      };
      const gs = [0, 1, 2].map((i) => createTask(() => getter(`g${i}`)));
      await sleep(0);
      print("waiting", q);
      q.putNowait("A");
      gs[0]!.cancel();
      print("put+cancel", q);
      await sleep(0);
      print("mid", q);
      q.putNowait("B");
      print("stolen", q.getNowait(), q);
      await sleep(0);
      print("g2 requeued", q, py(gs[2]!.done()));
      try {
        await waitFor(() => q.get(), 0.01);
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        print("timeout", q);
      }
      q.putNowait("C");
      await gather(...gs, { returnExceptions: true });
      print("end", q);
    });
    expect(lines).toEqual([
      "waiting <Queue maxsize=0 _getters[3]>", "put+cancel <Queue maxsize=0 _queue=['A'] _getters[2] tasks=1>",
      "g0 cancelled <Queue maxsize=0 _queue=['A'] _getters[1] tasks=1>",
      "mid <Queue maxsize=0 _queue=['A'] _getters[1] tasks=1>", "stolen A <Queue maxsize=0 _queue=['B'] tasks=2>",
      "g1 got B", "g2 requeued <Queue maxsize=0 _getters[1] tasks=2> False",
      "timeout <Queue maxsize=0 _getters[1] tasks=2>", "g2 got C", "end <Queue maxsize=0 tasks=3>",
    ]);
  });

  // Queue(1) holding "x"; putters a, b, c blocked; get_nowait() wakes a, cancel a: b takes the
  // slot, a's item never enters; QueueFull / QueueEmpty reprs
  it("never inserts the item of a cancelled woken putter", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<string>(1);
      q.putNowait("x");
      const putter = async (item: string): Promise<void> => {
        try {
          await q.put(item);
          print(`put ${item} ok`, q);
        } catch (error) {
          if (error instanceof CancelledError) print(`put ${item} cancelled`, q);
          throw error;
        }
      };
      const ps = ["a", "b", "c"].map((i) => createTask(() => putter(i)));
      await sleep(0);
      print("blocked", q);
      print("got", q.getNowait());
      ps[0]!.cancel();
      await sleep(0);
      print("after", q);
      await sleep(0);
      print("after b", q);
      print("got", q.getNowait());
      await sleep(0);
      print("after2", q);
      try {
        q.putNowait("z");
      } catch (error) {
        if (!(error instanceof QueueFull)) throw error;
        print("QueueFull", pyRepr(error), py(error instanceof Error));
      }
      print("got", q.getNowait());
      try {
        q.getNowait();
      } catch (error) {
        if (!(error instanceof QueueEmpty)) throw error;
        print("QueueEmpty", pyRepr(error));
      }
      const res = await gather(...ps, { returnExceptions: true });
      print(`[${res.map((r) => `'${pyType(r)}'`).join(", ")}]`);
    });
    expect(lines).toEqual([
      "blocked <Queue maxsize=1 _queue=['x'] _putters[3] tasks=1>", "got x",
      "put a cancelled <Queue maxsize=1 _putters[1] tasks=1>", "after <Queue maxsize=1 _putters[1] tasks=1>",
      "put b ok <Queue maxsize=1 _queue=['b'] _putters[1] tasks=2>",
      "after b <Queue maxsize=1 _queue=['b'] _putters[1] tasks=2>", "got b",
      "put c ok <Queue maxsize=1 _queue=['c'] tasks=3>", "after2 <Queue maxsize=1 _queue=['c'] tasks=3>",
      "QueueFull QueueFull() True", "got c", "QueueEmpty QueueEmpty()", "['CancelledError', 'NoneType', 'NoneType']",
    ]);
  });

  // LifoQueue(3) with a blocked put; PriorityQueue of tuples (heap layout in str()), two consumers
  // that sleep(0) per item, a late (-1, "late"); unorderable puts raise TypeError and, as heapq
  // does, leave the item in the heap without counting it
  it("orders LifoQueue and PriorityQueue items and keeps heapq's layout", async () => {
    const lines = await program(async (print) => {
      const lq = new LifoQueue<number>(3);
      for (let i = 0; i < 3; i++) lq.putNowait(i);
      createTask(() => lq.put(99));
      await sleep(0);
      print("lifo", lq);
      print("get", lq.getNowait(), lq);
      await sleep(0);
      print("after", lq);
      const drained: number[] = [];
      while (lq.qsize() > 0) drained.push(lq.getNowait());
      print(`[${drained.join(", ")}]`);
      const pq = new PriorityQueue<(number | string)[]>();
      for (const item of [[3, "c"], [1, "z"], [2, "b"], [1, "a"], [3, "a"], [0, "x", 1], [0, "x"]]) pq.putNowait(item);
      print("pq", tuplesInRepr(pq.toString()));
      const consumer = async (name: string): Promise<void> => {
        const out: string[] = [];
        for (;;) {
          const item = await pq.get();
          if (item[0] === 9) break;
          out.push(tuple(item));
          await sleep(0);
        }
        print(name, `[${out.join(", ")}]`);
      };
      const cs = ["c1", "c2"].map((n) => createTask(() => consumer(n)));
      await sleep(0);
      pq.putNowait([-1, "late"]);
      pq.putNowait([9]);
      pq.putNowait([9]);
      await gather(...cs);
      const bad = new PriorityQueue<unknown>();
      bad.putNowait([1, "a"]);
      try {
        bad.putNowait([1, 2]);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        print("TypeError", error.message);
      }
      print("bad", tuplesInRepr(bad.toString()));
      try {
        bad.putNowait("s");
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        print("TypeError", error.message);
      }
      print("bad", tuplesInRepr(bad.toString()));
    });
    expect(lines).toEqual([
      "lifo <LifoQueue maxsize=3 _queue=[0, 1, 2] _putters[1] tasks=3>", "get 2 <LifoQueue maxsize=3 _queue=[0, 1] tasks=3>",
      "after <LifoQueue maxsize=3 _queue=[0, 1, 99] tasks=4>", "[99, 1, 0]",
      "pq <PriorityQueue maxsize=0 _queue=[(0, 'x'), (1, 'z'), (0, 'x', 1), (3, 'c'), (3, 'a'), (2, 'b'), (1, 'a')] tasks=7>",
      "c1 [(0, 'x'), (-1, 'late'), (1, 'z'), (3, 'a')]", "c2 [(0, 'x', 1), (1, 'a'), (2, 'b'), (3, 'c')]",
      "TypeError '<' not supported between instances of 'int' and 'str'",
      "bad <PriorityQueue maxsize=0 _queue=[(1, 'a'), (1, 2)] tasks=1>",
      "TypeError '<' not supported between instances of 'str' and 'tuple'",
      "bad <PriorityQueue maxsize=0 _queue=[(1, 'a'), (1, 2), 's'] tasks=1>",
    ]);
  });
});

describe("timeouts, loops and repeated cancels (CPython 3.13 parity)", () => {
  // attempt(name, fn, obj): wait_for(fn(), 0) -> in 3.13 the coroutine never starts (TimeoutError)
  // even for a set Event, a free Lock, a non-empty Queue; async with timeout(0) around operations
  // that do not suspend (get on a non-empty queue, a free Semaphore, Barrier(1)) succeeds, around
  // ones that do (get on an empty queue, a held Lock, Condition.wait, Barrier(2)) times out
  it("times out wait_for(..., 0) at once and timeout(0) only at a suspension", async () => {
    const lines = await program(async (print) => {
      const attempt = async (name: string, fn: () => Promise<unknown>, obj: object): Promise<void> => {
        const state = (): string => (obj instanceof Queue ? obj.toString() : st(obj));
        try {
          const r = await waitFor(fn, 0);
          print(name, "->", r, state());
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print(name, "TimeoutError", state());
        }
      };
      const ev = new Event();
      ev.set();
      await attempt("event set", () => ev.wait(), ev);
      const lock = new Lock();
      await attempt("lock free", () => lock.acquire(), lock);
      const q = new Queue<string>();
      q.putNowait("item");
      await attempt("get ready", () => q.get(), q);
      await asyncWith(timeout(0), async () => {
        print("no suspension", await q.get(), q);
      });
      try {
        await asyncWith(timeout(0), () => q.get());
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        print("timeout cm", q);
      }
      const sem = new Semaphore(1);
      await asyncWith(timeout(0), () =>
        asyncWith(sem, async () => {
          print("sem inside", st(sem));
        }),
      );
      print("sem after", st(sem));
      await lock.acquire();
      try {
        await asyncWith(timeout(0), () => lock.acquire());
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        print("lock timeout cm", st(lock));
      }
      lock.release();
      const cond = new Condition();
      await asyncWith(cond, async () => {
        try {
          await asyncWith(timeout(0), () => cond.wait());
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          print("cond timeout", st(cond), py(cond.locked()));
        }
      });
      const b = new Barrier(2);
      try {
        await asyncWith(timeout(0), () => b.wait());
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        print("barrier timeout", st(b));
      }
      const b1 = new Barrier(1);
      await asyncWith(timeout(0), async () => {
        print("barrier(1)", await b1.wait(), st(b1));
      });
    });
    expect(lines).toEqual([
      "event set TimeoutError set", "lock free TimeoutError unlocked",
      "get ready TimeoutError <Queue maxsize=0 _queue=['item'] tasks=1>", "no suspension item <Queue maxsize=0 tasks=1>",
      "timeout cm <Queue maxsize=0 tasks=1>", "sem inside locked", "sem after unlocked, value:1", "lock timeout cm locked",
      "cond timeout locked True", "barrier timeout filling, waiters:0/2", "barrier(1) 0 filling, waiters:0/1",
    ]);
  });

  // objects made outside any loop; asyncio.run(first()) makes each wait (wait_for 0.001), binding
  // it; asyncio.run(second()) makes each wait again: RuntimeError "<repr> is bound to a different
  // event loop" (the Barrier reports its Condition). Python reprs shown without "at 0x...".
  it("refuses a primitive or queue bound to another loop", async () => {
    type Blocker = () => Promise<unknown>;
    const lock = new Lock();
    const ev = new Event();
    const sem = new Semaphore(0);
    const q = new Queue();
    const cond = new Condition();
    const barrier = new Barrier(2);
    const objs: [string, Blocker][] = [
      ["Lock", async () => {
        await lock.acquire();
        await lock.acquire();
      }],
      ["Event", () => ev.wait()],
      ["Semaphore", () => sem.acquire()],
      ["Queue", () => q.get()],
      ["Condition", () => asyncWith(cond, () => cond.wait())],
      ["Barrier", () => barrier.wait()],
    ];
    await run(async () => {
      for (const [, block] of objs) {
        try {
          await waitFor(block, 0.001);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        }
      }
      lock.release();
    });
    const lines = await program(async (print) => {
      for (const [name, block] of objs) {
        try {
          await waitFor(block, 0.001);
          print(name, "no error");
        } catch (error) {
          if (error instanceof TimeoutError) print(name, "TimeoutError");
          else if (error instanceof RuntimeError) print(name, "RuntimeError", error.message);
          else throw error;
        }
      }
    });
    expect(lines).toEqual([
      "Lock RuntimeError <Lock [locked]> is bound to a different event loop",
      "Event RuntimeError <Event [unset]> is bound to a different event loop",
      "Semaphore RuntimeError <Semaphore [locked]> is bound to a different event loop",
      "Queue RuntimeError <Queue maxsize=0> is bound to a different event loop",
      "Condition RuntimeError <Condition [locked]> is bound to a different event loop",
      "Barrier RuntimeError <Condition [locked]> is bound to a different event loop",
    ]);
  });

  // Condition waiter cancelled ("one") while main holds the lock, again ("two") while it waits to
  // re-acquire, and ("three") just before main releases: the latest message wins, cancelling() is
  // 3. A Lock waiter cancelled twice ("a", "b") raises the first message.
  it("raises the latest cancel message from a re-acquiring Condition.wait", async () => {
    const lines = await program(async (print) => {
      const cond = new Condition();
      const t = createTask(() =>
        asyncWith(cond, async () => {
          try {
            await cond.wait();
          } catch (error) {
            if (error instanceof CancelledError) {
              print("waiter caught", `('${error.message}',)`, "cancelling", currentTask()!.cancelling(), "locked", py(cond.locked()));
            }
            throw error;
          }
        }),
      );
      await sleep(0);
      await cond.acquire();
      t.cancel("one");
      await sleep(0);
      print("after first cancel", t.cancelling(), st(cond._lock));
      t.cancel("two");
      await sleep(0);
      print("after second cancel", t.cancelling(), st(cond._lock));
      t.cancel("three");
      cond.release();
      try {
        await t;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        print("task", `('${error.message}',)`, py(t.cancelled()));
      }
      const lock = new Lock();
      await lock.acquire();
      const t2 = createTask(async () => {
        try {
          await lock.acquire();
        } catch (error) {
          if (error instanceof CancelledError) print("lw caught", `('${error.message}',)`, currentTask()!.cancelling());
          throw error;
        }
      });
      await sleep(0);
      t2.cancel("a");
      t2.cancel("b");
      print("cancel twice", t2.cancelling());
      try {
        await t2;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        print("t2", `('${error.message}',)`);
      }
      print(st(lock));
    });
    expect(lines).toEqual([
      "after first cancel 1 locked, waiters:1", "after second cancel 2 locked, waiters:1",
      "waiter caught ('three',) cancelling 3 locked True", "task ('three',) True", "cancel twice 2",
      "lw caught ('a',) 2", "t2 ('a',)", "locked",
    ]);
  });
});
