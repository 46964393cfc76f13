/**
 * Python's name for the type of a JavaScript value, for error messages that quote it as CPython
 * does ("not 'str'", "instances of 'int' and 'str'").
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
