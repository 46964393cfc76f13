/** W2 on @aio: 1,000 tasks, each doing 1,000 `await sleep(0)`. Mirrors python/w2_sleep_zero.py. */
import { createTask, gather, run, sleep } from "@aio/tasks";
import { check, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();

async function main(tasksCount: number, switches: number): Promise<Result> {
  const n = tasksCount * switches;
  let count = 0;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < switches; i++) {
      await sleep(0);
      count++;
    }
  };
  const start = now();
  const tasks = [];
  for (let i = 0; i < tasksCount; i++) {
    tasks.push(createTask(() => worker()));
  }
  await gather(tasks);
  const seconds = now() - start;
  check(count === n, `${count} switches, expected ${n}`);
  return { n, seconds, rate: n / seconds, unit: "switches/s" };
}

await measure(spec, (warm) => run(() => main(param(spec, "tasks"), sized(param(spec, "switches"), warm))));
