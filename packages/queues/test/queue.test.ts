import { describe, expect, it } from "vitest";
import { CancelledError, QueueEmpty, QueueFull, QueueShutDown, TimeoutError, asyncWith } from "@aio/core";
import { TaskGroup, createTask, sleep, waitFor } from "@aio/tasks";
import type { Future } from "@aio/futures";
import type { Task } from "@aio/tasks";
import { Event } from "@aio/sync";
import { LifoQueue, PriorityQueue, Queue } from "@aio/queues";
import { inLoop } from "./support/loop.js";

describe("Queue", () => {
  // mirrors test_queues.py::QueueBasicTests::test_repr
  // mirrors test_queues.py::QueueBasicTests::test_str
  it("shows its getters, putters and items in its repr", async () => {
    await inLoop(async () => {
      let q = new Queue<number>();
      expect(String(q).startsWith("<Queue")).toBe(true);
      // Differs from CPython: no `at 0x…` id in the repr, because JavaScript objects have no address.
      expect(String(q)).not.toContain(" at ");
      const { inspect } = await import("node:util");
      expect(inspect(q)).toBe("<Queue maxsize=0>");

      q = new Queue<number>();
      let getter: Promise<number> | null = null;
      await asyncWith(new TaskGroup(), async (tg) => {
        const t = tg.createTask(() => q.get());
        getter = Promise.resolve(t);
        await sleep(0);
        expect(String(q)).toContain("_getters[1]");
        q.putNowait(0);
      });
      expect(await getter!).toBe(0);

      const q2 = new Queue<number>({ maxsize: 1 });
      let putter: Task<void> | null = null;
      await asyncWith(new TaskGroup(), async (tg) => {
        q2.putNowait(1);
        putter = tg.createTask(() => q2.put(2));
        await sleep(0);
        expect(String(q2)).toContain("_putters[1]");
        q2.getNowait();
      });
      expect(putter!.done()).toBe(true);

      const q3 = new Queue<number>();
      q3.putNowait(1);
      expect(String(q3)).toContain("_queue=[1]");
      q3.putNowait(2);
      expect(String(q3)).toBe("<Queue maxsize=0 _queue=[1, 2] tasks=2>");

      // PYENV_VERSION=3.13.0 python3.13 prints the same _queue for these items.
      const q4 = new Queue<unknown>();
      for (const item of ["it's", "a\nb\tc", Number.NaN, -Infinity, "q\"'x", "\x01"]) q4.putNowait(item);
      expect(String(q4)).toBe(`<Queue maxsize=0 _queue=["it's", 'a\\nb\\tc', nan, -inf, 'q"\\'x', '\\x01'] tasks=6>`);
    });
  });

  // mirrors test_queues.py::QueueBasicTests::test_empty
  it("is empty until something is put", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      expect(q.empty()).toBe(true);
      await q.put(1);
      expect(q.empty()).toBe(false);
      expect(await q.get()).toBe(1);
      expect(q.empty()).toBe(true);
    });
  });

  // mirrors test_queues.py::QueueBasicTests::test_full
  it("is full at maxsize and never when unbounded", async () => {
    await inLoop(async () => {
      expect(new Queue().full()).toBe(false);
      const q = new Queue<number>({ maxsize: 1 });
      await q.put(1);
      expect(q.full()).toBe(true);
    });
  });

  // mirrors test_queues.py::QueueBasicTests::test_order
  it("returns items first in, first out", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      const items = [await q.get(), await q.get(), await q.get()];
      expect(items).toEqual([1, 3, 2]);
    });
  });

  // mirrors test_queues.py::QueueBasicTests::test_maxsize
  it("blocks a putter at maxsize until a get frees a slot", async () => {
    await inLoop(async () => {
      const q = new Queue<number>({ maxsize: 2 });
      expect(q.maxsize).toBe(2);
      const haveBeenPut: number[] = [];
      const t = createTask(async () => {
        for (let i = 0; i < 3; i++) {
          await q.put(i);
          haveBeenPut.push(i);
        }
        return true;
      });
      for (let i = 0; i < 2; i++) await sleep(0);
      expect(haveBeenPut).toEqual([0, 1]);
      expect(await q.get()).toBe(0);
      await sleep(0);
      expect(haveBeenPut).toEqual([0, 1, 2]);
      expect(await q.get()).toBe(1);
      expect(await q.get()).toBe(2);
      expect(t.done()).toBe(true);
      expect(t.result()).toBe(true);
    });
  });

  it("validates maxsize", () => {
    expect(new Queue(2).maxsize).toBe(2);
    expect(new Queue(-1).full()).toBe(false);
    expect(() => new Queue(2.5)).toThrow(new TypeError("`maxsize` must be an integer, got 2.5"));
    expect(() => new Queue("2" as unknown as number)).toThrow(TypeError);
    expect(() => new Queue({ loop: null } as never)).toThrow(
      new TypeError("Queue.__init__() got an unexpected keyword argument 'loop'"),
    );
    // Python: the subclasses inherit Queue.__init__, and the message names it.
    for (const Cls of [PriorityQueue, LifoQueue]) {
      expect(() => new Cls({ loop: null } as never)).toThrow(new TypeError("Queue.__init__() got an unexpected keyword argument 'loop'"));
    }
  });

  // mirrors test_queues.py::QueuePutTests::test_float_maxsize
  // Differs from CPython: a fractional maxsize is a TypeError, because a fraction is almost always a
  // mistake here (Python lets Queue(maxsize=1.3) hold 2 items).
  it("rejects a fractional maxsize", () => {
    expect(() => new Queue({ maxsize: 1.3 })).toThrow(TypeError);
  });
});

