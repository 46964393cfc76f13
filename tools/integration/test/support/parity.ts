/**
 * Helpers shared by the parity suites (parity-*.test.ts): Python's forms of what the programs
 * print, and the exception classes the Python programs define.
 */
import type { Logger } from "@aio/core";

/** Python's `str(bool)`. */
export const B = (x: boolean): string => (x ? "True" : "False");

/** Python's `class Boom(Exception)`. */
export class Boom extends Error {
  override name = "Boom";
}

/** Python's `class Oops(Exception)`. */
export class Oops extends Error {
  override name = "Oops";
}

/** Python's `repr(str)` for the plain strings these programs print. */
export const q = (s: string): string => `'${s}'`;

/** A logger sink that forwards every level to `record(levelname, message, error)`. */
export function sink(record: (level: string, message: string, error: unknown) => void): Logger {
  return {
    debug: (m, e) => record("DEBUG", m, e),
    info: (m, e) => record("INFO", m, e),
    warning: (m, e) => record("WARNING", m, e),
    error: (m, e) => record("ERROR", m, e),
  };
}

/** Busy-waits `seconds` of wall time (Python's `while time.monotonic() - t < s: pass`). */
export function busyWait(seconds: number): void {
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    // spin
  }
}

/** Python's `type(x).__name__` for what a program prints (JS error classes mapped back). */
export function pyType(value: unknown): string {
  if (value === undefined || value === null) return "NoneType";
  if (value instanceof RangeError) return "ValueError";
  if (value instanceof Error) return value.name;
  return typeof value;
}

/** A queue's str() with the arrays inside `_queue=[...]` shown as Python tuples. */
export function tuplesInRepr(text: string): string {
  const start = text.indexOf("_queue=[");
  if (start < 0) return text;
  let depth = 0;
  let out = text.slice(0, start + "_queue=".length);
  for (const ch of text.slice(start + "_queue=".length)) {
    if (ch === "[") out += depth++ === 0 ? "[" : "(";
    else if (ch === "]") out += --depth === 0 ? "]" : ")";
    else out += ch;
  }
  return out;
}
