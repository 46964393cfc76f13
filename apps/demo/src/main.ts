/**
 * The @aio demo, run by `npm run demo`: tasks, a TaskGroup, a timeout, a queue and a TCP echo
 * round trip on 127.0.0.1, the way a Python asyncio program would write them. Prints what happened.
 */
import * as asyncio from "@aio/asyncio";

const { asyncWith } = asyncio;

async function worker(name: string, queue: asyncio.Queue<number>, results: string[]): Promise<void> {
  for await (const job of queue) {
    await asyncio.sleep(0.001 * job);
    results.push(`${name} did job ${job}`);
    queue.taskDone();
  }
}

async function echoRoundTrip(): Promise<string> {
  const server = await asyncio.startServer(async (reader, writer) => {
    const line = await reader.readline();
    writer.write(line);
    await writer.drain();
    writer.close();
    await writer.waitClosed();
  }, "127.0.0.1", 0);
  const address = server.sockets[0]?.getsockname();
  const port = Array.isArray(address) ? address[1] : 0;
  try {
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
    writer.write(Buffer.from("hello over TCP\n"));
    await writer.drain();
    const reply = (await reader.readline()).toString().trim();
    writer.close();
    await writer.waitClosed();
    return `echo server on port ${port} replied: ${reply}`;
  } finally {
    server.close();
    await server.waitClosed();
  }
}

async function main(): Promise<void> {
  console.log(`@aio demo on Node ${process.version}`);

  // Tasks and gather: results come back in argument order, whichever finishes first.
  const results = await asyncio.gather(asyncio.sleep(0.02, "slow"), asyncio.sleep(0.01, "fast"));
  console.log(`gather: ${results.join(", ")}`);

  // A TaskGroup whose first failure cancels its siblings.
  try {
    await asyncWith(new asyncio.TaskGroup(), async (tg) => {
      tg.createTask(async () => {
        await asyncio.sleep(0.01);
        throw new Error("one child failed");
      });
      tg.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch (error) {
          console.log(`TaskGroup: sibling got ${(error as Error).name}`);
          throw error;
        }
      });
    });
  } catch (error) {
    const group = error as asyncio.ExceptionGroup;
    console.log(`TaskGroup: raised ${group.name} with [${group.exceptions.map((e) => (e as Error).message).join(", ")}]`);
  }

  // A timeout that converts the cancellation into TimeoutError.
  try {
    await asyncWith(asyncio.timeout(0.01), async () => {
      await asyncio.sleep(10);
    });
  } catch (error) {
    console.log(`timeout: ${(error as Error).name} after 10 ms`);
  }

  // A bounded queue with two workers.
  const queue = new asyncio.Queue<number>(2);
  const done: string[] = [];
  const workers = [asyncio.createTask(() => worker("w1", queue, done)), asyncio.createTask(() => worker("w2", queue, done))];
  for (const job of [3, 1, 2, 1]) await queue.put(job);
  await queue.join();
  queue.shutdown();
  await asyncio.gather(...workers);
  console.log(`queue: ${done.length} jobs done by ${new Set(done.map((d) => d.slice(0, 2))).size} workers`);

  // A TCP echo round trip.
  console.log(await echoRoundTrip());
}

await asyncio.run(main);
