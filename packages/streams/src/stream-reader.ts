/**
 * StreamReader: buffered reads of lines, blocks and exact sizes from a connection.
 * Mirrors CPython 3.13 asyncio/streams.py (StreamReader).
 */
import { AssertionError } from "node:assert";
import { IncompleteReadError, LimitOverrunError, RuntimeError, _getEventLoop, _pyTypeName, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, Transport } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { ByteBuffer, ByteSink } from "./internal/byte-buffer.js";

/** The default buffer limit: 64 KiB, as Python's `_DEFAULT_LIMIT`. */
export const DEFAULT_LIMIT = 2 ** 16;

const NEWLINE = Buffer.from("\n");

/** Options of {@link StreamReader}. */
export interface StreamReaderOptions {
  /** Buffer limit in bytes for `readline`/`readuntil` (default 64 KiB). */
  limit?: number;
  loop?: AbstractEventLoop | null;
}

/**
 * Reads bytes from a connection: `read`, `readline`, `readexactly`, `readuntil`; an async
 * iterable of lines.
 * @see https://docs.python.org/3/library/asyncio-stream.html#asyncio.StreamReader
 */
export class StreamReader implements AsyncIterable<Buffer> {
  /** @internal */
  _limit: number;
  /** @internal */
  _loop: AbstractEventLoop;
  /** @internal */
  _buffer = new ByteBuffer();
  /** @internal */
  _eof = false;
  /** @internal */
  _waiter: Future<void> | null = null;
  /** @internal */
  _exception: unknown = null;
  /** @internal */
  _transport: Transport | null = null;
  /** @internal */
  _paused = false;

  /**
   * `new StreamReader(limit)` or `new StreamReader({ limit, loop })`.
   * @throws RangeError "Limit cannot be <= 0".
   */
  constructor(limit: number | StreamReaderOptions = DEFAULT_LIMIT, options: StreamReaderOptions = {}) {
    const opts = typeof limit === "object" && limit !== null ? limit : { ...options, limit };
    const value = opts.limit ?? DEFAULT_LIMIT;
    if (typeof value !== "number" || Number.isNaN(value)) throw new TypeError(`limit must be a number, got ${String(value)}`);
    if (value <= 0) throw new RangeError("Limit cannot be <= 0");
    this._limit = value;
    this._loop = opts.loop ?? _getEventLoop();
  }

