/**
 * loop.sendfile: send a file over a stream transport.
 * Mirrors CPython 3.13 asyncio/base_events.py (sendfile, _sendfile_fallback).
 *
 * Node has no sendfile(2) for sockets, so this is always Python's fallback: read the file in
 * chunks and write them, waiting for the write buffer to drain between chunks (memory stays
 * bounded). With `fallback: false` it raises SendfileNotAvailableError, as Python does when the
 * zero-copy path is unavailable.
 */
import type { FileHandle } from "node:fs/promises";
import { ConnectionError, RuntimeError, SendfileNotAvailableError, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, Transport } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { SocketTransport } from "./socket-transport.js";

/** Options of `loop.sendfile`. */
export interface SendfileOptions {
  /** Fall back to read/write when zero-copy is unavailable (always, on Node). Default true. */
  fallback?: boolean;
}

const CHUNK = 256 * 1024;

/**
 * Sends `count` bytes (null: to the end) of `file` from `offset`; returns the bytes sent.
 * @throws RuntimeError for a closing or non-stream transport; SendfileNotAvailableError with
 * `fallback: false`; TypeError for a bad file; RangeError for a negative offset or count;
 * ConnectionError when the peer closes during the transfer.
 */
export async function sendfile(
  loop: AbstractEventLoop,
  transport: Transport,
  file: FileHandle,
  offset = 0,
  count: number | null = null,
  options: SendfileOptions = {},
): Promise<number> {
  // CPython base_events.py sendfile: the closing check comes first, then the transport's mode.
  if (transport.isClosing()) throw new RuntimeError("Transport is closing");
  if (!(transport instanceof SocketTransport)) {
    throw new RuntimeError(`sendfile is not supported for transport ${repr(transport)}`);
  }
  if (options.fallback === false) {
    // Python: a plain socket tries os.sendfile (SendfileNotAvailableError when it cannot); a TLS
    // transport only has the fallback (RuntimeError). Node has no sendfile for sockets at all.
    if ((transport._sock as { encrypted?: boolean }).encrypted === true) {
      throw new RuntimeError(`fallback is disabled and native sendfile is not supported for transport ${String(transport)}`);
    }
    throw new SendfileNotAvailableError("sendfile syscall is not supported");
  }
  if (file === null || typeof file !== "object" || typeof (file).read !== "function") {
    throw new TypeError("file should be a FileHandle from node:fs/promises opened for reading");
  }
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer (got ${offset})`);
  if (count !== null && (!Number.isInteger(count) || count <= 0)) throw new RangeError(`count must be a positive integer (got ${count})`);
  const buffer = Buffer.allocUnsafe(CHUNK);
  let sent = 0;
  let position = offset;
  for (;;) {
    const want = count === null ? CHUNK : Math.min(CHUNK, count - sent);
    if (want <= 0) break;
    const { bytesRead } = await file.read(buffer, 0, want, position);
    if (bytesRead === 0) break;
    // CPython _SendfileFallbackProtocol.drain: ConnectionError once the transport is closing.
    if (transport.isClosing()) throw new ConnectionError("Connection closed by peer");
    transport.write(Buffer.from(buffer.subarray(0, bytesRead)));
    sent += bytesRead;
    position += bytesRead;
    await drained(loop, transport);
  }
  return sent;
}

async function drained(loop: AbstractEventLoop, transport: SocketTransport): Promise<void> {
  const [, high] = transport.getWriteBufferLimits();
  if (transport.getWriteBufferSize() <= high) return;
  const future = loop.createFuture<void>() as Future<void>;
  const sock = transport._sock;
  const onDrain = (): void => {
    if (!future.done()) future.setResult(undefined);
  };
  const onClose = (): void => {
    if (!future.done()) future.setException(new ConnectionError("Connection is closed by peer"));
  };
  sock.once("drain", onDrain);
  sock.once("close", onClose);
  try {
    await awaitFuture(future);
  } finally {
    sock.removeListener("drain", onDrain);
    sock.removeListener("close", onClose);
  }
}
