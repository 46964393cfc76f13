/**
 * ThreadPoolExecutor: runs functions on a pool of Node worker threads for `runInExecutor` and `toThread`.
 * Mirrors CPython 3.13 concurrent/futures/thread.py (ThreadPoolExecutor, _WorkItem).
 *
 * JavaScript closures cannot cross threads, so a job travels as data: a plain function as its
 * source text (rebuilt in the worker by thread-pool-worker.ts), or a module export made with
 * `exportedFunction`, which the worker imports. Arguments and results go through structured clone.
 *
 * Worker threads come from piscina (worker lifecycle, abort, idle reaping, unref of idle
 * workers), loaded with a dynamic import on the first submit, so that importing @aio/loop stays
 * cheap and no thread starts before one is needed. The FIFO work queue is ours, not piscina's
 * (Python's `_work_queue`): a job is handed to piscina only when fewer than `maxWorkers` jobs run,
 * so a handed-over job is running and a job still in our queue is pending. That is the
 * distinction `cancel()` and `shutdown({ cancelFutures })` need, and piscina does not expose it.
 *
 * Workers run with `atomics: "disabled"`: piscina's default blocks an idle worker in
 * `Atomics.wait`, which would freeze timers and promises a finished job left behind. Idle workers
 * are unref'd by piscina and reaped after IDLE_TIMEOUT_MS, so an idle pool never keeps the process
 * alive; a running job does, as a running thread keeps a Python interpreter alive.
 */
import { availableParallelism } from "node:os";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import {
  BrokenBarrierError,
  CancelledError,
  EOFError,
  InvalidStateError,
  NotImplementedError,
  OSError,
  RuntimeError,
  TimeoutError,
  logger,
} from "@aio/core";
import type { Executor } from "@aio/core";
import type { Piscina } from "piscina";
import type { JobPayload, JobResult, SerializedError } from "./thread-pool-worker.js";

/** How long an idle worker thread lives before piscina ends it (it never keeps the process alive meanwhile). */
const IDLE_TIMEOUT_MS = 60_000;

// Running from source (vitest transpiles src/*.ts), the worker is the .ts file, which Node loads
// with its types stripped; from dist it is the compiled .js beside this file.
const WORKER_URL = new URL(
  import.meta.url.endsWith(".ts") ? "./thread-pool-worker.ts" : "./thread-pool-worker.js",
  import.meta.url,
);

/** Options for {@link ThreadPoolExecutor}; each may instead be given positionally. */
export interface ThreadPoolExecutorOptions {
  /** Most jobs running at once; null or omitted: `min(32, availableParallelism() + 4)`, as Python. */
  maxWorkers?: number | null | undefined;
  /** Python's `thread_name_prefix`; informational, since piscina does not name its threads. */
  threadNamePrefix?: string | undefined;
}

/** Options for {@link ThreadPoolExecutor.shutdown}. */
export interface ExecutorShutdownOptions {
  /** Wait for running and queued jobs and for the threads to end (default true). */
  wait?: boolean | undefined;
  /** Cancel the jobs that have not started (default false). */
  cancelFutures?: boolean | undefined;
}

/**
 * The promise `submit` returns, with the state methods of Python's `concurrent.futures.Future`.
 * @see https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future
 */
export interface ConcurrentFuture<T> extends Promise<T> {
  /**
   * Cancels the job: a queued job leaves the queue; a running job's worker thread is terminated
   * (Python cannot do that and returns false). The promise rejects with `CancelledError`.
   * Returns false once the job has finished, true if it is (now) cancelled.
   */
  cancel(): boolean;
  /** True if the job was cancelled. */
  cancelled(): boolean;
  /** True while the job runs in a worker thread. */
  running(): boolean;
  /** True once the job finished or was cancelled. */
  done(): boolean;
}

const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 2;
const FINISHED = 3;
type WorkState = typeof PENDING | typeof RUNNING | typeof CANCELLED | typeof FINISHED;

/** One submitted job (Python's `_WorkItem` with its future's state). @internal */
class WorkItem {
  _state: WorkState = PENDING;
  /** Set while RUNNING: aborting it makes piscina terminate the job's worker thread. */
  _controller: AbortController | null = null;
  readonly _payload: JobPayload;
  readonly _promise: Promise<unknown>;
  readonly _resolve: (value: unknown) => void;
  readonly _reject: (error: unknown) => void;
  constructor(payload: JobPayload) {
    this._payload = payload;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    this._promise = promise;
    this._resolve = resolve;
    this._reject = reject;
  }
}

