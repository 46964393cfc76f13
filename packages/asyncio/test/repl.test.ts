import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "repl.js");

/** Feeds `input` to aio-repl on stdin and returns what it printed. */
function runRepl(input: string): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`aio-repl did not exit; output so far:\n${stdout}`));
    }, 15_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ stdout, code });
    });
    child.stdin.end(input);
  });
}

describe("aio-repl", () => {
  // mirrors the behaviour of CPython 3.13 asyncio/__main__.py (python -m asyncio)
  it("runs each input in a task on a running loop, in order, with asyncio imported", async () => {
    const { stdout, code } = await runRepl(
      [
        "await asyncio.sleep(0.01, 42)",
        "asyncio.currentTask() !== null",
        'const t = asyncio.createTask(() => asyncio.sleep(0.01, "bg"))',
        "await t",
        "await asyncio.waitFor(asyncio.sleep(10), 0.01).catch((e) => e.name)",
        "asyncio.getRunningLoop().isRunning()",
        ".exit",
        "",
      ].join("\n"),
    );
    expect(code).toBe(0);
    const lines = stdout.replaceAll("aio> ", "").trim().split("\n");
    expect(lines[0]).toMatch(/^aio REPL \(Node v\d+/);
    expect(lines.slice(1)).toEqual(["42", "true", "undefined", "'bg'", "'TimeoutError'", "true"]);
  });

  // Node's REPL stops reading piped input after an uncaught error (plain `node -i` does too).
  it("reports an input's error as Node's REPL does and exits cleanly", async () => {
    const { stdout, code } = await runRepl(["await asyncio.gather(Promise.reject(new RangeError('bad')))", ""].join("\n"));
    expect(code).toBe(0);
    expect(stdout).toContain("Uncaught RangeError: bad");
  });
});
