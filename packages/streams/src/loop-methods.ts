/**
 * Registers this package's implementations of the loop's network methods with @aio/core, so
 * `loop.createConnection(...)` etc. work on every loop once @aio/streams is imported.
 * Mirrors nothing in CPython (there, the methods live on BaseEventLoop itself); see API.md.
 */
import { _registerLoopMethods } from "@aio/core";
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
