/**
 * SocketTransport: a stream transport over a Node socket (TCP, Unix, TLS).
 * Mirrors CPython 3.13 asyncio/selector_events.py (_SelectorSocketTransport) and the flow
 * control of transports._FlowControlMixin.
 *
 * Node owns the socket's buffers: `write` hands data to `socket.write` at once, and the write
 * buffer size is `socket.writableLength`. Above the high-water mark the protocol is told to
 * `pauseWriting`; it is told to `resumeWriting` on Node's `drain` (the buffer emptied), so the
 * effective low-water mark is 0 bytes (see README). Received data and EOF reach the protocol
 * through `callSoon`, like Python's selector callbacks, so they run inside a loop iteration and a
 * protocol error is reported through the exception handler and closes the transport.
 */
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { RuntimeError, Transport, _pyTypeName, logger } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture, LoopInternals } from "@aio/core";
import { localAddress, peerAddress } from "./internal/addresses.js";
import type { SocketAddress } from "./internal/addresses.js";
import { TransportSocket, socketFd } from "./transport-socket.js";
import { fromTlsError } from "./ssl.js";
import { reportFatalError } from "./internal/fatal-error.js";

type Loop = AbstractEventLoop & LoopInternals;

/** What a stream protocol offers its transport (Python's Protocol / BufferedProtocol). */
export interface StreamProtocol {
  connectionMade(transport: Transport): void;
  connectionLost(exc: unknown): void;
  pauseWriting(): void;
  resumeWriting(): void;
  dataReceived?(data: Uint8Array): void;
  eofReceived?(): boolean | void;
  getBuffer?(sizehint: number): Uint8Array | null;
  bufferUpdated?(nbytes: number): void;
}

/** A BufferedProtocol: `getBuffer`/`bufferUpdated` and no `dataReceived`. */
function isBufferedProtocol(protocol: StreamProtocol): protocol is StreamProtocol & Required<Pick<StreamProtocol, "getBuffer" | "bufferUpdated">> {
  return protocol.getBuffer !== undefined && protocol.bufferUpdated !== undefined && protocol.dataReceived === undefined;
}

/** Python's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

/** The transport's owner: a Server counting its connections. @internal */
export interface TransportServer {
  _attach(transport: SocketTransport): void;
  _detach(transport: SocketTransport): void;
}

/**
 * A stream transport over a Node `net.Socket` or `tls.TLSSocket`.
 * @see https://docs.python.org/3/library/asyncio-protocol.html#transports
 */
export class SocketTransport extends Transport {
  /** @internal */
  _loop: Loop;
  /** @internal */
  _sock: Socket;
  /** @internal */
  _protocol: StreamProtocol;
  /** @internal */
  _server: TransportServer | null;
  /** @internal */
  _closing = false;
  /** @internal */
  _paused = false;
  /** @internal */
  _eof = false;
  /** @internal */
  _connLost = 0;
  /** @internal */
  _protocolPaused = false;
  /** @internal */
  _highWater = 64 * 1024;
  /** @internal */
  _lowWater = 16 * 1024;
  /** True once connectionLost was scheduled. @internal */
  _lostScheduled = false;
  /**
   * No more received data reaches the protocol: set by `close()`, `abort()` and fatal errors (in
   * Python the reader is removed), not by the peer closing, whose last chunks, already read by
   * Node and queued for delivery, still arrive before `connectionLost`. @internal
   */
  _readClosed = false;
  /** @internal */
  _readingStarted = false;
  /** The socket's descriptor when the transport was made (Python keeps it for the repr). @internal */
  _fd = -1;

  /** @internal */
  constructor(
    loop: AbstractEventLoop,
    sock: Socket,
    protocol: StreamProtocol,
    extra: Record<string, unknown> = {},
    server: TransportServer | null = null,
    waiter: AbstractFuture<void> | null = null,
    notifyProtocol = true,
  ) {
    // `extra` may name the addresses itself: Node knows no addresses for Unix sockets, which the
    // caller supplies in Python's shape (client: sockname '', peername path; server: the reverse).
    const names =
      "sockname" in extra || "peername" in extra
        ? { sockname: (extra.sockname ?? null) as SocketAddress | null, peername: (extra.peername ?? null) as SocketAddress | null }
        : null;
    super({
      peername: peerAddress(sock),
      sockname: localAddress(sock),
      // Python's asyncio.trsock.TransportSocket: a read-only view (family, getsockname, getpeername).
      socket: new TransportSocket(sock, names),
      ...extra,
    });
    this._loop = loop as Loop;
    this._sock = sock;
    this._fd = socketFd(sock);
    this._protocol = protocol;
    this._server = server;
    server?._attach(this);
    sock.setNoDelay(true);
    sock.on("data", this._onData);
    sock.on("end", this._onEnd);
    sock.on("error", this._onError);
    sock.on("close", this._onClose);
    sock.on("drain", this._onDrain);
    // Node emits no 'drain' for data flushed after end() (writeEof, close): 'finish' stands in.
    sock.on("finish", this._onDrain);
    // Python: connection_made, then reading starts, in the next iterations.
    sock.pause();
    if (notifyProtocol) this._loop.callSoon(() => this._protocol.connectionMade(this));
    this._loop.callSoon(() => this._startReading());
    if (waiter !== null) {
      this._loop.callSoon(() => {
        if (!waiter.cancelled()) waiter.setResult(undefined);
      });
    }
  }

