/**
 * TransportSocket: the read-only view of a socket that `getExtraInfo("socket")` and
 * `Server.sockets` give. Mirrors CPython 3.13 asyncio/trsock.py (TransportSocket).
 */
import type { Server as NetServer, Socket } from "node:net";
import { localAddress, peerAddress, toAddress } from "./internal/addresses.js";
import type { SocketAddress } from "./internal/addresses.js";

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
 * A listening or connected socket, as far as asyncio lets user code see it.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.Server.sockets
 */
export class TransportSocket {
  /** @internal */
  readonly _sock: Socket | NetServer;

  /** @internal */
  constructor(sock: Socket | NetServer) {
    this._sock = sock;
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

  /** The local address: `[host, port]`, `[host, port, flowinfo, scopeId]`, or a Unix path. */
  getsockname(): SocketAddress | null {
    const sock = this._sock;
    if ("listening" in sock) return toAddress(sock.address());
    return localAddress(sock) ?? toAddress((sock).address());
  }

  /** The peer's address (connected sockets). */
  getpeername(): SocketAddress | null {
    const sock = this._sock;
    if ("listening" in sock) return null;
    return peerAddress(sock);
  }

  toString(): string {
    return `<asyncio.TransportSocket family=${this.family}, type=${this.type}, laddr=${JSON.stringify(this.getsockname())}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
