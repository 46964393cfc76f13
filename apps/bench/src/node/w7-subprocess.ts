/** W7a raw Node floor: runs of `true` through child_process.spawn, at most 8 at a time. W7b: read N bytes from `head -c N /dev/zero`. */
import { spawn } from "node:child_process";
import { allZero, check, measure, now, param, readSpec, sized } from "../common.ts";
import type { Result } from "../common.ts";

const spec = readSpec();

function runTrue(): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("true", [], { stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
}

async function manyTrue(n: number): Promise<Result> {
  const parallel = param(spec, "parallel");
  let started = 0;
  const codes: (number | null)[] = [];
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      codes.push(await runTrue());
    }
  };
  const start = now();
  const workers: Promise<void>[] = [];
  for (let i = 0; i < parallel; i++) {
    workers.push(worker());
  }
  await Promise.all(workers);
  const seconds = now() - start;
  check(codes.length === n, `${codes.length} processes ran, expected ${n}`);
  const bad = codes.filter((code) => code !== 0);
  check(bad.length === 0, `${bad.length} exit codes were not 0, e.g. ${bad.slice(0, 3).join(", ")}`);
  return { n, seconds, rate: n / seconds, unit: "processes/s" };
}

async function readZeros(n: number): Promise<Result> {
  const start = now();
  const [out, code] = await new Promise<[Buffer, number | null]>((resolve, reject) => {
    const child = spawn("head", ["-c", String(n), "/dev/zero"], { stdio: ["inherit", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    // 'close' comes after both the exit and the end of stdout, as communicate() waits for both.
    child.once("close", (exitCode) => resolve([Buffer.concat(chunks), exitCode]));
  });
  const seconds = now() - start;
  check(code === 0, `head exited with ${code}`);
  check(out.length === n, `read ${out.length} bytes, expected ${n}`);
  check(allZero(out), "the output is not all zero bytes");
  return { n, seconds, rate: n / 1048576 / seconds, unit: "MiB/s" };
}

await measure(spec, (warm) => {
  const n = sized(param(spec, "n"), warm);
  return spec.workload === "W7a" ? manyTrue(n) : readZeros(n);
});
