/** Text of the default exception handler. Mirrors CPython 3.13 BaseEventLoop.default_exception_handler. */
import type { ExceptionContext } from "@aio/core";
import { toText } from "./format.js";

function repr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "object" || typeof value === "function") {
    const text = toText(value);
    if (text !== "[object Object]") return text;
    try {
      return JSON.stringify(value);
    } catch {
      // A cyclic object has no JSON form; its class name is the best short description.
      return `<${value.constructor?.name ?? "object"}>`;
    }
  }
  return toText(value);
}

/** The log text (message, then `key: value` lines in sorted key order) and the exception to append. */
export function formatExceptionContext(context: ExceptionContext): [string, unknown] {
  const message = context.message || "Unhandled exception in event loop";
  const lines = [message];
  for (const key of Object.keys(context).sort()) {
    if (key === "message" || key === "exception") continue;
    const value = context[key];
    if (value === undefined) continue;
    let text: string;
    if (key === "source_traceback") text = `Object created at (most recent call last):\n${toText(value)}`;
    else if (key === "handle_traceback") text = `Handle created at (most recent call last):\n${toText(value)}`;
    // A collected future is reported by its repr (a string): shown as Python shows the future.
    else if ((key === "future" || key === "task") && typeof value === "string") text = value;
    else text = repr(value);
    lines.push(`${key}: ${text}`);
  }
  return [lines.join("\n"), context.exception ?? undefined];
}
