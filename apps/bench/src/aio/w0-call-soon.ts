/** W0 on @aio: 1,000,000 `loop.callSoon` callbacks that do nothing, in batches of 1,000 from a driver callback. Mirrors python/w0_call_soon.py. */
import { newEventLoop } from "@aio/loop";
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
  const loop = newEventLoop();
  const stop = (): void => {
    loop.stop();
  };
  const driver = (): void => {
    for (let i = 0; i < batch; i++) {
      loop.callSoon(noop);
    }
    driven++;
    // FIFO: the driver (or the final stop) runs after the batch it just scheduled.
    loop.callSoon(driven < batches ? driver : stop);
  };
  loop.callSoon(driver);
  const start = now();
  await loop.runForever();
  const seconds = now() - start;
  loop.close();
  check(count === n, `${count} callbacks ran, expected ${n}`);
  return { n, seconds, rate: n / seconds, unit: "callbacks/s" };
});
