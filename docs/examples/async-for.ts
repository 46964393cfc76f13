import * as asyncio from "@aio/asyncio";

await asyncio.run(async () => {
  // Python: async for line in reader: ...   (StreamReader iterates by line, as bytes)
  const reader = new asyncio.StreamReader();
  reader.feedData(Buffer.from("first line\nsecond line\n"));
  reader.feedEof();
  for await (const line of reader) {
    console.log("line:", JSON.stringify(new TextDecoder().decode(line)));
  }

  // Python: for coro in asyncio.as_completed(aws): result = await coro   (first finished first)
  const aws = [asyncio.sleep(0.03, "slow"), asyncio.sleep(0.01, "fast"), asyncio.sleep(0.02, "medium")];
  for (const next of asyncio.asCompleted(aws)) {
    console.log("as completed:", await next);
  }

  // An @aio addition: a queue is async-iterable, and the loop ends when the queue is shut down.
  const queue = new asyncio.Queue<string>();
  for (const item of ["a", "b", "c"]) queue.putNowait(item);
  queue.shutdown();
  const items: string[] = [];
  for await (const item of queue) items.push(item);
  console.log("from the queue:", items.join(" "));
});
