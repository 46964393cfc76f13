/**
 * Bad input: public functions and constructors called with wrong types, bad sizes and delays,
 * closed loops, used futures and foreign loops raise the documented error class at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ConnectionRefusedError, FileNotFoundError, InvalidStateError, RuntimeError } from "@aio/core";
import { Future } from "@aio/futures";
import { newEventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import { Queue } from "@aio/queues";
import { StreamReader, openConnection, startServer } from "@aio/streams";
import { createSubprocessExec } from "@aio/subprocess";
import { Barrier, BoundedSemaphore, Lock, Semaphore } from "@aio/sync";
import { createTask, gather, sleep, waitFor } from "@aio/tasks";
import { recordFigures } from "./support/reliability.js";

type ErrorClass = abstract new (...args: never[]) => Error;
interface Case {
  name: string;
  error: ErrorClass;
  /** Runs inside a running loop (`loop`) unless `outside` is set. */
  call: (loop: BaseEventLoop) => unknown;
  outside?: boolean;
}

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
/** A free TCP port: bound, then closed (nothing listens there afterwards). */
async function freePort(): Promise<number> {
  const server = await startServer(noop, "127.0.0.1", 0);
  const port = (server.sockets[0]!.getsockname() as [string, number])[1];
  server.close();
  await server.waitClosed();
  return port;
}

const CASES: Case[] = [
  // Wrong types.
  { name: "callSoon(non-callable)", error: TypeError, call: (loop) => loop.callSoon(42 as never) },
  { name: "callLater(delay, non-callable)", error: TypeError, call: (loop) => loop.callLater(0, "x" as never) },
  { name: "callAt(when, non-callable)", error: TypeError, call: (loop) => loop.callAt(0, null as never) },
  { name: "setExceptionHandler(non-callable)", error: TypeError, call: (loop) => loop.setExceptionHandler(5 as never) },
  { name: "Future.setException(null)", error: TypeError, call: (loop) => new Future({ loop }).setException(null) },
  { name: "createTask(non-function)", error: TypeError, call: () => createTask(5 as never) },
  { name: "StreamWriter.write(string)", error: TypeError, call: async () => {
    const port = await freePort();
    const server = await startServer(noop, "127.0.0.1", port);
    try {
      const [, writer] = await openConnection("127.0.0.1", port);
      try {
        writer.write("text" as never);
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
  } },
  { name: "StreamReader.read(NaN)", error: TypeError, call: () => new StreamReader().read(Number.NaN) },
  { name: "Queue(2.5)", error: TypeError, call: () => new Queue(2.5) },
  // Negative or out-of-range sizes.
  { name: "Semaphore(-1)", error: RangeError, call: () => new Semaphore(-1), outside: true },
  { name: "BoundedSemaphore(-1)", error: RangeError, call: () => new BoundedSemaphore(-1), outside: true },
  { name: "Barrier(0)", error: RangeError, call: () => new Barrier(0), outside: true },
  { name: "StreamReader(limit 0)", error: RangeError, call: () => new StreamReader(0), outside: true },
  { name: "StreamReader.readexactly(-1)", error: RangeError, call: () => new StreamReader().readexactly(-1) },
  { name: "Queue.taskDone() too often", error: RangeError, call: () => new Queue().taskDone(), outside: true },
  { name: "BoundedSemaphore released too often", error: RangeError, call: () => new BoundedSemaphore(1).release(), outside: true },
  { name: "Lock.release() unlocked", error: RuntimeError, call: () => new Lock().release(), outside: true },
  // Closed loops.
  { name: "closed loop: callSoon", error: RuntimeError, call: () => closedLoop().callSoon(noop), outside: true },
  { name: "closed loop: callLater", error: RuntimeError, call: () => closedLoop().callLater(0.1, noop), outside: true },
  { name: "closed loop: createTask", error: RuntimeError, call: () => closedLoop().createTask(async () => 1), outside: true },
  { name: "closed loop: runUntilComplete", error: RuntimeError, call: () => closedLoop().runUntilComplete(async () => 1), outside: true },
  { name: "closed loop: runForever", error: RuntimeError, call: () => closedLoop().runForever(), outside: true },
  // Used futures.
  { name: "Future.setResult twice", error: InvalidStateError, call: (loop) => doneFuture(loop).setResult(2) },
  { name: "Future.setException on a done future", error: InvalidStateError, call: (loop) => doneFuture(loop).setException(new Error("x")) },
  { name: "Future.result() while pending", error: InvalidStateError, call: (loop) => new Future({ loop }).result() },
  { name: "Future.exception() while pending", error: InvalidStateError, call: (loop) => new Future({ loop }).exception() },
  // Foreign and missing loops.
  { name: "gather of futures from two loops", error: RangeError, call: (loop) => {
    const other = newEventLoop();
    try {
      return gather(new Future({ loop }), new Future({ loop: other }));
    } finally {
      other.close();
    }
  } },
  { name: "Lock used from a second loop", error: RuntimeError, call: async () => {
    const lock = new Lock();
    const first = newEventLoop();
    try {
      await first.runUntilComplete(async () => {
        await lock.acquire();
        const waiter = createTask(() => lock.acquire());
        await sleep(0);
        waiter.cancel();
      });
    } finally {
      first.close();
    }
    await lock.acquire(); // bound to `first`, now used from the test's loop
  } },
  { name: "sleep() with no running loop", error: RuntimeError, call: () => sleep(0.01), outside: true },
  { name: "new Future() with no running loop", error: RuntimeError, call: () => new Future(), outside: true },
  // I/O with bad targets.
  { name: "openConnection to a closed port", error: ConnectionRefusedError, call: async () => openConnection("127.0.0.1", await freePort()) },
  { name: "createSubprocessExec of a missing program", error: FileNotFoundError, call: () => createSubprocessExec("/nonexistent/aio-reliability") },
  { name: "waitFor(never-ending, 0) times out, not hangs", error: Error, call: (loop) => waitFor(new Future({ loop }), 0) },
];

/** Runs `call` and returns what it threw or rejected with, failing on success or on a hang. */
async function outcome(call: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return error;
  }
  if (result === null || typeof (result as { then?: unknown })?.then !== "function") return { silentSuccess: result };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise((resolve) => (timer = setTimeout(() => resolve({ hang: true }), 5_000)));
  try {
    return await Promise.race([
      (result as PromiseLike<unknown>).then(
        (value) => ({ silentSuccess: value }),
        (error: unknown) => error,
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let checked = 0;
afterAll(() => recordFigures("bad-input", { casesChecked: checked }));

describe("bad input", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s raises the documented error", async (_name, testCase) => {
    let error: unknown;
    if (testCase.outside === true) {
      error = await outcome(() => testCase.call(undefined as never));
    } else {
      const loop = newEventLoop();
      try {
        error = await loop.runUntilComplete(() => outcome(() => testCase.call(loop)));
      } finally {
        loop.close();
      }
    }
    expect(error).toBeInstanceOf(testCase.error);
    checked++;
  });
});