  /**
   * Hands the socket over (to a TLS upgrade): this transport stops delivering events and is
   * closed without calling connectionLost. @internal
   */
  _detachSocket(): Socket {
    const sock = this._sock;
    sock.pause();
    sock.removeListener("data", this._onData);
    sock.removeListener("end", this._onEnd);
    sock.removeListener("error", this._onError);
    sock.removeListener("close", this._onClose);
    sock.removeListener("drain", this._onDrain);
    sock.removeListener("finish", this._onDrain);
    this._closing = true;
    this._lostScheduled = true;
    this._connLost = 1;
    this._server?._detach(this);
    return sock;
  }

  /** @internal */
  _startReading(): void {
    this._readingStarted = true;
    if (!this._paused && !this._closing) this._sock.resume();
  }

  /**
   * One chunk in flight at a time, like one recv() per selector event in Python: the socket is
   * paused until the chunk has been delivered, so a protocol that pauses reading (a full
   * StreamReader) stops the flow after this chunk. Without it, libuv may emit dozens of chunks
   * (megabytes) in one poll phase before the loop runs a single delivery. Node then buffers at
   * most its readableHighWaterMark and stops reading the socket.
   * @internal
   */
  readonly _onData = (data: Buffer): void => {
    this._sock.pause();
    this._loop._callSoon1(this._deliverData, data, null);
  };

  /** Lets the next chunk in unless the protocol paused reading or the transport is closing. @internal */
  _continueReading(): void {
    if (!this._paused && !this._closing && this._readingStarted && !this._readClosed) this._sock.resume();
  }

  /** @internal */
  readonly _deliverData = (data: Buffer): void => {
    if (this._readClosed || this._connLost > 0) return;
    const protocol = this._protocol;
    if (isBufferedProtocol(protocol)) {
      this._deliverBuffered(protocol, data);
    } else {
      try {
        protocol.dataReceived?.(data);
      } catch (error) {
        this._fatalError(error, "Fatal error: protocol.data_received() call failed.");
      }
    }
    this._continueReading();
  };

  /**
   * BufferedProtocol delivery: copies `data` into as many `getBuffer` buffers as it takes.
   * CPython selector_events.py _read_ready__get_buffer, with its error messages. @internal
   */
  _deliverBuffered(protocol: Required<Pick<StreamProtocol, "getBuffer" | "bufferUpdated">>, data: Buffer): void {
    let offset = 0;
    while (offset < data.length && this._connLost === 0) {
      const buffer = this._getBuffer(protocol, data.length - offset);
      if (buffer === null) return;
      const n = Math.min(buffer.length, data.length - offset);
      buffer.set(data.subarray(offset, offset + n));
      offset += n;
      try {
        protocol.bufferUpdated(n);
      } catch (error) {
        this._fatalError(error, "Fatal error: protocol.buffer_updated() call failed.");
        return;
      }
    }
  }

  /**
   * `protocol.getBuffer(sizehint)` with Python's checks; null after a fatal error (the call
   * failed, or gave no or an empty buffer). @internal
   */
  _getBuffer(protocol: Required<Pick<StreamProtocol, "getBuffer">>, sizehint: number): Uint8Array | null {
    try {
      const given = protocol.getBuffer(sizehint);
      // Python: `len(None)` raises TypeError there; a missing buffer is the same failed call.
      if (given === null) throw new TypeError("object of type 'NoneType' has no len()");
      if (given.length === 0) throw new RuntimeError("get_buffer() returned an empty buffer");
      return given;
    } catch (error) {
      this._fatalError(error, "Fatal error: protocol.get_buffer() call failed.");
      return null;
    }
  }

  /** @internal */
  readonly _onEnd = (): void => {
    this._loop._callSoon(this._deliverEof, [], null);
  };

