/**
 * Bad input: public functions and constructors called with wrong types, bad sizes and delays,
 * closed loops, used futures and foreign loops raise the documented error class at once.
 * Each row's class (and message, where CPython has a fixed one) is what CPython 3.13 raises for
 * the same mistake, mapped per API.md (ValueError -> RangeError, TypeError -> TypeError,
 * RuntimeError -> RuntimeError); where Python accepts what JavaScript cannot (NaN), the row
 * follows the package's documented @throws.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  BrokenBarrierError,
  CancelledError,
  ConnectionRefusedError,
  Context,
  ContextVar,
  ExceptionGroup,
  FileNotFoundError,
  InvalidStateError,
  LookupError,
  OSError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
  TimeoutError,
  asyncWith,
  copyContext,
  getRunningLoop,
  isCancelledError,
} from "@aio/core";
import { Future, wrapFuture } from "@aio/futures";
import { ThreadPoolExecutor, VirtualTimeEventLoop, newEventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import { DefaultEventLoopPolicy, setEventLoopPolicy } from "@aio/policy";
import { LifoQueue, PriorityQueue, Queue } from "@aio/queues";
import {
  StreamReader,
  addReader,
  openConnection,
  openUnixConnection,
  sockConnect,
  sockRecv,
  sockSendall,
  socket,
  startServer,
  startUnixServer,
} from "@aio/streams";
import type { StreamWriter } from "@aio/streams";
import { PIPE, createSubprocessExec, createSubprocessShell } from "@aio/subprocess";
import { Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore } from "@aio/sync";
import {
  Runner,
  Task,
  TaskGroup,
  Timeout,
  allTasks,
  asCompleted,
  createTask,
  currentTask,
  ensureFuture,
  gather,
  run,
  runCoroutineThreadsafe,
  shield,
  sleep,
  timeout,
  timeoutAt,
  toThread,
  wait,
  waitFor,
} from "@aio/tasks";
import { recordFigures } from "./support/reliability.js";

type ErrorClass = abstract new (...args: never[]) => Error;
interface Case {
  name: string;
  error: ErrorClass;
  /** CPython's fixed message for the same mistake, where it has one. */
  message?: RegExp;
  /** Runs inside a running loop (`loop`) unless `outside` is set. */
  call: (loop: BaseEventLoop) => unknown;
  outside?: boolean;
  /**
   * Waits on real I/O, a child process or whole nested loops: bounded by a short wall-clock
   * guard. Every other row must settle within MAX_ITERATIONS loop iterations (or Node turns).
   */
  io?: boolean;
}

/** A bad call must settle within this many loop iterations (Python's run_briefly scale). */
const MAX_ITERATIONS = 10;
/** Wall-clock guard for `io` rows: a hang, not a duration check. */
const IO_GUARD_MS = 3_000;

const noop = (): void => undefined;
const closedLoop = (): BaseEventLoop => {
  const loop = newEventLoop();
  loop.close();
  return loop;
};
const doneFuture = (loop: BaseEventLoop): Future<number> => {
  const fut = new Future<number>({ loop });
  fut.setResult(1);
  return fut;
};
/** A pending future of a second loop (closed at once: only its identity matters). */
const foreignFuture = (): Future<number> => new Future<number>({ loop: closedLoop() });
/** A free TCP port: bound, then closed (nothing listens there afterwards). */
async function freePort(): Promise<number> {
  const server = await startServer(noop, "127.0.0.1", 0);
  const port = (server.sockets[0]!.getsockname() as [string, number])[1];
  server.close();
  await server.waitClosed();
  return port;
}
/** Runs `use` on the writer of a fresh TCP connection, then closes everything. */
async function withWriter(use: (writer: StreamWriter) => unknown): Promise<unknown> {
  const server = await startServer(noop, "127.0.0.1", 0);
  try {
    const port = (server.sockets[0]!.getsockname() as [string, number])[1];
    const [, writer] = await openConnection("127.0.0.1", port);
    try {
      return await use(writer);
    } finally {
      writer.close();
    }
  } finally {
    // The handler never closes its side: close the server's connections too (3.12+ waitClosed
    // waits for them).
    server.close();
    server.closeClients();
    await server.waitClosed();
  }
}
/** Runs `use` on a fresh non-blocking AioSocket, then closes it. */
async function withSocket(use: (sock: ReturnType<typeof socket>) => unknown): Promise<unknown> {
  const sock = socket();
  sock.setblocking(false);
  try {
    return await use(sock);
  } finally {
    sock.close();
  }
}
/** Runs `use` on `cat` with piped stdin/stdout, then kills and reaps it. */
async function withCat(use: (proc: Awaited<ReturnType<typeof createSubprocessExec>>) => unknown): Promise<unknown> {
  const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
  try {
    return await use(proc);
  } finally {
    if (proc.returncode === null) proc.kill();
    await proc.wait();
  }
}
/**
 * Binds a primitive to a first loop (a task waits on it via `use`, after `setup`, and is
 * cancelled), then calls `use` from a second loop: CPython's _LoopBoundMixin raises RuntimeError.
 */
