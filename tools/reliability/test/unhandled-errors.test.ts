/**
 * Unhandled errors: an exception nobody retrieves (tasks, futures, callbacks, protocol
 * callbacks) reaches the loop's exception handler exactly once, or the logger through the
 * default handler; never dropped silently, never a process-level crash.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Protocol, setLogger } from "@aio/core";
import type { ExceptionContext, Logger } from "@aio/core";
import { Future } from "@aio/futures";
import { newEventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import { openConnection, startServer } from "@aio/streams";
import type { StreamReader, StreamWriter } from "@aio/streams";
import { createTask, sleep } from "@aio/tasks";
import { recordFigures } from "./support/reliability.js";

const processErrors: unknown[] = [];
const onProcessError = (error: unknown): void => {
  processErrors.push(error);
};
const figures = { errorsChecked: 0 };
const loops: BaseEventLoop[] = [];

beforeAll(() => {
  process.on("unhandledRejection", onProcessError);
  process.on("uncaughtException", onProcessError);
});
afterAll(() => {
  process.off("unhandledRejection", onProcessError);
  process.off("uncaughtException", onProcessError);
  recordFigures("unhandled-errors", figures);
});
afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
  expect(processErrors).toEqual([]);
});

class Boom extends Error {
  override name = "Boom";
}

function tracked(): { loop: BaseEventLoop; calls: ExceptionContext[] } {
  const loop = newEventLoop();
  loops.push(loop);
  const calls: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => calls.push(context));
  return { loop, calls };
}

/** Collects garbage and lets the loop turn until `done()` or the bound is reached. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    globalThis.gc?.();
    await sleep(0.005);
  }
}

describe("never-retrieved exceptions", () => {
  it("reports each failed task nobody awaited once through the exception handler", async () => {
    const { loop, calls } = tracked();
    const COUNT = 50;
    await loop.runUntilComplete(async () => {
      (() => {
        for (let i = 0; i < COUNT; i++) {
          createTask(async () => {
            await sleep(0);
            throw new Boom(`task ${i}`);
          });
        }
      })();
      for (let i = 0; i < 5; i++) await sleep(0);
      await collectUntil(() => calls.length >= COUNT);
      await collectUntil(() => false); // and no second report follows
    });
    expect(calls).toHaveLength(COUNT);
    expect(new Set(calls.map((c) => c.message))).toEqual(new Set(["Task exception was never retrieved"]));
    expect(new Set(calls.map((c) => (c.exception as Error).message)).size).toBe(COUNT);
    figures.errorsChecked += COUNT;
  });

  it("reports each failed future nobody retrieved once", async () => {
    const { loop, calls } = tracked();
    const COUNT = 50;
    await loop.runUntilComplete(async () => {
      (() => {
        for (let i = 0; i < COUNT; i++) new Future({ loop }).setException(new Boom(`future ${i}`));
      })();
      await collectUntil(() => calls.length >= COUNT);
      await collectUntil(() => false);
    });
    expect(calls).toHaveLength(COUNT);
    expect(new Set(calls.map((c) => c.message))).toEqual(new Set(["Future exception was never retrieved"]));
    figures.errorsChecked += COUNT;
  });

  it("does not report exceptions that were retrieved", async () => {
    const { loop, calls } = tracked();
    await loop.runUntilComplete(async () => {
      await (async () => {
        for (let i = 0; i < 20; i++) {
          const task = createTask(async () => {
            throw new Boom("seen");
          });
          await task.then(undefined, () => undefined);
          const fut = new Future({ loop });
          fut.setException(new Boom("seen"));
          fut.exception();
        }
      })();
      await collectUntil(() => false);
    });
    expect(calls).toEqual([]);
    figures.errorsChecked += 40;
  });
});

describe("callbacks that throw", () => {
  it("reports a throwing callSoon/callLater callback once and keeps the loop running", async () => {
    const { loop, calls } = tracked();
    const COUNT = 20;
    const ran: number[] = [];
    await loop.runUntilComplete(async () => {
      for (let i = 0; i < COUNT; i++) {
        loop.callSoon(() => {
          throw new Boom(`soon ${i}`);
        });
        loop.callLater(0.001, () => {
          throw new Boom(`later ${i}`);
        });
        loop.callSoon(() => ran.push(i));
      }
      await sleep(0.02);
    });
    expect(ran).toHaveLength(COUNT);
    expect(calls).toHaveLength(2 * COUNT);
    for (const call of calls) {
      expect(call.message).toMatch(/^Exception in callback/);
      expect(call.exception).toBeInstanceOf(Boom);
    }
    figures.errorsChecked += 2 * COUNT;
  });

  it("logs through the default handler when no handler is set", async () => {
    const loop = newEventLoop();
    loops.push(loop);
    const logged: string[] = [];
    const sink: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warning: (message) => logged.push(`warning ${message}`),
      error: (message) => logged.push(`error ${message}`),
    };
    const previous = setLogger(sink);
    try {
      await loop.runUntilComplete(async () => {
        loop.callSoon(() => {
          throw new Boom("to the log");
        });
        (() => {
          createTask(async () => {
            throw new Boom("task to the log");
          });
        })();
        await sleep(0);
        await collectUntil(() => logged.length >= 2);
      });
    } finally {
      setLogger(previous);
    }
    expect(logged.filter((line) => /^error Exception in callback/.test(line))).toHaveLength(1);
    expect(logged.filter((line) => /^error Task exception was never retrieved/.test(line))).toHaveLength(1);
    figures.errorsChecked += 2;
  });

  it("reports a throwing protocol callback once and closes that connection only", async () => {
    const { loop, calls } = tracked();
    const COUNT = 10;
    await loop.runUntilComplete(async () => {
      const server = await startServer(async (reader: StreamReader, writer: StreamWriter) => {
        writer.write(Buffer.from("hello\n"));
        await reader.read().catch(() => undefined);
        writer.close();
        await writer.waitClosed().catch(() => undefined);
      }, "127.0.0.1", 0);
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      try {
        class Throwing extends Protocol {
          lost: unknown = undefined;
          readonly closed = loop.createFuture();
          override dataReceived(): void {
            throw new Boom("protocol");
          }
          override connectionLost(error: unknown): void {
            this.lost = error;
            this.closed.setResult(null);
          }
        }
        const protocols: Throwing[] = [];
        for (let i = 0; i < COUNT; i++) {
          const [, protocol] = await loop.createConnection(() => new Throwing(), "127.0.0.1", port);
          protocols.push(protocol);
        }
        for (const protocol of protocols) await protocol.closed;
        for (const protocol of protocols) expect(protocol.lost).toBeInstanceOf(Boom);
        // A normal client still works: the server kept going.
        const [reader, writer] = await openConnection("127.0.0.1", port);
        expect((await reader.readline()).toString()).toBe("hello\n");
        writer.close();
        await writer.waitClosed();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
    expect(calls).toHaveLength(COUNT);
    for (const call of calls) {
      expect(call.message).toBe("Fatal error: protocol.data_received() call failed.");
      expect(call.exception).toBeInstanceOf(Boom);
    }
    figures.errorsChecked += COUNT;
  });
});
