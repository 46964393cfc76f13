/**
 * Pipe transports: one direction of a pipe or FIFO, as a transport.
 * Mirrors CPython 3.13 asyncio/unix_events.py (_UnixReadPipeTransport, _UnixWritePipeTransport).
 *
 * They wrap Node streams (a child's stdio, or a socket opened on a pipe's descriptor). As on the
 * socket transport, data and EOF reach the protocol through `callSoon`, and Node's buffer is the
 * write buffer: the protocol is paused above the high-water mark and resumed on `drain`.
 */
import type { Readable, Writable } from "node:stream";
import { BrokenPipeError, OSError, ReadTransport, WriteTransport, _pyTypeName, fromNodeError, logger } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, LoopInternals } from "@aio/core";

type Loop = AbstractEventLoop & LoopInternals;

/** The protocol side of a read pipe. */
export interface ReadPipeProtocol {
  connectionMade(transport: unknown): void;
  dataReceived(data: Uint8Array): void;
  eofReceived?(): boolean | void;
  connectionLost(exc: unknown): void;
}

/** The protocol side of a write pipe. */
export interface WritePipeProtocol {
  connectionMade(transport: unknown): void;
  connectionLost(exc: unknown): void;
  pauseWriting?(): void;
  resumeWriting?(): void;
}

/**
 * The read end of a pipe.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.connect_read_pipe
 */
export class ReadPipeTransport extends ReadTransport {
  /** @internal */
  _loop: Loop;
  /** @internal */
  _pipe: Readable;
  /** @internal */
  _protocol: ReadPipeProtocol;
  /** @internal */
  _closing = false;
  /** @internal */
  _paused = false;
  /** @internal */
  _lost = false;

  /** @internal */
  constructor(loop: AbstractEventLoop, pipe: Readable, protocol: ReadPipeProtocol, waiter: AbstractFuture<void> | null = null, extra: Record<string, unknown> = {}) {
    super({ ...extra, pipe });
    this._loop = loop as Loop;
    this._pipe = pipe;
    this._protocol = protocol;
    pipe.pause();
    pipe.on("data", this._onData);
    pipe.on("end", this._onEnd);
    pipe.on("error", this._onError);
    pipe.on("close", this._onClose);
    this._loop.callSoon(() => this._protocol.connectionMade(this));
    this._loop.callSoon(() => {
      if (!this._paused && !this._closing) this._pipe.resume();
    });
    if (waiter !== null) {
      this._loop.callSoon(() => {
        if (!waiter.cancelled()) waiter.setResult(undefined);
      });
    }
  }

  /** @internal */
  readonly _onData = (data: Buffer): void => {
    if (this._loop.isClosed()) return;
    this._loop._callSoon1(this._deliver, data, null);
  };

  /** @internal */
  readonly _deliver = (data: Buffer): void => {
    if (this._lost) return;
    try {
      this._protocol.dataReceived(data);
    } catch (error) {
      this._fatalError(error, "Fatal read error on pipe transport");
    }
  };

  /** @internal */
  readonly _onEnd = (): void => {
    if (this._loop.isClosed()) return;
    this._loop.callSoon(() => {
      if (this._lost) return;
      this._closing = true;
      try {
        this._protocol.eofReceived?.();
      } finally {
        this._connectionLost(null);
      }
    });
  };

  /** @internal */
  readonly _onError = (error: Error): void => {
    if (this._loop.isClosed()) return;
    this._fatalError(fromNodeError(error), "Fatal read error on pipe transport");
  };

  /** @internal */
  readonly _onClose = (): void => {
    // Node emits "close" after "end" too, possibly once the loop is closed (Python's closed
    // selector would never report it): nothing is left to tell then.
    if (this._lost || this._loop.isClosed()) return;
    // A pipe closed without EOF (destroyed): tell the protocol once.
    this._loop.callSoon(() => this._connectionLost(null));
  };

  override isReading(): boolean {
    return !this._paused && !this._closing;
  }

