/**
 * Tests for timeout, timeoutAt and Timeout: expiry turns the task's own cancellation into
 * TimeoutError, a cancel from outside stays a CancelledError, nesting, reschedule, states, repr.
 * Mirrors CPython 3.13 Lib/test/test_asyncio/test_timeouts.py (TimeoutTests).
 *
 * Deadlines run on a virtual-time loop; CPython's `time.sleep()` (a busy loop) becomes
 * `loop.advance()`, which moves the clock without running the loop.
 */
import { describe, expect, it } from "vitest";
import { CancelledError, ExceptionGroup, RuntimeError, TimeoutError, asyncWith } from "@aio/core";
import { TaskGroup, Timeout, createTask, currentTask, sleep, timeout, timeoutAt } from "../src/index.js";
import type { Task } from "../src/index.js";
import { makeLoop, makeVirtualLoop } from "./support/loop.js";
import { KeyError, ZeroDivisionError, catchError, divideByZero } from "./support-structured/errors.js";

/** Runs `body` inside a task on a fresh virtual-time loop. */
function inTask<T>(body: () => Promise<T>): Promise<T> {
  return makeVirtualLoop().runUntilComplete(body);
}

/** A task that counts loop iterations (one `sleep(0)` per iteration). */
function iterationCounter(): { count: number; task: Task<void> } {
  const counter = { count: 0, task: null as unknown as Task<void> };
  counter.task = createTask(async () => {
    for (;;) {
      counter.count += 1;
      await sleep(0);
    }
  });
  return counter;
}

