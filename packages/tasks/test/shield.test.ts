/** Tests of shield. Ported from CPython 3.13 test_asyncio/test_tasks.py (test_shield_*, test_gather_shield). */
import { describe, expect, it } from "vitest";
import { CancelledError, RuntimeError } from "@aio/core";
import type { Future } from "@aio/futures";
import { ensureFuture, gather, shield } from "../src/index.js";
import { makeLoop, runBriefly } from "./support/loop.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("shield", () => {
  // mirrors test_tasks.py::test_shield_result
  it("passes the inner result through", async () => {
    const loop = makeLoop();
    const inner = loop.createFuture<number>();
    const outer = shield(inner);
    inner.setResult(42);
    expect(await loop.runUntilComplete(outer)).toBe(42);
  });

  // mirrors test_tasks.py::test_shield_exception
  it("passes the inner exception through", async () => {
    const loop = makeLoop();
    const inner = loop.createFuture();
    const outer = shield(inner);
    await runBriefly(loop);
    const exc = new RuntimeError("expected");
    inner.setException(exc);
    await runBriefly(loop);
    expect(outer.exception()).toBe(exc);
  });

  // mirrors test_tasks.py::test_shield_cancel_inner
  it("is cancelled when the inner future is", async () => {
    const loop = makeLoop();
    const inner = loop.createFuture();
    const outer = shield(inner);
    await runBriefly(loop);
    inner.cancel();
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
  });

  // mirrors test_tasks.py::test_shield_cancel_outer
  it("can be cancelled without cancelling the inner future, leaving no callbacks", async () => {
    const loop = makeLoop();
    const inner = loop.createFuture();
    const outer = shield(inner) as Future<unknown>;
    await runBriefly(loop);
    outer.cancel();
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
    expect(inner.cancelled()).toBe(false);
    expect(outer._callbackEntries()).toEqual([]);
    expect(inner._callbackEntries()).toEqual([]);
    inner.cancel();
  });

  // mirrors test_tasks.py::test_shield_shortcut
  it("returns a done future as is", async () => {
    const loop = makeLoop();
    const fut = loop.createFuture<number>();
    fut.setResult(42);
    expect(shield(fut)).toBe(fut);
    expect(await loop.runUntilComplete(shield(fut))).toBe(42);
  });

  // mirrors test_tasks.py::test_shield_effect
  it("lets the inner coroutine finish when the awaiting task is cancelled", async () => {
    const loop = makeLoop();
    let proof = 0;
    const waiter = loop.createFuture();
    const inner = async (): Promise<void> => {
      await waiter;
      proof += 1;
    };
    const f = ensureFuture(async () => {
      await shield(inner);
      proof += 100;
    }, { loop });
    await runBriefly(loop);
    f.cancel();
    expect(await rejection(loop.runUntilComplete(f))).toBeInstanceOf(CancelledError);
    waiter.setResult(null);
    await runBriefly(loop);
    expect(proof).toBe(1);
  });

  // mirrors test_tasks.py::test_shield_gather
  it("keeps a gather running when the shield is cancelled", async () => {
    const loop = makeLoop();
    const child1 = loop.createFuture<number>();
    const child2 = loop.createFuture<number>();
    const parent = gather(child1, child2);
    const outer = shield(parent);
    await runBriefly(loop);
    outer.cancel();
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
    child1.setResult(1);
    child2.setResult(2);
    await runBriefly(loop);
    expect(parent.result()).toEqual([1, 2]);
  });

  // mirrors test_tasks.py::test_gather_shield
  it("is cancelled by a gather's cancel while the shielded futures go on", async () => {
    const loop = makeLoop();
    const child1 = loop.createFuture<number>();
    const child2 = loop.createFuture<number>();
    const inner1 = shield(child1);
    const inner2 = shield(child2);
    const parent = gather(inner1, inner2);
    await runBriefly(loop);
    parent.cancel();
    await runBriefly(loop);
    expect(parent.exception()).toBeInstanceOf(CancelledError);
    expect(inner1.cancelled()).toBe(true);
    expect(inner2.cancelled()).toBe(true);
    expect(child1.cancelled()).toBe(false);
    child1.setResult(1);
    child2.setResult(2);
    await runBriefly(loop);
  });

  // mirrors test_tasks.py::test_shield_coroutine_without_loop
  // mirrors test_tasks.py::test_shield_coroutine_use_running_loop
  it("wraps a coroutine in a task of the running loop", async () => {
    expect(() => shield(async () => 42)).toThrow(RuntimeError);
    const loop = makeLoop();
    const [outer] = await loop.runUntilComplete(async () => [shield(async () => 42) as Future<number>]);
    expect(outer._loop).toBe(loop);
    expect(await loop.runUntilComplete(outer)).toBe(42);
  });

  it("marks the inner exception retrieved once the shield was cancelled", async () => {
    const loop = makeLoop();
    const { captureExceptions, collectGarbage } = await import("./support/loop.js");
    const calls = captureExceptions(loop);
    let inner: Future<unknown> | null = loop.createFuture();
    const outer = shield(inner);
    outer.cancel();
    inner.setException(new RangeError("late"));
    await runBriefly(loop);
    inner = null;
    await collectGarbage();
    expect(calls).toEqual([]);
  });
});
