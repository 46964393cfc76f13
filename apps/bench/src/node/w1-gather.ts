/** W1 raw Node floor: 100,000 async function calls that return their index, joined with Promise.all (no task objects). */
import { check, measure, now, param, readSpec, sized } from "../common.ts";

const spec = readSpec();

// A coroutine that returns at once: W1 measures task (or call) overhead alone.
async function work(i: number): Promise<number> {
  return i;
}

await measure(spec, async (warm) => {
  const n = sized(param(spec, "n"), warm);
  const start = now();
  const pending: Promise<number>[] = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) {
    pending[i] = work(i);
  }
  const results = await Promise.all(pending);
  const seconds = now() - start;
  let total = 0;
  for (const value of results) {
    total += value;
  }
  check(results.length === n, `${results.length} results, expected ${n}`);
  check(total === (n * (n - 1)) / 2, `sum ${total}, expected ${(n * (n - 1)) / 2}`);
  return { n, seconds, rate: n / seconds, unit: "tasks/s" };
});
