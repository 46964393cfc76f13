/** W10 raw Node floor: 100,000 async functions parked on a one-hour setTimeout, all cancelled (clearTimeout + reject), all awaited. */
import { check, measure, now, param, readSpec, sized } from "../common.ts";

const spec = readSpec();

class Cancelled extends Error {
  override readonly name = "Cancelled";
}

await measure(spec, async (warm) => {
  const n = sized(param(spec, "n"), warm);
  let parked = 0;
  const cancels: (() => void)[] = new Array<() => void>(n);
  const sleeper = async (i: number): Promise<void> => {
    parked++;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, 3_600_000);
      cancels[i] = () => {
        clearTimeout(timer);
        reject(new Cancelled());
      };
    });
  };
  const start = now();
  const running: Promise<void>[] = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) {
    running[i] = sleeper(i);
  }
  check(parked === n, `${parked} calls parked, expected ${n}`);
  for (const cancel of cancels) {
    cancel();
  }
  const results = await Promise.allSettled(running);
  const seconds = now() - start;
  let cancelled = 0;
  for (const result of results) {
    if (result.status === "rejected" && result.reason instanceof Cancelled) {
      cancelled++;
    }
  }
  check(cancelled === n, `${cancelled} calls ended cancelled, expected ${n}`);
  return { n, seconds, rate: n / seconds, unit: "tasks/s" };
});
