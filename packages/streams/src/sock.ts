/**
 * AioSocket, a small Python-like socket object, and the loop's low-level socket methods over it
 * (sockRecv, sockRecvInto, sockRecvfrom, sockRecvfromInto, sockSendall, sockSendto, sockConnect,
 * sockAccept, sockSendfile, addReader/removeReader, addWriter/removeWriter).
 * Mirrors CPython 3.13 asyncio/selector_events.py (BaseSelectorEventLoop.sock_* and add_reader
 * family) and base_events.py (sock_sendfile), over the non-blocking `socket.socket` of Python's
 * socket module.
 *
 * Node has no socket object a program can poll, so AioSocket wraps what Node has: a stream
 * socket is a `net.Socket` once it connects and a `net.Server` once it listens (with
 * `pauseOnConnect`, so a connection nobody accepted yet reads nothing, like a kernel backlog),
 * a datagram socket is a `dgram.Socket`. What Node delivers is kept in the object, the way the
 * kernel keeps a socket's receive queue: received bytes, EOF, the first error, accepted
 * connections, datagrams. `recv` and friends take from there synchronously, which is Python's
 * non-blocking `sock.recv()`: data, or "would block" (null here). The Node socket is paused
 * while more than 256 KiB is kept and resumed as it drains, so memory stays bounded; datagrams
 * past that limit are dropped, as a full kernel buffer drops them.
 *
 * The loop methods follow selector_events.py step for step: try the operation, and when it would
 * block, register a level-triggered reader or writer callback (internal/sock-selector.ts) that
 * retries it and completes a loop future, removed by the future's done callback. A cancelled
 * sock_recv or sock_accept therefore takes nothing: the data or connection stays for the next
 * call. Writes differ: Node queues every write, so sock_sendall hands the data over at once and
 * waits for Node's write callback (the data reached the kernel).
 *
 * The file is over 600 lines because the socket object and the loop methods share the socket's
 * private state (the buffers and the reader/writer slots); splitting them would export that state.
 */
import * as dgram from "node:dgram";
import type { FileHandle } from "node:fs/promises";
import * as net from "node:net";
import { OSError, RuntimeError, SendfileNotAvailableError, _pyTypeName as pyTypeName, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, LoopInternals } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, SOCK_STREAM } from "./transport-socket.js";
import { localAddress, peerAddress, toAddress } from "./internal/addresses.js";
import type { SocketAddress } from "./internal/addresses.js";
import { checkAddress, toSocketAddress } from "./internal/sock-address.js";
import type { CheckedAddress } from "./internal/sock-address.js";
import { formatAddress, sockError, translateError } from "./internal/sock-errors.js";
import { addWatch, pollWatches, removeWatch } from "./internal/sock-selector.js";
import type { Selectable, SelectorHandle, Watch, WatchKind } from "./internal/sock-selector.js";

type Loop = AbstractEventLoop & LoopInternals;

/** Python's socket.SHUT_RD. */
export const SHUT_RD = 0 as const;
/** Python's socket.SHUT_WR. */
export const SHUT_WR = 1 as const;
/** Python's socket.SHUT_RDWR. */
export const SHUT_RDWR = 2 as const;

/** Bytes (or datagram bytes) kept per socket before Node reading is paused (or datagrams dropped). */
const RECEIVE_LIMIT = 256 * 1024;
/** CPython constants.SENDFILE_FALLBACK_READBUFFER_SIZE. */
const SENDFILE_FALLBACK_READBUFFER_SIZE = 256 * 1024;

// Pseudo descriptors: unique per socket, far above the real fds a process usually has, so
// they are not mistaken for one.
let nextFileno = 1000;

const EMPTY = Buffer.alloc(0);

/**
 * A Python-like socket for the loop's `sock*` and `addReader`/`addWriter` methods: stream
 * (TCP, Unix) or datagram (UDP). Create one with {@link socket}.
 * @see https://docs.python.org/3/library/socket.html#socket-objects
 */
export class AioSocket implements Selectable {
  /** AF_INET, AF_INET6 or AF_UNIX. */
  readonly family: number;
  /** SOCK_STREAM or SOCK_DGRAM. */
  readonly type: number;
  /** Always 0 (the default protocol of the family and type). */
  readonly proto = 0;
  /** @internal */
  _fileno: number;
  /** Python's timeout: null is blocking (the default), 0 non-blocking. @internal */
  _timeout: number | null = null;
  /** @internal */
  _closed = false;
  /** The address given to bind() (stream sockets bind when they listen or connect). @internal */
  _bound: CheckedAddress | null = null;
  /** The connected or connecting stream. @internal */
  _stream: net.Socket | null = null;
  /** @internal */
  _connecting = false;
  /** @internal */
  _connected = false;
  /** The failure of the last connect, until a connect or recv reports it (Linux's SO_ERROR). @internal */
  _connectError: Error | null = null;
  /** The address connect() was given; the peer name of a Unix client. @internal */
  _peer: SocketAddress | null = null;
  /** The local name of an accepted Unix connection (the listener's path). @internal */
  _localName: SocketAddress | null = null;
  /** @internal */
  _server: net.Server | null = null;
  /** Accepted connections not yet taken by accept(), in arrival order. @internal */
  _backlog: AioSocket[] = [];
  /** @internal */
  _dgram: dgram.Socket | null = null;
  /** @internal */
  _dgramBound = false;
  /** @internal */
  _dgramConnected = false;
  /** True while a datagram bind() runs: its failure is bind()'s, not a pending socket error. @internal */
  _binding = false;
  /** Received bytes not yet taken (stream sockets). @internal */
  _chunks: Buffer[] = [];
  /** Received datagrams not yet taken, with their senders. @internal */
  _datagrams: [Buffer, SocketAddress][] = [];
  /** Bytes held in `_chunks` or `_datagrams`; at most about RECEIVE_LIMIT. @internal */
  _buffered = 0;
  /** True while we paused the Node stream because `_buffered` reached RECEIVE_LIMIT. @internal */
  _readPaused = false;
  /** @internal */
  _eof = false;
  /** The pending socket error (reported once, by the next receive or accept). @internal */
  _error: Error | null = null;
  /** The Node error behind `_error`, so that a write reporting it consumes it. @internal */
  _errorSource: Error | null = null;
  /** @internal */
  _shutRd = false;
  /** @internal */
  _reader: Watch | null = null;
  /** @internal */
  _writer: Watch | null = null;

