/** W2 raw Node floor: 1,000 async functions, each yielding 1,000 times through setImmediate. */
import { check, measure, now, param, readSpec, sized } from "../common.ts";
import { yieldOnce } from "./yield-once.ts";

const spec = readSpec();

await measure(spec, async (warm) => {
  const tasks = param(spec, "tasks");
  const switches = sized(param(spec, "switches"), warm);
  const n = tasks * switches;
  let count = 0;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < switches; i++) {
      await yieldOnce();
      count++;
    }
  };
  const start = now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < tasks; i++) {
    running.push(worker());
  }
  await Promise.all(running);
  const seconds = now() - start;
  check(count === n, `${count} switches, expected ${n}`);
  return { n, seconds, rate: n / seconds, unit: "switches/s" };
});
