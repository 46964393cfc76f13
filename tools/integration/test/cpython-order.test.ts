/**
 * Whole programs mixing tasks, callbacks, timers, futures, cancellation, queues, locks, a
 * TaskGroup, a timeout, shield and a semaphore, whose event order must equal CPython 3.13's.
 * The expected lines were printed by the same programs run with python3.13 (shown in comments).
 */
import { describe, expect, it } from "vitest";
import { CancelledError, TimeoutError, asyncWith, getRunningLoop } from "@aio/core";
import type { Future } from "@aio/futures";
import { Queue } from "@aio/queues";
import { Event, Lock, Semaphore } from "@aio/sync";
import { TaskGroup, createTask, gather, run, shield, sleep, timeout } from "@aio/tasks";
import type { Task } from "@aio/tasks";

describe("event order (CPython 3.13 parity)", () => {
  // async def child(name, n): for i in range(n): log.append(f"{name}{i}"); await asyncio.sleep(0)
  // a, b = create_task(child("a", 3)), create_task(child("b", 5)); w = create_task(waiter(a));
  // c = create_task(canceller(b)); call_soon(log "cb1"); call_later(0, log "later0");
  // fut.add_done_callback(log "fut done cb"); call_soon(fut.set_result, 7); r = await fut; ...
  it("interleaves task steps, callbacks, timers, future callbacks and a cancel as CPython does", async () => {
    const log: string[] = [];
    const child = async (name: string, n: number): Promise<string> => {
      for (let i = 0; i < n; i++) {
        log.push(`${name}${i}`);
        await sleep(0);
      }
      return name;
    };
    await run(async () => {
      const loop = getRunningLoop();
      const a = createTask(() => child("a", 3));
      const b = createTask(() => child("b", 5));
      const w = createTask(async () => {
        log.push(`waiter got ${await a}`);
      });
      createTask(async () => {
        await sleep(0);
        log.push("cancel b");
        b.cancel();
      });
      const fut = loop.createFuture<number>() as Future<number>;
      loop.callSoon(() => log.push("cb1"));
      loop.callLater(0, () => log.push("later0"));
      fut.addDoneCallback(() => log.push("fut done cb"));
      loop.callSoon((value: number) => fut.setResult(value), 7);
      log.push("main awaits fut");
      log.push(`main got ${await fut}`);
      try {
        await b;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        log.push("b cancelled");
      }
      await w;
      const results = await gather(() => child("g", 2), () => child("h", 1), { returnExceptions: true });
      log.push(`gather ['${results.join("', '")}']`);
    });
    expect(log).toEqual([
      "main awaits fut", "a0", "b0", "cb1", "later0", "a1", "b1", "cancel b", "fut done cb",
      "main got 7", "a2", "b cancelled", "waiter got a", "g0", "h0", "g1", "gather ['g', 'h']",
    ]);
  });

  // Queue(2) with a producer and two consumers in a TaskGroup; three tasks taking a Lock across
  // sleep(0) and an Event; timeout(0.001) around shield(inner); Semaphore(2) with four tasks.
  it("orders queue hand-offs, lock hand-offs, a shielded timeout and a semaphore as CPython does", async () => {
    const log: string[] = [];
    await run(async () => {
      const q = new Queue<number | null>(2);
      const producer = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i++) {
          await q.put(i);
          log.push(`put${i}`);
        }
        await q.put(null);
      };
      const consumer = async (name: string): Promise<void> => {
        let item: number | null;
        while ((item = await q.get()) !== null) {
          log.push(`${name} got ${item}`);
          q.taskDone();
        }
        q.taskDone();
        await q.put(null);
      };
      await asyncWith(new TaskGroup(), async (tg) => {
        tg.createTask(() => producer(4));
        tg.createTask(() => consumer("c1"));
        tg.createTask(() => consumer("c2"));
      });
      const lock = new Lock();
      const event = new Event();
      const lockers: Task<void>[] = [0, 1, 2].map((i) =>
        createTask(async () => {
          await asyncWith(lock, async () => {
            log.push(`L${i} holds`);
            await sleep(0);
            log.push(`L${i} releases`);
          });
          if (i === 2) event.set();
        }),
      );
      await event.wait();
      log.push("event seen");
      await gather(lockers);
      const inner = createTask(() => sleep(0.01, "inner"));
      try {
        await asyncWith(timeout(0.001), async () => {
          await shield(inner);
        });
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        log.push(`timeout; inner done=${inner.done() ? "True" : "False"}`);
      }
      log.push(`inner=${await inner}`);
      const sem = new Semaphore(2);
      await gather(
        [0, 1, 2, 3].map((i) => () =>
          asyncWith(sem, async () => {
            log.push(`s${i} in`);
            await sleep(0);
            log.push(`s${i} out`);
          }),
        ),
      );
    });
    expect(log).toEqual([
      "put0", "put1", "c1 got 0", "c1 got 1", "put2", "put3", "c1 got 2", "c1 got 3",
      "L0 holds", "L0 releases", "L1 holds", "L1 releases", "L2 holds", "L2 releases", "event seen",
      "timeout; inner done=False", "inner=inner",
      "s0 in", "s1 in", "s0 out", "s1 out", "s2 in", "s3 in", "s2 out", "s3 out",
    ]);
  });
});