  /** @internal */
  readonly _deliverEof = (): void => {
    if (this._readClosed || this._connLost > 0) return;
    const protocol = this._protocol;
    // CPython asks a BufferedProtocol for a buffer before every read, the one that finds EOF
    // included (with Python's size hint, -1).
    if (isBufferedProtocol(protocol) && this._getBuffer(protocol, -1) === null) return;
    let keepOpen: boolean | void;
    try {
      keepOpen = this._protocol.eofReceived?.();
    } catch (error) {
      this._fatalError(error, "Fatal error: protocol.eof_received() call failed.");
      return;
    }
    if (keepOpen !== true) this.close();
  };

  /** @internal */
  readonly _onError = (error: Error): void => {
    // fromTlsError: a TLS failure (a corrupted record) is Python's ssl.SSLError; others as fromNodeError.
    this._fatalError(fromTlsError(error), "Fatal read error on socket transport");
  };

  /** @internal */
  readonly _onClose = (): void => {
    this._scheduleConnectionLost(null);
  };

  /** @internal */
  readonly _onDrain = (): void => {
    this._maybeResumeProtocol();
  };

  override getExtraInfo(name: string, defaultValue: unknown = null): unknown {
    if (name === "peername" && this._extra.peername === null) this._extra.peername = peerAddress(this._sock);
    if (name === "sockname" && this._extra.sockname === null) this._extra.sockname = localAddress(this._sock);
    return super.getExtraInfo(name, defaultValue);
  }

  override isClosing(): boolean {
    return this._closing;
  }

  override isReading(): boolean {
    return !this._paused && !this._closing;
  }

  override pauseReading(): void {
    if (this._closing || this._paused) return;
    this._paused = true;
    this._sock.pause();
    if (this._loop._debug) logger.debug(`${this.toString()} pauses reading`);
  }

  override resumeReading(): void {
    if (this._closing || !this._paused) return;
    this._paused = false;
    if (this._readingStarted) this._sock.resume();
    if (this._loop._debug) logger.debug(`${this.toString()} resumes reading`);
  }

  override setProtocol(protocol: unknown): void {
    this._protocol = protocol as StreamProtocol;
  }

  override getProtocol(): unknown {
    return this._protocol;
  }

  override setWriteBufferLimits(high: number | null = null, low: number | null = null): void {
    if (high === null) high = low === null ? 64 * 1024 : 4 * low;
    if (low === null) low = Math.floor(high / 4);
    if (!(high >= low && low >= 0)) {
      throw new RangeError(`high (${high}) must be >= low (${low}) must be >= 0`);
    }
    this._highWater = high;
    this._lowWater = low;
    this._maybePauseProtocol();
  }

  override getWriteBufferLimits(): [number, number] {
    return [this._lowWater, this._highWater];
  }

  override getWriteBufferSize(): number {
    // A destroyed socket (abort, fatal error) dropped its buffer, as Python's _force_close clears it.
    return this._sock.destroyed ? 0 : this._sock.writableLength;
  }

