/**
 * StreamReaderProtocol and FlowControlMixin: the protocol that feeds a StreamReader and lets a
 * StreamWriter wait for the write buffer to drain.
 * Mirrors CPython 3.13 asyncio/streams.py (FlowControlMixin, StreamReaderProtocol).
 */
import { ConnectionResetError, Protocol, _getEventLoop, logger, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, Transport } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import type { StreamReader } from "./stream-reader.js";
import { StreamWriter } from "./stream-writer.js";

const AsyncFunction = (async () => {}).constructor;

/** Called with each new connection's reader and writer; may be async. */
export type ClientConnectedCallback = (reader: StreamReader, writer: StreamWriter) => unknown;

/**
 * Python's FlowControlMixin: `pauseWriting`/`resumeWriting` bookkeeping and `_drainHelper`.
 * @see https://docs.python.org/3/library/asyncio-protocol.html#asyncio.BaseProtocol.pause_writing
 */
export class FlowControlMixin extends Protocol {
  /** @internal */
  _loop: AbstractEventLoop;
  /** @internal */
  _paused = false;
  /** @internal */
  _drainWaiters: Future<void>[] = [];
  /** @internal */
  _connectionLost = false;

  constructor(loop?: AbstractEventLoop | null) {
    super();
    this._loop = loop ?? _getEventLoop();
  }

  override pauseWriting(): void {
    this._paused = true;
    if (this._loop.getDebug()) logger.debug(`${repr(this)} pauses writing`);
  }

  override resumeWriting(): void {
    this._paused = false;
    if (this._loop.getDebug()) logger.debug(`${repr(this)} resumes writing`);
    for (const waiter of this._drainWaiters) if (!waiter.done()) waiter.setResult(undefined);
  }

  override connectionLost(exc: unknown): void {
    this._connectionLost = true;
    if (!this._paused) return;
    for (const waiter of this._drainWaiters) {
      if (waiter.done()) continue;
      if (exc === null || exc === undefined) waiter.setResult(undefined);
      else waiter.setException(exc);
    }
  }

  /** @internal */
  async _drainHelper(): Promise<void> {
    if (this._connectionLost) throw new ConnectionResetError("Connection lost");
    if (!this._paused) return;
    const waiter = this._loop.createFuture<void>() as Future<void>;
    this._drainWaiters.push(waiter);
    try {
      await awaitFuture(waiter);
    } finally {
      const index = this._drainWaiters.indexOf(waiter);
      if (index >= 0) this._drainWaiters.splice(index, 1);
    }
  }

  /** @internal */
  _getCloseWaiter(_stream: StreamWriter): AbstractFuture<void> {
    throw new Error("NotImplementedError");
  }
}

/**
 * Adapts a transport to a StreamReader (and, on servers, starts the client callback).
 * @see https://docs.python.org/3/library/asyncio-stream.html
 */
export class StreamReaderProtocol extends FlowControlMixin {
  /** @internal */
  _streamReader: StreamReader | null;
  /** @internal */
  _clientConnectedCb: ClientConnectedCallback | null;
  /** @internal */
  _task: AbstractFuture<unknown> | null = null;
  /** @internal */
  _transport: Transport | null = null;
  /** @internal */
  _overSsl = false;
  /** @internal */
  _closed: Future<void>;

  constructor(streamReader: StreamReader | null, clientConnectedCb: ClientConnectedCallback | null = null, loop: AbstractEventLoop | null = null) {
    super(loop);
    this._streamReader = streamReader;
    this._clientConnectedCb = clientConnectedCb;
    this._closed = this._loop.createFuture<void>() as Future<void>;
    // A connection that fails before anyone awaits `waitClosed` must not report its error as never retrieved.
    this._closed.addDoneCallback((closed) => {
      if (!closed.cancelled()) closed.exception();
    });
  }

  /** @internal */
  _replaceTransport(transport: Transport): void {
    this._transport = transport;
    // Our startTls detaches the old transport (Python keeps it under the SSL layer), so the
    // reader's flow control must move to the new one or pauseReading would go nowhere.
    if (this._streamReader !== null) this._streamReader._transport = transport;
    this._overSsl = transport.getExtraInfo("sslcontext") !== null;
  }

  override connectionMade(transport: unknown): void {
    const t = transport as Transport;
    this._transport = t;
    const reader = this._streamReader;
    reader?.setTransport(t);
    this._overSsl = t.getExtraInfo("sslcontext") !== null;
    const callback = this._clientConnectedCb;
    if (callback !== null) {
      const writer = new StreamWriter(t, this, reader, this._loop);
      let task: AbstractFuture<unknown> | null = null;
      if (callback instanceof AsyncFunction) {
        // Python wraps the coroutine in a task; here the async function runs inside that task,
        // so currentTask() works in it and cancelling the task cancels it.
        task = this._loop.createTask(() => callback(reader as StreamReader, writer) as PromiseLike<unknown>);
      } else {
        const result = callback(reader as StreamReader, writer);
        if (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function") {
          task = this._loop.createTask(() => result as PromiseLike<unknown>);
        }
      }
      if (task !== null) {
        this._task = task;
        task.addDoneCallback((done) => {
          if (done.cancelled()) {
            t.close();
            return;
          }
          const error = done.exception();
          if (error !== null) {
            this._loop.callExceptionHandler({
              message: "Unhandled exception in client_connected_cb",
              exception: error,
              transport: t,
            });
            t.close();
          }
        });
      }
    }
  }

  override connectionLost(exc: unknown): void {
    const reader = this._streamReader;
    if (reader !== null) {
      if (exc === null || exc === undefined) reader.feedEof();
      else reader.setException(exc);
    }
    if (!this._closed.done()) {
      if (exc === null || exc === undefined) this._closed.setResult(undefined);
      else this._closed.setException(exc);
    }
    super.connectionLost(exc);
    this._streamReader = null;
    this._task = null;
    this._transport = null;
  }

  override dataReceived(data: Uint8Array): void {
    // A transport hands over each chunk once (SocketTransport: Node's fresh `data` buffers), so
    // the reader keeps it without copying; feedData's copy is for callers that reuse buffers.
    this._streamReader?._feedOwned(data);
  }

  override eofReceived(): boolean {
    this._streamReader?.feedEof();
    return !this._overSsl;
  }

  override _getCloseWaiter(_stream: StreamWriter): AbstractFuture<void> {
    return this._closed;
  }
}
