/**
 * W7a on @aio: runs of `true` through `createSubprocessExec` + `wait`, at most 8 at a time. W7b:
 * `communicate()` reading N bytes from `head -c N /dev/zero`. Mirrors python/w7_subprocess.py.
 */
import { PIPE, createSubprocessExec } from "@aio/subprocess";
import { createTask, gather, run } from "@aio/tasks";
import { allZero, check, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();

async function manyTrue(n: number): Promise<Result> {
  const parallel = param(spec, "parallel");
  let started = 0;
  const codes: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      const proc = await createSubprocessExec("true");
      codes.push(await proc.wait());
    }
  };
  const start = now();
  const workers = [];
  for (let i = 0; i < parallel; i++) {
    workers.push(createTask(() => worker()));
  }
  await gather(workers);
  const seconds = now() - start;
  check(codes.length === n, `${codes.length} processes ran, expected ${n}`);
  const bad = codes.filter((code) => code !== 0);
  check(bad.length === 0, `${bad.length} exit codes were not 0, e.g. ${bad.slice(0, 3).map(String).join(", ")}`);
  return { n, seconds, rate: n / seconds, unit: "processes/s" };
}

async function readZeros(n: number): Promise<Result> {
  const start = now();
  const proc = await createSubprocessExec("head", "-c", String(n), "/dev/zero", { stdout: PIPE });
  const [out] = await proc.communicate();
  const seconds = now() - start;
  check(proc.returncode === 0, `head exited with ${String(proc.returncode)}`);
  check(out !== null && out !== undefined, "communicate() gave no stdout");
  check(out.length === n, `read ${out.length} bytes, expected ${n}`);
  check(allZero(out), "the output is not all zero bytes");
  return { n, seconds, rate: n / 1048576 / seconds, unit: "MiB/s" };
}

await measure(spec, (warm) => {
  const n = sized(param(spec, "n"), warm);
  return run(() => (spec.workload === "W7a" ? manyTrue(n) : readZeros(n)));
});
