import * as asyncio from "@aio/asyncio";

// Python: async def fetch(name, delay): ...
async function fetch(name: string, delay: number): Promise<string> {
  await asyncio.sleep(delay); // seconds, as in Python
  return `${name} after ${delay}s`;
}

// Python: asyncio.run(main()) -- pass the coroutine function (a thunk), not a call.
await asyncio.run(async () => {
  // Python: task = asyncio.create_task(fetch("a", 0.02), name="fetch-a")
  const task = asyncio.createTask(() => fetch("a", 0.02), { name: "fetch-a" });
  // Python: await asyncio.gather(task, fetch("b", 0.01))
  console.log(await asyncio.gather(task, () => fetch("b", 0.01)));
  console.log(task.getName(), task.done());

  // Keyword arguments are a trailing options object: gather(..., return_exceptions=True).
  const results = await asyncio.gather(
    () => fetch("c", 0),
    async () => { throw new RangeError("bad value"); },
    { returnExceptions: true },
  );
  console.log(results.map(String));

  // Python None is null: a future that finished without an error has exception() === null.
  console.log(task.exception());
});