describe("Queue.get", () => {
  // mirrors test_queues.py::QueueGetTests::test_blocking_get
  it("returns an item that is already there", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      expect(await q.get()).toBe(1);
    });
  });

  // mirrors test_queues.py::QueueGetTests::test_get_with_putters
  it("wakes a waiting putter", async () => {
    await inLoop(async (loop) => {
      const q = new Queue<number>(1);
      await q.put(1);
      const waiter = loop.createFuture() as Future<null>;
      q._putters.push(waiter);
      expect(await q.get()).toBe(1);
      expect(waiter.done()).toBe(true);
      expect(waiter.result()).toBeNull();
    });
  });

  // mirrors test_queues.py::QueueGetTests::test_blocking_get_wait
  it("waits for an item", async () => {
    await inLoop(async (loop) => {
      const q = new Queue<number>();
      const started = new Event();
      let finished = false;
      const task = createTask(async () => {
        started.set();
        const res = await q.get();
        finished = true;
        return res;
      });
      await started.wait();
      expect(finished).toBe(false);
      loop.callLater(0.01, () => q.putNowait(1));
      expect(await task).toBe(1);
      expect(finished).toBe(true);
    });
  });

  // mirrors test_queues.py::QueueGetTests::test_nonblocking_get
  // mirrors test_queues.py::QueuePutTests::test_nonblocking_put
  it("gets without waiting", () => {
    const q = new Queue<number>();
    q.putNowait(1);
    expect(q.getNowait()).toBe(1);
  });

  // mirrors test_queues.py::QueueGetTests::test_nonblocking_get_exception
  it("throws QueueEmpty when getting from an empty queue without waiting", () => {
    expect(() => new Queue().getNowait()).toThrow(QueueEmpty);
  });

  // mirrors test_queues.py::QueueGetTests::test_get_cancelled_race
  it("gives an item to the next getter when one was cancelled", async () => {
    await inLoop(async () => {
      const q = new Queue<string>();
      const t1 = createTask(() => q.get());
      const t2 = createTask(() => q.get());
      await sleep(0);
      t1.cancel();
      await sleep(0);
      expect(t1.done()).toBe(true);
      await q.put("a");
      await sleep(0);
      expect(await t2).toBe("a");
    });
  });

  // mirrors test_queues.py::QueueGetTests::test_get_with_waiting_putters
  it("takes items from waiting putters in order", async () => {
    await inLoop(async () => {
      const q = new Queue<string>({ maxsize: 1 });
      createTask(() => q.put("a"));
      createTask(() => q.put("b"));
      expect(await q.get()).toBe("a");
      expect(await q.get()).toBe("b");
    });
  });

  // mirrors test_queues.py::QueueGetTests::test_why_are_getters_waiting
  it("runs a producer and a consumer through a one-slot queue", async () => {
    await inLoop(async () => {
      const q = new Queue<number>(1);
      await asyncWith(new TaskGroup(), async (tg) => {
        tg.createTask(async () => {
          for (let i = 0; i < 5; i++) await q.put(i);
        });
        tg.createTask(async () => {
          for (let i = 0; i < 5; i++) await q.get();
        });
      });
      expect(q.empty()).toBe(true);
    });
  });

  // mirrors test_queues.py::QueueGetTests::test_cancelled_getters_not_being_held_in_self_getters
  it("drops a timed-out getter from its getters", async () => {
    await inLoop(async () => {
      const q = new Queue<number>({ maxsize: 5 });
      await expect(waitFor(() => q.get(), 0.01)).rejects.toBeInstanceOf(TimeoutError);
      expect(q._getters.length).toBe(0);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_get_cancel_drop_one_pending_reader
  it("never loses an item to a getter cancelled after being woken", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      let reader = createTask(() => q.get());
      await sleep(0);
      q.putNowait(1);
      q.putNowait(2);
      reader.cancel();
      try {
        await reader;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        reader = createTask(() => q.get());
        await reader;
      }
      // Getting 2 would mean 1 was dropped.
      expect(reader.result()).toBe(1);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_get_cancel_drop_many_pending_readers
  it("hands both items to the remaining getters when one of three is cancelled", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      const readers: Task<number>[] = [];
      await asyncWith(new TaskGroup(), async (tg) => {
        const reader1 = tg.createTask(() => q.get());
        readers.push(tg.createTask(() => q.get()), tg.createTask(() => q.get()));
        await sleep(0);
        q.putNowait(1);
        q.putNowait(2);
        reader1.cancel();
        await expect(reader1).rejects.toBeInstanceOf(CancelledError);
        await readers[1];
      });
      // It is undefined in which order concurrent readers receive results.
      expect(new Set(readers.map((r) => r.result()))).toEqual(new Set([1, 2]));
    });
  });
});

