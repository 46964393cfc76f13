/**
 * createDatagramEndpoint and the UDP transport.
 * Mirrors CPython 3.13 asyncio/base_events.py (create_datagram_endpoint) and selector_events.py
 * (_SelectorDatagramTransport), on node:dgram.
 *
 * Node sends datagrams asynchronously and keeps no user-visible queue, so the write buffer size
 * is the bytes handed to `send` whose callback has not come back yet. Send errors reach the
 * protocol's `errorReceived`, as Python's OSError from sendto does. Unix datagram sockets are not
 * available in Node.
 */
import * as dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { DatagramTransport, _pyTypeName, fromNodeError, logger } from "@aio/core";
import type { AbstractEventLoop, LoopInternals } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { reportFatalError } from "./internal/fatal-error.js";
import type { ProtocolFactory } from "./server.js";

type Loop = AbstractEventLoop & LoopInternals;

/** What a datagram protocol offers its transport (Python's DatagramProtocol). */
export interface DatagramProtocolLike {
  connectionMade(transport: DatagramTransport): void;
  connectionLost(exc: unknown): void;
  datagramReceived(data: Uint8Array, addr: [string, number] | [string, number, number, number]): void;
  errorReceived(exc: unknown): void;
  pauseWriting?(): void;
  resumeWriting?(): void;
}

/** Options of `loop.createDatagramEndpoint`. */
export interface CreateDatagramEndpointOptions {
  localAddr?: [string, number] | null;
  remoteAddr?: [string, number] | null;
  family?: number;
  proto?: number;
  flags?: number;
  reuseAddress?: boolean | null;
  reusePort?: boolean | null;
  allowBroadcast?: boolean | null;
  /** An already bound dgram socket. */
  sock?: dgram.Socket | null;
}

const AF_INET6 = 10;
const AF_UNIX = 1;

function addressTuple(address: string, port: number, family: string): [string, number] | [string, number, number, number] {
  return family === "IPv6" ? [address, port, 0, 0] : [address, port];
}

/**
 * The OS descriptor of a bound dgram socket, or -1. Node keeps the handle in the socket's state
 * (reading `socket._handle` is deprecated, DEP0112, and warns).
 */
function dgramFd(sock: dgram.Socket): number {
  const key = Object.getOwnPropertySymbols(sock).find((symbol) => symbol.description === "state symbol");
  const state = key === undefined ? undefined : (sock as unknown as Record<symbol, { handle?: { fd?: unknown } | null } | undefined>)[key];
  const fd = state?.handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : -1;
}

/**
 * A UDP endpoint.
 * @see https://docs.python.org/3/library/asyncio-protocol.html#datagram-transports
 */
export class UDPTransport extends DatagramTransport {
  /** @internal */
  _loop: Loop;
  /** @internal */
  _sock: dgram.Socket;
  /** @internal */
  _protocol: DatagramProtocolLike;
  /** The connected peer, or null. @internal */
  _address: [string, number] | null;
  /** True when the socket is connected to `_address` (not with allowBroadcast). @internal */
  _connected = false;
  /** @internal */
  _bufferSize = 0;
  /** @internal */
  _closing = false;
  /** @internal */
  _connLost = 0;
  /** @internal */
  _lostScheduled = false;
  /** @internal */
  _highWater = 64 * 1024;
  /** @internal */
  _lowWater = 16 * 1024;
  /** @internal */
  _protocolPaused = false;
  /** The socket's descriptor when the transport was made (Python keeps it for the repr). @internal */
  _fd: number;

  /** @internal */
  constructor(loop: AbstractEventLoop, sock: dgram.Socket, protocol: DatagramProtocolLike, address: [string, number] | null, waiter: Future<void> | null) {
    const local = sock.address();
    let peer: unknown = null;
    try {
      const remote = sock.remoteAddress();
      peer = addressTuple(remote.address, remote.port, remote.family);
    } catch {
      // Not connected (no remote address, or allowBroadcast): Python's peername is None then.
    }
    super({ sockname: addressTuple(local.address, local.port, local.family), peername: peer, socket: sock });
    this._connected = peer !== null;
    this._fd = dgramFd(sock);
    this._loop = loop as Loop;
    this._sock = sock;
    this._protocol = protocol;
    this._address = address;
    this._loop.callSoon(() => this._protocol.connectionMade(this));
    this._loop.callSoon(() => {
      sock.on("message", this._onMessage);
    });
    sock.on("error", this._onError);
    sock.on("close", () => this._scheduleConnectionLost(null));
    if (waiter !== null) {
      this._loop.callSoon(() => {
        if (!waiter.cancelled()) waiter.setResult(undefined);
      });
    }
  }

  /** @internal */
  readonly _onMessage = (data: Buffer, rinfo: dgram.RemoteInfo): void => {
    this._loop._callSoon(this._deliver, [data, addressTuple(rinfo.address, rinfo.port, rinfo.family)], null);
  };

