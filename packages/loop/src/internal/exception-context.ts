/** Text of the default exception handler. Mirrors CPython 3.13 BaseEventLoop.default_exception_handler. */
import type { ExceptionContext } from "@aio/core";
import { _pyRepr } from "@aio/core";
import { toText } from "./format.js";

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
    // Python's `{value!r}`: objects with a Python-shaped `toString()` (handles, futures, tasks) show it.
    else text = _pyRepr(value);
    lines.push(`${key}: ${text}`);
  }
  return [lines.join("\n"), context.exception ?? undefined];
}
