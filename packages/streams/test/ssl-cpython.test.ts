/**
 * Functional TLS tests over real sockets: ports of CPython 3.13 test_asyncio/test_ssl.py (TestSSL)
 * and the behavioural parts of test_sslproto.py.
 *
 * CPython drives the far end of each connection from a thread with blocking `ssl` sockets
 * (TestThreadedServer / TestThreadedClient around TestSocketWrapper). Here the far end is a Node
 * socket in the same process: `PeerSocket` gives it TestSocketWrapper's calls (recv, recvAll,
 * sendall, starttls, unwrap, shutdown, close) as async methods, and `peerServer` / `peerClient`
 * run a program per connection like the threads do; a program's failure fails the test when the
 * server is stopped or the client awaited. Its TLS layer runs over a pass-through stream, so the
 * raw TCP socket stays usable beneath it (Python's `sock.dup()` in the corrupted-SSL test, and a
 * TCP shutdown without close_notify).
 */
import * as net from "node:net";
import { Duplex } from "node:stream";
import * as tls from "node:tls";
import { BrokenPipeError, BufferedProtocol, ConnectionAbortedError, ConnectionError, ConnectionResetError, Protocol, TimeoutError } from "@aio/core";
import type { AbstractEventLoop, Transport } from "@aio/core";
import type { Future } from "@aio/futures";
import type { BaseEventLoop } from "@aio/loop";
import {
  CERT_NONE,
  SSLCertVerificationError,
  SSLContext,
  SSLError,
  StreamReader,
  StreamReaderProtocol,
  createConnection,
  createDefaultContext,
  createServer,
  openConnection,
  startServer,
  startTls,
} from "@aio/streams";
import type { Server, StreamWriter } from "@aio/streams";
import { gather, waitFor } from "@aio/tasks";
import { beforeAll, describe, expect, it } from "vitest";
import { captureExceptions, inLoop, makeCertificate } from "./support/loop.js";
import type { Pems } from "./support/loop.js";

let pems: Pems;
beforeAll(async () => {
  pems = await makeCertificate();
});

/** CPython TestSSL.PAYLOAD_SIZE. */
const PAYLOAD_SIZE = 1024 * 100;
/** CPython BUF_MULTIPLIER (Linux). */
const BUF_MULTIPLIER = 1024;

/** TestSSL._create_server_ssl_context / test_utils.simple_server_sslcontext. */
function serverContext(): SSLContext {
  const context = new SSLContext("CLIENT_AUTH");
  context.loadCertChain(pems.cert, pems.private);
  return context;
}

/** TestSSL._create_client_ssl_context / test_utils.simple_client_sslcontext. */
function clientContext({ disableVerify = true }: { disableVerify?: boolean } = {}): SSLContext {
  const context = createDefaultContext();
  context.checkHostname = false;
  if (disableVerify) context.verifyMode = CERT_NONE;
  return context;
}

/** The peer's TLS settings (Python's server and client contexts on the thread side). */
const peerServerTls = (): tls.TlsOptions => ({ cert: pems.cert, key: pems.private });
const peerClientTls = (): tls.ConnectionOptions => ({ rejectUnauthorized: false });

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

/** TestSSL.wait_closed: a broken connection while closing is not the test's concern. */
async function waitClosed(writer: StreamWriter): Promise<void> {
  try {
    await writer.waitClosed();
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
  }
}

/** Timer handles still armed on `loop` (a leaked handshake or shutdown timeout shows here). */
function liveTimers(loop: BaseEventLoop): number {
  return loop._scheduled.data.filter((timer) => !timer.cancelled()).length;
}

/**
 * A readable/writable pass-through over `lower`, for a TLS layer to run on: it keeps `lower`
 * (the raw TCP socket) reachable and lets bytes already read from it go first.
 */
function carrier(lower: Duplex, leftover: Buffer): Duplex {
  const onData = (data: Buffer): void => {
    if (!upper.push(data)) lower.pause();
  };
  const onEnd = (): void => {
    upper.push(null);
  };
  const onError = (error: Error): void => {
    upper.destroy(error);
  };
  const upper: Duplex = new Duplex({
    read() {
      lower.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (lower.writableEnded || lower.destroyed) callback();
      else lower.write(chunk, () => callback());
    },
    final(callback) {
      if (!lower.writableEnded) lower.end();
      callback();
    },
    destroy(error, callback) {
      lower.removeListener("data", onData);
      lower.destroy();
      callback(error);
    },
  });
  if (leftover.length > 0) upper.push(leftover);
  lower.on("data", onData);
  lower.once("end", onEnd);
  lower.on("error", onError);
  return upper;
}

/** CPython's TestSocketWrapper: blocking-socket calls on a Node socket, as async methods. */
class PeerSocket {
  /** The TCP socket, under any TLS layers. */
  readonly raw: net.Socket;
  /** What `recv`/`sendall` go through: `raw`, or the TLS socket over it. */
  private stream: Duplex;
  private chunks: Buffer[] = [];
  private size = 0;
  private eof = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(raw: net.Socket) {
    this.raw = raw;
    this.stream = raw;
    // TLS records go out one write at a time: without this, Nagle's algorithm and the peer's
    // delayed ACK hold each one back for tens of milliseconds.
    raw.setNoDelay(true);
    // Python's settimeout: a peer stuck on a read fails instead of hanging the test.
    raw.setTimeout(5_000, () => raw.destroy(new Error("peer socket timed out")));
    this.attach(raw);
  }

