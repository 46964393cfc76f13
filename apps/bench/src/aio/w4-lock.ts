/** W4 on @aio: 100 tasks take one `Lock` 200,000 times in all, each holding it across one `sleep(0)`. Mirrors python/w4_lock.py. */
import { Lock } from "@aio/sync";
import { createTask, gather, run, sleep } from "@aio/tasks";
import { check, fail, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();
const tasksCount = param(spec, "tasks");

async function main(n: number): Promise<Result> {
  check(n % tasksCount === 0, `n=${n} must be a multiple of tasks=${tasksCount}`);
  const share = n / tasksCount;
  let holders = 0;
  let count = 0;
  const worker = async (lock: Lock): Promise<void> => {
    for (let k = 0; k < share; k++) {
      await lock.acquire();
      try {
        holders++;
        if (holders !== 1) {
          fail(`${holders} holders of the lock at once`);
        }
        await sleep(0);
        holders--;
        count++;
      } finally {
        lock.release();
      }
    }
  };
  const lock = new Lock();
  const start = now();
  const tasks = [];
  for (let i = 0; i < tasksCount; i++) {
    tasks.push(createTask(() => worker(lock)));
  }
  await gather(tasks);
  const seconds = now() - start;
  check(count === n, `${count} acquisitions, expected ${n}`);
  check(!lock.locked(), "the lock is still held");
  return { n, seconds, rate: n / seconds, unit: "acquisitions/s" };
}

await measure(spec, (warm) => run(() => main(sized(param(spec, "n"), warm, tasksCount))));
