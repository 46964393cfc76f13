/** W10 on @aio: 100,000 tasks parked in `sleep(3600)`, all cancelled, all awaited (timed from creation). Mirrors python/w10_cancel.py. */
import { CancelledError } from "@aio/core";
import { createTask, gather, run, sleep } from "@aio/tasks";
import { check, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();

async function main(n: number): Promise<Result> {
  let parked = 0;
  const sleeper = async (): Promise<void> => {
    parked++;
    await sleep(3600);
  };
  const start = now();
  const tasks = [];
  for (let i = 0; i < n; i++) {
    tasks.push(createTask(() => sleeper()));
  }
  await sleep(0); // one iteration: every task parks in its sleep
  check(parked === n, `${parked} tasks parked, expected ${n}`);
  for (const task of tasks) {
    task.cancel();
  }
  const results: readonly unknown[] = await gather(tasks, { returnExceptions: true });
  const seconds = now() - start;
  const cancelled = results.filter((result) => result instanceof CancelledError).length;
  check(cancelled === n, `${cancelled} tasks ended in CancelledError, expected ${n}`);
  check(tasks.every((task) => task.cancelled()), "a task is not cancelled()");
  return { n, seconds, rate: n / seconds, unit: "tasks/s" };
}

await measure(spec, (warm) => run(() => main(sized(param(spec, "n"), warm))));