  /**
   * Creates an unconnected socket (Python's `socket.socket(family, type)`), in blocking mode.
   * @throws OSError (EAFNOSUPPORT, ESOCKTNOSUPPORT) for an unsupported family or type, including
   * Unix datagram sockets, which Node does not have.
   */
  constructor(family: number = AF_INET, type: number = SOCK_STREAM) {
    if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) throw sockError("EAFNOSUPPORT");
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) throw sockError("ESOCKTNOSUPPORT");
    // Differs from CPython: Node has no Unix datagram sockets (node:dgram is UDP only).
    if (family === AF_UNIX && type === SOCK_DGRAM) throw sockError("EAFNOSUPPORT", "Node.js has no Unix datagram sockets");
    this.family = family;
    this.type = type;
    this._fileno = nextFileno++;
    if (type === SOCK_DGRAM) this._openDatagram();
  }

  /** The pseudo descriptor: a unique number, not an OS file descriptor; -1 once closed. */
  fileno(): number {
    return this._fileno;
  }

  /**
   * Sets blocking (true) or non-blocking (false) mode. The loop's `sock*` methods require
   * non-blocking mode in debug mode, as Python's do; the socket itself never blocks.
   * @throws OSError EBADF on a closed socket.
   */
  setblocking(flag: boolean): void {
    this._checkOpen();
    this._timeout = flag ? null : 0;
  }

  /** null in blocking mode (Python's None), 0 in non-blocking mode. */
  gettimeout(): number | null {
    return this._timeout;
  }

  /**
   * Binds the socket to `address` (`[host, port]` or a Unix path). A datagram socket binds at
   * once; a stream socket records the address and binds when it listens or connects, because
   * Node binds a TCP socket only as part of listen/connect.
   * @throws OSError EBADF (closed), EINVAL (already bound), or the bind failure (e.g.
   * EADDRINUSE) from Node; TypeError / RangeError for a malformed address.
   */
  async bind(address: SocketAddress): Promise<void> {
    this._checkOpen();
    const checked = checkAddress(this.family, address, "bind");
    if (this._bound !== null || this._dgramBound || this._server !== null || this._connected || this._connecting) {
      throw sockError("EINVAL");
    }
    this._bound = checked;
    if (this._dgram === null || !("host" in checked)) return;
    const sock = this._dgram;
    this._binding = true;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => {
          this._bound = null;
          reject(translateError(error));
        };
        sock.once("error", onError);
        sock.bind({ address: checked.host, port: checked.port, exclusive: true }, () => {
          sock.removeListener("error", onError);
          resolve();
        });
      });
    } finally {
      this._binding = false;
    }
  }

  /**
   * Starts listening for connections (stream sockets); resolves once Node listens. An unbound
   * TCP socket listens on every address and a free port, as Python's does.
   * @throws OSError EBADF (closed), EOPNOTSUPP (datagram socket), EINVAL (connected, or a Unix
   * socket without bind()), or the listen failure (e.g. EADDRINUSE) from Node.
   */
  async listen(backlog = 128): Promise<void> {
    this._checkOpen();
    if (this.type !== SOCK_STREAM) throw sockError("EOPNOTSUPP");
    if (this._connected || this._connecting) throw sockError("EINVAL");
    // Python's listen() again only changes the backlog.
    if (this._server !== null) return;
    const bound = this._bound;
    // Differs from CPython: Linux autobinds an unbound Unix socket to an abstract name; Node cannot.
    if (this.family === AF_UNIX && bound === null) throw sockError("EINVAL", "bind() a Unix socket before listen()");
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this._server = server;
    server.on("connection", (raw: net.Socket) => {
      if (this._closed || this._server !== server) {
        raw.destroy();
        return;
      }
      const conn = new AioSocket(this.family, SOCK_STREAM);
      conn._connected = true;
      conn._peer = this.family === AF_UNIX ? "" : peerAddress(raw);
      if (bound !== null && "path" in bound) conn._localName = bound.path;
      conn._attachStream(raw);
      this._backlog.push(conn);
      pollWatches(this);
    });
    const options: net.ListenOptions = { backlog: Math.max(0, Math.trunc(backlog)), exclusive: true };
    if (bound !== null && "path" in bound) options.path = bound.path;
    else {
      options.host = bound?.host ?? (this.family === AF_INET6 ? "::" : "0.0.0.0");
      options.port = bound?.port ?? 0;
      if (this.family === AF_INET6) options.ipv6Only = false;
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        if (this._server === server) this._server = null;
        server.close();
        reject(translateError(error));
      };
      server.once("error", onError);
      server.listen(options, () => {
        server.removeListener("error", onError);
        // An accept failure (EMFILE) is the listening socket's error, raised by the next accept.
        server.on("error", (error: Error) => this._setError(error));
        resolve();
      });
    });
  }

  /**
   * The socket's own address: `[host, port]`, `[host, port, flowinfo, scopeId]`, or a Unix path
   * (`""` when unbound). A stream socket reports its bind() address until it listens or connects.
   * @throws OSError EBADF on a closed socket.
   */
  getsockname(): SocketAddress {
    this._checkOpen();
    if (this._server !== null) {
      const address = toAddress(this._server.address());
      if (address !== null) return address;
    }
    if (this._stream !== null && this._connected) {
      if (this.family === AF_UNIX) return this._localName ?? "";
      const address = localAddress(this._stream);
      if (address !== null) return address;
    }
    if (this._dgram !== null && this._dgramBound) {
      try {
        const address = toAddress(this._dgram.address());
        if (address !== null) return address;
      } catch {
        // Not bound after all (Node binds on the first send): fall through to the default.
      }
    }
    if (this._bound !== null) return toSocketAddress(this.family, this._bound);
    if (this.family === AF_UNIX) return "";
    return this.family === AF_INET6 ? ["::", 0, 0, 0] : ["0.0.0.0", 0];
  }

  /**
   * The connected peer's address.
   * @throws OSError EBADF (closed) or ENOTCONN (not connected).
   */
  getpeername(): SocketAddress {
    this._checkOpen();
    if (this._stream !== null && this._connected) {
      if (this.family === AF_UNIX) return this._peer ?? "";
      const address = peerAddress(this._stream);
      if (address !== null) return address;
    }
    if (this._dgram !== null && this._dgramConnected) {
      const address = toAddress(this._dgram.remoteAddress());
      if (address !== null) return address;
    }
    throw sockError("ENOTCONN");
  }

  /**
   * Shuts down reading (SHUT_RD), writing (SHUT_WR: sends EOF) or both (SHUT_RDWR).
   * @throws OSError EBADF (closed), ENOTCONN (not connected), EINVAL (bad `how`).
   */
  shutdown(how: number): void {
    this._checkOpen();
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) throw sockError("EINVAL");
    const connected = this.type === SOCK_STREAM ? this._connected : this._dgramConnected;
    if (!connected) throw sockError("ENOTCONN");
    if (how !== SHUT_WR) {
      // Linux: after SHUT_RD, recv() returns b'' and what arrives is discarded.
      this._shutRd = true;
      this._releaseReceived();
    }
    if (how !== SHUT_RD && this._stream !== null && !this._stream.writableEnded) this._stream.end();
    pollWatches(this);
  }

  /**
   * Closes the socket: the Node socket or server is destroyed, connections nobody accepted are
   * closed, and `fileno()` becomes -1. Pending `sock*` calls fail with EBADF; callbacks of
   * `addReader`/`addWriter` stop being called. Closing twice does nothing.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._fileno = -1;
    this._stream?.destroy();
    this._server?.close();
    for (const conn of this._backlog.splice(0)) conn.close();
    if (this._dgram !== null) {
      try {
        this._dgram.close();
      } catch {
        // Node throws when the dgram socket is already closed (it failed); nothing is left to close.
      }
    }
    this._chunks = [];
    this._datagrams = [];
    this._buffered = 0;
    pollWatches(this);
  }

  /**
   * Gives up the Node object behind the socket (`net.Socket`, `net.Server`, `dgram.Socket` or
   * null) without closing it, and leaves this socket closed (Python's `detach()` gives the file
   * descriptor instead). Received bytes not yet taken are pushed back into the `net.Socket`
   * (unless it ended), so `loop.createConnection(factory, { sock: s.detach() })` loses nothing;
   * connections not yet accepted are closed.
   */
  detach(): net.Socket | net.Server | dgram.Socket | null {
    const stream = this._stream;
    const node = stream ?? this._server ?? this._dgram;
    if (stream !== null) {
      stream.removeAllListeners("data").removeAllListeners("end").removeAllListeners("error");
      stream.removeAllListeners("close").removeAllListeners("drain").removeAllListeners("connect");
      stream.pause();
      if (this._chunks.length > 0 && !stream.readableEnded) stream.unshift(Buffer.concat(this._chunks));
    }
    this._server?.removeAllListeners("connection").removeAllListeners("error");
    this._dgram?.removeAllListeners();
    this._stream = null;
    this._server = null;
    this._dgram = null;
    this.close();
    return node;
  }

  toString(): string {
    let text = `<AioSocket${this._closed ? " [closed]" : ""} fd=${this._fileno}, family=${this.family}, type=${this.type}, proto=${this.proto}`;
    if (!this._closed) {
      const local = this.getsockname();
      if (local !== "") text += `, laddr=${formatAddress(local)}`;
      try {
        const peer = this.getpeername();
        if (peer !== "") text += `, raddr=${formatAddress(peer)}`;
      } catch {
        // Not connected: Python's repr shows no raddr either.
      }
    }
    return `${text}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // --- Node side: what arrives is kept, as a kernel keeps a socket's receive queue ------------

  /** @internal */
  _openDatagram(): void {
    const sock = dgram.createSocket({ type: this.family === AF_INET6 ? "udp6" : "udp4" });
    this._dgram = sock;
    sock.on("listening", () => {
      this._dgramBound = true;
    });
    sock.on("message", (message: Buffer, rinfo: dgram.RemoteInfo) => {
      if (this._closed || this._shutRd || this._buffered >= RECEIVE_LIMIT) return;
      const sender: SocketAddress = rinfo.family === "IPv6" ? [rinfo.address, rinfo.port, 0, 0] : [rinfo.address, rinfo.port];
      this._datagrams.push([message, sender]);
      this._buffered += message.length;
      pollWatches(this);
    });
    sock.on("error", (error: Error) => {
      // A bind failure belongs to bind(), which raises it.
      if (!this._binding) this._setError(error);
    });
  }

  /** Wires a connecting, connected or accepted (paused) Node stream to this socket. @internal */
  _attachStream(stream: net.Socket): void {
    this._stream = stream;
    stream.on("data", (chunk: Buffer) => {
      if (this._stream !== stream || this._shutRd) return;
      this._chunks.push(chunk);
      this._buffered += chunk.length;
      if (this._buffered >= RECEIVE_LIMIT && !this._readPaused) {
        this._readPaused = true;
        stream.pause();
      }
      pollWatches(this);
    });
    stream.on("connect", () => {
      if (this._stream !== stream) return;
      this._connecting = false;
      this._connected = true;
      pollWatches(this);
    });
    const onEnd = (): void => {
      if (this._stream !== stream || !this._connected) return;
      this._eof = true;
      pollWatches(this);
    };
    stream.on("end", onEnd);
    stream.on("close", onEnd);
    stream.on("drain", () => pollWatches(this));
    stream.on("error", (error: Error) => {
      if (this._stream !== stream) return;
      if (this._connecting) {
        // The connect failed: the socket is unconnected again, with the error pending as SO_ERROR.
        // CPython _sock_connect_cb: OSError(err, f'Connect call failed {address}').
        this._connecting = false;
        this._stream = null;
        this._connectError = translateError(error, this.family === AF_UNIX ? undefined : `Connect call failed ${formatAddress(this._peer)}`);
        stream.destroy();
        pollWatches(this);
        return;
      }
      this._setError(error);
    });
  }

  /** @internal */
  _setError(error: Error): void {
    if (this._closed) return;
    if (this._error === null) {
      this._error = translateError(error);
      this._errorSource = error;
    }
    pollWatches(this);
  }

  /** Takes the pending error (reported once; callers check there is one), leaving the socket at EOF. @internal */
  _takeError(): Error {
    const error = this._error as Error;
    this._error = null;
    this._errorSource = null;
    this._eof = true;
    return error;
  }

  /** @internal */
  _releaseReceived(): void {
    this._chunks = [];
    this._datagrams = [];
    this._buffered = 0;
    this._resumeIfDrained();
  }

  /** @internal */
  _resumeIfDrained(): void {
    if (this._readPaused && this._buffered < RECEIVE_LIMIT && this._stream !== null) {
      this._readPaused = false;
      this._stream.resume();
    }
  }

  // --- Selectable: what a select() would report ----------------------------------------------

  /** @internal */
  _isClosed(): boolean {
    return this._closed;
  }

  /** @internal */
  _isReadable(): boolean {
    if (this._error !== null || this._connectError !== null) return true;
    if (this._server !== null) return this._backlog.length > 0;
    if (this._dgram !== null) return this._datagrams.length > 0 || this._shutRd;
    return this._connected && (this._buffered > 0 || this._eof || this._shutRd);
  }

  /** @internal */
  _isWritable(): boolean {
    if (this._dgram !== null) return true;
    if (this._connectError !== null) return true;
    return this._connected && this._stream !== null && !this._stream.writableNeedDrain;
  }

  // --- Python's non-blocking socket calls: a result, or null for "would block" ----------------

  /** @internal */
  _checkOpen(): void {
    if (this._closed) throw sockError("EBADF");
  }

  /** Python's `sock.recvfrom(n)` (`recv` drops the address). @internal */
  _recvfrom(n: number): [Buffer, SocketAddress | null] | null {
    this._checkOpen();
    if (this._dgram !== null) {
      if (this._error !== null) throw this._takeError();
      const next = this._datagrams.shift();
      if (next === undefined) return this._shutRd ? [EMPTY, null] : null;
      this._buffered -= next[0].length;
      return [next[0].subarray(0, n), next[1]];
    }
    if (this._server !== null) throw sockError("ENOTCONN");
    if (this._connectError !== null) throw this._takeConnectError();
    if (!this._connected) {
      if (this._connecting) return null;
      throw sockError("ENOTCONN");
    }
    if (n === 0) return [EMPTY, null];
    if (this._buffered > 0) return [this._take(n), null];
    if (this._error !== null) throw this._takeError();
    if (this._eof || this._shutRd) return [EMPTY, null];
    return null;
  }

  /** @internal */
  _take(n: number): Buffer {
    let data: Buffer;
    const first = this._chunks[0]!;
    if (first.length > n) {
      data = first.subarray(0, n);
      this._chunks[0] = first.subarray(n);
    } else {
      const parts: Buffer[] = [];
      let size = 0;
      while (this._chunks.length > 0 && size + this._chunks[0]!.length <= n) {
        const chunk = this._chunks.shift()!;
        parts.push(chunk);
        size += chunk.length;
      }
      if (size < n && this._chunks.length > 0) {
        const chunk = this._chunks[0]!;
        parts.push(chunk.subarray(0, n - size));
        this._chunks[0] = chunk.subarray(n - size);
      }
      data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    }
    this._buffered -= data.length;
    this._resumeIfDrained();
    return data;
  }

  /** @internal */
  _takeConnectError(): Error {
    const error = this._connectError as Error;
    this._connectError = null;
    return error;
  }

  /** Python's `sock.accept()`: a connection in blocking mode and its peer address, or null. @internal */
  _accept(): [AioSocket, SocketAddress] | null {
    this._checkOpen();
    if (this._dgram !== null) throw sockError("EOPNOTSUPP");
    if (this._server === null) throw sockError("EINVAL");
    if (this._error !== null) {
      const error = this._error;
      this._error = null;
      this._errorSource = null;
      throw error;
    }
    const conn = this._backlog.shift();
    if (conn === undefined) return null;
    conn._stream?.resume();
    return [conn, conn._peer ?? ""];
  }

  /**
   * Python's `sock.connect(address)` with an address already resolved: true when connected,
   * false when the connection is in progress (Python's BlockingIOError). @internal
   */
  _connect(address: CheckedAddress): boolean {
    this._checkOpen();
    if (this._dgram !== null) {
      if (!("host" in address)) throw sockError("EINVAL");
      if (this._dgramConnected) this._dgram.disconnect();
      this._dgramConnected = false;
      this._connecting = true;
      this._peer = toSocketAddress(this.family, address);
      const sock = this._dgram;
      sock.connect(address.port, address.host, (error?: Error | null) => {
        this._connecting = false;
        if (error !== undefined && error !== null) this._connectError = translateError(error);
        else {
          this._dgramConnected = true;
          this._dgramBound = true;
        }
        pollWatches(this);
      });
      return false;
    }
    if (this._server !== null) throw sockError("EINVAL");
    if (this._connected) throw sockError("EISCONN");
    if (this._connecting) return false;
    // Linux reports a failed connect's pending error to the next connect() (then starts afresh).
    if (this._connectError !== null) throw this._takeConnectError();
    const stream = new net.Socket({ allowHalfOpen: true });
    this._connecting = true;
    this._peer = toSocketAddress(this.family, address);
    this._eof = false;
    this._attachStream(stream);
    if ("path" in address) {
      // Differs from CPython: a Unix client socket cannot be bound in Node; its bind() address is ignored.
      stream.connect({ path: address.path });
    } else {
      const options: net.TcpNetConnectOpts = { host: address.host, port: address.port, family: this.family === AF_INET6 ? 6 : 4 };
      if (this._bound !== null && "host" in this._bound) {
        options.localAddress = this._bound.host;
        options.localPort = this._bound.port;
      }
      stream.connect(options);
    }
    return false;
  }

  /**
   * Checks that `send` can go ahead; "stream" or "dgram" says which path.
   * @throws OSError EBADF, BrokenPipeError (unconnected or shut down stream), EDESTADDRREQ
   * (unconnected datagram socket). @internal
   */
  _checkSend(): void {
    this._checkOpen();
    if (this._dgram !== null) {
      if (!this._dgramConnected) throw sockError("EDESTADDRREQ");
      return;
    }
    if (this._connectError !== null) throw this._takeConnectError();
    const stream = this._stream;
    if (!this._connected || stream === null || stream.destroyed || stream.writableEnded) throw sockError("EPIPE");
  }

  /** Hands `data` to Node; `done` is called once it reached the kernel, or with the error. @internal */
  _write(data: Uint8Array, done: (error: unknown) => void): void {
    const onWritten = (error?: Error | null): void => {
      if (error === undefined || error === null) {
        done(null);
        return;
      }
      // The same failure also reaches the socket's error listener: this report consumes it.
      if (this._errorSource === error) {
        this._error = null;
        this._errorSource = null;
      }
      done(translateError(error));
    };
    if (this._dgram !== null) this._dgram.send(data, onWritten);
    else this._stream!.write(data, onWritten);
  }
}

/**
 * Creates a socket (Python's `socket.socket(family, type)`): `socket()` is TCP over IPv4,
 * `socket(AF_UNIX)` a Unix stream socket, `socket(AF_INET, SOCK_DGRAM)` UDP. It starts in
 * blocking mode: call `setblocking(false)` before handing it to the loop, as in Python.
 * @throws OSError for an unsupported family or type.
 * @see https://docs.python.org/3/library/socket.html#socket.socket
 */
export function socket(family: number = AF_INET, type: number = SOCK_STREAM): AioSocket {
  return new AioSocket(family, type);
}

// --- The loop methods ------------------------------------------------------------------------

function checkSocket(sock: unknown): asserts sock is AioSocket {
  if (!(sock instanceof AioSocket)) {
    throw new TypeError(`sock must be an AioSocket (from socket()): Node.js sockets cannot be used directly, got ${repr(sock)}`);
  }
}

/** CPython selector_events.py: `if self._debug and sock.gettimeout() != 0: raise ValueError(...)`. */
function checkNonBlocking(loop: AbstractEventLoop, sock: AioSocket): void {
  if (loop.getDebug() && sock.gettimeout() !== 0) throw new RangeError("the socket must be non-blocking");
}

function checkBuffer(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what}, not '${pyTypeName(value)}'`);
}

