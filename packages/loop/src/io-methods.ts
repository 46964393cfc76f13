/**
 * The loop's I/O methods, delegated to the package that implements them.
 * Mirrors the I/O half of CPython 3.13 asyncio/base_events.py, selector_events.py and unix_events.py,
 * whose implementations live in @aio/streams and @aio/subprocess (see API.md).
 *
 * @aio/loop must not import node:net, node:tls, node:dgram or node:child_process, so each method
 * looks up its implementation when called; until the providing package has been imported it
 * throws a RuntimeError that names the package.
 */
import { _loopMethod } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";

/** Loop I/O method names and the package that provides each. */
export const IO_METHODS = {
  createConnection: "@aio/streams",
  createServer: "@aio/streams",
  createUnixConnection: "@aio/streams",
  createUnixServer: "@aio/streams",
  createDatagramEndpoint: "@aio/streams",
  connectAcceptedSocket: "@aio/streams",
  sendfile: "@aio/streams",
  startTls: "@aio/streams",
  getaddrinfo: "@aio/streams",
  getnameinfo: "@aio/streams",
  sockRecv: "@aio/streams",
  sockRecvInto: "@aio/streams",
  sockRecvfrom: "@aio/streams",
  sockRecvfromInto: "@aio/streams",
  sockSendall: "@aio/streams",
  sockSendto: "@aio/streams",
  sockConnect: "@aio/streams",
  sockAccept: "@aio/streams",
  sockSendfile: "@aio/streams",
  addReader: "@aio/streams",
  removeReader: "@aio/streams",
  addWriter: "@aio/streams",
  removeWriter: "@aio/streams",
  subprocessExec: "@aio/subprocess",
  subprocessShell: "@aio/subprocess",
  connectReadPipe: "@aio/subprocess",
  connectWritePipe: "@aio/subprocess",
} as const;

/** The name of one loop I/O method. */
export type IOMethodName = keyof typeof IO_METHODS;

/** A loop I/O method as seen before its package refines the types. */
export type IOMethod = (...args: never[]) => unknown;

/** The I/O methods every loop has (their types are refined by @aio/streams and @aio/subprocess). */
export type IOMethods = { [K in IOMethodName]: IOMethod };

/** Defines the delegating I/O methods on `prototype`. @internal */
export function installIOMethods(prototype: object): void {
  for (const [name, packageName] of Object.entries(IO_METHODS)) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      writable: true,
      value: function (this: AbstractEventLoop, ...args: never[]): unknown {
        return _loopMethod(name, packageName)(this, ...args);
      },
    });
  }
}
