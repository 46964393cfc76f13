/**
 * The loop's stream connection methods: createConnection, createServer and their Unix and
 * accepted-socket variants. Mirrors CPython 3.13 asyncio/base_events.py (create_connection,
 * create_server, connect_accepted_socket) and unix_events.py (create_unix_connection,
 * create_unix_server).
 *
 * Name resolution and happy eyeballs are Node's (`net.connect` with `autoSelectFamily`); a
 * server host that resolves to several addresses gets one listening socket per address, as
 * Python binds one socket per getaddrinfo entry.
 */
import { lookup } from "node:dns/promises";
import { existsSync, linkSync, lstatSync, renameSync, statSync, unlinkSync } from "node:fs";
import { Socket as DgramSocket } from "node:dgram";
import * as net from "node:net";
import { dirname } from "node:path";
import * as tls from "node:tls";
import { ConnectionAbortedError, ConnectionResetError, ExceptionGroup, FileNotFoundError, OSError, fromNodeError, logger, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, Transport } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { sleep } from "@aio/tasks";
import { Server } from "./server.js";
import type { ProtocolFactory } from "./server.js";
import { SocketTransport, tlsExtra } from "./socket-transport.js";
import type { StreamProtocol } from "./socket-transport.js";
import { clientTlsOptions, fromTlsError, serverTlsOptions } from "./ssl.js";
import { checkPortRange } from "./internal/sock-address.js";
import { formatAddress, sockError, translateError } from "./internal/sock-errors.js";
import type { SSLOption } from "./ssl.js";

/** Options of `loop.createConnection`. */
export interface CreateConnectionOptions {
  ssl?: SSLOption;
  family?: number;
  proto?: number;
  flags?: number;
  /** An already connected socket to use instead of host/port. */
  sock?: net.Socket | null;
  localAddr?: [string, number] | null;
  serverHostname?: string | null;
  /** Seconds to wait for the TLS handshake (default 60). */
  sslHandshakeTimeout?: number | null;
  sslShutdownTimeout?: number | null;
  /** Enables happy eyeballs (Node's autoSelectFamily) with this attempt delay in seconds. */
  happyEyeballsDelay?: number | null;
  interleave?: number | null;
  allErrors?: boolean;
}

/** Options of `loop.createServer`. */
export interface CreateServerOptions {
  family?: number;
  flags?: number;
  sock?: net.Server | null;
  backlog?: number;
  ssl?: SSLOption;
  reuseAddress?: boolean | null;
  reusePort?: boolean | null;
  keepAlive?: boolean | null;
  sslHandshakeTimeout?: number | null;
  sslShutdownTimeout?: number | null;
  startServing?: boolean;
}

/** Options of `loop.createUnixServer`. */
export interface CreateUnixServerOptions extends Omit<CreateServerOptions, "family" | "flags" | "reuseAddress" | "reusePort" | "keepAlive"> {
  /** Remove the socket file when the server closes (3.13; default true). */
  cleanupSocket?: boolean;
}

const AF_INET = 2;
const AF_INET6 = 10;
const DEFAULT_HANDSHAKE_TIMEOUT = 60;

function familyNumber(family: number | undefined): 0 | 4 | 6 {
  if (family === AF_INET) return 4;
  if (family === AF_INET6) return 6;
  return 0;
}

/**
 * Python's `ValueError('A Stream Socket was expected, got …')` (our RangeError) for a datagram
 * socket; anything that is no socket at all is a TypeError.
 */
function notAStreamSocket(sock: unknown, shown: string): Error {
  const message = `A Stream Socket was expected, got ${shown}`;
  return sock instanceof DgramSocket ? new RangeError(message) : new TypeError(message);
}

/**
 * A failed TCP connect as Python raises it: `[Errno 111] Connect call failed ('127.0.0.1', 80)`
 * (an IPv6 address shows as `('::1', 80, 0, 0)`), from the address Node tried.
 */
