/** Formatting of callbacks for reprs and log lines. Mirrors CPython 3.13 asyncio/format_helpers.py. */

/**
 * `String(value)` for any value: objects that matter here (handles, futures, tasks, loops) carry
 * a Python-shaped `toString()`, and anything else still needs some text in a log line.
 */
export function toText(value: unknown): string {
  return String(value);
}

function formatArg(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (typeof value === "function") return value.name || "<anonymous>";
  if (typeof value === "object") {
    const text = toText(value);
    return text === "[object Object]" ? `<${value.constructor?.name ?? "object"}>` : text;
  }
  return toText(value);
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
  return debug ? `${name}(${args.map(formatArg).join(", ")})` : `${name}()`;
}
