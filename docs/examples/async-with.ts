import * as asyncio from "@aio/asyncio";

const { asyncWith, enter } = asyncio;
const lock = new asyncio.Lock();

await asyncio.run(async () => {
  // Python: async with lock: ...
  await asyncWith(lock, async () => {
    console.log("inside: locked =", lock.locked());
  });
  console.log("after: locked =", lock.locked());

  // Python: async with asyncio.timeout(0.01) as cm: ...   (the `as` value is the callback's argument)
  try {
    await asyncWith(asyncio.timeout(0.01), async (cm) => {
      console.log("deadline set:", cm.when() !== null);
      await asyncio.sleep(10);
    });
  } catch (error) {
    console.log("timed out:", error instanceof asyncio.TimeoutError);
  }

  // `await using` releases at the end of the block, for managers whose exit ignores the error.
  {
    await using held = await enter(lock);
    console.log("await using: locked =", lock.locked(), held.value === undefined);
  }
  console.log("block left: locked =", lock.locked());

  // The body's error reaches aexit; aexit returning true suppresses it (contextlib.suppress).
  const suppress = {
    async aenter() { return "resource"; },
    async aexit(error: unknown) { console.log("aexit saw:", String(error)); return true; },
  };
  const result = await asyncWith(suppress, async () => { throw new RangeError("oops"); });
  console.log("suppressed, result:", result);
});