/** Where `exportedFunction` functions point; the worker imports `moduleUrl` instead of parsing source. */
const exportTargets = new WeakMap<object, { moduleUrl: string; exportName: string }>();

/**
 * A function that calls export `exportName` of module `moduleUrl`. Submitted to a
 * {@link ThreadPoolExecutor}, the worker imports the module itself, so the function may use
 * imports and module state, which a function sent as source text cannot. Called directly, it
 * imports the module in the calling thread.
 * @param moduleUrl a URL or absolute path, e.g. `new URL("./work.js", import.meta.url)`; a bare
 *   specifier resolves from @aio/loop's own location, so pass `import.meta.resolve("pkg")` instead.
 * @throws TypeError if `moduleUrl` is relative or `exportName` is not a non-empty string.
 * @example
 * const mul = exportedFunction<typeof fixture.mul>(new URL("./support/thread-pool-fixture.ts", import.meta.url), "mul");
 * expect(await executor.submit(mul, 6, 7)).toBe(42);
 */
export function exportedFunction<F extends (...args: never[]) => unknown = (...args: unknown[]) => unknown>(
  moduleUrl: string | URL,
  exportName: string,
): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  let href: string;
  if (moduleUrl instanceof URL) {
    href = moduleUrl.href;
  } else if (typeof moduleUrl === "string" && moduleUrl !== "") {
    if (moduleUrl.startsWith("./") || moduleUrl.startsWith("../")) {
      throw new TypeError(`\`moduleUrl\` must be absolute, got '${moduleUrl}'; use new URL('${moduleUrl}', import.meta.url)`);
    }
    href = isAbsolute(moduleUrl) ? pathToFileURL(moduleUrl).href : moduleUrl;
  } else {
    throw new TypeError(`\`moduleUrl\` must be a URL or a non-empty string, got ${inspect(moduleUrl)}`);
  }
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(`\`exportName\` must be a non-empty string, got ${inspect(exportName)}`);
  }
  const call = async (...args: Parameters<F>): Promise<Awaited<ReturnType<F>>> => {
    const namespace = (await import(href)) as Record<string, unknown>;
    const target = namespace[exportName];
    if (typeof target !== "function") throw new TypeError(`module '${href}' has no function export '${exportName}'`);
    return (await (target as (...a: unknown[]) => unknown)(...args)) as Awaited<ReturnType<F>>;
  };
  Object.defineProperty(call, "name", { value: exportName, configurable: true });
  exportTargets.set(call, { moduleUrl: href, exportName });
  return call;
}

function toPayload(fn: (...args: never[]) => unknown, args: unknown[]): JobPayload {
  const target = exportTargets.get(fn);
  if (target !== undefined) return { kind: "export", moduleUrl: target.moduleUrl, exportName: target.exportName, args };
  const source = Function.prototype.toString.call(fn);
  // Differs from CPython: the function runs in another JS realm, so it travels as source text and
  // must be self-contained, because JavaScript cannot share a closure between threads.
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `cannot send ${fn.name === "" ? "a native or bound function" : `'${fn.name}'`} to a worker thread (it has no source); use exportedFunction()`,
    );
  }
  if (source.startsWith("class")) throw new TypeError(`cannot submit class '${fn.name}'; submit a function`);
  return { kind: "source", source, args };
}

// Errors that cross back keep their class when it is a built-in one or an asyncio one taking just
// a message; any other comes back as an Error with the original `name` and own properties.
const ERROR_CLASSES = new Map<string, new (message?: string) => Error>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
  ["RuntimeError", RuntimeError],
  ["CancelledError", CancelledError],
  ["InvalidStateError", InvalidStateError],
  ["TimeoutError", TimeoutError],
  ["OSError", OSError],
  ["EOFError", EOFError],
  ["NotImplementedError", NotImplementedError],
  ["BrokenBarrierError", BrokenBarrierError],
]);

