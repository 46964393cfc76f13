/**
 * Python's type names and scalar reprs of JavaScript values, for messages and reprs that quote
 * them as CPython does ("not 'str'", `_queue=["it's", nan]`).
 */

/**
 * `str`, `int`, `float`, `bool`, `tuple` (arrays), `bytes` (Uint8Array), `NoneType`, else the
 * constructor's name.
 * @internal
 */
export function _pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "tuple";
  if (value instanceof Uint8Array) return "bytes";
  if (typeof value === "object") return (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
  if (typeof value === "function") return "function";
  return typeof value;
}

/**
 * Python's `repr(str)`: single quotes unless the text holds ' and no ", with \\, \n, \r, \t
 * and \xNN escapes.
 * @internal
 */
export function _pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === "\\") out += "\\\\";
    else if (char === quote) out += `\\${quote}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return out + quote;
}

/**
 * Python's `repr` of a number: `nan`, `inf` and `-inf` where JavaScript says NaN and Infinity.
 * @internal
 */
export function _pyNumberRepr(value: number | bigint): string {
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  return String(value);
}
