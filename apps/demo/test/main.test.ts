import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const main = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");

describe("demo", () => {
  it("runs tasks, a TaskGroup, a timeout, a queue and a TCP echo, and prints each", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [main], { timeout: 20_000 });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^@aio demo on Node v\d+/);
    expect(lines.slice(1, -1)).toEqual([
      "gather: slow, fast",
      "TaskGroup: sibling got CancelledError",
      "TaskGroup: raised ExceptionGroup with [one child failed]",
      "timeout: TimeoutError after 10 ms",
      "queue: 4 jobs done by 2 workers",
    ]);
    expect(lines.at(-1)).toMatch(/^echo server on port \d+ replied: hello over TCP$/);
  });
});