function reviveError(serialized: SerializedError): unknown {
  if (!serialized.isError) return serialized.value;
  const ErrorClass = ERROR_CLASSES.get(serialized.name) ?? Error;
  const error = new ErrorClass(serialized.message);
  if (error.name !== serialized.name) {
    Object.defineProperty(error, "name", { value: serialized.name, writable: true, configurable: true });
  }
  Object.assign(error, serialized.properties);
  // The worker's stack, as Python's future.result() re-raises with the worker thread's traceback.
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.cause !== undefined) {
    Object.defineProperty(error, "cause", {
      value: reviveError(serialized.cause),
      writable: true,
      configurable: true,
    });
  }
  return error;
}

/** The TypeError for a piscina rejection caused by structured clone, or null for any other cause. */
function cloneFailure(error: unknown): TypeError | null {
  if (!(error instanceof Error)) return null;
  if (error.name === "DataCloneError") {
    return new TypeError(`cannot send an argument to a worker thread: ${error.message}`, { cause: error });
  }
  // The worker could not post the result back: piscina reports the worker's crash, and that
  // error's clone lost DOMException's name and message but kept its stack.
  const match = /^DataCloneError: (.*)/.exec(error.stack ?? "");
  if (match === null) return null;
  return new TypeError(`cannot send the result back from a worker thread: ${match[1]}`, { cause: error });
}

function parseMaxWorkers(value: unknown): number {
  if (value === undefined || value === null) return Math.min(32, availableParallelism() + 4);
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`\`maxWorkers\` must be an integer, got ${inspect(value)}`);
  }
  // CPython thread.py ThreadPoolExecutor.__init__.
  if (value <= 0) throw new RangeError("max_workers must be greater than 0");
  return value;
}

let executorCounter = 0;

/**
 * An executor running functions on up to `maxWorkers` Node worker threads (piscina).
 * A submitted function is sent as source text, so it must be self-contained: no variables from
 * its scope, no transpiler helpers (`__awaiter`); it may `await import("node:…")` or an absolute
 * URL. Otherwise make it with {@link exportedFunction}. Arguments and results are copied with
 * structured clone; a SharedArrayBuffer argument is shared, not copied.
 * @example
 * const executor = new ThreadPoolExecutor(2);
 * expect(await executor.submit((base: number, exponent: number) => base ** exponent, 2, 8)).toBe(256);
 * @see https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor
 */
export class ThreadPoolExecutor implements Executor {
  /** @internal */
  readonly _maxWorkers: number;
  /** @internal */
  readonly _threadNamePrefix: string;
  /** Jobs not handed to piscina yet, in submit order. @internal */
  _workQueue: WorkItem[] = [];
  /** Jobs handed to piscina; never more than `_maxWorkers`. @internal */
  _running = new Set<WorkItem>();
  /** @internal */
  _shutdown = false;
  /** @internal */
  _pool: Piscina | null = null;
  /** @internal */
  _poolLoading: Promise<void> | null = null;
  /** Settles when shutdown has drained the jobs and destroyed the pool. @internal */
  _shutdownDone: Promise<void> | null = null;
  /** @internal */
  _onIdle: (() => void) | null = null;

  /**
   * Makes an executor; nothing starts until the first submit.
   * @param options `maxWorkers` and `threadNamePrefix` by name.
   * @throws RangeError "max_workers must be greater than 0"; TypeError for a non-integer.
   */
  constructor(options?: ThreadPoolExecutorOptions);
  /**
   * Makes an executor with Python's positional arguments; nothing starts until the first submit.
   * @param maxWorkers most jobs running at once (default `min(32, availableParallelism() + 4)`).
   * @param threadNamePrefix Python's `thread_name_prefix` (kept for repr; Node threads are unnamed).
   * @throws RangeError "max_workers must be greater than 0"; TypeError for a non-integer.
   */
  constructor(maxWorkers?: number | null, threadNamePrefix?: string | ThreadPoolExecutorOptions);
  constructor(
    maxWorkersOrOptions?: number | null | ThreadPoolExecutorOptions,
    threadNamePrefix?: string | ThreadPoolExecutorOptions,
  ) {
    let options: ThreadPoolExecutorOptions;
    if (maxWorkersOrOptions !== null && typeof maxWorkersOrOptions === "object") {
      options = maxWorkersOrOptions;
    } else if (threadNamePrefix !== null && typeof threadNamePrefix === "object") {
      options = { ...threadNamePrefix, maxWorkers: maxWorkersOrOptions ?? threadNamePrefix.maxWorkers };
    } else {
      options = { maxWorkers: maxWorkersOrOptions, threadNamePrefix };
    }
    this._maxWorkers = parseMaxWorkers(options.maxWorkers);
    const prefix = options.threadNamePrefix;
    if (prefix !== undefined && typeof prefix !== "string") {
      throw new TypeError(`\`threadNamePrefix\` must be a string, got ${inspect(prefix)}`);
    }
    executorCounter += 1;
    // CPython thread.py: `thread_name_prefix or ("ThreadPoolExecutor-%d" % self._counter())`.
    this._threadNamePrefix = prefix === undefined || prefix === "" ? `ThreadPoolExecutor-${executorCounter}` : prefix;
  }

