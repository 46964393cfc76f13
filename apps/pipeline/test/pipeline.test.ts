import { createTask, run, sleep } from "@aio/tasks";
import { describe, expect, it } from "vitest";
import { runPipeline } from "../src/pipeline.js";
import { startApp } from "./support/app-process.js";

/** True if a process with this pid exists (a zombie counts: it still has its pid). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

function expectedOutput(lines: number): { produced: number; transformed: number; sum: bigint } {
  let produced = 0;
  let transformed = 0;
  let sum = 0n;
  for (let i = 1n; i <= BigInt(lines); i++) {
    produced += String(i).length + 1;
    transformed += String(i * i).length + 1;
    sum += i * i;
  }
  return { produced, transformed, sum };
}

describe("pipeline (dist/main.js)", () => {
  it("pipes 100000 lines through producer | transformer | consumer", async () => {
    const { code, stdout, stderr } = await startApp("main.js", ["--lines", "100000"]).exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const { produced, transformed, sum } = expectedOutput(100_000);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^started: producer \(pid \d+\) \| transformer \(pid \d+\) \| consumer \(pid \d+\)$/);
    expect(lines.slice(1)).toEqual([
      `pumped ${produced} bytes producer -> transformer, ${transformed} bytes transformer -> consumer`,
      `consumer: lines=100000 sum=${sum}`,
      "exit codes: 0, 0, 0",
    ]);
  });

  it("on SIGINT kills and reaps its children, then exits with 130", async () => {
    const app = startApp("main.js", ["--lines", "0"]);
    const started = await app.waitForLine(/^started: producer \(pid (\d+)\) \| transformer \(pid (\d+)\) \| consumer \(pid (\d+)\)$/);
    const pids = started.slice(1, 4).map(Number);
    expect(pids.every(exists)).toBe(true);
    app.child.kill("SIGINT");
    const { code, stdout } = await app.exited;
    expect(code).toBe(130);
    expect(stdout.trimEnd().split("\n").slice(1)).toEqual([
      `killed: producer (pid ${pids[0]}, returncode -9), transformer (pid ${pids[1]}, returncode -9), consumer (pid ${pids[2]}, returncode -9)`,
      "pipeline cancelled (Ctrl-C)",
    ]);
    expect(pids.filter(exists)).toEqual([]);
  });

  it("on SIGTERM cancels the same way and exits with 143", async () => {
    const app = startApp("main.js", ["--lines", "0"]);
    const pids = (await app.waitForLine(/pid (\d+)\) \| transformer \(pid (\d+)\) \| consumer \(pid (\d+)\)$/)).slice(1, 4).map(Number);
    app.child.kill("SIGTERM");
    const { code, stdout } = await app.exited;
    expect(code).toBe(143);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("pipeline cancelled (SIGTERM)");
    expect(pids.filter(exists)).toEqual([]);
  });
});

describe("runPipeline", () => {
  it("returns the consumer's output, the bytes pumped and the exit codes", async () => {
    const log: string[] = [];
    const result = await run(() => runPipeline({ lines: 10, log: (line) => log.push(line) }));
    expect(result).toEqual({ output: "lines=10 sum=385", pumped: [21, 28], exitCodes: [0, 0, 0] }); // "1\n".."10\n", "1\n".."100\n"
    expect(log).toHaveLength(1);
  });

  it("kills the children when its task is cancelled", async () => {
    const { pids, outcome, log } = await run(async () => {
      const log: string[] = [];
      let pids: number[] = [];
      const task = createTask(() => runPipeline({ lines: 0, onStarted: (started) => (pids = started), log: (line) => log.push(line) }));
      while (pids.length === 0) await sleep(0.01);
      task.cancel();
      const outcome = await task.then(() => "finished", (error: unknown) => (error as Error).name);
      return { pids, outcome, log };
    });
    expect(outcome).toBe("CancelledError");
    expect(log.at(-1)).toMatch(/^killed: producer \(pid \d+, returncode -9\), transformer .*, consumer .*$/);
    expect(pids.filter(exists)).toEqual([]);
  });
});