  toString(): string {
    const info = ["StreamReader"];
    if (this._buffer.length > 0) info.push(`${this._buffer.length} bytes`);
    if (this._eof) info.push("eof");
    if (this._limit !== DEFAULT_LIMIT) info.push(`limit=${this._limit}`);
    if (this._waiter !== null) info.push(`waiter=${this._waiter.toString()}`);
    if (this._exception !== null) info.push(`exception=${exceptionRepr(this._exception)}`);
    if (this._transport !== null) info.push(`transport=${repr(this._transport)}`);
    if (this._paused) info.push("paused");
    return `<${info.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The error set with `setException`, or null. */
  exception(): unknown {
    return this._exception;
  }

  /** Makes pending and future reads raise `exc`. */
  setException(exc: unknown): void {
    this._exception = exc;
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      if (!waiter.cancelled()) waiter.setException(exc);
    }
  }

  /** @internal */
  _wakeupWaiter(): void {
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      if (!waiter.cancelled()) waiter.setResult(undefined);
    }
  }

  /** @throws AssertionError (Node's, from `node:assert`) "Transport already set", as Python's assert. */
  setTransport(transport: Transport): void {
    if (this._transport !== null) throw new AssertionError({ message: "Transport already set" });
    this._transport = transport;
  }

  /** @internal */
  _maybeResumeTransport(): void {
    if (this._paused && this._buffer.length <= this._limit) {
      this._paused = false;
      this._transport?.resumeReading();
    }
  }

  /** Marks the end of the stream. */
  feedEof(): void {
    this._eof = true;
    this._wakeupWaiter();
  }

  /** True when the buffer is empty and EOF was fed. */
  atEof(): boolean {
    return this._eof && this._buffer.length === 0;
  }

  /**
   * Appends received bytes (copied, as Python's `bytearray.extend`: the caller may reuse `data`);
   * pauses the transport when more than twice the limit is buffered.
   * @throws AssertionError (Node's, from `node:assert`) "feed_data after feed_eof", as Python's assert.
   */
  feedData(data: Uint8Array): void {
    if (this._eof) throw new AssertionError({ message: "feed_data after feed_eof" });
    if (data.length === 0) return;
    this._feedOwned(Buffer.from(data));
  }

  /**
   * feedData without the copy, for bytes nobody else holds (a Node socket's fresh `data`
   * chunk): the transport path then copies each byte only when a read spans chunks. @internal
   */
  _feedOwned(data: Uint8Array): void {
    if (this._eof) throw new AssertionError({ message: "feed_data after feed_eof" });
    if (data.length === 0) return;
    this._buffer.push(data);
    this._wakeupWaiter();
    if (this._transport !== null && !this._paused && this._buffer.length > 2 * this._limit) {
      try {
        this._transport.pauseReading();
        this._paused = true;
      } catch (error) {
        // Python: a transport without pause_reading (NotImplementedError) is simply forgotten.
        if (!(error instanceof Error && error.name === "NotImplementedError")) throw error;
        this._transport = null;
      }
    }
  }

  /** @internal */
  async _waitForData(funcName: string): Promise<void> {
    if (this._waiter !== null) {
      throw new RuntimeError(`${funcName}() called while another coroutine is already waiting for incoming data`);
    }
    if (this._paused) {
      this._paused = false;
      this._transport?.resumeReading();
    }
    const waiter = this._loop.createFuture<void>() as Future<void>;
    this._waiter = waiter;
    try {
      await awaitFuture(waiter);
    } finally {
      this._waiter = null;
    }
  }

  /**
   * One line ending in `\n`, or the rest before EOF (empty at EOF).
   * @throws RangeError (Python's ValueError) when the line is longer than the limit; the buffer
   * is consumed up to and including the separator, or cleared.
   */
  async readline(): Promise<Buffer> {
    try {
      return await this.readuntil(NEWLINE);
    } catch (error) {
      if (error instanceof IncompleteReadError) return error.partial as Buffer;
      if (error instanceof LimitOverrunError) {
        if (this._buffer.startsWith(NEWLINE, error.consumed)) this._buffer.drop(error.consumed + NEWLINE.length);
        else this._buffer.clear();
        this._maybeResumeTransport();
        throw new RangeError(error.message);
      }
      throw error;
    }
  }

  /**
   * Reads until one of the separators (a byte sequence, or an array of them; the shortest
   * match wins when several end at the same place).
   * @throws IncompleteReadError at EOF before a separator; LimitOverrunError past the limit;
   * RangeError for an empty separator.
   */
  async readuntil(separator: Uint8Array | string | readonly (Uint8Array | string)[] = NEWLINE): Promise<Buffer> {
    const separators = (Array.isArray(separator) ? separator : [separator]).map(toBytes);
    separators.sort((a, b) => a.length - b.length);
    if (separators.length === 0) throw new RangeError("Separator should contain at least one element");
    const minSeplen = (separators[0] as Buffer).length;
    const maxSeplen = (separators.at(-1) as Buffer).length;
    if (minSeplen === 0) throw new RangeError("Separator should be at least one-byte string");
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- Python raises whatever set_exception() was given.
    if (this._exception !== null) throw this._exception;

    let offset = 0;
    let matchStart = -1;
    let matchEnd = -1;
    for (;;) {
      const buflen = this._buffer.length;
      if (buflen - offset >= minSeplen) {
        for (const sep of separators) {
          const index = this._buffer.find(sep, offset);
          if (index !== -1) {
            const end = index + sep.length;
            if (matchEnd === -1 || end < matchEnd) {
              matchEnd = end;
              matchStart = index;
            }
          }
        }
        if (matchEnd !== -1) break;
        offset = Math.max(0, buflen + 1 - maxSeplen);
        if (offset > this._limit) {
          throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
        }
      }
      if (this._eof) {
        const chunk = this._buffer.take(this._buffer.length);
        throw new IncompleteReadError(chunk, null);
      }
      await this._waitForData("readuntil");
    }
    if (matchStart > this._limit) {
      throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
    }
    const chunk = this._buffer.take(matchEnd);
    this._maybeResumeTransport();
    return chunk;
  }

  /**
   * Up to `n` bytes (at least one unless at EOF); with `n` < 0 (the default) everything until EOF.
   */
  async read(n = -1): Promise<Buffer> {
    if (typeof n !== "number" || Number.isNaN(n)) throw new TypeError(`n must be a number, got ${String(n)}`);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- Python raises whatever set_exception() was given.
    if (this._exception !== null) throw this._exception;
    if (n === 0) return Buffer.alloc(0);
    if (n < 0) {
      // Python loops over read(limit) until b'' and joins the blocks. Moving everything buffered
      // into one growing sink at each wake-up gives the same bytes with fewer wake-ups (the
      // transport is paused less often) and copies each byte once (benchmark W7b: communicate()
      // reading 200 MiB).
      let sink: ByteSink | null = null;
      for (;;) {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- as above
        if (this._exception !== null) throw this._exception;
        if (this._eof && sink === null) {
          // Everything is here already: one take (a view when it is one chunk).
          const all = this._buffer.take(this._buffer.length);
          this._maybeResumeTransport();
          return all;
        }
        if (this._buffer.length > 0) {
          this._buffer.drainInto((sink ??= new ByteSink()));
          this._maybeResumeTransport();
        }
        if (this._eof) return (sink as ByteSink).result();
        await this._waitForData("read");
      }
    }
    if (this._buffer.length === 0 && !this._eof) await this._waitForData("read");
    const data = this._buffer.take(n);
    this._maybeResumeTransport();
    return data;
  }

  /**
   * Exactly `n` bytes.
   * @throws IncompleteReadError when EOF comes first (with what was read); RangeError for n < 0.
   */
  async readexactly(n: number): Promise<Buffer> {
    if (typeof n !== "number" || Number.isNaN(n)) throw new TypeError(`n must be a number, got ${String(n)}`);
    if (n < 0) throw new RangeError("readexactly size can not be less than zero");
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- Python raises whatever set_exception() was given.
    if (this._exception !== null) throw this._exception;
    if (n === 0) return Buffer.alloc(0);
    while (this._buffer.length < n) {
      if (this._eof) {
        const incomplete = this._buffer.take(this._buffer.length);
        throw new IncompleteReadError(incomplete, n);
      }
      await this._waitForData("readexactly");
    }
    const data = this._buffer.take(n);
    this._maybeResumeTransport();
    return data;
  }

  /** Async iteration by line, ending at EOF. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }
}

/** Python's repr of an exception: `RuntimeError()`, `ValueError('bad')`. */
function exceptionRepr(error: unknown): string {
  if (error instanceof Error) return `${error.name}(${error.message ? `'${error.message}'` : ""})`;
  return String(error);
}

function toBytes(value: Uint8Array | string): Buffer {
  if (typeof value === "string") return Buffer.from(value);
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value);
  throw new TypeError(`separator must be a bytes-like object, not '${_pyTypeName(value)}'`);
}