  static async connect([host, port]: [string, number]): Promise<PeerSocket> {
    const raw = net.connect({ host, port, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      raw.once("connect", resolve);
      raw.once("error", reject);
    });
    return new PeerSocket(raw);
  }

  private readonly onData = (data: Buffer): void => {
    this.chunks.push(data);
    this.size += data.length;
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.eof = true;
    this.notify();
  };

  private readonly onError = (error: Error): void => {
    this.failure ??= error;
    this.notify();
  };

  private readonly onClose = (): void => {
    this.eof = true;
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private attach(stream: Duplex): void {
    this.stream = stream;
    stream.on("data", this.onData);
    stream.on("end", this.onEnd);
    stream.on("error", this.onError);
    stream.on("close", this.onClose);
  }

  private detach(): Buffer {
    const stream = this.stream;
    stream.pause();
    stream.removeListener("data", this.onData);
    stream.removeListener("end", this.onEnd);
    stream.removeListener("error", this.onError);
    stream.removeListener("close", this.onClose);
    const leftover = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return leftover;
  }

  private async waitForData(): Promise<void> {
    if (this.size > 0 || this.eof || this.failure !== null) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** socket.recv(n): up to n bytes, b"" at EOF. */
  async recv(n: number): Promise<Buffer> {
    await this.waitForData();
    if (this.size === 0) {
      if (this.failure !== null) throw this.failure;
      return Buffer.alloc(0);
    }
    const all = Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return out;
  }

  /** TestSocketWrapper.recv_all: exactly n bytes; EOF first is ConnectionAbortedError. */
  async recvAll(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const data = await this.recv(n - got);
      if (data.length === 0) throw new ConnectionAbortedError("peer closed before all the data arrived");
      parts.push(data);
      got += data.length;
    }
    return Buffer.concat(parts);
  }

  /** socket.sendall. */
  async sendall(data: Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** TestSocketWrapper.starttls: a TLS layer over the current stream, handshake done. */
  async starttls(options: tls.TlsOptions | tls.ConnectionOptions, { serverSide = false } = {}): Promise<void> {
    const lower = this.stream;
    const leftover = this.detach();
    const through = carrier(lower, leftover);
    const secure = serverSide
      ? new tls.TLSSocket(through, { ...(options as tls.TlsOptions), isServer: true })
      : tls.connect({ ...(options as tls.ConnectionOptions), socket: through });
    await new Promise<void>((resolve, reject) => {
      const ready = serverSide ? "secure" : "secureConnect";
      const settle = (error: Error | null): void => {
        secure.removeListener(ready, onReady);
        secure.removeListener("error", settle);
        secure.removeListener("end", onClose);
        secure.removeListener("close", onClose);
        if (error !== null) {
          // The program sees this error; later ones from the dying socket are not its concern.
          secure.on("error", () => undefined);
          reject(error);
          return;
        }
        // At once, not after the await: the peer's EOF may follow the handshake in the same tick.
        this.attach(secure);
        resolve();
      };
      const onReady = (): void => settle(null);
      const onClose = (): void => settle(new ConnectionResetError("closed during the TLS handshake"));
      secure.once(ready, onReady);
      secure.once("error", settle);
      secure.once("end", onClose);
      secure.once("close", onClose);
    });
  }

  /** SSLSocket.unwrap (then close): close_notify is sent and the peer's awaited. */
  async unwrap(): Promise<void> {
    this.stream.end();
    while (!this.eof && this.failure === null) {
      this.chunks = [];
      this.size = 0;
      await this.waitForData();
    }
  }

  /** Sends close_notify (and FIN) without waiting for the peer's. */
  endTls(): void {
    this.stream.end();
  }

  /** socket.shutdown(SHUT_WR) on the TCP socket: EOF without a TLS close_notify. */
  shutdownWrite(): void {
    this.raw.end();
  }

  /** socket.close: no close_notify. */
  close(): void {
    this.stream.destroy();
    this.raw.destroy();
  }
}

type PeerProgram = (sock: PeerSocket) => Promise<void>;

/** TestThreadedServer: runs `program` for each accepted connection; `stop` reports its failures. */
interface PeerServer {
  addr: [string, number];
  stop(): Promise<void>;
}

async function peerServer(program: PeerProgram): Promise<PeerServer> {
  const runs: Promise<void>[] = [];
  const errors: unknown[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (conn) => {
    const sock = new PeerSocket(conn);
    runs.push(
      program(sock)
        .catch((error: unknown) => {
          errors.push(error);
        })
        .finally(() => {
          sock.close();
        }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", 128, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    addr: ["127.0.0.1", port],
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      await Promise.all(runs);
      await closed;
      if (errors.length > 0) throw errors[0] as Error;
    },
  };
}

/** `async with tcp_server(program) as srv: body(srv.addr)`. */
async function withPeerServer<T>(program: PeerProgram, body: (addr: [string, number]) => PromiseLike<T>): Promise<T> {
  const server = await peerServer(program);
  let result: T;
  try {
    result = await body(server.addr);
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
  await server.stop();
  return result;
}

/** TestThreadedClient: connects to `addr` and runs `program`, the socket closed afterwards. */
async function peerClient(addr: [string, number], program: PeerProgram): Promise<void> {
  const sock = await PeerSocket.connect(addr);
  try {
    await program(sock);
  } finally {
    sock.close();
  }
}

describe("TLS servers (startServer / createServer with ssl)", () => {
  // mirrors test_ssl.py::TestSSL::test_create_server_ssl_1
  it("serves many TLS clients through StreamReader/StreamWriter", async () => {
    await inLoop(async () => {
      const TOTAL_CNT = 25;
      const A_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "A");
      const B_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "B");
      let CNT = 0;
      const server = await startServer(
        async (reader, writer) => {
          expect(Buffer.from(await reader.readexactly(A_DATA.length)).equals(A_DATA)).toBe(true);
          writer.write(Buffer.from("OK"));
          expect(Buffer.from(await reader.readexactly(B_DATA.length)).equals(B_DATA)).toBe(true);
          // Python: writelines([b'SP', bytearray(b'A'), memoryview(b'M')]).
          writer.writelines([Buffer.from("SP"), new Uint8Array([0x41]), Buffer.from("xMx").subarray(1, 2)]);
          await writer.drain();
          writer.close();
          CNT += 1;
        },
        "127.0.0.1",
        0,
        { ssl: serverContext(), sslHandshakeTimeout: 30 },
      );
      try {
        expect(server.sockets.length).toBeGreaterThan(0);
        const addr = address(server);
        const client = (): Promise<void> =>
          peerClient(addr, async (sock) => {
            await sock.starttls(peerClientTls());
            await sock.sendall(A_DATA);
            expect((await sock.recvAll(2)).toString()).toBe("OK");
            await sock.sendall(B_DATA);
            expect((await sock.recvAll(4)).toString()).toBe("SPAM");
          });
        await waitFor(() => gather(...Array.from({ length: TOTAL_CNT }, () => () => client())), 15);
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(CNT).toBe(TOTAL_CNT);
    }, 18_000);
  }, 20_000);
});

/** A protocol that records its calls, resolving futures (CPython's ClientProto in the start_tls tests). */
/** A protocol whose `lost` future completes when the connection is lost. */
class LostProto extends Protocol {
  readonly lost: Future<void>;
  constructor(loop: AbstractEventLoop) {
    super();
    this.lost = loop.createFuture<void>() as Future<void>;
  }
  override connectionLost(): void {
    this.lost.setResult(undefined);
  }
}

class ClientProto extends Protocol {
  conMadeCnt = 0;
  readonly onData: Future<Uint8Array>;
  readonly onEof: Future<boolean>;
  constructor(onData: Future<Uint8Array>, onEof: Future<boolean>) {
    super();
    this.onData = onData;
    this.onEof = onEof;
  }

  override connectionMade(): void {
    this.conMadeCnt += 1;
  }

  override dataReceived(data: Uint8Array): void {
    this.onData.setResult(Buffer.from(data));
  }

  override eofReceived(): void {
    this.onEof.setResult(true);
  }
}

/** Python's `sock.shutdown(SHUT_RDWR); sock.close()` (test_sslproto.py) vs `sock.unwrap()` (test_ssl.py). */
type PeerEnding = "unwrap" | "shutdown";

async function endPeer(sock: PeerSocket, ending: PeerEnding): Promise<void> {
  if (ending === "unwrap") await sock.unwrap();
  else sock.shutdownWrite();
}

describe("TLS clients (openConnection / createConnection with ssl)", () => {
  // mirrors test_ssl.py::TestSSL::test_create_connection_ssl_1
  it("connects many TLS clients, by address and over a given socket", async () => {
    await inLoop(async (loop) => {
      loop.setExceptionHandler(null);
      const TOTAL_CNT = 25;
      const A_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "A");
      const B_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "B");
      const sslctx = clientContext();
      let CNT = 0;

      const server: PeerProgram = async (sock) => {
        await sock.starttls(peerServerTls(), { serverSide: true });
        expect((await sock.recvAll(A_DATA.length)).equals(A_DATA)).toBe(true);
        await sock.sendall(Buffer.from("OK"));
        expect((await sock.recvAll(B_DATA.length)).equals(B_DATA)).toBe(true);
        await sock.sendall(Buffer.from("SPAM"));
      };

      const talk = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
        writer.write(A_DATA);
        expect((await reader.readexactly(2)).toString()).toBe("OK");
        writer.write(B_DATA);
        expect((await reader.readexactly(4)).toString()).toBe("SPAM");
        CNT += 1;
        writer.close();
        await waitClosed(writer);
      };

      const client = async (addr: [string, number]): Promise<void> => {
        const [reader, writer] = await openConnection(...addr, { ssl: sslctx, serverHostname: "", sslHandshakeTimeout: 30 });
        await talk(reader, writer);
      };

      const clientSock = async ([host, port]: [string, number]): Promise<void> => {
        const sock = net.connect({ host, port });
        await new Promise<void>((resolve, reject) => {
          sock.once("connect", resolve);
          sock.once("error", reject);
        });
        const [reader, writer] = await openConnection(null, null, { sock, ssl: sslctx, serverHostname: "" });
        await talk(reader, writer);
        sock.destroy();
      };

      for (const coro of [client, clientSock]) {
        CNT = 0;
        await withPeerServer(server, (addr) => gather(...Array.from({ length: TOTAL_CNT }, () => () => coro(addr))));
        expect(CNT).toBe(TOTAL_CNT);
      }
    }, 18_000);
  }, 20_000);

  // mirrors test_ssl.py::TestSSL::test_create_connection_ssl_failed_certificate
  // mirrors test_sslproto.py::BaseStartTLS::test_create_connection_ssl_failed_certificate
  it("raises SSLCertVerificationError for a server certificate that does not verify", async () => {
    await inLoop(async (loop) => {
      loop.setExceptionHandler(() => undefined);
      const server: PeerProgram = async (sock) => {
        try {
          await sock.starttls(peerServerTls(), { serverSide: true });
        } catch {
          // Python: except (ssl.SSLError, OSError): the client rejects the certificate.
        }
      };
      await withPeerServer(server, async (addr) => {
        const error = await openConnection(...addr, {
          ssl: clientContext({ disableVerify: false }),
          serverHostname: "",
          sslHandshakeTimeout: 30,
        }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(SSLCertVerificationError);
      });
    });
  });

  // mirrors test_ssl.py::TestSSL::test_ssl_handshake_timeout
  // mirrors test_sslproto.py::BaseStartTLS::test_handshake_timeout
  it("aborts a handshake cancelled by waitFor, logging nothing and leaving no timer", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      let serverSideAborted = false;
      const server: PeerProgram = async (sock) => {
        try {
          await sock.recvAll(1024 * 1024);
        } catch (error) {
          if (!(error instanceof ConnectionAbortedError)) throw error;
          serverSideAborted = true;
        }
      };
      await withPeerServer(server, async (addr) => {
        const error = await waitFor(
          () => createConnection(loop, () => new Protocol(), ...addr, { ssl: clientContext(), serverHostname: "", sslHandshakeTimeout: 10 }),
          0.5,
        ).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(TimeoutError);
      });
      expect(serverSideAborted).toBe(true);
      // Python issue #23197: cancelling a handshake must not raise or log an error.
      expect(messages).toEqual([]);
      // The 10 s handshake timeout is cancelled, not left to fire (CPython checks with a weakref).
      expect(liveTimers(loop)).toBe(0);
    });
  });

