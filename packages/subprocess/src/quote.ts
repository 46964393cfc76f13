/**
 * quote: make a string safe as one shell word. Mirrors CPython 3.13 shlex.quote.
 * Shell strings given to createSubprocessShell are the caller's to quote; exec never uses a shell.
 */

const UNSAFE = /[^\w@%+=:,./-]/;

/**
 * The string as one shell word: unchanged when it is safe, else in single quotes.
 * @throws TypeError when `s` is not a string.
 * @example
 * createSubprocessShell(`ls -l ${quote(userPath)}`)
 * @see https://docs.python.org/3/library/shlex.html#shlex.quote
 */
export function quote(s: string): string {
  if (typeof s !== "string") {
    throw new TypeError(`expected string or bytes-like object, got '${s === null ? "null" : typeof s}'`);
  }
  if (s.length === 0) return "''";
  if (!UNSAFE.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}
