/** Formatting of callbacks for reprs and log lines. Mirrors CPython 3.13 asyncio/format_helpers.py. */
import { reprValue } from "@aio/futures";

/**
 * `String(value)` for any value: objects that matter here (handles, futures, tasks, loops) carry
 * a Python-shaped `toString()`, and anything else still needs some text in a log line.
 */
export function toText(value: unknown): string {
  return String(value);
}

/**
 * `name(arg, ...)` like Python's `_format_callback_source`: the arguments only in debug mode, since
 * they may hold sensitive data (format_helpers._format_args_and_kwargs). JavaScript has no source
 * position to add.
 */
export function formatCallbackSource(
  callback: (...args: never[]) => unknown,
  args: readonly unknown[],
  debug: boolean,
): string {
  const name = callback.name.replace(/^bound /, "") || "<anonymous>";
  // format_helpers._format_args_and_kwargs: reprlib.repr of each argument.
  return debug ? `${name}(${args.map(reprValue).join(", ")})` : `${name}()`;
}
