/**
 * W5 on @aio: 100,000 tasks each `sleep` a pseudo-random 0-20 ms; timers/s and mean lateness (actual
 * minus requested, measured with `loop.time()`). Mirrors python/w5_timers.py.
 */
import { getRunningLoop } from "@aio/core";
import { createTask, gather, run, sleep } from "@aio/tasks";
import { check, measure, now, param, readSpec, sized, w5DelayMs } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();
// As for CPython: a timer may fire no earlier than float rounding of a monotonic clock allows.
const TOLERANCE = 1e-6;

async function main(n: number): Promise<Result> {
  const loop = getRunningLoop();
  let fired = 0;
  let lateTotal = 0;
  let earliest = 0;
  const sleeper = async (delay: number): Promise<void> => {
    const begin = loop.time();
    await sleep(delay);
    const late = loop.time() - begin - delay;
    fired++;
    lateTotal += late;
    if (late < earliest) {
      earliest = late;
    }
  };
  const start = now();
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const delay = w5DelayMs(i) / 1000;
    tasks.push(createTask(() => sleeper(delay)));
  }
  await gather(tasks);
  const seconds = now() - start;
  check(fired === n, `${fired} timers fired, expected ${n}`);
  check(earliest >= -TOLERANCE, `a timer fired ${(-earliest * 1000).toFixed(3)} ms early`);
  return { n, seconds, rate: n / seconds, unit: "timers/s", late_ms: (lateTotal / n) * 1000 };
}

await measure(spec, (warm) => run(() => main(sized(param(spec, "n"), warm))));