describe("timeout", () => {
  // mirrors test_timeouts.py::test_timeout_basic
  it("raises TimeoutError when the block outlives the delay", async () => {
    await inTask(async () => {
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async (entered) => {
          cm = entered;
          await sleep(10);
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cm.expired()).toBe(true);
    });
  });

  // mirrors test_timeouts.py::test_nested_timeouts
  it("raises TimeoutError from the outermost of two timeouts with the same deadline only", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      let cancelled = false;
      let cm1!: Timeout;
      let cm2!: Timeout;
      const deadline = loop.time() + 0.01;
      const error = await catchError(() =>
        asyncWith(timeoutAt(deadline), async (outer) => {
          cm1 = outer;
          try {
            await asyncWith(timeoutAt(deadline), async (inner) => {
              cm2 = inner;
              await sleep(10);
            });
          } catch (caught) {
            if (caught instanceof CancelledError) cancelled = true;
            throw caught;
          }
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cancelled).toBe(true);
      expect(cm1.expired()).toBe(true);
      expect(cm2.expired()).toBe(true);
    });
  });

  // mirrors test_timeouts.py::test_waiter_cancelled
  it("cancels the await inside the block", async () => {
    await inTask(async () => {
      let cancelled = false;
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async () => {
          try {
            await sleep(10);
          } catch (caught) {
            if (caught instanceof CancelledError) cancelled = true;
            throw caught;
          }
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cancelled).toBe(true);
    });
  });

  // mirrors test_timeouts.py::test_timeout_not_called
  it("does not expire when the block finishes in time", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const cm = await asyncWith(timeout(10), async (entered) => {
        await sleep(0.01);
        return entered;
      });
      const t1 = loop.time();
      expect(cm.expired()).toBe(false);
      expect(cm.when()).toBeGreaterThan(t1);
      // The handle is dropped on exit.
      expect(cm._timeoutHandler).toBeNull();
    });
  });

  // mirrors test_timeouts.py::test_timeout_disabled
  it("never expires with a null delay", async () => {
    await inTask(async () => {
      const cm = await asyncWith(timeout(null), async (entered) => {
        await sleep(0.01);
        return entered;
      });
      expect(cm.expired()).toBe(false);
      expect(cm.when()).toBeNull();
    });
  });

  // mirrors test_timeouts.py::test_timeout_zero
  it("expires at once with a zero delay", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const t0 = loop.time();
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(0), async (entered) => {
          cm = entered;
          await sleep(10);
        }),
      );
      const t1 = loop.time();
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cm.expired()).toBe(true);
      expect(t0 <= (cm.when() as number) && (cm.when() as number) <= t1).toBe(true);
    });
  });

  // mirrors test_timeouts.py::test_timeout_zero_sleep_zero
  it("expires at once with a zero delay even around sleep(0), one iteration later", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const counter = iterationCounter();
      await sleep(0);
      const start = counter.count;
      const t0 = loop.time();
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(0), async (entered) => {
          cm = entered;
          await sleep(0);
        }),
      );
      const t1 = loop.time();
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cm.expired()).toBe(true);
      expect(t0 <= (cm.when() as number) && (cm.when() as number) <= t1).toBe(true);
      // CPython: the timeout callback runs in the same iteration as the resume (1 iteration).
      expect(counter.count - start).toBe(1);
      counter.task.cancel();
    });
  });

  // mirrors test_timeouts.py::test_timeout_in_the_past_sleep_zero
  it("fires a deadline in the past in the next iteration", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const t0 = loop.time();
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(-11), async (entered) => {
          cm = entered;
          // The deadline is in the past: a callSoon, not a timer.
          expect(cm._timeoutHandler).not.toBeNull();
          expect((cm._timeoutHandler as { when?: unknown }).when).toBeUndefined();
          await sleep(0);
        }),
      );
      const t1 = loop.time();
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cm.expired()).toBe(true);
      expect(t0 >= (cm.when() as number) && (cm.when() as number) <= t1).toBe(true);
    });
  });

  // mirrors test_timeouts.py::test_timeout_in_the_past_sleep_zero (iteration count)
  it("turns a past deadline into TimeoutError two iterations later, as CPython does", async () => {
    await inTask(async () => {
      const counter = iterationCounter();
      await sleep(0);
      const start = counter.count;
      const error = await catchError(() => asyncWith(timeout(-11), () => sleep(10)));
      expect(error).toBeInstanceOf(TimeoutError);
      // Iteration 1: the callback cancels the task; iteration 2: the task resumes and raises.
      expect(counter.count - start).toBe(2);
      counter.task.cancel();
    });
  });

  // mirrors test_timeouts.py::test_foreign_exception_passed
  it("lets an error of the block through unchanged", async () => {
    await inTask(async () => {
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async (entered) => {
          cm = entered;
          throw new KeyError();
        }),
      );
      expect(error).toBeInstanceOf(KeyError);
      expect(cm.expired()).toBe(false);
    });
  });

  // Differs from CPython: the CancelledError carries no link to the ZeroDivisionError it
  // replaced (Python's implicit __context__), because JavaScript chains errors only explicitly.
  // mirrors test_timeouts.py::test_timeout_exception_context
  it("raises TimeoutError caused by the CancelledError", async () => {
    await inTask(async () => {
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async () => {
          try {
            divideByZero();
          } finally {
            await sleep(1);
          }
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      const cause = (error as Error).cause;
      expect(cause).toBeInstanceOf(CancelledError);
      expect((cause as Error).cause).toBeUndefined();
    });
  });

  // Differs from CPython: Python's `_insert_timeout_error` splices a TimeoutError into the
  // error's __context__ chain; JavaScript errors have no implicit context to walk, so the
  // foreign error comes out as is.
  // mirrors test_timeouts.py::test_foreign_exception_on_timeout
  it("lets an error raised while the block is cancelled by the deadline through", async () => {
    await inTask(async () => {
      const crash = async (): Promise<void> => {
        try {
          await sleep(1);
        } finally {
          divideByZero();
        }
      };
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async (entered) => {
          cm = entered;
          await crash();
        }),
      );
      expect(error).toBeInstanceOf(ZeroDivisionError);
      expect((error as Error).cause).toBeUndefined();
      expect(cm.expired()).toBe(true);
      // The timeout withdrew its cancel even though it did not raise TimeoutError.
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // Differs from CPython: no TimeoutError in the __context__ chain (see above).
  // mirrors test_timeouts.py::test_foreign_exception_on_timeout_2
  it("lets the last error of nested finally blocks through after the deadline", async () => {
    await inTask(async () => {
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async () => {
          try {
            try {
              throw new RangeError();
            } finally {
              await sleep(1);
            }
          } finally {
            try {
              // eslint-disable-next-line no-unsafe-finally -- the ported test raises from finally.
              throw new KeyError();
            } finally {
              divideByZero();
            }
          }
        }),
      );
      expect(error).toBeInstanceOf(ZeroDivisionError);
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // mirrors test_timeouts.py::test_foreign_cancel_doesnt_timeout_if_not_expired
  it("leaves a cancel from elsewhere a CancelledError", async () => {
    await inTask(async () => {
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(10), async (entered) => {
          cm = entered;
          currentTask()?.cancel();
          await sleep(10);
        }),
      );
      expect(error).toBeInstanceOf(CancelledError);
      expect(cm.expired()).toBe(false);
      currentTask()?.uncancel();
    });
  });

  // mirrors test_timeouts.py::test_outer_task_is_not_cancelled
  it("leaves the task it runs in uncancelled", async () => {
    await inTask(async () => {
      const task = createTask(async () => {
        const error = await catchError(() => asyncWith(timeout(0.001), () => sleep(10)));
        expect(error).toBeInstanceOf(TimeoutError);
      });
      await task;
      expect(task.cancelled()).toBe(false);
      expect(task.done()).toBe(true);
      expect(task.cancelling()).toBe(0);
    });
  });

  // mirrors test_timeouts.py::test_nested_timeouts_concurrent
  it("raises TimeoutError from the outer timeout when it expires first while the loop is busy", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      let inner: unknown = null;
      const error = await catchError(() =>
        asyncWith(timeout(0.002), async () => {
          try {
            await asyncWith(timeout(0.1), async () => {
              // CPython: time.sleep(0.01), the loop is busy crunching numbers.
              loop.advance(0.01);
              await sleep(1);
            });
          } catch (caught) {
            inner = caught;
            throw caught;
          }
        }),
      );
      // Checked against CPython 3.13: the inner block sees the outer timeout's CancelledError.
      expect(inner).toBeInstanceOf(CancelledError);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // mirrors test_timeouts.py::test_nested_timeouts_loop_busy
  it("lets the outer timeout win when both expire in the same iteration", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const t0 = loop.time();
      let inner: unknown = null;
      let cm1!: Timeout;
      let cm2!: Timeout;
      let reachedOuterSleep = false;
      const error = await catchError(() =>
        asyncWith(timeout(0.1), async (outer) => {
          cm1 = outer;
          try {
            await asyncWith(timeout(0.01), async (entered) => {
              cm2 = entered;
              // CPython: time.sleep(0.1), the loop is busy.
              loop.advance(0.1);
              await sleep(1);
            });
          } catch (caught) {
            inner = caught;
            throw caught;
          }
          reachedOuterSleep = true;
          await sleep(10);
        }),
      );
      const t1 = loop.time();
      // Checked against CPython 3.13: both expire; the inner one finds two cancel requests and
      // so lets the CancelledError through, and the outer one turns it into TimeoutError.
      expect(inner).toBeInstanceOf(CancelledError);
      expect(cm1.expired()).toBe(true);
      expect(cm2.expired()).toBe(true);
      expect(reachedOuterSleep).toBe(false);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(t0 <= t1 && t1 <= t0 + 1).toBe(true);
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // mirrors test_timeouts.py::test_reschedule
  it("moves its deadline with reschedule()", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const fut = loop.createFuture<Timeout>();
      const deadline1 = loop.time() + 10;
      const deadline2 = deadline1 + 20;
      const task = createTask(async () => {
        await asyncWith(timeoutAt(deadline1), async (cm) => {
          fut.setResult(cm);
          await sleep(50);
        });
      });
      const cm = await fut;
      expect(cm.when()).toBe(deadline1);
      cm.reschedule(deadline2);
      expect(cm.when()).toBe(deadline2);
      expect((cm._timeoutHandler as unknown as { when(): number }).when()).toBe(deadline2);
      cm.reschedule(null);
      expect(cm.when()).toBeNull();
      expect(cm._timeoutHandler).toBeNull();
      task.cancel();
      await expect(task).rejects.toBeInstanceOf(CancelledError);
      expect(cm.expired()).toBe(false);
    });
  });

  // No CPython test: a deadline rescheduled into the past fires like one entered in the past
  // (iteration count checked against CPython 3.13).
  it("expires in the next iteration when rescheduled into the past", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const counter = iterationCounter();
      await sleep(0);
      const start = counter.count;
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(10), async (entered) => {
          cm = entered;
          cm.reschedule(loop.time() - 1);
          await sleep(10);
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cm.expired()).toBe(true);
      expect(counter.count - start).toBe(2);
      counter.task.cancel();
    });
  });

  // mirrors test_timeouts.py::test_repr_active
  it("shows the deadline in its repr while active", async () => {
    await inTask(async () => {
      await asyncWith(timeout(10), async (cm) => {
        expect(String(cm)).toMatch(/^<Timeout \[active\] when=\d+\.\d*>$/);
        expect(String(cm)).toBe("<Timeout [active] when=10.0>");
        cm.reschedule(10.12345);
        expect(String(cm)).toBe("<Timeout [active] when=10.123>");
        // Python 3.13: `when=inf` / `when=-inf` for infinite deadlines.
        cm.reschedule(Infinity);
        expect(String(cm)).toBe("<Timeout [active] when=inf>");
      });
      await asyncWith(timeout(Infinity), async (cm) => {
        expect(String(cm)).toBe("<Timeout [active] when=inf>");
      });
    });
  });

  // mirrors test_timeouts.py::test_repr_expired
  it("shows expired in its repr after expiring", async () => {
    await inTask(async () => {
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeout(0.01), async (entered) => {
          cm = entered;
          await sleep(10);
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(String(cm)).toBe("<Timeout [expired]>");
    });
  });

  // mirrors test_timeouts.py::test_repr_finished
  it("shows finished in its repr after a normal exit", async () => {
    await inTask(async () => {
      const cm = await asyncWith(timeout(10), async (entered) => {
        await sleep(0);
        return entered;
      });
      expect(String(cm)).toBe("<Timeout [finished]>");
    });
  });

  // mirrors test_timeouts.py::test_repr_disabled
  it("shows when=None in its repr without a deadline", async () => {
    await inTask(async () => {
      await asyncWith(timeout(null), async (cm) => {
        expect(String(cm)).toBe("<Timeout [active] when=None>");
      });
    });
  });

  // mirrors test_timeouts.py::test_nested_timeout_in_finally
  it("raises TimeoutError from a timeout nested in the finally block of an expired one", async () => {
    await inTask(async () => {
      let e2: unknown = null;
      const e1 = await catchError(() =>
        asyncWith(timeout(0.01), async () => {
          try {
            await sleep(1);
          } finally {
            e2 = await catchError(() => asyncWith(timeout(0.01), () => sleep(10)));
          }
        }),
      );
      expect(e1).toBeInstanceOf(TimeoutError);
      const e12 = (e1 as Error).cause;
      expect(e12).toBeInstanceOf(CancelledError);
      expect((e12 as Error).cause).toBeUndefined();
      expect(e2).toBeInstanceOf(TimeoutError);
      const e22 = (e2 as Error).cause;
      expect(e22).toBeInstanceOf(CancelledError);
      expect(e22).not.toBe(e12);
      expect((e22 as Error).cause).toBeUndefined();
    });
  });

  // mirrors test_timeouts.py::test_timeout_after_cancellation
  it("works in cleanup code after the task caught a cancel", async () => {
    await inTask(async () => {
      let error: unknown = null;
      try {
        currentTask()?.cancel();
        await sleep(1); // work which will be cancelled
      } catch (caught) {
        if (!(caught instanceof CancelledError)) throw caught;
      } finally {
        error = await catchError(() => asyncWith(timeout(0), () => sleep(1))); // some cleanup
      }
      expect(error).toBeInstanceOf(TimeoutError);
      currentTask()?.uncancel();
    });
  });

  // mirrors test_timeouts.py::test_cancel_in_timeout_after_cancellation
  it("lets a new cancel through in cleanup code after the task caught a cancel", async () => {
    await inTask(async () => {
      let error: unknown = null;
      try {
        currentTask()?.cancel();
        await sleep(1); // work which will be cancelled
      } catch (caught) {
        if (!(caught instanceof CancelledError)) throw caught;
      } finally {
        error = await catchError(() =>
          asyncWith(timeout(1.0), async () => {
            currentTask()?.cancel();
            await sleep(2); // some cleanup
          }),
        );
      }
      expect(error).toBeInstanceOf(CancelledError);
      expect(currentTask()?.cancelling()).toBe(2);
      currentTask()?.uncancel();
      currentTask()?.uncancel();
    });
  });

  // mirrors test_timeouts.py::test_timeout_already_entered
  it("cannot be entered while active", async () => {
    await inTask(async () => {
      await asyncWith(timeout(0.01), async (cm) => {
        const error = await catchError(() => asyncWith(cm, async () => undefined));
        expect(error).toEqual(new RuntimeError("Timeout has already been entered"));
      });
    });
  });

  // mirrors test_timeouts.py::test_timeout_double_enter
  it("cannot be entered twice", async () => {
    await inTask(async () => {
      const cm = await asyncWith(timeout(0.01), async (entered) => entered);
      const error = await catchError(() => asyncWith(cm, async () => undefined));
      expect(error).toEqual(new RuntimeError("Timeout has already been entered"));
    });
  });

  // mirrors test_timeouts.py::test_timeout_finished
  it("cannot be rescheduled once finished", async () => {
    await inTask(async () => {
      const cm = await asyncWith(timeout(0.01), async (entered) => entered);
      expect(() => cm.reschedule(0.02)).toThrow(new RuntimeError("Cannot change state of finished Timeout"));
    });
  });

  // mirrors test_timeouts.py::test_timeout_expired
  it("cannot be rescheduled once expired", async () => {
    await inTask(async () => {
      let cm!: Timeout;
      await catchError(() =>
        asyncWith(timeout(0.01), async (entered) => {
          cm = entered;
          await sleep(1);
        }),
      );
      expect(() => cm.reschedule(0.02)).toThrow(new RuntimeError("Cannot change state of expired Timeout"));
    });
  });

  // mirrors test_timeouts.py::test_timeout_expiring
  it("cannot be rescheduled while expiring", async () => {
    await inTask(async () => {
      await asyncWith(timeout(0.01), async (cm) => {
        const error = await catchError(() => sleep(1));
        expect(error).toBeInstanceOf(CancelledError);
        expect(() => cm.reschedule(0.02)).toThrow(new RuntimeError("Cannot change state of expiring Timeout"));
      });
      // The block swallowed the CancelledError: no TimeoutError, and the cancel is withdrawn.
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // mirrors test_timeouts.py::test_timeout_not_entered
  it("cannot be rescheduled before it is entered", async () => {
    await inTask(async () => {
      const cm = timeout(0.01);
      expect(() => cm.reschedule(0.02)).toThrow(new RuntimeError("Timeout has not been entered"));
    });
  });

  // mirrors test_timeouts.py::test_timeout_without_task
  it("cannot be entered outside a task", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const cm = timeout(0.01);
      // utils.await_without_task: call aenter from a plain loop callback.
      let entering: Promise<Timeout> | null = null;
      loop.callSoon(() => {
        entering = cm.aenter();
        entering.catch(() => undefined);
      });
      await sleep(0);
      const error = await catchError(() => entering as unknown as Promise<Timeout>);
      expect(error).toEqual(new RuntimeError("Timeout should be used inside a task"));
      expect(() => cm.reschedule(0.02)).toThrow(new RuntimeError("Timeout has not been entered"));
    });
  });

  // Differs from CPython: neither the ExceptionGroup nor the ZeroDivisionError in it gets the
  // TimeoutError spliced into its __context__ chain (no implicit chaining in JavaScript).
  // mirrors test_timeouts.py::test_timeout_taskgroup
  it("lets a TaskGroup's ExceptionGroup through when the deadline cancelled the group", async () => {
    await inTask(async () => {
      const task = async (): Promise<void> => {
        try {
          await sleep(2); // interrupted after 0.01 seconds
        } finally {
          divideByZero(); // crash in cleanup
        }
      };
      let cm!: Timeout;
      const eg = await catchError(() =>
        asyncWith(timeout(0.01), async (entered) => {
          cm = entered;
          await asyncWith(new TaskGroup(), async (tg) => {
            tg.createTask(task);
            try {
              throw new RangeError();
            } finally {
              await sleep(1);
            }
          });
        }),
      );
      expect(eg).toBeInstanceOf(ExceptionGroup);
      expect((eg as ExceptionGroup).exceptions).toHaveLength(1);
      expect((eg as ExceptionGroup).exceptions[0]).toBeInstanceOf(ZeroDivisionError);
      expect(cm.expired()).toBe(true);
      expect(currentTask()?.cancelling()).toBe(0);
    });
  });

  // No CPython test: timeout() reads the running loop's clock.
  it("needs a running loop", () => {
    expect(() => timeout(1)).toThrow(new RuntimeError("no running event loop"));
  });
});

