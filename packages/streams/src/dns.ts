/**
 * getaddrinfo / getnameinfo on node:dns.
 * Mirrors CPython 3.13 asyncio/base_events.py (getaddrinfo, getnameinfo), which run
 * socket.getaddrinfo in the default executor; Node's dns.lookup uses libuv's thread pool the same way.
 */
import { lookup, lookupService } from "node:dns/promises";
import { isIP } from "node:net";
import { OSError, fromNodeError } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/** One getaddrinfo entry: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [number, number, number, string, [string, number] | [string, number, number, number]];

/** Options of `loop.getaddrinfo`. */
export interface GetaddrinfoOptions {
  family?: number;
  type?: number;
  proto?: number;
  flags?: number;
}

/**
 * Resolves `host` (null: the loopback/any address) and pairs each address with `port`.
 * @throws an OSError (Python's socket.gaierror) when the name does not resolve.
 */
export async function getaddrinfo(
  _loop: AbstractEventLoop,
  host: string | null,
  port: number | string | null,
  options: GetaddrinfoOptions = {},
): Promise<AddrInfo[]> {
  const { family = 0, type = 0, proto = 0 } = options;
  // CPython socket.getaddrinfo: a None or empty service is port 0.
  const portNumber = port === null || port === "" ? 0 : typeof port === "number" ? port : Number.parseInt(port, 10);
  if (Number.isNaN(portNumber)) {
    // Differs from CPython: Node cannot look up service names (getservbyname), so only numeric
    // ports resolve; others fail like an unknown service does in Python (socket.gaierror).
    throw new OSError("[Errno -8] Servname not supported for ai_socktype", { code: "EAI_SERVICE" });
  }
  const wanted = family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0;
  let addresses: { address: string; family: number }[];
  if (host === null) {
    addresses = wanted === 6 ? [{ address: "::1", family: 6 }] : wanted === 4 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }];
  } else if (isIP(host) !== 0) {
    if (wanted !== 0 && isIP(host) !== wanted) {
      throw new OSError("[Errno -9] Address family for hostname not supported", { code: "EAI_ADDRFAMILY" });
    }
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, family: wanted });
    } catch (error) {
      throw fromNodeError(error);
    }
  }
  const kinds: [number, number][] = [];
  if (type === 0 || type === SOCK_STREAM) kinds.push([SOCK_STREAM, IPPROTO_TCP]);
  if (type === 0 || type === SOCK_DGRAM) kinds.push([SOCK_DGRAM, IPPROTO_UDP]);
  if (type === 0 || type === SOCK_RAW) kinds.push([SOCK_RAW, 0]);
  const result: AddrInfo[] = [];
  for (const entry of addresses) {
    for (const [kind, kindProto] of kinds) {
      if (proto !== 0 && proto !== kindProto) continue;
      const sockaddr: AddrInfo[4] = entry.family === 6 ? [entry.address, portNumber, 0, 0] : [entry.address, portNumber];
      result.push([entry.family === 6 ? AF_INET6 : AF_INET, kind, kindProto, "", sockaddr]);
    }
  }
  return result;
}

/**
 * The host name and service name of a socket address: `[host, service]`.
 * @throws an OSError when the address does not resolve.
 */
export async function getnameinfo(
  _loop: AbstractEventLoop,
  sockaddr: [string, number] | [string, number, number, number],
  _flags = 0,
): Promise<[string, string]> {
  if (!Array.isArray(sockaddr) || typeof sockaddr[0] !== "string" || typeof sockaddr[1] !== "number") {
    throw new TypeError("getnameinfo() argument 1 must be a tuple");
  }
  try {
    const { hostname, service } = await lookupService(sockaddr[0], sockaddr[1]);
    return [hostname, service];
  } catch (error) {
    throw fromNodeError(error);
  }
}
