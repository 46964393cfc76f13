/**
 * Python's `repr()` of a bytes object, for parity tests that print what a program read:
 * `b'..'` with `\\`, `\'`, `\n`, `\r`, `\t` and `\xNN` escapes, and `b".."` (with a bare `'`)
 * when the bytes hold a `'` and no `"`, as CPython chooses.
 */
export function pyBytes(data: Uint8Array): string {
  let body = "";
  for (const byte of data) {
    if (byte === 0x5c) body += "\\\\";
    else if (byte === 0x27) body += "\\'";
    else if (byte === 0x0a) body += "\\n";
    else if (byte === 0x0d) body += "\\r";
    else if (byte === 0x09) body += "\\t";
    else if (byte < 0x20 || byte >= 0x7f) body += `\\x${byte.toString(16).padStart(2, "0")}`;
    else body += String.fromCharCode(byte);
  }
  if (data.includes(0x27) && !data.includes(0x22)) return `b"${body.replaceAll("\\'", "'")}"`;
  return `b'${body}'`;
}