  // mirrors test_ssl.py::TestSSL::test_ssl_handshake_connection_lost
  it("raises ConnectionResetError when the peer closes during the handshake, calling no protocol method", async () => {
    await inLoop(async (loop) => {
      loop.setExceptionHandler(() => undefined);
      let connectionMadeCalled = false;
      let connectionLostCalled = false;
      class ClientProtoLost extends Protocol {
        override connectionMade(): void {
          connectionMadeCalled = true;
        }
        override connectionLost(): void {
          connectionLostCalled = true;
        }
      }
      const server: PeerProgram = async (sock) => {
        await sock.recv(1024);
        // Break the connection during the handshake.
        sock.close();
      };
      await withPeerServer(server, async (addr) => {
        const error = await createConnection(loop, () => new ClientProtoLost(), ...addr, { ssl: clientContext(), serverHostname: "" }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ConnectionResetError);
      });
      expect(connectionLostCalled).toBe(false);
      expect(connectionMadeCalled).toBe(false);
    });
  });

  // mirrors test_ssl.py::TestSSL::test_start_tls_client_corrupted_ssl
  // mirrors test_sslproto.py::BaseStartTLS::test_start_tls_client_corrupted_ssl
  it("raises SSLError from the reader when the TLS stream is corrupted", async () => {
    await inLoop(async (loop) => {
      loop.setExceptionHandler(() => undefined);
      const server: PeerProgram = async (sock) => {
        try {
          await sock.starttls(peerServerTls(), { serverSide: true });
          await sock.sendall(Buffer.from("A\n"));
          await sock.recvAll(1);
          // Python: orig_sock.send() on a dup of the socket, under the TLS layer.
          await new Promise((resolve) => sock.raw.write(Buffer.from("please corrupt the SSL connection"), resolve));
        } catch {
          // Python: except ssl.SSLError (the client's alert).
        }
      };
      const result = await withPeerServer(server, async (addr) => {
        const [reader, writer] = await openConnection(...addr, { ssl: clientContext(), serverHostname: "" });
        expect((await reader.readline()).toString()).toBe("A\n");
        writer.write(Buffer.from("B"));
        const error = await reader.readline().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(SSLError);
        writer.close();
        try {
          await waitClosed(writer);
        } catch (caught) {
          if (!(caught instanceof SSLError)) throw caught;
        }
        return "OK";
      });
      expect(result).toBe("OK");
    });
  });