function connectError(error: unknown, local: [string, number] | null = null): unknown {
  if (!(error instanceof Error)) return fromNodeError(error);
  const { address, port, syscall, code } = error as { address?: unknown; port?: unknown; syscall?: unknown; code?: unknown };
  if (local !== null && (syscall === "bind" || (syscall === "connect" && code === "EADDRNOTAVAIL" && local[1] !== 0))) {
    // Python binds first and words a failure `error while attempting to bind on address
    // ('127.0.0.1', 5000): [errno 98] address already in use`. libuv binds with SO_REUSEADDR,
    // so a local port in use shows only at connect (EADDRNOTAVAIL); Python's bind says EADDRINUSE.
    const bindError = syscall === "bind" ? translateError(error) : sockError("EADDRINUSE");
    if (bindError instanceof OSError && bindError.errno !== undefined) {
      const text = bindError.message.toLowerCase();
      return new OSError(`[Errno ${bindError.errno}] error while attempting to bind on address ${formatAddress(local)}: ${text}`, {
        code: bindError.code,
        errno: bindError.errno,
        cause: error,
      });
    }
  }
  if (typeof address !== "string" || typeof port !== "number") return translateError(error);
  const where = net.isIPv6(address) ? formatAddress([address, port, 0, 0]) : formatAddress([address, port]);
  return translateError(error, `Connect call failed ${where}`);
}

/** A failed Unix connect as Python raises it: `[Errno 2] No such file or directory`. */
function unixConnectError(error: unknown): unknown {
  return error instanceof Error ? translateError(error) : fromNodeError(error);
}

/** Waits for a Node socket's `event`, cancellable: a cancelled wait destroys the socket. */
async function waitForSocket(loop: AbstractEventLoop, sock: net.Socket, event: string, translate: (error: unknown) => unknown = fromNodeError): Promise<void> {
  const future = loop.createFuture<void>() as Future<void>;
  const onReady = (): void => {
    if (!future.done()) future.setResult(undefined);
  };
  const onError = (error: Error): void => {
    if (!future.done()) future.setException(translate(error));
  };
  const onClose = (): void => {
    // A server-side TLSSocket whose peer hangs up mid-handshake emits only 'end' (half-open) or 'close'; CPython
    // (sslproto.py eof_received) reports ConnectionResetError then.
    if (!future.done()) future.setException(new ConnectionResetError(`Connection lost before '${event}'`));
  };
  sock.once(event, onReady);
  sock.once("error", onError);
  sock.once("close", onClose);
  sock.once("end", onClose);
  try {
    await awaitFuture(future);
  } catch (error) {
    sock.destroy();
    throw error;
  } finally {
    sock.removeListener(event, onReady);
    sock.removeListener("error", onError);
    sock.removeListener("close", onClose);
    sock.removeListener("end", onClose);
  }
}

