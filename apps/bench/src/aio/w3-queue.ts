/** W3 / W3b on @aio: producers and consumers pass n items through `new Queue(100)` with awaited put / get. Mirrors python/w3_queue.py. */
import { Queue } from "@aio/queues";
import { createTask, gather, run } from "@aio/tasks";
import { check, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();
const producers = param(spec, "producers");
const maxsize = param(spec, "maxsize");

async function producer(queue: Queue<number>, first: number, share: number): Promise<void> {
  for (let k = 0; k < share; k++) {
    await queue.put(first + k * producers);
  }
}

async function consumer(queue: Queue<number>, share: number): Promise<number> {
  let total = 0;
  for (let k = 0; k < share; k++) {
    total += await queue.get();
  }
  return total;
}

async function main(n: number): Promise<Result> {
  check(n % producers === 0, `n=${n} must be a multiple of producers=${producers}`);
  const share = n / producers;
  const queue = new Queue<number>(maxsize);
  const start = now();
  const consumers = [];
  const makers = [];
  for (let p = 0; p < producers; p++) {
    consumers.push(createTask(() => consumer(queue, share)));
  }
  for (let p = 0; p < producers; p++) {
    makers.push(createTask(() => producer(queue, p, share)));
  }
  const sums: readonly unknown[] = await gather(consumers);
  await gather(makers);
  const seconds = now() - start;
  const total = sums.reduce((a: number, b) => a + (b as number), 0);
  check(queue.qsize() === 0, `${queue.qsize()} items left in the queue`);
  check(total === (n * (n - 1)) / 2, `sum ${total}, expected ${(n * (n - 1)) / 2}`);
  return { n, seconds, rate: n / seconds, unit: "items/s" };
}

await measure(spec, (warm) => run(() => main(sized(param(spec, "n"), warm, producers))));
