/**
 * W8 on @aio: 100,000 tasks parked on one `Event`: resident bytes per parked task, after a GC before
 * and after (node --expose-gc). Mirrors python/w8_event_memory.py.
 */
import { Event } from "@aio/sync";
import { createTask, gather, run, sleep } from "@aio/tasks";
import { check, collectGarbage, measure, now, param, readSpec, rssBytes } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();

async function main(n: number): Promise<Result> {
  let parked = 0;
  let woke = 0;
  const waiter = async (event: Event): Promise<void> => {
    parked++;
    await event.wait();
    woke++;
  };
  const event = new Event();
  const tasks: ReturnType<typeof createTask>[] = [];
  collectGarbage();
  const before = rssBytes();
  const start = now();
  for (let i = 0; i < n; i++) {
    tasks.push(createTask(() => waiter(event)));
  }
  await sleep(0); // one iteration: every task runs up to event.wait()
  const seconds = now() - start;
  collectGarbage();
  const after = rssBytes();
  check(parked === n, `${parked} tasks parked, expected ${n}`);
  check(!tasks.some((task) => task.done()), "a task finished before the event was set");
  event.set();
  await gather(tasks);
  check(woke === n, `${woke} tasks woke, expected ${n}`);
  return { n, seconds, rate: (after - before) / n, unit: "B/task", rss_mb: after / 1048576 };
}

// No warm-up for W8 (the runner never asks for one): it would leave heap pages behind for the measured pass to reuse.
await measure(spec, () => run(() => main(param(spec, "n"))));
