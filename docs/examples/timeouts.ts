import * as asyncio from "@aio/asyncio";

const { asyncWith } = asyncio;

await asyncio.run(async () => {
  // Python: await asyncio.wait_for(coro, timeout=0.01)
  try {
    await asyncio.waitFor(() => asyncio.sleep(10), 0.01);
  } catch (error) {
    console.log("waitFor:", error instanceof asyncio.TimeoutError);
  }

  // Python: async with asyncio.timeout(None) as cm: cm.reschedule(loop.time() + 0.01)
  const loop = asyncio.getRunningLoop();
  try {
    await asyncWith(asyncio.timeout(null), async (cm) => {
      cm.reschedule(loop.time() + 0.01);
      await asyncio.sleep(10);
    });
  } catch (error) {
    console.log("rescheduled timeout:", error instanceof asyncio.TimeoutError);
  }

  // Inside the block the task sees CancelledError (cleanup runs); TimeoutError replaces it outside.
  const cm = asyncio.timeout(0.01);
  try {
    await asyncWith(cm, async () => {
      try {
        await asyncio.sleep(10);
      } catch (error) {
        console.log("inside:", (error as Error).name);
        throw error;
      }
    });
  } catch (error) {
    console.log("outside:", (error as Error).name, "expired:", cm.expired());
  }
});
