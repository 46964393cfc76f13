/** Python-style repr of objects in messages. Mirrors the `{obj!r}` formatting CPython's asyncio uses. */

/** The object's own `toString()` when it has one (transports, servers), else `<ClassName object>`. */
export function repr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "function") return `<function ${value.name || "<anonymous>"}>`;
  if (typeof value === "object") {
    const own = (value as { toString?: unknown }).toString;
    if (typeof own === "function" && own !== Object.prototype.toString) return (own as () => string).call(value);
    return `<${value.constructor?.name ?? "object"} object>`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only primitives reach this line.
  return String(value);
}
