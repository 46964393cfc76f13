/**
 * The asyncio exception classes and Python's OSError family, as JavaScript Error subclasses.
 * Mirrors CPython 3.13 asyncio/exceptions.py and the builtin OSError hierarchy.
 *
 * Python's ValueError maps to RangeError and TypeError to TypeError (API.md); the rest keep their
 * Python names, set on the prototypes at the end of this file so that `String(error)` reads like
 * Python's traceback line.
 */

import * as util from "node:util";
import { _getRunningLoop } from "./running-loop.js";

/** The system's text for a (libuv, negative) errno, where Node can tell it (22.12+). */
function systemErrorText(errno: number): string | null {
  const getText = (util as { getSystemErrorMessage?: (errno: number) => string }).getSystemErrorMessage;
  if (typeof getText !== "function") return null;
  try {
    // libuv's text is C's strerror lower-cased ("no such file or directory").
    const text = getText(errno < 0 ? errno : -errno);
    return text.length === 0 ? null : text[0]!.toUpperCase() + text.slice(1);
  } catch {
    return null;
  }
}

/** Python's `RuntimeError`. */
export class RuntimeError extends Error {}

/**
 * The future or task was cancelled. The cancel message, if any, is `message`.
 * In Python this derives from BaseException; catch-all code must re-throw it (see {@link isCancelledError}).
 * @see https://docs.python.org/3/library/asyncio-exceptions.html#asyncio.CancelledError
 */
export class CancelledError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    // Capturing a stack costs microseconds, and cancellation storms make one error per task
    // (benchmark W10: 2 s of 3 s went here). Outside debug mode the error carries no frames;
    // with `loop.setDebug(true)` it has the usual stack, as Python's debug mode adds tracebacks.
    const limit = Error.stackTraceLimit;
    if (!debugStacks()) Error.stackTraceLimit = 0;
    try {
      super(message, options);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** True when the running loop is in debug mode (CancelledError then captures its stack). */
function debugStacks(): boolean {
  const loop = _getRunningLoop() as { _debug?: boolean } | null;
  return loop !== null && loop._debug === true;
}

/** True when `error` is a {@link CancelledError}: code that catches everything re-throws these. */
export function isCancelledError(error: unknown): error is CancelledError {
  return error instanceof CancelledError;
}

/** The operation is not allowed in this state. @see https://docs.python.org/3/library/asyncio-exceptions.html#asyncio.InvalidStateError */
export class InvalidStateError extends Error {}

/** Python's `EOFError`. */
export class EOFError extends Error {}

/** Options accepted by {@link OSError}. */
export interface OSErrorOptions {
  /** Node's error code, e.g. `"ECONNRESET"`. */
  code?: string | undefined;
  /** The numeric errno (negative in libuv's convention is normalised to positive). */
  errno?: number | undefined;
  /** The original Node error. */
  cause?: unknown;
  /** The system's text for the errno (Python's `strerror`). */
  strerror?: string | null | undefined;
  /** The path the failed call was about (Python's `filename`). */
  filename?: string | null | undefined;
}

/** Python's `OSError`: keeps Node's `code` and `errno`, and the Node error as `cause`. */
export class OSError extends Error {
  /** Node's error code (`"ECONNRESET"`), or undefined. */
  code: string | undefined;
  /** The positive errno number, or undefined. */
  errno: number | undefined;
  /** The system's text for the errno (`"No such file or directory"`), or null. */
  strerror: string | null;
  /** The path the failed call was about, or null. */
  filename: string | null;
  constructor(message?: string, options: OSErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.errno = options.errno === undefined ? undefined : Math.abs(options.errno);
    this.strerror = options.strerror ?? null;
    this.filename = options.filename ?? null;
  }
}

/** Python's builtin `TimeoutError` (an OSError subclass), which `asyncio.TimeoutError` aliases. */
export class TimeoutError extends OSError {}
/** Python's `BlockingIOError`. */
export class BlockingIOError extends OSError {}
/** Python's `ChildProcessError`. */
export class ChildProcessError extends OSError {}
/** Python's `ConnectionError`. */
export class ConnectionError extends OSError {}
/** Python's `BrokenPipeError`. */
export class BrokenPipeError extends ConnectionError {}
/** Python's `ConnectionAbortedError`. */
export class ConnectionAbortedError extends ConnectionError {}
/** Python's `ConnectionRefusedError`. */
export class ConnectionRefusedError extends ConnectionError {}
/** Python's `ConnectionResetError`. */
export class ConnectionResetError extends ConnectionError {}
/** Python's `FileExistsError`. */
export class FileExistsError extends OSError {}
/** Python's `FileNotFoundError`. */
export class FileNotFoundError extends OSError {}
/** Python's `InterruptedError`. */
export class InterruptedError extends OSError {}
/** Python's `IsADirectoryError`. */
export class IsADirectoryError extends OSError {}
/** Python's `NotADirectoryError`. */
export class NotADirectoryError extends OSError {}
/** Python's `PermissionError`. */
export class PermissionError extends OSError {}
/** Python's `ProcessLookupError`. */
export class ProcessLookupError extends OSError {}

// Python's errno-to-subclass table (Objects/exceptions.c, _PyExc_InitState), keyed by Node's codes.
const OS_ERROR_BY_CODE: Readonly<Record<string, new (message?: string, options?: OSErrorOptions) => OSError>> = {
  EAGAIN: BlockingIOError,
  EWOULDBLOCK: BlockingIOError,
  EALREADY: BlockingIOError,
  EINPROGRESS: BlockingIOError,
  ECHILD: ChildProcessError,
  EPIPE: BrokenPipeError,
  ESHUTDOWN: BrokenPipeError,
  ECONNABORTED: ConnectionAbortedError,
  ECONNREFUSED: ConnectionRefusedError,
  ECONNRESET: ConnectionResetError,
  EEXIST: FileExistsError,
  ENOENT: FileNotFoundError,
  EINTR: InterruptedError,
  EISDIR: IsADirectoryError,
  ENOTDIR: NotADirectoryError,
  EACCES: PermissionError,
  EPERM: PermissionError,
  ESRCH: ProcessLookupError,
  ETIMEDOUT: TimeoutError,
};

/**
 * Translates a Node error (with `code` / `errno`) into the matching Python OSError subclass,
 * keeping the original as `cause`. Errors without a code, and aio errors, are returned unchanged.
 */
export function fromNodeError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof OSError) return error;
  const nodeError = error as Error & { code?: unknown; errno?: unknown };
  if (typeof nodeError.code !== "string" || !/^E(?:AI_)?[A-Z0-9]+$/.test(nodeError.code)) return error;
  const Class = OS_ERROR_BY_CODE[nodeError.code] ?? OSError;
  const errno = typeof nodeError.errno === "number" ? nodeError.errno : undefined;
  const path = (error as { path?: unknown }).path;
  return new Class(`[Errno ${nodeError.code}] ${error.message}`, {
    code: nodeError.code,
    errno,
    cause: error,
    strerror: errno === undefined ? null : systemErrorText(errno),
    filename: typeof path === "string" ? path : null,
  });
}