async function boundElsewhere(use: () => Promise<unknown>, setup: () => Promise<unknown> = async () => null): Promise<unknown> {
  const first = newEventLoop();
  try {
    await first.runUntilComplete(async () => {
      await setup();
      const waiter = createTask(use);
      await sleep(0);
      waiter.cancel();
      try {
        await waiter;
      } catch (error) {
        if (!isCancelledError(error)) throw error;
      }
    });
  } finally {
    first.close();
  }
  const second = newEventLoop();
  try {
    return await second.runUntilComplete(use);
  } finally {
    second.close();
  }
}
/** Runs a second loop while the test's loop is running (CPython refuses). */
function runOtherLoop(): Promise<unknown> {
  const other = newEventLoop();
  try {
    return other.runUntilComplete(async () => 1);
  } finally {
    other.close();
  }
}

const BOUND_ELSEWHERE = /is bound to a different event loop/;
const CLOSED = /^Event loop is closed$/;
const AWAITABLE_REQUIRED = /^An asyncio\.Future, a coroutine or an awaitable is required$/;
const CONDITION = /^expected an exception type, a tuple of exception types, or a callable \(other than a class\)$/;

const CASES: Case[] = [
  // ---- @aio/loop: wrong types and values.
  { name: "callSoon(non-callable)", error: TypeError, message: /a callable object was expected by call_soon\(\)/, call: (loop) => loop.callSoon(42 as never) },
  { name: "callSoonThreadsafe(non-callable)", error: TypeError, message: /a callable object was expected by call_soon_threadsafe\(\)/, call: (loop) => loop.callSoonThreadsafe(42 as never) },
  { name: "callLater(delay, non-callable)", error: TypeError, message: /a callable object was expected by call_at\(\)/, call: (loop) => loop.callLater(0, "x" as never) },
  { name: "callLater(null delay)", error: TypeError, call: (loop) => loop.callLater(null as never, noop) },
  { name: "callLater(string delay)", error: TypeError, call: (loop) => loop.callLater("1" as never, noop) },
  { name: "callLater(NaN delay)", error: RangeError, call: (loop) => loop.callLater(Number.NaN, noop) },
  { name: "callAt(when, non-callable)", error: TypeError, message: /a callable object was expected by call_at\(\)/, call: (loop) => loop.callAt(0, null as never) },
  { name: "callAt(null when)", error: TypeError, call: (loop) => loop.callAt(null as never, noop) },
  { name: "callAt(NaN when)", error: RangeError, call: (loop) => loop.callAt(Number.NaN, noop) },
  { name: "setExceptionHandler(non-callable)", error: TypeError, call: (loop) => loop.setExceptionHandler(5 as never) },
  { name: "setTaskFactory(non-callable)", error: TypeError, message: /^task factory must be a callable or None$/, call: (loop) => loop.setTaskFactory(5 as never) },
  { name: "setDefaultExecutor(non-executor)", error: TypeError, message: /^executor must be ThreadPoolExecutor instance$/, call: (loop) => loop.setDefaultExecutor(5 as never) },
  { name: "runInExecutor(null, non-callable)", error: TypeError, call: (loop) => loop.runInExecutor(null, 5 as never) },
  { name: "loop.createTask(non-coroutine)", error: TypeError, call: (loop) => loop.createTask(5 as never) },
  { name: "runUntilComplete(non-awaitable)", error: TypeError, message: AWAITABLE_REQUIRED, call: () => newEventLoop().runUntilComplete(5 as never), outside: true },
  { name: "runUntilComplete(future of another loop)", error: RangeError, message: /^The future belongs to a different loop than the one specified as the loop argument$/, call: () => {
    const loop = newEventLoop();
    try {
      return loop.runUntilComplete(foreignFuture());
    } finally {
      loop.close();
    }
  }, outside: true },
  { name: "runUntilComplete on the running loop", error: RuntimeError, message: /^This event loop is already running$/, call: (loop) => loop.runUntilComplete(async () => 1) },
  { name: "runForever on the running loop", error: RuntimeError, message: /^This event loop is already running$/, call: (loop) => loop.runForever() },
  { name: "runUntilComplete of a second loop inside a running one", error: RuntimeError, message: /^Cannot run the event loop while another loop is running$/, call: () => runOtherLoop() },
  { name: "close() of the running loop", error: RuntimeError, message: /^Cannot close a running event loop$/, call: (loop) => loop.close() },
  { name: "addSignalHandler(SIGKILL)", error: RuntimeError, message: /^sig 9 cannot be caught$/, call: (loop) => loop.addSignalHandler(9, noop) },
  { name: "addSignalHandler(0)", error: RangeError, message: /^invalid signal number 0$/, call: (loop) => loop.addSignalHandler(0, noop) },
  { name: "addSignalHandler(1.5)", error: TypeError, message: /^sig must be an int, not 1\.5$/, call: (loop) => loop.addSignalHandler(1.5, noop) },
  { name: "removeSignalHandler(1.5)", error: TypeError, message: /^sig must be an int, not 1\.5$/, call: (loop) => loop.removeSignalHandler(1.5) },
  { name: "VirtualTimeEventLoop.advance(-1)", error: RangeError, call: () => new VirtualTimeEventLoop().advance(-1), outside: true },
  { name: "VirtualTimeEventLoop.advance(NaN)", error: RangeError, call: () => new VirtualTimeEventLoop().advance(Number.NaN), outside: true },
  { name: "VirtualTimeEventLoop.advance(string)", error: TypeError, call: () => new VirtualTimeEventLoop().advance("1" as never), outside: true },
  { name: "VirtualTimeEventLoop({ start: NaN })", error: RangeError, call: () => new VirtualTimeEventLoop({ start: Number.NaN }), outside: true },
  { name: "ThreadPoolExecutor(0)", error: RangeError, message: /^max_workers must be greater than 0$/, call: () => new ThreadPoolExecutor(0), outside: true },
  { name: "ThreadPoolExecutor(string)", error: TypeError, call: () => new ThreadPoolExecutor("2" as never), outside: true },
  { name: "ThreadPoolExecutor.submit after shutdown", error: RuntimeError, message: /^cannot schedule new futures after shutdown$/, call: () => {
    const executor = new ThreadPoolExecutor(1);
    void executor.shutdown({ wait: false });
    return executor.submit(noop);
  }, outside: true },
  // ---- Closed loops.
  { name: "closed loop: callSoon", error: RuntimeError, message: CLOSED, call: () => closedLoop().callSoon(noop), outside: true },
  { name: "closed loop: callSoonThreadsafe", error: RuntimeError, message: CLOSED, call: () => closedLoop().callSoonThreadsafe(noop), outside: true },
  { name: "closed loop: callLater", error: RuntimeError, message: CLOSED, call: () => closedLoop().callLater(0.1, noop), outside: true },
  { name: "closed loop: callAt", error: RuntimeError, message: CLOSED, call: () => closedLoop().callAt(0.1, noop), outside: true },
  { name: "closed loop: createTask", error: RuntimeError, message: CLOSED, call: () => closedLoop().createTask(async () => 1), outside: true },
  { name: "closed loop: runUntilComplete", error: RuntimeError, message: CLOSED, call: () => closedLoop().runUntilComplete(async () => 1), outside: true },
  { name: "closed loop: runForever", error: RuntimeError, message: CLOSED, call: () => closedLoop().runForever(), outside: true },
  { name: "closed loop: runInExecutor", error: RuntimeError, message: CLOSED, call: () => closedLoop().runInExecutor(null, noop), outside: true },
  { name: "closed loop: addSignalHandler", error: RuntimeError, message: CLOSED, call: () => closedLoop().addSignalHandler(10, noop), outside: true },
  { name: "closed loop: new Task", error: RuntimeError, message: CLOSED, call: () => new Task(async () => 1, { loop: closedLoop() }), outside: true },
  { name: "closed loop: VirtualTimeEventLoop.callLater", error: RuntimeError, message: CLOSED, call: () => {
    const loop = new VirtualTimeEventLoop();
    loop.close();
    return loop.callLater(1, noop);
  }, outside: true },
  // ---- @aio/futures: wrong types, used futures.
  { name: "Future.setException(null)", error: TypeError, call: (loop) => new Future({ loop }).setException(null) },
  { name: "Future.addDoneCallback(non-callable)", error: TypeError, call: (loop) => new Future({ loop }).addDoneCallback(5 as never) },
  { name: "Future.setResult twice", error: InvalidStateError, call: (loop) => doneFuture(loop).setResult(2) },
  { name: "Future.setException on a done future", error: InvalidStateError, call: (loop) => doneFuture(loop).setException(new Error("x")) },
  { name: "Future.setResult on a cancelled future", error: InvalidStateError, call: (loop) => {
    const fut = new Future({ loop });
    fut.cancel();
    fut.setResult(1);
  } },
  { name: "Future.result() while pending", error: InvalidStateError, message: /^Result is not set\.$/, call: (loop) => new Future({ loop }).result() },
  { name: "Future.exception() while pending", error: InvalidStateError, message: /^Exception is not set\.$/, call: (loop) => new Future({ loop }).exception() },
  { name: "Future.result() of a cancelled future", error: CancelledError, call: (loop) => {
    const fut = new Future({ loop });
    fut.cancel();
    return fut.result();
  } },
  // With @aio/policy loaded (as here), a Future made outside a loop takes the policy's current loop,
  // as Python's does; with none set (set_event_loop(None)) that raises.
  { name: "new Future() with no running or current loop", error: RuntimeError, message: /^There is no current event loop in thread 'MainThread'\.$/, call: () => {
    const policy = new DefaultEventLoopPolicy();
    setEventLoopPolicy(policy);
    try {
      policy.setEventLoop(null);
      return new Future();
    } finally {
      setEventLoopPolicy(null);
    }
  }, outside: true },
  { name: "wrapFuture(non-future)", error: TypeError, call: () => wrapFuture(5 as never) },
  // ---- @aio/tasks.
  { name: "createTask(non-function)", error: TypeError, call: () => createTask(5 as never) },
  { name: "new Task(non-coroutine)", error: TypeError, call: (loop) => new Task(5 as never, { loop }) },
  { name: "Task.setResult", error: RuntimeError, message: /^Task does not support set_result operation$/, call: (loop) => {
    const task = loop.createTask(async () => 1);
    task.setResult(2);
  } },
  { name: "Task.setException", error: RuntimeError, message: /^Task does not support set_exception operation$/, call: (loop) => {
    const task = loop.createTask(async () => 1);
    task.setException(new Error("x"));
  } },
  { name: "Task.result() while pending", error: InvalidStateError, message: /^Result is not set\.$/, call: () => createTask(async () => 1).result() },
  { name: "a task awaiting itself", error: RuntimeError, message: /^Task cannot await on itself: /, call: () => {
    const task: Task<unknown> = createTask(async () => {
      await task;
    });
    return task;
  } },
  { name: "a task awaiting a future of another loop", error: RuntimeError, message: /got Future .* attached to a different loop$/, call: () => createTask(async () => {
    await foreignFuture();
  }) },
  { name: "currentTask() with no running loop", error: RuntimeError, message: /^no running event loop$/, call: () => currentTask(), outside: true },
  { name: "allTasks() with no running loop", error: RuntimeError, message: /^no running event loop$/, call: () => allTasks(), outside: true },
  { name: "ensureFuture(non-awaitable)", error: TypeError, message: AWAITABLE_REQUIRED, call: () => ensureFuture(5 as never) },
  { name: "ensureFuture(future, { loop: other })", error: RangeError, message: /^The future belongs to a different loop than the one specified as the loop argument$/, call: (loop) => ensureFuture(foreignFuture(), { loop }) },
  { name: "shield(non-awaitable)", error: TypeError, message: AWAITABLE_REQUIRED, call: () => shield(5 as never) },
  { name: "gather(non-awaitable)", error: TypeError, message: AWAITABLE_REQUIRED, call: () => gather(5 as never) },
  { name: "gather of futures from two loops", error: RangeError, message: /^The future belongs to a different loop than the one specified as the loop argument$/, call: (loop) => gather(new Future({ loop }), foreignFuture()) },
  { name: "sleep(string)", error: TypeError, call: () => sleep("1" as never) },
  { name: "sleep(null)", error: TypeError, call: () => sleep(null as never) },
  { name: "sleep(NaN)", error: RangeError, call: () => sleep(Number.NaN) },
  { name: "sleep(NaN): CPython's message", error: RangeError, message: /^Invalid delay: NaN \(not a number\)$/, call: () => sleep(Number.NaN) },
  { name: "sleep() with no running loop", error: RuntimeError, call: () => sleep(0.01), outside: true },
  { name: "waitFor(non-awaitable, 1)", error: TypeError, call: () => waitFor(5 as never, 1) },
  { name: "waitFor(future, string timeout)", error: TypeError, call: (loop) => waitFor(new Future({ loop }), "1" as never) },
  { name: "waitFor(future, NaN timeout)", error: RangeError, call: (loop) => waitFor(new Future({ loop }), Number.NaN) },
  { name: "waitFor(never-ending, 0) times out, not hangs", error: TimeoutError, call: (loop) => waitFor(new Future({ loop }), 0) },
  { name: "wait([]) (empty)", error: RangeError, message: /^Set of Tasks\/Futures is empty\.$/, call: () => wait([]) },
  { name: "wait(non-iterable)", error: TypeError, call: () => wait(5 as never) },
  { name: "wait([thunk])", error: TypeError, message: /^Passing coroutines is forbidden, use tasks explicitly\.$/, call: () => wait([async () => 1] as never) },
  { name: "wait(futures, { returnWhen: bogus })", error: RangeError, message: /^Invalid return_when value: bogus$/, call: (loop) => wait([new Future({ loop })], { returnWhen: "bogus" as never }) },
  { name: "wait(futures, { timeout: string })", error: TypeError, call: (loop) => wait([new Future({ loop })], { timeout: "1" as never }) },
  { name: "wait(futures, { timeout: NaN })", error: RangeError, call: (loop) => wait([new Future({ loop })], { timeout: Number.NaN }) },
  { name: "asCompleted(non-iterable)", error: TypeError, call: () => asCompleted(5 as never) },
  { name: "asCompleted(futures, { timeout: string })", error: TypeError, call: (loop) => asCompleted([new Future({ loop })], { timeout: "1" as never }) },
  { name: "timeout(string)", error: TypeError, call: () => timeout("1" as never) },
  { name: "timeout() with no running loop", error: RuntimeError, message: /^no running event loop$/, call: () => timeout(1), outside: true },
  { name: "timeout(NaN) entered", error: RangeError, call: () => asyncWith(timeout(Number.NaN), async () => 1) },
  { name: "timeoutAt(string) entered", error: TypeError, call: () => asyncWith(timeoutAt("1" as never), async () => 1) },
  { name: "Timeout.reschedule before entering", error: RuntimeError, message: /^Timeout has not been entered$/, call: () => new Timeout(null).reschedule(1) },
  { name: "TaskGroup.createTask before entering", error: RuntimeError, message: /^TaskGroup .* has not been entered$/, call: () => new TaskGroup().createTask(async () => 1) },
  { name: "TaskGroup entered twice", error: RuntimeError, message: /has already been entered$/, call: async () => {
    const group = new TaskGroup();
    let inner: unknown = null;
    await asyncWith(group, async () => {
      try {
        await group.aenter();
      } catch (error) {
        inner = error;
      }
    });
    throw inner;
  } },
  { name: "run(non-coroutine)", error: RangeError, message: /^a coroutine was expected, got 5$/, call: () => run(5 as never), outside: true },
  { name: "run() inside a running loop", error: RuntimeError, message: /^asyncio\.run\(\) cannot be called from a running event loop$/, call: () => run(async () => 1) },
  { name: "Runner.run after close", error: RuntimeError, message: /^Runner is closed$/, io: true, call: async () => {
    const runner = new Runner();
    runner.getLoop(); // initialises the runner: close() of a fresh Runner is a no-op in CPython too
    await runner.close();
    return runner.run(async () => 1);
  }, outside: true },
  { name: "runCoroutineThreadsafe(non-coroutine)", error: TypeError, message: /^A coroutine object is required$/, call: (loop) => runCoroutineThreadsafe(5 as never, loop) },
  { name: "toThread(non-callable)", error: TypeError, call: () => toThread(5 as never) },
  // ---- @aio/sync.
  { name: "Lock(5)", error: TypeError, message: /^Lock\.__init__\(\) takes 1 positional argument but 2 were given$/, call: () => new (Lock as new (...args: unknown[]) => Lock)(5), outside: true },
  { name: "Event(5)", error: TypeError, message: /^Event\.__init__\(\) takes 1 positional argument but 2 were given$/, call: () => new (Event as new (...args: unknown[]) => Event)(5), outside: true },
  { name: "Condition(non-lock)", error: TypeError, call: () => new Condition(5 as never), outside: true },
  { name: "Semaphore(-1)", error: RangeError, message: /^Semaphore initial value must be >= 0$/, call: () => new Semaphore(-1), outside: true },
  { name: "Semaphore(string)", error: TypeError, call: () => new Semaphore("1" as never), outside: true },
  { name: "Semaphore(NaN)", error: TypeError, call: () => new Semaphore(Number.NaN), outside: true },
  { name: "BoundedSemaphore(-1)", error: RangeError, call: () => new BoundedSemaphore(-1), outside: true },
  { name: "Barrier(0)", error: RangeError, message: /^parties must be > 0$/, call: () => new Barrier(0), outside: true },
  { name: "Barrier(-1)", error: RangeError, call: () => new Barrier(-1), outside: true },
  { name: "Barrier(string)", error: TypeError, call: () => new Barrier("2" as never), outside: true },
  { name: "Lock.release() unlocked", error: RuntimeError, message: /^Lock is not acquired\.$/, call: () => new Lock().release(), outside: true },
  { name: "BoundedSemaphore released too often", error: RangeError, message: /^BoundedSemaphore released too many times$/, call: () => new BoundedSemaphore(1).release(), outside: true },
  { name: "Condition.wait() without the lock", error: RuntimeError, message: /^cannot wait on un-acquired lock$/, call: () => new Condition().wait() },
  { name: "Condition.notify() without the lock", error: RuntimeError, message: /^cannot notify on un-acquired lock$/, call: () => new Condition().notify(), outside: true },
  { name: "Condition.notifyAll() without the lock", error: RuntimeError, message: /^cannot notify on un-acquired lock$/, call: () => new Condition().notifyAll(), outside: true },
  { name: "Condition.waitFor(non-callable)", error: TypeError, call: () => new Condition().waitFor(5 as never) },
  { name: "Barrier.wait() after abort", error: BrokenBarrierError, call: async () => {
    const barrier = new Barrier(2);
    await barrier.abort();
    return barrier.wait();
  } },
  // ---- @aio/queues.
  { name: "Queue(2.5)", error: TypeError, call: () => new Queue(2.5), outside: true },
  { name: "Queue(string)", error: TypeError, call: () => new Queue("2" as never), outside: true },
  { name: "Queue({ loop })", error: TypeError, message: /got an unexpected keyword argument 'loop'$/, call: (loop) => new Queue({ loop } as never) },
  { name: "LifoQueue(2.5)", error: TypeError, call: () => new LifoQueue(2.5), outside: true },
  { name: "PriorityQueue({ comparator: non-function })", error: TypeError, call: () => new PriorityQueue({ comparator: 5 as never }), outside: true },
  { name: "PriorityQueue of incomparable items", error: TypeError, message: /^'<' not supported between instances of /, call: () => {
    const queue = new PriorityQueue<object>();
    queue.putNowait({});
    queue.putNowait({});
  }, outside: true },
  { name: "Queue.taskDone() too often", error: RangeError, message: /^task_done\(\) called too many times$/, call: () => new Queue().taskDone(), outside: true },
  { name: "Queue.getNowait() empty", error: QueueEmpty, call: () => new Queue().getNowait(), outside: true },
  { name: "Queue.putNowait() full", error: QueueFull, call: () => {
    const queue = new Queue<number>(1);
    queue.putNowait(1);
    queue.putNowait(2);
  }, outside: true },
  { name: "Queue.putNowait() after shutdown", error: QueueShutDown, call: () => {
    const queue = new Queue<number>();
    queue.shutdown();
    queue.putNowait(1);
  }, outside: true },
  { name: "Queue.put() after shutdown", error: QueueShutDown, call: () => {
    const queue = new Queue<number>();
    queue.shutdown();
    return queue.put(1);
  } },
  // ---- Primitives and queues used from a second loop.
  { name: "Lock used from a second loop", error: RuntimeError, message: BOUND_ELSEWHERE, io: true, outside: true, call: () => {
    const lock = new Lock();
    return boundElsewhere(() => lock.acquire(), () => lock.acquire());
  } },
  { name: "Event used from a second loop", error: RuntimeError, message: BOUND_ELSEWHERE, io: true, outside: true, call: () => {
    const event = new Event();
    return boundElsewhere(() => event.wait());
  } },
  { name: "Semaphore used from a second loop", error: RuntimeError, message: BOUND_ELSEWHERE, io: true, outside: true, call: () => {
    const semaphore = new Semaphore(0);
    return boundElsewhere(() => semaphore.acquire());
  } },
  { name: "Condition used from a second loop", error: RuntimeError, message: BOUND_ELSEWHERE, io: true, outside: true, call: () => {
    const condition = new Condition();
    return boundElsewhere(() => asyncWith(condition, () => condition.wait()));
  } },
  { name: "Barrier used from a second loop", error: RuntimeError, message: BOUND_ELSEWHERE, io: true, outside: true, call: () => {
    const barrier = new Barrier(2);
    return boundElsewhere(() => barrier.wait());
  } },
  { name: "Queue used from a second loop", error: RuntimeError, message: BOUND_ELSEWHERE, io: true, outside: true, call: () => {
    const queue = new Queue<number>();
    return boundElsewhere(() => queue.get());
  } },
  // ---- @aio/streams: StreamReader.
  { name: "StreamReader(limit 0)", error: RangeError, message: /^Limit cannot be <= 0$/, call: () => new StreamReader(0), outside: true },
  { name: "StreamReader(limit string)", error: TypeError, call: () => new StreamReader("1" as never), outside: true },
  { name: "StreamReader.read(NaN)", error: TypeError, call: () => new StreamReader().read(Number.NaN) },
  { name: "StreamReader.read(string)", error: TypeError, call: () => new StreamReader().read("1" as never) },
  { name: "StreamReader.readexactly(-1)", error: RangeError, message: /^readexactly size can not be less than zero$/, call: () => new StreamReader().readexactly(-1) },
  { name: "StreamReader.readexactly(string)", error: TypeError, call: () => new StreamReader().readexactly("1" as never) },
  { name: "StreamReader.readuntil(empty separator)", error: RangeError, message: /^Separator should be at least one-byte string$/, call: () => new StreamReader().readuntil(new Uint8Array(0)) },
  { name: "StreamReader.readuntil([])", error: RangeError, message: /^Separator should contain at least one element$/, call: () => new StreamReader().readuntil([]) },
  { name: "StreamReader.readuntil(number)", error: TypeError, call: () => new StreamReader().readuntil(5 as never) },
  { name: "StreamReader.readline() over the limit", error: RangeError, message: /^Separator is not found, and chunk exceed the limit$/, call: () => {
    const reader = new StreamReader(2);
    reader.feedData(Buffer.from("abcdef"));
    return reader.readline();
  } },
  { name: "StreamReader: two concurrent reads", error: RuntimeError, message: /^read\(\) called while another coroutine is already waiting for incoming data$/, call: async () => {
    const reader = new StreamReader();
    const first = reader.read(1);
    try {
      await sleep(0);
      return await reader.read(1);
    } finally {
      reader.feedEof();
      await first;
    }
  } },
  { name: "StreamReader.feedData after feedEof", error: RuntimeError, call: () => {
    const reader = new StreamReader();
    reader.feedEof();
    reader.feedData(Buffer.from("x"));
  }, outside: true },
  // ---- @aio/streams: StreamWriter, connections, servers.
  { name: "StreamWriter.write(string)", error: TypeError, io: true, call: () => withWriter((writer) => writer.write("text" as never)) },
  { name: "StreamWriter.write(null)", error: TypeError, io: true, call: () => withWriter((writer) => writer.write(null as never)) },
  { name: "StreamWriter.writelines([string])", error: TypeError, io: true, call: () => withWriter((writer) => writer.writelines(["text"] as never)) },
  { name: "StreamWriter.write after writeEof", error: RuntimeError, message: /^Cannot call write\(\) after write_eof\(\)$/, io: true, call: () => withWriter((writer) => {
    writer.writeEof();
    writer.write(Buffer.from("x"));
  }) },
  { name: "openConnection to a closed port", error: ConnectionRefusedError, io: true, call: async () => openConnection("127.0.0.1", await freePort()) },
  // CPython raises OverflowError (no API.md mapping); RangeError is @aio's documented class.
  { name: "openConnection(port 70000)", error: RangeError, io: true, call: () => openConnection("127.0.0.1", 70000) },
  { name: "openConnection(port 70000): CPython's message", error: RangeError, message: /^connect\(\): port must be 0-65535\.$/, io: true, call: () => openConnection("127.0.0.1", 70000) },
  { name: "openConnection() without host, port or sock", error: RangeError, message: /^host and port was not specified and no sock specified$/, call: () => openConnection(null, null) },
  { name: "openConnection(serverHostname without ssl)", error: RangeError, message: /^server_hostname is only meaningful with ssl$/, call: () => openConnection("127.0.0.1", 1, { serverHostname: "x" }) },
  { name: "startServer(port 70000)", error: RangeError, io: true, call: () => startServer(noop, "127.0.0.1", 70000) },
  { name: "startServer(port 70000): CPython's message", error: RangeError, message: /^bind\(\): port must be 0-65535\.$/, io: true, call: () => startServer(noop, "127.0.0.1", 70000) },
  { name: "startServer on a port in use", error: OSError, io: true, call: async () => {
    const server = await startServer(noop, "127.0.0.1", 0);
    try {
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      return await startServer(noop, "127.0.0.1", port, { reusePort: false });
    } finally {
      server.close();
      await server.waitClosed();
    }
  } },
  { name: "Server.serveForever after close", error: RuntimeError, message: /^server .* is closed$/, io: true, call: async () => {
    const server = await startServer(noop, "127.0.0.1", 0);
    server.close();
    await server.waitClosed();
    return server.serveForever();
  } },
  { name: "openUnixConnection to a missing path", error: FileNotFoundError, io: true, call: () => openUnixConnection("/nonexistent/aio-reliability.sock") },
  { name: "startUnixServer in a missing directory", error: FileNotFoundError, io: true, call: () => startUnixServer(noop, "/nonexistent/aio-reliability.sock") },
  // ---- @aio/streams: AioSocket and the loop's sock_* functions.
  { name: "sockRecv(non-socket)", error: TypeError, call: (loop) => sockRecv(loop, 5 as never, 1) },
  { name: "sockRecv(socket, -1)", error: RangeError, message: /^negative buffersize in recv$/, io: true, call: (loop) => withSocket((sock) => sockRecv(loop, sock, -1)) },
  { name: "sockSendall(socket, string)", error: TypeError, message: /^a bytes-like object is required, not 'str'$/, io: true, call: (loop) => withSocket((sock) => sockSendall(loop, sock, "x" as never)) },
  { name: "sockConnect(socket, string address)", error: TypeError, io: true, call: (loop) => withSocket((sock) => sockConnect(loop, sock, "x")) },
  { name: "sockConnect(socket, port 70000)", error: RangeError, message: /^connect\(\): port must be 0-65535\.$/, io: true, call: (loop) => withSocket((sock) => sockConnect(loop, sock, ["127.0.0.1", 70000])) },
  { name: "sockRecv on a closed socket", error: OSError, io: true, call: (loop) => {
    const sock = socket();
    sock.setblocking(false);
    sock.close();
    return sockRecv(loop, sock, 1);
  } },
  { name: "addReader(non-socket)", error: TypeError, call: (loop) => addReader(loop, 5 as never, noop) },
  { name: "addReader(socket, non-callable)", error: TypeError, io: true, call: (loop) => withSocket((sock) => addReader(loop, sock, 5 as never)) },
  { name: "addReader on a closed socket", error: RangeError, message: /^Invalid file descriptor: -1$/, call: (loop) => {
    const sock = socket();
    sock.close();
    addReader(loop, sock, noop);
  } },
  // CPython tries sock.recv() before touching the loop: an unconnected socket fails with ENOTCONN.
  { name: "sockRecv on an unconnected socket", error: OSError, io: true, call: (loop) => withSocket((sock) => sockRecv(loop, sock, 1)) },
  { name: "addReader on a closed loop", error: RuntimeError, message: CLOSED, io: true, call: () => withSocket((sock) => addReader(closedLoop(), sock, noop)), outside: true },
  // ---- @aio/subprocess.
  { name: "createSubprocessExec of a missing program", error: FileNotFoundError, io: true, call: () => createSubprocessExec("/nonexistent/aio-reliability") },
  { name: "createSubprocessExec(non-string program)", error: TypeError, message: /^expected str, bytes or os\.PathLike object, not /, io: true, call: () => createSubprocessExec(5 as never) },
  { name: "createSubprocessExec({ shell: true })", error: RangeError, message: /^shell must be False$/, io: true, call: () => createSubprocessExec("true", { shell: true } as never) },
  { name: "createSubprocessExec({ text: true })", error: RangeError, message: /^text must be False$/, io: true, call: () => createSubprocessExec("true", { text: true }) },
  { name: "createSubprocessExec({ bufsize: 1 })", error: RangeError, message: /^bufsize must be 0$/, io: true, call: () => createSubprocessExec("true", { bufsize: 1 }) },
  { name: "createSubprocessExec({ universalNewlines: true })", error: RangeError, message: /^universal_newlines must be False$/, io: true, call: () => createSubprocessExec("true", { universalNewlines: true }) },
  { name: "createSubprocessExec({ encoding })", error: RangeError, message: /^encoding must be None$/, io: true, call: () => createSubprocessExec("true", { encoding: "utf8" }) },
  { name: "createSubprocessShell(non-string)", error: RangeError, message: /^cmd must be a string$/, io: true, call: () => createSubprocessShell(5 as never) },
  { name: "createSubprocessShell({ shell: false })", error: RangeError, message: /^shell must be True$/, io: true, call: () => createSubprocessShell("true", { shell: false } as never) },
  { name: "Process.communicate(string)", error: TypeError, io: true, call: () => withCat((proc) => proc.communicate("text" as never)) },
  { name: "Process.sendSignal(non-signal string)", error: RangeError, io: true, call: () => withCat((proc) => proc.sendSignal("SIGFOO")) },
  { name: "Process.sendSignal(999)", error: OSError, io: true, call: () => withCat((proc) => proc.sendSignal(999)) },
  // ---- @aio/policy.
  { name: "setEventLoopPolicy(non-policy)", error: TypeError, message: /^policy must be an instance of AbstractEventLoopPolicy or None, not 'int'$/, call: () => setEventLoopPolicy(5 as never), outside: true },
  { name: "DefaultEventLoopPolicy.setEventLoop(non-loop)", error: TypeError, message: /^loop must be an instance of AbstractEventLoop or None, not 'int'$/, call: () => new DefaultEventLoopPolicy().setEventLoop(5 as never), outside: true },
  { name: "DefaultEventLoopPolicy.getEventLoop() after setEventLoop(null)", error: RuntimeError, message: /^There is no current event loop in thread 'MainThread'\.$/, call: () => {
    const policy = new DefaultEventLoopPolicy();
    policy.setEventLoop(null);
    return policy.getEventLoop();
  }, outside: true },
  // ---- @aio/core.
  { name: "getRunningLoop() with no running loop", error: RuntimeError, message: /^no running event loop$/, call: () => getRunningLoop(), outside: true },
  { name: "asyncWith(non-context-manager)", error: TypeError, call: () => asyncWith(5 as never, async () => 1) },
  { name: "ContextVar(non-string name)", error: TypeError, message: /^context variable name must be a str$/, call: () => new ContextVar(5 as never), outside: true },
  { name: "ContextVar.get() unset without default", error: LookupError, call: () => new ContextVar("v").get(), outside: true },
  { name: "ContextVar.reset(non-token)", error: TypeError, message: /^expected an instance of Token, got 5$/, call: () => new ContextVar("v").reset(5 as never), outside: true },
  { name: "ContextVar.reset of a used token", error: RuntimeError, message: /has already been used once$/, call: () => {
    const variable = new ContextVar<number>("v");
    const token = variable.set(1);
    variable.reset(token);
    variable.reset(token);
  }, outside: true },
  { name: "ContextVar.reset of another variable's token", error: RangeError, message: /was created by a different ContextVar$/, call: () => {
    const token = new ContextVar<number>("v").set(1);
    new ContextVar<number>("w").reset(token);
  }, outside: true },
  { name: "ContextVar.reset of a token from another Context", error: RangeError, message: /was created in a different Context$/, call: () => {
    const variable = new ContextVar<number>("v");
    const token = copyContext().run(() => variable.set(3));
    variable.reset(token);
  }, outside: true },
  { name: "Context(argument)", error: TypeError, message: /^Context\(\) does not accept any arguments$/, call: () => new (Context as new (...args: unknown[]) => Context)(5), outside: true },
  { name: "Context.run re-entered", error: RuntimeError, message: /^cannot enter context: .* is already entered$/, call: () => {
    const context = copyContext();
    context.run(() => context.run(noop));
  }, outside: true },
  { name: "ExceptionGroup(non-string message)", error: TypeError, message: /argument 1 must be str, not /, call: () => new ExceptionGroup(5 as never, [new Error("x")]), outside: true },
  { name: "ExceptionGroup(message, non-sequence)", error: TypeError, message: /^second argument \(exceptions\) must be a sequence$/, call: () => new ExceptionGroup("m", 5 as never), outside: true },
  { name: "ExceptionGroup(message, [])", error: RangeError, message: /^second argument \(exceptions\) must be a non-empty sequence$/, call: () => new ExceptionGroup("m", []), outside: true },
  { name: "ExceptionGroup(message, [non-error])", error: RangeError, message: /^Item 0 of second argument \(exceptions\) is not an exception$/, call: () => new ExceptionGroup("m", [5]), outside: true },
  { name: "ExceptionGroup.subgroup(bad condition)", error: TypeError, message: CONDITION, call: () => new ExceptionGroup("m", [new Error("x")]).subgroup(5 as never), outside: true },
  { name: "ExceptionGroup.split(bad condition)", error: TypeError, message: CONDITION, call: () => new ExceptionGroup("m", [new Error("x")]).split(5 as never), outside: true },
];

