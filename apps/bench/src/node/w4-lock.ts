/** W4 raw Node floor: 100 async functions take one FIFO mutex 200,000 times in all, holding it across one setImmediate. */
import { check, fail, measure, now, param, readSpec, sized } from "../common.ts";
import { Mutex } from "./mutex.ts";
import { yieldOnce } from "./yield-once.ts";

const spec = readSpec();
const tasks = param(spec, "tasks");

await measure(spec, async (warm) => {
  const n = sized(param(spec, "n"), warm, tasks);
  check(n % tasks === 0, `n=${n} must be a multiple of tasks=${tasks}`);
  const share = n / tasks;
  let holders = 0;
  let count = 0;
  const worker = async (lock: Mutex): Promise<void> => {
    for (let k = 0; k < share; k++) {
      await lock.acquire();
      try {
        holders++;
        if (holders !== 1) {
          fail(`${holders} holders of the lock at once`);
        }
        await yieldOnce();
        holders--;
        count++;
      } finally {
        lock.release();
      }
    }
  };
  const lock = new Mutex();
  const start = now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < tasks; i++) {
    running.push(worker(lock));
  }
  await Promise.all(running);
  const seconds = now() - start;
  check(count === n, `${count} acquisitions, expected ${n}`);
  check(!lock.locked(), "the lock is still held");
  return { n, seconds, rate: n / seconds, unit: "acquisitions/s" };
});
