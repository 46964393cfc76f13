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
import type { AbstractEventLoop, LoopIOMethods } from "@aio/core";

/** Loop I/O method names and the package that provides each. */
export const IO_METHODS = {
  /**
   * Opens a TCP (or TLS) connection and wires it to a protocol (`loop.create_connection()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_connection
   */
  createConnection: "@aio/streams",
  /**
   * Starts a TCP (or TLS) server that makes a protocol per connection (`loop.create_server()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_server
   */
  createServer: "@aio/streams",
  /**
   * Opens a Unix-socket connection and wires it to a protocol (`loop.create_unix_connection()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_unix_connection
   */
  createUnixConnection: "@aio/streams",
  /**
   * Starts a Unix-socket server (`loop.create_unix_server()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_unix_server
   */
  createUnixServer: "@aio/streams",
  /**
   * Opens a UDP endpoint (`loop.create_datagram_endpoint()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.create_datagram_endpoint
   */
  createDatagramEndpoint: "@aio/streams",
  /**
   * Wraps an already accepted socket in a transport and protocol (`loop.connect_accepted_socket()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.connect_accepted_socket
   */
  connectAcceptedSocket: "@aio/streams",
  /**
   * Sends a file over a transport (`loop.sendfile()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sendfile
   */
  sendfile: "@aio/streams",
  /**
   * Upgrades an existing transport to TLS (`loop.start_tls()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.start_tls
   */
  startTls: "@aio/streams",
  /**
   * Resolves a host and port to socket addresses (`loop.getaddrinfo()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.getaddrinfo
   */
  getaddrinfo: "@aio/streams",
  /**
   * Resolves a socket address to a host and service name (`loop.getnameinfo()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.getnameinfo
   */
  getnameinfo: "@aio/streams",
  /**
   * Receives up to n bytes from a socket (`loop.sock_recv()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recv
   */
  sockRecv: "@aio/streams",
  /**
   * Receives bytes from a socket into a buffer (`loop.sock_recv_into()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recv_into
   */
  sockRecvInto: "@aio/streams",
  /**
   * Receives a datagram and its sender's address (`loop.sock_recvfrom()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom
   */
  sockRecvfrom: "@aio/streams",
  /**
   * Receives a datagram into a buffer, with its sender's address (`loop.sock_recvfrom_into()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom_into
   */
  sockRecvfromInto: "@aio/streams",
  /**
   * Sends all of a buffer on a socket (`loop.sock_sendall()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_sendall
   */
  sockSendall: "@aio/streams",
  /**
   * Sends a datagram to an address (`loop.sock_sendto()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_sendto
   */
  sockSendto: "@aio/streams",
  /**
   * Connects a socket to an address (`loop.sock_connect()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_connect
   */
  sockConnect: "@aio/streams",
  /**
   * Accepts a connection on a listening socket (`loop.sock_accept()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_accept
   */
  sockAccept: "@aio/streams",
  /**
   * Sends a file on a socket (`loop.sock_sendfile()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.sock_sendfile
   */
  sockSendfile: "@aio/streams",
  /**
   * Calls a callback when a file descriptor is readable (`loop.add_reader()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.add_reader
   */
  addReader: "@aio/streams",
  /**
   * Stops watching a file descriptor for reading (`loop.remove_reader()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.remove_reader
   */
  removeReader: "@aio/streams",
  /**
   * Calls a callback when a file descriptor is writable (`loop.add_writer()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.add_writer
   */
  addWriter: "@aio/streams",
  /**
   * Stops watching a file descriptor for writing (`loop.remove_writer()`); implemented by `@aio/streams`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.remove_writer
   */
  removeWriter: "@aio/streams",
  /**
   * Runs a program as a subprocess wired to a protocol (`loop.subprocess_exec()`); implemented by `@aio/subprocess`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.subprocess_exec
   */
  subprocessExec: "@aio/subprocess",
  /**
   * Runs a shell command as a subprocess wired to a protocol (`loop.subprocess_shell()`); implemented by `@aio/subprocess`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.subprocess_shell
   */
  subprocessShell: "@aio/subprocess",
  /**
   * Wraps the read end of a pipe in a transport (`loop.connect_read_pipe()`); implemented by `@aio/subprocess`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.connect_read_pipe
   */
  connectReadPipe: "@aio/subprocess",
  /**
   * Wraps the write end of a pipe in a transport (`loop.connect_write_pipe()`); implemented by `@aio/subprocess`.
   * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.connect_write_pipe
   */
  connectWritePipe: "@aio/subprocess",
} as const;

/** The name of one loop I/O method. */
export type IOMethodName = keyof typeof IO_METHODS;

/** A loop I/O method as seen before its package refines the types. */
export type IOMethod = (...args: unknown[]) => unknown;

/**
 * The I/O methods every loop has, untyped: those whose package is imported are typed by it
 * through {@link LoopIOMethods} instead.
 */
export type IOMethods = { [K in Exclude<IOMethodName, keyof LoopIOMethods>]: IOMethod };

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
