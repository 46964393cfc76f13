/**
 * Child processes of the runner: each runs in its own process group, is bounded by a timeout, and is
 * killed with its whole group (a workload's own children included) when it overruns, when the runner is
 * done with it, or when the runner itself is interrupted.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

/** Every process group still alive, so an interrupted runner can take them all down. */
const live = new Set<ChildProcess>();

/** Kills a child's whole process group (it leads one: spawned detached). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    for (const child of live) {
      killGroup(child);
    }
    process.stderr.write(`\nbench: interrupted by ${signal}; killed ${live.size} child process group(s)\n`);
    process.exit(130);
  });
}
process.once("exit", () => {
  for (const child of live) {
    killGroup(child);
  }
});

export interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly wallSeconds: number;
}

export interface StartOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A started child with its collected output. */
export class Child {
  readonly process: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #started = performance.now();

  constructor(command: string, args: readonly string[], options: StartOptions) {
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this.process);
    this.process.stdout?.setEncoding("utf8").on("data", (text: string) => {
      this.stdout += text;
    });
    this.process.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) => {
      this.process.once("error", (error) => {
        this.stderr += `${error.message}\n`;
        live.delete(this.process);
        resolve({ code: null, signal: null });
      });
      this.process.once("close", (code, signal) => {
        live.delete(this.process);
        resolve({ code, signal });
      });
    });
  }

  /** Seconds since the child started. */
  elapsed(): number {
    return (performance.now() - this.#started) / 1000;
  }

  /** Resolves with the first stdout line matching `pattern`, or null on exit or timeout. */
  async waitForLine(pattern: RegExp, timeoutSeconds: number): Promise<RegExpExecArray | null> {
    const deadline = performance.now() + timeoutSeconds * 1000;
    let done = false;
    void this.exited.then(() => {
      done = true;
    });
    while (performance.now() < deadline) {
      for (const line of this.stdout.split("\n")) {
        const match = pattern.exec(line);
        if (match !== null) {
          return match;
        }
      }
      if (done) {
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return null;
  }

  /** Waits for the exit, killing the group at the deadline; always leaves no process of the group behind. */
  async finish(timeoutSeconds: number): Promise<Outcome> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(this.process);
    }, timeoutSeconds * 1000);
    const { code, signal } = await this.exited;
    clearTimeout(timer);
    // The leader is gone; anything it left in its group goes too.
    killGroup(this.process);
    return { code, signal, stdout: this.stdout, stderr: this.stderr, timedOut, wallSeconds: this.elapsed() };
  }

  /** Stops a server child: SIGTERM to the group, SIGKILL after a grace period. */
  async stop(graceSeconds = 2): Promise<void> {
    killGroup(this.process, "SIGTERM");
    const timer = setTimeout(() => killGroup(this.process), graceSeconds * 1000);
    await this.exited;
    clearTimeout(timer);
    killGroup(this.process);
  }
}

/** Runs a child to completion under a timeout. */
export function runChild(command: string, args: readonly string[], options: StartOptions, timeoutSeconds: number): Promise<Outcome> {
  return new Child(command, args, options).finish(timeoutSeconds);
}

/** Resident MiB of a live process, from /proc (Linux), or null. */
export function residentMb(pid: number | undefined): number | null {
  if (pid === undefined) {
    return null;
  }
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    // No /proc (not Linux) or the process is gone: the figure is simply unknown.
    return null;
  }
}
