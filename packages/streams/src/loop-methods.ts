/**
 * Registers this package's implementations of the loop's network methods with @aio/core, so
 * `loop.createConnection(...)` etc. work on every loop once @aio/streams is imported.
 * Mirrors nothing in CPython (there, the methods live on BaseEventLoop itself); see API.md.
 */
import { _registerLoopMethods } from "@aio/core";
import type { AbstractEventLoop, Transport } from "@aio/core";
import type { DatagramProtocolLike, UDPTransport } from "./datagram.js";
import type { ProtocolFactory } from "./server.js";
import type { StreamProtocol } from "./socket-transport.js";
import { connectAcceptedSocket, createConnection, createServer, createUnixConnection, createUnixServer } from "./connection.js";
import { createDatagramEndpoint } from "./datagram.js";
import { getaddrinfo, getnameinfo } from "./dns.js";
import { sendfile } from "./sendfile.js";
import { startTls } from "./start-tls.js";
import {
  addReader,
  addWriter,
  removeReader,
  removeWriter,
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvInto,
  sockRecvfrom,
  sockRecvfromInto,
  sockSendall,
  sockSendfile,
  sockSendto,
} from "./sock.js";

_registerLoopMethods({
  createConnection: createConnection,
  createServer: createServer,
  createUnixConnection: createUnixConnection,
  createUnixServer: createUnixServer,
  connectAcceptedSocket: connectAcceptedSocket,
  createDatagramEndpoint: createDatagramEndpoint,
  getaddrinfo: getaddrinfo,
  getnameinfo: getnameinfo,
  sendfile: sendfile,
  startTls: startTls,
  sockRecv: sockRecv,
  sockRecvInto: sockRecvInto,
  sockRecvfrom: sockRecvfrom,
  sockRecvfromInto: sockRecvfromInto,
  sockSendall: sockSendall,
  sockSendto: sockSendto,
  sockConnect: sockConnect,
  sockAccept: sockAccept,
  sockSendfile: sockSendfile,
  addReader: addReader,
  removeReader: removeReader,
  addWriter: addWriter,
  removeWriter: removeWriter,
});

/** True once the loop methods are registered (importing this module does it). */
export const loopMethodsRegistered = true;

/** A module-level loop method (`f(loop, ...args)`) as the loop's own method (`loop.f(...args)`). */
type OnLoop<F> = F extends (loop: AbstractEventLoop, ...args: infer A) => infer R ? (...args: A) => R : never;
/** The parameters of a module-level loop method after the loop. */
type AfterLoop<F> = F extends (loop: AbstractEventLoop, ...args: infer A) => unknown ? A : never;

declare module "@aio/core" {
  /** The network methods @aio/streams gives every loop: `loop.createConnection(...)` and the rest. */
  interface LoopIOMethods {
    createConnection<P extends StreamProtocol>(
      protocolFactory: ProtocolFactory<P>,
      host?: string | null,
      port?: number | null,
      options?: AfterLoop<typeof createConnection>[3],
    ): Promise<[Transport, P]>;
    createServer: OnLoop<typeof createServer>;
    createUnixConnection<P extends StreamProtocol>(
      protocolFactory: ProtocolFactory<P>,
      path?: string | null,
      options?: AfterLoop<typeof createUnixConnection>[2],
    ): Promise<[Transport, P]>;
    createUnixServer: OnLoop<typeof createUnixServer>;
    connectAcceptedSocket<P extends StreamProtocol>(
      protocolFactory: ProtocolFactory<P>,
      sock: AfterLoop<typeof connectAcceptedSocket>[1],
      options?: AfterLoop<typeof connectAcceptedSocket>[2],
    ): Promise<[Transport, P]>;
    createDatagramEndpoint<P extends DatagramProtocolLike>(
      protocolFactory: ProtocolFactory<P>,
      options?: AfterLoop<typeof createDatagramEndpoint>[1],
    ): Promise<[UDPTransport, P]>;
    getaddrinfo: OnLoop<typeof getaddrinfo>;
    getnameinfo: OnLoop<typeof getnameinfo>;
    sendfile: OnLoop<typeof sendfile>;
    startTls: OnLoop<typeof startTls>;
    sockRecv: OnLoop<typeof sockRecv>;
    sockRecvInto: OnLoop<typeof sockRecvInto>;
    sockRecvfrom: OnLoop<typeof sockRecvfrom>;
    sockRecvfromInto: OnLoop<typeof sockRecvfromInto>;
    sockSendall: OnLoop<typeof sockSendall>;
    sockSendto: OnLoop<typeof sockSendto>;
    sockConnect: OnLoop<typeof sockConnect>;
    sockAccept: OnLoop<typeof sockAccept>;
    sockSendfile: OnLoop<typeof sockSendfile>;
    addReader: OnLoop<typeof addReader>;
    removeReader: OnLoop<typeof removeReader>;
    addWriter: OnLoop<typeof addWriter>;
    removeWriter: OnLoop<typeof removeWriter>;
  }
}