describe("timeoutAt", () => {
  // mirrors test_timeouts.py::test_timeout_at_basic
  it("raises TimeoutError at an absolute deadline", async () => {
    const loop = makeVirtualLoop();
    await loop.runUntilComplete(async () => {
      const deadline = loop.time() + 0.01;
      let cm!: Timeout;
      const error = await catchError(() =>
        asyncWith(timeoutAt(deadline), async (entered) => {
          cm = entered;
          await sleep(10);
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(cm.expired()).toBe(true);
      expect(cm.when()).toBe(deadline);
      // The deadline is exact: the task resumed in the iteration at `deadline`.
      expect(loop.time()).toBe(deadline);
    });
  });

  // mirrors test_timeouts.py::test_timeout_at_disabled
  it("never expires with a null deadline", async () => {
    await inTask(async () => {
      const cm = await asyncWith(timeoutAt(null), async (entered) => {
        await sleep(0.01);
        return entered;
      });
      expect(cm.expired()).toBe(false);
      expect(cm.when()).toBeNull();
    });
  });

  // No CPython test: a Timeout can be made before the loop runs and entered later.
  it("can be created without a running loop", async () => {
    const cm = timeoutAt(5);
    expect(cm).toBeInstanceOf(Timeout);
    expect(cm.when()).toBe(5);
    expect(String(cm)).toBe("<Timeout [created]>");
    const loop = makeLoop();
    const error = await loop.runUntilComplete(() => catchError(() => asyncWith(new Timeout(loop.time()), () => sleep(1))));
    expect(error).toBeInstanceOf(TimeoutError);
  });
});
