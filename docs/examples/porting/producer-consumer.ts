import * as asyncio from "@aio/asyncio";

const { asyncWith } = asyncio;

async function producer(queue: asyncio.Queue<number>, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    await queue.put(n); // waits while the queue is full
  }
  console.log(`producer: put ${count} items`);
}

async function consumer(name: string, queue: asyncio.Queue<number>, results: number[]): Promise<void> {
  while (true) {
    let n: number;
    try {
      // idle for 0.2 s: nothing more is coming
      n = await asyncWith(asyncio.timeout(0.2), () => queue.get());
    } catch (error) {
      if (!(error instanceof asyncio.TimeoutError)) throw error;
      console.log(`consumer ${name}: idle, stopping`);
      return;
    }
    await asyncio.sleep(0.01); // the work
    results.push(n * n);
    queue.taskDone();
  }
}

async function main(): Promise<void> {
  const queue = new asyncio.Queue<number>({ maxsize: 3 });
  const results: number[] = [];
  await asyncWith(new asyncio.TaskGroup(), async (tg) => {
    tg.createTask(() => producer(queue, 6));
    tg.createTask(() => consumer("a", queue, results));
    tg.createTask(() => consumer("b", queue, results));
  });
  console.log("squares:", results.sort((x, y) => x - y).join(", "));
  console.log("total:", results.reduce((sum, n) => sum + n, 0));
}

await asyncio.run(main);
