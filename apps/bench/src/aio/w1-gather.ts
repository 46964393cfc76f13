/** W1 on @aio: spawn 100,000 tasks that each return their index; gather them. Mirrors python/w1_gather.py. */
import { createTask, gather, run } from "@aio/tasks";
import { check, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();

// A coroutine that returns at once: W1 measures task (or call) overhead alone.
async function work(i: number): Promise<number> {
  return i;
}

async function main(n: number): Promise<Result> {
  const start = now();
  const tasks = [];
  for (let i = 0; i < n; i++) {
    tasks.push(createTask(() => work(i)));
  }
  const results: readonly unknown[] = await gather(tasks);
  const seconds = now() - start;
  let total = 0;
  for (const value of results) {
    total += value as number;
  }
  check(results.length === n, `${results.length} results, expected ${n}`);
  check(total === (n * (n - 1)) / 2, `sum ${total}, expected ${(n * (n - 1)) / 2}`);
  return { n, seconds, rate: n / seconds, unit: "tasks/s" };
}

await measure(spec, (warm) => run(() => main(sized(param(spec, "n"), warm))));