function checkSize(n: unknown, caller: string): asserts n is number {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError(`'${pyTypeName(n)}' object cannot be interpreted as an integer`);
  if (n < 0) throw new RangeError(`negative buffersize in ${caller}`);
}

/** CPython `_add_reader` / `_add_writer` for a sock_* callback, removed when `future` is done. */
function waitReady(loop: Loop, sock: AioSocket, kind: WatchKind, future: Future<unknown>, callback: (...args: never[]) => unknown, args: unknown[]): void {
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  const handle = addWatch(loop, sock, kind, callback, args, true);
  // CPython _sock_read_done / _sock_write_done: remove the callback unless it was replaced.
  future.addDoneCallback(() => removeIfCurrent(sock, kind, handle));
}

function removeIfCurrent(sock: AioSocket, kind: WatchKind, handle: SelectorHandle): void {
  if (!handle.cancelled()) removeWatch(sock, kind);
}

function newFuture<T>(loop: AbstractEventLoop): Future<T> {
  return loop.createFuture<T>() as Future<T>;
}

/**
 * Runs a non-blocking receive now, or when the socket is readable (CPython sock_recv and the
 * three variants share this shape).
 */
async function receive<T>(loop: AbstractEventLoop, sock: AioSocket, attempt: () => T | null): Promise<T> {
  const now = attempt();
  if (now !== null) return now;
  const future = newFuture<T>(loop);
  waitReady(loop as Loop, sock, "_reader", future, retryReceive, [future, attempt]);
  return awaitFuture(future);
}