/** Runs `call` and returns what it threw or rejected with, failing on success or on a hang. */
async function outcome(call: () => unknown, bound: "loop" | "turns" | "time"): Promise<unknown> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return error;
  }
  if (result === null || typeof (result as { then?: unknown })?.then !== "function") return { silentSuccess: result };
  let settled: { value: unknown } | undefined;
  const done = (result as PromiseLike<unknown>).then(
    (value) => (settled = { value: { silentSuccess: value } }),
    (error: unknown) => (settled = { value: error }),
  );
  if (bound === "time") {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise((resolve) => (timer = setTimeout(() => resolve({ hang: `${IO_GUARD_MS} ms` }), IO_GUARD_MS)));
    try {
      await Promise.race([done, hang]);
    } finally {
      clearTimeout(timer);
    }
    return settled === undefined ? { hang: `not settled within ${IO_GUARD_MS} ms` } : settled.value;
  }
  // Immediately means within a few loop iterations (or Node turns with no loop running).
  for (let i = 0; i < MAX_ITERATIONS && settled === undefined; i++) {
    await (bound === "loop" ? sleep(0) : new Promise((resolve) => setImmediate(resolve)));
  }
  return settled === undefined ? { hang: `not settled within ${MAX_ITERATIONS} iterations` } : settled.value;
}

let checked = 0;
afterAll(() => recordFigures("bad-input", { casesChecked: checked }));

async function check(testCase: Case): Promise<void> {
  let error: unknown;
  if (testCase.outside === true) {
    error = await outcome(() => testCase.call(undefined as never), testCase.io === true ? "time" : "turns");
  } else {
    const loop = newEventLoop();
    try {
      error = await loop.runUntilComplete(() => outcome(() => testCase.call(loop), testCase.io === true ? "time" : "loop"));
    } finally {
      loop.close();
    }
  }
  expect(error).toBeInstanceOf(testCase.error);
  if (testCase.message !== undefined) expect((error as Error).message).toMatch(testCase.message);
  checked++;
}

describe("bad input", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s raises the documented error", async (_name, testCase) => {
    await check(testCase);
  });
});
