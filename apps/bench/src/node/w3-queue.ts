/** W3 / W3b raw Node floor: producers and consumers pass n items through a bounded queue of 100 with awaited put / get. */
import { check, measure, now, param, readSpec, sized } from "../common.ts";
import { BoundedQueue } from "./bounded-queue.ts";

const spec = readSpec();
const producers = param(spec, "producers");
const maxsize = param(spec, "maxsize");

async function producer(queue: BoundedQueue<number>, first: number, share: number): Promise<void> {
  for (let k = 0; k < share; k++) {
    await queue.put(first + k * producers);
  }
}

async function consumer(queue: BoundedQueue<number>, share: number): Promise<number> {
  let total = 0;
  for (let k = 0; k < share; k++) {
    total += await queue.get();
  }
  return total;
}

await measure(spec, async (warm) => {
  const n = sized(param(spec, "n"), warm, producers);
  check(n % producers === 0, `n=${n} must be a multiple of producers=${producers}`);
  const share = n / producers;
  const queue = new BoundedQueue<number>(maxsize);
  const start = now();
  const consumers: Promise<number>[] = [];
  const makers: Promise<void>[] = [];
  for (let p = 0; p < producers; p++) {
    consumers.push(consumer(queue, share));
  }
  for (let p = 0; p < producers; p++) {
    makers.push(producer(queue, p, share));
  }
  const sums = await Promise.all(consumers);
  await Promise.all(makers);
  const seconds = now() - start;
  const total = sums.reduce((a, b) => a + b, 0);
  check(queue.size() === 0, `${queue.size()} items left in the queue`);
  check(total === (n * (n - 1)) / 2, `sum ${total}, expected ${(n * (n - 1)) / 2}`);
  return { n, seconds, rate: n / seconds, unit: "items/s" };
});
