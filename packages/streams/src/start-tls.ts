/**
 * loop.startTls: upgrade an open stream connection to TLS in place.
 * Mirrors CPython 3.13 asyncio/base_events.py (start_tls) on Node's tls.TLSSocket.
 *
 * The protocol is moved to the new transport without a second `connectionMade`, as in Python;
 * the old transport stops delivering events and must not be used afterwards.
 */
import * as tls from "node:tls";
import { ConnectionAbortedError, ConnectionResetError, RuntimeError, _pyRepr as repr } from "@aio/core";
import type { AbstractEventLoop, Transport } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";
import { SocketTransport, tlsExtra } from "./socket-transport.js";
import type { StreamProtocol } from "./socket-transport.js";
import { clientTlsOptions, fromTlsError, serverTlsOptions } from "./ssl.js";
import type { SSLOption } from "./ssl.js";

/** Options of `loop.startTls`. */
export interface LoopStartTlsOptions {
  serverSide?: boolean;
  serverHostname?: string | null;
  sslHandshakeTimeout?: number | null;
  sslShutdownTimeout?: number | null;
}

/**
 * Performs a TLS handshake over `transport`'s connection and returns the new TLS transport.
 * @throws TypeError for a transport that is not a stream socket transport or `ssl` that is not a
 * context; an OSError subclass when the handshake fails.
 */
export async function startTls(
  loop: AbstractEventLoop,
  transport: Transport,
  protocol: StreamProtocol,
  sslcontext: SSLOption,
  options: LoopStartTlsOptions = {},
): Promise<Transport> {
  // CPython base_events.py start_tls: the context is checked before the transport.
  if (!sslcontext) throw new TypeError(`sslcontext is expected to be an instance of ssl.SSLContext, got ${repr(sslcontext)}`);
  if (!(transport instanceof SocketTransport)) {
    throw new TypeError(`transport ${repr(transport)} is not supported by start_tls()`);
  }
  const { serverSide = false, serverHostname = null, sslHandshakeTimeout = null, sslShutdownTimeout = null } = options;
  // CPython sslproto.py SSLProtocol.__init__: raised before the transport is touched, so it stays usable.
  for (const [name, value] of [["ssl_handshake_timeout", sslHandshakeTimeout], ["ssl_shutdown_timeout", sslShutdownTimeout]] as const) {
    if (value !== null && value <= 0) throw new RangeError(`${name} should be a positive number, got ${value}`);
  }
  if (transport.isClosing()) throw new RuntimeError("Transport is closing");
  const raw = transport._detachSocket();
  let secure: tls.TLSSocket;
  let context: unknown;
  if (serverSide) {
    const resolved = serverTlsOptions(sslcontext);
    if (resolved === null) throw new TypeError("sslcontext is required");
    secure = new tls.TLSSocket(raw, { ...resolved[0], isServer: true });
    context = resolved[1] ?? sslcontext;
  } else {
    const resolved = clientTlsOptions(sslcontext, serverHostname);
    if (resolved === null) throw new TypeError("sslcontext is required");
    secure = tls.connect({ ...resolved[0], socket: raw });
    context = resolved[1] ?? sslcontext;
  }
  const done = loop.createFuture<void>() as Future<void>;
  const onSecure = (): void => {
    if (!done.done()) done.setResult(undefined);
  };
  const onError = (error: Error): void => {
    if (!done.done()) done.setException(fromTlsError(error));
  };
  const onClose = (): void => {
    // CPython sslproto.py eof_received: EOF during the handshake is a ConnectionResetError.
    // (A server-side TLSSocket whose peer hangs up emits 'end' (half-open) or 'close', never 'error'.)
    if (!done.done()) done.setException(new ConnectionResetError("Connection lost during the SSL handshake"));
  };
  secure.once(serverSide ? "secure" : "secureConnect", onSecure);
  secure.once("error", onError);
  secure.once("close", onClose);
  secure.once("end", onClose);
  const timeout = sslHandshakeTimeout ?? 60;
  const timer = loop.callLater(timeout, () => {
    if (!done.done()) {
      done.setException(new ConnectionAbortedError(`SSL handshake is taking longer than ${timeout} seconds: aborting the connection`));
    }
  });
  try {
    await awaitFuture(done);
  } catch (error) {
    secure.destroy();
    throw error;
  } finally {
    timer.cancel();
    secure.removeListener("error", onError);
    secure.removeListener("close", onClose);
    secure.removeListener("end", onClose);
  }
  return new SocketTransport(loop, secure, protocol, tlsExtra(secure, context), transport._server, null, false);
}