async function makeTransport<P extends StreamProtocol>(
  loop: AbstractEventLoop,
  sock: net.Socket,
  protocolFactory: ProtocolFactory<P>,
  extra: Record<string, unknown>,
): Promise<[Transport, P]> {
  let protocol: P;
  try {
    protocol = protocolFactory();
  } catch (error) {
    // Python drops its socket object, which closes it: the peer sees the connection end.
    sock.destroy();
    throw error;
  }
  const waiter = loop.createFuture<void>() as Future<void>;
  const transport = new SocketTransport(loop, sock, protocol, extra, null, waiter);
  try {
    await awaitFuture(waiter);
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}

async function upgradeClient(
  loop: AbstractEventLoop,
  raw: net.Socket,
  ssl: SSLOption,
  serverHostname: string | null,
  handshakeTimeout: number | null | undefined,
  shutdownTimeout: number | null | undefined = null,
): Promise<[net.Socket, Record<string, unknown>]> {
  const resolved = clientTlsOptions(ssl, serverHostname);
  if (resolved === null) return [raw, {}];
  // CPython sslproto.py SSLProtocol.__init__, made once connected: the socket is closed.
  for (const [name, value] of [["ssl_handshake_timeout", handshakeTimeout], ["ssl_shutdown_timeout", shutdownTimeout]] as const) {
    if (value !== null && value !== undefined && value <= 0) {
      raw.destroy();
      throw new RangeError(`${name} should be a positive number, got ${value}`);
    }
  }
  const [options, context] = resolved;
  const secure = tls.connect({ ...options, socket: raw });
  const timeoutSeconds = handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  const timer = loop.callLater(timeoutSeconds, () => {
    // CPython sslproto.py _check_handshake_timeout: ConnectionAbortedError.
    secure.destroy(new ConnectionAbortedError(`SSL handshake is taking longer than ${timeoutSeconds} seconds: aborting the connection`));
  });
  try {
    await waitForSocket(loop, secure, "secureConnect", fromTlsError);
  } finally {
    timer.cancel();
  }
  return [secure, tlsExtra(secure, context ?? ssl)];
}

/** CPython base_events.py create_connection: the ssl-related argument checks, in Python's order. */
function checkSslArguments(
  ssl: SSLOption,
  serverHostname: string | null | undefined,
  host: string | null | undefined,
  options: { sslHandshakeTimeout?: number | null; sslShutdownTimeout?: number | null },
): string | null {
  if (serverHostname !== null && serverHostname !== undefined && !ssl) {
    throw new RangeError("server_hostname is only meaningful with ssl");
  }
  let hostname = serverHostname ?? null;
  if (ssl && hostname === null) {
    if (!host) throw new RangeError("You must set server_hostname when using ssl without a host");
    hostname = host;
  }
  checkTimeouts(Boolean(ssl), options);
  return hostname;
}

/** Python's "ssl_handshake_timeout is only meaningful with ssl" checks. */
function checkTimeouts(ssl: boolean, options: { sslHandshakeTimeout?: number | null; sslShutdownTimeout?: number | null }): void {
  if (options.sslHandshakeTimeout !== null && options.sslHandshakeTimeout !== undefined && !ssl) {
    throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
  }
  if (options.sslShutdownTimeout !== null && options.sslShutdownTimeout !== undefined && !ssl) {
    throw new RangeError("ssl_shutdown_timeout is only meaningful with ssl");
  }
}

/** CPython create_server / create_unix_server: `ssl` must be a context (or None), never a bool. */
function checkServerSsl(ssl: SSLOption, options: { sslHandshakeTimeout?: number | null; sslShutdownTimeout?: number | null }): void {
  if (typeof ssl === "boolean") throw new TypeError("ssl argument must be an SSLContext or None");
  checkTimeouts(ssl !== null && ssl !== undefined, options);
}

/**
 * CPython create_connection resolves `local_addr` and binds only local addresses of the remote's
 * family (gh-86508); Node wants one IP literal. Picks it: a name is resolved, and when the remote
 * family is known (an IP literal host, or `family`) a local address of another family is skipped.
 * Returns the local IP and the family the connection must use.
 * @throws OSError when nothing resolves or no local address has the remote's family.
 */
async function resolveLocalAddress(localHost: string, remoteFamily: 0 | 4 | 6): Promise<[string, 0 | 4 | 6]> {
  let candidates: { address: string; family: number }[];
  if (net.isIP(localHost) !== 0) {
    candidates = [{ address: localHost, family: net.isIP(localHost) }];
  } else {
    try {
      candidates = await lookup(localHost, { all: true, family: remoteFamily });
    } catch (error) {
      throw fromNodeError(error);
    }
  }
  const match = candidates.find((candidate) => remoteFamily === 0 || candidate.family === remoteFamily);
  if (match === undefined) {
    const name = remoteFamily === 6 ? "<AddressFamily.AF_INET6: 10>" : "<AddressFamily.AF_INET: 2>";
    throw new OSError(`no matching local address with family=${name} found`);
  }
  return [match.address, match.family as 4 | 6];
}

/**
 * Opens a stream connection to host:port and returns `[transport, protocol]`.
 * @throws RangeError for contradictory arguments (Python's ValueError); an OSError subclass
 * (ConnectionRefusedError, …) when the connection fails.
 */
export async function createConnection<P extends StreamProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  host: string | null = null,
  port: number | null = null,
  options: CreateConnectionOptions = {},
): Promise<[Transport, P]> {
  const { ssl, sock = null, localAddr = null, happyEyeballsDelay = null } = options;
  const serverHostname = checkSslArguments(ssl, options.serverHostname, host, options);
  if ((host !== null || port !== null) && sock !== null) {
    throw new RangeError("host/port and sock can not be specified at the same time");
  }
  let raw: net.Socket;
  if (sock !== null) {
    // CPython base_events.py create_connection: only SOCK_STREAM sockets.
    if (!(sock instanceof net.Socket)) throw notAStreamSocket(sock, repr(sock));
    raw = sock;
  } else {
    if (host === null && port === null) throw new RangeError("host and port was not specified and no sock specified");
    checkPortRange(port, "connect");
    const remoteHost = host ?? "localhost";
    const connectOptions: net.TcpNetConnectOpts = {
      host: remoteHost,
      port: port ?? 0,
      allowHalfOpen: true,
      family: familyNumber(options.family),
    };
    if (localAddr !== null) {
      const remoteFamily = (net.isIP(remoteHost) as 0 | 4 | 6) || familyNumber(options.family);
      const [localHost, localFamily] = await resolveLocalAddress(localAddr[0], remoteFamily);
      connectOptions.localAddress = localHost;
      connectOptions.localPort = localAddr[1];
      connectOptions.family = localFamily;
    }
    if (happyEyeballsDelay !== null) {
      connectOptions.autoSelectFamily = true;
      connectOptions.autoSelectFamilyAttemptTimeout = Math.max(10, Math.round(happyEyeballsDelay * 1000));
    }
    raw = net.connect(connectOptions);
    try {
      await waitForSocket(loop, raw, "connect", (error) => connectError(error, localAddr));
    } catch (error) {
      // CPython 3.12+: all_errors=True raises every connect error as an ExceptionGroup.
      if (options.allErrors === true && error instanceof OSError) throw new ExceptionGroup("create_connection failed", [error]);
      throw error;
    }
  }
  const [stream, extra] = await upgradeClient(loop, raw, ssl, serverHostname, options.sslHandshakeTimeout, options.sslShutdownTimeout);
  return makeTransport(loop, stream, protocolFactory, extra);
}