  override pauseReading(): void {
    if (this._closing || this._paused) return;
    this._paused = true;
    this._pipe.pause();
  }

  override resumeReading(): void {
    if (this._closing || !this._paused) return;
    this._paused = false;
    this._pipe.resume();
  }

  override setProtocol(protocol: unknown): void {
    this._protocol = protocol as ReadPipeProtocol;
  }

  override getProtocol(): unknown {
    return this._protocol;
  }

  override isClosing(): boolean {
    return this._closing;
  }

  override close(): void {
    if (this._closing) return;
    this._closing = true;
    this._pipe.destroy();
    this._loop.callSoon(() => this._connectionLost(null));
  }

  /** @internal */
  _fatalError(error: unknown, message: string): void {
    if (error instanceof OSError) {
      if (this._loop._debug) logger.debug(`${String(this)}: ${message}`, error);
    } else {
      this._loop.callExceptionHandler({ message, exception: error, transport: this, protocol: this._protocol });
    }
    this._closing = true;
    this._pipe.destroy();
    this._loop.callSoon(() => this._connectionLost(error));
  }

  /** @internal */
  _connectionLost(error: unknown): void {
    if (this._lost) return;
    this._lost = true;
    this._closing = true;
    this._protocol.connectionLost(error);
  }

  override toString(): string {
    return `<ReadPipeTransport ${this._lost ? "closed" : this._closing ? "closing" : this._paused ? "paused" : "polling"}>`;
  }
}

/**
 * The write end of a pipe.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.connect_write_pipe
 */
export class WritePipeTransport extends WriteTransport {
  /** @internal */
  _loop: Loop;
  /** @internal */
  _pipe: Writable;
  /** @internal */
  _protocol: WritePipeProtocol;
  /** @internal */
  _closing = false;
  /** @internal */
  _lost = false;
  /** @internal */
  _connLost = 0;
  /** Set once `_forceClose` scheduled connectionLost (the error may be seen twice). @internal */
  _forceClosed = false;
  /** @internal */
  _protocolPaused = false;
  /** @internal */
  _highWater = 64 * 1024;
  /** @internal */
  _lowWater = 16 * 1024;

  /** @internal */
  constructor(loop: AbstractEventLoop, pipe: Writable, protocol: WritePipeProtocol, waiter: AbstractFuture<void> | null = null, extra: Record<string, unknown> = {}) {
    super({ ...extra, pipe });
    this._loop = loop as Loop;
    this._pipe = pipe;
    this._protocol = protocol;
    pipe.on("error", this._onError);
    pipe.on("close", this._onClose);
    pipe.on("drain", this._onDrain);
    this._loop.callSoon(() => this._protocol.connectionMade(this));
    if (waiter !== null) {
      this._loop.callSoon(() => {
        if (!waiter.cancelled()) waiter.setResult(undefined);
      });
    }
  }

  /** @internal */
  readonly _onError = (error: Error): void => {
    // Already handled when write() saw the error synchronously.
    if (this._forceClosed || this._loop.isClosed()) return;
    const translated = fromNodeError(error);
    if (translated instanceof BrokenPipeError || (translated instanceof OSError && translated.code === "EPIPE")) {
      // The reader went away (Python: the pipe is "closed by peer"): lose the connection quietly.
      this._forceClose(translated);
    } else {
      this._fatalError(translated, "Fatal write error on pipe transport");
    }
  };

  /** @internal */
  readonly _onClose = (): void => {
    if (this._lost || this._forceClosed || this._loop.isClosed()) return;
    // CPython _UnixWritePipeTransport._read_ready: a pipe closed by its peer while data was
    // still buffered loses the connection with BrokenPipeError. Node destroys a child's stdin
    // when the child exits, which cancels the pending writes (`errored` is ECANCELED).
    const pending = this._pipe.errored;
    const error = !this._closing && pending !== null ? new BrokenPipeError("", { code: "EPIPE", errno: 32, cause: pending }) : null;
    this._closing = true;
    this._loop.callSoon(() => this._connectionLost(error));
  };

