/**
 * StreamWriter: writes to a connection, with `drain()` for backpressure.
 * Mirrors CPython 3.13 asyncio/streams.py (StreamWriter).
 */
import { isCancelledError, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, AsyncContextManager, Transport } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { sleep } from "@aio/tasks";
import type { StreamReader } from "./stream-reader.js";
import type { FlowControlMixin } from "./stream-reader-protocol.js";
import type { SSLOption } from "./ssl.js";

/** Options of {@link StreamWriter.startTls}. */
export interface StartTlsOptions {
  serverHostname?: string | null;
  sslHandshakeTimeout?: number | null;
  sslShutdownTimeout?: number | null;
}

/**
 * Writes bytes to a connection. An async context manager: on exit it closes and waits.
 * @see https://docs.python.org/3/library/asyncio-stream.html#asyncio.StreamWriter
 */
export class StreamWriter implements AsyncContextManager<StreamWriter> {
  /** @internal */
  _transport: Transport;
  /** @internal */
  _protocol: FlowControlMixin;
  /** @internal */
  _reader: StreamReader | null;
  /** @internal */
  _loop: AbstractEventLoop;

  constructor(transport: Transport, protocol: FlowControlMixin, reader: StreamReader | null, loop: AbstractEventLoop) {
    this._transport = transport;
    this._protocol = protocol;
    this._reader = reader;
    this._loop = loop;
  }

  toString(): string {
    const info = ["StreamWriter", `transport=${repr(this._transport)}`];
    if (this._reader !== null) info.push(`reader=${this._reader.toString()}`);
    return `<${info.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The underlying transport. */
  get transport(): Transport {
    return this._transport;
  }

  /** Buffers `data` for sending; follow with `await drain()`. */
  write(data: Uint8Array): void {
    this._transport.write(data);
  }

  writelines(data: Iterable<Uint8Array>): void {
    this._transport.writelines(data);
  }

  writeEof(): void {
    this._transport.writeEof();
  }

  canWriteEof(): boolean {
    return this._transport.canWriteEof();
  }

  /** Closes the transport (after buffered data is sent). */
  close(): void {
    this._transport.close();
  }

  isClosing(): boolean {
    return this._transport.isClosing();
  }

  /** Waits until the connection is closed; raises the error it closed with, if any. */
  async waitClosed(): Promise<void> {
    await awaitFuture(this._protocol._getCloseWaiter(this) as Future<void>);
  }

  getExtraInfo(name: string, defaultValue: unknown = null): unknown {
    return this._transport.getExtraInfo(name, defaultValue);
  }

  /**
   * Waits until the write buffer is below its high-water mark.
   * @throws the reader's error, or ConnectionResetError "Connection lost" once the connection is gone.
   */
  async drain(): Promise<void> {
    if (this._reader !== null) {
      const error = this._reader.exception();
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- Python raises whatever set_exception() was given.
      if (error !== null) throw error;
    }
    // Python: yield once when closing, so that connection_lost can run before the check below.
    if (this._transport.isClosing()) await sleep(0);
    await this._protocol._drainHelper();
  }

  /** Upgrades the connection to TLS in place. */
  async startTls(sslcontext: SSLOption, options: StartTlsOptions = {}): Promise<void> {
    const protocol = this._protocol as FlowControlMixin & {
      _clientConnectedCb: unknown;
      _replaceTransport(transport: Transport): void;
    };
    const serverSide = protocol._clientConnectedCb !== null;
    await this.drain();
    const loop = this._loop as unknown as {
      startTls(transport: Transport, protocol: unknown, sslcontext: SSLOption, options: object): Promise<Transport>;
    };
    const transport = await loop.startTls(this._transport, protocol, sslcontext, {
      serverSide,
      serverHostname: options.serverHostname ?? null,
      sslHandshakeTimeout: options.sslHandshakeTimeout ?? null,
      sslShutdownTimeout: options.sslShutdownTimeout ?? null,
    });
    this._transport = transport;
    protocol._replaceTransport(transport);
  }

  aenter(): Promise<StreamWriter> {
    return Promise.resolve(this);
  }

  async aexit(): Promise<boolean> {
    this.close();
    try {
      await this.waitClosed();
    } catch (error) {
      // The error the connection ended with (a reset) is not the exit's to raise; a cancel is.
      if (isCancelledError(error)) throw error;
    }
    return false;
  }

  /** Async disposal for `await using writer = ...`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.aexit();
  }
}