/** Opens a Unix socket connection to `path`; returns `[transport, protocol]`. */
export async function createUnixConnection<P extends StreamProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  path: string | null = null,
  options: Omit<CreateConnectionOptions, "family" | "proto" | "flags" | "localAddr" | "happyEyeballsDelay" | "interleave" | "allErrors"> = {},
): Promise<[Transport, P]> {
  const { ssl, sock = null } = options;
  // CPython unix_events.py create_unix_connection: no host to default server_hostname from.
  if (ssl && (options.serverHostname === null || options.serverHostname === undefined)) {
    throw new RangeError("you have to pass server_hostname when using ssl");
  }
  const serverHostname = checkSslArguments(ssl, options.serverHostname, null, options);
  let raw: net.Socket;
  if (path !== null) {
    if (sock !== null) throw new RangeError("path and sock can not be specified at the same time");
    raw = net.connect({ path, allowHalfOpen: true });
    await waitForSocket(loop, raw, "connect", unixConnectError);
  } else {
    if (sock === null) throw new RangeError("no path and sock were specified");
    raw = sock;
  }
  const [stream, extra] = await upgradeClient(loop, raw, ssl, serverHostname, options.sslHandshakeTimeout, options.sslShutdownTimeout);
  // Python's addresses of a Unix client connection: sockname '' (unbound), peername the path.
  return makeTransport(loop, stream, protocolFactory, { sockname: "", peername: path, ...extra });
}

/** Wraps an already accepted socket in a transport and protocol (server side). */
export async function connectAcceptedSocket<P extends StreamProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  sock: net.Socket,
  options: { ssl?: SSLOption; sslHandshakeTimeout?: number | null; sslShutdownTimeout?: number | null } = {},
): Promise<[Transport, P]> {
  if (!(sock instanceof net.Socket)) throw notAStreamSocket(sock, String(sock));
  checkTimeouts(Boolean(options.ssl), options);
  let stream: net.Socket = sock;
  let extra: Record<string, unknown> = {};
  const resolved = serverTlsOptions(options.ssl);
  if (resolved !== null) {
    const [tlsOptions, context] = resolved;
    const secure = new tls.TLSSocket(sock, { ...tlsOptions, isServer: true });
    await waitForSocket(loop, secure, "secure", fromTlsError);
    stream = secure;
    extra = tlsExtra(secure, context ?? options.ssl);
  }
  return makeTransport(loop, stream, protocolFactory, extra);
}