  // mirrors test_ssl.py::TestSSL::test_create_connection_memory_leak
  // mirrors test_sslproto.py::BaseStartTLS::test_create_connection_memory_leak
  it("delivers data and EOF over TLS, after which the context can be collected", async () => {
    for (const ending of ["unwrap", "shutdown"] as const) {
      let contextRef: WeakRef<SSLContext> | null = null;
      await inLoop(async (loop) => {
        const HELLO_MSG = Buffer.alloc(PAYLOAD_SIZE, "1");
        const serve: PeerProgram = async (sock) => {
          await sock.starttls(peerServerTls(), { serverSide: true });
          await sock.sendall(Buffer.from("O"));
          expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
          await endPeer(sock, ending);
        };
        class StoringProto extends ClientProto {
          tr: Transport | null = null;
          override connectionMade(transport?: unknown): void {
            // CPython: "We assume user stores the transport in protocol".
            this.tr = transport as Transport;
            super.connectionMade();
          }
        }
        const context = clientContext();
        contextRef = new WeakRef(context);
        await withPeerServer(serve, async (addr) => {
          const onData = loop.createFuture<Uint8Array>();
          const onEof = loop.createFuture<boolean>();
          const [tr, proto] = await createConnection(loop, () => new StoringProto(onData, onEof), ...addr, { ssl: context });
          expect((await onData).toString()).toBe("O");
          tr.write(HELLO_MSG);
          await onEof;
          tr.close();
          expect(proto.conMadeCnt).toBe(1);
        });
      });
      // No garbage is left from createConnection, even though the protocol keeps the transport.
      for (let i = 0; i < 3 && contextRef!.deref() !== undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        globalThis.gc!();
      }
      expect(contextRef!.deref()).toBeUndefined();
    }
  });