/** CPython `_sock_recv`: a cancelled future takes nothing, so the data stays for the next call. */
function retryReceive<T>(future: Future<T>, attempt: () => T | null): void {
  if (future.done()) return;
  let result: T | null;
  try {
    result = attempt();
  } catch (error) {
    future.setException(error);
    return;
  }
  // null: spurious readiness, try again next time.
  if (result !== null) future.setResult(result);
}

/**
 * Receives up to `n` bytes from a connected socket; an empty array at EOF.
 * @throws OSError (ConnectionResetError, ...) from the socket, EBADF when closed, ENOTCONN when
 * not connected; RangeError for a negative `n`, or a blocking socket in debug mode; RuntimeError
 * "Event loop is closed" when it has to wait on a closed loop.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recv
 */
export async function sockRecv(loop: AbstractEventLoop, sock: AioSocket, n: number): Promise<Uint8Array> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  checkSize(n, "recv");
  return receive(loop, sock, () => sock._recvfrom(n)?.[0] ?? null);
}

/**
 * Receives into `buf` (as many bytes as fit); returns the number of bytes written, 0 at EOF.
 * @throws as {@link sockRecv}; TypeError when `buf` is not a Uint8Array.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recv_into
 */
export async function sockRecvInto(loop: AbstractEventLoop, sock: AioSocket, buf: Uint8Array): Promise<number> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  checkBuffer(buf, "recv_into() argument 'buffer' must be read-write bytes-like object");
  return receive(loop, sock, () => {
    const result = sock._recvfrom(buf.length);
    if (result === null) return null;
    buf.set(result[0]);
    return result[0].length;
  });
}

