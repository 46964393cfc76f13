/** Kills, after each test, the child processes a test file started and did not reap. */
import { afterEach } from "vitest";
import type { Process } from "@aio/subprocess";

/**
 * Call at a test file's top level: returns `track(proc)`, which remembers `proc` so that it is
 * killed (SIGKILL) after the test if it is still running (a last resort after the test's own reaping).
 */
export function processTracker(): (proc: Process) => Process {
  const started: Process[] = [];
  afterEach(() => {
    for (const proc of started.splice(0)) {
      if (proc.returncode === null) {
        try {
          process.kill(proc.pid, "SIGKILL");
        } catch {
          // Already gone: nothing to clean up.
        }
      }
    }
  });
  return (proc) => {
    started.push(proc);
    return proc;
  };
}
