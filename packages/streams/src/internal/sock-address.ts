/**
 * Validation of the address arguments of our socket object, with the messages of CPython's
 * socket module (getsockaddrarg in Modules/socketmodule.c).
 */
import { _pyTypeName as pyTypeName } from "@aio/core";
import type { SocketAddress } from "./addresses.js";

const AF_UNIX = 1;
const AF_INET6 = 10;

/** A checked address: a Unix path, or a host and port (IPv6 may carry flowinfo and scope id). */
export type CheckedAddress = { path: string } | { host: string; port: number };

/**
 * Checks `address` for a socket of `family`; `caller` names the method in range errors.
 * @throws TypeError for the wrong shape; RangeError for a port outside 0-65535.
 */
export function checkAddress(family: number, address: unknown, caller: string): CheckedAddress {
  if (family === AF_UNIX) {
    if (typeof address === "string") return { path: address };
    if (address instanceof Uint8Array) return { path: Buffer.from(address).toString() };
    throw new TypeError(`a bytes-like object is required, not '${pyTypeName(address)}'`);
  }
  const name = family === AF_INET6 ? "AF_INET6" : "AF_INET";
  if (!Array.isArray(address)) throw new TypeError(`${name} address must be tuple, not ${pyTypeName(address)}`);
  if (family === AF_INET6 ? address.length < 2 || address.length > 4 : address.length !== 2) {
    throw new TypeError(family === AF_INET6 ? "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])" : "AF_INET address must be a pair (host, port)");
  }
  const [host, port] = address as unknown[];
  if (typeof host !== "string") throw new TypeError(`str, bytes or bytearray expected, not ${pyTypeName(host)}`);
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`'${pyTypeName(port)}' object cannot be interpreted as an integer`);
  }
  checkPortRange(port, caller);
  return { host, port };
}

/**
 * CPython's OverflowError for an integer port outside 0-65535 (`caller` is "connect" or "bind").
 * @throws RangeError "connect(): port must be 0-65535." and the like.
 */
export function checkPortRange(port: unknown, caller: string): void {
  if (typeof port === "number" && Number.isInteger(port) && (port < 0 || port > 65535)) {
    throw new RangeError(`${caller}(): port must be 0-65535.`);
  }
}

/** The address back in Python's shape for `family`. */
export function toSocketAddress(family: number, checked: CheckedAddress): SocketAddress {
  if ("path" in checked) return checked.path;
  return family === AF_INET6 ? [checked.host, checked.port, 0, 0] : [checked.host, checked.port];
}
