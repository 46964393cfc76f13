/**
 * Python's `repr` of queue items, for `Queue.toString()` (`_queue=[1, 'a', (2, 3)]`).
 * Mirrors CPython's int/float/str/list/None/bool reprs closely enough for messages and tests.
 */

/** A Python-shaped repr of `value`: strings quoted with ', arrays as lists, null as None. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return stringRepr(value);
  if (typeof value === "number") return Number.isNaN(value) ? "nan" : value === Infinity ? "inf" : value === -Infinity ? "-inf" : String(value);
  if (typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  return (value as { toString(): string }).toString();
}

/** Python's str repr: single quotes unless the text has ' and no ", then \\, \n, \r, \t and \xNN escapes. */
function stringRepr(text: string): string {
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
