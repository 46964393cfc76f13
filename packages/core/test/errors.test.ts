import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BlockingIOError,
  BrokenBarrierError,
  BrokenPipeError,
  CancelledError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  EOFError,
  FileExistsError,
  FileNotFoundError,
  IncompleteReadError,
  InterruptedError,
  InvalidStateError,
  IsADirectoryError,
  KeyboardInterrupt,
  LimitOverrunError,
  NotADirectoryError,
  NotImplementedError,
  OSError,
  PermissionError,
  ProcessLookupError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
  SendfileNotAvailableError,
  TimeoutError,
  fromNodeError,
  isCancelledError,
} from "../src/index.js";

type ErrorClass = new (...args: never[]) => Error;

// Each class with its Python base class (builtins and asyncio/exceptions.py).
const HIERARCHY: [ErrorClass, ErrorClass][] = [
  [RuntimeError, Error],
  [CancelledError, Error],
  [InvalidStateError, Error],
  [EOFError, Error],
  [OSError, Error],
  [TimeoutError, OSError],
  [BlockingIOError, OSError],
  [ChildProcessError, OSError],
  [ConnectionError, OSError],
  [BrokenPipeError, ConnectionError],
  [ConnectionAbortedError, ConnectionError],
  [ConnectionRefusedError, ConnectionError],
  [ConnectionResetError, ConnectionError],
  [FileExistsError, OSError],
  [FileNotFoundError, OSError],
  [InterruptedError, OSError],
  [IsADirectoryError, OSError],
  [NotADirectoryError, OSError],
  [PermissionError, OSError],
  [ProcessLookupError, OSError],
  [IncompleteReadError, EOFError],
  [LimitOverrunError, Error],
  [QueueEmpty, Error],
  [QueueFull, Error],
  [QueueShutDown, Error],
  [BrokenBarrierError, RuntimeError],
  [SendfileNotAvailableError, RuntimeError],
  [NotImplementedError, RuntimeError],
  [KeyboardInterrupt, Error],
];

function make(Class: ErrorClass): Error {
  if (Class === IncompleteReadError) return new IncompleteReadError(new Uint8Array(2), 5);
  if (Class === LimitOverrunError) return new LimitOverrunError("limit", 3);
  return new (Class as new (message?: string) => Error)("boom");
}

describe("exception classes", () => {
  it.each(HIERARCHY.map(([Class, Base]) => [Class.name, Class, Base] as const))(
    "%s has its Python name and base class",
    (name, Class, Base) => {
      const error = make(Class);
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(Base);
      expect(error).toBeInstanceOf(Error);
      expect(Object.getPrototypeOf(Class)).toBe(Base);
      expect(String(error)).toMatch(new RegExp(`^${name}: `));
    },
  );

  it("keeps Python's asyncio hierarchy where it is observable", () => {
    expect(new TimeoutError()).toBeInstanceOf(OSError);
    expect(new BrokenBarrierError()).toBeInstanceOf(RuntimeError);
    expect(new IncompleteReadError(new Uint8Array(), null)).toBeInstanceOf(EOFError);
    expect(new CancelledError()).not.toBeInstanceOf(RuntimeError);
    expect(new QueueEmpty()).not.toBeInstanceOf(RuntimeError);
  });
});

describe("CancelledError", () => {
  it("carries the cancel message", () => {
    expect(new CancelledError("why").message).toBe("why");
    expect(new CancelledError().message).toBe("");
  });
});

describe("isCancelledError", () => {
  it("is true only for CancelledError and its subclasses", () => {
    class Sub extends CancelledError {}
    expect(isCancelledError(new CancelledError())).toBe(true);
    expect(isCancelledError(new Sub())).toBe(true);
    expect(isCancelledError(new Error("CancelledError"))).toBe(false);
    expect(isCancelledError({ name: "CancelledError" })).toBe(false);
    expect(isCancelledError(null)).toBe(false);
  });
});

describe("OSError", () => {
  it("keeps code, a positive errno and the cause", () => {
    const cause = new Error("node");
    const error = new OSError("msg", { code: "ECONNRESET", errno: -104, cause });
    expect(error.code).toBe("ECONNRESET");
    expect(error.errno).toBe(104);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("msg");
  });

  it("has undefined code, errno and no cause by default", () => {
    const error = new OSError("msg");
    expect(error.code).toBeUndefined();
    expect(error.errno).toBeUndefined();
    expect("cause" in error).toBe(false);
  });
});