/**
 * Receives a datagram of up to `bufsize` bytes (the rest of a longer one is dropped) and its
 * sender: `[data, address]`. On a stream socket the address is null, as in Python.
 * @throws as {@link sockRecv}.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom
 */
export async function sockRecvfrom(loop: AbstractEventLoop, sock: AioSocket, bufsize: number): Promise<[Uint8Array, SocketAddress | null]> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  checkSize(bufsize, "recvfrom");
  return receive(loop, sock, () => sock._recvfrom(bufsize));
}

/**
 * Receives a datagram into `buf` (at most `nbytes` bytes; 0 means `buf.length`): `[n, address]`.
 * @throws as {@link sockRecv}; RangeError when `nbytes` exceeds `buf.length`.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom_into
 */
export async function sockRecvfromInto(loop: AbstractEventLoop, sock: AioSocket, buf: Uint8Array, nbytes = 0): Promise<[number, SocketAddress | null]> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  checkBuffer(buf, "recvfrom_into() argument 'buffer' must be read-write bytes-like object");
  checkSize(nbytes, "recvfrom_into");
  // CPython sock_recvfrom_into: `if not nbytes: nbytes = len(buf)`.
  const size = nbytes === 0 ? buf.length : nbytes;
  if (size > buf.length) throw new RangeError("nbytes is greater than the length of the buffer");
  return receive(loop, sock, () => {
    const result = sock._recvfrom(size);
    if (result === null) return null;
    buf.set(result[0]);
    return [result[0].length, result[1]];
  });
}

