/**
 * Whole programs on cancellation and structured concurrency edge cases whose output must equal
 * CPython 3.13's: cancel counts across nested timeouts and TaskGroups, reschedule(), stale
 * cancel requests, children that end cancelled, create_task on a closing group, cancel messages
 * through gather/shield/waitFor/wait, a waitFor whose task ignores the cancel, asCompleted with
 * timeouts, eager tasks, reprs through a task's life, currentTask in callbacks, and the order of
 * task wakeups, sleep(0) rounds and done callbacks. It adds to parity-tasks and parity-runners,
 * whose programs it does not repeat.
 *
 * Each test is the TypeScript port of a small asyncio program (its source is in the comment above
 * the test) and compares the lines it logs with what `python3.13` printed. Every Python program
 * starts with this prelude, mirrored below, and ends with `for l in log: print(l)`:
 *
 *     import asyncio, contextvars, re
 *     class Boom(Exception): pass
 *     class Oops(Exception): pass
 *     def B(x): return "True" if x else "False"
 *     def fmt(e):
 *         if isinstance(e, BaseExceptionGroup):
 *             return f"{type(e).__name__}: {e.message} [{', '.join(fmt(x) for x in e.exceptions)}]"
 *         n = type(e).__name__
 *         return f"{'RangeError' if n == 'ValueError' else n}: {e}"
 *     log = []
 *
 * Timed programs run on VirtualTimeEventLoop; CPython ran them in real time, with deadlines at
 * least 25 ms apart so that a busy machine keeps the order. Python's TaskGroup cancels its
 * children in set (hash) order and as_completed() registers in set order, so the programs avoid
 * logging where that order would show. Default task names ("Task-N") are normalized.
 *
 * The file is long because every test carries its Python program and CPython's output; it stays
 * whole so that each program can be re-run next to its port.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CancelledError, ExceptionGroup, RuntimeError, TimeoutError, asyncWith, copyContext, getRunningLoop } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, ExceptionContext } from "@aio/core";
import type { Future } from "@aio/futures";
import { VirtualTimeEventLoop } from "@aio/loop";
import type { Awaitable, Task, Timeout } from "@aio/tasks";
import { FIRST_COMPLETED, FIRST_EXCEPTION, TaskGroup, asCompleted, createTask, currentTask, eagerTaskFactory, gather, run, shield, sleep, timeout, timeoutAt, wait, waitFor } from "@aio/tasks";
import { B, Boom, Oops } from "./support/parity.js";

/** The Python programs' `fmt(e)`: class name and message; a group lists its members. */
function fmt(e: unknown): string {
  if (e instanceof ExceptionGroup) return `${e.name}: ${e.message} [${e.exceptions.map(fmt).join(", ")}]`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `thrown ${String(e)}`;
}

/** Python's `repr()` of None, a bool, a number, a str or a list of those. */
function pyRepr(x: unknown): string {
  if (x === null || x === undefined) return "None";
  if (typeof x === "string") return `'${x}'`;
  if (typeof x === "boolean") return B(x);
  if (Array.isArray(x)) return `[${x.map(pyRepr).join(", ")}]`;
  if (typeof x === "number") return String(x);
  return `<${typeof x}>`;
}

/** `asyncio.run(main())` on a virtual-time loop: deadlines keep their order, no real waiting. */
function vrun<T>(main: () => Promise<T>): Promise<T> {
  return run(main, { loopFactory: () => new VirtualTimeEventLoop() });
}

