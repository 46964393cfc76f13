/**
 * Server: listening sockets that create a protocol for each connection.
 * Mirrors CPython 3.13 asyncio/base_events.py (Server) with 3.13's close_clients/abort_clients.
 *
 * Python binds without listening until `start_serving`; Node cannot bind a TCP server without
 * listening, so a server made with `startServing: false` listens at once and holds incoming
 * connections until it starts serving (see README).
 */
import type { Server as NetServer, Socket } from "node:net";
import { CancelledError, RuntimeError, fromNodeError } from "@aio/core";
import type { AbstractEventLoop, AsyncContextManager } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { sleep } from "@aio/tasks";
import { SocketTransport, tlsExtra } from "./socket-transport.js";
import type { StreamProtocol, TransportServer } from "./socket-transport.js";
import type { TLSSocket } from "node:tls";
import { TransportSocket } from "./transport-socket.js";

/** Makes the protocol for one connection. */
export type ProtocolFactory<P = StreamProtocol> = () => P;

/**
 * A running server. An async context manager: on exit it closes and waits until closed.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.Server
 */
export class Server implements TransportServer, AsyncContextManager<Server> {
  /** @internal */
  _loop: AbstractEventLoop;
  /** @internal */
  _servers: NetServer[] | null;
  /** @internal */
  _protocolFactory: ProtocolFactory;
  /** @internal */
  _clients = new Set<SocketTransport>();
  /** @internal */
  _waiters: Future<void>[] | null = [];
  /** @internal */
  _serving = false;
  /** @internal */
  _servingForeverFut: Future<void> | null = null;
  /** Connections accepted before `startServing`. @internal */
  _held: [Socket, NetServer][] = [];
  /** @internal */
  _sslContext: unknown;
  /**
   * Runs just before the Node servers close; returns what to run right after (Unix socket
   * cleanup: libuv unlinks the path synchronously inside `close()`). @internal
   */
  _beforeClose: (() => (() => void) | null) | null = null;

  /** @internal */
  constructor(loop: AbstractEventLoop, servers: NetServer[], protocolFactory: ProtocolFactory, sslContext: unknown) {
    this._loop = loop;
    this._servers = servers;
    this._protocolFactory = protocolFactory;
    this._sslContext = sslContext;
    const event = sslContext === null ? "connection" : "secureConnection";
    for (const server of servers) {
      server.on(event, (sock: Socket) => {
        if (this._servers === null) {
          sock.destroy();
        } else if (this._serving) {
          this._loop.callSoon(() => this._acceptConnection(sock, server));
        } else {
          sock.pause();
          this._held.push([sock, server]);
        }
      });
      server.on("error", (error: Error) => {
        this._loop.callExceptionHandler({ message: "socket.accept() out of system resource", exception: fromNodeError(error) });
      });
      if (sslContext !== null) {
        server.on("tlsClientError", () => {
          // Python logs failed handshakes in debug mode only; the client sees the error.
        });
      }
    }
  }

  /** @internal */
  _acceptConnection(sock: Socket, server: NetServer): void {
    let protocol: StreamProtocol;
    try {
      protocol = this._protocolFactory();
    } catch (error) {
      // CPython _accept_connection2 reports this in debug mode only; the client sees the close.
      if (this._loop.getDebug()) {
        this._loop.callExceptionHandler({
          message: "Error on transport creation for incoming connection",
          exception: error,
        });
      }
      sock.destroy();
      return;
    }
    const path = server.address();
    // Python's addresses of an accepted Unix connection: sockname is the server's path, peername ''.
    const addresses = typeof path === "string" ? { sockname: path, peername: "" } : {};
    const extra = this._sslContext === null ? addresses : { ...addresses, ...tlsExtra(sock as TLSSocket, this._sslContext) };
    new SocketTransport(this._loop, sock, protocol, extra, this);
  }

  /** @internal */
  _attach(transport: SocketTransport): void {
    this._clients.add(transport);
  }

  /** @internal */
  _detach(transport: SocketTransport): void {
    this._clients.delete(transport);
    if (this._clients.size === 0 && this._servers === null) this._wakeup();
  }

  /** @internal */
  _wakeup(): void {
    const waiters = this._waiters;
    this._waiters = null;
    for (const waiter of waiters ?? []) if (!waiter.done()) waiter.setResult(undefined);
  }

  /** @internal */
  _startServing(): void {
    if (this._serving || this._servers === null) return;
    this._serving = true;
    for (const [sock, server] of this._held.splice(0)) this._loop.callSoon(() => this._acceptConnection(sock, server));
  }

  /** The loop the server runs on. */
  getLoop(): AbstractEventLoop {
    return this._loop;
  }

  /** True while accepting connections. */
  isServing(): boolean {
    return this._serving;
  }

  /** The listening sockets (empty once closed). */
  get sockets(): TransportSocket[] {
    return this._servers === null ? [] : this._servers.map((server) => new TransportSocket(server));
  }

  /** Stops listening; existing connections stay open (see `closeClients`). */
  close(): void {
    const servers = this._servers;
    if (servers === null) return;
    this._servers = null;
    const afterClose = this._beforeClose?.() ?? null;
    for (const server of servers) server.close();
    afterClose?.();
    for (const [sock] of this._held.splice(0)) sock.destroy();
    this._serving = false;
    const forever = this._servingForeverFut;
    if (forever !== null && !forever.done()) {
      forever.cancel();
      this._servingForeverFut = null;
    }
    if (this._clients.size === 0) this._wakeup();
  }

  /** Closes every client transport (after their buffered data is sent). */
  closeClients(): void {
    for (const transport of [...this._clients]) transport.close();
  }

  /** Aborts every client transport at once. */
  abortClients(): void {
    for (const transport of [...this._clients]) transport.abort();
  }

  aenter(): Promise<Server> {
    return Promise.resolve(this);
  }

  async aexit(): Promise<boolean> {
    this.close();
    await this.waitClosed();
    return false;
  }

  /** Async disposal for `await using server = await startServer(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.aexit();
  }

  /** Starts accepting connections. */
  async startServing(): Promise<void> {
    this._startServing();
    await sleep(0);
  }

  /**
   * Serves until cancelled; on cancellation the server is closed and waited for.
   * @throws RuntimeError if already serving forever or closed.
   */
  async serveForever(): Promise<void> {
    if (this._servingForeverFut !== null) {
      throw new RuntimeError(`server ${this.toString()} is already being awaited on serve_forever()`);
    }
    if (this._servers === null) throw new RuntimeError(`server ${this.toString()} is closed`);
    this._startServing();
    const forever = this._loop.createFuture<void>() as Future<void>;
    this._servingForeverFut = forever;
    try {
      await awaitFuture(forever);
    } catch (error) {
      if (error instanceof CancelledError) {
        try {
          this.close();
          await this.waitClosed();
        } finally {
          // Python re-raises the CancelledError whatever the cleanup did.
          // eslint-disable-next-line no-unsafe-finally -- mirrors CPython's `finally: raise`
          throw error;
        }
      }
      throw error;
    } finally {
      this._servingForeverFut = null;
    }
  }

  /** Waits until the server is closed and every connection is gone. */
  async waitClosed(): Promise<void> {
    if (this._waiters === null) return;
    const waiter = this._loop.createFuture<void>() as Future<void>;
    this._waiters.push(waiter);
    await awaitFuture(waiter);
  }

  toString(): string {
    // Python shows a tuple: `(<...>,)` for one socket.
    const sockets = this.sockets.map(String);
    return `<Server sockets=(${sockets.join(", ")}${sockets.length === 1 ? "," : ""})>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
