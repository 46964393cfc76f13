/**
 * Python's `repr()` and `reprlib.repr()` of JavaScript values, for reprs and messages that quote
 * values as CPython does: arrays as lists, Sets as sets, Maps and plain objects as dicts, strings
 * with Python's quotes and escapes, `None`, `True`, `nan`. Objects with their own `toString()`
 * (futures, tasks, handles, transports) show it. In `repr()` a container that holds itself shows
 * `[...]` / `{...}` as in Python; `reprlib.repr()` stops at its nesting level instead.
 */
import { _pyNumberRepr, _pyStrRepr } from "./type-name.js";

/** reprlib's maxlist / maxset (items shown before "..."), maxdict, maxstring and maxlevel. */
const MAX_ITEMS = 6;
const MAX_ENTRIES = 4;
const MAX_STRING = 30;
const MAX_LEVEL = 6;

/** Containers being shown, so that one holding itself prints `[...]` instead of recursing. */
const inProgress = new Set<object>();

/**
 * Python's `repr(value)`.
 * @internal
 */
export function _pyRepr(value: unknown): string {
  return show(value, Infinity, false);
}

/**
 * Python's `reprlib.repr(value)`: long strings and containers are cut with "...".
 * @internal
 */
export function _pyReprlib(value: unknown): string {
  return show(value, MAX_LEVEL, true);
}

function show(value: unknown, level: number, limited: boolean): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return limited ? reprString(value) : _pyStrRepr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return _pyNumberRepr(value);
  if (typeof value === "function") return `<function ${value.name || "<anonymous>"}>`;
  if (typeof value !== "object") {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only symbols remain.
    return String(value);
  }
  if (value instanceof Error) return `${value.name}(${value.message ? _pyStrRepr(value.message) : ""})`;
  const isArray = Array.isArray(value);
  const entries = value instanceof Map ? value.entries() : isPlainObject(value) ? Object.entries(value).values() : null;
  if (!isArray && !(value instanceof Set) && entries === null) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a custom toString is the object's repr; the default is replaced below.
    const text = String(value);
    return text !== "[object Object]" ? text : `<${value.constructor?.name ?? "object"} object>`;
  }
  if (value instanceof Set && value.size === 0) return "set()";
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (level <= 0) return `${open}...${close}`;
  // repr() detects a container inside itself; reprlib relies on its level limit alone.
  if (!limited && inProgress.has(value)) return `${open}...${close}`;
  inProgress.add(value);
  try {
    const inner = (item: unknown): string => show(item, level - 1, limited);
    if (entries === null) return `${open}${items(value as Iterable<unknown>, limited ? MAX_ITEMS : Infinity, inner)}${close}`;
    return `{${items(entries, limited ? MAX_ENTRIES : Infinity, (entry) => {
      const [key, item] = entry as [unknown, unknown];
      return `${inner(key)}: ${inner(item)}`;
    })}}`;
  } finally {
    inProgress.delete(value);
  }
}

function items(values: Iterable<unknown>, max: number, showItem: (item: unknown) => string): string {
  const parts: string[] = [];
  for (const item of values) {
    if (parts.length >= max) {
      parts.push("...");
      break;
    }
    parts.push(showItem(item));
  }
  return parts.join(", ");
}

/** A plain object (Python's dict) without a `toString` of its own (which would be its repr). */
function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const toString = (value as { toString?: unknown }).toString;
  return toString === undefined || toString === Object.prototype.toString;
}

/**
 * reprlib.Repr.repr_str: the repr of the first `maxstring` characters; when that is longer than
 * `maxstring` (quotes and escapes count), the repr of the text's two ends, cut to keep the quotes.
 */
function reprString(text: string): string {
  const whole = _pyStrRepr(text.slice(0, MAX_STRING));
  if (whole.length <= MAX_STRING) return whole;
  const head = Math.floor((MAX_STRING - 3) / 2);
  const tail = MAX_STRING - 3 - head;
  const shown = _pyStrRepr(text.slice(0, head) + text.slice(text.length - tail));
  return `${shown.slice(0, head)}...${shown.slice(shown.length - tail)}`;
}
