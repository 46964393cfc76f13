/**
 * Edge cases of the event loop, futures and contextvars whose output must equal CPython 3.13's,
 * a second suite next to parity-loop.test.ts (whose programs it does not repeat): the iteration a
 * callback runs in, stop() around runForever/runUntilComplete, handle and future reprs in every
 * state, exception-handler contexts and the default handler's full log lines, never-retrieved
 * exceptions, Future corner cases, wrapFuture/ensureFuture chains, the Context mapping API,
 * Context.run re-entry, the context callbacks, tasks and exception handlers run in, and debug mode.
 *
 * Each test is the TypeScript port of a small asyncio program (its source is in the comment above
 * the test) and compares the lines it logs with what `python3.13` printed. The Python programs
 * share these helpers, mirrored below: `fmt(e)` is "<class>: <str(e)>" (ValueError shown as
 * RangeError), `B(x)` prints a bool as Python does, `Boom` is a plain Exception subclass, and
 * `norm(s)` drops what differs by process: " at 0x…" addresses, " at <file>:<line>" sources and
 * " created at <file>:<line>" frames (the TypeScript side applies the same `norm`). Log output is
 * captured with `setLogger` (Python: a logging.Handler on the "asyncio" logger).
 *
 * The file is long because every test carries its Python program and CPython's output; it stays
 * whole so that each program can be re-run next to its port.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CancelledError,
  Context,
  ContextVar,
  InvalidStateError,
  LookupError,
  RuntimeError,
  TimeoutError,
  copyContext,
  getRunningLoop,
  setLogger,
} from "@aio/core";
import type { Logger, Token } from "@aio/core";
import { Future, isFuture, wrapFuture } from "@aio/futures";
import { newEventLoop } from "@aio/loop";
import type { Handle } from "@aio/loop";
import { Task, createTask, currentTask, ensureFuture, gather, run, sleep } from "@aio/tasks";
import { B, Boom, busyWait, q, sink } from "./support/parity.js";

/** The Python programs' `fmt(e)`: class name and message. */
function fmt(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `thrown ${String(e)}`;
}

/** The Python programs' `norm(s)`: drops " created at <frame>" (debug reprs); the rest never appears here. */
const norm = (s: string): string => s.replace(/ created at .*?:\d+:\d+\)?/g, "");

let restoreLogger: Logger | null = null;
afterEach(() => {
  if (restoreLogger !== null) setLogger(restoreLogger);
  restoreLogger = null;
});