  /**
   * Schedules `fn(...args)` on a worker thread; the result promise can be cancelled.
   * `fn` is sent as source text unless it came from {@link exportedFunction}.
   * @throws RuntimeError "cannot schedule new futures after shutdown".
   * @throws TypeError if `fn` is not a function or has no source (native or bound).
   * @see https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.submit
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): ConcurrentFuture<Awaited<R>> {
    // CPython thread.py ThreadPoolExecutor.submit.
    if (this._shutdown) throw new RuntimeError("cannot schedule new futures after shutdown");
    if (typeof fn !== "function") throw new TypeError(`\`fn\` must be a function, got ${inspect(fn)}`);
    const payload = toPayload(fn, args);
    const item = new WorkItem(payload);
    const future = Object.assign(item._promise as Promise<Awaited<R>>, {
      cancel: (): boolean => this._cancel(item),
      cancelled: (): boolean => item._state === CANCELLED,
      running: (): boolean => item._state === RUNNING,
      done: (): boolean => item._state === CANCELLED || item._state === FINISHED,
    });
    this._workQueue.push(item);
    this._adjust();
    return future;
  }

  /**
   * Stops accepting jobs; with `wait`, resolves once every accepted job has finished and the worker
   * threads have ended. `cancelFutures` cancels the jobs that have not started. Idempotent.
   * Also accepts `shutdown({ wait, cancelFutures })`.
   * @see https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.shutdown
   */
  shutdown(wait?: boolean | ExecutorShutdownOptions, options: ExecutorShutdownOptions = {}): Promise<void> {
    const merged = typeof wait === "object" && wait !== null ? wait : { ...options, wait };
    const shouldWait = merged.wait ?? true;
    this._shutdown = true;
    if (merged.cancelFutures === true) {
      // CPython thread.py shutdown(cancel_futures=True): drain the queue, cancel each item.
      for (const item of this._workQueue.splice(0)) this._cancelPending(item);
      this._adjust();
    }
    this._shutdownDone ??= this._drainAndDestroy();
    if (!shouldWait) {
      // The pool is destroyed in the background once the accepted jobs finish; its errors have
      // nobody to go to, so they are logged.
      this._shutdownDone.catch((error: unknown) => {
        logger.error(`Error while shutting down ${this.toString()}`, error);
      });
      return Promise.resolve();
    }
    return this._shutdownDone;
  }

  /** @internal */
  async _drainAndDestroy(): Promise<void> {
    if (this._workQueue.length > 0 || this._running.size > 0) {
      await new Promise<void>((resolve) => {
        this._onIdle = resolve;
      });
    }
    if (this._poolLoading !== null) await this._poolLoading;
    const pool = this._pool;
    this._pool = null;
    if (pool !== null) await pool.destroy();
  }

  /** Hands queued jobs to piscina while fewer than `_maxWorkers` run. @internal */
  _adjust(): void {
    const pool = this._pool;
    if (pool !== null) {
      while (this._running.size < this._maxWorkers) {
        const item = this._workQueue.shift();
        if (item === undefined) break;
        this._start(pool, item);
      }
    } else if (this._workQueue.length > 0) {
      this._loadPool();
    }
    if (this._workQueue.length === 0 && this._running.size === 0 && this._onIdle !== null) {
      const onIdle = this._onIdle;
      this._onIdle = null;
      onIdle();
    }
  }

