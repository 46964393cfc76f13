/**
 * W0 raw Node floor: 1,000,000 no-op callbacks in batches of 1,000 from a driver callback, run by the
 * smallest possible ready queue (a plain array drained once per setImmediate turn, no handle objects).
 */
import { check, measure, now, param, readSpec, sized } from "../common.ts";

const spec = readSpec();
const batch = param(spec, "batch");

await measure(spec, async (warm) => {
  const n = sized(param(spec, "n"), warm, batch);
  const batches = n / batch;
  let count = 0;
  let driven = 0;
  const noop = (): void => {
    count++;
  };
  let ready: (() => void)[] = [];
  const start = now();
  await new Promise<void>((resolve) => {
    const driver = (): void => {
      for (let i = 0; i < batch; i++) {
        ready.push(noop);
      }
      driven++;
      // FIFO: the driver (or the end) runs after the batch it just scheduled.
      ready.push(driven < batches ? driver : resolve);
    };
    const turn = (): void => {
      const callbacks = ready;
      ready = [];
      for (const callback of callbacks) {
        callback();
      }
      if (ready.length > 0) {
        setImmediate(turn);
      }
    };
    ready.push(driver);
    setImmediate(turn);
  });
  const seconds = now() - start;
  check(count === n, `${count} callbacks ran, expected ${n}`);
  return { n, seconds, rate: n / seconds, unit: "callbacks/s" };
});