describe("cancellation and structured concurrency edge cases (CPython 3.13 parity)", () => {
  // Python program c01:
  // # nested timeout() blocks: cancelling() at each level as the inner, then the outer, deadline fires
  // async def main():
  //     me = asyncio.current_task()
  //     try:
  //         async with asyncio.timeout(0.25) as outer:
  //             try:
  //                 async with asyncio.timeout(0.05) as inner:
  //                     try:
  //                         await asyncio.sleep(1)
  //                     except asyncio.CancelledError as e:
  //                         log.append(f"inner body {fmt(e)} cancelling={me.cancelling()}")
  //                         raise
  //             except TimeoutError as e:
  //                 log.append(f"inner {fmt(e)} cause={fmt(e.__cause__)} cancelling={me.cancelling()}")
  //                 log.append(f"inner.expired={B(inner.expired())} outer.expired={B(outer.expired())} {inner!r}")
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"outer body {fmt(e)} cancelling={me.cancelling()} {outer!r}")
  //                 raise
  //     except TimeoutError as e:
  //         log.append(f"outer {fmt(e)} cancelling={me.cancelling()} {outer!r}")
  //     # three levels: the middle deadline fires; the innermost lets the CancelledError through
  //     try:
  //         async with asyncio.timeout(1) as a:
  //             async with asyncio.timeout(0.05) as b:
  //                 async with asyncio.timeout(1) as c:
  //                     try:
  //                         await asyncio.sleep(1)
  //                     except asyncio.CancelledError:
  //                         log.append(f"c body cancelling={me.cancelling()}")
  //                         raise
  //             log.append("after b: not reached")
  //     except TimeoutError as e:
  //         log.append(f"3 levels: {fmt(e)} a={a!r} b={b!r} c={c!r} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c01: nested timeouts: cancelling() at each level as the inner, then the outer, deadline fires", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const outer = timeout(0.25);
      try {
        await asyncWith(outer, async () => {
          const inner = timeout(0.05);
          try {
            await asyncWith(inner, async () => {
              try {
                await sleep(1);
              } catch (e) {
                if (e instanceof CancelledError) log.push(`inner body ${fmt(e)} cancelling=${me.cancelling()}`);
                throw e;
              }
            });
          } catch (e) {
            if (!(e instanceof TimeoutError)) throw e;
            log.push(`inner ${fmt(e)} cause=${fmt(e.cause)} cancelling=${me.cancelling()}`);
            log.push(`inner.expired=${B(inner.expired())} outer.expired=${B(outer.expired())} ${String(inner)}`);
          }
          try {
            await sleep(1);
          } catch (e) {
            if (e instanceof CancelledError) log.push(`outer body ${fmt(e)} cancelling=${me.cancelling()} ${String(outer)}`);
            throw e;
          }
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`outer ${fmt(e)} cancelling=${me.cancelling()} ${String(outer)}`);
      }
      const a = timeout(1);
      const b = timeout(0.05);
      const c = timeout(1);
      try {
        await asyncWith(a, async () => {
          await asyncWith(b, () =>
            asyncWith(c, async () => {
              try {
                await sleep(1);
              } catch (e) {
                if (e instanceof CancelledError) log.push(`c body cancelling=${me.cancelling()}`);
                throw e;
              }
            }),
          );
          log.push("after b: not reached");
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`3 levels: ${fmt(e)} a=${String(a)} b=${String(b)} c=${String(c)} cancelling=${me.cancelling()}`);
      }
    });
    expect(log).toEqual([
      "inner body CancelledError:  cancelling=1",
      "inner TimeoutError:  cause=CancelledError:  cancelling=0",
      "inner.expired=True outer.expired=False <Timeout [expired]>",
      "outer body CancelledError:  cancelling=1 <Timeout [expiring]>",
      "outer TimeoutError:  cancelling=0 <Timeout [expired]>",
      "c body cancelling=1",
      "3 levels: TimeoutError:  a=<Timeout [finished]> b=<Timeout [expired]> c=<Timeout [finished]> cancelling=0"
    ]);
  });

  // Python program c02:
  // # timeout() and the cancel count: the body withdraws the timeout's cancel itself, a stale count
  // # from a swallowed outside cancel, and an outside cancel after the body swallowed the deadline
  // async def main():
  //     me = asyncio.current_task()
  //     # 1: the body calls uncancel() and re-raises: still a TimeoutError
  //     try:
  //         async with asyncio.timeout(0.05):
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError:
  //                 log.append(f"1: body uncancel -> {me.uncancel()} then {me.uncancel()}")
  //                 raise
  //     except TimeoutError as e:
  //         log.append(f"1: {fmt(e)} cancelling={me.cancelling()}")
  //     # 2: a stale count: an outside cancel was swallowed without uncancel()
  //     async def stale():
  //         t = asyncio.current_task()
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError as e:
  //             log.append(f"2: swallowed {fmt(e)} cancelling={t.cancelling()}")
  //         try:
  //             async with asyncio.timeout(0.05) as cm:
  //                 await asyncio.sleep(1)
  //         except TimeoutError as e:
  //             log.append(f"2: {fmt(e)} expired={B(cm.expired())} cancelling={t.cancelling()}")
  //         await asyncio.sleep(0)
  //         log.append(f"2: goes on cancelling={t.cancelling()}")
  //         return "stale-done"
  //     t = asyncio.create_task(stale())
  //     await asyncio.sleep(0)
  //     t.cancel("outside")
  //     log.append(f"2: -> {await t}")
  //     # 3: the body swallows the deadline's cancel; a later outside cancel is not turned into TimeoutError
  //     async def swallower():
  //         t = asyncio.current_task()
  //         async with asyncio.timeout(0.05) as cm:
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"3: deadline swallowed {fmt(e)} cancelling={t.cancelling()} {cm!r}")
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"3: second cancel {fmt(e)} cancelling={t.cancelling()}")
  //                 raise
  //     t = asyncio.create_task(swallower())
  //     await asyncio.sleep(0.25)
  //     t.cancel("late")
  //     try:
  //         await t
  //     except BaseException as e:
  //         log.append(f"3: {fmt(e)} cancelled={B(t.cancelled())} cancelling={t.cancelling()}")
  //     # 4: the body swallows the deadline and calls uncancel(): the block ends normally
  //     async with asyncio.timeout(0.05) as cm:
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError:
  //             log.append(f"4: uncancel -> {me.uncancel()}")
  //         await asyncio.sleep(0)
  //         log.append(f"4: body goes on {cm!r}")
  //     log.append(f"4: after {cm!r} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c02: timeout and the cancel count: uncancel() in the body, a stale count, an outside cancel after a swallowed deadline", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      try {
        await asyncWith(timeout(0.05), async () => {
          try {
            await sleep(1);
          } catch (e) {
            if (e instanceof CancelledError) log.push(`1: body uncancel -> ${me.uncancel()} then ${me.uncancel()}`);
            throw e;
          }
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`1: ${fmt(e)} cancelling=${me.cancelling()}`);
      }
      const stale = async (): Promise<string> => {
        const t = currentTask()!;
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`2: swallowed ${fmt(e)} cancelling=${t.cancelling()}`);
        }
        const cm = timeout(0.05);
        try {
          await asyncWith(cm, () => sleep(1));
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          log.push(`2: ${fmt(e)} expired=${B(cm.expired())} cancelling=${t.cancelling()}`);
        }
        await sleep(0);
        log.push(`2: goes on cancelling=${t.cancelling()}`);
        return "stale-done";
      };
      let t: Task<unknown> = createTask(stale);
      await sleep(0);
      t.cancel("outside");
      log.push(`2: -> ${String(await t)}`);
      const swallower = async (): Promise<void> => {
        const self = currentTask()!;
        const cm = timeout(0.05);
        await asyncWith(cm, async () => {
          try {
            await sleep(1);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            log.push(`3: deadline swallowed ${fmt(e)} cancelling=${self.cancelling()} ${String(cm)}`);
          }
          try {
            await sleep(1);
          } catch (e) {
            if (e instanceof CancelledError) log.push(`3: second cancel ${fmt(e)} cancelling=${self.cancelling()}`);
            throw e;
          }
        });
      };
      t = createTask(swallower);
      await sleep(0.25);
      t.cancel("late");
      try {
        await t;
      } catch (e) {
        log.push(`3: ${fmt(e)} cancelled=${B(t.cancelled())} cancelling=${t.cancelling()}`);
      }
      const cm = timeout(0.05);
      await asyncWith(cm, async () => {
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`4: uncancel -> ${me.uncancel()}`);
        }
        await sleep(0);
        log.push(`4: body goes on ${String(cm)}`);
      });
      log.push(`4: after ${String(cm)} cancelling=${me.cancelling()}`);
    });
    expect(log).toEqual([
      "1: body uncancel -> 0 then 0",
      "1: TimeoutError:  cancelling=0",
      "2: swallowed CancelledError: outside cancelling=1",
      "2: TimeoutError:  expired=True cancelling=1",
      "2: goes on cancelling=1",
      "2: -> stale-done",
      "3: deadline swallowed CancelledError:  cancelling=1 <Timeout [expiring]>",
      "3: second cancel CancelledError: late cancelling=2",
      "3: CancelledError: late cancelled=True cancelling=1",
      "4: uncancel -> 0",
      "4: body goes on <Timeout [expiring]>",
      "4: after <Timeout [expired]> cancelling=0"
    ]);
  });

  // Python program c03:
  // # Timeout.reschedule() edge cases: into the past then away again in the same step, to exactly now,
  // # when()/expired()/repr while expiring, reschedule(None) on an expired-but-swallowed block
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     me = asyncio.current_task()
  //     # 1: into the past, then to None before the loop runs: never fires
  //     async with asyncio.timeout(10) as cm:
  //         cm.reschedule(loop.time() - 5)
  //         cm.reschedule(None)
  //         await asyncio.sleep(0.05)
  //         log.append(f"1: survived when={cm.when()} expired={B(cm.expired())} {cm!r}")
  //     log.append(f"1: after {cm!r}")
  //     # 2: into the past, then into the future before it fires: fires at the new deadline only
  //     try:
  //         async with asyncio.timeout(10) as cm:
  //             cm.reschedule(loop.time() - 5)
  //             cm.reschedule(loop.time() + 0.1)
  //             await asyncio.sleep(0.05)
  //             log.append(f"2: still running expired={B(cm.expired())}")
  //             await asyncio.sleep(1)
  //     except TimeoutError:
  //         log.append(f"2: TimeoutError expired={B(cm.expired())}")
  //     # 3: to exactly now: fires at the next iteration, after callbacks queued before it
  //     try:
  //         async with asyncio.timeout(None) as cm:
  //             loop.call_soon(log.append, "3: queued before")
  //             cm.reschedule(loop.time())
  //             loop.call_soon(log.append, "3: queued after")
  //             log.append(f"3: when is set={B(cm.when() is not None)} expired={B(cm.expired())}")
  //             await asyncio.sleep(0)
  //             log.append("3: not reached")
  //     except TimeoutError:
  //         log.append(f"3: TimeoutError {cm!r}")
  //     # 4: the body swallows the deadline: when() keeps the deadline, reschedule() is refused
  //     async with asyncio.timeout(0.05) as cm:
  //         deadline = cm.when()
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError:
  //             log.append(f"4: expiring {cm!r} same when={B(cm.when() == deadline)} expired={B(cm.expired())}")
  //         for when in (None, loop.time() + 1):
  //             try:
  //                 cm.reschedule(when)
  //             except RuntimeError as e:
  //                 log.append(f"4: reschedule: {fmt(e)}")
  //         me.uncancel()
  //     log.append(f"4: after {cm!r} cancelling={me.cancelling()}")
  //     # 5: a timeout rescheduled by another task while this one waits in an inner block
  //     async def nudger(cm):
  //         await asyncio.sleep(0.05)
  //         cm.reschedule(loop.time())
  //         log.append("5: nudged to now")
  //     try:
  //         async with asyncio.timeout(10) as cm:
  //             n = asyncio.create_task(nudger(cm))
  //             async with asyncio.timeout(5) as inner:
  //                 await asyncio.sleep(1)
  //     except TimeoutError:
  //         log.append(f"5: outer TimeoutError inner={inner!r} outer={cm!r}")
  //     await n
  // asyncio.run(main())
  it("c03: reschedule() into the past and away again, to exactly now, while expiring, from another task", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const me = currentTask()!;
      let cm = timeout(10);
      await asyncWith(cm, async () => {
        cm.reschedule(loop.time() - 5);
        cm.reschedule(null);
        await sleep(0.05);
        log.push(`1: survived when=${pyRepr(cm.when())} expired=${B(cm.expired())} ${String(cm)}`);
      });
      log.push(`1: after ${String(cm)}`);
      cm = timeout(10);
      try {
        await asyncWith(cm, async () => {
          cm.reschedule(loop.time() - 5);
          cm.reschedule(loop.time() + 0.1);
          await sleep(0.05);
          log.push(`2: still running expired=${B(cm.expired())}`);
          await sleep(1);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`2: TimeoutError expired=${B(cm.expired())}`);
      }
      cm = timeout(null);
      try {
        await asyncWith(cm, async () => {
          loop.callSoon(() => log.push("3: queued before"));
          cm.reschedule(loop.time());
          loop.callSoon(() => log.push("3: queued after"));
          log.push(`3: when is set=${B(cm.when() !== null)} expired=${B(cm.expired())}`);
          await sleep(0);
          log.push("3: not reached");
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`3: TimeoutError ${String(cm)}`);
      }
      cm = timeout(0.05);
      await asyncWith(cm, async () => {
        const deadline = cm.when();
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`4: expiring ${String(cm)} same when=${B(cm.when() === deadline)} expired=${B(cm.expired())}`);
        }
        for (const when of [null, loop.time() + 1]) {
          try {
            cm.reschedule(when);
          } catch (e) {
            if (!(e instanceof RuntimeError)) throw e;
            log.push(`4: reschedule: ${fmt(e)}`);
          }
        }
        me.uncancel();
      });
      log.push(`4: after ${String(cm)} cancelling=${me.cancelling()}`);
      const nudger = async (target: Timeout): Promise<void> => {
        await sleep(0.05);
        target.reschedule(loop.time());
        log.push("5: nudged to now");
      };
      cm = timeout(10);
      const inner = timeout(5);
      let n = null as Task<void> | null;
      try {
        await asyncWith(cm, async () => {
          n = createTask(() => nudger(cm));
          await asyncWith(inner, () => sleep(1));
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`5: outer TimeoutError inner=${String(inner)} outer=${String(cm)}`);
      }
      await n!;
    });
    expect(log).toEqual([
      "1: survived when=None expired=False <Timeout [active] when=None>",
      "1: after <Timeout [finished]>",
      "2: still running expired=False",
      "2: TimeoutError expired=True",
      "3: when is set=True expired=False",
      "3: queued before",
      "3: queued after",
      "3: TimeoutError <Timeout [expired]>",
      "4: expiring <Timeout [expiring]> same when=True expired=True",
      "4: reschedule: RuntimeError: Cannot change state of expiring Timeout",
      "4: reschedule: RuntimeError: Cannot change state of expiring Timeout",
      "4: after <Timeout [expired]> cancelling=0",
      "5: nudged to now",
      "5: outer TimeoutError inner=<Timeout [finished]> outer=<Timeout [expired]>"
    ]);
  });

  // Python program c04:
  // # timeout(0) and timeout_at(now) around a body that never suspends: awaiting done futures, done
  // # tasks, coroutines, gather/shield/wait_for of done futures raises nothing; one real suspension does
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     me = asyncio.current_task()
  //     done_fut = loop.create_future()
  //     done_fut.set_result("f")
  //     done_task = asyncio.create_task(asyncio.sleep(0, "t"))
  //     await done_task
  //     async def sub():
  //         return "c"
  //     for label, make in (("timeout(0)", lambda: asyncio.timeout(0)), ("timeout_at(now)", lambda: asyncio.timeout_at(loop.time())),
  //                         ("timeout(-1)", lambda: asyncio.timeout(-1))):
  //         async with make() as cm:
  //             got = [await done_fut, await done_task, await sub(), await asyncio.gather(done_fut, done_task),
  //                    await asyncio.shield(done_fut), await asyncio.wait_for(done_fut, 1), await asyncio.wait_for(done_task, 0)]
  //             log.append(f"{label}: {got} expired={B(cm.expired())}")
  //         log.append(f"{label}: after {cm!r} cancelling={me.cancelling()}")
  //         try:
  //             async with make() as cm:
  //                 await done_fut
  //                 fut = loop.create_future()
  //                 loop.call_soon(lambda: fut.done() or fut.set_result("late"))
  //                 log.append(f"{label}: waits for {await fut}")
  //         except TimeoutError:
  //             log.append(f"{label}: TimeoutError at the first suspension, fut cancelled={B(fut.cancelled())}")
  // asyncio.run(main())
  it("c04: timeout(0) around a body that never suspends: done futures, tasks, gather, shield and waitFor raise nothing", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const me = currentTask()!;
      const doneFut = loop.createFuture<string>() as Future<string>;
      doneFut.setResult("f");
      const doneTask = createTask(() => sleep(0, "t"));
      await doneTask;
      const sub = async (): Promise<string> => "c";
      const makers: [string, () => Timeout][] = [
        ["timeout(0)", () => timeout(0)],
        ["timeout_at(now)", () => timeoutAt(loop.time())],
        ["timeout(-1)", () => timeout(-1)],
      ];
      for (const [label, make] of makers) {
        let cm = make();
        await asyncWith(cm, async () => {
          const got = [await doneFut, await doneTask, await sub(), await gather(doneFut, doneTask),
            await shield(doneFut), await waitFor(doneFut, 1), await waitFor(doneTask, 0)];
          log.push(`${label}: ${pyRepr(got)} expired=${B(cm.expired())}`);
        });
        log.push(`${label}: after ${String(cm)} cancelling=${me.cancelling()}`);
        cm = make();
        let fut: Future<string> | null = null;
        try {
          await asyncWith(cm, async () => {
            await doneFut;
            const f = (fut = loop.createFuture<string>() as Future<string>);
            loop.callSoon(() => f.done() || f.setResult("late"));
            log.push(`${label}: waits for ${await f}`);
          });
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          log.push(`${label}: TimeoutError at the first suspension, fut cancelled=${B(fut!.cancelled())}`);
        }
      }
    });
    expect(log).toEqual([
      "timeout(0): ['f', 't', 'c', ['f', 't'], 'f', 'f', 't'] expired=False",
      "timeout(0): after <Timeout [finished]> cancelling=0",
      "timeout(0): TimeoutError at the first suspension, fut cancelled=True",
      "timeout_at(now): ['f', 't', 'c', ['f', 't'], 'f', 'f', 't'] expired=False",
      "timeout_at(now): after <Timeout [finished]> cancelling=0",
      "timeout_at(now): TimeoutError at the first suspension, fut cancelled=True",
      "timeout(-1): ['f', 't', 'c', ['f', 't'], 'f', 'f', 't'] expired=False",
      "timeout(-1): after <Timeout [finished]> cancelling=0",
      "timeout(-1): TimeoutError at the first suspension, fut cancelled=True"
    ]);
  });

  // Python program c05:
  // # TaskGroup and a stale cancel count: a parent that swallowed an outside cancel without uncancel()
  // # gets the ExceptionGroup and then a fresh cancel at its next await; with a clean count it does not
  // async def main():
  //     async def fail(name):
  //         await asyncio.sleep(0.05)
  //         raise Boom(name)
  //     async def parent(stale):
  //         me = asyncio.current_task()
  //         if stale:
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"stale={stale}: swallowed {fmt(e)} cancelling={me.cancelling()}")
  //         try:
  //             async with asyncio.TaskGroup() as tg:
  //                 tg.create_task(fail("child"))
  //                 try:
  //                     await asyncio.sleep(1)
  //                 except asyncio.CancelledError as e:
  //                     log.append(f"stale={stale}: body {fmt(e)} cancelling={me.cancelling()}")
  //                     raise
  //         except ExceptionGroup as eg:
  //             log.append(f"stale={stale}: {fmt(eg)} cancelling={me.cancelling()}")
  //         try:
  //             await asyncio.sleep(0)
  //             log.append(f"stale={stale}: next await passes")
  //         except asyncio.CancelledError as e:
  //             log.append(f"stale={stale}: next await {fmt(e)} cancelling={me.cancelling()}")
  //             raise
  //         return "returned"
  //     for stale in (False, True):
  //         t = asyncio.create_task(parent(stale))
  //         await asyncio.sleep(0)
  //         if stale:
  //             t.cancel("outside")
  //         try:
  //             log.append(f"stale={stale}: -> {await t}")
  //         except asyncio.CancelledError as e:
  //             log.append(f"stale={stale}: -> {fmt(e)} cancelled={B(t.cancelled())} cancelling={t.cancelling()}")
  // asyncio.run(main())
  it("c05: a TaskGroup in a parent with a stale cancel count re-requests the cancel after its ExceptionGroup", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const fail = async (name: string): Promise<never> => {
        await sleep(0.05);
        throw new Boom(name);
      };
      const parent = async (stale: boolean): Promise<string> => {
        const me = currentTask()!;
        if (stale) {
          try {
            await sleep(1);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            log.push(`stale=${B(stale)}: swallowed ${fmt(e)} cancelling=${me.cancelling()}`);
          }
        }
        try {
          await asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(() => fail("child"));
            try {
              await sleep(1);
            } catch (e) {
              if (e instanceof CancelledError) log.push(`stale=${B(stale)}: body ${fmt(e)} cancelling=${me.cancelling()}`);
              throw e;
            }
          });
        } catch (e) {
          if (!(e instanceof ExceptionGroup)) throw e;
          log.push(`stale=${B(stale)}: ${fmt(e)} cancelling=${me.cancelling()}`);
        }
        try {
          await sleep(0);
          log.push(`stale=${B(stale)}: next await passes`);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`stale=${B(stale)}: next await ${fmt(e)} cancelling=${me.cancelling()}`);
          throw e;
        }
        return "returned";
      };
      for (const stale of [false, true]) {
        const t = createTask(() => parent(stale));
        await sleep(0);
        if (stale) t.cancel("outside");
        try {
          log.push(`stale=${B(stale)}: -> ${await t}`);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`stale=${B(stale)}: -> ${fmt(e)} cancelled=${B(t.cancelled())} cancelling=${t.cancelling()}`);
        }
      }
    });
    expect(log).toEqual([
      "stale=False: body CancelledError:  cancelling=1",
      "stale=False: ExceptionGroup: unhandled errors in a TaskGroup [Boom: child] cancelling=0",
      "stale=False: next await passes",
      "stale=False: -> returned",
      "stale=True: swallowed CancelledError: outside cancelling=1",
      "stale=True: body CancelledError:  cancelling=2",
      "stale=True: ExceptionGroup: unhandled errors in a TaskGroup [Boom: child] cancelling=1",
      "stale=True: next await CancelledError:  cancelling=1",
      "stale=True: -> CancelledError:  cancelled=True cancelling=1"
    ]);
  });

  // Python program c06:
  // # a timeout around a TaskGroup: a child fails first, the deadline passes while __aexit__ waits for
  // # a sibling that cleans up slowly; and the deadline passing while __aexit__ waits with no failure
  // async def main():
  //     me = asyncio.current_task()
  //     async def fail(name, d):
  //         await asyncio.sleep(d)
  //         log.append(f"{name} raises")
  //         raise Boom(name)
  //     async def slow_cleanup(name, d):
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} cancelled {fmt(e)}, cleaning up")
  //             await asyncio.sleep(d)
  //             log.append(f"{name} cleanup done")
  //             raise
  //     # 1: failure at 0.05, deadline at 0.1, cleanup until 0.2
  //     try:
  //         async with asyncio.timeout(0.1) as cm:
  //             async with asyncio.TaskGroup() as tg:
  //                 tg.create_task(fail("1f", 0.05))
  //                 tg.create_task(slow_cleanup("1s", 0.15))
  //                 try:
  //                     await asyncio.sleep(1)
  //                 except asyncio.CancelledError as e:
  //                     log.append(f"1 body {fmt(e)} cancelling={me.cancelling()}")
  //                     raise
  //     except BaseException as e:
  //         log.append(f"1: {fmt(e)} expired={B(cm.expired())} cancelling={me.cancelling()}")
  //     await asyncio.sleep(0)
  //     log.append(f"1: next await passes cancelling={me.cancelling()}")
  //     # 2: body done at once; the deadline passes while __aexit__ waits: TimeoutError, no group
  //     try:
  //         async with asyncio.timeout(0.05) as cm:
  //             async with asyncio.TaskGroup() as tg:
  //                 tg.create_task(slow_cleanup("2s", 0.05))
  //                 log.append("2 body done")
  //     except BaseException as e:
  //         log.append(f"2: {fmt(e)} cause={fmt(e.__cause__)} expired={B(cm.expired())} cancelling={me.cancelling()}")
  //     # 3: as 2, but the child fails while being cancelled: the group wins over the timeout
  //     async def fail_on_cancel(name):
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError:
  //             log.append(f"{name} fails on cancel")
  //             raise Oops(name)
  //     try:
  //         async with asyncio.timeout(0.05) as cm:
  //             async with asyncio.TaskGroup() as tg:
  //                 tg.create_task(fail_on_cancel("3c"))
  //     except BaseException as e:
  //         log.append(f"3: {fmt(e)} expired={B(cm.expired())} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c06: a timeout around a TaskGroup whose deadline passes while __aexit__ waits for a slow cleanup", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const fail = async (name: string, d: number): Promise<never> => {
        await sleep(d);
        log.push(`${name} raises`);
        throw new Boom(name);
      };
      const slowCleanup = async (name: string, d: number): Promise<void> => {
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`${name} cancelled ${fmt(e)}, cleaning up`);
          await sleep(d);
          log.push(`${name} cleanup done`);
          throw e;
        }
      };
      let cm = timeout(0.1);
      try {
        await asyncWith(cm, () =>
          asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(() => fail("1f", 0.05));
            tg.createTask(() => slowCleanup("1s", 0.15));
            try {
              await sleep(1);
            } catch (e) {
              if (e instanceof CancelledError) log.push(`1 body ${fmt(e)} cancelling=${me.cancelling()}`);
              throw e;
            }
          }),
        );
      } catch (e) {
        log.push(`1: ${fmt(e)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
      }
      await sleep(0);
      log.push(`1: next await passes cancelling=${me.cancelling()}`);
      cm = timeout(0.05);
      try {
        await asyncWith(cm, () =>
          asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(() => slowCleanup("2s", 0.05));
            log.push("2 body done");
          }),
        );
      } catch (e) {
        log.push(`2: ${fmt(e)} cause=${fmt((e as Error).cause)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
      }
      const failOnCancel = async (name: string): Promise<void> => {
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`${name} fails on cancel`);
          throw new Oops(name);
        }
      };
      cm = timeout(0.05);
      try {
        await asyncWith(cm, () =>
          asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(() => failOnCancel("3c"));
          }),
        );
      } catch (e) {
        log.push(`3: ${fmt(e)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
      }
    });
    expect(log).toEqual([
      "1f raises",
      "1s cancelled CancelledError: , cleaning up",
      "1 body CancelledError:  cancelling=1",
      "1s cleanup done",
      "1: ExceptionGroup: unhandled errors in a TaskGroup [Boom: 1f] expired=True cancelling=0",
      "1: next await passes cancelling=0",
      "2 body done",
      "2s cancelled CancelledError: , cleaning up",
      "2s cleanup done",
      "2: TimeoutError:  cause=CancelledError:  expired=True cancelling=0",
      "3c fails on cancel",
      "3: ExceptionGroup: unhandled errors in a TaskGroup [Oops: 3c] expired=True cancelling=0"
    ]);
  });

  // Python program c07:
  // # a timeout inside a TaskGroup child: the group's abort and the child's own deadline both cancel
  // # the child; the abort is not turned into a TimeoutError, so it is not reported as an error
  // async def main():
  //     async def fail(name, d):
  //         await asyncio.sleep(d)
  //         raise Boom(name)
  //     async def child(name, deadline, linger):
  //         me = asyncio.current_task()
  //         async with asyncio.timeout(deadline) as cm:
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"{name}: first cancel {fmt(e)} cancelling={me.cancelling()} expired={B(cm.expired())}")
  //             try:
  //                 await asyncio.sleep(linger)
  //                 log.append(f"{name}: lingered cancelling={me.cancelling()} expired={B(cm.expired())}")
  //             except asyncio.CancelledError as e:
  //                 log.append(f"{name}: second cancel {fmt(e)} cancelling={me.cancelling()} expired={B(cm.expired())}")
  //                 raise
  //         log.append(f"{name}: left the block cancelling={me.cancelling()}")
  //         return name
  //     holder = []
  //     async def group(name, deadline, linger):
  //         try:
  //             async with asyncio.TaskGroup() as tg:
  //                 tg.create_task(fail(f"{name}-sibling", 0.05))
  //                 holder.append(tg.create_task(child(name, deadline, linger)))
  //         except ExceptionGroup as eg:
  //             c = holder[-1]
  //             state = "cancelled" if c.cancelled() else f"exception={fmt(c.exception())}" if c.exception() else f"result={c.result()}"
  //             log.append(f"{name}: {fmt(eg)} child {state}")
  //     # A: aborted at 0.05, own deadline at 0.1 while lingering: cancelled twice, stays cancelled
  //     await group("A", 0.1, 0.25)
  //     # B: aborted at 0.05, lingers past nothing: swallows the abort and returns normally
  //     await group("B", 0.5, 0.05)
  //     # C: own deadline first (0.025), swallowed; then the abort while lingering
  //     await group("C", 0.025, 0.25)
  // asyncio.run(main())
  it("c07: a timeout inside a TaskGroup child: the group's abort is not turned into a TimeoutError", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const fail = async (name: string, d: number): Promise<never> => {
        await sleep(d);
        throw new Boom(name);
      };
      const child = async (name: string, deadline: number, linger: number): Promise<string> => {
        const me = currentTask()!;
        const cm = timeout(deadline);
        await asyncWith(cm, async () => {
          try {
            await sleep(1);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            log.push(`${name}: first cancel ${fmt(e)} cancelling=${me.cancelling()} expired=${B(cm.expired())}`);
          }
          try {
            await sleep(linger);
            log.push(`${name}: lingered cancelling=${me.cancelling()} expired=${B(cm.expired())}`);
          } catch (e) {
            if (e instanceof CancelledError) log.push(`${name}: second cancel ${fmt(e)} cancelling=${me.cancelling()} expired=${B(cm.expired())}`);
            throw e;
          }
        });
        log.push(`${name}: left the block cancelling=${me.cancelling()}`);
        return name;
      };
      const holder: Task<string>[] = [];
      const group = async (name: string, deadline: number, linger: number): Promise<void> => {
        try {
          await asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(() => fail(`${name}-sibling`, 0.05));
            holder.push(tg.createTask(() => child(name, deadline, linger)));
          });
        } catch (e) {
          if (!(e instanceof ExceptionGroup)) throw e;
          const c = holder.at(-1)!;
          const state = c.cancelled() ? "cancelled" : c.exception() !== null ? `exception=${fmt(c.exception())}` : `result=${c.result()}`;
          log.push(`${name}: ${fmt(e)} child ${state}`);
        }
      };
      await group("A", 0.1, 0.25);
      await group("B", 0.5, 0.05);
      await group("C", 0.025, 0.25);
    });
    expect(log).toEqual([
      "A: first cancel CancelledError:  cancelling=1 expired=False",
      "A: second cancel CancelledError:  cancelling=2 expired=True",
      "A: ExceptionGroup: unhandled errors in a TaskGroup [Boom: A-sibling] child cancelled",
      "B: first cancel CancelledError:  cancelling=1 expired=False",
      "B: lingered cancelling=1 expired=False",
      "B: left the block cancelling=1",
      "B: ExceptionGroup: unhandled errors in a TaskGroup [Boom: B-sibling] child result=B",
      "C: first cancel CancelledError:  cancelling=1 expired=True",
      "C: second cancel CancelledError:  cancelling=2 expired=True",
      "C: ExceptionGroup: unhandled errors in a TaskGroup [Boom: C-sibling] child cancelled"
    ]);
  });

  // Python program c08:
  // # a timeout inside a TaskGroup's body: its TimeoutError is the body's error, so the children are
  // # cancelled and it is grouped; caught inside the body, the group carries on
  // async def main():
  //     me = asyncio.current_task()
  //     async def worker(name, d):
  //         try:
  //             await asyncio.sleep(d)
  //             log.append(f"{name} finished")
  //             return name
  //         except asyncio.CancelledError:
  //             log.append(f"{name} cancelled")
  //             raise
  //     # 1: the TimeoutError leaves the body
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             w = tg.create_task(worker("1w", 1))
  //             async with asyncio.timeout(0.05):
  //                 await asyncio.sleep(1)
  //     except ExceptionGroup as eg:
  //         log.append(f"1: {fmt(eg)} w.cancelled={B(w.cancelled())} cancelling={me.cancelling()}")
  //     # 2: the body catches it; the child finishes normally
  //     async with asyncio.TaskGroup() as tg:
  //         w = tg.create_task(worker("2w", 0.1))
  //         try:
  //             async with asyncio.timeout(0.05):
  //                 await asyncio.sleep(1)
  //         except TimeoutError as e:
  //             log.append(f"2: body caught {fmt(e)} cancelling={me.cancelling()}")
  //     log.append(f"2: w={w.result()}")
  //     # 3: a child fails while the body waits inside its own timeout: the group's cancel is not a timeout
  //     async def fail():
  //         await asyncio.sleep(0.05)
  //         raise Boom("3f")
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(fail())
  //             try:
  //                 async with asyncio.timeout(0.5) as cm:
  //                     await asyncio.sleep(1)
  //             except BaseException as e:
  //                 log.append(f"3: body got {fmt(e)} expired={B(cm.expired())} cancelling={me.cancelling()}")
  //                 raise
  //     except ExceptionGroup as eg:
  //         log.append(f"3: {fmt(eg)} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c08: a timeout inside a TaskGroup's body: its TimeoutError is grouped, or caught and the group goes on", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const worker = async (name: string, d: number): Promise<string> => {
        try {
          await sleep(d);
          log.push(`${name} finished`);
          return name;
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${name} cancelled`);
          throw e;
        }
      };
      let w = null as Task<string> | null;
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          w = tg.createTask(() => worker("1w", 1));
          await asyncWith(timeout(0.05), () => sleep(1));
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`1: ${fmt(e)} w.cancelled=${B(w!.cancelled())} cancelling=${me.cancelling()}`);
      }
      await asyncWith(new TaskGroup(), async (tg) => {
        w = tg.createTask(() => worker("2w", 0.1));
        try {
          await asyncWith(timeout(0.05), () => sleep(1));
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          log.push(`2: body caught ${fmt(e)} cancelling=${me.cancelling()}`);
        }
      });
      log.push(`2: w=${w!.result()}`);
      const fail = async (): Promise<never> => {
        await sleep(0.05);
        throw new Boom("3f");
      };
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(fail);
          const cm = timeout(0.5);
          try {
            await asyncWith(cm, () => sleep(1));
          } catch (e) {
            log.push(`3: body got ${fmt(e)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
            throw e;
          }
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`3: ${fmt(e)} cancelling=${me.cancelling()}`);
      }
    });
    expect(log).toEqual([
      "1w cancelled",
      "1: ExceptionGroup: unhandled errors in a TaskGroup [TimeoutError: ] w.cancelled=True cancelling=0",
      "2: body caught TimeoutError:  cancelling=0",
      "2w finished",
      "2: w=2w",
      "3: body got CancelledError:  expired=False cancelling=1",
      "3: ExceptionGroup: unhandled errors in a TaskGroup [Boom: 3f] cancelling=0"
    ]);
  });

  // Python program c09:
  // # TaskGroup children that end cancelled without a group abort: one raises CancelledError itself,
  // # one is cancelled by a sibling; neither is an error, the body is not disturbed
  // async def main():
  //     me = asyncio.current_task()
  //     async def quitter(msg):
  //         await asyncio.sleep(0)
  //         raise asyncio.CancelledError(msg)
  //     async def victim():
  //         await asyncio.sleep(1)
  //     async def killer(t):
  //         await asyncio.sleep(0.05)
  //         log.append(f"killer cancels -> {B(t.cancel('by-sibling'))}")
  //         return "killer"
  //     async def slow(name):
  //         await asyncio.sleep(0.1)
  //         return name
  //     async with asyncio.TaskGroup() as tg:
  //         q = tg.create_task(quitter("on-my-own"))
  //         v = tg.create_task(victim())
  //         k = tg.create_task(killer(v))
  //         s = tg.create_task(slow("slow"))
  //         await asyncio.sleep(0.075)
  //         log.append(f"body still running cancelling={me.cancelling()} {tg!r}")
  //     log.append(f"group done: q.cancelled={B(q.cancelled())} v.cancelled={B(v.cancelled())} k={k.result()} s={s.result()}")
  //     for name, t in (("q", q), ("v", v)):
  //         try:
  //             t.result()
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name}.result() {fmt(e)} cancelling={t.cancelling()}")
  //     # the same with a real failure later: only the failure is grouped
  //     async def fail():
  //         await asyncio.sleep(0.05)
  //         raise Boom("late")
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(quitter("quiet"))
  //             tg.create_task(fail())
  //     except ExceptionGroup as eg:
  //         log.append(f"2: {fmt(eg)}")
  //     # the body itself raises CancelledError (nobody cancelled the task): children are cancelled
  //     async def sleeper(name):
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} cancelled {fmt(e)}")
  //             raise
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(sleeper("3a"))
  //             await asyncio.sleep(0)
  //             raise asyncio.CancelledError("from-body")
  //     except asyncio.CancelledError as e:
  //         log.append(f"3: {fmt(e)} cancelling={me.cancelling()}")
  //     # the body raises CancelledError after a child failed: the failure wins
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(fail())
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError:
  //                 raise asyncio.CancelledError("replaced")
  //     except BaseException as e:
  //         log.append(f"4: {fmt(e)} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c09: TaskGroup children that end cancelled on their own are not errors; a body raising CancelledError", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const quitter = async (msg: string): Promise<never> => {
        await sleep(0);
        throw new CancelledError(msg);
      };
      const victim = (): Promise<void> => sleep(1);
      const killer = async (t: Task<unknown>): Promise<string> => {
        await sleep(0.05);
        log.push(`killer cancels -> ${B(t.cancel("by-sibling"))}`);
        return "killer";
      };
      const slow = async (name: string): Promise<string> => {
        await sleep(0.1);
        return name;
      };
      const [q, v, k, s] = await asyncWith(new TaskGroup(), async (tg) => {
        const tasks = [tg.createTask(() => quitter("on-my-own")), tg.createTask(victim)] as const;
        const rest = [tg.createTask(() => killer(tasks[1])), tg.createTask(() => slow("slow"))] as const;
        await sleep(0.075);
        log.push(`body still running cancelling=${me.cancelling()} ${String(tg)}`);
        return [...tasks, ...rest] as const;
      });
      log.push(`group done: q.cancelled=${B(q.cancelled())} v.cancelled=${B(v.cancelled())} k=${k.result()} s=${s.result()}`);
      for (const [name, t] of [["q", q], ["v", v]] as const) {
        try {
          t.result();
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`${name}.result() ${fmt(e)} cancelling=${t.cancelling()}`);
        }
      }
      const fail = async (): Promise<never> => {
        await sleep(0.05);
        throw new Boom("late");
      };
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(() => quitter("quiet"));
          tg.createTask(fail);
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`2: ${fmt(e)}`);
      }
      const sleeper = async (name: string): Promise<void> => {
        try {
          await sleep(1);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${name} cancelled ${fmt(e)}`);
          throw e;
        }
      };
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(() => sleeper("3a"));
          await sleep(0);
          throw new CancelledError("from-body");
        });
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`3: ${fmt(e)} cancelling=${me.cancelling()}`);
      }
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(fail);
          try {
            await sleep(1);
          } catch (e) {
            if (e instanceof CancelledError) throw new CancelledError("replaced");
            throw e;
          }
        });
      } catch (e) {
        log.push(`4: ${fmt(e)} cancelling=${me.cancelling()}`);
      }
    });
    expect(log).toEqual([
      "killer cancels -> True",
      "body still running cancelling=0 <TaskGroup tasks=1 entered>",
      "group done: q.cancelled=True v.cancelled=True k=killer s=slow",
      "q.result() CancelledError: on-my-own cancelling=0",
      "v.result() CancelledError: by-sibling cancelling=1",
      "2: ExceptionGroup: unhandled errors in a TaskGroup [Boom: late]",
      "3a cancelled CancelledError: ",
      "3: CancelledError: from-body cancelling=0",
      "4: ExceptionGroup: unhandled errors in a TaskGroup [Boom: late] cancelling=0"
    ]);
  });

  // Python program c10:
  // # TaskGroup.create_task from done callbacks while __aexit__ waits: allowed while a task is left,
  // # "is finished" once the last one is done (even before __aexit__ returns), "has not been entered"
  // async def main():
  //     async def job(name, d):
  //         await asyncio.sleep(d)
  //         log.append(f"{name} ends")
  //         return name
  //     made = []
  //     async with asyncio.TaskGroup() as tg:
  //         a = tg.create_task(job("a", 0.05))
  //         b = tg.create_task(job("b", 0.15))
  //         def on_a(t):
  //             made.append(tg.create_task(job("c", 0.05)))
  //             log.append(f"on_a: added c {tg!r}")
  //         def on_b(t):
  //             try:
  //                 tg.create_task(job("d", 0))
  //             except RuntimeError as e:
  //                 log.append(f"on_b: {fmt(e)}")
  //         a.add_done_callback(on_a)
  //         b.add_done_callback(on_b)
  //         log.append(f"body done {tg!r}")
  //     log.append(f"after: c={made[0].result()} {tg!r}")
  //     # a callback on a task outside the group that runs before the group is entered and after it ended
  //     tg2 = asyncio.TaskGroup()
  //     f = asyncio.get_running_loop().create_future()
  //     def early(_):
  //         try:
  //             tg2.create_task(job("e", 0))
  //         except RuntimeError as e:
  //             log.append(f"early: {fmt(e)}")
  //     f.add_done_callback(early)
  //     f.set_result(None)
  //     await asyncio.sleep(0)
  //     async with tg2:
  //         pass
  //     try:
  //         tg2.create_task(job("f", 0))
  //     except RuntimeError as e:
  //         log.append(f"empty group after exit: {fmt(e)}")
  // asyncio.run(main())
  it("c10: TaskGroup.createTask from done callbacks while __aexit__ waits: allowed, then 'is finished'", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const job = async (name: string, d: number): Promise<string> => {
        await sleep(d);
        log.push(`${name} ends`);
        return name;
      };
      const made: Task<string>[] = [];
      const tg = new TaskGroup();
      await asyncWith(tg, async () => {
        const a = tg.createTask(() => job("a", 0.05));
        const b = tg.createTask(() => job("b", 0.15));
        a.addDoneCallback(() => {
          made.push(tg.createTask(() => job("c", 0.05)));
          log.push(`on_a: added c ${String(tg)}`);
        });
        b.addDoneCallback(() => {
          try {
            tg.createTask(() => job("d", 0));
          } catch (e) {
            if (!(e instanceof RuntimeError)) throw e;
            log.push(`on_b: ${fmt(e)}`);
          }
        });
        log.push(`body done ${String(tg)}`);
      });
      log.push(`after: c=${made[0]!.result()} ${String(tg)}`);
      const tg2 = new TaskGroup();
      const f = getRunningLoop().createFuture<null>() as Future<null>;
      f.addDoneCallback(() => {
        try {
          tg2.createTask(() => job("e", 0));
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          log.push(`early: ${fmt(e)}`);
        }
      });
      f.setResult(null);
      await sleep(0);
      await asyncWith(tg2, async () => undefined);
      try {
        tg2.createTask(() => job("f", 0));
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`empty group after exit: ${fmt(e)}`);
      }
    });
    expect(log).toEqual([
      "body done <TaskGroup tasks=2 entered>",
      "a ends",
      "on_a: added c <TaskGroup tasks=2 entered>",
      "c ends",
      "b ends",
      "on_b: RuntimeError: TaskGroup <TaskGroup entered> is finished",
      "after: c=c <TaskGroup entered>",
      "early: RuntimeError: TaskGroup <TaskGroup> has not been entered",
      "empty group after exit: RuntimeError: TaskGroup <TaskGroup entered> is finished"
    ]);
  });

  // Python program c11:
  // # a TaskGroup child awaiting a sibling that fails: the group's done callback runs before the
  // # child's wakeup, so the child sees the abort's CancelledError, not the sibling's error; a task
  // # outside the group awaiting the same sibling sees the error
  // async def main():
  //     async def fail():
  //         await asyncio.sleep(0.05)
  //         raise Boom("sibling")
  //     async def awaiter(name, aw):
  //         try:
  //             r = await aw
  //             log.append(f"{name} got {r}")
  //         except BaseException as e:
  //             log.append(f"{name} saw {fmt(e)} cancelling={asyncio.current_task().cancelling()}")
  //             raise
  //     outsiders = []
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             f = tg.create_task(fail())
  //             a1 = tg.create_task(awaiter("direct", f))
  //             a2 = tg.create_task(awaiter("shielded", asyncio.shield(f)))
  //             a3 = tg.create_task(awaiter("gathered", asyncio.gather(f, return_exceptions=True)))
  //             outsiders.append(asyncio.create_task(awaiter("outsider", f)))
  //     except ExceptionGroup as eg:
  //         log.append(f"{fmt(eg)}")
  //     log.append(f"a1.cancelled={B(a1.cancelled())} a2.cancelled={B(a2.cancelled())} a3.cancelled={B(a3.cancelled())}")
  //     await asyncio.gather(*outsiders, return_exceptions=True)
  //     # the same sibling awaited by a child that was created before the failing one
  //     async def watcher(get):
  //         await asyncio.sleep(0)
  //         return await awaiter("early-child", get())
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             holder = []
  //             w = tg.create_task(watcher(lambda: holder[0]))
  //             holder.append(tg.create_task(fail()))
  //     except ExceptionGroup as eg:
  //         log.append(f"2: {fmt(eg)} w.cancelled={B(w.cancelled())}")
  // asyncio.run(main())
  it("c11: a TaskGroup child awaiting a failing sibling sees the abort, a task outside the group sees the error", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const fail = async (): Promise<never> => {
        await sleep(0.05);
        throw new Boom("sibling");
      };
      const awaiter = async (name: string, aw: PromiseLike<unknown>): Promise<void> => {
        try {
          const r = await aw;
          log.push(`${name} got ${String(r)}`);
        } catch (e) {
          log.push(`${name} saw ${fmt(e)} cancelling=${currentTask()!.cancelling()}`);
          throw e;
        }
      };
      const outsiders: Task<void>[] = [];
      const children: Task<void>[] = [];
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          const f = tg.createTask(fail);
          children.push(tg.createTask(() => awaiter("direct", f)));
          const shielded = shield(f);
          children.push(tg.createTask(() => awaiter("shielded", shielded)));
          const gathered = gather(f, { returnExceptions: true });
          children.push(tg.createTask(() => awaiter("gathered", gathered)));
          outsiders.push(createTask(() => awaiter("outsider", f)));
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(fmt(e));
      }
      const [a1, a2, a3] = children;
      log.push(`a1.cancelled=${B(a1!.cancelled())} a2.cancelled=${B(a2!.cancelled())} a3.cancelled=${B(a3!.cancelled())}`);
      await gather(outsiders, { returnExceptions: true });
      const watcher = async (get: () => Task<never>): Promise<void> => {
        await sleep(0);
        return awaiter("early-child", get());
      };
      let w = null as Task<void> | null;
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          const holder: Task<never>[] = [];
          w = tg.createTask(() => watcher(() => holder[0]!));
          holder.push(tg.createTask(fail));
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`2: ${fmt(e)} w.cancelled=${B(w!.cancelled())}`);
      }
    });
    expect(log).toEqual([
      "direct saw CancelledError:  cancelling=1",
      "outsider saw Boom: sibling cancelling=0",
      "shielded saw CancelledError:  cancelling=1",
      "gathered saw CancelledError:  cancelling=1",
      "ExceptionGroup: unhandled errors in a TaskGroup [Boom: sibling]",
      "a1.cancelled=True a2.cancelled=True a3.cancelled=True",
      "early-child saw CancelledError:  cancelling=1",
      "2: ExceptionGroup: unhandled errors in a TaskGroup [Boom: sibling] w.cancelled=True"
    ]);
  });

  // Python program c12:
  // # a parent cancelled from outside while its TaskGroup is already aborting after a child failed:
  // # the ExceptionGroup still surfaces, the outside cancel is re-requested (without its message) and
  // # lands at the parent's next await
  // async def main():
  //     async def fail():
  //         await asyncio.sleep(0.05)
  //         raise Boom("child")
  //     async def stubborn():
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError:
  //             await asyncio.sleep(0.1)
  //             log.append("stubborn cleanup done")
  //             raise
  //     async def parent():
  //         me = asyncio.current_task()
  //         try:
  //             async with asyncio.TaskGroup() as tg:
  //                 tg.create_task(fail())
  //                 tg.create_task(stubborn())
  //                 try:
  //                     await asyncio.sleep(1)
  //                 except asyncio.CancelledError as e:
  //                     log.append(f"body {fmt(e)} cancelling={me.cancelling()}")
  //                     raise
  //         except BaseException as e:
  //             log.append(f"group raised {fmt(e)} cancelling={me.cancelling()}")
  //         try:
  //             await asyncio.sleep(0)
  //             log.append("next await passes")
  //         except asyncio.CancelledError as e:
  //             log.append(f"next await {fmt(e)} cancelling={me.cancelling()}")
  //             log.append(f"uncancel -> {me.uncancel()}")
  //         await asyncio.sleep(0)
  //         return "parent survived"
  //     p = asyncio.create_task(parent())
  //     await asyncio.sleep(0.075)
  //     log.append(f"cancel from outside -> {B(p.cancel('outside'))} cancelling={p.cancelling()}")
  //     log.append(f"-> {await p}")
  // asyncio.run(main())
  it("c12: a parent cancelled from outside while its TaskGroup aborts: the ExceptionGroup, then a bare re-cancel", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const fail = async (): Promise<never> => {
        await sleep(0.05);
        throw new Boom("child");
      };
      const stubborn = async (): Promise<void> => {
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          await sleep(0.1);
          log.push("stubborn cleanup done");
          throw e;
        }
      };
      const parent = async (): Promise<string> => {
        const me = currentTask()!;
        try {
          await asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(fail);
            tg.createTask(stubborn);
            try {
              await sleep(1);
            } catch (e) {
              if (e instanceof CancelledError) log.push(`body ${fmt(e)} cancelling=${me.cancelling()}`);
              throw e;
            }
          });
        } catch (e) {
          log.push(`group raised ${fmt(e)} cancelling=${me.cancelling()}`);
        }
        try {
          await sleep(0);
          log.push("next await passes");
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`next await ${fmt(e)} cancelling=${me.cancelling()}`);
          log.push(`uncancel -> ${me.uncancel()}`);
        }
        await sleep(0);
        return "parent survived";
      };
      const p = createTask(parent);
      await sleep(0.075);
      log.push(`cancel from outside -> ${B(p.cancel("outside"))} cancelling=${p.cancelling()}`);
      log.push(`-> ${await p}`);
    });
    expect(log).toEqual([
      "body CancelledError:  cancelling=1",
      "cancel from outside -> True cancelling=2",
      "stubborn cleanup done",
      "group raised ExceptionGroup: unhandled errors in a TaskGroup [Boom: child] cancelling=1",
      "next await CancelledError:  cancelling=1",
      "uncancel -> 0",
      "-> parent survived"
    ]);
  });

  // Python program c13:
  // # TaskGroup repr while it aborts (tasks=, errors=, cancelling) and in its messages; the grouped
  // # errors are the children's own exception objects; str() of the group counts the sub-exceptions
  // async def main():
  //     seen = []
  //     async def fail(name, d):
  //         await asyncio.sleep(d)
  //         raise Boom(name)
  //     async def lingering(tg):
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError:
  //             seen.append(repr(tg))
  //             await asyncio.sleep(0.05)
  //             seen.append(repr(tg))
  //             try:
  //                 tg.create_task(asyncio.sleep(0))
  //             except RuntimeError as e:
  //                 seen.append(fmt(e))
  //             raise
  //     tg = asyncio.TaskGroup()
  //     try:
  //         async with tg:
  //             f1 = tg.create_task(fail("f1", 0.05))
  //             f2 = tg.create_task(fail("f2", 0.05))
  //             tg.create_task(lingering(tg))
  //             log.append(f"entered: {tg!r}")
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError:
  //                 log.append(f"body cancelled: {tg!r}")
  //                 raise
  //     except ExceptionGroup as eg:
  //         log.append(f"str: {type(eg).__name__}: {eg}")
  //         log.append(f"same objects: {B(eg.exceptions[0] is f1.exception())} {B(eg.exceptions[1] is f2.exception())}")
  //         log.append(f"exceptions: {[fmt(x) for x in eg.exceptions]}")
  //     for s in seen:
  //         log.append(f"seen: {s}")
  //     log.append(f"after: {tg!r}")
  // asyncio.run(main())
  it("c13: TaskGroup repr while it aborts, in its 'shutting down' message, and the grouped error objects", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const seen: string[] = [];
      const fail = async (name: string, d: number): Promise<never> => {
        await sleep(d);
        throw new Boom(name);
      };
      const lingering = async (group: TaskGroup): Promise<void> => {
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          seen.push(String(group));
          await sleep(0.05);
          seen.push(String(group));
          try {
            group.createTask(() => sleep(0));
          } catch (e2) {
            if (!(e2 instanceof RuntimeError)) throw e2;
            seen.push(fmt(e2));
          }
          throw e;
        }
      };
      const tg = new TaskGroup();
      const failing: Task<never>[] = [];
      try {
        await asyncWith(tg, async () => {
          failing.push(tg.createTask(() => fail("f1", 0.05)), tg.createTask(() => fail("f2", 0.05)));
          tg.createTask(() => lingering(tg));
          log.push(`entered: ${String(tg)}`);
          try {
            await sleep(1);
          } catch (e) {
            if (e instanceof CancelledError) log.push(`body cancelled: ${String(tg)}`);
            throw e;
          }
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`str: ${String(e)}`);
        log.push(`same objects: ${B(e.exceptions[0] === failing[0]!.exception())} ${B(e.exceptions[1] === failing[1]!.exception())}`);
        log.push(`exceptions: ${pyRepr(e.exceptions.map(fmt))}`);
      }
      for (const s of seen) log.push(`seen: ${s}`);
      log.push(`after: ${String(tg)}`);
    });
    expect(log).toEqual([
      "entered: <TaskGroup tasks=3 entered>",
      "body cancelled: <TaskGroup tasks=1 errors=2 cancelling>",
      "str: ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)",
      "same objects: True True",
      "exceptions: ['Boom: f1', 'Boom: f2']",
      "seen: <TaskGroup tasks=1 errors=2 cancelling>",
      "seen: <TaskGroup tasks=1 errors=2 cancelling>",
      "seen: RuntimeError: TaskGroup <TaskGroup tasks=1 errors=2 cancelling> is shutting down",
      "after: <TaskGroup cancelling>"
    ]);
  });

  // Python program c14:
  // # a cancelled child makes a gather fail with CancelledError without being cancelled itself: an
  // # outer gather with return_exceptions reports it; a task awaiting the inner gather ends cancelled
  // async def main():
  //     async def child(name, d):
  //         await asyncio.sleep(d)
  //         return name
  //     a = asyncio.create_task(child("a", 0.05))
  //     b = asyncio.create_task(child("b", 1))
  //     inner = asyncio.gather(a, b)
  //     outer = asyncio.gather(inner, asyncio.sleep(0.1, "s"), return_exceptions=True)
  //     async def holder():
  //         try:
  //             return await inner
  //         except asyncio.CancelledError as e:
  //             log.append(f"holder caught {fmt(e)} cancelling={asyncio.current_task().cancelling()}")
  //             raise
  //     h = asyncio.create_task(holder())
  //     await asyncio.sleep(0)
  //     log.append(f"cancel b -> {B(b.cancel('b-msg'))}")
  //     res = await outer
  //     log.append(f"outer -> {[fmt(x) if isinstance(x, BaseException) else x for x in res]}")
  //     log.append(f"inner.done={B(inner.done())} inner.cancelled={B(inner.cancelled())} exception={fmt(inner.exception())}")
  //     try:
  //         await h
  //     except asyncio.CancelledError as e:
  //         log.append(f"h {fmt(e)} cancelled={B(h.cancelled())} cancelling={h.cancelling()}")
  //     log.append(f"same error object: {B(res[0] is inner.exception())}")
  //     # the gather of a child cancelled before the gather was made
  //     c = asyncio.create_task(child("c", 1))
  //     c.cancel("early")
  //     await asyncio.sleep(0)
  //     g = asyncio.gather(c)
  //     log.append(f"gather of cancelled child: done={B(g.done())} cancelled={B(g.cancelled())}")
  //     try:
  //         await g
  //     except asyncio.CancelledError as e:
  //         log.append(f"await it: {fmt(e)}")
  //     r = await asyncio.gather(c, return_exceptions=True)
  //     log.append(f"return_exceptions: {[fmt(x) for x in r]}")
  // asyncio.run(main())
  it("c14: a cancelled child fails a gather with CancelledError; the gather itself is not cancelled", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const child = async (name: string, d: number): Promise<string> => {
        await sleep(d);
        return name;
      };
      const a = createTask(() => child("a", 0.05));
      const b = createTask(() => child("b", 1));
      const inner = gather(a, b);
      const outer = gather(inner, () => sleep(0.1, "s"), { returnExceptions: true });
      const h = createTask(async () => {
        try {
          return await inner;
        } catch (e) {
          if (e instanceof CancelledError) log.push(`holder caught ${fmt(e)} cancelling=${currentTask()!.cancelling()}`);
          throw e;
        }
      });
      await sleep(0);
      log.push(`cancel b -> ${B(b.cancel("b-msg"))}`);
      const res: unknown[] = await outer;
      log.push(`outer -> ${pyRepr(res.map((x) => (x instanceof Error ? fmt(x) : x)))}`);
      log.push(`inner.done=${B(inner.done())} inner.cancelled=${B(inner.cancelled())} exception=${fmt(inner.exception())}`);
      try {
        await h;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`h ${fmt(e)} cancelled=${B(h.cancelled())} cancelling=${h.cancelling()}`);
      }
      log.push(`same error object: ${B(res[0] === inner.exception())}`);
      const c = createTask(() => child("c", 1));
      c.cancel("early");
      await sleep(0);
      const g = gather(c);
      log.push(`gather of cancelled child: done=${B(g.done())} cancelled=${B(g.cancelled())}`);
      try {
        await g;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`await it: ${fmt(e)}`);
      }
      const r = await gather(c, { returnExceptions: true });
      log.push(`return_exceptions: ${pyRepr(r.map(fmt))}`);
    });
    expect(log).toEqual([
      "cancel b -> True",
      "holder caught CancelledError: b-msg cancelling=0",
      "outer -> ['CancelledError: b-msg', 's']",
      "inner.done=True inner.cancelled=False exception=CancelledError: b-msg",
      "h CancelledError: b-msg cancelled=True cancelling=0",
      "same error object: True",
      "gather of cancelled child: done=True cancelled=False",
      "await it: CancelledError: early",
      "return_exceptions: ['CancelledError: ']"
    ]);
  });

  // Python program c15:
  // # gather.cancel() after the gather already failed (False, siblings untouched) and with one child
  // # finished: the gather fails with the child's CancelledError and is not itself cancelled
  // async def main():
  //     async def child(name, d, fail=False):
  //         try:
  //             await asyncio.sleep(d)
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} cancelled {fmt(e)}")
  //             raise
  //         if fail:
  //             raise Boom(name)
  //         log.append(f"{name} finished")
  //         return name
  //     a = asyncio.create_task(child("a", 0.05, fail=True))
  //     b = asyncio.create_task(child("b", 0.15))
  //     g = asyncio.gather(a, b)
  //     await asyncio.sleep(0.1)
  //     log.append(f"1: g.done={B(g.done())} cancel -> {B(g.cancel('late'))} b.cancelling={b.cancelling()}")
  //     try:
  //         await g
  //     except Boom as e:
  //         log.append(f"1: {fmt(e)}")
  //     log.append(f"1: b -> {await b}")
  //     # 2: one child finished, the other pending; without return_exceptions
  //     c = asyncio.create_task(child("c", 0.05))
  //     d = asyncio.create_task(child("d", 1))
  //     g = asyncio.gather(c, d)
  //     await asyncio.sleep(0.1)
  //     log.append(f"2: cancel -> {B(g.cancel('g-msg'))} again -> {B(g.cancel('g-msg2'))}")
  //     try:
  //         await g
  //     except asyncio.CancelledError as e:
  //         log.append(f"2: {fmt(e)} g.cancelled={B(g.cancelled())} exception={fmt(g.exception())}")
  //     # 3: the child finished; the gather's callback ran before this task's wakeup: cancel() is False
  //     e1 = asyncio.create_task(child("e", 0))
  //     g = asyncio.gather(e1)
  //     await e1
  //     log.append(f"3: g.done={B(g.done())} cancel -> {B(g.cancel())} result={g.result()}")
  //     # 4: a gather of plain futures: cancel() cancels them, each with the message
  //     loop = asyncio.get_running_loop()
  //     f1, f2 = loop.create_future(), loop.create_future()
  //     g = asyncio.gather(f1, f2, return_exceptions=True)
  //     log.append(f"4: cancel -> {B(g.cancel('fut-msg'))} f1.cancelled={B(f1.cancelled())}")
  //     try:
  //         await g
  //     except asyncio.CancelledError as e:
  //         log.append(f"4: {fmt(e)} g.cancelled={B(g.cancelled())}")
  //     for f in (f1, f2):
  //         try:
  //             f.result()
  //         except asyncio.CancelledError as e:
  //             log.append(f"4: child {fmt(e)}")
  // asyncio.run(main())
  it("c15: gather.cancel() after a failure, with a finished child, after completion, and over plain futures", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const child = async (name: string, d: number, fail = false): Promise<string> => {
        try {
          await sleep(d);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${name} cancelled ${fmt(e)}`);
          throw e;
        }
        if (fail) throw new Boom(name);
        log.push(`${name} finished`);
        return name;
      };
      const a = createTask(() => child("a", 0.05, true));
      const b = createTask(() => child("b", 0.15));
      let g = gather(a, b);
      await sleep(0.1);
      log.push(`1: g.done=${B(g.done())} cancel -> ${B(g.cancel("late"))} b.cancelling=${b.cancelling()}`);
      try {
        await g;
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        log.push(`1: ${fmt(e)}`);
      }
      log.push(`1: b -> ${await b}`);
      const c = createTask(() => child("c", 0.05));
      const d = createTask(() => child("d", 1));
      g = gather(c, d);
      await sleep(0.1);
      log.push(`2: cancel -> ${B(g.cancel("g-msg"))} again -> ${B(g.cancel("g-msg2"))}`);
      try {
        await g;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`2: ${fmt(e)} g.cancelled=${B(g.cancelled())} exception=${fmt(g.exception())}`);
      }
      const e1 = createTask(() => child("e", 0));
      const g3 = gather(e1);
      await e1;
      log.push(`3: g.done=${B(g3.done())} cancel -> ${B(g3.cancel())} result=${pyRepr(g3.result())}`);
      const loop = getRunningLoop();
      const f1 = loop.createFuture<string>() as Future<string>;
      const f2 = loop.createFuture<string>() as Future<string>;
      const g4 = gather(f1, f2, { returnExceptions: true });
      log.push(`4: cancel -> ${B(g4.cancel("fut-msg"))} f1.cancelled=${B(f1.cancelled())}`);
      try {
        await g4;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`4: ${fmt(e)} g.cancelled=${B(g4.cancelled())}`);
      }
      for (const f of [f1, f2]) {
        try {
          f.result();
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`4: child ${fmt(e)}`);
        }
      }
    });
    expect(log).toEqual([
      "1: g.done=True cancel -> False b.cancelling=0",
      "1: Boom: a",
      "b finished",
      "1: b -> b",
      "c finished",
      "2: cancel -> True again -> True",
      "d cancelled CancelledError: g-msg",
      "2: CancelledError: g-msg g.cancelled=False exception=CancelledError: g-msg",
      "e finished",
      "3: g.done=True cancel -> False result=['e']",
      "4: cancel -> True f1.cancelled=True",
      "4: CancelledError: fut-msg g.cancelled=False",
      "4: child CancelledError: fut-msg",
      "4: child CancelledError: fut-msg"
    ]);
  });

  // Python program c16:
  // # where a cancel message goes: a task cancelled while it awaits wait_for, shield, wait, as_completed,
  // # a TaskGroup body, a timeout block or a Future that someone else cancels
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     async def leaf(label):
  //         try:
  //             await asyncio.sleep(1)
  //             return "leaf"
  //         except asyncio.CancelledError as e:
  //             log.append(f"{label}: leaf saw {fmt(e)}")
  //             raise
  //     def in_task(label, coro_fn):
  //         async def holder():
  //             try:
  //                 return await coro_fn()
  //             except asyncio.CancelledError as e:
  //                 log.append(f"{label}: holder saw {fmt(e)} cancelling={asyncio.current_task().cancelling()}")
  //                 raise
  //         return asyncio.create_task(holder())
  //     cases = {}
  //     cases["wait_for"] = lambda: asyncio.wait_for(leaf("wait_for"), 5)
  //     shielded = asyncio.create_task(leaf("shield"))
  //     cases["shield"] = lambda: asyncio.shield(shielded)
  //     waited = asyncio.create_task(leaf("wait"))
  //     cases["wait"] = lambda: asyncio.wait([waited])
  //     completed = asyncio.create_task(leaf("as_completed"))
  //     async def first_completed():
  //         for aw in asyncio.as_completed([completed]):
  //             return await aw
  //     cases["as_completed"] = first_completed
  //     async def grouped():
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(leaf("taskgroup-child"))
  //             await leaf("taskgroup-body")
  //     cases["taskgroup"] = grouped
  //     async def timed():
  //         async with asyncio.timeout(5):
  //             await leaf("timeout")
  //     cases["timeout"] = timed
  //     holders = {label: in_task(label, fn) for label, fn in cases.items()}
  //     await asyncio.sleep(0.05)
  //     for label, h in holders.items():
  //         h.cancel(f"{label}-msg")
  //     for label, h in holders.items():
  //         try:
  //             await h
  //         except asyncio.CancelledError as e:
  //             log.append(f"{label}: result {fmt(e)}")
  //     log.append(f"left running: shield={B(not shielded.done())} wait={B(not waited.done())} as_completed={B(not completed.done())}")
  //     for t in (shielded, waited, completed):
  //         t.cancel()
  //     await asyncio.gather(shielded, waited, completed, return_exceptions=True)
  //     # a Future cancelled by someone else with a message: the awaiting task is not cancelling
  //     fut = loop.create_future()
  //     h = in_task("foreign", lambda: fut)
  //     await asyncio.sleep(0)
  //     fut.cancel("fut-msg")
  //     try:
  //         await h
  //     except asyncio.CancelledError as e:
  //         log.append(f"foreign: result {fmt(e)} cancelled={B(h.cancelled())} cancelling={h.cancelling()}")
  // asyncio.run(main())
  it("c16: where a cancel message goes: waitFor, shield, wait, asCompleted, TaskGroup, timeout, a foreign cancel", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const leaf = async (label: string): Promise<string> => {
        try {
          await sleep(1);
          return "leaf";
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${label}: leaf saw ${fmt(e)}`);
          throw e;
        }
      };
      const inTask = (label: string, fn: () => PromiseLike<unknown>): Task<unknown> =>
        createTask(async () => {
          try {
            return await fn();
          } catch (e) {
            if (e instanceof CancelledError) log.push(`${label}: holder saw ${fmt(e)} cancelling=${currentTask()!.cancelling()}`);
            throw e;
          }
        });
      const shielded = createTask(() => leaf("shield"));
      const waited = createTask(() => leaf("wait"));
      const completed = createTask(() => leaf("as_completed"));
      const cases: [string, () => PromiseLike<unknown>][] = [
        ["wait_for", () => waitFor(() => leaf("wait_for"), 5)],
        ["shield", () => shield(shielded)],
        ["wait", () => wait([waited])],
        ["as_completed", async () => {
          for (const aw of asCompleted([completed])) return await aw;
          return null;
        }],
        ["taskgroup", () =>
          asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(() => leaf("taskgroup-child"));
            await leaf("taskgroup-body");
          })],
        ["timeout", () => asyncWith(timeout(5), () => leaf("timeout"))],
      ];
      const holders = cases.map(([label, fn]) => [label, inTask(label, fn)] as const);
      await sleep(0.05);
      for (const [label, h] of holders) h.cancel(`${label}-msg`);
      for (const [label, h] of holders) {
        try {
          await h;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`${label}: result ${fmt(e)}`);
        }
      }
      log.push(`left running: shield=${B(!shielded.done())} wait=${B(!waited.done())} as_completed=${B(!completed.done())}`);
      for (const t of [shielded, waited, completed]) t.cancel();
      await gather(shielded, waited, completed, { returnExceptions: true });
      const fut = loop.createFuture<string>() as Future<string>;
      const h = inTask("foreign", () => fut);
      await sleep(0);
      fut.cancel("fut-msg");
      try {
        await h;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`foreign: result ${fmt(e)} cancelled=${B(h.cancelled())} cancelling=${h.cancelling()}`);
      }
    });
    expect(log).toEqual([
      "wait_for: leaf saw CancelledError: wait_for-msg",
      "wait_for: holder saw CancelledError: wait_for-msg cancelling=1",
      "shield: holder saw CancelledError: shield-msg cancelling=1",
      "wait: holder saw CancelledError: wait-msg cancelling=1",
      "as_completed: holder saw CancelledError: as_completed-msg cancelling=1",
      "taskgroup-body: leaf saw CancelledError: taskgroup-msg",
      "timeout: leaf saw CancelledError: timeout-msg",
      "timeout: holder saw CancelledError: timeout-msg cancelling=1",
      "wait_for: result CancelledError: wait_for-msg",
      "shield: result CancelledError: shield-msg",
      "wait: result CancelledError: wait-msg",
      "as_completed: result CancelledError: as_completed-msg",
      "taskgroup-child: leaf saw CancelledError: ",
      "taskgroup: holder saw CancelledError: taskgroup-msg cancelling=1",
      "taskgroup: result CancelledError: taskgroup-msg",
      "timeout: result CancelledError: timeout-msg",
      "left running: shield=True wait=True as_completed=True",
      "shield: leaf saw CancelledError: ",
      "wait: leaf saw CancelledError: ",
      "as_completed: leaf saw CancelledError: ",
      "foreign: holder saw CancelledError: fut-msg cancelling=0",
      "foreign: result CancelledError: fut-msg cancelled=True cancelling=0"
    ]);
  });

  // Python program c17:
  // # wait_for on a task that ignores the cancel: the late result is returned instead of TimeoutError;
  // # an outside cancel during that wait wins; with timeout 0 the result is returned too
  // async def main():
  //     async def ignorer(name, extra):
  //         me = asyncio.current_task()
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} ignores {fmt(e)} cancelling={me.cancelling()}")
  //         try:
  //             await asyncio.sleep(extra)
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} gives up {fmt(e)} cancelling={me.cancelling()}")
  //             raise
  //         log.append(f"{name} returns late")
  //         return f"{name}-late"
  //     async def call(label, aw, timeout):
  //         me = asyncio.current_task()
  //         try:
  //             r = await asyncio.wait_for(aw, timeout)
  //             log.append(f"{label}: wait_for -> {r} cancelling={me.cancelling()}")
  //         except BaseException as e:
  //             log.append(f"{label}: wait_for raised {fmt(e)} cancelling={me.cancelling()}")
  //             raise
  //     # 1: the task outlives the deadline and returns
  //     t1 = asyncio.create_task(ignorer("t1", 0.1))
  //     await call("1", t1, 0.05)
  //     log.append(f"1: t1.cancelling={t1.cancelling()}")
  //     # 2: the caller is cancelled from outside while the task lingers
  //     t2 = asyncio.create_task(ignorer("t2", 0.25))
  //     c2 = asyncio.create_task(call("2", t2, 0.05))
  //     await asyncio.sleep(0.15)
  //     c2.cancel("outside")
  //     try:
  //         await c2
  //     except asyncio.CancelledError as e:
  //         log.append(f"2: caller {fmt(e)} cancelled={B(c2.cancelled())} t2.cancelled={B(t2.cancelled())} t2.cancelling={t2.cancelling()}")
  //     # 3: timeout 0: cancelled at once, waited for, and its late result returned
  //     t3 = asyncio.create_task(ignorer("t3", 0.05))
  //     await asyncio.sleep(0)
  //     await call("3", t3, 0)
  //     # 4: a coroutine that ignores the cancel runs inside the caller: the caller's count shows it
  //     await call("4", ignorer("inline", 0.05), 0.025)
  // asyncio.run(main())
  it("c17: waitFor on a task that ignores the cancel returns its late result; an outside cancel still wins", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const ignorer = async (name: string, extra: number): Promise<string> => {
        const me = currentTask()!;
        try {
          await sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`${name} ignores ${fmt(e)} cancelling=${me.cancelling()}`);
        }
        try {
          await sleep(extra);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${name} gives up ${fmt(e)} cancelling=${me.cancelling()}`);
          throw e;
        }
        log.push(`${name} returns late`);
        return `${name}-late`;
      };
      const call = async (label: string, aw: Awaitable<string>, limit: number | null): Promise<void> => {
        const me = currentTask()!;
        try {
          const r = await waitFor(aw, limit);
          log.push(`${label}: wait_for -> ${r} cancelling=${me.cancelling()}`);
        } catch (e) {
          log.push(`${label}: wait_for raised ${fmt(e)} cancelling=${me.cancelling()}`);
          throw e;
        }
      };
      const t1 = createTask(() => ignorer("t1", 0.1));
      await call("1", t1, 0.05);
      log.push(`1: t1.cancelling=${t1.cancelling()}`);
      const t2 = createTask(() => ignorer("t2", 0.25));
      const c2 = createTask(() => call("2", t2, 0.05));
      await sleep(0.15);
      c2.cancel("outside");
      try {
        await c2;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`2: caller ${fmt(e)} cancelled=${B(c2.cancelled())} t2.cancelled=${B(t2.cancelled())} t2.cancelling=${t2.cancelling()}`);
      }
      const t3 = createTask(() => ignorer("t3", 0.05));
      await sleep(0);
      await call("3", t3, 0);
      await call("4", () => ignorer("inline", 0.05), 0.025);
    });
    expect(log).toEqual([
      "t1 ignores CancelledError:  cancelling=1",
      "t1 returns late",
      "1: wait_for -> t1-late cancelling=0",
      "1: t1.cancelling=1",
      "t2 ignores CancelledError:  cancelling=1",
      "t2 gives up CancelledError: outside cancelling=2",
      "2: wait_for raised CancelledError: outside cancelling=1",
      "2: caller CancelledError: outside cancelled=True t2.cancelled=True t2.cancelling=2",
      "t3 ignores CancelledError:  cancelling=1",
      "t3 returns late",
      "3: wait_for -> t3-late cancelling=0",
      "inline ignores CancelledError:  cancelling=1",
      "inline returns late",
      "4: wait_for -> inline-late cancelling=0"
    ]);
  });

  // Python program c18:
  // # which task runs the coroutine given to wait_for / shield / gather / timeout: the caller's own task
  // # for wait_for with a positive or None timeout, a new task for timeout <= 0, shield and gather
  // async def main():
  //     me = asyncio.current_task()
  //     async def probe(label):
  //         cur = asyncio.current_task()
  //         log.append(f"{label}: runs in caller={B(cur is me)} cancelling={cur.cancelling()}")
  //         await asyncio.sleep(0)
  //         return label
  //     log.append(await asyncio.wait_for(probe("wait_for(5)"), 5))
  //     log.append(await asyncio.wait_for(probe("wait_for(None)"), None))
  //     try:
  //         await asyncio.wait_for(probe("wait_for(0)"), 0)
  //     except TimeoutError as e:
  //         log.append(f"wait_for(0): {fmt(e)} (the coroutine never ran)")
  //     log.append(await asyncio.shield(probe("shield")))
  //     log.append(str(await asyncio.gather(probe("gather"))))
  //     async with asyncio.timeout(5):
  //         log.append(await probe("timeout"))
  //     # an eager task factory: the coroutine of wait_for(..., 0) runs at once and may finish
  //     loop = asyncio.get_running_loop()
  //     loop.set_task_factory(asyncio.eager_task_factory)
  //     async def instant(label):
  //         cur = asyncio.current_task()
  //         log.append(f"{label}: runs in caller={B(cur is me)}")
  //         return label
  //     try:
  //         log.append(f"eager wait_for(0) -> {await asyncio.wait_for(instant('eager wait_for(0)'), 0)}")
  //     except TimeoutError as e:
  //         log.append(f"eager wait_for(0): {fmt(e)}")
  //     loop.set_task_factory(None)
  // asyncio.run(main())
  it("c18: which task runs the coroutine given to waitFor, shield, gather and timeout", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const probe = async (label: string): Promise<string> => {
        const cur = currentTask()!;
        log.push(`${label}: runs in caller=${B(cur === me)} cancelling=${cur.cancelling()}`);
        await sleep(0);
        return label;
      };
      log.push(await waitFor(() => probe("wait_for(5)"), 5));
      log.push(await waitFor(() => probe("wait_for(None)"), null));
      try {
        await waitFor(() => probe("wait_for(0)"), 0);
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`wait_for(0): ${fmt(e)} (the coroutine never ran)`);
      }
      log.push(await shield(() => probe("shield")));
      log.push(pyRepr(await gather(() => probe("gather"))));
      await asyncWith(timeout(5), async () => {
        log.push(await probe("timeout"));
      });
      const loop = getRunningLoop();
      loop.setTaskFactory(eagerTaskFactory);
      const instant = async (label: string): Promise<string> => {
        const cur = currentTask();
        log.push(`${label}: runs in caller=${B(cur === me)}`);
        return label;
      };
      try {
        log.push(`eager wait_for(0) -> ${await waitFor(() => instant("eager wait_for(0)"), 0)}`);
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`eager wait_for(0): ${fmt(e)}`);
      }
      loop.setTaskFactory(null);
    });
    expect(log).toEqual([
      "wait_for(5): runs in caller=True cancelling=0",
      "wait_for(5)",
      "wait_for(None): runs in caller=True cancelling=0",
      "wait_for(None)",
      "wait_for(0): TimeoutError:  (the coroutine never ran)",
      "shield: runs in caller=False cancelling=0",
      "shield",
      "gather: runs in caller=False cancelling=0",
      "['gather']",
      "timeout: runs in caller=True cancelling=0",
      "timeout",
      "eager wait_for(0): runs in caller=False",
      "eager wait_for(0) -> eager wait_for(0)"
    ]);
  });

  // Python program c19:
  // # wait(): FIRST_EXCEPTION ignores cancelled tasks (even one that raised CancelledError itself) and
  // # returns for an already failed one; FIRST_COMPLETED is woken by a cancel
  // async def main():
  //     async def job(name, d, mode="ok"):
  //         await asyncio.sleep(d)
  //         if mode == "fail":
  //             raise Boom(name)
  //         if mode == "quit":
  //             raise asyncio.CancelledError(name)
  //         return name
  //     def names(s):
  //         return sorted(t.get_name() for t in s)
  //     # 1: a task that raises CancelledError itself is not an exception for FIRST_EXCEPTION
  //     ts = [asyncio.create_task(job("q", 0.05, "quit"), name="q"), asyncio.create_task(job("ok", 0.1), name="ok"),
  //           asyncio.create_task(job("f", 0.15, "fail"), name="f")]
  //     done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
  //     log.append(f"1: done={names(done)} pending={names(pending)} f: {fmt(ts[2].exception())}")
  //     # 2: an already failed task: FIRST_EXCEPTION returns after one loop iteration
  //     slow = asyncio.create_task(job("slow", 1), name="slow")
  //     failed = asyncio.create_task(job("failed", 0, "fail"), name="failed")
  //     await asyncio.sleep(0.005)
  //     done, pending = await asyncio.wait([slow, failed], return_when=asyncio.FIRST_EXCEPTION)
  //     log.append(f"2: done={names(done)} pending={names(pending)}")
  //     # 3: FIRST_COMPLETED woken by cancelling one of the tasks
  //     async def canceller():
  //         await asyncio.sleep(0.05)
  //         slow.cancel("stop")
  //     c = asyncio.create_task(canceller())
  //     other = asyncio.create_task(job("other", 1), name="other")
  //     done, pending = await asyncio.wait([slow, other], return_when=asyncio.FIRST_COMPLETED)
  //     log.append(f"3: done={names(done)} pending={names(pending)} slow.cancelled={B(slow.cancelled())}")
  //     # 4: ALL_COMPLETED with a timeout: a task cancelled meanwhile is done, the rest pending
  //     async def canceller2():
  //         await asyncio.sleep(0.05)
  //         other.cancel()
  //     c2 = asyncio.create_task(canceller2())
  //     third = asyncio.create_task(job("third", 1), name="third")
  //     done, pending = await asyncio.wait([other, third], timeout=0.1)
  //     log.append(f"4: done={names(done)} pending={names(pending)}")
  //     third.cancel()
  //     await asyncio.gather(c, c2, third, return_exceptions=True)
  //     log.append(f"failed exception: {fmt(failed.exception())}")
  // asyncio.run(main())
  it("c19: wait(): FIRST_EXCEPTION ignores cancelled tasks, an already failed task, a cancel wakes FIRST_COMPLETED", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const job = async (name: string, d: number, mode = "ok"): Promise<string> => {
        await sleep(d);
        if (mode === "fail") throw new Boom(name);
        if (mode === "quit") throw new CancelledError(name);
        return name;
      };
      const names = (s: Set<AbstractFuture<string>>): string => pyRepr([...s].map((t) => (t as Task<string>).getName()).sort());
      const ts = [createTask(() => job("q", 0.05, "quit"), { name: "q" }), createTask(() => job("ok", 0.1), { name: "ok" }),
        createTask(() => job("f", 0.15, "fail"), { name: "f" })];
      let [done, pending] = await wait(ts, { returnWhen: FIRST_EXCEPTION });
      log.push(`1: done=${names(done)} pending=${names(pending)} f: ${fmt(ts[2]!.exception())}`);
      const slow = createTask(() => job("slow", 1), { name: "slow" });
      const failed = createTask(() => job("failed", 0, "fail"), { name: "failed" });
      await sleep(0.005);
      [done, pending] = await wait([slow, failed], { returnWhen: FIRST_EXCEPTION });
      log.push(`2: done=${names(done)} pending=${names(pending)}`);
      const c = createTask(async () => {
        await sleep(0.05);
        slow.cancel("stop");
      });
      const other = createTask(() => job("other", 1), { name: "other" });
      [done, pending] = await wait([slow, other], { returnWhen: FIRST_COMPLETED });
      log.push(`3: done=${names(done)} pending=${names(pending)} slow.cancelled=${B(slow.cancelled())}`);
      const c2 = createTask(async () => {
        await sleep(0.05);
        other.cancel();
      });
      const third = createTask(() => job("third", 1), { name: "third" });
      [done, pending] = await wait([other, third], { timeout: 0.1 });
      log.push(`4: done=${names(done)} pending=${names(pending)}`);
      third.cancel();
      await gather(c, c2, third, { returnExceptions: true });
      log.push(`failed exception: ${fmt(failed.exception())}`);
    });
    expect(log).toEqual([
      "1: done=['f', 'ok', 'q'] pending=[] f: Boom: f",
      "2: done=['failed'] pending=['slow']",
      "3: done=['slow'] pending=['other'] slow.cancelled=True",
      "4: done=['other'] pending=['third']",
      "failed exception: Boom: failed"
    ]);
  });

  // Python program c20:
  // # as_completed with a timeout: results that arrived before the deadline are still handed to a slow
  // # consumer; timeout=0 with finished futures; a task cancelled midway raises in the consumer only
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     me = asyncio.current_task()
  //     async def job(name, d):
  //         await asyncio.sleep(d)
  //         return name
  //     # 1: a slow consumer: a and b finish before the deadline, c after it
  //     ts = [asyncio.create_task(job("a", 0.05)), asyncio.create_task(job("b", 0.1)), asyncio.create_task(job("c", 1))]
  //     for aw in asyncio.as_completed(ts, timeout=0.15):
  //         try:
  //             r = await aw
  //             log.append(f"1: got {r}")
  //             await asyncio.sleep(0.2)
  //         except TimeoutError as e:
  //             log.append(f"1: {fmt(e)} c.done={B(ts[2].done())}")
  //     ts[2].cancel()
  //     # 2: timeout=0 with a finished future and a pending one (as_completed keeps them in a set)
  //     done1 = loop.create_future(); done1.set_result("d1")
  //     done2 = loop.create_future(); done2.set_exception(Boom("d2"))
  //     pend = loop.create_future()
  //     for first in (done1, done2):
  //         for aw in asyncio.as_completed([first, pend], timeout=0):
  //             try:
  //                 log.append(f"2: got {await aw}")
  //             except (Boom, TimeoutError) as e:
  //                 log.append(f"2: {fmt(e)}")
  //     pend.cancel()
  //     # 3: a task cancelled midway: the consumer gets CancelledError but is not being cancelled
  //     ts = [asyncio.create_task(job("x", 0.05)), asyncio.create_task(job("y", 1)), asyncio.create_task(job("z", 0.1))]
  //     loop.call_later(0.025, ts[1].cancel, "y-msg")
  //     async for t in asyncio.as_completed(ts):
  //         try:
  //             log.append(f"3: got {await t}")
  //         except asyncio.CancelledError as e:
  //             log.append(f"3: {fmt(e)} cancelling={me.cancelling()}")
  //     ts = [asyncio.create_task(job("u", 0.1)), asyncio.create_task(job("v", 1))]
  //     loop.call_later(0.05, ts[1].cancel, "v-msg")
  //     for aw in asyncio.as_completed(ts):
  //         try:
  //             log.append(f"3b: got {await aw}")
  //         except asyncio.CancelledError as e:
  //             log.append(f"3b: {fmt(e)} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c20: asCompleted with a timeout hands earlier results to a slow consumer; timeout 0; a task cancelled midway", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const me = currentTask()!;
      const job = async (name: string, d: number): Promise<string> => {
        await sleep(d);
        return name;
      };
      let ts = [createTask(() => job("a", 0.05)), createTask(() => job("b", 0.1)), createTask(() => job("c", 1))];
      for (const aw of asCompleted(ts, { timeout: 0.15 })) {
        try {
          const r = await aw;
          log.push(`1: got ${r}`);
          await sleep(0.2);
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          log.push(`1: ${fmt(e)} c.done=${B(ts[2]!.done())}`);
        }
      }
      ts[2]!.cancel();
      const done1 = loop.createFuture<string>() as Future<string>;
      done1.setResult("d1");
      const done2 = loop.createFuture<string>() as Future<string>;
      done2.setException(new Boom("d2"));
      const pend = loop.createFuture<string>() as Future<string>;
      for (const first of [done1, done2]) {
        for (const aw of asCompleted([first, pend], { timeout: 0 })) {
          try {
            log.push(`2: got ${await aw}`);
          } catch (e) {
            if (!(e instanceof Boom || e instanceof TimeoutError)) throw e;
            log.push(`2: ${fmt(e)}`);
          }
        }
      }
      pend.cancel();
      ts = [createTask(() => job("x", 0.05)), createTask(() => job("y", 1)), createTask(() => job("z", 0.1))];
      loop.callLater(0.025, (t: Task<string>) => t.cancel("y-msg"), ts[1]!);
      for await (const t of asCompleted(ts)) {
        try {
          log.push(`3: got ${await (t as unknown as Task<string>)}`);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`3: ${fmt(e)} cancelling=${me.cancelling()}`);
        }
      }
      ts = [createTask(() => job("u", 0.1)), createTask(() => job("v", 1))];
      loop.callLater(0.05, (t: Task<string>) => t.cancel("v-msg"), ts[1]!);
      for (const aw of asCompleted(ts)) {
        try {
          log.push(`3b: got ${await aw}`);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`3b: ${fmt(e)} cancelling=${me.cancelling()}`);
        }
      }
    });
    expect(log).toEqual([
      "1: got a",
      "1: got b",
      "1: TimeoutError:  c.done=False",
      "2: got d1",
      "2: TimeoutError: ",
      "2: Boom: d2",
      "2: TimeoutError: ",
      "3: CancelledError: y-msg cancelling=0",
      "3: got x",
      "3: got z",
      "3b: CancelledError: v-msg cancelling=0",
      "3b: got u"
    ]);
  });

  // Python program c21:
  // # shield(): two tasks shield the same inner task and one is cancelled; the inner then fails and the
  // # other gets the error; an inner cancelled with a message reaches the shield's awaiter without it
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     async def inner(name, d, fail=False):
  //         await asyncio.sleep(d)
  //         log.append(f"{name} inner ends")
  //         if fail:
  //             raise Boom(name)
  //         return name
  //     async def awaiter(label, aw):
  //         try:
  //             r = await asyncio.shield(aw)
  //             log.append(f"{label} got {r}")
  //         except BaseException as e:
  //             log.append(f"{label} {fmt(e)} cancelling={asyncio.current_task().cancelling()}")
  //     i = asyncio.create_task(inner("i", 0.1, fail=True))
  //     a1 = asyncio.create_task(awaiter("a1", i))
  //     a2 = asyncio.create_task(awaiter("a2", i))
  //     await asyncio.sleep(0.05)
  //     a1.cancel("a1-msg")
  //     await asyncio.gather(a1, a2)
  //     log.append(f"1: i {fmt(i.exception())} a1.cancelled={B(a1.cancelled())}")
  //     # 2: the inner task is cancelled with a message: shield's outer is cancelled without one
  //     j = asyncio.create_task(inner("j", 1))
  //     a3 = asyncio.create_task(awaiter("a3", j))
  //     async def direct():
  //         try:
  //             await j
  //         except asyncio.CancelledError as e:
  //             log.append(f"direct awaiter {fmt(e)}")
  //     d = asyncio.create_task(direct())
  //     await asyncio.sleep(0)
  //     j.cancel("j-msg")
  //     await asyncio.gather(a3, d)
  //     # 3: shield of a shield: cancelling the outermost leaves both the middle and the inner running
  //     k = asyncio.create_task(inner("k", 0.05))
  //     middle = asyncio.shield(k)
  //     a4 = asyncio.create_task(awaiter("a4", middle))
  //     await asyncio.sleep(0)
  //     a4.cancel()
  //     await a4
  //     log.append(f"3: middle.done={B(middle.done())} -> {await middle}")
  //     # 4: the outer future of shield() cancelled directly; the inner result is dropped quietly
  //     m = asyncio.create_task(inner("m", 0.05, fail=True))
  //     outer = asyncio.shield(m)
  //     log.append(f"4: outer.cancel -> {B(outer.cancel('o-msg'))}")
  //     try:
  //         await outer
  //     except asyncio.CancelledError as e:
  //         log.append(f"4: {fmt(e)}")
  //     await asyncio.sleep(0.1)
  //     log.append(f"4: m {fmt(m.exception())}")
  // asyncio.run(main())
  it("c21: shield: one of two shielding awaiters cancelled, an inner cancelled with a message, shield of a shield", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const inner = async (name: string, d: number, fail = false): Promise<string> => {
        await sleep(d);
        log.push(`${name} inner ends`);
        if (fail) throw new Boom(name);
        return name;
      };
      const awaiter = async (label: string, aw: Awaitable<string>): Promise<void> => {
        try {
          const r = await shield(aw);
          log.push(`${label} got ${r}`);
        } catch (e) {
          log.push(`${label} ${fmt(e)} cancelling=${currentTask()!.cancelling()}`);
        }
      };
      const i = createTask(() => inner("i", 0.1, true));
      const a1 = createTask(() => awaiter("a1", i));
      const a2 = createTask(() => awaiter("a2", i));
      await sleep(0.05);
      a1.cancel("a1-msg");
      await gather(a1, a2);
      log.push(`1: i ${fmt(i.exception())} a1.cancelled=${B(a1.cancelled())}`);
      const j = createTask(() => inner("j", 1));
      const a3 = createTask(() => awaiter("a3", j));
      const d = createTask(async () => {
        try {
          await j;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`direct awaiter ${fmt(e)}`);
        }
      });
      await sleep(0);
      j.cancel("j-msg");
      await gather(a3, d);
      const k = createTask(() => inner("k", 0.05));
      const middle = shield(k);
      const a4 = createTask(() => awaiter("a4", middle));
      await sleep(0);
      a4.cancel();
      await a4;
      log.push(`3: middle.done=${B(middle.done())} -> ${await middle}`);
      const m = createTask(() => inner("m", 0.05, true));
      const outer = shield(m);
      log.push(`4: outer.cancel -> ${B(outer.cancel("o-msg"))}`);
      try {
        await outer;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`4: ${fmt(e)}`);
      }
      await sleep(0.1);
      log.push(`4: m ${fmt(m.exception())}`);
    });
    expect(log).toEqual([
      "a1 CancelledError: a1-msg cancelling=1",
      "i inner ends",
      "a2 Boom: i cancelling=0",
      "1: i Boom: i a1.cancelled=False",
      "direct awaiter CancelledError: j-msg",
      "a3 CancelledError:  cancelling=0",
      "a4 CancelledError:  cancelling=1",
      "k inner ends",
      "3: middle.done=False -> k",
      "4: outer.cancel -> True",
      "4: CancelledError: o-msg",
      "m inner ends",
      "4: m Boom: m"
    ]);
  });

  // Python program c22:
  // # eager tasks created inside an eager task's first step: nested first steps, the current task and its
  // # name (set only after the first step) before and after each nested start, later steps vs call_soon
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     loop.set_task_factory(asyncio.eager_task_factory)
  //     def cur():
  //         return re.sub(r"Task-\d+", "Task-N", asyncio.current_task().get_name())
  //     async def leaf(name, n):
  //         log.append(f"{name} start in {cur()}")
  //         for i in range(n):
  //             await asyncio.sleep(0)
  //             log.append(f"{name} step{i} in {cur()}")
  //         return name
  //     async def parent():
  //         log.append(f"parent start in {cur()}")
  //         c1 = asyncio.create_task(leaf("c1", 2), name="c1")
  //         log.append(f"parent after c1 in {cur()} c1.done={B(c1.done())}")
  //         loop.call_soon(log.append, "soon from parent")
  //         c2 = asyncio.create_task(leaf("c2", 1), name="c2")
  //         log.append(f"parent after c2 in {cur()}")
  //         r = await asyncio.gather(c1, c2)
  //         log.append(f"parent got {r} in {cur()}")
  //         return "parent"
  //     loop.call_soon(log.append, "soon from main")
  //     p = asyncio.create_task(parent(), name="parent")
  //     log.append(f"main after parent in {cur()} p.done={B(p.done())}")
  //     loop.set_task_factory(None)
  //     n = asyncio.create_task(leaf("normal", 1), name="normal")
  //     await asyncio.gather(p, n)
  //     log.append(f"main done in {cur()}")
  // asyncio.run(main())
  it("c22: eager tasks started inside an eager task's first step: current task, unset names, later steps", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      loop.setTaskFactory(eagerTaskFactory);
      const cur = (): string => currentTask()!.getName().replace(/Task-\d+/g, "Task-N");
      const leaf = async (name: string, n: number): Promise<string> => {
        log.push(`${name} start in ${cur()}`);
        for (let i = 0; i < n; i++) {
          await sleep(0);
          log.push(`${name} step${i} in ${cur()}`);
        }
        return name;
      };
      const parent = async (): Promise<string> => {
        log.push(`parent start in ${cur()}`);
        const c1 = createTask(() => leaf("c1", 2), { name: "c1" });
        log.push(`parent after c1 in ${cur()} c1.done=${B(c1.done())}`);
        loop.callSoon(() => log.push("soon from parent"));
        const c2 = createTask(() => leaf("c2", 1), { name: "c2" });
        log.push(`parent after c2 in ${cur()}`);
        const r = await gather(c1, c2);
        log.push(`parent got ${pyRepr(r)} in ${cur()}`);
        return "parent";
      };
      loop.callSoon(() => log.push("soon from main"));
      const p = createTask(parent, { name: "parent" });
      log.push(`main after parent in ${cur()} p.done=${B(p.done())}`);
      loop.setTaskFactory(null);
      const n = createTask(() => leaf("normal", 1), { name: "normal" });
      await gather(p, n);
      log.push(`main done in ${cur()}`);
    });
    expect(log).toEqual([
      "parent start in Task-N",
      "c1 start in Task-N",
      "parent after c1 in Task-N c1.done=False",
      "c2 start in Task-N",
      "parent after c2 in Task-N",
      "main after parent in Task-N p.done=False",
      "soon from main",
      "c1 step0 in c1",
      "soon from parent",
      "c2 step0 in c2",
      "normal start in normal",
      "c1 step1 in c1",
      "normal step0 in normal",
      "parent got ['c1', 'c2'] in parent",
      "main done in Task-N"
    ]);
  });

  // Python program c23:
  // (`done()` is not read right after an eager createTask: @aio's eager task finishes a few promise
  //  jobs later; see "Eager tasks finish a few promise jobs after `createTask`" in the @aio/tasks README)
  // # an eager task cancelled during its first step, before it first suspends: by itself (then it
  // # suspends, or returns at once), or it cancels the task that is creating it
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     loop.set_task_factory(asyncio.eager_task_factory)
  //     async def self_cancel_then_suspend():
  //         me = asyncio.current_task()
  //         log.append(f"1: cancel -> {B(me.cancel('self'))} cancelling={me.cancelling()}")
  //         try:
  //             await asyncio.sleep(0)
  //             log.append("1: not reached")
  //         except asyncio.CancelledError as e:
  //             log.append(f"1: sleep raised {fmt(e)}")
  //             raise
  //     t1 = asyncio.create_task(self_cancel_then_suspend())
  //     log.append(f"1: created, cancelling={t1.cancelling()}")
  //     try:
  //         await t1
  //     except asyncio.CancelledError as e:
  //         log.append(f"1: -> {fmt(e)} cancelled={B(t1.cancelled())}")
  //     async def self_cancel_then_return():
  //         asyncio.current_task().cancel("self-return")
  //         return "result"
  //     t1b = asyncio.create_task(self_cancel_then_return())
  //     try:
  //         log.append(f"1b: -> {await t1b}")
  //     except asyncio.CancelledError as e:
  //         log.append(f"1b: -> {fmt(e)} cancelled={B(t1b.cancelled())} cancelling={t1b.cancelling()}")
  //     async def self_cancel_then_uncancel():
  //         me = asyncio.current_task()
  //         me.cancel("self2")
  //         log.append(f"2: uncancel -> {me.uncancel()}")
  //         await asyncio.sleep(0)
  //         return "2: survived"
  //     t2 = asyncio.create_task(self_cancel_then_uncancel())
  //     log.append(await t2)
  //     # the eager child cancels its creator, which is running (not suspended): lands at its next await
  //     async def rebel(parent):
  //         log.append(f"3: child cancels parent -> {B(parent.cancel('from-child'))} cancelling={parent.cancelling()}")
  //         await asyncio.sleep(0)
  //         return "rebel"
  //     async def creator():
  //         me = asyncio.current_task()
  //         c = asyncio.create_task(rebel(me))
  //         log.append(f"3: parent goes on, cancelling={me.cancelling()}")
  //         try:
  //             await asyncio.sleep(0)
  //             log.append("3: not reached")
  //         except asyncio.CancelledError as e:
  //             log.append(f"3: parent's next await {fmt(e)}")
  //         return await c
  //     loop.set_task_factory(None)
  //     p = asyncio.create_task(creator())
  //     loop.set_task_factory(asyncio.eager_task_factory)
  //     log.append(f"3: -> {await p} cancelling={p.cancelling()}")
  //     loop.set_task_factory(None)
  // asyncio.run(main())
  it("c23: an eager task cancelled during its first step: by itself, withdrawn, or it cancels its creator", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      loop.setTaskFactory(eagerTaskFactory);
      const selfCancelThenSuspend = async (): Promise<void> => {
        const me = currentTask()!;
        log.push(`1: cancel -> ${B(me.cancel("self"))} cancelling=${me.cancelling()}`);
        try {
          await sleep(0);
          log.push("1: not reached");
        } catch (e) {
          if (e instanceof CancelledError) log.push(`1: sleep raised ${fmt(e)}`);
          throw e;
        }
      };
      const t1 = createTask(selfCancelThenSuspend);
      log.push(`1: created, cancelling=${t1.cancelling()}`);
      try {
        await t1;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`1: -> ${fmt(e)} cancelled=${B(t1.cancelled())}`);
      }
      const t1b = createTask(async () => {
        currentTask()!.cancel("self-return");
        return "result";
      });
      try {
        log.push(`1b: -> ${await t1b}`);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`1b: -> ${fmt(e)} cancelled=${B(t1b.cancelled())} cancelling=${t1b.cancelling()}`);
      }
      const t2 = createTask(async () => {
        const me = currentTask()!;
        me.cancel("self2");
        log.push(`2: uncancel -> ${me.uncancel()}`);
        await sleep(0);
        return "2: survived";
      });
      log.push(await t2);
      const rebel = async (parent: Task<unknown>): Promise<string> => {
        log.push(`3: child cancels parent -> ${B(parent.cancel("from-child"))} cancelling=${parent.cancelling()}`);
        await sleep(0);
        return "rebel";
      };
      const creator = async (): Promise<string> => {
        const me = currentTask()!;
        const c = createTask(() => rebel(me));
        log.push(`3: parent goes on, cancelling=${me.cancelling()}`);
        try {
          await sleep(0);
          log.push("3: not reached");
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`3: parent's next await ${fmt(e)}`);
        }
        return await c;
      };
      loop.setTaskFactory(null);
      const p = createTask(creator);
      loop.setTaskFactory(eagerTaskFactory);
      log.push(`3: -> ${await p} cancelling=${p.cancelling()}`);
      loop.setTaskFactory(null);
    });
    expect(log).toEqual([
      "1: cancel -> True cancelling=1",
      "1: created, cancelling=1",
      "1: sleep raised CancelledError: self",
      "1: -> CancelledError: self cancelled=True",
      "1b: -> CancelledError: self-return cancelled=True cancelling=1",
      "2: uncancel -> 0",
      "2: survived",
      "3: child cancels parent -> True cancelling=1",
      "3: parent goes on, cancelling=1",
      "3: parent's next await CancelledError: from-child",
      "3: -> rebel cancelling=1"
    ]);
  });

  // Python program c24:
  // # task reprs through a chain: a task waiting on another task, both cancelling, then cancelled; a
  // # task whose awaited future was cancelled by someone else; str() is repr(); Task-N names normalized
  // def norm(s):
  //     s = re.sub(r"Task-\d+", "Task-N", s.replace("main.<locals>.", ""))
  //     return re.sub(r" (running|done), defined at [^>]*>", r" \1>", re.sub(r" running at [^>]*>", " running>", s))
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     fut = loop.create_future()
  //     async def inner():
  //         return await fut
  //     async def outer():
  //         return await t_in
  //     t_in = asyncio.create_task(inner())
  //     t_out = asyncio.create_task(outer(), name="outer")
  //     await asyncio.sleep(0)
  //     log.append(norm(repr(t_out)))
  //     log.append(f"str is repr: {B(str(t_out) == repr(t_out))}")
  //     t_out.cancel("stop")
  //     log.append(norm(repr(t_out)))
  //     log.append(norm(repr(t_in)))
  //     log.append(norm(repr(fut)))
  //     await asyncio.sleep(0)
  //     log.append(norm(repr(t_in)))
  //     log.append(norm(repr(t_out)))
  //     await asyncio.sleep(0)
  //     log.append(norm(repr(t_out)))
  //     # the awaited future is cancelled by someone else: the task is not "cancelling"
  //     f2 = loop.create_future()
  //     async def waiter():
  //         try:
  //             await f2
  //         except asyncio.CancelledError:
  //             await asyncio.sleep(0)
  //             return "recovered"
  //     w = asyncio.create_task(waiter(), name="w")
  //     await asyncio.sleep(0)
  //     f2.cancel()
  //     log.append(norm(repr(w)))
  //     await asyncio.sleep(0)
  //     log.append(norm(repr(w)))
  //     await w
  //     log.append(norm(repr(w)))
  //     # a task failed with CancelledError raised by itself, and one whose result is None
  //     async def quit():
  //         raise asyncio.CancelledError("own")
  //     q = asyncio.create_task(quit(), name="q")
  //     async def nothing():
  //         pass
  //     n = asyncio.create_task(nothing(), name="n")
  //     await asyncio.sleep(0)
  //     log.append(norm(repr(q)))
  //     log.append(norm(repr(n)))
  // asyncio.run(main())
  it("c24: task reprs along a chain of awaits while cancelling and cancelled; a foreign cancel; own CancelledError", async () => {
    const log: string[] = [];
    const norm = (s: string): string => s.replace(/Task-\d+/g, "Task-N");
    await vrun(async () => {
      const loop = getRunningLoop();
      const fut = loop.createFuture<string>() as Future<string>;
      const inner = async (): Promise<string> => await fut;
      const tIn = createTask(inner);
      const outer = async (): Promise<string> => await tIn;
      const tOut = createTask(outer, { name: "outer" });
      await sleep(0);
      log.push(norm(String(tOut)));
      log.push(`str is repr: ${B(String(tOut) === inspect(tOut))}`);
      tOut.cancel("stop");
      log.push(norm(String(tOut)));
      log.push(norm(String(tIn)));
      log.push(norm(String(fut)));
      await sleep(0);
      log.push(norm(String(tIn)));
      log.push(norm(String(tOut)));
      await sleep(0);
      log.push(norm(String(tOut)));
      const f2 = loop.createFuture<string>() as Future<string>;
      const waiter = async (): Promise<string> => {
        try {
          await f2;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          await sleep(0);
          return "recovered";
        }
        return "unreachable";
      };
      const w = createTask(waiter, { name: "w" });
      await sleep(0);
      f2.cancel();
      log.push(norm(String(w)));
      await sleep(0);
      log.push(norm(String(w)));
      await w;
      log.push(norm(String(w)));
      const quit = async (): Promise<never> => {
        throw new CancelledError("own");
      };
      const q = createTask(quit, { name: "q" });
      const nothing = async (): Promise<null> => null;
      const n = createTask(nothing, { name: "n" });
      await sleep(0);
      log.push(norm(String(q)));
      log.push(norm(String(n)));
    });
    expect(log).toEqual([
      "<Task pending name='outer' coro=<outer() running> wait_for=<Task pending name='Task-N' coro=<inner() running> wait_for=<Future pending cb=[Task.task_wakeup()]> cb=[Task.task_wakeup()]>>",
      "str is repr: True",
      "<Task cancelling name='outer' coro=<outer() running> wait_for=<Task cancelling name='Task-N' coro=<inner() running> wait_for=<Future cancelled> cb=[Task.task_wakeup()]>>",
      "<Task cancelling name='Task-N' coro=<inner() running> wait_for=<Future cancelled> cb=[Task.task_wakeup()]>",
      "<Future cancelled>",
      "<Task cancelled name='Task-N' coro=<inner() done>>",
      "<Task cancelling name='outer' coro=<outer() running> wait_for=<Task cancelled name='Task-N' coro=<inner() done>>>",
      "<Task cancelled name='outer' coro=<outer() done>>",
      "<Task pending name='w' coro=<waiter() running> wait_for=<Future cancelled>>",
      "<Task pending name='w' coro=<waiter() running>>",
      "<Task finished name='w' coro=<waiter() done> result='recovered'>",
      "<Task cancelled name='q' coro=<quit() done>>",
      "<Task finished name='n' coro=<nothing() done> result=None>"
    ]);
  });

  // Python program c25:
  // # current_task() in callbacks: call_soon / call_later / done callbacks run outside any task, even
  // # with the task's own context; Context.run() inside a task keeps the task; a callback a task runs
  // # synchronously sees that task
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     me = asyncio.current_task()
  //     def who(label):
  //         cur = asyncio.current_task()
  //         name = "None" if cur is None else ("main" if cur is me else cur.get_name())
  //         log.append(f"{label}: {name}")
  //     async def worker():
  //         who("worker body")
  //         ctx = contextvars.copy_context()
  //         ctx.run(who, "worker ctx.run")
  //         loop.call_soon(who, "call_soon from worker")
  //         loop.call_soon(who, "call_soon with worker's context", context=asyncio.current_task().get_context())
  //         await asyncio.sleep(0)
  //         return "w"
  //     t = asyncio.create_task(worker(), name="worker")
  //     t.add_done_callback(lambda _: who("done callback of worker"))
  //     t.add_done_callback(lambda _: who("done callback with worker's context"), context=t.get_context())
  //     loop.call_later(0.005, who, "call_later")
  //     await t
  //     await asyncio.sleep(0.05)
  //     fut = loop.create_future()
  //     fut.add_done_callback(lambda _: who("future done callback"))
  //     def direct():
  //         who("callback run directly by main")
  //     direct()
  //     fut.set_result(None)
  //     await asyncio.sleep(0)
  //     # inside a task, a Future done callback registered by another task
  //     async def registrar(f):
  //         f.add_done_callback(lambda _: who("callback registered in registrar"))
  //         await f
  //         who("registrar after await")
  //     f2 = loop.create_future()
  //     r = asyncio.create_task(registrar(f2), name="registrar")
  //     await asyncio.sleep(0)
  //     f2.set_result(1)
  //     await r
  // asyncio.run(main())
  it("c25: currentTask() in callbacks is null even with the task's context; Context.run inside a task keeps it", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const me = currentTask()!;
      const who = (label: string): void => {
        const cur = currentTask();
        const name = cur === null ? "None" : cur === me ? "main" : cur.getName();
        log.push(`${label}: ${name}`);
      };
      const worker = async (): Promise<string> => {
        who("worker body");
        const ctx = copyContext();
        ctx.run(who, "worker ctx.run");
        loop.callSoon(who, "call_soon from worker");
        loop.callSoon(who, "call_soon with worker's context", { context: currentTask()!.getContext() });
        await sleep(0);
        return "w";
      };
      const t = createTask(worker, { name: "worker" });
      t.addDoneCallback(() => who("done callback of worker"));
      t.addDoneCallback(() => who("done callback with worker's context"), { context: t.getContext() });
      loop.callLater(0.005, who, "call_later");
      await t;
      await sleep(0.05);
      const fut = loop.createFuture<null>() as Future<null>;
      fut.addDoneCallback(() => who("future done callback"));
      const direct = (): void => who("callback run directly by main");
      direct();
      fut.setResult(null);
      await sleep(0);
      const registrar = async (f: Future<number>): Promise<void> => {
        f.addDoneCallback(() => who("callback registered in registrar"));
        await f;
        who("registrar after await");
      };
      const f2 = loop.createFuture<number>() as Future<number>;
      const r = createTask(() => registrar(f2), { name: "registrar" });
      await sleep(0);
      f2.setResult(1);
      await r;
    });
    expect(log).toEqual([
      "worker body: worker",
      "worker ctx.run: worker",
      "call_soon from worker: None",
      "call_soon with worker's context: None",
      "done callback of worker: None",
      "done callback with worker's context: None",
      "call_later: None",
      "callback run directly by main: main",
      "future done callback: None",
      "callback registered in registrar: None",
      "registrar after await: registrar"
    ]);
  });

  // Python program c26:
  // # sleep(0) rounds between many tasks: round-robin order, a task created mid-round starts after the
  // # tasks already queued, call_soon from inside a task, a task that finishes early, main in the mix
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     async def spinner(name, n, spawn=None):
  //         for i in range(n):
  //             log.append(f"{name}{i}")
  //             if spawn and i == 1:
  //                 asyncio.create_task(spinner(spawn, 2))
  //                 loop.call_soon(log.append, f"soon-from-{name}")
  //             await asyncio.sleep(0)
  //         log.append(f"{name} done")
  //     ts = [asyncio.create_task(spinner("a", 3)), asyncio.create_task(spinner("b", 1)),
  //           asyncio.create_task(spinner("c", 3, spawn="s")), asyncio.create_task(spinner("d", 2))]
  //     for i in range(3):
  //         log.append(f"main{i}")
  //         await asyncio.sleep(0)
  //     await asyncio.gather(*ts)
  //     log.append("main done")
  //     # sleep(0, result) and a positive sleep against zero sleeps: timers wait for a later iteration
  //     async def timed():
  //         log.append(f"timed got {await asyncio.sleep(0.05, 'x')}")
  //     t = asyncio.create_task(timed())
  //     for i in range(2):
  //         log.append(f"zero{i} got {await asyncio.sleep(0, i)}")
  //     await t
  // asyncio.run(main())
  it("c26: sleep(0) rounds between many tasks, a task created mid-round, callSoon from a task, main in the mix", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const spinner = async (name: string, n: number, spawn: string | null = null): Promise<void> => {
        for (let i = 0; i < n; i++) {
          log.push(`${name}${i}`);
          if (spawn !== null && i === 1) {
            createTask(() => spinner(spawn, 2));
            loop.callSoon(() => log.push(`soon-from-${name}`));
          }
          await sleep(0);
        }
        log.push(`${name} done`);
      };
      const ts = [createTask(() => spinner("a", 3)), createTask(() => spinner("b", 1)),
        createTask(() => spinner("c", 3, "s")), createTask(() => spinner("d", 2))];
      for (let i = 0; i < 3; i++) {
        log.push(`main${i}`);
        await sleep(0);
      }
      await gather(ts);
      log.push("main done");
      const t = createTask(async () => {
        log.push(`timed got ${await sleep(0.05, "x")}`);
      });
      for (let i = 0; i < 2; i++) log.push(`zero${i} got ${await sleep(0, i)}`);
      await t;
    });
    expect(log).toEqual([
      "main0",
      "a0",
      "b0",
      "c0",
      "d0",
      "main1",
      "a1",
      "b done",
      "c1",
      "d1",
      "main2",
      "a2",
      "s0",
      "soon-from-c",
      "c2",
      "d done",
      "a done",
      "s1",
      "c done",
      "s done",
      "main done",
      "zero0 got 0",
      "zero1 got 1",
      "timed got x"
    ]);
  });

  // Python program c27:
  // # wakeup chains: a future's result reaches a task awaiting it, a task awaiting that task, a gather
  // # of it and done callbacks, each a loop iteration further; measured against a call_soon ticker
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     fut = loop.create_future()
  //     async def first():
  //         r = await fut
  //         log.append(f"first got {r}")
  //         return r + 1
  //     async def second(t):
  //         r = await t
  //         log.append(f"second got {r}")
  //         return r + 1
  //     async def via_gather(t):
  //         r = await asyncio.gather(t)
  //         log.append(f"via_gather got {r}")
  //     async def via_shield(t):
  //         r = await asyncio.shield(t)
  //         log.append(f"via_shield got {r}")
  //     fut.add_done_callback(lambda f: log.append("fut cb1"))
  //     t1 = asyncio.create_task(first())
  //     t2 = asyncio.create_task(second(t1))
  //     t3 = asyncio.create_task(via_gather(t1))
  //     t4 = asyncio.create_task(via_shield(t1))
  //     t5 = asyncio.create_task(second(t2))
  //     t1.add_done_callback(lambda t: log.append("t1 cb"))
  //     await asyncio.sleep(0)
  //     fut.add_done_callback(lambda f: log.append("fut cb2"))
  //     def tick(i):
  //         log.append(f"tick{i}")
  //         if i < 6:
  //             loop.call_soon(tick, i + 1)
  //     fut.set_result(1)
  //     loop.call_soon(tick, 0)
  //     await asyncio.gather(t2, t3, t4, t5)
  //     log.append("all done")
  //     # a done callback added to an already finished task runs after the ones already queued
  //     loop.call_soon(log.append, "queued first")
  //     t1.add_done_callback(lambda t: log.append("late cb on finished t1"))
  //     loop.call_soon(log.append, "queued last")
  //     await asyncio.sleep(0)
  // asyncio.run(main())
  it("c27: wakeup chains from one future through tasks, gather, shield and done callbacks against a callSoon ticker", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const fut = loop.createFuture<number>() as Future<number>;
      const first = async (): Promise<number> => {
        const r = await fut;
        log.push(`first got ${r}`);
        return r + 1;
      };
      const second = async (t: Task<number>): Promise<number> => {
        const r = await t;
        log.push(`second got ${r}`);
        return r + 1;
      };
      const viaGather = async (t: Task<number>): Promise<void> => {
        const r = await gather(t);
        log.push(`via_gather got ${pyRepr(r)}`);
      };
      const viaShield = async (t: Task<number>): Promise<void> => {
        const r = await shield(t);
        log.push(`via_shield got ${r}`);
      };
      fut.addDoneCallback(() => log.push("fut cb1"));
      const t1 = createTask(first);
      const t2 = createTask(() => second(t1));
      const t3 = createTask(() => viaGather(t1));
      const t4 = createTask(() => viaShield(t1));
      const t5 = createTask(() => second(t2));
      t1.addDoneCallback(() => log.push("t1 cb"));
      await sleep(0);
      fut.addDoneCallback(() => log.push("fut cb2"));
      const tick = (i: number): void => {
        log.push(`tick${i}`);
        if (i < 6) loop.callSoon(tick, i + 1);
      };
      fut.setResult(1);
      loop.callSoon(tick, 0);
      await gather(t2, t3, t4, t5);
      log.push("all done");
      loop.callSoon(() => log.push("queued first"));
      t1.addDoneCallback(() => log.push("late cb on finished t1"));
      loop.callSoon(() => log.push("queued last"));
      await sleep(0);
    });
    expect(log).toEqual([
      "fut cb1",
      "first got 1",
      "fut cb2",
      "tick0",
      "t1 cb",
      "second got 2",
      "tick1",
      "second got 3",
      "via_gather got [2]",
      "via_shield got 2",
      "tick2",
      "tick3",
      "all done",
      "tick4",
      "queued first",
      "late cb on finished t1",
      "queued last",
      "tick5",
      "tick6"
    ]);
  });

  // Python program c28:
  // # cancel() of a task whose awaited future has just completed (its wakeup queued): a result or an
  // # error is replaced by CancelledError, a future cancelled by someone else keeps its own message;
  // # two cancels before the wakeup: the first message wins at a future, the last at sleep(0)
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     async def waiter(label, aw_fn):
  //         me = asyncio.current_task()
  //         try:
  //             r = await aw_fn()
  //             log.append(f"{label}: got {r}")
  //         except BaseException as e:
  //             log.append(f"{label}: raised {fmt(e)} cancelling={me.cancelling()}")
  //             raise
  //     async def case(label, complete, *msgs):
  //         fut = loop.create_future()
  //         t = asyncio.create_task(waiter(label, lambda: fut))
  //         await asyncio.sleep(0)
  //         complete(fut)
  //         results = [B(t.cancel(m)) for m in msgs]
  //         log.append(f"{label}: cancel -> {results} fut={'cancelled' if fut.cancelled() else 'done'}")
  //         await asyncio.gather(t, return_exceptions=True)
  //         if not fut.cancelled() and fut.exception() is not None:
  //             log.append(f"{label}: the future's error was {fmt(fut.exception())}")
  //     await case("result", lambda f: f.set_result("r"), "m")
  //     await case("error", lambda f: f.set_exception(Boom("e")), "m")
  //     await case("cancelled-by-other", lambda f: f.cancel("other"), "m")
  //     await case("pending, two cancels", lambda f: None, "first", "second")
  //     # two cancels while the task sits in sleep(0): the last message wins
  //     t = asyncio.create_task(waiter("sleep0, two cancels", lambda: asyncio.sleep(0)))
  //     await asyncio.sleep(0)
  //     log.append(f"sleep0: cancel -> {B(t.cancel('first'))} {B(t.cancel('second'))} cancelling={t.cancelling()}")
  //     await asyncio.gather(t, return_exceptions=True)
  //     # a cancel without a message after one with: the message is dropped at sleep(0), kept at a future
  //     t = asyncio.create_task(waiter("sleep0, then bare", lambda: asyncio.sleep(0)))
  //     await asyncio.sleep(0)
  //     t.cancel("m1"); t.cancel()
  //     await asyncio.gather(t, return_exceptions=True)
  //     await case("pending, then bare", lambda f: None, "m1", None)
  // asyncio.run(main())
  it("c28: cancel() after the awaited future completed; two cancels: the first message wins at a future, the last at sleep(0)", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const waiter = async (label: string, awFn: () => PromiseLike<unknown>): Promise<void> => {
        const me = currentTask()!;
        try {
          const r = await awFn();
          log.push(`${label}: got ${String(r)}`);
        } catch (e) {
          log.push(`${label}: raised ${fmt(e)} cancelling=${me.cancelling()}`);
          throw e;
        }
      };
      const testCase = async (label: string, complete: (f: Future<string>) => void, ...msgs: (string | null)[]): Promise<void> => {
        const fut = loop.createFuture<string>() as Future<string>;
        const t = createTask(() => waiter(label, () => fut));
        await sleep(0);
        complete(fut);
        const results = msgs.map((m) => B(t.cancel(m)));
        log.push(`${label}: cancel -> ${pyRepr(results)} fut=${fut.cancelled() ? "cancelled" : "done"}`);
        await gather(t, { returnExceptions: true });
        if (!fut.cancelled() && fut.exception() !== null) log.push(`${label}: the future's error was ${fmt(fut.exception())}`);
      };
      await testCase("result", (f) => f.setResult("r"), "m");
      await testCase("error", (f) => f.setException(new Boom("e")), "m");
      await testCase("cancelled-by-other", (f) => f.cancel("other"), "m");
      await testCase("pending, two cancels", () => undefined, "first", "second");
      let t = createTask(() => waiter("sleep0, two cancels", () => sleep(0)));
      await sleep(0);
      log.push(`sleep0: cancel -> ${B(t.cancel("first"))} ${B(t.cancel("second"))} cancelling=${t.cancelling()}`);
      await gather(t, { returnExceptions: true });
      t = createTask(() => waiter("sleep0, then bare", () => sleep(0)));
      await sleep(0);
      t.cancel("m1");
      t.cancel();
      await gather(t, { returnExceptions: true });
      await testCase("pending, then bare", () => undefined, "m1", null);
    });
    expect(log).toEqual([
      "result: cancel -> ['True'] fut=done",
      "result: raised CancelledError: m cancelling=1",
      "error: cancel -> ['True'] fut=done",
      "error: raised CancelledError: m cancelling=1",
      "error: the future's error was Boom: e",
      "cancelled-by-other: cancel -> ['True'] fut=cancelled",
      "cancelled-by-other: raised CancelledError: other cancelling=1",
      "pending, two cancels: cancel -> ['True', 'True'] fut=cancelled",
      "pending, two cancels: raised CancelledError: first cancelling=2",
      "sleep0: cancel -> True True cancelling=2",
      "sleep0, two cancels: raised CancelledError: second cancelling=2",
      "sleep0, then bare: raised CancelledError:  cancelling=2",
      "pending, then bare: cancel -> ['True', 'True'] fut=cancelled",
      "pending, then bare: raised CancelledError: m1 cancelling=2"
    ]);
  });

  // Python program c29:
  // # a deadline of "now" racing a future completed by a callback: queued before the timeout was
  // # entered, the result arrives first but the cancel still lands (TimeoutError); queued after, the
  // # future is cancelled first; a body that swallows the cancel loses the value
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     me = asyncio.current_task()
  //     async def attempt(label, before):
  //         fut = loop.create_future()
  //         setter = lambda: log.append(f"{label}: set_result -> {'skipped, future cancelled' if fut.done() else fut.set_result('v') or 'done'}")
  //         if before:
  //             loop.call_soon(setter)
  //         try:
  //             async with asyncio.timeout_at(loop.time()) as cm:
  //                 if not before:
  //                     loop.call_soon(setter)
  //                 r = await fut
  //                 log.append(f"{label}: got {r}")
  //         except TimeoutError:
  //             log.append(f"{label}: TimeoutError fut.cancelled={B(fut.cancelled())} result={fut.result() if not fut.cancelled() else None}")
  //         log.append(f"{label}: expired={B(cm.expired())} cancelling={me.cancelling()}")
  //     await attempt("before", True)
  //     await attempt("after", False)
  //     # the body swallows the cancel after the result had arrived: the value is lost, no TimeoutError
  //     fut = loop.create_future()
  //     loop.call_soon(fut.set_result, "lost")
  //     async with asyncio.timeout(0) as cm:
  //         try:
  //             await fut
  //         except asyncio.CancelledError:
  //             log.append(f"swallow: cancelled although fut.result()={fut.result()}")
  //             me.uncancel()
  //     log.append(f"swallow: expired={B(cm.expired())}")
  // asyncio.run(main())
  it("c29: a deadline of now racing a future completed by a callback queued before or after entering the timeout", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      const me = currentTask()!;
      const attempt = async (label: string, before: boolean): Promise<void> => {
        const fut = loop.createFuture<string>() as Future<string>;
        const setter = (): void => {
          if (fut.done()) {
            log.push(`${label}: set_result -> skipped, future cancelled`);
          } else {
            fut.setResult("v");
            log.push(`${label}: set_result -> done`);
          }
        };
        if (before) loop.callSoon(setter);
        const cm = timeoutAt(loop.time());
        try {
          await asyncWith(cm, async () => {
            if (!before) loop.callSoon(setter);
            const r = await fut;
            log.push(`${label}: got ${r}`);
          });
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          log.push(`${label}: TimeoutError fut.cancelled=${B(fut.cancelled())} result=${fut.cancelled() ? "None" : fut.result()}`);
        }
        log.push(`${label}: expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
      };
      await attempt("before", true);
      await attempt("after", false);
      const fut = loop.createFuture<string>() as Future<string>;
      loop.callSoon(() => fut.setResult("lost"));
      const cm = timeout(0);
      await asyncWith(cm, async () => {
        try {
          await fut;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`swallow: cancelled although fut.result()=${fut.result()}`);
          me.uncancel();
        }
      });
      log.push(`swallow: expired=${B(cm.expired())}`);
    });
    expect(log).toEqual([
      "before: set_result -> done",
      "before: TimeoutError fut.cancelled=False result=v",
      "before: expired=True cancelling=0",
      "after: set_result -> skipped, future cancelled",
      "after: TimeoutError fut.cancelled=True result=None",
      "after: expired=True cancelling=0",
      "swallow: cancelled although fut.result()=lost",
      "swallow: expired=True"
    ]);
  });

  // Python program c30:
  // # an outside cancel that reaches a TaskGroup's body: swallowed there with uncancel() the group goes
  // # on normally; swallowed without uncancel() it still goes on, and the stale count stays
  // async def main():
  //     async def child(name, d):
  //         await asyncio.sleep(d)
  //         log.append(f"{name} finished")
  //         return name
  //     async def parent(label, withdraw):
  //         me = asyncio.current_task()
  //         async with asyncio.TaskGroup() as tg:
  //             c = tg.create_task(child(f"{label}-child", 0.15))
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"{label}: body caught {fmt(e)} cancelling={me.cancelling()} {tg!r}")
  //                 if withdraw:
  //                     log.append(f"{label}: uncancel -> {me.uncancel()}")
  //             await asyncio.sleep(0.05)
  //             log.append(f"{label}: body goes on")
  //         log.append(f"{label}: group exited, child={c.result()} cancelling={me.cancelling()}")
  //         return label
  //     for label, withdraw in (("withdrawn", True), ("stale", False)):
  //         p = asyncio.create_task(parent(label, withdraw))
  //         await asyncio.sleep(0.05)
  //         p.cancel(f"{label}-msg")
  //         log.append(f"{label}: -> {await p} cancelled={B(p.cancelled())}")
  //     # the cancel lands while __aexit__ waits, and the parent catches it outside and goes on
  //     async def parent2():
  //         me = asyncio.current_task()
  //         try:
  //             async with asyncio.TaskGroup() as tg:
  //                 c = tg.create_task(child("aexit-child", 1))
  //         except asyncio.CancelledError as e:
  //             log.append(f"aexit: caught {fmt(e)} child.cancelled={B(c.cancelled())} uncancel -> {me.uncancel()}")
  //         await asyncio.sleep(0)
  //         return "aexit: went on"
  //     p = asyncio.create_task(parent2())
  //     await asyncio.sleep(0.05)
  //     p.cancel("aexit-msg")
  //     log.append(await p)
  // asyncio.run(main())
  it("c30: an outside cancel that reaches a TaskGroup body, swallowed with or without uncancel(); caught after __aexit__", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const child = async (name: string, d: number): Promise<string> => {
        await sleep(d);
        log.push(`${name} finished`);
        return name;
      };
      const parent = async (label: string, withdraw: boolean): Promise<string> => {
        const me = currentTask()!;
        const tg = new TaskGroup();
        const [c] = await asyncWith(tg, async () => {
          const task = tg.createTask(() => child(`${label}-child`, 0.15));
          try {
            await sleep(1);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            log.push(`${label}: body caught ${fmt(e)} cancelling=${me.cancelling()} ${String(tg)}`);
            if (withdraw) log.push(`${label}: uncancel -> ${me.uncancel()}`);
          }
          await sleep(0.05);
          log.push(`${label}: body goes on`);
          return [task] as const; // boxed: an async function that returns a Task would await it
        });
        log.push(`${label}: group exited, child=${c.result()} cancelling=${me.cancelling()}`);
        return label;
      };
      for (const [label, withdraw] of [["withdrawn", true], ["stale", false]] as const) {
        const p = createTask(() => parent(label, withdraw));
        await sleep(0.05);
        p.cancel(`${label}-msg`);
        log.push(`${label}: -> ${await p} cancelled=${B(p.cancelled())}`);
      }
      const parent2 = async (): Promise<string> => {
        const me = currentTask()!;
        let c = null as Task<string> | null;
        try {
          await asyncWith(new TaskGroup(), async (tg) => {
            c = tg.createTask(() => child("aexit-child", 1));
          });
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`aexit: caught ${fmt(e)} child.cancelled=${B(c!.cancelled())} uncancel -> ${me.uncancel()}`);
        }
        await sleep(0);
        return "aexit: went on";
      };
      const p = createTask(parent2);
      await sleep(0.05);
      p.cancel("aexit-msg");
      log.push(await p);
    });
    expect(log).toEqual([
      "withdrawn: body caught CancelledError: withdrawn-msg cancelling=1 <TaskGroup tasks=1 entered>",
      "withdrawn: uncancel -> 0",
      "withdrawn: body goes on",
      "withdrawn-child finished",
      "withdrawn: group exited, child=withdrawn-child cancelling=0",
      "withdrawn: -> withdrawn cancelled=False",
      "stale: body caught CancelledError: stale-msg cancelling=1 <TaskGroup tasks=1 entered>",
      "stale: body goes on",
      "stale-child finished",
      "stale: group exited, child=stale-child cancelling=1",
      "stale: -> stale cancelled=False",
      "aexit: caught CancelledError: aexit-msg child.cancelled=True uncancel -> 0",
      "aexit: went on"
    ]);
  });

  // Python program c31:
  // # errors that only look like timeouts: a coroutine raising CancelledError or TimeoutError on its own
  // # inside wait_for / timeout() goes through unchanged, and the deadline stays unexpired
  // async def main():
  //     me = asyncio.current_task()
  //     async def raiser(exc):
  //         await asyncio.sleep(0)
  //         raise exc
  //     for label, exc in (("own CancelledError", asyncio.CancelledError("own")), ("own TimeoutError", TimeoutError("own"))):
  //         try:
  //             async with asyncio.timeout(1) as cm:
  //                 await raiser(exc)
  //         except BaseException as e:
  //             log.append(f"timeout, {label}: {fmt(e)} same={B(e is exc)} cause={e.__cause__} expired={B(cm.expired())} cancelling={me.cancelling()}")
  //         try:
  //             await asyncio.wait_for(raiser(exc), 1)
  //         except BaseException as e:
  //             log.append(f"wait_for, {label}: {fmt(e)} same={B(e is exc)} cancelling={me.cancelling()}")
  //         t = asyncio.create_task(raiser(exc))
  //         try:
  //             await asyncio.wait_for(t, 1)
  //         except BaseException as e:
  //             log.append(f"wait_for task, {label}: {fmt(e)} cancelled={B(t.cancelled())} cancelling={me.cancelling()}")
  //     # a task that raises CancelledError on its own ends cancelled; awaiting it raises in the caller,
  //     # which is not cancelled itself and can go on
  //     t = asyncio.create_task(raiser(asyncio.CancelledError("quit")))
  //     try:
  //         await t
  //     except asyncio.CancelledError as e:
  //         log.append(f"await quitter: {fmt(e)} cancelled={B(t.cancelled())} caller cancelling={me.cancelling()}")
  //     await asyncio.sleep(0)
  //     log.append("caller goes on")
  //     # the deadline fires while the body handles its own TimeoutError: the cancel lands at its next await
  //     try:
  //         async with asyncio.timeout(0.05) as cm:
  //             try:
  //                 await raiser(TimeoutError("inner"))
  //             except TimeoutError as e:
  //                 log.append(f"handled {fmt(e)}")
  //                 await asyncio.sleep(1)
  //     except TimeoutError as e:
  //         log.append(f"then the deadline: {fmt(e)} cause={fmt(e.__cause__)} expired={B(cm.expired())}")
  // asyncio.run(main())
  it("c31: a CancelledError or TimeoutError raised by the code itself passes waitFor and timeout unchanged", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const raiser = async (error: Error): Promise<never> => {
        await sleep(0);
        throw error;
      };
      const own: [string, Error][] = [["own CancelledError", new CancelledError("own")], ["own TimeoutError", new TimeoutError("own")]];
      for (const [label, error] of own) {
        const cm = timeout(1);
        try {
          await asyncWith(cm, () => raiser(error));
        } catch (e) {
          log.push(`timeout, ${label}: ${fmt(e)} same=${B(e === error)} cause=${pyRepr((e as Error).cause)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
        }
        try {
          await waitFor(() => raiser(error), 1);
        } catch (e) {
          log.push(`wait_for, ${label}: ${fmt(e)} same=${B(e === error)} cancelling=${me.cancelling()}`);
        }
        const t = createTask(() => raiser(error));
        try {
          await waitFor(t, 1);
        } catch (e) {
          log.push(`wait_for task, ${label}: ${fmt(e)} cancelled=${B(t.cancelled())} cancelling=${me.cancelling()}`);
        }
      }
      const t = createTask(() => raiser(new CancelledError("quit")));
      try {
        await t;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`await quitter: ${fmt(e)} cancelled=${B(t.cancelled())} caller cancelling=${me.cancelling()}`);
      }
      await sleep(0);
      log.push("caller goes on");
      const cm = timeout(0.05);
      try {
        await asyncWith(cm, async () => {
          try {
            await raiser(new TimeoutError("inner"));
          } catch (e) {
            if (!(e instanceof TimeoutError)) throw e;
            log.push(`handled ${fmt(e)}`);
            await sleep(1);
          }
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        log.push(`then the deadline: ${fmt(e)} cause=${fmt(e.cause)} expired=${B(cm.expired())}`);
      }
    });
    expect(log).toEqual([
      "timeout, own CancelledError: CancelledError: own same=True cause=None expired=False cancelling=0",
      "wait_for, own CancelledError: CancelledError: own same=True cancelling=0",
      "wait_for task, own CancelledError: CancelledError: own cancelled=True cancelling=0",
      "timeout, own TimeoutError: TimeoutError: own same=True cause=None expired=False cancelling=0",
      "wait_for, own TimeoutError: TimeoutError: own same=True cancelling=0",
      "wait_for task, own TimeoutError: TimeoutError: own cancelled=False cancelling=0",
      "await quitter: CancelledError: quit cancelled=True caller cancelling=0",
      "caller goes on",
      "handled TimeoutError: inner",
      "then the deadline: TimeoutError:  cause=CancelledError:  expired=True"
    ]);
  });

  // Python program c32:
  // # TaskGroup > timeout > TaskGroup: which error comes out of each level when the outer group's child
  // # fails, when the deadline passes, and when the inner group's child fails
  // async def main():
  //     me = asyncio.current_task()
  //     async def fail(name, d):
  //         await asyncio.sleep(d)
  //         raise Boom(name)
  //     async def sleeper(name):
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError:
  //             log.append(f"  {name} cancelled")
  //             raise
  //     for label, outer_fail, deadline, inner_fail in (("outer child fails", 0.05, 0.5, None),
  //                                                    ("deadline passes", None, 0.05, None),
  //                                                    ("inner child fails", None, 0.5, 0.05)):
  //         log.append(f"{label}:")
  //         try:
  //             async with asyncio.TaskGroup() as outer:
  //                 outer.create_task(fail("outer", outer_fail) if outer_fail else sleeper("outer-child"))
  //                 try:
  //                     async with asyncio.timeout(deadline) as cm:
  //                         try:
  //                             async with asyncio.TaskGroup() as inner:
  //                                 inner.create_task(fail("inner", inner_fail) if inner_fail else sleeper("inner-child"))
  //                                 await asyncio.sleep(1)
  //                         except BaseException as e:
  //                             log.append(f"  inner group -> {fmt(e)} cancelling={me.cancelling()}")
  //                             raise
  //                 except BaseException as e:
  //                     log.append(f"  timeout -> {fmt(e)} expired={B(cm.expired())} cancelling={me.cancelling()}")
  //                     raise
  //         except BaseException as e:
  //             log.append(f"  outer group -> {fmt(e)} cancelling={me.cancelling()}")
  // asyncio.run(main())
  it("c32: TaskGroup > timeout > TaskGroup: the error each level raises for each of three failures", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const me = currentTask()!;
      const fail = async (name: string, d: number): Promise<never> => {
        await sleep(d);
        throw new Boom(name);
      };
      const sleeper = async (name: string): Promise<void> => {
        try {
          await sleep(1);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`  ${name} cancelled`);
          throw e;
        }
      };
      const cases: [string, number | null, number, number | null][] = [
        ["outer child fails", 0.05, 0.5, null],
        ["deadline passes", null, 0.05, null],
        ["inner child fails", null, 0.5, 0.05],
      ];
      for (const [label, outerFail, deadline, innerFail] of cases) {
        log.push(`${label}:`);
        try {
          await asyncWith(new TaskGroup(), async (outer) => {
            outer.createTask(() => (outerFail !== null ? fail("outer", outerFail) : sleeper("outer-child")));
            const cm = timeout(deadline);
            try {
              await asyncWith(cm, async () => {
                try {
                  await asyncWith(new TaskGroup(), async (inner) => {
                    inner.createTask(() => (innerFail !== null ? fail("inner", innerFail) : sleeper("inner-child")));
                    await sleep(1);
                  });
                } catch (e) {
                  log.push(`  inner group -> ${fmt(e)} cancelling=${me.cancelling()}`);
                  throw e;
                }
              });
            } catch (e) {
              log.push(`  timeout -> ${fmt(e)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
              throw e;
            }
          });
        } catch (e) {
          log.push(`  outer group -> ${fmt(e)} cancelling=${me.cancelling()}`);
        }
      }
    });
    expect(log).toEqual([
      "outer child fails:",
      "  inner-child cancelled",
      "  inner group -> CancelledError:  cancelling=1",
      "  timeout -> CancelledError:  expired=False cancelling=1",
      "  outer group -> ExceptionGroup: unhandled errors in a TaskGroup [Boom: outer] cancelling=0",
      "deadline passes:",
      "  inner-child cancelled",
      "  inner group -> CancelledError:  cancelling=1",
      "  timeout -> TimeoutError:  expired=True cancelling=0",
      "  outer-child cancelled",
      "  outer group -> ExceptionGroup: unhandled errors in a TaskGroup [TimeoutError: ] cancelling=0",
      "inner child fails:",
      "  inner group -> ExceptionGroup: unhandled errors in a TaskGroup [Boom: inner] cancelling=0",
      "  timeout -> ExceptionGroup: unhandled errors in a TaskGroup [Boom: inner] expired=False cancelling=0",
      "  outer-child cancelled",
      "  outer group -> ExceptionGroup: unhandled errors in a TaskGroup [ExceptionGroup: unhandled errors in a TaskGroup [Boom: inner]] cancelling=0"
    ]);
  });

  // Python program c33:
  // # done callbacks that raise (an error, or CancelledError) go to the exception handler; the other
  // # callbacks and the awaiting task still run, in order; a done callback that cancels another task
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     def handler(l, ctx):
  //         log.append(f"handler: {' '.join(ctx['message'].split(' ')[:3])}: {fmt(ctx['exception'])}")
  //     loop.set_exception_handler(handler)
  //     fut = loop.create_future()
  //     def bad(f):
  //         log.append("cb1 raises Boom")
  //         raise Boom("cb1")
  //     def cancelling_cb(f):
  //         log.append("cb2 raises CancelledError")
  //         raise asyncio.CancelledError("cb2")
  //     fut.add_done_callback(bad)
  //     fut.add_done_callback(cancelling_cb)
  //     async def awaiter():
  //         r = await fut
  //         log.append(f"awaiter got {r}")
  //     a = asyncio.create_task(awaiter())
  //     await asyncio.sleep(0)
  //     fut.add_done_callback(lambda f: log.append("cb3 runs"))
  //     fut.set_result("v")
  //     await a
  //     # a task's done callback cancels a sibling that is waiting
  //     async def sleeper():
  //         try:
  //             await asyncio.sleep(1)
  //         except asyncio.CancelledError as e:
  //             log.append(f"sleeper {fmt(e)}")
  //             raise
  //     s = asyncio.create_task(sleeper())
  //     q = asyncio.create_task(asyncio.sleep(0.05, "q"))
  //     q.add_done_callback(lambda t: log.append(f"q done, cancel sleeper -> {B(s.cancel('from-callback'))}"))
  //     await asyncio.gather(s, q, return_exceptions=True)
  //     log.append(f"s.cancelled={B(s.cancelled())} q={q.result()}")
  // asyncio.run(main())
  it("c33: done callbacks that raise go to the handler while the rest run in order; a callback cancels a task", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      loop.setExceptionHandler((_loop: AbstractEventLoop, ctx: ExceptionContext) => {
        log.push(`handler: ${String(ctx.message).split(" ").slice(0, 3).join(" ")}: ${fmt(ctx.exception)}`);
      });
      const fut = loop.createFuture<string>() as Future<string>;
      fut.addDoneCallback(() => {
        log.push("cb1 raises Boom");
        throw new Boom("cb1");
      });
      fut.addDoneCallback(() => {
        log.push("cb2 raises CancelledError");
        throw new CancelledError("cb2");
      });
      const a = createTask(async () => {
        const r = await fut;
        log.push(`awaiter got ${r}`);
      });
      await sleep(0);
      fut.addDoneCallback(() => log.push("cb3 runs"));
      fut.setResult("v");
      await a;
      const s = createTask(async () => {
        try {
          await sleep(1);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`sleeper ${fmt(e)}`);
          throw e;
        }
      });
      const q = createTask(() => sleep(0.05, "q"));
      q.addDoneCallback(() => log.push(`q done, cancel sleeper -> ${B(s.cancel("from-callback"))}`));
      await gather(s, q, { returnExceptions: true });
      log.push(`s.cancelled=${B(s.cancelled())} q=${q.result()}`);
    });
    expect(log).toEqual([
      "cb1 raises Boom",
      "handler: Exception in callback: Boom: cb1",
      "cb2 raises CancelledError",
      "handler: Exception in callback: CancelledError: cb2",
      "awaiter got v",
      "cb3 runs",
      "q done, cancel sleeper -> True",
      "sleeper CancelledError: from-callback",
      "s.cancelled=True q=q"
    ]);
  });

  // Python program c34:
  // # cancel requests travel down a chain of awaiting tasks one by one: two cancels of the outer task
  // # reach the inner twice; a swallowed cancel leaves every count raised; a shield stops the chain
  // async def main():
  //     async def leaf(name, rounds):
  //         me = asyncio.current_task()
  //         for i in range(rounds):
  //             try:
  //                 await asyncio.sleep(1)
  //             except asyncio.CancelledError as e:
  //                 log.append(f"{name} swallows {fmt(e)} cancelling={me.cancelling()}")
  //         return f"{name}-done"
  //     async def link(name, inner):
  //         me = asyncio.current_task()
  //         try:
  //             r = await inner
  //             log.append(f"{name} got {r} cancelling={me.cancelling()}")
  //             return r
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} {fmt(e)} cancelling={me.cancelling()}")
  //             raise
  //     # 1: outer -> middle -> leaf; two cancels of outer before anything runs
  //     leaf1 = asyncio.create_task(leaf("leaf1", 2))
  //     mid1 = asyncio.create_task(link("mid1", leaf1))
  //     top1 = asyncio.create_task(link("top1", mid1))
  //     await asyncio.sleep(0)
  //     log.append(f"1: cancel top1 -> {B(top1.cancel('c1'))} {B(top1.cancel('c2'))}")
  //     log.append(f"1: counts top={top1.cancelling()} mid={mid1.cancelling()} leaf={leaf1.cancelling()}")
  //     await asyncio.sleep(0.05)
  //     log.append(f"1: after one round: leaf={leaf1.cancelling()} top.done={B(top1.done())}")
  //     log.append(f"1: cancel top1 again -> {B(top1.cancel('c3'))} leaf={leaf1.cancelling()}")
  //     r = await asyncio.gather(top1, return_exceptions=True)
  //     log.append(f"1: top1 -> {[fmt(x) if isinstance(x, BaseException) else x for x in r]}")
  //     # 2: a shield in the chain: the cancel stops at the shield, the leaf keeps its zero count
  //     leaf2 = asyncio.create_task(asyncio.sleep(0.05, "leaf2-done"))
  //     async def shielded():
  //         return await asyncio.shield(leaf2)
  //     s2 = asyncio.create_task(shielded())
  //     mid2 = asyncio.create_task(link("mid2", s2))
  //     await asyncio.sleep(0)
  //     mid2.cancel("c")
  //     await asyncio.gather(mid2, return_exceptions=True)
  //     log.append(f"2: mid2.cancelled={B(mid2.cancelled())} s2.cancelled={B(s2.cancelled())} s2.cancelling={s2.cancelling()}")
  //     log.append(f"2: leaf2 -> {await leaf2} cancelling={leaf2.cancelling()}")
  // asyncio.run(main())
  it("c34: cancel requests travel down a chain of awaiting tasks one by one; a shield stops them", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const leaf = async (name: string, rounds: number): Promise<string> => {
        const me = currentTask()!;
        for (let i = 0; i < rounds; i++) {
          try {
            await sleep(1);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            log.push(`${name} swallows ${fmt(e)} cancelling=${me.cancelling()}`);
          }
        }
        return `${name}-done`;
      };
      const link = async (name: string, inner: Task<string>): Promise<string> => {
        const me = currentTask()!;
        try {
          const r = await inner;
          log.push(`${name} got ${r} cancelling=${me.cancelling()}`);
          return r;
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${name} ${fmt(e)} cancelling=${me.cancelling()}`);
          throw e;
        }
      };
      const leaf1 = createTask(() => leaf("leaf1", 2));
      const mid1 = createTask(() => link("mid1", leaf1));
      const top1 = createTask(() => link("top1", mid1));
      await sleep(0);
      log.push(`1: cancel top1 -> ${B(top1.cancel("c1"))} ${B(top1.cancel("c2"))}`);
      log.push(`1: counts top=${top1.cancelling()} mid=${mid1.cancelling()} leaf=${leaf1.cancelling()}`);
      await sleep(0.05);
      log.push(`1: after one round: leaf=${leaf1.cancelling()} top.done=${B(top1.done())}`);
      log.push(`1: cancel top1 again -> ${B(top1.cancel("c3"))} leaf=${leaf1.cancelling()}`);
      const r = await gather(top1, { returnExceptions: true });
      log.push(`1: top1 -> ${pyRepr(r.map((x) => (x instanceof Error ? fmt(x) : x)))}`);
      const leaf2 = createTask(() => sleep(0.05, "leaf2-done"));
      const s2 = createTask(async () => await shield(leaf2));
      const mid2 = createTask(() => link("mid2", s2));
      await sleep(0);
      mid2.cancel("c");
      await gather(mid2, { returnExceptions: true });
      log.push(`2: mid2.cancelled=${B(mid2.cancelled())} s2.cancelled=${B(s2.cancelled())} s2.cancelling=${s2.cancelling()}`);
      log.push(`2: leaf2 -> ${await leaf2} cancelling=${leaf2.cancelling()}`);
    });
    expect(log).toEqual([
      "1: cancel top1 -> True True",
      "1: counts top=2 mid=2 leaf=2",
      "leaf1 swallows CancelledError: c1 cancelling=2",
      "1: after one round: leaf=2 top.done=False",
      "1: cancel top1 again -> True leaf=3",
      "leaf1 swallows CancelledError: c3 cancelling=3",
      "mid1 got leaf1-done cancelling=3",
      "top1 got leaf1-done cancelling=3",
      "1: top1 -> ['leaf1-done']",
      "mid2 CancelledError: c cancelling=1",
      "2: mid2.cancelled=True s2.cancelled=True s2.cancelling=1",
      "2: leaf2 -> leaf2-done cancelling=0"
    ]);
  });

  // Python program c35:
  // # a TaskGroup under the eager task factory: each child's first step runs inside create_task, before
  // # the body goes on; a child failing after its first suspension aborts siblings that are mid-sleep
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     loop.set_task_factory(asyncio.eager_task_factory)
  //     async def child(name, steps, fail=False):
  //         log.append(f"{name} first step")
  //         try:
  //             for i in range(steps):
  //                 await asyncio.sleep(0)
  //                 log.append(f"{name} step{i + 1}")
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name} cancelled {fmt(e)}")
  //             raise
  //         if fail:
  //             raise Boom(name)
  //         return name
  //     async with asyncio.TaskGroup() as tg:
  //         a = tg.create_task(child("a", 2))
  //         log.append("body after a")
  //         b = tg.create_task(child("b", 1))
  //         log.append("body after b")
  //     log.append(f"results {a.result()} {b.result()}")
  //     try:
  //         async with asyncio.TaskGroup() as tg:
  //             tg.create_task(child("f", 1, fail=True))
  //             c = tg.create_task(child("c", 3))
  //             log.append("body waits")
  //             await asyncio.sleep(1)
  //     except ExceptionGroup as eg:
  //         log.append(f"{fmt(eg)} c.cancelled={B(c.cancelled())}")
  //     loop.set_task_factory(None)
  // asyncio.run(main())
  it("c35: a TaskGroup under the eager factory: first steps run inside createTask; a later failure aborts siblings", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const loop = getRunningLoop();
      loop.setTaskFactory(eagerTaskFactory);
      const child = async (name: string, steps: number, fail = false): Promise<string> => {
        log.push(`${name} first step`);
        try {
          for (let i = 0; i < steps; i++) {
            await sleep(0);
            log.push(`${name} step${i + 1}`);
          }
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${name} cancelled ${fmt(e)}`);
          throw e;
        }
        if (fail) throw new Boom(name);
        return name;
      };
      const [a, b] = await asyncWith(new TaskGroup(), async (tg) => {
        const ta = tg.createTask(() => child("a", 2));
        log.push("body after a");
        const tb = tg.createTask(() => child("b", 1));
        log.push("body after b");
        return [ta, tb] as const;
      });
      log.push(`results ${a.result()} ${b.result()}`);
      let c = null as Task<string> | null;
      try {
        await asyncWith(new TaskGroup(), async (tg) => {
          tg.createTask(() => child("f", 1, true));
          c = tg.createTask(() => child("c", 3));
          log.push("body waits");
          await sleep(1);
        });
      } catch (e) {
        if (!(e instanceof ExceptionGroup)) throw e;
        log.push(`${fmt(e)} c.cancelled=${B(c!.cancelled())}`);
      }
      loop.setTaskFactory(null);
    });
    expect(log).toEqual([
      "a first step",
      "body after a",
      "b first step",
      "body after b",
      "a step1",
      "b step1",
      "a step2",
      "results a b",
      "f first step",
      "c first step",
      "body waits",
      "f step1",
      "c step1",
      "c cancelled CancelledError: ",
      "ExceptionGroup: unhandled errors in a TaskGroup [Boom: f] c.cancelled=True"
    ]);
  });

  // Python program c36:
  // # cleanup under a timeout in a finally block of a task being cancelled: the deadline counts from
  // # the cancel count at entry, so it raises TimeoutError there; a cleanup that finishes in time lets
  // # the original CancelledError continue; a second outside cancel during the cleanup wins
  // async def main():
  //     async def worker(name, cleanup_time, deadline):
  //         me = asyncio.current_task()
  //         try:
  //             await asyncio.sleep(1)
  //         finally:
  //             log.append(f"{name}: finally cancelling={me.cancelling()}")
  //             try:
  //                 async with asyncio.timeout(deadline) as cm:
  //                     await asyncio.sleep(cleanup_time)
  //                 log.append(f"{name}: cleanup done expired={B(cm.expired())} cancelling={me.cancelling()}")
  //             except TimeoutError as e:
  //                 log.append(f"{name}: cleanup {fmt(e)} cancelling={me.cancelling()}")
  //             except asyncio.CancelledError as e:
  //                 log.append(f"{name}: cleanup interrupted {fmt(e)} expired={B(cm.expired())} cancelling={me.cancelling()}")
  //                 raise
  //     async def drive(name, cleanup_time, deadline, second_cancel_after=None):
  //         t = asyncio.create_task(worker(name, cleanup_time, deadline))
  //         await asyncio.sleep(0)
  //         t.cancel(f"{name}-msg")
  //         if second_cancel_after is not None:
  //             await asyncio.sleep(second_cancel_after)
  //             t.cancel(f"{name}-again")
  //         try:
  //             await t
  //         except asyncio.CancelledError as e:
  //             log.append(f"{name}: -> {fmt(e)} cancelled={B(t.cancelled())} cancelling={t.cancelling()}")
  //     await drive("in-time", 0.05, 0.25)
  //     await drive("too-slow", 0.25, 0.05)
  //     await drive("second-cancel", 0.25, 0.5, second_cancel_after=0.05)
  // asyncio.run(main())
  it("c36: cleanup under a timeout in the finally block of a task being cancelled", async () => {
    const log: string[] = [];
    await vrun(async () => {
      const worker = async (name: string, cleanupTime: number, deadline: number): Promise<void> => {
        const me = currentTask()!;
        const cleanup = async (): Promise<void> => {
          log.push(`${name}: finally cancelling=${me.cancelling()}`);
          const cm = timeout(deadline);
          try {
            await asyncWith(cm, () => sleep(cleanupTime));
            log.push(`${name}: cleanup done expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
          } catch (e) {
            if (e instanceof TimeoutError) {
              log.push(`${name}: cleanup ${fmt(e)} cancelling=${me.cancelling()}`);
              return;
            }
            if (e instanceof CancelledError) log.push(`${name}: cleanup interrupted ${fmt(e)} expired=${B(cm.expired())} cancelling=${me.cancelling()}`);
            throw e;
          }
        };
        try {
          await sleep(1);
        } finally {
          await cleanup();
        }
      };
      const drive = async (name: string, cleanupTime: number, deadline: number, secondCancelAfter: number | null = null): Promise<void> => {
        const t = createTask(() => worker(name, cleanupTime, deadline));
        await sleep(0);
        t.cancel(`${name}-msg`);
        if (secondCancelAfter !== null) {
          await sleep(secondCancelAfter);
          t.cancel(`${name}-again`);
        }
        try {
          await t;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`${name}: -> ${fmt(e)} cancelled=${B(t.cancelled())} cancelling=${t.cancelling()}`);
        }
      };
      await drive("in-time", 0.05, 0.25);
      await drive("too-slow", 0.25, 0.05);
      await drive("second-cancel", 0.25, 0.5, 0.05);
    });
    expect(log).toEqual([
      "in-time: finally cancelling=1",
      "in-time: cleanup done expired=False cancelling=1",
      "in-time: -> CancelledError: in-time-msg cancelled=True cancelling=1",
      "too-slow: finally cancelling=1",
      "too-slow: cleanup TimeoutError:  cancelling=1",
      "too-slow: -> CancelledError: too-slow-msg cancelled=True cancelling=1",
      "second-cancel: finally cancelling=1",
      "second-cancel: cleanup interrupted CancelledError: second-cancel-again expired=False cancelling=2",
      "second-cancel: -> CancelledError: second-cancel-again cancelled=True cancelling=2"
    ]);
  });
});
