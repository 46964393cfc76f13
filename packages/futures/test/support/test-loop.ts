/**
 * TestLoop: a minimal event loop for the futures tests, with Python's one-iteration semantics.
 * Mirrors CPython 3.13 test_asyncio/utils.py (TestLoop, run_briefly, run_until).
 *
 * @aio/loop depends on @aio/futures, so @aio/futures cannot use it even as a devDependency:
 * turbo rejects the cycle ("Cyclic dependency detected: futures#build, loop#build"). This loop
 * implements the part of AbstractEventLoop & LoopInternals that a Future touches: `_callSoon`
 * (ready queue, FIFO, run in the handle's context), `callSoonThreadsafe`, `createFuture`, the
 * exception handler, debug mode and closing.
 */
import { RuntimeError, _setRunningLoop } from "@aio/core";
import type { AbstractEventLoop, Context, ExceptionContext, ExceptionHandler } from "@aio/core";
import { Future } from "../../src/index.js";

/** A callback scheduled on the TestLoop (Python's Handle, reduced). */
export class TestHandle {
  _cancelled = false;
  readonly _callback: (...args: never[]) => unknown;
  readonly _args: unknown[];
  readonly _context: Context | null;
  constructor(callback: (...args: never[]) => unknown, args: unknown[], context: Context | null) {
    this._callback = callback;
    this._args = args;
    this._context = context;
  }
  cancel(): void {
    this._cancelled = true;
  }
  cancelled(): boolean {
    return this._cancelled;
  }
  getContext(): Context | null {
    return this._context;
  }
  _run(): void {
    const call = (): unknown => (this._callback as (...args: unknown[]) => unknown)(...this._args);
    try {
      if (this._context === null) call();
      else this._context.run(call);
    } catch (error) {
      loopOf.get(this)?.callExceptionHandler({ message: "Exception in callback", exception: error, handle: this });
    }
  }
}

const loopOf = new WeakMap<TestHandle, TestLoop>();

/** The loop; cast to AbstractEventLoop with {@link asLoop} when handing it to a Future. */
export class TestLoop {
  _ready: { _cancelled: boolean; _run(): void }[] = [];
  _debug = false;
  _closed = false;
  /** Every context passed to callExceptionHandler, in order. */
  readonly exceptions: ExceptionContext[] = [];
  _handler: ExceptionHandler | null = null;
  /** How many iterations ran (runOnce calls). */
  iterations = 0;

  _callSoon(callback: (...args: never[]) => unknown, args: unknown[], context: Context | null): TestHandle {
    if (this._closed) throw new RuntimeError("Event loop is closed");
    const handle = new TestHandle(callback, args, context);
    loopOf.set(handle, this);
    this._ready.push(handle);
    return handle;
  }
  _callSoon1(callback: (...args: never[]) => unknown, arg: unknown, context: Context | null): TestHandle {
    return this._callSoon(callback, [arg], context);
  }
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): TestHandle {
    return this._callSoon(callback, args, null);
  }
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): TestHandle {
    return this.callSoon(callback, ...args);
  }
  _pushReady(handle: { _cancelled: boolean; _run(): void }): void {
    this._ready.push(handle);
  }
  _beginStep(): void {}
  _stepSuspended(): void {}
  createFuture<T>(): Future<T> {
    return new Future<T>({ loop: asLoop(this) });
  }
  callExceptionHandler(context: ExceptionContext): void {
    this.exceptions.push(context);
    this._handler?.(asLoop(this), context);
  }
  setExceptionHandler(handler: ExceptionHandler | null): void {
    this._handler = handler;
  }
  getDebug(): boolean {
    return this._debug;
  }
  setDebug(enabled: boolean): void {
    this._debug = enabled;
  }
  isClosed(): boolean {
    return this._closed;
  }
  close(): void {
    this._closed = true;
    this._ready = [];
  }
  /** One iteration: exactly the handles ready now, in FIFO order (Python's `_run_once`). */
  runOnce(): void {
    this.iterations += 1;
    const ready = this._ready;
    this._ready = [];
    for (const handle of ready) if (!handle._cancelled) handle._run();
  }
  /** Runs `fn` with this loop as the running loop (Python: inside `run_until_complete`). */
  asRunning<R>(fn: () => R): R {
    _setRunningLoop(asLoop(this));
    try {
      return fn();
    } finally {
      _setRunningLoop(null);
    }
  }
}

/** The TestLoop seen through the interface a Future expects. */
export function asLoop(loop: TestLoop): AbstractEventLoop {
  return loop as unknown as AbstractEventLoop;
}

/** A fresh TestLoop; close it in afterEach. */
export function newTestLoop(): TestLoop {
  return new TestLoop();
}

/** Lets pending promise jobs run (a macrotask turn), so `then` handlers and wrapped sources settle. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Python's test_utils.run_briefly: a few iterations, letting promise jobs run between them. */
export async function runBriefly(loop: TestLoop, iterations = 3): Promise<void> {
  for (let i = 0; i < iterations; i++) {
    loop.runOnce();
    await flushPromises();
  }
}

/** Python's test_utils.run_until: iterate until `predicate()` holds (bounded by vitest's timeout). */
export async function runUntil(loop: TestLoop, predicate: () => boolean): Promise<void> {
  while (!predicate()) {
    loop.runOnce();
    await flushPromises();
  }
}

/** Python's `loop.run_until_complete(fut)` for a plain future: iterate until done, then await it. */
export async function runUntilComplete<T>(loop: TestLoop, future: Future<T>): Promise<T> {
  const outcome = future.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let settled: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  void outcome.then((result) => {
    settled = result;
  });
  await runUntil(loop, () => settled !== undefined);
  if (settled!.ok) return settled!.value;
  throw settled!.error;
}