describe("event loop, futures and contextvars: edge cases (CPython 3.13 parity)", () => {
  // Python program e01 (push logs "<label>@<iteration>"; tick runs first in every iteration):
  // n = 0
  // def tick():
  //     global n
  //     n += 1
  //     if n < 5: loop.call_soon(tick)
  //     else: loop.stop()
  // def push(s): log.append(f"{s}@{n}")
  // def from_timer():
  //     push("from_timer")
  //     loop.call_later(0, push, "later0-from-timer")
  //     loop.call_soon(push, "soon-from-timer")
  //     loop.call_at(loop.time() - 1, push, "past-from-timer")
  //     loop.call_soon_threadsafe(push, "threadsafe-from-timer")
  // loop.call_soon(tick)
  // t = loop.time()
  // loop.call_at(t, push, "at-now")
  // loop.call_later(0, push, "later0")
  // loop.call_soon(push, "soon")
  // loop.call_at(t - 5, push, "at-5")
  // loop.call_later(-1, from_timer)
  // loop.run_forever()
  it("e01: due timers join the iteration after the ready callbacks; callbacks from a timer wait one iteration", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      let n = 0;
      const tick = (): void => {
        n += 1;
        if (n < 5) loop.callSoon(tick);
        else loop.stop();
      };
      const push = (s: string): void => void log.push(`${s}@${n}`);
      const fromTimer = (): void => {
        push("from_timer");
        loop.callLater(0, push, "later0-from-timer");
        loop.callSoon(push, "soon-from-timer");
        loop.callAt(loop.time() - 1, push, "past-from-timer");
        loop.callSoonThreadsafe(push, "threadsafe-from-timer");
      };
      loop.callSoon(tick);
      const t = loop.time();
      loop.callAt(t, push, "at-now");
      loop.callLater(0, push, "later0");
      loop.callSoon(push, "soon");
      loop.callAt(t - 5, push, "at-5");
      loop.callLater(-1, fromTimer);
      await loop.runForever();
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "soon@1",
      "at-5@1",
      "from_timer@1",
      "at-now@1",
      "later0@1",
      "soon-from-timer@2",
      "threadsafe-from-timer@2",
      "past-from-timer@2",
      "later0-from-timer@2",
    ]);
  });

  // Python program e02:
  // loop.stop(); loop.stop()
  // def first():
  //     push("first"); loop.call_soon(push, "second iteration")
  // loop.call_soon(first)
  // loop.run_forever()
  // push(f"after one iteration running={B(loop.is_running())}")
  // now = loop.time()
  // def stopper():
  //     push("stopper"); loop.stop(); loop.call_soon(push, "queued by stopper")
  // loop.call_at(now - 3, push, "timer a"); loop.call_at(now - 2, stopper); loop.call_at(now - 1, push, "timer c")
  // loop.call_later(10, push, "far timer")
  // loop.call_soon(push, "ready before the timers")
  // loop.run_forever()
  // push("stopped by timer")
  // async def quick():
  //     push("quick runs"); return 5
  // loop.stop()
  // push(f"quick -> {loop.run_until_complete(quick())}")
  // # the done callback of that run is still queued: it stops the next run after one iteration
  // loop.call_soon(push, "next run, iteration 1")
  // def second():
  //     push("next run, iteration 2"); loop.stop()
  // def schedule_second(): loop.call_soon(second)
  // loop.call_soon(schedule_second)
  // loop.run_forever()
  // push("next run returned")
  // loop.call_soon(schedule_second)
  // loop.run_forever()
  // push("third run returned")
  it("e02: stop() twice, stop() from a due timer, and a run_until_complete callback left queued by an early stop", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      const push = (s: string): void => void log.push(s);
      loop.stop();
      loop.stop();
      loop.callSoon(() => {
        push("first");
        loop.callSoon(push, "second iteration");
      });
      await loop.runForever();
      push(`after one iteration running=${B(loop.isRunning())}`);
      const now = loop.time();
      const stopper = (): void => {
        push("stopper");
        loop.stop();
        loop.callSoon(push, "queued by stopper");
      };
      loop.callAt(now - 3, push, "timer a");
      loop.callAt(now - 2, stopper);
      loop.callAt(now - 1, push, "timer c");
      loop.callLater(10, push, "far timer");
      loop.callSoon(push, "ready before the timers");
      await loop.runForever();
      push("stopped by timer");
      const quick = async (): Promise<number> => {
        push("quick runs");
        return 5;
      };
      loop.stop();
      push(`quick -> ${await loop.runUntilComplete(quick)}`);
      loop.callSoon(push, "next run, iteration 1");
      const second = (): void => {
        push("next run, iteration 2");
        loop.stop();
      };
      const scheduleSecond = (): void => void loop.callSoon(second);
      loop.callSoon(scheduleSecond);
      await loop.runForever();
      push("next run returned");
      loop.callSoon(scheduleSecond);
      await loop.runForever();
      push("third run returned");
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "first",
      "after one iteration running=False",
      "second iteration",
      "ready before the timers",
      "timer a",
      "stopper",
      "timer c",
      "stopped by timer",
      "queued by stopper",
      "quick runs",
      "quick -> 5",
      "next run, iteration 1",
      "next run returned",
      "next run, iteration 2",
      "third run returned",
    ]);
  });

  // Python program e03 (equal deadlines: see the loop README, "Handles have no ordering operators";
  // CPython's heap runs equal deadlines in no set order, so the program prints them sorted):
  // n = 0
  // def tick():
  //     global n
  //     n += 1
  //     if n < 4: loop.call_soon(tick)
  //     else: loop.stop()
  // groups = {}
  // def push(s): groups.setdefault(n, []).append(s)
  // past = loop.time() - 1
  // def again(s):
  //     push(s); loop.call_at(past, push, s + "-again")
  // loop.call_soon(tick)
  // for i in range(6):
  //     loop.call_at(past, again if i % 2 else push, f"t{i}")
  // loop.call_at(past - 1, push, "earlier")
  // loop.call_soon(push, "soon")
  // loop.run_forever()
  // for k in sorted(groups):
  //     g = groups[k]
  //     log.append(f"iteration {k}: {g[:2] if k == 1 else []} then {sorted(g[2:] if k == 1 else g)}")
  it("e03: timers with one deadline in the past all run in the first iteration; those they add, in the next", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    const groups = new Map<number, string[]>();
    try {
      let n = 0;
      const tick = (): void => {
        n += 1;
        if (n < 4) loop.callSoon(tick);
        else loop.stop();
      };
      const push = (s: string): void => {
        const group = groups.get(n) ?? [];
        group.push(s);
        groups.set(n, group);
      };
      const past = loop.time() - 1;
      const again = (s: string): void => {
        push(s);
        loop.callAt(past, push, `${s}-again`);
      };
      loop.callSoon(tick);
      for (let i = 0; i < 6; i++) loop.callAt(past, i % 2 ? again : push, `t${i}`);
      loop.callAt(past - 1, push, "earlier");
      loop.callSoon(push, "soon");
      await loop.runForever();
    } finally {
      loop.close();
    }
    const list = (xs: string[]): string => `[${xs.map(q).join(", ")}]`;
    for (const k of [...groups.keys()].sort()) {
      const g = groups.get(k)!;
      log.push(`iteration ${k}: ${list(k === 1 ? g.slice(0, 2) : [])} then ${list((k === 1 ? g.slice(2) : g).sort())}`);
    }
    expect(log).toEqual([
      "iteration 1: ['soon', 'earlier'] then ['t0', 't1', 't2', 't3', 't4', 't5']",
      "iteration 2: [] then ['t1-again', 't3-again', 't5-again']",
    ]);
  });

  // Python program e04 (non-debug reprs: no arguments):
  // def cb(*args): log.append(f"cb ran with {len(args)} args")
  // def selfcancel():
  //     hs['self'].cancel()
  //     log.append(f"self cancelled inside={B(hs['self'].cancelled())} repr={norm(repr(hs['self']))}")
  // hs = {}
  // h = loop.call_soon(cb, 1, "x")
  // log.append(f"pending: {norm(repr(h))} cancelled={B(h.cancelled())}")
  // t = loop.call_at(-7.5, cb)
  // log.append(f"timer: {norm(repr(t))} when={t.when()}")
  // t2 = loop.call_at(1000000000000.25, cb, "a")
  // log.append(f"far: {norm(repr(t2))}")
  // t2.cancel()
  // log.append(f"timer cancelled: {norm(repr(t2))} when={t2.when()} cancelled={B(t2.cancelled())}")
  // h2 = loop.call_soon(cb)
  // h2.cancel(); h2.cancel()
  // log.append(f"cancelled: {norm(repr(h2))}")
  // hs['self'] = loop.call_soon(selfcancel)
  // loop.call_soon(loop.stop)
  // loop.run_forever()
  // log.append(f"after run: {norm(repr(h))} cancelled={B(h.cancelled())}")
  // log.append(f"timer after run: {norm(repr(t))} cancelled={B(t.cancelled())}")
  // log.append(f"self after run: {norm(repr(hs['self']))}")
  // h.cancel()
  // log.append(f"cancel after run: {norm(repr(h))}")
  it("e04: Handle and TimerHandle reprs, when() and cancelled() before, during and after running", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      function cb(...args: unknown[]): void {
        log.push(`cb ran with ${args.length} args`);
      }
      const hs: { self?: Handle } = {};
      function selfcancel(): void {
        hs.self!.cancel();
        log.push(`self cancelled inside=${B(hs.self!.cancelled())} repr=${norm(String(hs.self))}`);
      }
      const h = loop.callSoon(cb, 1, "x");
      log.push(`pending: ${norm(String(h))} cancelled=${B(h.cancelled())}`);
      const t = loop.callAt(-7.5, cb);
      log.push(`timer: ${norm(String(t))} when=${t.when()}`);
      const t2 = loop.callAt(1000000000000.25, cb, "a");
      log.push(`far: ${norm(String(t2))}`);
      t2.cancel();
      log.push(`timer cancelled: ${norm(String(t2))} when=${t2.when()} cancelled=${B(t2.cancelled())}`);
      const h2 = loop.callSoon(cb);
      h2.cancel();
      h2.cancel();
      log.push(`cancelled: ${norm(String(h2))}`);
      hs.self = loop.callSoon(selfcancel);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      log.push(`after run: ${norm(String(h))} cancelled=${B(h.cancelled())}`);
      log.push(`timer after run: ${norm(String(t))} cancelled=${B(t.cancelled())}`);
      log.push(`self after run: ${norm(String(hs.self))}`);
      h.cancel();
      log.push(`cancel after run: ${norm(String(h))}`);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "pending: <Handle cb()> cancelled=False",
      "timer: <TimerHandle when=-7.5 cb()> when=-7.5",
      "far: <TimerHandle when=1000000000000.25 cb()>",
      "timer cancelled: <TimerHandle cancelled when=1000000000000.25> when=1000000000000.25 cancelled=True",
      "cancelled: <Handle cancelled>",
      "cb ran with 2 args",
      "self cancelled inside=True repr=<Handle cancelled>",
      "cb ran with 0 args",
      "after run: <Handle cb()> cancelled=False",
      "timer after run: <TimerHandle when=-7.5 cb()> cancelled=False",
      "self after run: <Handle cancelled>",
      "cancel after run: <Handle cancelled>",
    ]);
  });

  // Python program e05 (debug mode shows the arguments; the report lists the argument kinds left
  // out here: bools, lists and strings longer than 30 characters print differently):
  // loop.set_debug(True)
  // def cb(*args): pass
  // for label, args in (("int+str", (1, "x")), ("none+float", (None, 2.5)), ("neg", (-3,)), ("empty", ())):
  //     h = loop.call_soon(cb, *args)
  //     log.append(f"{label}: {norm(repr(h))}")
  //     h.cancel()
  //     log.append(f"{label} cancelled: {norm(repr(h))}")
  // t = loop.call_at(-7.5, cb, "w")
  // log.append(f"timer: {norm(repr(t))}")
  // t.cancel()
  // log.append(f"timer cancelled: {norm(repr(t))}")
  it("e05: debug-mode reprs show the arguments, and a cancelled handle keeps them", () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      loop.setDebug(true);
      function cb(..._args: unknown[]): void {
        // never runs
      }
      const cases: [string, unknown[]][] = [
        ["int+str", [1, "x"]],
        ["none+float", [null, 2.5]],
        ["neg", [-3]],
        ["empty", []],
      ];
      for (const [label, args] of cases) {
        const h = loop.callSoon(cb, ...args);
        log.push(`${label}: ${norm(String(h))}`);
        h.cancel();
        log.push(`${label} cancelled: ${norm(String(h))}`);
      }
      const t = loop.callAt(-7.5, cb, "w");
      log.push(`timer: ${norm(String(t))}`);
      t.cancel();
      log.push(`timer cancelled: ${norm(String(t))}`);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "int+str: <Handle cb(1, 'x')>",
      "int+str cancelled: <Handle cancelled cb(1, 'x')>",
      "none+float: <Handle cb(None, 2.5)>",
      "none+float cancelled: <Handle cancelled cb(None, 2.5)>",
      "neg: <Handle cb(-3)>",
      "neg cancelled: <Handle cancelled cb(-3)>",
      "empty: <Handle cb()>",
      "empty cancelled: <Handle cancelled cb()>",
      "timer: <TimerHandle when=-7.5 cb('w')>",
      "timer cancelled: <TimerHandle cancelled when=-7.5 cb('w')>",
    ]);
  });

  // Python program e06:
  // other = asyncio.new_event_loop()
  // def handler(l, ctx): log.append(f"handler: {ctx['message']}")
  // loop.set_exception_handler(handler)
  // try: loop.run_until_complete(other.create_future())
  // except ValueError as e: log.append(f"other loop: {fmt(e)}")
  // f = loop.create_future(); f.cancel("stop msg")
  // try: loop.run_until_complete(f)
  // except asyncio.CancelledError as e: log.append(f"cancelled future: {fmt(e)}")
  // g = loop.create_future(); g.set_exception(Boom("pre-set"))
  // try: loop.run_until_complete(g)
  // except Boom as e: log.append(f"failed future: {fmt(e)}")
  // h = loop.create_future()
  // loop.call_soon(h.cancel)
  // try: loop.run_until_complete(h)
  // except asyncio.CancelledError as e: log.append(f"cancelled while running: {fmt(e)}")
  // async def canceller():
  //     asyncio.current_task().cancel("self")
  //     await asyncio.sleep(0)
  // try: loop.run_until_complete(canceller())
  // except asyncio.CancelledError as e: log.append(f"task cancelled itself: {fmt(e)}")
  // async def fails(): raise Boom("in task")
  // try: loop.run_until_complete(fails())
  // except Boom as e: log.append(f"failing coroutine: {fmt(e)}")
  // gc.collect()
  // loop.run_until_complete(asyncio.sleep(0))
  // log.append(f"running={B(loop.is_running())} closed={B(loop.is_closed())}")
  // other.close(); loop.close()
  // try: loop.run_until_complete(loop.create_future())
  // except RuntimeError as e: log.append(f"closed: {fmt(e)}")
  it("e06: runUntilComplete of another loop's future, of cancelled and failed futures, and on a closed loop", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    const other = newEventLoop();
    try {
      loop.setExceptionHandler((_l, ctx) => void log.push(`handler: ${String(ctx.message)}`));
      try {
        await loop.runUntilComplete(other.createFuture());
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        log.push(`other loop: ${fmt(e)}`);
      }
      const f = loop.createFuture();
      f.cancel("stop msg");
      try {
        await loop.runUntilComplete(f);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`cancelled future: ${fmt(e)}`);
      }
      const g = loop.createFuture();
      g.setException(new Boom("pre-set"));
      try {
        await loop.runUntilComplete(g);
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        log.push(`failed future: ${fmt(e)}`);
      }
      const h = loop.createFuture();
      loop.callSoon(() => h.cancel());
      try {
        await loop.runUntilComplete(h);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`cancelled while running: ${fmt(e)}`);
      }
      try {
        await loop.runUntilComplete(async () => {
          currentTask()!.cancel("self");
          await sleep(0);
        });
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        log.push(`task cancelled itself: ${fmt(e)}`);
      }
      try {
        await loop.runUntilComplete(async () => {
          throw new Boom("in task");
        });
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        log.push(`failing coroutine: ${fmt(e)}`);
      }
      globalThis.gc?.();
      await loop.runUntilComplete(() => sleep(0));
      log.push(`running=${B(loop.isRunning())} closed=${B(loop.isClosed())}`);
    } finally {
      other.close();
      loop.close();
    }
    try {
      await loop.runUntilComplete(loop.createFuture());
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      log.push(`closed: ${fmt(e)}`);
    }
    expect(log).toEqual([
      "other loop: RangeError: The future belongs to a different loop than the one specified as the loop argument",
      "cancelled future: CancelledError: stop msg",
      "failed future: Boom: pre-set",
      "cancelled while running: CancelledError: ",
      "task cancelled itself: CancelledError: self",
      "failing coroutine: Boom: in task",
      "running=False closed=False",
      "closed: RuntimeError: Event loop is closed",
    ]);
  });

  // Python program e07 (more than 100 timers, most cancelled: CPython rebuilds its heap):
  // ran = []
  // base = loop.time() - 10
  // hs = [loop.call_at(base + i * 0.01, ran.append, i) for i in range(150)]
  // far = [loop.call_later(1000 + i, ran.append, -i) for i in range(60)]
  // for i, h in enumerate(hs):
  //     if i % 3: h.cancel()
  // for h in far: h.cancel()
  // def first():
  //     ran.append("first")
  //     hs[3].cancel(); hs[147].cancel(); hs[0].cancel()
  //     log.append(f"in batch: cancelled 0={B(hs[0].cancelled())} 3={B(hs[3].cancelled())}")
  // loop.call_at(base - 1, first)
  // loop.call_soon(loop.stop)
  // loop.run_forever()
  // log.append(f"ran {len(ran)}: {ran[:6]} ... {ran[-3:]}")
  // log.append(f"in order={B(ran[1:] == sorted(ran[1:]))} all multiples of 3={B(all(i % 3 == 0 for i in ran[1:]))}")
  it("e07: most of 210 timers cancelled, some by a timer of the same batch: the rest run in deadline order", async () => {
    const log: string[] = [];
    const ran: (number | string)[] = [];
    const loop = newEventLoop();
    try {
      const push = (x: number): void => void ran.push(x);
      const base = loop.time() - 10;
      const hs = Array.from({ length: 150 }, (_, i) => loop.callAt(base + i * 0.01, push, i));
      const far = Array.from({ length: 60 }, (_, i) => loop.callLater(1000 + i, push, -i));
      hs.forEach((h, i) => {
        if (i % 3) h.cancel();
      });
      for (const h of far) h.cancel();
      loop.callAt(base - 1, () => {
        ran.push("first");
        hs[3]!.cancel();
        hs[147]!.cancel();
        hs[0]!.cancel();
        log.push(`in batch: cancelled 0=${B(hs[0]!.cancelled())} 3=${B(hs[3]!.cancelled())}`);
      });
      loop.callSoon(() => loop.stop());
      await loop.runForever();
    } finally {
      loop.close();
    }
    const rest = ran.slice(1) as number[];
    log.push(`ran ${ran.length}: [${q(String(ran[0]))}, ${rest.slice(0, 5).join(", ")}] ... [${rest.slice(-3).join(", ")}]`);
    log.push(`in order=${B(rest.every((x, i) => i === 0 || rest[i - 1]! < x))} all multiples of 3=${B(rest.every((x) => x % 3 === 0))}`);
    expect(log).toEqual([
      "in batch: cancelled 0=True 3=True",
      "ran 48: ['first', 6, 9, 12, 15, 18] ... [138, 141, 144]",
      "in order=True all multiples of 3=True",
    ]);
  });

  // Python program e08 (the handler reports are sorted: Python reports from __del__, @aio when the
  // collector finalizes, see the futures README):
  // reports = []
  // def handler(l, ctx):
  //     reports.append(f"{ctx['message']} | keys={sorted(ctx)} | {norm(str(ctx['future']))} | {fmt(ctx['exception'])}")
  // loop.set_exception_handler(handler)
  // f = loop.create_future(); f.set_exception(Boom("lost"))
  // f = None
  // async def fails(): raise Boom("task lost")
  // t = loop.create_task(fails(), name="lost-task")
  // loop.run_until_complete(asyncio.sleep(0))
  // t = None
  // loop.set_debug(True)
  // f = loop.create_future(); f.set_exception(Boom("lost in debug"))
  // f = None
  // gc.collect()
  // loop.run_until_complete(asyncio.sleep(0.01))
  // for r in sorted(reports): log.append(r)
  it("e08: never-retrieved exceptions of a future, a task and a debug-mode future: the handler's context", async () => {
    const log: string[] = [];
    const reports: string[] = [];
    const loop = newEventLoop();
    try {
      loop.setExceptionHandler((_l, ctx) => {
        const keys = Object.keys(ctx).sort().map(q).join(", ");
        reports.push(`${String(ctx.message)} | keys=[${keys}] | ${norm(String(ctx.future))} | ${fmt(ctx.exception)}`);
      });
      // Each future is made and dropped inside a function, so no stack slot keeps it alive.
      (() => {
        loop.createFuture().setException(new Boom("lost"));
        async function fails(): Promise<never> {
          throw new Boom("task lost");
        }
        loop.createTask(fails, { name: "lost-task" });
      })();
      await loop.runUntilComplete(() => sleep(0));
      loop.setDebug(true);
      (() => {
        loop.createFuture().setException(new Boom("lost in debug"));
      })();
      for (let i = 0; i < 5 && reports.length < 3; i++) {
        globalThis.gc!();
        await loop.runUntilComplete(() => sleep(0.01));
      }
    } finally {
      loop.close();
    }
    for (const r of reports.sort()) log.push(r);
    expect(log).toEqual([
      "Future exception was never retrieved | keys=['exception', 'future', 'message', 'source_traceback'] | <Future finished exception=Boom('lost in debug')> | Boom: lost in debug",
      "Future exception was never retrieved | keys=['exception', 'future', 'message'] | <Future finished exception=Boom('lost')> | Boom: lost",
      "Task exception was never retrieved | keys=['exception', 'future', 'message'] | <Task finished name='lost-task' coro=<fails() done> exception=Boom('task lost')> | Boom: task lost",
    ]);
  });

  // Python program e09 (H logs every non-DEBUG record as its lines joined by " | ", through norm):
  // def cb(): pass
  // h = loop.call_soon(cb)
  // f = loop.create_future()
  // loop.default_exception_handler({"message": "m", "handle": h, "future": f, "number": 7, "text": "s", "none": None})
  // f.set_result(3)
  // loop.default_exception_handler({"message": "", "future": f, "exception": Boom("b")})
  // h.cancel()
  // loop.default_exception_handler({"message": "cancelled handle", "handle": h, "exception": None})
  // loop.default_exception_handler({"message": "float", "x": 1.5, "neg": -2})
  it("e09: the default handler's full log text: one 'key: repr' line per extra key, in sorted order", () => {
    const log: string[] = [];
    restoreLogger = setLogger(
      sink((level, message, error) => {
        if (level === "DEBUG") return;
        log.push(`${level} ${message.split("\n").map(norm).join(" | ")} exc=${error === undefined ? "None" : fmt(error)}`);
      }),
    );
    const loop = newEventLoop();
    try {
      function cb(): void {
        // never runs
      }
      const h = loop.callSoon(cb);
      const f = loop.createFuture<number>();
      loop.defaultExceptionHandler({ message: "m", handle: h, future: f, number: 7, text: "s", none: null });
      f.setResult(3);
      loop.defaultExceptionHandler({ message: "", future: f, exception: new Boom("b") });
      h.cancel();
      loop.defaultExceptionHandler({ message: "cancelled handle", handle: h, exception: null });
      loop.defaultExceptionHandler({ message: "float", x: 1.5, neg: -2 });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "ERROR m | future: <Future pending> | handle: <Handle cb()> | none: None | number: 7 | text: 's' exc=None",
      "ERROR Unhandled exception in event loop | future: <Future finished result=3> exc=Boom: b",
      "ERROR cancelled handle | handle: <Handle cancelled> exc=None",
      "ERROR float | neg: -2 | x: 1.5 exc=None",
    ]);
  });

  // Python program e10 (the report lists the arguments left out: a str, list or bool handler is
  // shown with str(), not repr(); a str delay or NaN get other errors):
  // def cb(): pass
  // for label, call in (("call_later(None)", lambda: loop.call_later(None, cb)), ("call_at(None)", lambda: loop.call_at(None, cb)),
  //                     ("set_exception_handler(1.5)", lambda: loop.set_exception_handler(1.5)),
  //                     ("set_task_factory('x')", lambda: loop.set_task_factory("x"))):
  //     try: call(); log.append(f"{label}: accepted")
  //     except TypeError as e: log.append(f"{label}: {fmt(e)}")
  // log.append(f"handler still None: {B(loop.get_exception_handler() is None)} factory still None: {B(loop.get_task_factory() is None)}")
  it("e10: argument errors of callLater, callAt, setExceptionHandler and setTaskFactory leave the loop unchanged", () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      function cb(): void {
        // never runs
      }
      const calls: [string, () => unknown][] = [
        ["call_later(None)", () => loop.callLater(null as never, cb)],
        ["call_at(None)", () => loop.callAt(null as never, cb)],
        ["set_exception_handler(1.5)", () => loop.setExceptionHandler(1.5 as never)],
        ["set_task_factory('x')", () => loop.setTaskFactory("x" as never)],
      ];
      for (const [label, call] of calls) {
        try {
          call();
          log.push(`${label}: accepted`);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
          log.push(`${label}: ${fmt(e)}`);
        }
      }
      log.push(`handler still None: ${B(loop.getExceptionHandler() === null)} factory still None: ${B(loop.getTaskFactory() === null)}`);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "call_later(None): TypeError: delay must not be None",
      "call_at(None): TypeError: when cannot be None",
      "set_exception_handler(1.5): TypeError: A callable object or None is expected, got 1.5",
      "set_task_factory('x'): TypeError: task factory must be a callable or None",
      "handler still None: True factory still None: True",
    ]);
  });

  // Python program e11 (gh-96704: the handler runs in the context of the handle, future or task):
  // v = contextvars.ContextVar("v", default="unset")
  // def handler(l, ctx):
  //     kind = "task" if "task" in ctx else "future" if "future" in ctx else "handle" if "handle" in ctx else "none"
  //     log.append(f"handler [{kind}] {ctx['message'].split(' ')[0]} sees v={v.get()}")
  //     v.set("set by handler")
  // loop.set_exception_handler(handler)
  // ctx = contextvars.copy_context()
  // ctx.run(v.set, "ctx")
  // def bad(): raise Boom("cb")
  // loop.call_soon(bad, context=ctx)
  // def bad_setter():
  //     v.set("bad_setter"); raise Boom("cb2")
  // loop.call_soon(bad_setter)
  // fut = loop.create_future()
  // def bad_done(f): raise Boom("done cb")
  // fut.add_done_callback(bad_done, context=ctx)
  // fut.set_result(1)
  // async def task_body():
  //     v.set("task value"); await asyncio.sleep(0); raise Boom("task")
  // t = loop.create_task(task_body(), name="t1")
  // loop.run_until_complete(asyncio.sleep(0.01))
  // t = None
  // gc.collect()
  // loop.run_until_complete(asyncio.sleep(0))
  // log.append(f"ctx after: {ctx[v]}")
  // loop.call_exception_handler({"message": "direct call"})
  // log.append(f"outside after: {v.get()}")
  it("e11: the exception handler runs in the failing handle's, done callback's or task's context", async () => {
    const log: string[] = [];
    const v = new ContextVar<string>("v", { default: "unset" });
    const loop = newEventLoop();
    try {
      // The program runs in its own context, as Python's top level does.
      await new Context().run(async () => {
        loop.setExceptionHandler((_l, ctx) => {
          const kind = "task" in ctx ? "task" : "future" in ctx ? "future" : "handle" in ctx ? "handle" : "none";
          log.push(`handler [${kind}] ${String(ctx.message).split(" ")[0]!} sees v=${v.get()}`);
          v.set("set by handler");
        });
        const ctx = copyContext();
        ctx.run(() => v.set("ctx"));
        function bad(): never {
          throw new Boom("cb");
        }
        loop.callSoon(bad, { context: ctx });
        loop.callSoon(() => {
          v.set("bad_setter");
          throw new Boom("cb2");
        });
        const fut = loop.createFuture<number>();
        fut.addDoneCallback(() => {
          throw new Boom("done cb");
        }, { context: ctx });
        fut.setResult(1);
        (() => {
          loop.createTask(async () => {
            v.set("task value");
            await sleep(0);
            throw new Boom("task");
          }, { name: "t1" });
        })();
        await loop.runUntilComplete(() => sleep(0.01));
        for (let i = 0; i < 5 && log.length < 4; i++) {
          globalThis.gc!();
          await loop.runUntilComplete(() => sleep(0.01));
        }
        log.push(`ctx after: ${ctx.get(v)!}`);
        loop.callExceptionHandler({ message: "direct call" });
        log.push(`outside after: ${v.get()}`);
      });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "handler [handle] Exception sees v=ctx",
      "handler [handle] Exception sees v=bad_setter",
      "handler [handle] Exception sees v=set by handler",
      "handler [future] Task sees v=task value",
      "ctx after: set by handler",
      "handler [none] direct sees v=unset",
      "outside after: set by handler",
    ]);
  });

  // Python program e12 (reprlib shortens results; the report covers 29- and 30-character strings):
  // def a(f): pass  (b, c alike)
  // def show(label, f): log.append(f"{label}: {norm(repr(f))}")
  // f = loop.create_future(); show("pending", f)
  // f.add_done_callback(a); show("1 cb", f)
  // f.add_done_callback(b); show("2 cbs", f)
  // f.add_done_callback(c); show("3 cbs", f)
  // f.add_done_callback(a); f.add_done_callback(b); show("5 cbs", f)
  // f.remove_done_callback(a); show("a removed", f)
  // f.cancel(); show("cancelled", f)
  // f = loop.create_future(); f.cancel("with msg"); show("cancelled msg", f)
  // for label, value in (("none", None), ("int", 42), ("float", 0.1 + 0.2), ("neg float", -1.5), ("short str", "hi"),
  //                      ("str 28", "x" * 28), ("str 31", "y" * 31), ("long str", "abcdefghij" * 10),
  //                      ("list", [1, "a", None]), ("long list", list(range(20))), ("nested", [[[[[[[1]]]]]]]),
  //                      ("empty list", []), ("quote", "it's"), ("newline", "a\nb"), ("backslash", "a\\b"), ("unicode", "é€")):
  //     f = loop.create_future(); f.set_result(value); show(label, f)
  // for label, exc in (("exc", Boom("bad")), ("exc empty", Boom()), ("exc runtime", RuntimeError("r"))):
  //     f = loop.create_future(); f.set_exception(exc); show(label, f); f.exception()
  // f = loop.create_future(); f.set_result(f); show("self", f)
  it("e12: Future reprs: callback lists, cancelled, and reprlib-shortened results and exceptions", () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      function a(): void {
        // never runs
      }
      function b(): void {
        // never runs
      }
      function c(): void {
        // never runs
      }
      const show = (label: string, f: Future<unknown>): void => void log.push(`${label}: ${norm(String(f))}`);
      let f = loop.createFuture();
      show("pending", f);
      f.addDoneCallback(a);
      show("1 cb", f);
      f.addDoneCallback(b);
      show("2 cbs", f);
      f.addDoneCallback(c);
      show("3 cbs", f);
      f.addDoneCallback(a);
      f.addDoneCallback(b);
      show("5 cbs", f);
      f.removeDoneCallback(a);
      show("a removed", f);
      f.cancel();
      show("cancelled", f);
      f = loop.createFuture();
      f.cancel("with msg");
      show("cancelled msg", f);
      const values: [string, unknown][] = [
        ["none", null],
        ["int", 42],
        ["float", 0.1 + 0.2],
        ["neg float", -1.5],
        ["short str", "hi"],
        ["str 28", "x".repeat(28)],
        ["str 31", "y".repeat(31)],
        ["long str", "abcdefghij".repeat(10)],
        ["list", [1, "a", null]],
        ["long list", Array.from({ length: 20 }, (_, i) => i)],
        ["nested", [[[[[[[1]]]]]]]],
        ["empty list", []],
        ["quote", "it's"],
        ["newline", "a\nb"],
        ["backslash", "a\\b"],
        ["unicode", "é€"],
      ];
      for (const [label, value] of values) {
        f = loop.createFuture();
        f.setResult(value);
        show(label, f);
      }
      const errors: [string, Error][] = [
        ["exc", new Boom("bad")],
        ["exc empty", new Boom()],
        ["exc runtime", new RuntimeError("r")],
      ];
      for (const [label, exc] of errors) {
        f = loop.createFuture();
        f.setException(exc);
        show(label, f);
        f.exception();
      }
      f = loop.createFuture();
      f.setResult(f);
      show("self", f);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "pending: <Future pending>",
      "1 cb: <Future pending cb=[a()]>",
      "2 cbs: <Future pending cb=[a(), b()]>",
      "3 cbs: <Future pending cb=[a(), <1 more>, c()]>",
      "5 cbs: <Future pending cb=[a(), <3 more>, b()]>",
      "a removed: <Future pending cb=[b(), <1 more>, b()]>",
      "cancelled: <Future cancelled>",
      "cancelled msg: <Future cancelled>",
      "none: <Future finished result=None>",
      "int: <Future finished result=42>",
      "float: <Future finished result=0.30000000000000004>",
      "neg float: <Future finished result=-1.5>",
      "short str: <Future finished result='hi'>",
      "str 28: <Future finished result='xxxxxxxxxxxxxxxxxxxxxxxxxxxx'>",
      "str 31: <Future finished result='yyyyyyyyyyyy...yyyyyyyyyyyyy'>",
      "long str: <Future finished result='abcdefghijab...hijabcdefghij'>",
      "list: <Future finished result=[1, 'a', None]>",
      "long list: <Future finished result=[0, 1, 2, 3, 4, 5, ...]>",
      "nested: <Future finished result=[[[[[[[...]]]]]]]>",
      "empty list: <Future finished result=[]>",
      "quote: <Future finished result=\"it's\">",
      "newline: <Future finished result='a\\nb'>",
      "backslash: <Future finished result='a\\\\b'>",
      "unicode: <Future finished result='é€'>",
      "exc: <Future finished exception=Boom('bad')>",
      "exc empty: <Future finished exception=Boom()>",
      "exc runtime: <Future finished exception=RuntimeError('r')>",
      "self: <Future finished result=...>",
    ]);
  });

  // Python program e13 (args: CancelledError's arguments; @aio's CancelledError carries the message):
  // def grab(f, name):
  //     try: getattr(f, name)()
  //     except asyncio.CancelledError as e: return e
  // f = loop.create_future(); f.cancel("why")
  // e1 = grab(f, "exception"); e2 = grab(f, "result")
  // log.append(f"exception(): {type(e1).__name__} args={e1.args} str={str(e1)!r}")
  // log.append(f"result(): {type(e2).__name__} args={e2.args} same object={B(e1 is e2)}")
  // g = loop.create_future(); g.cancel(42)
  // log.append(f"int msg: str={str(grab(g, 'result'))!r}")
  // h = loop.create_future(); h.cancel(None)
  // e4 = grab(h, "result")
  // log.append(f"None msg: args={e4.args} str={str(e4)!r}")
  // k = loop.create_future(); k.cancel("")
  // log.append(f"empty msg: str={str(grab(k, 'result'))!r}")
  // log.append(f"cancel again with msg -> {B(f.cancel('other'))}")
  // log.append(f"message kept: {str(grab(f, 'result'))!r}")
  // async def awaiter(fut):
  //     try: await fut
  //     except asyncio.CancelledError as e: log.append(f"awaiter got {str(e)!r} is-new={B(e is not e1)}")
  // loop.run_until_complete(awaiter(f))
  it("e13: cancel(msg): every result()/exception() raises a new CancelledError with the first message", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    const args = (e: CancelledError): string => (e.message === "" ? "()" : `(${q(e.message)},)`);
    const grab = (f: Future<unknown>, name: "result" | "exception"): CancelledError => {
      try {
        f[name]();
      } catch (e) {
        if (e instanceof CancelledError) return e;
        throw e;
      }
      throw new Error(`${name}() did not raise`);
    };
    try {
      const f = loop.createFuture();
      f.cancel("why");
      const e1 = grab(f, "exception");
      const e2 = grab(f, "result");
      log.push(`exception(): ${e1.name} args=${args(e1)} str=${q(e1.message)}`);
      log.push(`result(): ${e2.name} args=${args(e2)} same object=${B(e1 === e2)}`);
      const g = loop.createFuture();
      g.cancel(42);
      log.push(`int msg: str=${q(grab(g, "result").message)}`);
      const h = loop.createFuture();
      h.cancel(null);
      const e4 = grab(h, "result");
      log.push(`None msg: args=${args(e4)} str=${q(e4.message)}`);
      const k = loop.createFuture();
      k.cancel("");
      log.push(`empty msg: str=${q(grab(k, "result").message)}`);
      log.push(`cancel again with msg -> ${B(f.cancel("other"))}`);
      log.push(`message kept: ${q(grab(f, "result").message)}`);
      await loop.runUntilComplete(async () => {
        try {
          await f;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`awaiter got ${q(e.message)} is-new=${B(e !== e1)}`);
        }
      });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "exception(): CancelledError args=('why',) str='why'",
      "result(): CancelledError args=('why',) same object=False",
      "int msg: str='42'",
      "None msg: args=() str=''",
      "empty msg: str=''",
      "cancel again with msg -> False",
      "message kept: 'why'",
      "awaiter got 'why' is-new=True",
    ]);
  });

  // Python program e14 (tick and push as in e01, except that tick stops the loop in iteration 4;
  // the report covers add_done_callback(5), which Python accepts and @aio refuses):
  // m = loop.create_future()
  // m.set_exception(Boom)
  // ex = m.exception()
  // log.append(f"class -> instance: {type(ex).__name__} isinstance={B(isinstance(ex, Boom))} str={str(ex)!r}")
  // try: m.result()
  // except Boom as e: log.append(f"result() raises the same object={B(e is ex)}")
  // for label, call in (("set_result", lambda: m.set_result(1)), ("set_exception", lambda: m.set_exception(Boom("2")))):
  //     try: call()
  //     except asyncio.InvalidStateError as e: log.append(f"{label} on done: {fmt(e)}")
  // n = loop.create_future(); n.set_result(None)
  // log.append(f"result None: {n.result()} exception={n.exception()}")
  // log.append("--")
  // f = loop.create_future()
  // def cb1(fut):
  //     push("cb1"); fut.add_done_callback(cb_late)
  // def cb_late(fut): push("cb_late")
  // def cb2(fut): push("cb2")
  // f.add_done_callback(cb1); f.add_done_callback(cb2); f.add_done_callback(cb2)
  // loop.call_soon(tick)
  // loop.call_soon(push, "soon before")
  // f.set_result(0)
  // log.append(f"remove cb2 after set_result -> {f.remove_done_callback(cb2)}")
  // f.add_done_callback(cb2)
  // loop.call_soon(push, "soon after")
  // loop.run_forever()
  it("e14: setException(class) makes an instance; callbacks added to a done future are scheduled at once", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      const m = loop.createFuture<number>();
      m.setException(Boom);
      const ex = m.exception();
      log.push(`class -> instance: ${(ex as Error).name} isinstance=${B(ex instanceof Boom)} str=${q((ex as Error).message)}`);
      try {
        m.result();
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        log.push(`result() raises the same object=${B(e === ex)}`);
      }
      const calls: [string, () => void][] = [
        ["set_result", () => m.setResult(1)],
        ["set_exception", () => m.setException(new Boom("2"))],
      ];
      for (const [label, call] of calls) {
        try {
          call();
        } catch (e) {
          if (!(e instanceof InvalidStateError)) throw e;
          log.push(`${label} on done: ${fmt(e)}`);
        }
      }
      const n0 = loop.createFuture<null>();
      n0.setResult(null);
      log.push(`result None: ${n0.result() === null ? "None" : "?"} exception=${n0.exception() === null ? "None" : fmt(n0.exception())}`);
      log.push("--");
      let n = 0;
      const tick = (): void => {
        n += 1;
        if (n < 4) loop.callSoon(tick);
        else loop.stop();
      };
      const push = (s: string): void => void log.push(`${s}@${n}`);
      const f = loop.createFuture<number>();
      const cbLate = (): void => push("cb_late");
      const cb1 = (fut: Future<number>): void => {
        push("cb1");
        fut.addDoneCallback(cbLate);
      };
      const cb2 = (): void => push("cb2");
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(cb2);
      loop.callSoon(tick);
      loop.callSoon(push, "soon before");
      f.setResult(0);
      log.push(`remove cb2 after set_result -> ${f.removeDoneCallback(cb2)}`);
      f.addDoneCallback(cb2);
      loop.callSoon(push, "soon after");
      await loop.runForever();
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "class -> instance: Boom isinstance=True str=''",
      "result() raises the same object=True",
      "set_result on done: InvalidStateError: invalid state",
      "set_exception on done: InvalidStateError: invalid state",
      "result None: None exception=None",
      "--",
      "remove cb2 after set_result -> 0",
      "soon before@1",
      "cb1@1",
      "cb2@1",
      "cb2@1",
      "cb2@1",
      "soon after@1",
      "cb_late@2",
    ]);
  });

  // Python program e15 (a concurrent.futures.Future in Python is a Promise here, settled from the
  // loop; cancelling the source is rejecting the Promise with CancelledError, see the futures README
  // on wrapFuture):
  // async def main():
  //     loop = asyncio.get_running_loop()
  //     other = asyncio.new_event_loop()
  //     f = loop.create_future()
  //     log.append(f"wrap_future(aio future) is it={B(asyncio.wrap_future(f) is f)}")
  //     log.append(f"ensure_future(future) is it={B(asyncio.ensure_future(f) is f)}")
  //     for label, arg in (("int", 5), ("None", None), ("str", "s")):
  //         try: asyncio.ensure_future(arg)
  //         except TypeError as e: log.append(f"ensure_future({label}): {fmt(e)}")
  //     try: asyncio.ensure_future(f, loop=other)
  //     except ValueError as e: log.append(f"ensure_future(other loop): {fmt(e)}")
  //     async def coro(): return "coro result"
  //     t = asyncio.ensure_future(coro())
  //     log.append(f"ensure_future(coro) is a Task={B(isinstance(t, asyncio.Task))} same again={B(asyncio.ensure_future(t) is t)}")
  //     log.append(f"-> {await t}")
  //     cf = concurrent.futures.Future()
  //     w = asyncio.wrap_future(cf)
  //     log.append(f"wrapped done={B(w.done())} isfuture={B(asyncio.isfuture(w))} loop ok={B(w.get_loop() is loop)}")
  //     loop.call_soon(cf.set_result, "cf result")
  //     log.append(f"wrapped -> {await w}")
  //     cf2 = concurrent.futures.Future()
  //     w2 = asyncio.wrap_future(cf2)
  //     loop.call_soon(cf2.set_exception, Boom("cf failed"))
  //     try: await w2
  //     except Boom as e: log.append(f"wrapped raised {fmt(e)}")
  //     inner = loop.create_future()
  //     async def resolver():
  //         await asyncio.sleep(0); inner.set_result("chained"); return "resolver done"
  //     async def waiter():
  //         return (await asyncio.ensure_future(inner)) + "!"
  //     r = await asyncio.gather(waiter(), asyncio.ensure_future(resolver()))
  //     log.append(f"gather -> {r}")
  //     cf3 = concurrent.futures.Future()
  //     w3 = asyncio.wrap_future(cf3)
  //     loop.call_soon(cf3.cancel)
  //     try: await w3
  //     except asyncio.CancelledError as e: log.append(f"source cancelled: wrapped cancelled={B(w3.cancelled())} {fmt(e)}")
  //     other.close()
  // asyncio.run(main())
  it("e15: wrapFuture and ensureFuture: identity, argument errors, results, errors and cancels passed along", async () => {
    const log: string[] = [];
    const other = newEventLoop();
    try {
      await run(async () => {
        const loop = getRunningLoop();
        const f = loop.createFuture() as Future<string>;
        log.push(`wrap_future(aio future) is it=${B(wrapFuture(f) === f)}`);
        log.push(`ensure_future(future) is it=${B(ensureFuture(f) === f)}`);
        const bad: [string, unknown][] = [
          ["int", 5],
          ["None", null],
          ["str", "s"],
        ];
        for (const [label, arg] of bad) {
          try {
            ensureFuture(arg as never);
          } catch (e) {
            if (!(e instanceof TypeError)) throw e;
            log.push(`ensure_future(${label}): ${fmt(e)}`);
          }
        }
        try {
          ensureFuture(f, { loop: other });
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          log.push(`ensure_future(other loop): ${fmt(e)}`);
        }
        const coro = async (): Promise<string> => "coro result";
        const t = ensureFuture(coro);
        log.push(`ensure_future(coro) is a Task=${B(t instanceof Task)} same again=${B(ensureFuture(t) === t)}`);
        log.push(`-> ${await t}`);
        const cf = Promise.withResolvers<string>();
        const w = wrapFuture(cf.promise);
        log.push(`wrapped done=${B(w.done())} isfuture=${B(isFuture(w))} loop ok=${B(w.getLoop() === loop)}`);
        loop.callSoon(cf.resolve, "cf result");
        log.push(`wrapped -> ${await w}`);
        const cf2 = Promise.withResolvers<string>();
        const w2 = wrapFuture(cf2.promise);
        loop.callSoon(cf2.reject, new Boom("cf failed"));
        try {
          await w2;
        } catch (e) {
          if (!(e instanceof Boom)) throw e;
          log.push(`wrapped raised ${fmt(e)}`);
        }
        const inner = loop.createFuture() as Future<string>;
        const resolver = async (): Promise<string> => {
          await sleep(0);
          inner.setResult("chained");
          return "resolver done";
        };
        const waiter = async (): Promise<string> => `${await ensureFuture(inner)}!`;
        const r = await gather(waiter, ensureFuture(resolver));
        log.push(`gather -> [${r.map(q).join(", ")}]`);
        const cf3 = Promise.withResolvers<string>();
        const w3 = wrapFuture(cf3.promise);
        loop.callSoon(cf3.reject, new CancelledError());
        try {
          await w3;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push(`source cancelled: wrapped cancelled=${B(w3.cancelled())} ${fmt(e)}`);
        }
      });
    } finally {
      other.close();
    }
    expect(log).toEqual([
      "wrap_future(aio future) is it=True",
      "ensure_future(future) is it=True",
      "ensure_future(int): TypeError: An asyncio.Future, a coroutine or an awaitable is required",
      "ensure_future(None): TypeError: An asyncio.Future, a coroutine or an awaitable is required",
      "ensure_future(str): TypeError: An asyncio.Future, a coroutine or an awaitable is required",
      "ensure_future(other loop): RangeError: The future belongs to a different loop than the one specified as the loop argument",
      "ensure_future(coro) is a Task=True same again=True",
      "-> coro result",
      "wrapped done=False isfuture=True loop ok=True",
      "wrapped -> cf result",
      "wrapped raised Boom: cf failed",
      "gather -> ['chained!', 'resolver done']",
      "source cancelled: wrapped cancelled=True CancelledError: ",
    ]);
  });

  // Python program e16 (norm drops the " at 0x…" of each repr; the report covers reset("tok") and
  // reset(None), shown with str() instead of repr()):
  // v = contextvars.ContextVar("v"); w = contextvars.ContextVar("w", default=None)
  // x = contextvars.ContextVar("x", default="d"); y = contextvars.ContextVar("y", default=[1, "a"])
  // for var in (v, w, x, y):
  //     log.append(f"repr: {norm(repr(var))} name={var.name}")
  // try: v.get()
  // except LookupError as e: log.append(f"get: {type(e).__name__}: {norm(str(e))}")
  // t1 = v.set(1)
  // log.append(f"token: {norm(repr(t1))} var is v={B(t1.var is v)}")
  // t2 = v.set(2)
  // log.append(f"t2.old_value={t2.old_value}")
  // v.reset(t1)
  // log.append(f"reset to t1 after t2: get={v.get('gone')}")
  // log.append(f"used token: {norm(repr(t1))}")
  // try: v.reset(t1)
  // except RuntimeError as e: log.append(f"reuse t1: {type(e).__name__}: {norm(str(e))}")
  // v.reset(t2)
  // log.append(f"t2 after t1 -> get={v.get()}")
  // tv = v.set(9)
  // try: x.reset(tv)
  // except ValueError as e: log.append(f"wrong var: {norm(str(e))}")
  // for bad in (5,):
  //     try: v.reset(bad)
  //     except TypeError as e: log.append(f"not a token: {fmt(e)}")
  // ctx = contextvars.copy_context()
  // t3 = ctx.run(v.set, 3)
  // try: v.reset(t3)
  // except ValueError as e: log.append(f"other context: {norm(str(e))}")
  // ctx.run(v.reset, t3)
  // log.append(f"reset inside ctx ok: in={B(v in ctx)}")
  // try: contextvars.ContextVar(5)
  // except TypeError as e: log.append(f"bad name: {fmt(e)}")
  it("e16: ContextVar and Token reprs, and the full messages of get/reset errors", () => {
    const log: string[] = [];
    const v = new ContextVar<number>("v");
    const w = new ContextVar<null>("w", { default: null });
    const x = new ContextVar<string>("x", { default: "d" });
    const y = new ContextVar<unknown[]>("y", { default: [1, "a"] });
    new Context().run(() => {
      for (const variable of [v, w, x, y] as ContextVar<unknown>[]) log.push(`repr: ${String(variable)} name=${variable.name}`);
      try {
        v.get();
      } catch (e) {
        if (!(e instanceof LookupError)) throw e;
        log.push(`get: ${e.name}: ${e.message}`);
      }
      const t1 = v.set(1);
      log.push(`token: ${String(t1)} var is v=${B(t1.var === v)}`);
      const t2 = v.set(2);
      log.push(`t2.old_value=${String(t2.oldValue)}`);
      v.reset(t1);
      log.push(`reset to t1 after t2: get=${String(v.get("gone" as never))}`);
      log.push(`used token: ${String(t1)}`);
      try {
        v.reset(t1);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        log.push(`reuse t1: ${e.name}: ${e.message}`);
      }
      v.reset(t2);
      log.push(`t2 after t1 -> get=${v.get()}`);
      const tv = v.set(9);
      try {
        x.reset(tv as unknown as Token<string>);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        log.push(`wrong var: ${e.message}`);
      }
      try {
        v.reset(5 as never);
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        log.push(`not a token: ${fmt(e)}`);
      }
      const ctx = copyContext();
      const t3 = ctx.run(() => v.set(3));
      try {
        v.reset(t3);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        log.push(`other context: ${e.message}`);
      }
      ctx.run(() => v.reset(t3));
      log.push(`reset inside ctx ok: in=${B(ctx.has(v))}`);
      try {
        new ContextVar(5 as never);
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        log.push(`bad name: ${fmt(e)}`);
      }
    });
    expect(log).toEqual([
      "repr: <ContextVar name='v'> name=v",
      "repr: <ContextVar name='w' default=None> name=w",
      "repr: <ContextVar name='x' default='d'> name=x",
      "repr: <ContextVar name='y' default=[1, 'a']> name=y",
      "get: LookupError: <ContextVar name='v'>",
      "token: <Token var=<ContextVar name='v'>> var is v=True",
      "t2.old_value=1",
      "reset to t1 after t2: get=gone",
      "used token: <Token used var=<ContextVar name='v'>>",
      "reuse t1: RuntimeError: <Token used var=<ContextVar name='v'>> has already been used once",
      "t2 after t1 -> get=1",
      "wrong var: <Token var=<ContextVar name='v'>> was created by a different ContextVar",
      "not a token: TypeError: expected an instance of Token, got 5",
      "other context: <Token var=<ContextVar name='v'>> was created in a different Context",
      "reset inside ctx ok: in=True",
      "bad name: TypeError: context variable name must be a str",
    ]);
  });

  // Python program e17 (a Context iterates in hash order: the program sorts; Python's ctx[var] is
  // ctx.get(var) here, see the core README):
  // a = contextvars.ContextVar("a"); b = contextvars.ContextVar("b", default="bd"); c = contextvars.ContextVar("c")
  // empty = contextvars.Context()
  // log.append(f"empty: len={len(empty)} keys={list(empty.keys())} a in={B(a in empty)} get={empty.get(a)} get(dflt)={empty.get(a, 'dflt')} get(b)={empty.get(b)}")
  // def fill():
  //     a.set(1); b.set("two"); c.set(None)
  // ctx = contextvars.Context(); ctx.run(fill)
  // log.append(f"filled: len={len(ctx)} a in={B(a in ctx)} c in={B(c in ctx)}")
  // log.append(f"keys={sorted(k.name for k in ctx.keys())} iter={sorted(k.name for k in ctx)}")
  // log.append(f"values={' '.join(sorted(map(repr, ctx.values())))}")
  // log.append(f"items={' '.join(sorted(f'{k.name}={val!r}' for k, val in ctx.items()))}")
  // log.append(f"get(c)={ctx.get(c, 'dflt')} get(b)={ctx.get(b)}")
  // cp = ctx.copy(); cp.run(a.set, 100)
  // log.append(f"copy: a={cp.get(a)} orig a={ctx.get(a)} len={len(cp)}")
  // def unset():
  //     tok = c.set("tmp"); c.reset(tok)
  // ctx2 = contextvars.Context(); ctx2.run(unset)
  // log.append(f"set then reset in an empty context: len={len(ctx2)} c in={B(c in ctx2)}")
  // for label, call in (("get", lambda: ctx.get("a")), ("contains", lambda: "a" in ctx), ("get None", lambda: ctx.get(None))):
  //     try: call()
  //     except TypeError as e: log.append(f"{label} non-var: {fmt(e)}")
  // try: contextvars.Context(5)
  // except TypeError as e: log.append(f"Context(5): {fmt(e)}")
  it("e17: the Context mapping API: len, in, get with defaults, keys/values/items, copy, bad keys", () => {
    const log: string[] = [];
    const a = new ContextVar<number>("a");
    const b = new ContextVar<string>("b", { default: "bd" });
    const c = new ContextVar<string | null>("c");
    type Value = string | number | null;
    const py = (value: Value): string => (value === null ? "None" : String(value));
    const pyRepr = (value: unknown): string => {
      const v = value as Value;
      return v === null ? "None" : typeof v === "string" ? q(v) : String(v);
    };
    const list = (names: string[]): string => `[${names.map(q).join(", ")}]`;
    const empty = new Context();
    log.push(
      `empty: len=${empty.size} keys=${list([...empty.keys()].map((k) => k.name))} a in=${B(empty.has(a))} get=${py(empty.get(a))} ` +
        `get(dflt)=${py(empty.get(a, "dflt" as never))} get(b)=${py(empty.get(b))}`,
    );
    const ctx = new Context();
    ctx.run(() => {
      a.set(1);
      b.set("two");
      c.set(null);
    });
    log.push(`filled: len=${ctx.size} a in=${B(ctx.has(a))} c in=${B(ctx.has(c))}`);
    log.push(`keys=${list([...ctx.keys()].map((k) => k.name).sort())} iter=${list([...ctx].map((k) => k.name).sort())}`);
    log.push(`values=${[...ctx.values()].map(pyRepr).sort().join(" ")}`);
    log.push(`items=${[...ctx.items()].map(([k, value]) => `${k.name}=${pyRepr(value)}`).sort().join(" ")}`);
    log.push(`get(c)=${py(ctx.get(c, "dflt"))} get(b)=${py(ctx.get(b))}`);
    const cp = ctx.copy();
    cp.run(() => a.set(100));
    log.push(`copy: a=${py(cp.get(a))} orig a=${py(ctx.get(a))} len=${cp.size}`);
    const ctx2 = new Context();
    ctx2.run(() => {
      const tok = c.set("tmp");
      c.reset(tok);
    });
    log.push(`set then reset in an empty context: len=${ctx2.size} c in=${B(ctx2.has(c))}`);
    const calls: [string, () => unknown][] = [
      ["get", () => ctx.get("a" as never)],
      ["contains", () => ctx.has("a" as never)],
      ["get None", () => ctx.get(null as never)],
    ];
    for (const [label, call] of calls) {
      try {
        call();
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        log.push(`${label} non-var: ${fmt(e)}`);
      }
    }
    try {
      new Context(5 as never);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      log.push(`Context(5): ${fmt(e)}`);
    }
    expect(log).toEqual([
      "empty: len=0 keys=[] a in=False get=None get(dflt)=dflt get(b)=None",
      "filled: len=3 a in=True c in=True",
      "keys=['a', 'b', 'c'] iter=['a', 'b', 'c']",
      "values='two' 1 None",
      "items=a=1 b='two' c=None",
      "get(c)=None get(b)=two",
      "copy: a=100 orig a=1 len=3",
      "set then reset in an empty context: len=0 c in=False",
      "get non-var: TypeError: a ContextVar key was expected, got 'a'",
      "contains non-var: TypeError: a ContextVar key was expected, got 'a'",
      "get None non-var: TypeError: a ContextVar key was expected, got None",
      "Context(5): TypeError: Context() does not accept any arguments",
    ]);
  });

  // Python program e18 (cnorm shows any Context's repr as "<Context>"):
  // v = contextvars.ContextVar("v", default=0)
  // outer = contextvars.copy_context(); inner = contextvars.copy_context()
  // def level2():
  //     v.set(v.get() + 10)
  //     try: outer.run(v.set, 99)
  //     except RuntimeError as e: log.append(f"re-enter outer from inner: {cnorm(str(e))}")
  //     try: inner.run(v.get)
  //     except RuntimeError as e: log.append(f"re-enter inner: {cnorm(str(e))}")
  //     return v.get()
  // def level1():
  //     v.set(1)
  //     r = inner.run(level2)
  //     log.append(f"inner returned {r}; outer sees {v.get()}")
  //     return "level1 done"
  // log.append(outer.run(level1))
  // def boom():
  //     v.set(-1); raise Boom("in run")
  // try: outer.run(boom)
  // except Boom as e: log.append(f"run re-raises {fmt(e)}; value kept in outer={outer[v]}")
  // log.append(f"re-enter after an error: {outer.run(v.get)}")
  // log.append(f"current context untouched: {v.get()}")
  // def run_self():
  //     c = contextvars.copy_context()
  //     def again():
  //         try: c.run(lambda: None)
  //         except RuntimeError as e: return "refused"
  //         return "allowed"
  //     return c.run(again)
  // log.append(f"a context running itself: {run_self()}")
  it("e18: Context.run nesting: 'cannot enter context: … is already entered', and leaving on an error", () => {
    const log: string[] = [];
    const cnorm = (s: string): string => s.replace(/<Context object #\d+>/g, "<Context>");
    const v = new ContextVar<number>("v", { default: 0 });
    new Context().run(() => {
      const outer = copyContext();
      const inner = copyContext();
      const level2 = (): number => {
        v.set(v.get() + 10);
        try {
          outer.run(() => v.set(99));
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          log.push(`re-enter outer from inner: ${cnorm(e.message)}`);
        }
        try {
          inner.run(() => v.get());
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          log.push(`re-enter inner: ${cnorm(e.message)}`);
        }
        return v.get();
      };
      const level1 = (): string => {
        v.set(1);
        const r = inner.run(level2);
        log.push(`inner returned ${r}; outer sees ${v.get()}`);
        return "level1 done";
      };
      log.push(outer.run(level1));
      try {
        outer.run(() => {
          v.set(-1);
          throw new Boom("in run");
        });
      } catch (e) {
        if (!(e instanceof Boom)) throw e;
        log.push(`run re-raises ${fmt(e)}; value kept in outer=${outer.get(v)!}`);
      }
      log.push(`re-enter after an error: ${outer.run(() => v.get())}`);
      log.push(`current context untouched: ${v.get()}`);
      const runSelf = (): string => {
        const c = copyContext();
        return c.run(() => {
          try {
            c.run(() => undefined);
          } catch (e) {
            if (!(e instanceof RuntimeError)) throw e;
            return "refused";
          }
          return "allowed";
        });
      };
      log.push(`a context running itself: ${runSelf()}`);
    });
    expect(log).toEqual([
      "re-enter outer from inner: cannot enter context: <Context> is already entered",
      "re-enter inner: cannot enter context: <Context> is already entered",
      "inner returned 10; outer sees 1",
      "level1 done",
      "run re-raises Boom: in run; value kept in outer=-1",
      "re-enter after an error: -1",
      "current context untouched: 0",
      "a context running itself: refused",
    ]);
  });

  // Python program e19 (cnorm as in e18):
  // v = contextvars.ContextVar("v", default="unset")
  // def handler(l, c): log.append(f"handler: {cnorm(fmt(c['exception']))}")
  // loop.set_exception_handler(handler)
  // ctx = contextvars.copy_context()
  // def reenter(): ctx.run(v.set, "nested")
  // def writer(val):
  //     log.append(f"writer sees {v.get()}, sets {val}"); v.set(val)
  // def lambda_like(label): log.append(f"{label} sees {v.get()}")
  // async def task_body():
  //     log.append(f"task sees {v.get()}"); v.set("task")
  // def spawner():
  //     v.set("spawner")
  //     loop.call_soon(lambda_like, "child of spawner")
  //     loop.create_task(task_body())
  //     v.set("spawner after")
  // h1 = loop.call_soon(writer, "first", context=ctx)
  // h2 = loop.call_soon(writer, "second", context=ctx)
  // log.append(f"get_context is ctx: {B(h1.get_context() is ctx)} {B(h2.get_context() is ctx)}")
  // loop.call_soon(reenter, context=ctx)
  // loop.call_soon(spawner, context=ctx)
  // loop.call_soon(lambda_like, "plain callback")
  // loop.run_until_complete(asyncio.sleep(0.01))
  // log.append(f"ctx[v]={ctx[v]} outside={v.get()}")
  it("e19: handles sharing context= see each other's writes; re-entering it fails; callbacks and tasks copy it", async () => {
    const log: string[] = [];
    const cnorm = (s: string): string => s.replace(/<Context object #\d+>/g, "<Context>");
    const v = new ContextVar<string>("v", { default: "unset" });
    const loop = newEventLoop();
    try {
      await new Context().run(async () => {
        loop.setExceptionHandler((_l, c) => void log.push(`handler: ${cnorm(fmt(c.exception))}`));
        const ctx = copyContext();
        const reenter = (): void => void ctx.run(() => v.set("nested"));
        const writer = (value: string): void => {
          log.push(`writer sees ${v.get()}, sets ${value}`);
          v.set(value);
        };
        const lambdaLike = (label: string): void => void log.push(`${label} sees ${v.get()}`);
        const taskBody = async (): Promise<void> => {
          log.push(`task sees ${v.get()}`);
          v.set("task");
        };
        const spawner = (): void => {
          v.set("spawner");
          loop.callSoon(lambdaLike, "child of spawner");
          loop.createTask(taskBody);
          v.set("spawner after");
        };
        const h1 = loop.callSoon(writer, "first", { context: ctx });
        const h2 = loop.callSoon(writer, "second", { context: ctx });
        log.push(`get_context is ctx: ${B(h1.getContext() === ctx)} ${B(h2.getContext() === ctx)}`);
        loop.callSoon(reenter, { context: ctx });
        loop.callSoon(spawner, { context: ctx });
        loop.callSoon(lambdaLike, "plain callback");
        await loop.runUntilComplete(() => sleep(0.01));
        log.push(`ctx[v]=${ctx.get(v)!} outside=${v.get()}`);
      });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "get_context is ctx: True True",
      "writer sees unset, sets first",
      "writer sees first, sets second",
      "handler: RuntimeError: cannot enter context: <Context> is already entered",
      "plain callback sees unset",
      "child of spawner sees spawner",
      "task sees spawner",
      "ctx[v]=spawner after outside=unset",
    ]);
  });

  // Python program e20:
  // v = contextvars.ContextVar("v", default="root")
  // async def child(name, n):
  //     log.append(f"{name} starts with {v.get()}")
  //     for i in range(n):
  //         v.set(f"{name}{i}")
  //         await asyncio.sleep(0)
  //         log.append(f"{name} step {i} sees {v.get()}")
  //     snap = contextvars.copy_context()
  //     snap.run(v.set, "snapshot write")
  //     return f"{name} end sees {v.get()} snapshot={snap[v]}"
  // async def main():
  //     v.set("main")
  //     ts = [asyncio.create_task(child(n, 2), name=n) for n in "ab"]
  //     v.set("main changed")
  //     res = await asyncio.gather(*ts)
  //     log.extend(res)
  //     for t in ts: log.append(f"{t.get_name()} final ctx={t.get_context()[v]}")
  //     log.append(f"main sees {v.get()}")
  //     t = asyncio.create_task(child("c", 1))
  //     v.set("main before done cb")
  //     t.add_done_callback(lambda t: log.append(f"done cb sees {v.get()}"))
  //     v.set("main after add")
  //     await t
  //     await asyncio.sleep(0)
  // asyncio.run(main())
  // log.append(f"after run: {v.get()}")
  it("e20: interleaved tasks keep their own values; a task's context after it ends; the done callback's copy", async () => {
    const log: string[] = [];
    const v = new ContextVar<string>("v", { default: "root" });
    const child = async (name: string, n: number): Promise<string> => {
      log.push(`${name} starts with ${v.get()}`);
      for (let i = 0; i < n; i++) {
        v.set(`${name}${i}`);
        await sleep(0);
        log.push(`${name} step ${i} sees ${v.get()}`);
      }
      const snap = copyContext();
      snap.run(() => v.set("snapshot write"));
      return `${name} end sees ${v.get()} snapshot=${snap.get(v)!}`;
    };
    await new Context().run(async () => {
      await run(async () => {
        v.set("main");
        const ts = ["a", "b"].map((n) => createTask(() => child(n, 2), { name: n }));
        v.set("main changed");
        const res = await gather(...ts);
        log.push(...res);
        for (const t of ts) log.push(`${t.getName()} final ctx=${t.getContext().get(v)!}`);
        log.push(`main sees ${v.get()}`);
        const t = createTask(() => child("c", 1));
        v.set("main before done cb");
        t.addDoneCallback(() => void log.push(`done cb sees ${v.get()}`));
        v.set("main after add");
        await t;
        await sleep(0);
      });
      log.push(`after run: ${v.get()}`);
    });
    expect(log).toEqual([
      "a starts with main",
      "b starts with main",
      "a step 0 sees a0",
      "b step 0 sees b0",
      "a step 1 sees a1",
      "b step 1 sees b1",
      "a end sees a1 snapshot=snapshot write",
      "b end sees b1 snapshot=snapshot write",
      "a final ctx=a1",
      "b final ctx=b1",
      "main sees main changed",
      "c starts with main changed",
      "c step 0 sees c0",
      "done cb sees main before done cb",
      "after run: root",
    ]);
  });

  // Python program e21 (H keeps the "Executing" records; when= and the duration are normalized):
  // def rec(r):
  //     m = r.getMessage()
  //     if m.startswith("Executing"):
  //         m = re.sub(r"when=-?[0-9.]+", "when=T", m)
  //         log.append(f"{r.levelname} {norm(re.sub(r'took \d+\.\d{3} seconds$', 'took N seconds', m))}")
  // def busy(s):
  //     t = time.monotonic()
  //     while time.monotonic() - t < s: pass
  // log.append(f"default slow_callback_duration={loop.slow_callback_duration}")
  // loop.set_debug(True); loop.slow_callback_duration = 0.15
  // def slow_timer(x): busy(0.2)
  // loop.call_at(loop.time() - 1, slow_timer, 7)
  // def fast(): pass
  // loop.call_soon(fast)
  // loop.call_soon(slow_timer, "c")
  // async def slow_task():
  //     await asyncio.sleep(0); busy(0.2); await asyncio.sleep(0)
  // t = loop.create_task(slow_task(), name="slow-one")
  // async def main(): await t
  // loop.run_until_complete(main())
  it("e21: debug mode names the slow Handle, TimerHandle and Task step in its warning", async () => {
    const log: string[] = [];
    restoreLogger = setLogger(
      sink((level, m) => {
        if (!m.startsWith("Executing")) return;
        log.push(`${level} ${norm(m.replace(/when=-?[0-9.]+/, "when=T").replace(/took \d+\.\d{3} seconds$/, "took N seconds"))}`);
      }),
    );
    const loop = newEventLoop();
    try {
      log.push(`default slow_callback_duration=${loop.slowCallbackDuration}`);
      loop.setDebug(true);
      loop.slowCallbackDuration = 0.15;
      function slow_timer(_x: unknown): void {
        busyWait(0.2);
      }
      loop.callAt(loop.time() - 1, slow_timer, 7);
      function fast(): void {
        // nothing to do
      }
      loop.callSoon(fast);
      loop.callSoon(slow_timer, "c");
      async function slow_task(): Promise<void> {
        await sleep(0);
        busyWait(0.2);
        await sleep(0);
      }
      const t = loop.createTask(slow_task, { name: "slow-one" });
      await loop.runUntilComplete(async () => {
        await t;
      });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "default slow_callback_duration=0.1",
      "WARNING Executing <Handle slow_timer('c')> took N seconds",
      "WARNING Executing <TimerHandle when=T slow_timer(7)> took N seconds",
      "WARNING Executing <Task pending name='slow-one' coro=<slow_task() running> cb=[Task.task_wakeup()]> took N seconds",
    ]);
  });

  // Python program e22 (H as in e09, with when= normalized; in debug mode it keeps the first two
  // lines and the source_traceback heading, whose frames differ, see the loop README):
  // def bad(x): raise Boom(f"bad {x}")
  // loop.call_soon(bad, 1)
  // loop.call_at(loop.time() - 1, bad, 2)
  // fut = loop.create_future()
  // def bad_done(f): raise Boom("done cb")
  // fut.add_done_callback(bad_done)
  // fut.set_result("r")
  // loop.run_until_complete(asyncio.sleep(0))
  // log.append("-- debug")
  // loop.set_debug(True)
  // loop.call_soon(bad, 3)
  // loop.call_later(-1, bad, "four")
  // loop.run_until_complete(asyncio.sleep(0))
  it("e22: the default handler's log text for a failing callback, timer and done callback, and in debug mode", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    restoreLogger = setLogger(
      sink((level, message, error) => {
        if (level === "DEBUG") return;
        let lines = message.split("\n").map((l) => norm(l.replace(/when=-?[0-9.]+/, "when=T")));
        if (loop.getDebug()) {
          const tb = lines.filter((l) => l.startsWith("source_traceback: "));
          lines = [...lines.slice(0, 2), tb[0] ?? "no source_traceback"];
        }
        log.push(`${level} ${lines.join(" | ")} exc=${error === undefined ? "None" : fmt(error)}`);
      }),
    );
    try {
      function bad(x: unknown): never {
        throw new Boom(`bad ${String(x)}`);
      }
      loop.callSoon(bad, 1);
      loop.callAt(loop.time() - 1, bad, 2);
      const fut = loop.createFuture<string>();
      function bad_done(): never {
        throw new Boom("done cb");
      }
      fut.addDoneCallback(bad_done);
      fut.setResult("r");
      await loop.runUntilComplete(() => sleep(0));
      log.push("-- debug");
      loop.setDebug(true);
      loop.callSoon(bad, 3);
      loop.callLater(-1, bad, "four");
      await loop.runUntilComplete(() => sleep(0));
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "ERROR Exception in callback bad() | handle: <Handle bad()> exc=Boom: bad 1",
      "ERROR Exception in callback bad_done() | handle: <Handle bad_done()> exc=Boom: done cb",
      "ERROR Exception in callback bad() | handle: <TimerHandle when=T bad()> exc=Boom: bad 2",
      "-- debug",
      "ERROR Exception in callback bad(3) | handle: <Handle bad(3)> | source_traceback: Object created at (most recent call last): exc=Boom: bad 3",
      "ERROR Exception in callback bad('four') | handle: <TimerHandle when=T bad('four')> | source_traceback: Object created at (most recent call last): exc=Boom: bad four",
    ]);
  });

  // Python program e23 (the report covers set_result on a closed loop's future that has a
  // callback: Python raises "Event loop is closed", @aio does not):
  // def handler(l, c): log.append(f"handler: {fmt(c['exception'])}")
  // loop.set_exception_handler(handler)
  // def closer(): loop.close()
  // loop.call_soon(closer); loop.call_soon(loop.stop); loop.run_forever()
  // log.append(f"closed={B(loop.is_closed())}")
  // def never(): log.append("never runs")
  // h = loop.call_soon(never); t = loop.call_later(0, never)
  // f = loop.create_future()
  // def cb(f): log.append("done cb")
  // f.add_done_callback(cb)
  // loop.close()
  // log.append(f"after close: closed={B(loop.is_closed())} h cancelled={B(h.cancelled())} t cancelled={B(t.cancelled())}")
  // loop.close(); log.append("second close ok")
  // g = loop.create_future()
  // log.append(f"create_future on closed loop: {norm(repr(g))}")
  // g.set_result(1)
  // log.append(f"set_result without callbacks ok: {g.result()}")
  // try: h.cancel(); log.append(f"cancel after close ok: {B(h.cancelled())}")
  // except Exception as e: log.append(fmt(e))
  // for label, call in (("call_soon", lambda: loop.call_soon(never)), ("call_later", lambda: loop.call_later(1, never)),
  //                     ("call_at", lambda: loop.call_at(1, never)), ("stop", loop.stop),
  //                     ("set_debug", lambda: loop.set_debug(False)), ("time", lambda: loop.time() > 0)):
  //     try: call(); log.append(f"{label}: allowed")
  //     except RuntimeError as e: log.append(f"{label}: {fmt(e)}")
  it("e23: close() from a callback is refused; a closed loop drops its handles and refuses new ones", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      loop.setExceptionHandler((_l, c) => void log.push(`handler: ${fmt(c.exception)}`));
      function closer(): void {
        loop.close();
      }
      loop.callSoon(closer);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      log.push(`closed=${B(loop.isClosed())}`);
      function never(): void {
        log.push("never runs");
      }
      const h = loop.callSoon(never);
      const t = loop.callLater(0, never);
      const f = loop.createFuture();
      f.addDoneCallback(() => void log.push("done cb"));
      loop.close();
      log.push(`after close: closed=${B(loop.isClosed())} h cancelled=${B(h.cancelled())} t cancelled=${B(t.cancelled())}`);
      loop.close();
      log.push("second close ok");
      const g = loop.createFuture<number>();
      log.push(`create_future on closed loop: ${norm(String(g))}`);
      g.setResult(1);
      log.push(`set_result without callbacks ok: ${g.result()}`);
      h.cancel();
      log.push(`cancel after close ok: ${B(h.cancelled())}`);
      const calls: [string, () => unknown][] = [
        ["call_soon", () => loop.callSoon(never)],
        ["call_later", () => loop.callLater(1, never)],
        ["call_at", () => loop.callAt(1, never)],
        ["stop", () => loop.stop()],
        ["set_debug", () => loop.setDebug(false)],
        ["time", () => loop.time() > 0],
      ];
      for (const [label, call] of calls) {
        try {
          call();
          log.push(`${label}: allowed`);
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          log.push(`${label}: ${fmt(e)}`);
        }
      }
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "handler: RuntimeError: Cannot close a running event loop",
      "closed=False",
      "after close: closed=True h cancelled=False t cancelled=False",
      "second close ok",
      "create_future on closed loop: <Future pending>",
      "set_result without callbacks ok: 1",
      "cancel after close ok: True",
      "call_soon: RuntimeError: Event loop is closed",
      "call_later: RuntimeError: Event loop is closed",
      "call_at: RuntimeError: Event loop is closed",
      "stop: allowed",
      "set_debug: allowed",
      "time: allowed",
    ]);
  });

  // Python program e24 (push logs "<label>@<iteration>"):
  // n = 0
  // def tick():
  //     global n
  //     n += 1
  //     if n < 8: loop.call_soon(tick)
  // f1, f2, f3 = loop.create_future(), loop.create_future(), loop.create_future()
  // f1.add_done_callback(lambda f: (push("f1 cb"), f2.set_result(f.result() + 1)))
  // f2.add_done_callback(lambda f: (push("f2 cb"), f3.set_result(f.result() + 1)))
  // async def waiter():
  //     push("waiter start")
  //     r = await f3
  //     push(f"waiter got {r}")
  //     r2 = await f1
  //     push(f"done future awaited without yielding: {r2}")
  //     await asyncio.sleep(0)
  //     push("after sleep(0)")
  //     return "w"
  // async def outer():
  //     r = await asyncio.create_task(waiter())
  //     push(f"outer got {r}")
  // loop.call_soon(tick)
  // t = loop.create_task(outer())
  // loop.call_soon(f1.set_result, 1)
  // loop.run_until_complete(t)
  it("e24: each link of a future/callback/task chain costs one iteration; a done future costs none", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      let n = 0;
      const tick = (): void => {
        n += 1;
        if (n < 8) loop.callSoon(tick);
      };
      const push = (s: string): void => void log.push(`${s}@${n}`);
      const f1 = loop.createFuture<number>();
      const f2 = loop.createFuture<number>();
      const f3 = loop.createFuture<number>();
      f1.addDoneCallback((f) => {
        push("f1 cb");
        f2.setResult(f.result() + 1);
      });
      f2.addDoneCallback((f) => {
        push("f2 cb");
        f3.setResult(f.result() + 1);
      });
      const waiter = async (): Promise<string> => {
        push("waiter start");
        const r = await f3;
        push(`waiter got ${r}`);
        const r2 = await f1;
        push(`done future awaited without yielding: ${r2}`);
        await sleep(0);
        push("after sleep(0)");
        return "w";
      };
      const outer = async (): Promise<void> => {
        const r = await createTask(waiter);
        push(`outer got ${r}`);
      };
      loop.callSoon(tick);
      const t = loop.createTask(outer);
      loop.callSoon((value: number) => f1.setResult(value), 1);
      await loop.runUntilComplete(t);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "waiter start@2",
      "f1 cb@2",
      "f2 cb@3",
      "waiter got 3@4",
      "done future awaited without yielding: 1@4",
      "after sleep(0)@5",
      "outer got w@6",
    ]);
  });

  // Python program e25:
  // v = contextvars.ContextVar("v", default="unset")
  // def reader(label): log.append(f"{label} sees {v.get()}")
  // def writer(val):
  //     log.append(f"writer sees {v.get()}, sets {val}"); v.set(val)
  // async def main():
  //     v.set("main")
  //     loop.call_soon(writer, "w1"); loop.call_soon(writer, "w2"); loop.call_soon(reader, "reader")
  //     v.set("main later")
  //     await asyncio.sleep(0)
  //     log.append(f"main sees {v.get()}")
  //     h = loop.call_later(0, reader, "timer")
  //     log.append(f"timer context has main later={B(h.get_context()[v] == 'main later')} is a copy={B(h.get_context() is not contextvars.copy_context())}")
  //     v.set("main last")
  //     await asyncio.sleep(0.01)
  // loop.run_until_complete(main())
  // loop.call_soon(reader, "outside any task")
  // loop.call_soon(writer, "outside")
  // loop.call_soon(reader, "outside again")
  // loop.run_until_complete(asyncio.sleep(0))
  // log.append(f"top level sees {v.get()}")
  it("e25: every callback gets its own copy of the scheduling context; writes never reach the next one", async () => {
    const log: string[] = [];
    const v = new ContextVar<string>("v", { default: "unset" });
    const loop = newEventLoop();
    try {
      await new Context().run(async () => {
        const reader = (label: string): void => void log.push(`${label} sees ${v.get()}`);
        const writer = (value: string): void => {
          log.push(`writer sees ${v.get()}, sets ${value}`);
          v.set(value);
        };
        await loop.runUntilComplete(async () => {
          v.set("main");
          loop.callSoon(writer, "w1");
          loop.callSoon(writer, "w2");
          loop.callSoon(reader, "reader");
          v.set("main later");
          await sleep(0);
          log.push(`main sees ${v.get()}`);
          const h = loop.callLater(0, reader, "timer");
          const hctx = h.getContext()!;
          log.push(`timer context has main later=${B(hctx.get(v) === "main later")} is a copy=${B(hctx !== copyContext())}`);
          v.set("main last");
          await sleep(0.01);
        });
        loop.callSoon(reader, "outside any task");
        loop.callSoon(writer, "outside");
        loop.callSoon(reader, "outside again");
        await loop.runUntilComplete(() => sleep(0));
        log.push(`top level sees ${v.get()}`);
      });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "writer sees main, sets w1",
      "writer sees main, sets w2",
      "reader sees main",
      "main sees main later",
      "timer context has main later=True is a copy=True",
      "timer sees main later",
      "outside any task sees unset",
      "writer sees unset, sets outside",
      "outside again sees unset",
      "top level sees unset",
    ]);
  });

  // Python program e26:
  // class Duck: _asyncio_future_blocking = False
  // class NoneDuck: _asyncio_future_blocking = None
  // async def co(): pass
  // t = loop.create_task(co())
  // for label, obj in (("future", loop.create_future()), ("task", t), ("handle", loop.call_soon(print)), ("Future class", asyncio.Future),
  //                    ("duck", Duck()), ("none duck", NoneDuck()), ("None", None), ("int", 3)):
  //     log.append(f"isfuture({label})={B(asyncio.isfuture(obj))}")
  // loop.run_until_complete(t)
  it("e26: isFuture: futures, tasks and duck-typed objects whose blocking flag is not None", async () => {
    const log: string[] = [];
    class Duck {
      _asyncioFutureBlocking = false;
    }
    class NoneDuck {
      _asyncioFutureBlocking = null;
    }
    const loop = newEventLoop();
    try {
      const t = loop.createTask(async () => undefined);
      const objects: [string, unknown][] = [
        ["future", loop.createFuture()],
        ["task", t],
        ["handle", loop.callSoon(() => undefined)],
        ["Future class", Future],
        ["duck", new Duck()],
        ["none duck", new NoneDuck()],
        ["None", null],
        ["int", 3],
      ];
      for (const [label, obj] of objects) log.push(`isfuture(${label})=${B(isFuture(obj))}`);
      await loop.runUntilComplete(t);
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "isfuture(future)=True",
      "isfuture(task)=True",
      "isfuture(handle)=False",
      "isfuture(Future class)=False",
      "isfuture(duck)=True",
      "isfuture(none duck)=False",
      "isfuture(None)=False",
      "isfuture(int)=False",
    ]);
  });

  // Python program e27 (H logs a record's first line and its "key: …" lines; the report covers a
  // failing done callback in debug mode, whose context has no source_traceback in @aio):
  // def rec(r):
  //     lines = r.getMessage().split("\n")
  //     log.append(f"log: {lines[0]} | {' | '.join(l for l in lines[1:] if not l.startswith(' '))}")
  // loop.set_debug(True)
  // def handler(l, ctx): log.append(f"handler keys={sorted(ctx)}")
  // loop.set_exception_handler(handler)
  // def bad(): raise Boom("x")
  // loop.call_soon(bad)
  // loop.run_until_complete(asyncio.sleep(0))
  // loop.set_exception_handler(None)
  // def reporter(): loop.call_exception_handler({"message": "from a callback"})
  // loop.call_soon(reporter)
  // loop.run_until_complete(asyncio.sleep(0))
  // loop.call_exception_handler({"message": "outside any callback"})
  it("e27: debug mode adds source_traceback to a callback's context, and handle_traceback inside a callback", async () => {
    const log: string[] = [];
    restoreLogger = setLogger(
      sink((level, message) => {
        if (level !== "ERROR") return;
        const lines = message.split("\n");
        log.push(`log: ${lines[0]!} | ${lines.slice(1).filter((l) => !l.startsWith(" ")).join(" | ")}`);
      }),
    );
    const loop = newEventLoop();
    try {
      loop.setDebug(true);
      loop.setExceptionHandler((_l, ctx) => void log.push(`handler keys=[${Object.keys(ctx).sort().map(q).join(", ")}]`));
      function bad(): never {
        throw new Boom("x");
      }
      loop.callSoon(bad);
      await loop.runUntilComplete(() => sleep(0));
      loop.setExceptionHandler(null);
      function reporter(): void {
        loop.callExceptionHandler({ message: "from a callback" });
      }
      loop.callSoon(reporter);
      await loop.runUntilComplete(() => sleep(0));
      loop.callExceptionHandler({ message: "outside any callback" });
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "handler keys=['exception', 'handle', 'message', 'source_traceback']",
      "log: from a callback | handle_traceback: Handle created at (most recent call last):",
      "log: outside any callback | ",
    ]);
  });

  // Python program e28:
  // v = contextvars.ContextVar("v", default="unset")
  // toks = {}
  // async def body():
  //     toks['t'] = v.set("task value"); toks['t2'] = v.set("task value 2"); return "body done"
  // def reset_in(label):
  //     def cb(task):
  //         try:
  //             v.reset(toks['t2']); log.append(f"{label}: reset ok, now {v.get()}")
  //         except ValueError as e: log.append(f"{label}: {norm(str(e))}")
  //     return cb
  // async def main():
  //     t = asyncio.create_task(body())
  //     t.add_done_callback(reset_in("plain done callback"))
  //     t.add_done_callback(reset_in("task context callback"), context=t.get_context())
  //     await t
  //     await asyncio.sleep(0)
  //     log.append(f"task context now {t.get_context()[v]}")
  //     try: v.reset(toks['t'])
  //     except ValueError as e: log.append(f"main: {norm(str(e))}")
  //     t.get_context().run(v.reset, toks['t'])
  //     log.append(f"after reset in task context: {t.get_context().get(v)} main={v.get()}")
  // asyncio.run(main())
  it("e28: a token made in a task resets only in the task's context: from a done callback given it, or its run()", async () => {
    const log: string[] = [];
    const v = new ContextVar<string>("v", { default: "unset" });
    const toks: { t?: Token<string>; t2?: Token<string> } = {};
    const resetIn = (label: string) => (): void => {
      try {
        v.reset(toks.t2!);
        log.push(`${label}: reset ok, now ${v.get()}`);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        log.push(`${label}: ${e.message}`);
      }
    };
    await run(async () => {
      const t = createTask(async () => {
        toks.t = v.set("task value");
        toks.t2 = v.set("task value 2");
        return "body done";
      });
      t.addDoneCallback(resetIn("plain done callback"));
      t.addDoneCallback(resetIn("task context callback"), { context: t.getContext() });
      await t;
      await sleep(0);
      log.push(`task context now ${t.getContext().get(v)!}`);
      try {
        v.reset(toks.t!);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        log.push(`main: ${e.message}`);
      }
      t.getContext().run(() => v.reset(toks.t!));
      log.push(`after reset in task context: ${t.getContext().get(v) ?? "None"} main=${v.get()}`);
    });
    expect(log).toEqual([
      "plain done callback: <Token var=<ContextVar name='v' default='unset'>> was created in a different Context",
      "task context callback: reset ok, now task value",
      "task context now task value",
      "main: <Token var=<ContextVar name='v' default='unset'>> was created in a different Context",
      "after reset in task context: None main=unset",
    ]);
  });

  // Python program e29:
  // def handler(l, ctx): log.append(f"handler: {ctx['message'].split(' at ')[0]} exc={fmt(ctx['exception'])}")
  // loop.set_exception_handler(handler)
  // def cancels(): raise asyncio.CancelledError("from callback")
  // loop.call_soon(cancels)
  // f = loop.create_future()
  // def cancels_done(fut): raise asyncio.CancelledError()
  // f.add_done_callback(cancels_done)
  // f.set_result(None)
  // def times_out(): raise asyncio.TimeoutError("t/o")
  // loop.call_later(-1, times_out)
  // def invalid(): loop.create_future().result()
  // loop.call_soon(invalid)
  // loop.call_soon(log.append, "loop goes on")
  // loop.run_until_complete(asyncio.sleep(0))
  it("e29: a callback raising CancelledError, TimeoutError or InvalidStateError goes to the handler like any error", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      loop.setExceptionHandler((_l, ctx) => {
        log.push(`handler: ${String(ctx.message).split(" at ")[0]!} exc=${fmt(ctx.exception)}`);
      });
      function cancels(): never {
        throw new CancelledError("from callback");
      }
      loop.callSoon(cancels);
      const f = loop.createFuture<null>();
      function cancels_done(): never {
        throw new CancelledError();
      }
      f.addDoneCallback(cancels_done);
      f.setResult(null);
      function times_out(): never {
        throw new TimeoutError("t/o");
      }
      loop.callLater(-1, times_out);
      function invalid(): void {
        loop.createFuture().result();
      }
      loop.callSoon(invalid);
      loop.callSoon((s: string) => log.push(s), "loop goes on");
      await loop.runUntilComplete(() => sleep(0));
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "handler: Exception in callback cancels() exc=CancelledError: from callback",
      "handler: Exception in callback cancels_done() exc=CancelledError: ",
      "handler: Exception in callback invalid() exc=InvalidStateError: Result is not set.",
      "loop goes on",
      "handler: Exception in callback times_out() exc=TimeoutError: t/o",
    ]);
  });

  // Python program e30:
  // fut = loop.create_future()
  // def a():
  //     push("A")
  //     loop.call_soon(push, "from A before set")
  //     fut.set_result("r")
  //     loop.call_soon(push, "from A after set")
  //     loop.call_later(-1, push, "timer from A")
  // def b():
  //     push("B (same batch as A)"); loop.call_soon(push, "from B")
  // loop.call_soon(a); loop.call_soon(b)
  // log.append(f"run_until_complete -> {loop.run_until_complete(fut)}")
  // loop.call_soon(push, "next run"); loop.call_soon(loop.stop)
  // loop.run_forever()
  it("e30: runUntilComplete stops in the iteration after the future's completion, but that whole batch runs", async () => {
    const log: string[] = [];
    const loop = newEventLoop();
    try {
      const push = (s: string): void => void log.push(s);
      const fut = loop.createFuture<string>();
      loop.callSoon(() => {
        push("A");
        loop.callSoon(push, "from A before set");
        fut.setResult("r");
        loop.callSoon(push, "from A after set");
        loop.callLater(-1, push, "timer from A");
      });
      loop.callSoon(() => {
        push("B (same batch as A)");
        loop.callSoon(push, "from B");
      });
      log.push(`run_until_complete -> ${await loop.runUntilComplete(fut)}`);
      loop.callSoon(push, "next run");
      loop.callSoon(() => loop.stop());
      await loop.runForever();
    } finally {
      loop.close();
    }
    expect(log).toEqual([
      "A",
      "B (same batch as A)",
      "from A before set",
      "from A after set",
      "from B",
      "timer from A",
      "run_until_complete -> r",
      "next run",
    ]);
  });
});
