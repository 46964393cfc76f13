import * as asyncio from "@aio/asyncio";

const { asyncWith } = asyncio;

async function job(name: string, delay: number, fail?: Error): Promise<string> {
  await asyncio.sleep(delay);
  if (fail) throw fail;
  return name;
}

await asyncio.run(async () => {
  // Python: async with asyncio.TaskGroup() as tg: t = tg.create_task(job(...))
  const tasks = await asyncWith(new asyncio.TaskGroup(), async (tg) => [
    tg.createTask(() => job("a", 0.01)),
    tg.createTask(() => job("b", 0.02)),
  ]);
  console.log("all done:", tasks.map((task) => task.result()).join(", "));

  // The first failure cancels the other tasks; the errors come out as one ExceptionGroup.
  let slow: asyncio.Task<string> | undefined;
  try {
    await asyncWith(new asyncio.TaskGroup(), async (tg) => {
      tg.createTask(() => job("bad", 0.01, new RangeError("bad value")));
      tg.createTask(() => job("worse", 0.01, new asyncio.ConnectionResetError("peer left")));
      slow = tg.createTask(() => job("slow", 10));
    });
  } catch (error) {
    if (!(error instanceof asyncio.ExceptionGroup)) throw error;
    console.log(String(error), "| slow task cancelled:", slow?.cancelled());
    // Python: except* OSError as group: ...   (split by class, as except* does)
    const [osErrors, rest] = error.split(asyncio.OSError);
    console.log("OSError part:", osErrors?.exceptions.map(String));
    console.log("the rest:", rest?.exceptions.map(String));
  }
});
