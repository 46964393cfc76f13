/** Runs an app's built entry points as child processes and reads their output line by line. */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

/** A running entry point: its output so far, and waits on lines and on the exit. */
export interface AppProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line (past or future) matching `pattern`. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name) and all output. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts entry points of the app built into `dist` (a folder path or file URL). */
export function appRunner(dist: string | URL): { startApp: (entry: string, args?: readonly string[]) => AppProcess } {
  const folder = typeof dist === "string" ? dist : fileURLToPath(dist);
  return { startApp: (entry, args = []) => startApp(join(folder, entry), args) };
}

/** Starts `node <script> ...args`; the process is killed when the test ends if still running. */
export function startApp(script: string, args: readonly string[] = []): AppProcess {
  if (!existsSync(script)) throw new Error(`${script} is missing: build the app first (tsc -b)`);
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const watchers: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const watcher of [...watchers]) {
        const match = line.match(watcher.pattern);
        if (match !== null) {
          watchers.splice(watchers.indexOf(watcher), 1);
          watcher.resolve(match);
        }
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const waitForLine = (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (const line of lines) {
      const match = line.match(pattern);
      if (match !== null) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      watchers.push({ pattern, resolve });
      void exited.then(({ code, stderr: err }) => reject(new Error(`exited (${code}) before printing ${pattern}: ${err}`)));
    });
  };
  return { child, lines, waitForLine, exited };
}