describe("fromNodeError", () => {
  const TABLE: [string, ErrorClass][] = [
    ["EAGAIN", BlockingIOError],
    ["EWOULDBLOCK", BlockingIOError],
    ["EALREADY", BlockingIOError],
    ["EINPROGRESS", BlockingIOError],
    ["ECHILD", ChildProcessError],
    ["EPIPE", BrokenPipeError],
    ["ESHUTDOWN", BrokenPipeError],
    ["ECONNABORTED", ConnectionAbortedError],
    ["ECONNREFUSED", ConnectionRefusedError],
    ["ECONNRESET", ConnectionResetError],
    ["EEXIST", FileExistsError],
    ["ENOENT", FileNotFoundError],
    ["EINTR", InterruptedError],
    ["EISDIR", IsADirectoryError],
    ["ENOTDIR", NotADirectoryError],
    ["EACCES", PermissionError],
    ["EPERM", PermissionError],
    ["ESRCH", ProcessLookupError],
    ["ETIMEDOUT", TimeoutError],
    ["EADDRINUSE", OSError],
    // getaddrinfo failures (Python's socket.gaierror, an OSError subclass).
    ["EAI_AGAIN", OSError],
    ["EAI_NONAME", OSError],
  ];

  it.each(TABLE)("maps %s to Python's class", (code, Class) => {
    const nodeError = Object.assign(new Error(`read ${code}`), { code, errno: -7, syscall: "read" });
    const error = fromNodeError(nodeError) as OSError;
    expect(error.constructor).toBe(Class);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.errno).toBe(7);
    expect(error.cause).toBe(nodeError);
    expect(error.message).toBe(`[Errno ${code}] read ${code}`);
  });

  it("translates a real Node system error", () => {
    let nodeError: unknown;
    try {
      readFileSync("/nonexistent/aio/file");
    } catch (error) {
      nodeError = error;
    }
    const error = fromNodeError(nodeError);
    expect(error).toBeInstanceOf(FileNotFoundError);
    expect((error as OSError).code).toBe("ENOENT");
    expect((error as OSError).errno).toBe(2);
    expect((error as OSError).cause).toBe(nodeError);
  });

  it("leaves errors without an OS code, aio errors and non-errors unchanged", () => {
    const plain = new Error("x");
    const internal = Object.assign(new TypeError("bad"), { code: "ERR_INVALID_ARG_TYPE" });
    const already = new ConnectionResetError("x");
    expect(fromNodeError(plain)).toBe(plain);
    expect(fromNodeError(internal)).toBe(internal);
    expect(fromNodeError(already)).toBe(already);
    expect(fromNodeError("text")).toBe("text");
    expect(fromNodeError(null)).toBe(null);
  });

  it("leaves errno undefined when Node gave none", () => {
    const error = fromNodeError(Object.assign(new Error("x"), { code: "EPIPE" })) as OSError;
    expect(error).toBeInstanceOf(BrokenPipeError);
    expect(error.errno).toBeUndefined();
  });
});

describe("IncompleteReadError", () => {
  it("keeps partial and expected, with Python's message", () => {
    const partial = new Uint8Array([1, 2, 3]);
    const error = new IncompleteReadError(partial, 10);
    expect(error.partial).toBe(partial);
    expect(error.expected).toBe(10);
    expect(error.message).toBe("3 bytes read on a total of 10 expected bytes");
  });

  it("says undefined when the expected size is unknown", () => {
    const error = new IncompleteReadError(new Uint8Array(2), null);
    expect(error.expected).toBeNull();
    expect(error.message).toBe("2 bytes read on a total of undefined expected bytes");
  });
});

describe("LimitOverrunError", () => {
  it("keeps the message and consumed", () => {
    const error = new LimitOverrunError("Separator is not found, and chunk exceed the limit", 7);
    expect(error.message).toBe("Separator is not found, and chunk exceed the limit");
    expect(error.consumed).toBe(7);
  });
});

describe("OSError strerror and filename", () => {
  it("carries Python's strerror and filename, from a Node error too", () => {
    const plain = new OSError("x");
    expect(plain.strerror).toBe(null);
    expect(plain.filename).toBe(null);
    const given = new FileNotFoundError("[Errno 2] No such file or directory: 'f'", { errno: 2, strerror: "No such file or directory", filename: "f" });
    expect([given.errno, given.strerror, given.filename]).toEqual([2, "No such file or directory", "f"]);
    const nodeError = Object.assign(new Error("ENOENT: no such file or directory, open '/nope'"), { code: "ENOENT", errno: -2, syscall: "open", path: "/nope" });
    const translated = fromNodeError(nodeError) as OSError;
    expect(translated).toBeInstanceOf(FileNotFoundError);
    expect(translated.errno).toBe(2);
    expect(translated.filename).toBe("/nope");
    // Node 22.12+ names the error as C's strerror does (Python's e.strerror).
    expect(translated.strerror).toBe("No such file or directory");
  });
});
