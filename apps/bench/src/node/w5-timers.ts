/** W5 raw Node floor: 100,000 async functions each sleep a pseudo-random 0-20 ms with setTimeout; timers/s and mean lateness. */
import { check, measure, now, param, readSpec, sized, w5DelayMs } from "../common.ts";

const spec = readSpec();

/**
 * Sleeps at least `ms` as performance.now() measures it. Node starts a timer from libuv's loop
 * time, cached at the start of the event-loop turn, so a timer can fire before its deadline by
 * the age of that cache; such a timer is re-armed for the remainder, as any correct sleep must be.
 */
function sleepMs(ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  return new Promise<void>((resolve) => {
    const tick = (): void => {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        resolve();
      } else {
        setTimeout(tick, remaining);
      }
    };
    setTimeout(tick, ms);
  });
}

await measure(spec, async (warm) => {
  const n = sized(param(spec, "n"), warm);
  let fired = 0;
  let lateTotal = 0;
  let earliest = 0;
  const sleeper = async (delayMs: number): Promise<void> => {
    const begin = performance.now();
    await sleepMs(delayMs);
    const late = performance.now() - begin - delayMs;
    fired++;
    lateTotal += late;
    if (late < earliest) {
      earliest = late;
    }
  };
  const start = now();
  const running: Promise<void>[] = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) {
    running[i] = sleeper(w5DelayMs(i));
  }
  await Promise.all(running);
  const seconds = now() - start;
  check(fired === n, `${fired} timers fired, expected ${n}`);
  check(earliest >= -1e-3, `a timer fired ${(-earliest).toFixed(3)} ms early`);
  return { n, seconds, rate: n / seconds, unit: "timers/s", late_ms: lateTotal / n };
});