/** Raised by `readexactly` / `readuntil` when EOF comes first. `partial` holds what was read. */
export class IncompleteReadError extends EOFError {
  /** The bytes read before EOF. */
  partial: Uint8Array;
  /** The total number of bytes expected, or null if unknown. */
  expected: number | null;
  constructor(partial: Uint8Array, expected: number | null) {
    const expectedText = expected === null ? "undefined" : String(expected);
    super(`${partial.length} bytes read on a total of ${expectedText} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}

/** The buffer limit was reached while looking for a separator; `consumed` bytes are to be consumed. */
export class LimitOverrunError extends Error {
  /** Total number of bytes to be consumed. */
  consumed: number;
  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}

/** Raised by `Queue.getNowait()` on an empty queue. */
export class QueueEmpty extends Error {}
/** Raised by `Queue.putNowait()` on a full queue. */
export class QueueFull extends Error {}
/** Raised by put/get on a queue that was shut down. */
export class QueueShutDown extends Error {}
/** Raised when a Barrier is broken or reset while tasks wait. */
export class BrokenBarrierError extends RuntimeError {}
/** The sendfile fast path is not available for this transport or file. */
export class SendfileNotAvailableError extends RuntimeError {}

/** Python's `NotImplementedError` (a RuntimeError): an abstract method was not overridden. */
export class NotImplementedError extends RuntimeError {}

/** Python's `KeyboardInterrupt`: raised by `run()` / `Runner.run()` after a second SIGINT. */
export class KeyboardInterrupt extends Error {}

// Python's class names, set once on the prototypes: no own `name` property on every error (a
// cancellation storm makes one CancelledError per task), and `String(error)` reads like Python's.
for (const [name, Class] of Object.entries({
  RuntimeError,
  CancelledError,
  InvalidStateError,
  EOFError,
  OSError,
  TimeoutError,
  BlockingIOError,
  ChildProcessError,
  ConnectionError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
  ProcessLookupError,
  IncompleteReadError,
  LimitOverrunError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  BrokenBarrierError,
  SendfileNotAvailableError,
  NotImplementedError,
  KeyboardInterrupt,
})) {
  Class.prototype.name = name;
}
