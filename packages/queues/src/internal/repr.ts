/**
 * Python's `repr` of queue items, for `Queue.toString()` (`_queue=[1, 'a', (2, 3)]`).
 * Mirrors CPython's int/float/str/list/None/bool reprs closely enough for messages and tests.
 */
import { _pyNumberRepr, _pyStrRepr } from "@aio/core";

/** A Python-shaped repr of `value`: strings quoted with ', arrays as lists, null as None. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return _pyStrRepr(value);
  if (typeof value === "number" || typeof value === "bigint") return _pyNumberRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  return (value as { toString(): string }).toString();
}
