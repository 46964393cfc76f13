/**
 * Python's ordering of numbers, strings and tuples, as a comparator for PriorityQueue.
 * Mirrors CPython's rich comparison for int/float/str/tuple (Objects/tupleobject.c tuplerichcompare).
 *
 * Tuples (arrays) compare item by item: the first pair that is not equal decides, and a prefix
 * sorts first. Strings compare by code point, which differs from JavaScript's `<` (UTF-16 code
 * units) only when one side is a surrogate and the other lies in U+E000..U+FFFF. Values Python
 * cannot order (a number against a string, objects) raise Python's TypeError.
 */
import { _pyTypeName } from "@aio/core";

function isNumeric(value: unknown): value is number | bigint | boolean {
  const kind = typeof value;
  return kind === "number" || kind === "bigint" || kind === "boolean";
}

/** Maps a UTF-16 code unit so that unit order matches code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Python's `==` (with the identity shortcut) on the values a PriorityQueue item may hold. */
function pythonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  // Python: 1 == 1.0 == True across number, bigint and boolean.
  if (isNumeric(a) && isNumeric(b)) return a == b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => pythonEquals(item, b[i]));
  }
  return false;
}

/**
 * Orders `a` and `b` like Python's `<` on int, float, str and tuple: negative, zero or positive.
 * @throws TypeError "'<' not supported between instances of 'X' and 'Y'".
 */
export function pythonCompare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a === b ? 0 : compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    // Python's tuple `<`: skip the items that are equal (`is` or `==`), then compare only the
    // first pair that is not; so equal Nones never need an order, and a NaN there decides.
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
      if (!pythonEquals(a[i], b[i])) return pythonCompare(a[i], b[i]);
    }
    return a.length - b.length;
  }
  if (isNumeric(a) && isNumeric(b)) {
    // Mixed number/bigint/boolean: compare exactly where possible (Python ints are unbounded).
    const x = typeof a === "boolean" ? Number(a) : a;
    const y = typeof b === "boolean" ? Number(b) : b;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new TypeError(`'<' not supported between instances of '${_pyTypeName(a)}' and '${_pyTypeName(b)}'`);
}
