/**
 * The loop's subprocess and pipe methods, registered with @aio/core so every loop has them once
 * @aio/subprocess is imported. Mirrors CPython 3.13 asyncio/base_events.py (subprocess_exec,
 * subprocess_shell, connect_read_pipe, connect_write_pipe).
 */
import { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { _pyTypeName, _registerLoopMethods } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { PIPE } from "./constants.js";
import { ReadPipeTransport, WritePipeTransport } from "./pipe-transports.js";
import type { ReadPipeProtocol, WritePipeProtocol } from "./pipe-transports.js";
import { makeSubprocessTransport } from "./subprocess-transport.js";
import type { SubprocessOptions, SubprocessProtocolLike, UnixSubprocessTransport } from "./subprocess-transport.js";

/**
 * Python's os.fspath for program arguments: strings, file URLs and bytes (as UTF-8).
 * @throws TypeError for anything else, with Python's message.
 */
function fspath(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof URL) return fileURLToPath(arg);
  if (arg instanceof Uint8Array) return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength).toString("utf8");
  throw new TypeError(`expected str, bytes or os.PathLike object, not ${_pyTypeName(arg)}`);
}

function isOptions(value: unknown): value is SubprocessOptions {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/** CPython base_events subprocess_exec/subprocess_shell checks, in their order. */
function checkPythonOnlyOptions(options: SubprocessOptions, shell: boolean): void {
  if (options.universalNewlines) throw new RangeError("universal_newlines must be False");
  if (shell && options.shell === false) throw new RangeError("shell must be True");
  if (!shell && options.shell) throw new RangeError("shell must be False");
  if (options.bufsize !== undefined && options.bufsize !== 0) throw new RangeError("bufsize must be 0");
  if (options.text) throw new RangeError("text must be False");
  if (options.encoding !== undefined && options.encoding !== null) throw new RangeError("encoding must be None");
  if (options.errors !== undefined && options.errors !== null) throw new RangeError("errors must be None");
}

/**
 * Starts `program` with `args` and returns `[transport, protocol]`; stdio defaults to PIPE.
 * @throws RangeError for Python-only options with non-default values; FileNotFoundError etc.
 */
export async function subprocessExec<P extends SubprocessProtocolLike>(
  loop: AbstractEventLoop,
  protocolFactory: () => P,
  program: string | URL | Uint8Array,
  ...rest: (string | URL | Uint8Array | SubprocessOptions)[]
): Promise<[UnixSubprocessTransport, P]> {
  const options: SubprocessOptions = isOptions(rest.at(-1)) ? (rest.pop() as SubprocessOptions) : {};
  checkPythonOnlyOptions(options, false);
  const args = [program, ...rest].map(fspath);
  const { stdin = PIPE, stdout = PIPE, stderr = PIPE } = options;
  const protocol = protocolFactory();
  const transport = await makeSubprocessTransport(loop, protocol, args, false, {
    ...options,
    stdin,
    stdout,
    stderr,
  });
  return [transport, protocol];
}

/**
 * Runs `cmd` through /bin/sh and returns `[transport, protocol]`; stdio defaults to PIPE.
 * @throws RangeError "cmd must be a string" for non-strings.
 */
export async function subprocessShell<P extends SubprocessProtocolLike>(
  loop: AbstractEventLoop,
  protocolFactory: () => P,
  cmd: string,
  options: SubprocessOptions = {},
): Promise<[UnixSubprocessTransport, P]> {
  if (typeof cmd !== "string") throw new RangeError("cmd must be a string");
  checkPythonOnlyOptions(options, true);
  const { stdin = PIPE, stdout = PIPE, stderr = PIPE } = options;
  const protocol = protocolFactory();
  const transport = await makeSubprocessTransport(loop, protocol, [cmd], true, { ...options, stdin, stdout, stderr });
  return [transport, protocol];
}

function readableOf(pipe: unknown): Readable {
  if (typeof pipe === "number") return new Socket({ fd: pipe, readable: true, writable: false });
  if (pipe !== null && typeof pipe === "object" && typeof (pipe as Readable).on === "function" && typeof (pipe as Readable).pause === "function") {
    return pipe as Readable;
  }
  if (pipe !== null && typeof pipe === "object" && typeof (pipe as { fd?: unknown }).fd === "number") {
    return new Socket({ fd: (pipe as { fd: number }).fd, readable: true, writable: false });
  }
  throw new TypeError(`pipe must be a file descriptor, a FileHandle or a readable stream, got ${String(pipe)}`);
}

function writableOf(pipe: unknown): Writable {
  if (typeof pipe === "number") return new Socket({ fd: pipe, readable: false, writable: true });
  if (pipe !== null && typeof pipe === "object" && typeof (pipe as Writable).write === "function" && typeof (pipe as Writable).end === "function") {
    return pipe as Writable;
  }
  if (pipe !== null && typeof pipe === "object" && typeof (pipe as { fd?: unknown }).fd === "number") {
    return new Socket({ fd: (pipe as { fd: number }).fd, readable: false, writable: true });
  }
  throw new TypeError(`pipe must be a file descriptor, a FileHandle or a writable stream, got ${String(pipe)}`);
}

/** Reads from a pipe or FIFO (a descriptor, FileHandle or readable stream) through a protocol. */
export async function connectReadPipe<P extends ReadPipeProtocol>(loop: AbstractEventLoop, protocolFactory: () => P, pipe: unknown): Promise<[ReadPipeTransport, P]> {
  const stream = readableOf(pipe);
  const protocol = protocolFactory();
  const waiter = loop.createFuture<void>() as Future<void>;
  const transport = new ReadPipeTransport(loop, stream, protocol, waiter);
  try {
    await awaitFuture(waiter);
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}

/** Writes to a pipe or FIFO (a descriptor, FileHandle or writable stream) through a protocol. */
export async function connectWritePipe<P extends WritePipeProtocol>(loop: AbstractEventLoop, protocolFactory: () => P, pipe: unknown): Promise<[WritePipeTransport, P]> {
  const stream = writableOf(pipe);
  const protocol = protocolFactory();
  const waiter = loop.createFuture<void>() as Future<void>;
  const transport = new WritePipeTransport(loop, stream, protocol, waiter);
  try {
    await awaitFuture(waiter);
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}

_registerLoopMethods({
  subprocessExec: subprocessExec,
  subprocessShell: subprocessShell,
  connectReadPipe: connectReadPipe,
  connectWritePipe: connectWritePipe,
});

declare module "@aio/core" {
  /** The process and pipe methods @aio/subprocess gives every loop: `loop.subprocessExec(...)` and the rest. */
  interface LoopIOMethods {
    subprocessExec<P extends SubprocessProtocolLike>(
      protocolFactory: () => P,
      program: string | URL | Uint8Array,
      ...rest: (string | URL | Uint8Array | SubprocessOptions)[]
    ): Promise<[UnixSubprocessTransport, P]>;
    subprocessShell<P extends SubprocessProtocolLike>(protocolFactory: () => P, cmd: string, options?: SubprocessOptions): Promise<[UnixSubprocessTransport, P]>;
    connectReadPipe<P extends ReadPipeProtocol>(protocolFactory: () => P, pipe: unknown): Promise<[ReadPipeTransport, P]>;
    connectWritePipe<P extends WritePipeProtocol>(protocolFactory: () => P, pipe: unknown): Promise<[WritePipeTransport, P]>;
  }
}
