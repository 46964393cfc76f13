/** Helpers shared by the parity suites (parity-*.test.ts). */
import type { Process } from "@aio/subprocess";

/** The program's `finally`: kills and reaps the child if it is still running. */
export async function reap(proc: Process): Promise<void> {
  if (proc.returncode === null) {
    proc.kill();
    await proc.wait();
  }
}

/** Python's exception class name for a JS error, per API.md (ValueError is RangeError). */
export function pyName(error: unknown): string {
  if (error instanceof RangeError) return "ValueError";
  return (error as Error).name;
}