/**
 * Sends all of `data` on a connected socket; resolves once Node has handed it to the kernel.
 * A cancelled call does not take its data back: Node has already queued it.
 * @throws BrokenPipeError (unconnected or shut down), ConnectionResetError..., OSError EBADF;
 * RangeError for a blocking socket in debug mode; RuntimeError "Event loop is closed".
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_sendall
 */
export async function sockSendall(loop: AbstractEventLoop, sock: AioSocket, data: Uint8Array): Promise<void> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  checkBuffer(data, "a bytes-like object is required");
  await connected(loop, sock);
  sock._checkSend();
  if (data.length === 0) return;
  return send(loop, sock, data, (future) => (error) => {
    if (error === null) future.setResult(undefined);
    else future.setException(error);
  });
}

/**
 * Waits while a stream socket's connect is in progress: Linux's send() on a connecting socket
 * would block (EAGAIN), so CPython waits for the writer callback.
 */
async function connected(loop: AbstractEventLoop, sock: AioSocket): Promise<void> {
  while (sock._connecting && sock._dgram === null) {
    const future = newFuture<void>(loop);
    waitReady(loop as Loop, sock, "_writer", future, settleWhenWritable, [future]);
    await awaitFuture(future);
  }
}

function settleWhenWritable(future: Future<void>): void {
  if (!future.done()) future.setResult(undefined);
}

function send<T>(loop: AbstractEventLoop, sock: AioSocket, data: Uint8Array, settle: (future: Future<T>) => (error: unknown) => void): Promise<T> {
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  const future = newFuture<T>(loop);
  const done = settle(future);
  sock._write(data, (error) => {
    // A cancelled call, or a loop closed meanwhile, has nobody to tell.
    if (!future.done() && !loop.isClosed()) done(error);
  });
  return awaitFuture(future);
}