describe("Queue.put", () => {
  // mirrors test_queues.py::QueuePutTests::test_blocking_put
  it("does not block on an unbounded queue", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      await q.put(1);
      expect(await q.get()).toBe(1);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_blocking_put_wait
  it("waits for a free slot", async () => {
    await inLoop(async (loop) => {
      const q = new Queue<number>({ maxsize: 1 });
      const started = new Event();
      let finished = false;
      loop.callLater(0.01, () => q.getNowait());
      const task = createTask(async () => {
        started.set();
        await q.put(1);
        await q.put(2);
        finished = true;
      });
      await started.wait();
      expect(finished).toBe(false);
      await task;
      expect(finished).toBe(true);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_put_cancel_drop
  it("never inserts the item of a cancelled put", async () => {
    await inLoop(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      let writer = createTask(() => q.put(2));
      await sleep(0);
      expect(q.getNowait()).toBe(1);
      writer.cancel();
      try {
        await writer;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        writer = createTask(() => q.put(2));
        await writer;
      }
      expect(q.getNowait()).toBe(2);
      expect(q.qsize()).toBe(0);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_nonblocking_put_exception
  it("throws QueueFull when putting into a full queue without waiting", () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(1);
    expect(() => q.putNowait(2)).toThrow(QueueFull);
  });

  // mirrors test_queues.py::QueuePutTests::test_put_cancelled
  it("completes a put when the item is taken", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      const t = createTask(async () => {
        await q.put(1);
        return true;
      });
      expect(await q.get()).toBe(1);
      expect(t.done()).toBe(true);
      expect(t.result()).toBe(true);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_put_cancelled_race
  it("skips a cancelled putter when a slot frees", async () => {
    await inLoop(async () => {
      const q = new Queue<string>({ maxsize: 1 });
      const putA = createTask(() => q.put("a"));
      const putB = createTask(() => q.put("b"));
      const putC = createTask(() => q.put("X"));
      await sleep(0);
      expect(putA.done()).toBe(true);
      expect(putB.done()).toBe(false);
      putC.cancel();
      await sleep(0);
      expect(putC.done()).toBe(true);
      expect(q.getNowait()).toBe("a");
      await sleep(0);
      expect(q.getNowait()).toBe("b");
      await putB;
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_put_with_waiting_getters
  it("hands an item to a waiting getter", async () => {
    await inLoop(async () => {
      const q = new Queue<string>();
      const t = createTask(() => q.get());
      await sleep(0);
      await q.put("a");
      expect(await t).toBe("a");
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_why_are_putters_waiting
  it("wakes every putter as a getter drains the queue", async () => {
    await inLoop(async () => {
      const queue = new Queue<number>(2);
      await asyncWith(new TaskGroup(), async (tg) => {
        tg.createTask(async () => {
          await sleep(0);
          const num = queue.qsize();
          for (let i = 0; i < num; i++) queue.getNowait();
        });
        for (let i = 0; i < 4; i++) tg.createTask(() => queue.put(i));
      });
      expect(queue.qsize()).toBe(2);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_cancelled_puts_not_being_held_in_self_putters
  it("drops a cancelled putter from its putters", async () => {
    await inLoop(async () => {
      const queue = new Queue<number>({ maxsize: 1 });
      queue.putNowait(1);
      const putTask = createTask(() => queue.put(1));
      await sleep(0);
      expect(queue._putters.length).toBe(1);
      putTask.cancel();
      await expect(putTask).rejects.toBeInstanceOf(CancelledError);
      expect(queue._putters.length).toBe(0);
    });
  });

  // mirrors test_queues.py::QueuePutTests::test_cancelled_put_silence_value_error_exception
  it("tolerates a putter already removed by getNowait", async () => {
    await inLoop(async () => {
      const queue = new Queue<number>(1);
      queue.putNowait(1);
      const putTask = createTask(() => queue.put(1));
      await sleep(0);
      queue.getNowait();
      putTask.cancel();
      await expect(putTask).rejects.toBeInstanceOf(CancelledError);
    });
  });
});

describe("LifoQueue", () => {
  // mirrors test_queues.py::LifoQueueTests::test_order
  it("returns the last item put first", async () => {
    await inLoop(async () => {
      const q = new LifoQueue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      expect([await q.get(), await q.get(), await q.get()]).toEqual([2, 3, 1]);
    });
  });
});

describe("PriorityQueue", () => {
  // mirrors test_queues.py::PriorityQueueTests::test_order
  it("returns the smallest item first", async () => {
    await inLoop(async () => {
      const q = new PriorityQueue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      expect([await q.get(), await q.get(), await q.get()]).toEqual([1, 2, 3]);
    });
  });

  it("orders arrays like Python tuples, and strings by code point", () => {
    const q = new PriorityQueue<[number, string] | [number]>();
    for (const item of [[2, "b"], [1, "z"], [2, "a"], [1], [10, "x"]] as ([number, string] | [number])[]) q.putNowait(item);
    const out = [];
    while (!q.empty()) out.push(q.getNowait());
    expect(out).toEqual([[1], [1, "z"], [2, "a"], [2, "b"], [10, "x"]]);

    const s = new PriorityQueue<string>();
    for (const item of ["\u{1F600}", "\uFF01", "b", "a"]) s.putNowait(item);
    // Python: 'a' < 'b' < '\uff01' < '\U0001f600' (JavaScript's `<` puts the emoji first).
    expect([s.getNowait(), s.getNowait(), s.getNowait(), s.getNowait()]).toEqual(["a", "b", "\uFF01", "\u{1F600}"]);
  });

  it("keeps Python's heap layout in its repr", () => {
    const q = new PriorityQueue<number>();
    for (const i of [5, 3, 8, 1]) q.putNowait(i);
    q.getNowait();
    // PYENV_VERSION=3.13.0 python3.13: heapq after pushes 5,3,8,1 and one pop gives [3, 5, 8].
    expect(String(q)).toBe("<PriorityQueue maxsize=0 _queue=[3, 5, 8] tasks=4>");
  });

  it("compares tuples as Python does: equal items are skipped, the first unequal pair decides", () => {
    // PYENV_VERSION=3.13.0 python3.13: equal Nones need no order; a NaN in the deciding pair is
    // neither less nor greater, so heapq keeps the order of arrival where it sits.
    const drain = (items: unknown[]): unknown[] => {
      const q = new PriorityQueue<unknown>();
      for (const item of items) q.putNowait(item);
      const out: unknown[] = [];
      while (!q.empty()) out.push(q.getNowait());
      return out;
    };
    expect(drain([[1, null], [0, "a", null], [1, null], [0, "a", null]])).toEqual([[0, "a", null], [0, "a", null], [1, null], [1, null]]);
    expect(drain([[1, "b"], [Number.NaN, "a"], [0, "c"]])).toEqual([[0, "c"], [Number.NaN, "a"], [1, "b"]]);
    expect(drain([[2, "z"], [Number.NaN, "a"]])).toEqual([[2, "z"], [Number.NaN, "a"]]);
    const q = new PriorityQueue<unknown>();
    q.putNowait([1, null]);
    expect(() => q.putNowait([1, "x"])).toThrow(new TypeError("'<' not supported between instances of 'str' and 'NoneType'"));
  });

  it("throws Python's TypeError for items it cannot order", () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait(1);
    expect(() => q.putNowait("a")).toThrow(new TypeError("'<' not supported between instances of 'str' and 'int'"));
  });

  it("takes a comparator, positionally after maxsize or in the options", () => {
    const byLength = (a: string, b: string) => a.length - b.length;
    const q = new PriorityQueue<string>(3, { comparator: byLength });
    expect(q.maxsize).toBe(3);
    for (const item of ["ccc", "a", "bb"]) q.putNowait(item);
    expect(q.full()).toBe(true);
    expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual(["a", "bb", "ccc"]);
    const r = new PriorityQueue<number>({ maxsize: 0, comparator: (a, b) => b - a });
    for (const item of [1, 3, 2]) r.putNowait(item);
    expect([r.getNowait(), r.getNowait(), r.getNowait()]).toEqual([3, 2, 1]);
    expect(() => new PriorityQueue({ comparator: 5 as never })).toThrow(TypeError);
  });
});

const queueClasses = [
  ["Queue", Queue],
  ["LifoQueue", LifoQueue],
  ["PriorityQueue", PriorityQueue],
] as const;

describe.each(queueClasses)("%s.join", (_name, QueueClass) => {
  // mirrors test_queues.py::_QueueJoinTestMixin::test_task_done_underflow
  it("throws when taskDone is called too often", () => {
    const q = new QueueClass();
    expect(() => q.taskDone()).toThrow(new RangeError("task_done() called too many times"));
  });

  // mirrors test_queues.py::_QueueJoinTestMixin::test_task_done
  it("returns once every item is marked done", async () => {
    await inLoop(async () => {
      const q = new QueueClass<number>();
      for (let i = 0; i < 100; i++) q.putNowait(i);
      let accumulator = 0;
      let running = true;
      const worker = async () => {
        while (running) {
          const item = await q.get();
          accumulator += item;
          q.taskDone();
        }
      };
      await asyncWith(new TaskGroup(), async (tg) => {
        const tasks = [tg.createTask(worker), tg.createTask(worker)];
        await q.join();
        expect(accumulator).toBe(4950);
        running = false;
        for (let i = 0; i < tasks.length; i++) q.putNowait(0);
      });
    });
  });

  // mirrors test_queues.py::_QueueJoinTestMixin::test_join_empty_queue
  it("joins an empty queue at once", async () => {
    await inLoop(async () => {
      const q = new QueueClass();
      await q.join();
      await q.join();
    });
  });

  // mirrors test_queues.py::_QueueJoinTestMixin::test_format
  it("formats its unfinished tasks", () => {
    const q = new QueueClass();
    expect(q._format()).toBe("maxsize=0");
    q._unfinishedTasks = 2;
    expect(q._format()).toBe("maxsize=0 tasks=2");
  });
});

describe.each(queueClasses)("%s.shutdown", (_name, QueueClass) => {
  // mirrors test_queues.py::_QueueShutdownTestMixin::test_format
  it("formats its shutdown state", () => {
    const q = new QueueClass();
    q.shutdown();
    expect(q._format()).toBe("maxsize=0 shutdown");
  });

  const expectShutdown = async (q: Queue<string>) => {
    await expect(q.put("data")).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => q.putNowait("data")).toThrow(QueueShutDown);
    await expect(q.get()).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => q.getNowait()).toThrow(QueueShutDown);
  };

  // mirrors test_queues.py::_QueueShutdownTestMixin::test_shutdown_empty
  it("wakes a waiting getter with QueueShutDown", async () => {
    await inLoop(async (loop) => {
      const q = new QueueClass<string>();
      const getTask = loop.createTask(() => q.get());
      await sleep(0);
      q.shutdown(false);
      expect(q.qsize()).toBe(0);
      await q.join();
      await sleep(0);
      expect(getTask.done()).toBe(true);
      await expect(getTask).rejects.toBeInstanceOf(QueueShutDown);
      await expectShutdown(q);
    });
  });

  // mirrors test_queues.py::_QueueShutdownTestMixin::test_shutdown_nonempty
  it("lets items be drained after a shutdown, and wakes putters with QueueShutDown", async () => {
    await inLoop(async (loop) => {
      const q = new QueueClass<string>({ maxsize: 1 });
      q.putNowait("data");
      const joinTask = loop.createTask(() => q.join());
      const putTask = loop.createTask(() => q.put("data2"));
      await sleep(0);
      expect(putTask.done()).toBe(false);
      q.shutdown(false);
      expect(q.qsize()).toBe(1);
      await sleep(0);
      expect(putTask.done()).toBe(true);
      await expect(putTask).rejects.toBeInstanceOf(QueueShutDown);
      expect(await q.get()).toBe("data");
      await sleep(0);
      expect(joinTask.done()).toBe(false);
      await expectShutdown(q);
      q.taskDone();
      await sleep(0);
      expect(joinTask.done()).toBe(true);
      await joinTask;
      expect(() => q.taskDone()).toThrow(RangeError);
    });
  });

  // mirrors test_queues.py::_QueueShutdownTestMixin::test_shutdown_immediate
  it("drops the items and releases join on an immediate shutdown", async () => {
    await inLoop(async (loop) => {
      const q = new QueueClass<string>();
      q.putNowait("data");
      const joinTask = loop.createTask(() => q.join());
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      await sleep(0);
      expect(joinTask.done()).toBe(true);
      await joinTask;
      await expectShutdown(q);
      expect(() => q.taskDone()).toThrow(RangeError);
    });
  });

  // mirrors test_queues.py::_QueueShutdownTestMixin::test_shutdown_immediate_with_unfinished
  it("keeps join waiting for items taken before an immediate shutdown", async () => {
    await inLoop(async (loop) => {
      const q = new QueueClass<string>();
      q.putNowait("data");
      q.putNowait("data");
      const joinTask = loop.createTask(() => q.join());
      expect(await q.get()).toBe("data");
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      await sleep(0);
      expect(joinTask.done()).toBe(false);
      await expectShutdown(q);
      q.taskDone();
      expect(() => q.taskDone()).toThrow(RangeError);
      await sleep(0);
      expect(joinTask.done()).toBe(true);
      await joinTask;
    });
  });
});

describe("Queue (addition)", () => {
  it("is an async iterable that ends when the queue is shut down and drained", async () => {
    await inLoop(async () => {
      const q = new Queue<number>(2);
      const seen: number[] = [];
      const consumer = createTask(async () => {
        for await (const item of q) {
          seen.push(item);
          q.taskDone();
        }
        return "ended";
      });
      for (let i = 0; i < 5; i++) await q.put(i);
      await q.join();
      q.shutdown();
      expect(await consumer).toBe("ended");
      expect(seen).toEqual([0, 1, 2, 3, 4]);
    });
  });

  it("propagates a cancel out of the iteration without taking an item", async () => {
    await inLoop(async () => {
      const q = new Queue<number>();
      const consumer = createTask(async () => {
        for await (const item of q) void item;
      });
      await sleep(0);
      consumer.cancel();
      await expect(consumer).rejects.toBeInstanceOf(CancelledError);
      q.putNowait(7);
      expect(q.getNowait()).toBe(7);
    });
  });

  it("is bound to the first loop that waits on it", async () => {
    const q = new Queue<number>();
    await inLoop(async () => {
      createTask(() => q.get());
      await sleep(0);
      q.putNowait(1);
      await sleep(0);
    });
    await inLoop(async () => {
      await expect(q.get()).rejects.toThrow(/^<Queue maxsize=0 tasks=1> is bound to a different event loop$/);
    });
  });
});