  /** @internal */
  readonly _onDrain = (): void => {
    if (this._protocolPaused && this.getWriteBufferSize() <= this._lowWater) {
      this._protocolPaused = false;
      this._protocol.resumeWriting?.();
    }
  };

  override getWriteBufferSize(): number {
    return this._pipe.writableLength;
  }

  override setWriteBufferLimits(high: number | null = null, low: number | null = null): void {
    if (high === null) high = low === null ? 64 * 1024 : 4 * low;
    if (low === null) low = Math.floor(high / 4);
    if (!(high >= low && low >= 0)) throw new RangeError(`high (${high}) must be >= low (${low}) must be >= 0`);
    this._highWater = high;
    this._lowWater = low;
  }

  override getWriteBufferLimits(): [number, number] {
    return [this._lowWater, this._highWater];
  }

  /** @throws TypeError for non-bytes; RuntimeError after close or writeEof. */
  override write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${_pyTypeName(data)}'`);
    }
    if (data.length === 0) return;
    if (this._connLost > 0 || this._closing) {
      if (this._connLost >= 5) logger.warning("pipe closed by peer or os.write(pipe, data) raised exception.");
      this._connLost += 1;
      return;
    }
    this._pipe.write(data);
    const error = this._pipe.errored;
    if (error !== null) {
      // CPython unix_events _UnixWritePipeTransport.write: a failing os.write() closes the
      // transport at once (is_closing() is true before write() returns), so a drain() that
      // follows sees the lost connection. Node reports a synchronous EPIPE only through
      // `errored` here and an "error" event on the next tick.
      this._onError(error);
      return;
    }
    if (!this._protocolPaused && this.getWriteBufferSize() > this._highWater) {
      this._protocolPaused = true;
      this._protocol.pauseWriting?.();
    }
  }

  override writelines(listOfData: Iterable<Uint8Array>): void {
    for (const data of listOfData) this.write(data);
  }

  override canWriteEof(): boolean {
    return true;
  }

  override writeEof(): void {
    this.close();
  }

  override setProtocol(protocol: unknown): void {
    this._protocol = protocol as WritePipeProtocol;
  }

  override getProtocol(): unknown {
    return this._protocol;
  }

  override isClosing(): boolean {
    return this._closing;
  }

  /** Closes after buffered data is written. */
  override close(): void {
    if (this._closing) return;
    this._closing = true;
    if (this._pipe.destroyed) {
      this._loop.callSoon(() => this._connectionLost(null));
      return;
    }
    this._pipe.end();
    // CPython _UnixWritePipeTransport.write_eof: with nothing buffered, connection_lost is
    // scheduled at once (call_soon), not when the OS reports the pipe closed, so a drain() after
    // close() sees the lost connection one iteration later.
    if (this._pipe.writableLength === 0) this._loop.callSoon(() => this._connectionLost(null));
  }

  override abort(): void {
    this._forceClose(null);
  }

  /** @internal */
  _fatalError(error: unknown, message: string): void {
    if (error instanceof OSError) {
      if (this._loop._debug) logger.debug(`${String(this)}: ${message}`, error);
    } else {
      this._loop.callExceptionHandler({ message, exception: error, transport: this, protocol: this._protocol });
    }
    this._forceClose(error);
  }

  /** @internal */
  _forceClose(error: unknown): void {
    if (this._lost || this._forceClosed) return;
    this._forceClosed = true;
    this._closing = true;
    this._connLost += 1;
    this._pipe.destroy();
    this._loop.callSoon(() => this._connectionLost(error));
  }

  /** @internal */
  _connectionLost(error: unknown): void {
    if (this._lost) return;
    this._lost = true;
    this._closing = true;
    this._protocol.connectionLost(error);
  }

  override toString(): string {
    return `<WritePipeTransport ${this._lost ? "closed" : this._closing ? "closing" : "open"} bufsize=${this.getWriteBufferSize()}>`;
  }
}