  /**
   * Writes bytes; never blocks. Above the high-water mark the protocol is paused.
   * @throws TypeError for non-bytes; RuntimeError after `writeEof()`.
   */
  override write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${_pyTypeName(data)}'`);
    }
    if (this._eof) throw new RuntimeError("Cannot call write() after write_eof()");
    if (data.length === 0) return;
    // After close() the Node socket is ended and cannot take writes: like Python after the
    // connection is lost, drop the data (and warn once it keeps happening).
    if (this._connLost > 0 || this._lostScheduled || this._sock.writableEnded) {
      if (this._connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) logger.warning("socket.send() raised exception.");
      this._connLost += 1;
      return;
    }
    this._sock.write(data);
    this._maybePauseProtocol();
  }

  /**
   * Writes every buffer, or none: as Python's, the list is checked whole before anything is sent.
   * @throws TypeError for a non-bytes item; RuntimeError after `writeEof()`.
   */
  override writelines(listOfData: Iterable<Uint8Array>): void {
    if (this._eof) throw new RuntimeError("Cannot call writelines() after write_eof()");
    const chunks: Uint8Array[] = [];
    for (const data of listOfData) {
      if (!(data instanceof Uint8Array)) {
        throw new TypeError(`memoryview: a bytes-like object is required, not '${_pyTypeName(data)}'`);
      }
      chunks.push(data);
    }
    for (const data of chunks) this.write(data);
  }

  override writeEof(): void {
    if (this._closing || this._eof) return;
    this._eof = true;
    this._sock.end();
  }

  override canWriteEof(): boolean {
    return true;
  }

  /** Closes after the buffered data is sent; `connectionLost(null)` follows. */
  override close(): void {
    if (this._closing) return;
    this._closing = true;
    this._readClosed = true;
    this._sock.pause();
    const sock = this._sock;
    if (sock.destroyed) {
      this._connLost += 1;
      this._scheduleConnectionLost(null);
      return;
    }
    if (!sock.writableEnded) sock.end();
    if (this.getWriteBufferSize() === 0 && (sock as TLSSocket).encrypted !== true) {
      // CPython selector_events.py _SelectorTransport.close: with nothing buffered,
      // connection_lost is scheduled at once (call_soon), so `drain()` after `close()` sees the
      // connection gone one iteration later. The bytes already written are in the kernel, and
      // closing the socket (in _callConnectionLost) still sends them before the FIN. As there,
      // the close counts as the lost connection: later writes are dropped and counted.
      this._connLost += 1;
      this._scheduleConnectionLost(null);
      return;
    }
    // Python closes the socket once the buffer is flushed, without waiting for the peer; over
    // TLS, `end()` also sends close_notify first (Python's SSL shutdown).
    if (sock.writableFinished) sock.destroy();
    else sock.once("finish", () => sock.destroy());
  }

  /** Closes at once, dropping buffered data. */
  override abort(): void {
    this._forceClose(null);
  }

  /** @internal */
  _fatalError(error: unknown, message: string): void {
    reportFatalError(this._loop, this, this._protocol, error, message);
    this._forceClose(error);
  }

  /** @internal */
  _forceClose(error: unknown): void {
    if (this._connLost > 0) return;
    this._closing = true;
    this._readClosed = true;
    this._connLost += 1;
    this._sock.destroy();
    this._scheduleConnectionLost(error);
  }

  /** @internal */
  _scheduleConnectionLost(error: unknown): void {
    if (this._lostScheduled) return;
    this._lostScheduled = true;
    this._closing = true;
    if (this._loop.isClosed()) {
      this._connLost ||= 1;
      // Node reports a close on a later tick; once the loop is closed nobody can be told, but the
      // socket and the server's count must still be released.
      this._sock.destroy();
      this._server?._detach(this);
      this._server = null;
      return;
    }
    this._loop.callSoon(() => this._callConnectionLost(error));
  }

  /** @internal */
  _callConnectionLost(error: unknown): void {
    this._connLost ||= 1;
    this._readClosed = true;
    if (Object.hasOwn(this._extra, "ssl_object")) {
      // CPython sslproto.py _get_extra_info: once the connection is lost, an SSL transport still
      // answers its TLS keys, but the socket's (socket, peername, sockname) give the default.
      for (const name of ["socket", "peername", "sockname"]) delete this._extra[name];
    }
    try {
      this._protocol.connectionLost(error);
    } finally {
      this._sock.destroy();
      this._server?._detach(this);
      this._server = null;
    }
  }

  /** @internal */
  _maybePauseProtocol(): void {
    if (this._protocolPaused || this.getWriteBufferSize() <= this._highWater) return;
    this._protocolPaused = true;
    try {
      this._protocol.pauseWriting();
    } catch (error) {
      this._loop.callExceptionHandler({
        message: "protocol.pause_writing() failed",
        exception: error,
        transport: this,
        protocol: this._protocol,
      });
    }
  }

  /** @internal */
  _maybeResumeProtocol(): void {
    if (!this._protocolPaused || this.getWriteBufferSize() > this._lowWater) return;
    this._protocolPaused = false;
    try {
      this._protocol.resumeWriting();
    } catch (error) {
      this._loop.callExceptionHandler({
        message: "protocol.resume_writing() failed",
        exception: error,
        transport: this,
        protocol: this._protocol,
      });
    }
  }

  /**
   * Python's repr: `<SocketTransport fd=7 read=polling write=<idle, bufsize=0>>`, `closing`
   * while closing, and `<SocketTransport closed fd=7>` once the connection is lost.
   */
  override toString(): string {
    const info = [this.constructor.name];
    const closed = this._sock.destroyed;
    if (closed) info.push("closed");
    else if (this._closing) info.push("closing");
    info.push(`fd=${this._fd}`);
    // Python shows the polling state only while the loop is open.
    if (!closed && !this._loop.isClosed()) {
      info.push(`read=${this._paused || this._readClosed || !this._readingStarted ? "idle" : "polling"}`);
      const size = this.getWriteBufferSize();
      info.push(`write=<${size > 0 ? "polling" : "idle"}, bufsize=${size}>`);
    }
    return `<${info.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** TLS information Python's SSL transport exposes through `getExtraInfo`. @internal */
export function tlsExtra(sock: TLSSocket, sslcontext: unknown): Record<string, unknown> {
  const cipher = sock.getCipher?.();
  return {
    sslcontext,
    ssl_object: sock,
    peercert: sock.getPeerCertificate?.() ?? null,
    cipher: cipher === undefined ? null : [cipher.name, cipher.version, null],
    compression: null,
  };
}

