/**
 * Subprocess faults: many children killed at random moments, large communicate() in both
 * directions, children that close stdout early; no zombie and no descriptor left afterwards.
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExceptionContext } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import { PIPE, createSubprocessExec } from "@aio/subprocess";
import { Semaphore } from "@aio/sync";
import { allTasks, gather, sleep } from "@aio/tasks";
import type { LeakSnapshot } from "./support/reliability.js";
import { childProcesses, leakSnapshot, recordFigures, resourceExcess, scale, settledSnapshot } from "./support/reliability.js";

const figures = { childrenStarted: 0, childrenKilled: 0, bytesThroughPipes: 0, earlyStdoutCloses: 0, zombiesLeft: 0 };

let loop: BaseEventLoop;
let before: LeakSnapshot;
let handlerCalls: ExceptionContext[];

beforeEach(() => {
  before = leakSnapshot();
  loop = newEventLoop();
  handlerCalls = [];
  loop.setExceptionHandler((_loop, context) => handlerCalls.push(context));
});

afterEach(async () => {
  expect(allTasks(loop).size).toBe(0);
  loop.close();
  const after = await settledSnapshot(before);
  const zombies = childProcesses().filter((child) => child.state === "Z");
  figures.zombiesLeft += zombies.length;
  expect(zombies).toEqual([]);
  expect(after.children).toBeLessThanOrEqual(before.children);
  expect(after.fds, "descriptors back to where they started").toBeLessThanOrEqual(before.fds);
  expect(resourceExcess(after.resources, before.resources)).toEqual({});
  expect(handlerCalls.map((c) => c.message)).toEqual([]);
  recordFigures("subprocess", figures);
});

/** Deterministic pseudo-random numbers (the run is reproducible from its seed). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("createSubprocessExec under faults", () => {
  it("reaps every child when many are killed at random moments", async () => {
    const CHILDREN = scale(200, 400);
    const random = lcg(11);
    await loop.runUntilComplete(async () => {
      const results = await gather(
        ...Array.from({ length: CHILDREN }, async (_, id) => {
          // Each child echoes stdin to stdout until killed; some are killed before they write.
          const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE, stderr: PIPE });
          figures.childrenStarted++;
          const when = Math.floor(random() * 6);
          for (let i = 0; i < when; i++) {
            proc.stdin!.write(Buffer.from(`child ${id} line ${i}\n`));
            await sleep(0);
          }
          proc.kill();
          figures.childrenKilled++;
          const [out] = await proc.communicate();
          return [proc.returncode, out?.length ?? -1] as const;
        }),
      );
      for (const [code] of results) expect(code).toBe(-9);
    });
  }, 120_000);

  it("moves large payloads through communicate() in both directions", async () => {
    const SIZE = 50 * 1024 * 1024;
    const PARALLEL = scale(2, 2);
    await loop.runUntilComplete(async () => {
      const input = Buffer.alloc(SIZE);
      for (let i = 0; i < SIZE; i += 4) input.writeUInt32LE((i * 2654435761) >>> 0, i);
      const digest = createHash("sha256").update(input).digest("hex");
      const results = await gather(
        ...Array.from({ length: PARALLEL }, async () => {
          const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
          figures.childrenStarted++;
          const [out] = await proc.communicate(input);
          expect(proc.returncode).toBe(0);
          return createHash("sha256").update(out!).digest("hex");
        }),
      );
      for (const result of results) expect(result).toBe(digest);
      figures.bytesThroughPipes += 2 * SIZE * PARALLEL;
    });
  }, 180_000);

  it("finishes communicate() when a child closes stdout early", async () => {
    const CHILDREN = scale(50, 200);
    await loop.runUntilComplete(async () => {
      const limit = new Semaphore(25);
      await gather(
        ...Array.from({ length: CHILDREN }, async () => {
          await limit.acquire();
          try {
            // Closes stdout at once, then keeps draining stdin: the parent's big write still completes.
            const proc = await createSubprocessExec("sh", "-c", "exec 1>&-; cat > /dev/null", { stdin: PIPE, stdout: PIPE });
            figures.childrenStarted++;
            const [out] = await proc.communicate(Buffer.alloc(1024 * 1024, 7));
            expect(out!.length).toBe(0);
            expect(proc.returncode).toBe(0);
            figures.earlyStdoutCloses++;
          } finally {
            limit.release();
          }
        }),
      );
    });
  }, 120_000);
});
