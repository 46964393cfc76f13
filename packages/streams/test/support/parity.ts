/**
 * Helpers of the parity suites (parity-*.test.ts): a program's printed lines in Python's forms,
 * compared with what the same program prints under CPython 3.13.
 */
import type { BaseEventLoop } from "@aio/loop";
import { inLoop } from "./loop.js";

/** Python's repr of bytes (shared with the other parity suites). */
export { pyBytes } from "@aio-tools/test-support";

/** Python's `type(x).__name__` for an error (JS classes mapped back to Python's). */
export function pyType(error: unknown): string {
  if (error instanceof RangeError) return "ValueError";
  if (error instanceof Error) return error.name;
  return typeof error;
}

/** True when two addresses are equal (arrays compared by value). */
export const sameAddress = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Bytes from a latin-1 string, as Python's b"..." literal. */
export const b = (text: string): Buffer => Buffer.from(text, "latin1");

/**
 * Runs `body` as the main task of a fresh loop and returns the lines it printed, each part
 * shown with `show` (each suite shows values its own way).
 */
export async function runProgram(
  show: (value: unknown) => string,
  body: (print: (...parts: unknown[]) => void, loop: BaseEventLoop) => Promise<void>,
): Promise<string[]> {
  const lines: string[] = [];
  const print = (...parts: unknown[]): void => {
    lines.push(parts.map(show).join(" "));
  };
  await inLoop((loop) => body(print, loop), 8_000);
  return lines;
}
