/**
 * The OSErrors our socket object raises, worded as Python's socket module words them
 * (`[Errno 9] Bad file descriptor`), and address formatting for messages.
 * Mirrors the errno/strerror pairs of CPython's socket module on Linux.
 */
import { getSystemErrorMap } from "node:util";
import { BrokenPipeError, OSError, fromNodeError } from "@aio/core";
import type { SocketAddress } from "./addresses.js";

/** Linux errno numbers and strerror texts for the errors raised without a Node error behind them. */
const ERRNO = {
  EBADF: [9, "Bad file descriptor"],
  EINVAL: [22, "Invalid argument"],
  EADDRINUSE: [98, "Address already in use"],
  EPIPE: [32, "Broken pipe"],
  EDESTADDRREQ: [89, "Destination address required"],
  ESOCKTNOSUPPORT: [94, "Socket type not supported"],
  EOPNOTSUPP: [95, "Operation not supported"],
  EAFNOSUPPORT: [97, "Address family not supported by protocol"],
  EISCONN: [106, "Transport endpoint is already connected"],
  ENOTCONN: [107, "Transport endpoint is not connected"],
} as const;

/** An errno code our socket raises itself. */
export type SockErrno = keyof typeof ERRNO;

/** Python's `OSError(errno, strerror)` for `code` (BrokenPipeError for EPIPE), with an optional note. */
export function sockError(code: SockErrno, note?: string): OSError {
  const [errno, strerror] = ERRNO[code];
  const message = `[Errno ${errno}] ${strerror}${note === undefined ? "" : `: ${note}`}`;
  return code === "EPIPE" ? new BrokenPipeError(message, { code, errno }) : new OSError(message, { code, errno });
}

/**
 * A Node error as the OSError subclass Python raises, with Python's message: `[Errno 111]
 * Connect call failed ('127.0.0.1', 80)` when `context` is given, else `[Errno 2] No such file
 * or directory`. Errors without an errno are returned as `fromNodeError` gives them.
 */
export function translateError(error: Error, context?: string): Error {
  const mapped = fromNodeError(error) as Error;
  if (!(mapped instanceof OSError) || mapped.errno === undefined) return mapped;
  const Class = mapped.constructor as new (message: string, options: object) => OSError;
  // libuv's texts are lower case ("connection refused"); Python prints strerror's "Connection refused".
  // An errno libuv does not know keeps Node's own message.
  const text = getSystemErrorMap().get(-mapped.errno)?.[1];
  const strerror = text === undefined ? error.message : text.charAt(0).toUpperCase() + text.slice(1);
  return new Class(`[Errno ${mapped.errno}] ${context ?? strerror}`, { code: mapped.code, errno: mapped.errno, cause: error });
}

/** An address in Python's repr: `('127.0.0.1', 80)`, `'/tmp/s'`. */
export function formatAddress(address: SocketAddress | null): string {
  if (address === null) return "None";
  if (typeof address === "string") return `'${address}'`;
  return `(${address.map((part) => (typeof part === "string" ? `'${part}'` : String(part))).join(", ")})`;
}