function makeNetServer(ssl: SSLOption, handshakeTimeout: number | null | undefined): [net.Server, unknown] {
  const resolved = serverTlsOptions(ssl);
  if (resolved === null) return [net.createServer({ allowHalfOpen: true, pauseOnConnect: true }), null];
  const [options, context] = resolved;
  const server = tls.createServer({
    ...options,
    allowHalfOpen: true,
    pauseOnConnect: true,
    handshakeTimeout: Math.round((handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT) * 1000),
  });
  return [server, context ?? ssl];
}

/**
 * libuv's uv_pipe_bind reports a path in a missing directory as EACCES; bind(2), and so CPython,
 * reports ENOENT (FileNotFoundError). Gives the error CPython raises when the directory is missing.
 */
function missingDirectoryError(error: unknown, path: string): unknown {
  if ((error as { code?: unknown }).code !== "EACCES" || existsSync(dirname(path))) return error;
  const cause = (error as { cause?: unknown }).cause;
  return new FileNotFoundError(`[Errno ENOENT] listen ENOENT: no such file or directory ${path}`, {
    code: "ENOENT",
    errno: -2,
    cause: cause ?? error,
  });
}

async function listen(loop: AbstractEventLoop, server: net.Server, options: net.ListenOptions): Promise<void> {
  const future = loop.createFuture<void>() as Future<void>;
  const onError = (error: Error): void => {
    if (!future.done()) future.setException(fromNodeError(error));
  };
  server.once("error", onError);
  server.listen(options, () => {
    if (!future.done()) future.setResult(undefined);
  });
  try {
    await awaitFuture(future);
  } catch (error) {
    server.close();
    throw error;
  } finally {
    server.removeListener("error", onError);
  }
}

/**
 * Listen options that take over an already listening `net.Server`'s handle (Python's `sock=`).
 * Node's `listen({ handle })` wants the libuv handle itself, not the Server wrapping it.
 * @throws TypeError when `sock` is not a listening net.Server.
 */
function listeningHandle(sock: net.Server, backlog: number): net.ListenOptions {
  // CPython base_events.py create_server: a socket that cannot listen is not a stream socket.
  const given: unknown = sock;
  if (!(given instanceof net.Server) && !(given instanceof net.Socket)) throw notAStreamSocket(given, repr(given));
  const handle = (sock as net.Server & { _handle?: object | null })._handle;
  if (!(sock instanceof net.Server) || handle === null || handle === undefined) {
    throw new TypeError(`A listening net.Server was expected for sock, got ${repr(sock)}`);
  }
  return { handle, backlog } as unknown as net.ListenOptions;
}

async function resolveHosts(host: string | readonly string[] | null, family: number | undefined): Promise<(string | null)[]> {
  if (host === null || host === "") return [null];
  const hosts = typeof host === "string" ? [host] : [...host];
  const addresses: string[] = [];
  for (const name of hosts) {
    if (net.isIP(name) !== 0) {
      addresses.push(name);
      continue;
    }
    try {
      const found = await lookup(name, { all: true, family: familyNumber(family) });
      for (const entry of found) addresses.push(entry.address);
    } catch (error) {
      throw fromNodeError(error);
    }
  }
  return [...new Set(addresses)];
}

/**
 * Listens on host:port (host may be a list, or null for all interfaces) and returns a Server.
 * @throws RangeError for contradictory arguments; an OSError subclass when binding fails
 * (e.g. address in use).
 */