  /** @internal */
  readonly _deliver = (data: Buffer, addr: [string, number]): void => {
    if (this._connLost > 0) return;
    // CPython selector_events.py _SelectorDatagramTransport._read_ready calls datagram_received
    // outside its try: an error there goes to the loop's handler as an error in a callback, and
    // the transport stays open.
    this._protocol.datagramReceived(data, addr);
  };

  /** @internal */
  readonly _onError = (error: Error): void => {
    const translated = fromNodeError(error);
    this._loop.callSoon(() => this._protocol.errorReceived(translated));
  };

  getWriteBufferSize(): number {
    return this._bufferSize;
  }

  override isClosing(): boolean {
    return this._closing;
  }

  override getProtocol(): unknown {
    return this._protocol;
  }

  override setProtocol(protocol: unknown): void {
    this._protocol = protocol as DatagramProtocolLike;
  }

  /**
   * Sends one datagram to `addr` (or the connected peer).
   * @throws TypeError for non-bytes; RangeError for an address other than the connected one.
   * Without an address on an unconnected endpoint, the transport closes with a TypeError (a
   * fatal write error, as in Python).
   */
  override sendto(data: Uint8Array, addr: [string, number] | null = null): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${_pyTypeName(data)}'`);
    }
    if (this._address !== null) {
      if (addr !== null && (addr[0] !== this._address[0] || addr[1] !== this._address[1])) {
        throw new RangeError(`Invalid address: must be None or ('${this._address[0]}', ${this._address[1]})`);
      }
      addr = this._connected ? null : this._address;
    }
    if (this._connLost > 0) {
      if (this._connLost >= 5) logger.warning("socket.send() raised exception.");
      this._connLost += 1;
      return;
    }
    if (addr === null && this._address === null) {
      // CPython: `sock.sendto(data, None)` raises TypeError inside sendto's try, a fatal write
      // error: reported, and the transport closes with it.
      const family = this._sock.address().family === "IPv6" ? "AF_INET6" : "AF_INET";
      this._fatalError(new TypeError(`sendto(): ${family} address must be tuple, not NoneType`), "Fatal write error on datagram transport");
      return;
    }
    const size = data.length + 8;
    this._bufferSize += size;
    const done = (error: Error | null): void => {
      this._bufferSize -= size;
      if (error !== null) {
        const translated = fromNodeError(error);
        this._loop.callSoon(() => this._protocol.errorReceived(translated));
      }
      this._maybeResumeProtocol();
      if (this._closing && this._bufferSize === 0 && !this._lostScheduled) {
        this._scheduleConnectionLost(null);
        this._sock.close();
      }
    };
    if (addr === null) {
      this._sock.send(data, done);
    } else {
      this._sock.send(data, addr[1], addr[0], done);
    }
    this._maybePauseProtocol();
  }

  /** Closes after pending datagrams are sent. */
  override close(): void {
    if (this._closing) return;
    this._closing = true;
    this._sock.removeListener("message", this._onMessage);
    if (this._bufferSize === 0) {
      // CPython _SelectorTransport.close: with nothing buffered, connection_lost is scheduled at
      // once (call_soon), not when the OS reports the close.
      this._scheduleConnectionLost(null);
      this._sock.close();
    }
  }

  /** Closes at once. */
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
    this._connLost += 1;
    this._scheduleConnectionLost(error);
    try {
      this._sock.close();
    } catch {
      // Already closed by Node: connectionLost is scheduled either way.
    }
  }

  /** Python's repr: `<UDPTransport fd=7 read=polling write=<idle, bufsize=0>>`. */
  override toString(): string {
    const info = [this.constructor.name];
    if (this._lostScheduled) info.push("closed");
    else if (this._closing) info.push("closing");
    info.push(`fd=${this._fd}`);
    if (!this._lostScheduled && !this._loop.isClosed()) {
      info.push(`read=${this._closing ? "idle" : "polling"}`);
      info.push(`write=<${this._bufferSize > 0 ? "polling" : "idle"}, bufsize=${this._bufferSize}>`);
    }
    return `<${info.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal */
  _scheduleConnectionLost(error: unknown): void {
    if (this._lostScheduled) return;
    this._lostScheduled = true;
    this._closing = true;
    if (this._connLost === 0) this._connLost = 1;
    // Node reports the socket's close on a later tick; a loop closed by then has nobody to tell.
    if (this._loop.isClosed()) return;
    this._loop.callSoon(() => this._protocol.connectionLost(error));
  }

  /** @internal */
  _maybePauseProtocol(): void {
    if (this._protocolPaused || this._bufferSize <= this._highWater) return;
    this._protocolPaused = true;
    this._protocol.pauseWriting?.();
  }

  /** @internal */
  _maybeResumeProtocol(): void {
    if (!this._protocolPaused || this._bufferSize > this._lowWater) return;
    this._protocolPaused = false;
    this._protocol.resumeWriting?.();
  }
}

/** Python's str() of an option value in messages: tuples as `('h', 1)`, booleans as `True`. */
function pyValue(value: unknown): string {
  if (Array.isArray(value)) return `(${value.map((item) => (typeof item === "string" ? `'${item}'` : String(item))).join(", ")})`;
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

async function resolve(host: string, family: number | undefined): Promise<{ address: string; family: 4 | 6 }> {
  if (isIP(host) !== 0) return { address: host, family: isIP(host) as 4 | 6 };
  try {
    const result = await lookup(host, { family: family === AF_INET6 ? 6 : family === 2 ? 4 : 0 });
    return { address: result.address, family: result.family as 4 | 6 };
  } catch (error) {
    throw fromNodeError(error);
  }
}

/**
 * Opens a UDP endpoint and returns `[transport, protocol]`.
 * @throws RangeError for `reuseAddress: true` (unsafe, as in Python), for a missing family, for
 * local and remote addresses of different families, or for `family: AF_UNIX` (Unix datagram
 * sockets are not available in Node); TypeError for an address that is not a `[host, port]` pair;
 * an OSError subclass when binding fails.
 */
export async function createDatagramEndpoint<P extends DatagramProtocolLike>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  options: CreateDatagramEndpointOptions = {},
): Promise<[UDPTransport, P]> {
  const { localAddr = null, remoteAddr = null, family = 0, reuseAddress = null, reusePort = null, allowBroadcast = null, sock = null } = options;
  if (reuseAddress === true) {
    throw new RangeError(
      "Passing `reuse_address=True` is no longer supported, as the usage of SO_REUSEPORT in UDP poses a significant security concern.",
    );
  }
  if (family === AF_UNIX) {
    throw new RangeError("Unix datagram sockets are not supported by Node's dgram module");
  }
  let socket: dgram.Socket;
  // Python keeps the resolved remote address (`r_addr`), which sendto's address check compares to.
  let resolvedRemote: [string, number] | null = null;
  if (sock !== null) {
    const modifiers: [string, unknown][] = [
      ["local_addr", localAddr],
      ["remote_addr", remoteAddr],
      ["family", family],
      ["proto", options.proto ?? 0],
      ["flags", options.flags ?? 0],
      ["reuse_port", reusePort],
      ["allow_broadcast", allowBroadcast],
    ];
    const problems = modifiers.filter(([, value]) => Boolean(value)).map(([name, value]) => `${name}=${pyValue(value)}`);
    if (problems.length > 0) {
      throw new RangeError(`socket modifier keyword arguments can not be used when sock is specified. (${problems.join(", ")})`);
    }
    socket = sock;
  } else {
    if (localAddr === null && remoteAddr === null && family === 0) throw new RangeError("unexpected address family");
    for (const addr of [localAddr, remoteAddr]) {
      if (addr !== null && !(Array.isArray(addr) && addr.length === 2)) throw new TypeError("2-tuple is expected");
    }
    const local = localAddr === null ? null : await resolve(localAddr[0], family);
    const remote = remoteAddr === null ? null : await resolve(remoteAddr[0], family);
    // CPython pairs local and remote addresses by family: none in common is a ValueError.
    if (local !== null && remote !== null && local.family !== remote.family) throw new RangeError("can not get address information");
    if (remote !== null) resolvedRemote = [remote.address, (remoteAddr as [string, number])[1]];
    const ipFamily = local?.family ?? remote?.family ?? (family === AF_INET6 ? 6 : 4);
    socket = dgram.createSocket({ type: ipFamily === 6 ? "udp6" : "udp4", reuseAddr: false, reusePort: reusePort === true });
    const bound = loop.createFuture<void>() as Future<void>;
    const onError = (error: Error): void => {
      if (!bound.done()) bound.setException(fromNodeError(error));
    };
    socket.once("error", onError);
    socket.bind({ address: local?.address, port: localAddr?.[1] ?? 0 }, () => {
      if (!bound.done()) bound.setResult(undefined);
    });
    try {
      await awaitFuture(bound);
      if (allowBroadcast === true) socket.setBroadcast(true);
      // CPython base_events.py create_datagram_endpoint: with allow_broadcast the socket is not
      // connected; the transport still sends to remote_addr by default.
      if (remote !== null && allowBroadcast !== true) {
        const connected = loop.createFuture<void>() as Future<void>;
        socket.connect((remoteAddr as [string, number])[1], remote.address, () => {
          if (!connected.done()) connected.setResult(undefined);
        });
        await awaitFuture(connected);
      }
    } catch (error) {
      socket.close();
      throw error;
    } finally {
      socket.removeListener("error", onError);
    }
  }
  const protocol = protocolFactory();
  const waiter = loop.createFuture<void>() as Future<void>;
  const transport = new UDPTransport(loop, socket, protocol, resolvedRemote, waiter);
  try {
    await awaitFuture(waiter);
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}
