/** W8 raw Node floor: 100,000 async functions parked on one shared promise: resident bytes per parked call (after GC). */
import { check, collectGarbage, measure, now, param, readSpec, rssBytes } from "../common.ts";

const spec = readSpec();

// No warm-up for W8 (the runner never asks for one): a warm-up would leave heap pages behind for the measured pass to reuse.
await measure(spec, async () => {
  const n = param(spec, "n");
  let parked = 0;
  let woke = 0;
  let set = (): void => {};
  const event = new Promise<void>((resolve) => {
    set = resolve;
  });
  const waiter = async (): Promise<void> => {
    parked++;
    await event;
    woke++;
  };
  const running: Promise<void>[] = new Array<Promise<void>>(n).fill(event);
  collectGarbage();
  const before = rssBytes();
  const start = now();
  for (let i = 0; i < n; i++) {
    running[i] = waiter();
  }
  const seconds = now() - start;
  collectGarbage();
  const after = rssBytes();
  check(parked === n, `${parked} calls parked, expected ${n}`);
  check(woke === 0, `${woke} calls finished before the event was set`);
  set();
  await Promise.all(running);
  check(woke === n, `${woke} calls woke, expected ${n}`);
  return { n, seconds, rate: (after - before) / n, unit: "B/task", rss_mb: after / 1048576 };
});