export async function createServer(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory,
  host: string | readonly string[] | null = null,
  port: number | null = null,
  options: CreateServerOptions = {},
): Promise<Server> {
  const { ssl, sock = null, backlog = 100, reusePort = null, startServing = true } = options;
  checkServerSsl(ssl, options);
  if (sock === null && host === null && port === null) throw new RangeError("Neither host/port nor sock were specified");
  const servers: net.Server[] = [];
  let context: unknown = null;
  try {
    if (sock !== null) {
      if (host !== null || port !== null) throw new RangeError("host/port and sock can not be specified at the same time");
      const [server, ctx] = makeNetServer(ssl, options.sslHandshakeTimeout);
      context = ctx;
      await listen(loop, server, listeningHandle(sock, backlog));
      servers.push(server);
    } else {
      checkPortRange(port, "bind");
      const hosts = await resolveHosts(host, options.family);
      for (const address of hosts) {
        const [server, ctx] = makeNetServer(ssl, options.sslHandshakeTimeout);
        context = ctx;
        const listenOptions: net.ListenOptions & { reusePort?: boolean } = { port: port ?? 0, backlog };
        if (address !== null) listenOptions.host = address;
        if (address !== null && net.isIPv6(address)) listenOptions.ipv6Only = true;
        if (reusePort === true) listenOptions.reusePort = true;
        await listen(loop, server, listenOptions);
        servers.push(server);
      }
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  const server = new Server(loop, servers, protocolFactory, context);
  if (startServing) {
    server._startServing();
    // Python: "Skip one loop iteration so that all 'loop.add_reader' go through."
    await sleep(0);
  }
  return server;
}

/**
 * libuv unlinks a Unix server's socket path whenever the server closes, by name. Python removes
 * it only when `cleanup_socket` is set and the file is still the server's own (same inode). So
 * when the file must survive (cleanup disabled, or replaced by someone else), it is hard-linked
 * aside before the close and renamed back after it. Returns the "after close" step.
 */
function keepSocketFile(path: string): () => void {
  const aside = `${path}.aio-keep-${process.pid}-${Date.now().toString(36)}`;
  try {
    linkSync(path, aside);
  } catch {
    // Nothing to keep (the file is gone) or no right to link: libuv's unlink decides.
    return () => undefined;
  }
  return () => {
    try {
      renameSync(aside, path);
    } catch (error) {
      logger.error(`Unable to restore UNIX socket ${JSON.stringify(path)}: ${String(error)}`);
    }
  };
}

function inodeOf(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

/**
 * Listens on the Unix socket `path` (or takes over the listening Unix `sock`) and returns a Server.
 * @throws RangeError for contradictory arguments; an OSError subclass when binding fails.
 */
export async function createUnixServer(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory,
  path: string | null = null,
  options: CreateUnixServerOptions = {},
): Promise<Server> {
  const { ssl, sock = null, backlog = 100, startServing = true, cleanupSocket = true } = options;
  checkServerSsl(ssl, options);
  let netServer: net.Server;
  let context: unknown;
  if (path !== null) {
    if (sock !== null) throw new RangeError("path and sock can not be specified at the same time");
    // CPython unix_events.py create_unix_server: remove a stale socket file left by a previous server.
    try {
      if (lstatSync(path).isSocket()) unlinkSync(path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") {
        logger.error(`Unable to check or remove stale UNIX socket ${JSON.stringify(path)}: ${String(error)}`);
      }
    }
    [netServer, context] = makeNetServer(ssl, options.sslHandshakeTimeout);
    try {
      await listen(loop, netServer, { path, backlog });
    } catch (error) {
      throw missingDirectoryError(error, path);
    }
  } else {
    if (sock === null) throw new RangeError("path was not specified, and no sock specified");
    if (!(sock instanceof net.Server) || !sock.listening || typeof sock.address() !== "string") {
      throw new TypeError(`A listening Unix net.Server was expected for sock, got ${repr(sock)}`);
    }
    if (serverTlsOptions(ssl) !== null) {
      // Differs from CPython: libuv cannot move a listening pipe to a new (TLS) server object.
      throw new TypeError("ssl with a Unix sock is not supported: pass a path instead");
    }
    // libuv refuses to open a pipe fd twice (EEXIST), so the given server is taken over as it is.
    netServer = sock;
    Object.assign(netServer, { pauseOnConnect: true, allowHalfOpen: true });
    context = null;
  }
  const socketPath = netServer.address() as string;
  const inode = socketPath.startsWith("\0") ? null : inodeOf(socketPath);
  const server = new Server(loop, [netServer], protocolFactory, context);
  if (inode !== null) {
    server._beforeClose = () => {
      const current = inodeOf(socketPath);
      // CPython unix_events.py _stop_serving: unlink only our own file, and only with cleanup_socket.
      if (current === null || (cleanupSocket && current === inode)) return null;
      return keepSocketFile(socketPath);
    };
  }
  if (startServing) {
    server._startServing();
    await sleep(0);
  }
  return server;
}