/**
 * Sends a datagram to `address`; returns the number of bytes sent. On a connected stream socket
 * the address is ignored, as Linux does.
 * @throws OSError from Node (EMSGSIZE...), EBADF, EISCONN (connected datagram socket);
 * TypeError for a malformed address; RuntimeError "Event loop is closed".
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_sendto
 */
export async function sockSendto(loop: AbstractEventLoop, sock: AioSocket, data: Uint8Array, address: SocketAddress): Promise<number> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  checkBuffer(data, "a bytes-like object is required");
  if (sock._dgram === null) {
    await connected(loop, sock);
    sock._checkSend();
    if (data.length === 0) return 0;
    return send(loop, sock, data, (future) => (error) => {
      if (error === null) future.setResult(data.length);
      else future.setException(error);
    });
  }
  sock._checkOpen();
  const target = checkAddress(sock.family, address, "sendto") as { host: string; port: number };
  if (sock._dgramConnected) throw sockError("EISCONN");
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  const future = newFuture<number>(loop);
  sock._dgram.send(data, target.port, target.host, (error: Error | null, bytes: number) => {
    if (future.done() || loop.isClosed()) return;
    if (error !== null) future.setException(translateError(error));
    else future.setResult(bytes);
  });
  return awaitFuture(future);
}

/**
 * Connects the socket to `address`, resolving a host name first (through `loop.getaddrinfo`
 * with the socket's family and type, as Python does). A cancelled connect goes on in the
 * background, as in Python: the next call waits for it or reports its failure.
 * @throws ConnectionRefusedError and the other connect failures ("Connect call failed
 * ('127.0.0.1', 1)"), OSError EISCONN / EBADF, the getaddrinfo error for an unknown name;
 * TypeError for a malformed address; RangeError for a blocking socket in debug mode;
 * RuntimeError "Event loop is closed".
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_connect
 */
export async function sockConnect(loop: AbstractEventLoop, sock: AioSocket, address: SocketAddress): Promise<void> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  let checked = checkAddress(sock.family, address, "connect");
  if ("host" in checked) {
    // CPython sock_connect: `_ensure_resolved(address, family=sock.family, type=sock.type, proto=sock.proto)`.
    checked = await ensureResolved(loop, checked, sock);
  }
  const future = newFuture<void>(loop);
  startConnect(loop as Loop, future, sock, checked);
  return awaitFuture(future);
}

/** CPython base_events._ensure_resolved: an IP literal of the socket's family needs no lookup. */
async function ensureResolved(loop: AbstractEventLoop, address: { host: string; port: number }, sock: AioSocket): Promise<CheckedAddress> {
  const version = net.isIP(address.host);
  if (version === (sock.family === AF_INET6 ? 6 : 4)) return address;
  const resolver = (loop as unknown as { getaddrinfo: (host: string, port: number, options: object) => Promise<[number, number, number, string, SocketAddress][]> }).getaddrinfo;
  const infos = await resolver.call(loop, address.host, address.port, { family: sock.family, type: sock.type, proto: sock.proto, flags: 0 });
  const first = infos[0];
  if (first === undefined) throw new OSError("getaddrinfo() returned empty list");
  const [host, port] = first[4] as [string, number];
  return { host, port };
}

/** CPython `_sock_connect`. */
function startConnect(loop: Loop, future: Future<void>, sock: AioSocket, address: CheckedAddress): void {
  try {
    if (sock._connect(address)) {
      future.setResult(undefined);
      return;
    }
    waitReady(loop, sock, "_writer", future, connectDone, [future, sock]);
  } catch (error) {
    future.setException(error);
  }
}

/** CPython `_sock_connect_cb`: the connection completed, or failed (SO_ERROR). */
function connectDone(future: Future<void>, sock: AioSocket): void {
  if (future.done()) return;
  if (sock._closed) future.setException(sockError("EBADF"));
  else if (sock._connectError !== null) future.setException(sock._takeConnectError());
  // Still in progress (spurious readiness): the socket stays registered.
  else if (!sock._connecting) future.setResult(undefined);
}

/**
 * Accepts a connection on a listening socket: `[conn, address]`, `conn` in non-blocking mode.
 * A cancelled call takes no connection: it stays for the next call.
 * @throws OSError EINVAL (not listening), EOPNOTSUPP (datagram socket), EBADF (closed);
 * RangeError for a blocking socket in debug mode; RuntimeError "Event loop is closed".
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_accept
 */
export async function sockAccept(loop: AbstractEventLoop, sock: AioSocket): Promise<[AioSocket, SocketAddress]> {
  checkSocket(sock);
  checkNonBlocking(loop, sock);
  return receive(loop, sock, () => {
    const accepted = sock._accept();
    // CPython _sock_accept: `conn.setblocking(False)`.
    accepted?.[0].setblocking(false);
    return accepted;
  });
}

/** Options of `loop.sockSendfile`. */
export interface SockSendfileOptions {
  /** Read and send the file in chunks when zero-copy is unavailable (always, on Node). Default true. */
  fallback?: boolean;
}

/**
 * Sends `count` bytes (null: to the end) of `file` from `offset` on a connected stream socket;
 * returns the number of bytes sent. Node has no sendfile(2) for sockets, so this reads chunks
 * of 256 KiB and sends each with {@link sockSendall}.
 * @throws SendfileNotAvailableError with `fallback: false`; RangeError for a datagram socket,
 * a negative offset or a non-positive count; TypeError for a non-integer offset or count, or a
 * file that is not a FileHandle; the errors of {@link sockSendall}.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_sendfile
 */
