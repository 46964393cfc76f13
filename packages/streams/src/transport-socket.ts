/**
 * TransportSocket: the read-only view of a socket that `getExtraInfo("socket")` and
 * `Server.sockets` give. Mirrors CPython 3.13 asyncio/trsock.py (TransportSocket).
 */
import type { Server as NetServer, Socket } from "node:net";
import { localAddress, peerAddress, toAddress } from "./internal/addresses.js";
import type { SocketAddress } from "./internal/addresses.js";
import { formatAddress, sockError } from "./internal/sock-errors.js";

/** Python's socket.AF_UNIX. */
export const AF_UNIX = 1 as const;
/** Python's socket.AF_INET. */
export const AF_INET = 2 as const;
/** Python's socket.AF_INET6 (Linux value). */
export const AF_INET6 = 10 as const;
/** Python's socket.AF_UNSPEC. */
export const AF_UNSPEC = 0 as const;
/** Python's socket.SOCK_STREAM. */
export const SOCK_STREAM = 1 as const;
/** Python's socket.SOCK_DGRAM. */
export const SOCK_DGRAM = 2 as const;

/**
 * The OS descriptor of a Node socket or server (over TLS, of the socket underneath), or -1.
 * @internal
 */
export function socketFd(sock: Socket | NetServer): number {
  const holder = sock as unknown as { _handle?: { fd?: unknown } | null; _parent?: { _handle?: { fd?: unknown } | null } | null };
  const fd = holder._handle?.fd ?? holder._parent?._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : -1;
}

/** Addresses Node does not know for a Unix connection, in Python's shape ('' for unbound). @internal */
export interface UnixNames {
  sockname: SocketAddress | null;
  peername: SocketAddress | null;
}

/**
 * A listening or connected socket, as far as asyncio lets user code see it.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.Server.sockets
 */
export class TransportSocket {
  /** @internal */
  readonly _sock: Socket | NetServer;
  /** @internal */
  readonly _names: UnixNames | null;

  /** @internal */
  constructor(sock: Socket | NetServer, names: UnixNames | null = null) {
    this._sock = sock;
    this._names = names;
  }

  /** AF_INET, AF_INET6 or AF_UNIX. */
  get family(): number {
    const name = this.getsockname();
    if (typeof name === "string") return AF_UNIX;
    if (name === null) return AF_UNSPEC;
    return name.length === 4 ? AF_INET6 : AF_INET;
  }

  /** SOCK_STREAM. */
  get type(): number {
    return SOCK_STREAM;
  }

  /** Python's `proto`: 6 (IPPROTO_TCP) for TCP sockets, 0 for Unix sockets. */
  get proto(): number {
    const family = this.family;
    return family === AF_INET || family === AF_INET6 ? 6 : 0;
  }

  /** The OS file descriptor of the socket, or -1 once it is closed (or not known). */
  fileno(): number {
    return socketFd(this._sock);
  }

  /** The local address: `[host, port]`, `[host, port, flowinfo, scopeId]`, or a Unix path. */
  getsockname(): SocketAddress | null {
    const sock = this._sock;
    if ("listening" in sock) return toAddress(sock.address());
    return localAddress(sock) ?? this._names?.sockname ?? toAddress(sock.address());
  }

  /**
   * The peer's address (connected sockets).
   * @throws OSError ENOTCONN for a listening socket, as Python's `getpeername()`.
   */
  getpeername(): SocketAddress | null {
    const sock = this._sock;
    if ("listening" in sock) throw sockError("ENOTCONN");
    return peerAddress(sock) ?? this._names?.peername ?? null;
  }

  /** Python's repr: `<asyncio.TransportSocket fd=6, family=2, type=1, proto=6, laddr=('127.0.0.1', 8080)>`. */
  toString(): string {
    const fd = this.fileno();
    let text = `<asyncio.TransportSocket fd=${fd}, family=${this.family}, type=${this.type}, proto=${this.proto}`;
    if (fd !== -1) {
      const laddr = this.getsockname();
      if (laddr !== null && laddr !== "") text += `, laddr=${formatAddress(laddr)}`;
      let raddr: SocketAddress | null = null;
      try {
        raddr = this.getpeername();
      } catch {
        // Python skips the peer of a socket that has none.
      }
      if (raddr !== null && raddr !== "") text += `, raddr=${formatAddress(raddr)}`;
    }
    return `${text}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