  // mirrors test_ssl.py::TestSSL::test_shutdown_cleanly
  it("reads EOF after the server's close_notify, for many clients", async () => {
    await inLoop(async () => {
      const TOTAL_CNT = 25;
      const A_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "A");
      const sslctx = clientContext();
      let CNT = 0;
      const server: PeerProgram = async (sock) => {
        await sock.starttls(peerServerTls(), { serverSide: true });
        expect((await sock.recvAll(A_DATA.length)).equals(A_DATA)).toBe(true);
        await sock.sendall(Buffer.from("OK"));
        await sock.unwrap();
      };
      const client = async (addr: [string, number]): Promise<void> => {
        const [reader, writer] = await openConnection(...addr, { ssl: sslctx, serverHostname: "", sslHandshakeTimeout: 30 });
        writer.write(A_DATA);
        expect((await reader.readexactly(2)).toString()).toBe("OK");
        expect((await reader.read()).length).toBe(0);
        CNT += 1;
        writer.close();
        await waitClosed(writer);
      };
      await withPeerServer(server, (addr) => gather(...Array.from({ length: TOTAL_CNT }, () => () => client(addr))));
      expect(CNT).toBe(TOTAL_CNT);
    });
  });

  // mirrors test_ssl.py::TestSSL::test_flush_before_shutdown
  it("flushes everything written before close() ahead of the TLS shutdown", async () => {
    await inLoop(async (loop) => {
      const CHUNK = 1024 * 128;
      const SIZE = 32;
      const serverDone = loop.createFuture<void>();
      const server: PeerProgram = async (sock) => {
        try {
          await sock.starttls(peerServerTls(), { serverSide: true });
          expect((await sock.recvAll(4)).toString()).toBe("ping");
          await sock.sendall(Buffer.from("pong"));
          // Hopefully the TCP buffer gets stuck meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect((await sock.recvAll(CHUNK * SIZE)).length).toBe(CHUNK * SIZE);
          loop.callSoonThreadsafe(() => serverDone.setResult(undefined));
        } catch (error) {
          loop.callSoonThreadsafe(() => serverDone.setException(error));
        }
      };
      await withPeerServer(server, async (addr) => {
        const [reader, writer] = await openConnection(...addr, { ssl: clientContext(), serverHostname: "" });
        writer.write(Buffer.from("ping"));
        expect((await reader.readexactly(4)).toString()).toBe("pong");
        // Differs from CPython's test: it also pauses the SSL protocol's writing around these
        // writes (writer.transport._ssl_protocol), which has no counterpart here.
        for (let i = 0; i < SIZE; i++) writer.write(Buffer.alloc(CHUNK, "x"));
        writer.close();
        await waitClosed(writer);
        try {
          expect((await reader.read()).length).toBe(0);
        } catch (error) {
          if (!(error instanceof ConnectionResetError)) throw error;
        }
        await serverDone;
      });
    });
  });

  // mirrors test_ssl.py::TestSSL::test_remote_shutdown_receives_trailing_data
  it("flushes its pending writes after the peer's close_notify or EOF", async () => {
    for (const variant of ["close_notify", "eof"] as const) {
      await inLoop(async (loop) => {
        const CHUNK = 1024 * 128;
        const SIZE = 32;
        const serverDone = loop.createFuture<void>();
        const server: PeerProgram = async (sock) => {
          try {
            await sock.starttls(peerServerTls(), { serverSide: true });
            expect((await sock.recvAll(4)).toString()).toBe("ping");
            await sock.sendall(Buffer.from("pong"));
            // Wait for the peer to fill its backlog.
            await new Promise((resolve) => setTimeout(resolve, 200));
            // close_notify (and FIN) without waiting for the answer, or a bare TCP EOF.
            if (variant === "close_notify") sock.endTls();
            else sock.shutdownWrite();
            // Everything the client had queued still arrives.
            expect((await sock.recvAll(CHUNK * SIZE)).length).toBe(CHUNK * SIZE);
            // Then the client's close_notify / EOF.
            if (variant === "close_notify") expect((await sock.recv(16384)).length).toBe(0);
            loop.callSoonThreadsafe(() => serverDone.setResult(undefined));
          } catch (error) {
            loop.callSoonThreadsafe(() => serverDone.setException(error));
          }
        };
        await withPeerServer(server, async (addr) => {
          const [reader, writer] = await openConnection(...addr, { ssl: clientContext(), serverHostname: "" });
          writer.write(Buffer.from("ping"));
          expect((await reader.readexactly(4)).toString()).toBe("pong");
          // CPython fills the SSL write backlog through _test__append_write_backlog; here the
          // writes queue up behind a peer that is not reading.
          for (let i = 0; i < SIZE; i++) writer.write(Buffer.alloc(CHUNK, "x"));
          try {
            expect((await reader.read()).length).toBe(0);
          } catch (error) {
            if (!(error instanceof BrokenPipeError || error instanceof ConnectionResetError)) throw error;
          }
          await serverDone;
          writer.close();
          await waitClosed(writer);
        });
      });
    }
  });

  // mirrors test_ssl.py::TestSSL::test_handshake_timeout_handler_leak
  it("leaves no handshake timer behind when waitFor cancels the connection", async () => {
    await inLoop(async (loop) => {
      // A listener that accepts but never answers (Python: listen() without accept()).
      const accepted: net.Socket[] = [];
      const silent = net.createServer({ pauseOnConnect: true }, (conn) => accepted.push(conn));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", 1, resolve));
      const { port } = silent.address() as net.AddressInfo;
      try {
        const error = await waitFor(() => createConnection(loop, () => new Protocol(), "127.0.0.1", port, { ssl: createDefaultContext() }), 0.1).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(TimeoutError);
        expect(liveTimers(loop)).toBe(0);
      } finally {
        for (const conn of accepted) conn.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  // mirrors test_ssl.py::TestSSL::test_shutdown_timeout_handler_leak
  it("leaves no shutdown timer behind once a closed TLS connection is lost", async () => {
    await inLoop(async (loop) => {
      const server: PeerProgram = async (sock) => {
        await sock.starttls(peerServerTls(), { serverSide: true });
        await sock.recv(32);
      };
      await withPeerServer(server, async (addr) => {
        const [tr, pr] = await createConnection(loop, () => new LostProto(loop), ...addr, { ssl: clientContext() });
        tr.close();
        await pr.lost;
        expect(liveTimers(loop)).toBe(0);
      });
    });
  });

  // mirrors test_ssl.py::TestSSL::test_shutdown_timeout_handler_not_set
  it("delivers data held by pauseReading after the peer's EOF, then loses the connection cleanly", async () => {
    await inLoop(async (loop) => {
      const eof = loop.createFuture<void>();
      let extra: Buffer | null = null;
      const server: PeerProgram = async (sock) => {
        await sock.starttls(peerServerTls(), { serverSide: true });
        await sock.sendall(Buffer.from("hello"));
        expect((await sock.recvAll(5)).toString()).toBe("world");
        await sock.sendall(Buffer.from("extra bytes"));
        // Sending EOF here (TCP shutdown, no close_notify).
        sock.shutdownWrite();
        loop.callSoonThreadsafe(() => eof.setResult(undefined));
        expect((await sock.recv(1024)).length).toBe(0);
      };
      class PausingProto extends Protocol {
        fut = loop.createFuture<void>();
        transport: Transport | null = null;
        override connectionMade(transport: unknown): void {
          this.transport = transport as Transport;
        }
        override dataReceived(data: Uint8Array): void {
          if (Buffer.from(data).toString() === "hello") {
            this.transport!.write(Buffer.from("world"));
            // Paused reading keeps the incoming data waiting.
            this.transport!.pauseReading();
          } else {
            extra = Buffer.from(data);
          }
        }
        override connectionLost(exc: unknown): void {
          if (exc === null || exc === undefined) this.fut.setResult(undefined);
          else this.fut.setException(exc);
        }
      }
      await withPeerServer(server, async (addr) => {
        const [tr, pr] = await createConnection(loop, () => new PausingProto(), ...addr, { ssl: clientContext() });
        await eof;
        tr.resumeReading();
        await pr.fut;
        tr.close();
        expect(extra?.toString()).toBe("extra bytes");
      });
    });
  });
});

describe("loop.startTls", () => {
  // mirrors test_ssl.py::TestSSL::test_start_tls_client_reg_proto_1
  it("upgrades a client connection in place, calling connectionMade once", async () => {
    await inLoop(async (loop) => {
      const HELLO_MSG = Buffer.alloc(PAYLOAD_SIZE, "1");
      const serve: PeerProgram = async (sock) => {
        expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
        await sock.starttls(peerServerTls(), { serverSide: true });
        await sock.sendall(Buffer.from("O"));
        expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
        await sock.unwrap();
      };
      await withPeerServer(serve, async (addr) => {
        await waitFor(
          async () => {
            const onData = loop.createFuture<Uint8Array>();
            const onEof = loop.createFuture<boolean>();
            const [tr, proto] = await createConnection(loop, () => new ClientProto(onData, onEof), ...addr);
            tr.write(HELLO_MSG);
            const newTr = (await loop.startTls(tr, proto, clientContext()));
            expect((await onData).toString()).toBe("O");
            newTr.write(HELLO_MSG);
            await onEof;
            newTr.close();
            expect(proto.conMadeCnt).toBe(1);
          },
          5,
        );
      });
    });
  });

  // mirrors test_ssl.py::TestSSL::test_start_tls_client_buf_proto_1
  // mirrors test_sslproto.py::BaseStartTLS::test_start_tls_client_buf_proto_1
  it("keeps a BufferedProtocol across the upgrade, then switches protocols with setProtocol", async () => {
    for (const ending of ["unwrap", "shutdown"] as const) {
      await inLoop(async (loop) => {
        const HELLO_MSG = Buffer.alloc(PAYLOAD_SIZE, "1");
        let clientConMadeCalls = 0;
        const sizes: number[] = [];
        const serve: PeerProgram = async (sock) => {
          expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
          await sock.starttls(peerServerTls(), { serverSide: true });
          await sock.sendall(Buffer.from("O"));
          expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
          await sock.sendall(Buffer.from("2"));
          expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
          await endPeer(sock, ending);
        };
        class ClientProtoFirst extends BufferedProtocol {
          buf = new Uint8Array(1);
          readonly onData: Future<Buffer>;
          constructor(onData: Future<Buffer>) {
            super();
            this.onData = onData;
          }
          override connectionMade(): void {
            clientConMadeCalls += 1;
          }
          override getBuffer(): Uint8Array {
            return this.buf;
          }
          override bufferUpdated(nsize: number): void {
            sizes.push(nsize);
            this.onData.setResult(Buffer.from(this.buf.subarray(0, nsize)));
          }
        }
        class ClientProtoSecond extends Protocol {
          readonly onData: Future<Buffer>;
          readonly onEof: Future<boolean>;
          constructor(onData: Future<Buffer>, onEof: Future<boolean>) {
            super();
            this.onData = onData;
            this.onEof = onEof;
          }
          override connectionMade(): void {
            clientConMadeCalls += 1;
          }
          override dataReceived(data: Uint8Array): void {
            this.onData.setResult(Buffer.from(data));
          }
          override eofReceived(): void {
            this.onEof.setResult(true);
          }
        }
        await withPeerServer(serve, async (addr) => {
          const onData1 = loop.createFuture<Buffer>();
          const onData2 = loop.createFuture<Buffer>();
          const onEof = loop.createFuture<boolean>();
          const [tr, proto] = await createConnection(loop, () => new ClientProtoFirst(onData1), ...addr);
          tr.write(HELLO_MSG);
          const newTr = (await loop.startTls(tr, proto, clientContext()));
          expect((await onData1).toString()).toBe("O");
          newTr.write(HELLO_MSG);
          newTr.setProtocol(new ClientProtoSecond(onData2, onEof));
          expect((await onData2).toString()).toBe("2");
          newTr.write(HELLO_MSG);
          await onEof;
          newTr.close();
          // connectionMade is called once, when the connection is made; startTls does not call it.
          expect(clientConMadeCalls).toBe(1);
          expect(sizes).toEqual([1]);
        });
      });
    }
  });

  // mirrors test_ssl.py::TestSSL::test_start_tls_slow_client_cancel
  // mirrors test_sslproto.py::BaseStartTLS::test_start_tls_slow_client_cancel
  it("lets waitFor cancel a handshake the server never answers", async () => {
    await inLoop(async (loop) => {
      const HELLO_MSG = Buffer.alloc(PAYLOAD_SIZE, "1");
      const serverWaitsOnHandshake = loop.createFuture<void>();
      const serve: PeerProgram = async (sock) => {
        expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
        try {
          loop.callSoonThreadsafe(() => serverWaitsOnHandshake.setResult(undefined));
          await sock.recvAll(1024 * 1024);
        } catch (error) {
          if (!(error instanceof ConnectionAbortedError)) throw error;
        }
      };
      await withPeerServer(serve, async (addr) => {
        const onData = loop.createFuture<Uint8Array>();
        const onEof = loop.createFuture<boolean>();
        const [tr, proto] = await createConnection(loop, () => new ClientProto(onData, onEof), ...addr);
        tr.write(HELLO_MSG);
        await serverWaitsOnHandshake;
        const error = await waitFor(() => loop.startTls(tr, proto, clientContext()), 0.5).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(TimeoutError);
        expect(proto.conMadeCnt).toBe(1);
      });
    });
  });

  // mirrors test_ssl.py::TestSSL::test_start_tls_server_1
  it("upgrades a server connection in place; the client's close_notify ends it cleanly", async () => {
    await inLoop(async (loop) => {
      const HELLO_MSG = Buffer.alloc(PAYLOAD_SIZE, "1");
      class ServerProto extends Protocol {
        data = Buffer.alloc(0);
        readonly onCon = loop.createFuture<Transport>();
        readonly onEof = loop.createFuture<number>();
        readonly onConLost = loop.createFuture<void>();
        override connectionMade(tr: unknown): void {
          this.onCon.setResult(tr as Transport);
        }
        override dataReceived(data: Uint8Array): void {
          this.data = Buffer.concat([this.data, data]);
        }
        override eofReceived(): void {
          this.onEof.setResult(1);
        }
        override connectionLost(exc: unknown): void {
          if (exc === null || exc === undefined) this.onConLost.setResult(undefined);
          else this.onConLost.setException(exc);
        }
      }
      const main = async (proto: ServerProto): Promise<void> => {
        const tr = await proto.onCon;
        tr.write(HELLO_MSG);
        expect(proto.data.length).toBe(0);
        const newTr = (await loop.startTls(tr, proto, serverContext(), { serverSide: true, sslHandshakeTimeout: 30 }));
        await proto.onEof;
        await proto.onConLost;
        expect(proto.data.equals(HELLO_MSG)).toBe(true);
        newTr.close();
      };
      const proto = new ServerProto();
      const server = await createServer(loop, () => proto, "127.0.0.1", 0);
      try {
        const client = peerClient(address(server), async (sock) => {
          expect((await sock.recvAll(HELLO_MSG.length)).length).toBe(HELLO_MSG.length);
          await sock.starttls(peerClientTls());
          await sock.sendall(HELLO_MSG);
          await sock.unwrap();
        });
        await gather(() => waitFor(() => main(proto), 5), client);
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  // mirrors test_ssl.py::TestSSL::test_create_server_ssl_over_ssl
  it("runs TLS inside a TLS server connection, upgraded from connectionMade", async () => {
    await inLoop(async (loop) => {
      const TOTAL_CNT = 25;
      const A_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "A");
      const B_DATA = Buffer.alloc(1024 * BUF_MULTIPLIER, "B");
      const sslctx2 = serverContext();
      let CNT = 0;
      const handleClient = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
        expect(Buffer.from(await reader.readexactly(A_DATA.length)).equals(A_DATA)).toBe(true);
        writer.write(Buffer.from("OK"));
        expect(Buffer.from(await reader.readexactly(B_DATA.length)).equals(B_DATA)).toBe(true);
        writer.writelines([Buffer.from("SP"), new Uint8Array([0x41]), Buffer.from("xMx").subarray(1, 2)]);
        await writer.drain();
        writer.close();
        CNT += 1;
      };
      class ServerProtocol extends StreamReaderProtocol {
        override connectionMade(transport: unknown): void {
          const outer = transport as Transport;
          outer.pauseReading();
          const fut = loop.createTask(() => loop.startTls(outer, this, sslctx2, { serverSide: true }));
          fut.addDoneCallback(() => {
            let tr: Transport;
            try {
              tr = fut.result();
            } catch (error) {
              super.connectionLost(error);
              return;
            }
            super.connectionMade(tr);
          });
        }
      }
      const server = await createServer(loop, () => new ServerProtocol(new StreamReader(), handleClient), "127.0.0.1", 0, {
        ssl: serverContext(),
      });
      try {
        expect(server.sockets.length).toBeGreaterThan(0);
        const addr = address(server);
        const client = (): Promise<void> =>
          peerClient(addr, async (sock) => {
            await sock.starttls(peerClientTls());
            // The second TLS layer runs inside the first.
            await sock.starttls(peerClientTls());
            await sock.sendall(A_DATA);
            expect((await sock.recvAll(2)).toString()).toBe("OK");
            await sock.sendall(B_DATA);
            let data = "";
            for (;;) {
              const chunk = await sock.recv(4);
              if (chunk.length === 0) break;
              data += chunk.toString();
            }
            expect(data).toBe("SPAM");
            await sock.unwrap();
          });
        await waitFor(() => gather(...Array.from({ length: TOTAL_CNT }, () => () => client())), 15);
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(CNT).toBe(TOTAL_CNT);
    }, 18_000);
  }, 20_000);
});

describe("SSL transport behaviour (test_sslproto.py)", () => {
  // mirrors test_sslproto.py::BaseStartTLS::test_start_tls_wrong_args
  it("checks the context before the transport", async () => {
    await inLoop(async (loop) => {
      await expect(loop.startTls(null as never, null as never, null)).rejects.toThrow(/SSLContext, got/);
      await expect(loop.startTls(null as never, null as never, serverContext())).rejects.toThrow(/is not supported/);
      const error = await startTls(loop, null as unknown as Transport, new Protocol(), null).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TypeError);
    });
  });

  // mirrors test_sslproto.py::SslProtoHandshakeTests::test_handshake_timeout_zero
  // mirrors test_sslproto.py::SslProtoHandshakeTests::test_handshake_timeout_negative
  it("rejects a handshake timeout that is not positive, leaving the transport usable", async () => {
    await inLoop(async (loop) => {
      const serve: PeerProgram = async (sock) => {
        expect((await sock.recvAll(4)).toString()).toBe("ping");
      };
      await withPeerServer(serve, async (addr) => {
        const onData = loop.createFuture<Uint8Array>();
        const onEof = loop.createFuture<boolean>();
        const [tr, proto] = await createConnection(loop, () => new ClientProto(onData, onEof), ...addr);
        for (const timeout of [0, -10]) {
          const error = await startTls(loop, tr, proto, clientContext(), { sslHandshakeTimeout: timeout }).then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toBe(`ssl_handshake_timeout should be a positive number, got ${timeout}`);
        }
        expect(tr.isClosing()).toBe(false);
        tr.write(Buffer.from("ping"));
        tr.close();
      });
    });
  });

  // mirrors test_sslproto.py::SslProtoHandshakeTests::test_eof_received_waiter
  it("raises ConnectionResetError from startTls when the peer sends EOF during the handshake", async () => {
    await inLoop(async (loop) => {
      const serve: PeerProgram = async (sock) => {
        await sock.recv(1024);
        sock.shutdownWrite();
        await sock.recv(1024);
      };
      await withPeerServer(serve, async (addr) => {
        const onData = loop.createFuture<Uint8Array>();
        const onEof = loop.createFuture<boolean>();
        const [tr, proto] = await createConnection(loop, () => new ClientProto(onData, onEof), ...addr);
        const error = await startTls(loop, tr, proto, clientContext()).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ConnectionResetError);
      });
    });
  });

  // mirrors test_sslproto.py::SslProtoHandshakeTests::test_get_extra_info_on_closed_connection
  // mirrors test_sslproto.py::SslProtoHandshakeTests::test_set_new_app_protocol
  // mirrors test_sslproto.py::SslProtoHandshakeTests::test_write_after_closing
  it("answers socket extra info until the connection is lost, swaps protocols, and ignores writes after close", async () => {
    await inLoop(async (loop) => {
      const serve: PeerProgram = async (sock) => {
        await sock.starttls(peerServerTls(), { serverSide: true });
        await sock.recv(1024);
      };
      await withPeerServer(serve, async (addr) => {
        const [tr, proto] = await createConnection(loop, () => new LostProto(loop), ...addr, { ssl: clientContext() });
        expect(tr.getExtraInfo("socket")).not.toBeNull();
        expect(tr.getExtraInfo("peername")).toEqual(addr);
        const newProto = new LostProto(loop);
        tr.setProtocol(newProto);
        expect(tr.getProtocol()).toBe(newProto);
        tr.setProtocol(proto);
        tr.close();
        // Writing to a closed SSL transport is dropped without an error.
        expect(tr.write(Buffer.from("data"))).toBeUndefined();
        await proto.lost;
        const marker = {};
        expect(tr.getExtraInfo("socket")).toBeNull();
        expect(tr.getExtraInfo("socket", marker)).toBe(marker);
        expect(tr.getExtraInfo("peername", marker)).toBe(marker);
        expect(tr.getExtraInfo("sslcontext")).toBeInstanceOf(SSLContext);
      });
    });
  });
});