export async function sockSendfile(
  loop: AbstractEventLoop,
  sock: AioSocket,
  file: FileHandle,
  offset = 0,
  count: number | null = null,
  options: SockSendfileOptions = {},
): Promise<number> {
  checkSocket(sock);
  // CPython base_events.sock_sendfile: the debug check comes first here.
  checkNonBlocking(loop, sock);
  if (file === null || typeof file !== "object" || typeof (file as { read?: unknown }).read !== "function") {
    throw new TypeError(`file should be a FileHandle from node:fs/promises opened for reading, got ${repr(file)}`);
  }
  if (sock.type !== SOCK_STREAM) throw new RangeError("only SOCK_STREAM type sockets are supported");
  if (count !== null) {
    if (typeof count !== "number" || !Number.isInteger(count)) throw new TypeError(`count must be a positive integer (got ${repr(count)})`);
    if (count <= 0) throw new RangeError(`count must be a positive integer (got ${count})`);
  }
  if (typeof offset !== "number" || !Number.isInteger(offset)) throw new TypeError(`offset must be a non-negative integer (got ${repr(offset)})`);
  if (offset < 0) throw new RangeError(`offset must be a non-negative integer (got ${offset})`);
  if (options.fallback === false) {
    // CPython base_events._sock_sendfile_native: the message for a loop without native sendfile.
    throw new SendfileNotAvailableError(`syscall sendfile is not available for socket ${String(sock)} and file ${repr(file)} combination`);
  }
  let blocksize = count !== null ? Math.min(count, SENDFILE_FALLBACK_READBUFFER_SIZE) : SENDFILE_FALLBACK_READBUFFER_SIZE;
  const buffer = Buffer.alloc(blocksize);
  let totalSent = 0;
  for (;;) {
    if (count !== null) {
      blocksize = Math.min(count - totalSent, blocksize);
      if (blocksize <= 0) break;
    }
    // Differs from CPython: a FileHandle is read at explicit positions, so its own position is
    // neither used nor moved (Python seeks the file object to offset + total_sent at the end).
    const { bytesRead } = await file.read(buffer, 0, blocksize, offset + totalSent);
    if (bytesRead === 0) break;
    await sockSendall(loop, sock, buffer.subarray(0, bytesRead));
    totalSent += bytesRead;
  }
  return totalSent;
}

/** A callback given to `addReader` / `addWriter`. */
export type SocketCallback<A extends unknown[]> = (...args: A) => unknown;

function checkWatchable(sock: unknown, caller: string): asserts sock is AioSocket {
  if (!(sock instanceof AioSocket)) {
    // CPython selectors._fileobj_to_fd accepts any fd; Node cannot watch one it did not open.
    throw new TypeError(`${caller}() takes an AioSocket: Node.js cannot watch arbitrary file descriptors or objects, got ${repr(sock)}`);
  }
}

function addCallback<A extends unknown[]>(loop: AbstractEventLoop, sock: AioSocket, kind: WatchKind, caller: string, callback: SocketCallback<A>, args: A): void {
  checkWatchable(sock, caller);
  if (typeof callback !== "function") throw new TypeError(`a callable object was expected by ${caller}(), got ${repr(callback)}`);
  // CPython _add_reader: `_check_closed()` comes before the selector's fd check.
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  if (sock._closed) throw new RangeError("Invalid file descriptor: -1");
  addWatch(loop as Loop, sock, kind, callback, args, false);
}

function removeCallback(loop: AbstractEventLoop, sock: AioSocket, kind: WatchKind, caller: string): boolean {
  checkWatchable(sock, caller);
  if (loop.isClosed()) return false;
  if (sock._closed && sock[kind] === null) throw new RangeError("Invalid file descriptor: -1");
  return removeWatch(sock, kind);
}

/**
 * Calls `callback(...args)` whenever `sock` is readable (data, EOF, an error, or a connection to
 * accept), at most once per loop iteration, until `removeReader`. Replaces a previous reader.
 * @throws TypeError when `sock` is not an AioSocket (Node cannot watch other descriptors);
 * RuntimeError "Event loop is closed"; RangeError "Invalid file descriptor: -1" when closed.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.add_reader
 */
export function addReader<A extends unknown[]>(loop: AbstractEventLoop, sock: AioSocket, callback: SocketCallback<A>, ...args: A): void {
  addCallback(loop, sock, "_reader", "add_reader", callback, args);
}

/**
 * Stops watching `sock` for reading; true when a reader was registered.
 * @throws TypeError when `sock` is not an AioSocket.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.remove_reader
 */
export function removeReader(loop: AbstractEventLoop, sock: AioSocket): boolean {
  return removeCallback(loop, sock, "_reader", "remove_reader");
}

/**
 * Calls `callback(...args)` whenever `sock` is writable (connected, with its write buffer below
 * the high-water mark), at most once per loop iteration, until `removeWriter`.
 * @throws as {@link addReader}.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.add_writer
 */
export function addWriter<A extends unknown[]>(loop: AbstractEventLoop, sock: AioSocket, callback: SocketCallback<A>, ...args: A): void {
  addCallback(loop, sock, "_writer", "add_writer", callback, args);
}

/**
 * Stops watching `sock` for writing; true when a writer was registered.
 * @throws TypeError when `sock` is not an AioSocket.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.remove_writer
 */
export function removeWriter(loop: AbstractEventLoop, sock: AioSocket): boolean {
  return removeCallback(loop, sock, "_writer", "remove_writer");
}