  /** Imports piscina and creates the pool, once; then hands it the queued jobs. @internal */
  _loadPool(): void {
    if (this._poolLoading !== null) return;
    this._poolLoading = import("piscina")
      .then(({ Piscina }) => {
        const pool = new Piscina({
          filename: WORKER_URL.href,
          name: "runJob",
          // Threads start on demand, as CPython's _adjust_thread_count does.
          minThreads: 0,
          maxThreads: this._maxWorkers,
          idleTimeout: IDLE_TIMEOUT_MS,
          concurrentTasksPerWorker: 1,
          atomics: "disabled",
          workerData: { threadNamePrefix: this._threadNamePrefix },
        });
        // A worker error outside any job (say, a timer a finished job left behind threw) would be
        // an unhandled 'error' event and crash the process; Python prints it via threading.excepthook.
        pool.on("error", (error: unknown) => {
          logger.error(`Exception in worker thread of ${this.toString()}`, error);
        });
        this._pool = pool;
      })
      .catch((error: unknown) => {
        // No pool (piscina missing or refusing its options): fail what is queued; a later submit
        // tries again. Emptying the queue first keeps the _adjust below from retrying in a loop.
        for (const item of this._workQueue.splice(0)) {
          item._state = FINISHED;
          item._reject(error);
        }
      })
      .finally(() => {
        this._poolLoading = null;
        this._adjust();
      });
  }

  /** @internal */
  _start(pool: Piscina, item: WorkItem): void {
    item._state = RUNNING;
    const controller = new AbortController();
    item._controller = controller;
    this._running.add(item);
    pool.run(item._payload, { signal: controller.signal }).then(
      (result: JobResult) => {
        this._finish(item, result.ok, result.ok ? result.value : reviveError(result.error));
      },
      (error: unknown) => {
        // A cancel() already settled the item; piscina's AbortError is only its echo.
        if (item._state === CANCELLED) return;
        // Like pickling in CPython's ProcessPoolExecutor, a value that cannot be copied is a TypeError.
        this._finish(item, false, cloneFailure(error) ?? error);
      },
    );
  }

  /** @internal */
  _finish(item: WorkItem, ok: boolean, value: unknown): void {
    if (item._state !== RUNNING) return;
    item._state = FINISHED;
    item._controller = null;
    this._running.delete(item);
    if (ok) item._resolve(value);
    else item._reject(value);
    this._adjust();
  }

  /** @internal */
  _cancelPending(item: WorkItem): void {
    item._state = CANCELLED;
    // Whoever cancels knows the outcome, and shutdown({ cancelFutures }) cancels jobs nobody may
    // be awaiting any more: neither should end the process as an unhandled rejection. Handlers
    // attached to the future still see the CancelledError.
    item._promise.catch(() => undefined);
    item._reject(new CancelledError());
  }

  /** Python's `Future.cancel` for the job `item`. @internal */
  _cancel(item: WorkItem): boolean {
    switch (item._state) {
      case CANCELLED:
        return true;
      case FINISHED:
        return false;
      case PENDING: {
        const index = this._workQueue.indexOf(item);
        if (index !== -1) this._workQueue.splice(index, 1);
        this._cancelPending(item);
        this._adjust();
        return true;
      }
      case RUNNING: {
        // Differs from CPython: Python cannot stop a running thread, so its cancel() returns False
        // for a running job; a worker thread can be terminated, so the job really stops here.
        // piscina terminates that worker and starts a fresh one for the next job.
        const controller = item._controller;
        item._controller = null;
        this._running.delete(item);
        this._cancelPending(item);
        controller?.abort();
        this._adjust();
        return true;
      }
    }
  }

  /**
   * Shuts down and waits, for `await using executor = new ThreadPoolExecutor()`; Python's `with`
   * block calls `shutdown(wait=True)` the same way.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown(true);
  }

  /** Python-like repr: `<ThreadPoolExecutor maxWorkers=4 running=1 queued=0>`. */
  toString(): string {
    const state = this._shutdown ? " shutdown" : "";
    return `<ThreadPoolExecutor ${this._threadNamePrefix} maxWorkers=${this._maxWorkers} running=${this._running.size} queued=${this._workQueue.length}${state}>`;
  }

  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
}
