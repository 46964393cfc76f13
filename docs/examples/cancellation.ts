import { setTimeout as delay } from "node:timers/promises";
import * as asyncio from "@aio/asyncio";

await asyncio.run(async () => {
  // 1. cancel() throws CancelledError at the aio await the task is suspended in.
  const sleeper = asyncio.createTask(async () => {
    try {
      await asyncio.sleep(3600);
    } finally {
      console.log("1. cleanup runs");
    }
  });
  await asyncio.sleep(0); // let it start
  sleeper.cancel("stop");
  try {
    await sleeper;
  } catch (error) {
    console.log("1.", asyncio.isCancelledError(error), String(error), sleeper.cancelled());
  }

  // 2. A native Promise cannot be interrupted: the cancel waits for the next aio await.
  const native = asyncio.createTask(async () => {
    await delay(20); // a plain Promise
    console.log("2. the native wait finished");
    await asyncio.sleep(0); // CancelledError is raised here
    console.log("2. never printed");
  });
  await asyncio.sleep(0);
  native.cancel();
  try {
    await native;
  } catch (error) {
    console.log("2. cancelled at the next aio await:", asyncio.isCancelledError(error));
  }

  // 3. task.signal aborts as soon as the task is cancelled: hand it to native APIs.
  const fetcher = asyncio.createTask(async () => {
    const { signal } = asyncio.currentTask()!;
    try {
      await delay(3_600_000, undefined, { signal });
    } catch (error) {
      // Node rejects with an AbortError; rethrow the reason (the CancelledError) to end as cancelled.
      throw signal.aborted ? signal.reason : error;
    }
  });
  await asyncio.sleep(0);
  fetcher.cancel();
  try {
    await fetcher;
  } catch {
    console.log("3. native wait aborted, task cancelled:", fetcher.cancelled());
  }

  // 4. shield(): cancelling the outer wait leaves the inner task running.
  const inner = asyncio.createTask(() => asyncio.sleep(0.01, "inner result"));
  const outer = asyncio.createTask(() => asyncio.shield(inner));
  await asyncio.sleep(0);
  outer.cancel();
  try {
    await outer;
  } catch (error) {
    console.log("4. outer cancelled:", asyncio.isCancelledError(error), "inner:", await inner);
  }

  // 5. Code that catches everything lets CancelledError through (Python's BaseException).
  const careful = asyncio.createTask(async () => {
    try {
      await asyncio.sleep(3600);
    } catch (error) {
      if (asyncio.isCancelledError(error)) throw error;
      console.log("5. handled", error);
    }
  });
  await asyncio.sleep(0);
  careful.cancel();
  await asyncio.gather(careful, { returnExceptions: true });
  console.log("5. still cancelled:", careful.cancelled());
});
