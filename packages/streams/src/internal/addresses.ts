/** Socket addresses in Python's shapes. Mirrors the address tuples of CPython's socket module. */
import type { AddressInfo, Socket } from "node:net";

/** `[host, port]`, `[host, port, flowinfo, scopeId]` for IPv6, or a Unix path. */
export type SocketAddress = [string, number] | [string, number, number, number] | string;

/** Python's address tuple from Node's address info. */
export function toAddress(info: AddressInfo | string | Record<string, never> | null | undefined): SocketAddress | null {
  if (info === null || info === undefined) return null;
  if (typeof info === "string") return info;
  if (!("address" in info)) return null;
  if (info.family === "IPv6") return [info.address, info.port, 0, 0];
  return [info.address, info.port];
}

export function peerAddress(socket: Socket): SocketAddress | null {
  if (socket.remoteAddress === undefined) return null;
  if (socket.remoteFamily === "IPv6") return [socket.remoteAddress, socket.remotePort ?? 0, 0, 0];
  return [socket.remoteAddress, socket.remotePort ?? 0];
}

export function localAddress(socket: Socket): SocketAddress | null {
  if (socket.localAddress === undefined) return null;
  if (socket.localFamily === "IPv6") return [socket.localAddress, socket.localPort ?? 0, 0, 0];
  return [socket.localAddress, socket.localPort ?? 0];
}
