/**
 * Transport tests of CPython 3.13 Lib/test/test_asyncio/test_selector_events.py
 * (SelectorTransportTests, SelectorSocketTransportTests,
 * SelectorSocketTransportBufferedProtocolTests, SelectorDatagramTransportTests and the transport
 * tests of BaseSelectorEventLoopTests). CPython drives the transports with mock sockets and
 * checks the selector's registrations; these run the same scenarios over real loopback sockets
 * and check what the protocol and the peer see. The peer of a stream transport is a plain Node
 * socket that reads only when told to, so writes pile up in the transport's buffer.
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import { BufferedProtocol, ConnectionRefusedError, ConnectionResetError, DatagramProtocol, DatagramTransport, Protocol, RuntimeError, setLogger } from "@aio/core";
import type { AbstractEventLoop, ExceptionContext, Logger } from "@aio/core";
import type { Future } from "@aio/futures";
import { SocketTransport, createConnection, createDatagramEndpoint, createServer } from "@aio/streams";
import type { StreamProtocol } from "@aio/streams";
import { sleep } from "@aio/tasks";
import { describe, expect, it, onTestFinished } from "vitest";
import { captureExceptions, inLoop, patternBytes, runBriefly, runUntil, sha256 } from "./support/loop.js";

/** The other end of a stream transport: a Node socket that buffers nothing until `startReading()`. */
class Peer {
  readonly sock: net.Socket;
  readonly chunks: Buffer[] = [];
  ended = false;
  closed = false;
  error: Error | null = null;

  constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on("data", (chunk: Buffer) => this.chunks.push(chunk));
    sock.on("end", () => {
      this.ended = true;
    });
    sock.on("close", () => {
      this.closed = true;
    });
    sock.on("error", (error) => {
      this.error = error;
    });
    sock.pause();
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  startReading(): void {
    this.sock.resume();
  }

  /** Reads until the transport's FIN and returns every byte. */
  async readAll(): Promise<Buffer> {
    this.startReading();
    await runUntil(() => this.ended || this.closed, 200_000);
    return this.received;
  }
}

/** A stream transport connected to a `Peer` over 127.0.0.1 (both closed when the test ends). */
async function connectedPair<P extends StreamProtocol>(loop: AbstractEventLoop, factory: () => P): Promise<[SocketTransport, P, Peer]> {
  const accepted: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (sock) => accepted.push(sock));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    for (const sock of accepted) sock.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as net.AddressInfo;
  const [transport, protocol] = await createConnection(loop, factory, "127.0.0.1", port);
  onTestFinished(() => transport.abort());
  await runUntil(() => accepted.length === 1);
  return [transport as SocketTransport, protocol, new Peer(accepted[0]!)];
}

/** Records every protocol callback (CPython test_utils.make_test_protocol, as a log). */
class Recorder extends Protocol {
  readonly events: unknown[] = [];
  transport: SocketTransport | null = null;
  lostWith: unknown = undefined;
  readonly lost: Future<void>;

  constructor(loop: AbstractEventLoop) {
    super();
    this.lost = loop.createFuture<void>() as Future<void>;
  }

  override connectionMade(transport: unknown): void {
    this.transport = transport as SocketTransport;
    this.events.push("made");
  }

  override dataReceived(data: Uint8Array): void {
    this.events.push(`data:${Buffer.from(data).toString()}`);
  }

  override eofReceived(): boolean | void {
    this.events.push("eof");
  }

  override pauseWriting(): void {
    this.events.push("pause_writing");
  }

  override resumeWriting(): void {
    this.events.push("resume_writing");
  }

  override connectionLost(exc: unknown): void {
    this.events.push("lost");
    this.lostWith = exc;
    this.lost.setResult(undefined);
  }
}

/** BufferedProtocol with CPython's test buffer (`bytearray(1)` unless told otherwise). */
class BufferRecorder extends BufferedProtocol {
  readonly events: unknown[] = [];
  readonly received: number[] = [];
  buffer: Uint8Array;
  lostWith: unknown = undefined;
  readonly lost: Future<void>;

  constructor(loop: AbstractEventLoop, size = 1) {
    super();
    this.buffer = new Uint8Array(size);
    this.lost = loop.createFuture<void>() as Future<void>;
  }

  override connectionMade(): void {
    this.events.push("made");
  }

  override getBuffer(): Uint8Array | null {
    this.events.push("get_buffer");
    return this.buffer;
  }

  override bufferUpdated(nbytes: number): void {
    this.events.push(`buffer_updated:${nbytes}`);
    this.received.push(...this.buffer.subarray(0, nbytes));
  }

  override eofReceived(): boolean | void {
    this.events.push("eof");
  }

  override connectionLost(exc: unknown): void {
    this.events.push("lost");
    this.lostWith = exc;
    this.lost.setResult(undefined);
  }
}

/** Writes `chunk` until the transport buffers some of it (the peer is not reading). */
function fillBuffer(transport: SocketTransport, chunk: Uint8Array): Buffer[] {
  const written: Buffer[] = [];
  for (let i = 0; i < 64 && transport.getWriteBufferSize() === 0; i++) {
    transport.write(chunk);
    written.push(Buffer.from(chunk));
  }
  expect(transport.getWriteBufferSize()).toBeGreaterThan(0);
  return written;
}

/** Captures the asyncio logger's warnings for the rest of the test. */
function captureWarnings(): string[] {
  const warnings: string[] = [];
  const previous = setLogger({
    debug: () => undefined,
    info: () => undefined,
    warning: (message) => warnings.push(message),
    error: (message) => warnings.push(`error: ${message}`),
  } satisfies Logger);
  onTestFinished(() => {
    setLogger(previous);
  });
  return warnings;
}

const MiB = 1024 * 1024;

describe("SocketTransport (_SelectorTransport)", () => {
  // mirrors test_selector_events.py::SelectorTransportTests::test_ctor
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_ctor
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_ctor_with_waiter
  it("wraps its socket, and calls connectionMade before the waiter is woken and reading starts", async () => {
    await inLoop(async (loop) => {
      const accepted = loop.createFuture<net.Socket>();
      const server = net.createServer({ allowHalfOpen: true }, (sock) => accepted.setResult(sock));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const sock = net.connect({ host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, allowHalfOpen: true });
      const peer = await accepted;
      try {
        await runUntil(() => !sock.connecting);
        peer.write("early");
        const protocol = new Recorder(loop);
        const waiter = loop.createFuture<void>();
        const transport = new SocketTransport(loop, sock, protocol, {}, null, waiter);
        expect(transport._loop).toBe(loop);
        expect(transport._sock).toBe(sock);
        expect(protocol.events).toEqual([]);
        await waiter;
        expect(waiter.result()).toBeUndefined();
        expect(protocol.events).toEqual(["made"]);
        expect(protocol.transport).toBe(transport);
        await runUntil(() => protocol.events.length === 2);
        expect(protocol.events).toEqual(["made", "data:early"]);
        transport.close();
        await protocol.lost;
      } finally {
        sock.destroy();
        peer.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  // mirrors test_selector_events.py::SelectorTransportTests::test_close
  it("close calls connectionLost(null) once, in a later iteration; a second close does nothing", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      tr.close();
      expect(tr.isClosing()).toBe(true);
      expect(tr.isReading()).toBe(false);
      expect(tr._connLost).toBe(1);
      expect(pr.events).toEqual(["made"]);
      tr.close();
      expect(tr._connLost).toBe(1);
      await pr.lost;
      expect(pr.lostWith).toBeNull();
      tr.close();
      await runBriefly();
      expect(pr.events).toEqual(["made", "lost"]);
      expect(tr._connLost).toBe(1);
      expect((await peer.readAll()).length).toBe(0);
    });
  });

  // mirrors test_selector_events.py::SelectorTransportTests::test_close_write_buffer
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_ready_closing
  it("close with buffered data calls connectionLost(null) only once the buffer is flushed", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      const written = fillBuffer(tr, patternBytes(MiB, 5));
      tr.close();
      expect(tr.isClosing()).toBe(true);
      // CPython counts the close as lost only when nothing is buffered.
      expect(tr._connLost).toBe(0);
      await runBriefly(10);
      expect(pr.events).not.toContain("lost");
      const received = await peer.readAll();
      expect(sha256(received)).toBe(sha256(...written));
      await pr.lost;
      expect(pr.lostWith).toBeNull();
      // The flushed buffer resumes the paused protocol before the connection is lost.
      expect(pr.events).toEqual(["made", "pause_writing", "resume_writing", "lost"]);
      expect(tr.getWriteBufferSize()).toBe(0);
    });
  });

  // mirrors test_selector_events.py::SelectorTransportTests::test_abort
  // mirrors test_selector_events.py::SelectorTransportTests::test_force_close
  it("abort drops the buffered data and calls connectionLost(null) once", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      const written = fillBuffer(tr, patternBytes(MiB, 6));
      tr.abort();
      expect(tr.isClosing()).toBe(true);
      expect(tr.getWriteBufferSize()).toBe(0);
      expect(tr._connLost).toBe(1);
      // A second forced close (and a close) does nothing more.
      tr.abort();
      tr.close();
      expect(tr._connLost).toBe(1);
      await pr.lost;
      await runBriefly();
      expect(pr.lostWith).toBeNull();
      expect(pr.events.filter((event) => event === "lost")).toHaveLength(1);
      const received = await peer.readAll();
      expect(received.length).toBeLessThan(Buffer.concat(written).length);
    });
  });

  // mirrors test_selector_events.py::SelectorTransportTests::test_fatal_error
  // mirrors test_selector_events.py::SelectorTransportTests::test_connection_lost
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_read_ready_conn_reset
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_exception
  it("a peer reset ends the connection with ConnectionResetError, unreported; later writes are counted and warned about", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const warnings = captureWarnings();
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      peer.sock.resetAndDestroy();
      await pr.lost;
      expect(pr.lostWith).toBeInstanceOf(ConnectionResetError);
      expect(pr.events).toEqual(["made", "lost"]);
      // An OSError is expected: CPython logs it in debug mode only.
      expect(messages).toEqual([]);
      expect(tr.isClosing()).toBe(true);
      // _call_connection_lost closes the socket.
      expect(tr._sock.destroyed).toBe(true);
      expect(tr._connLost).toBe(1);
      for (let i = 0; i < 7; i++) tr.write(Buffer.from("data"));
      expect(tr._connLost).toBe(8);
      // LOG_THRESHOLD_FOR_CONNLOST_WRITES is 5: the 5th, 6th and 7th dropped writes warn.
      expect(warnings).toEqual(["socket.send() raised exception.", "socket.send() raised exception.", "socket.send() raised exception."]);
    });
  });

  // mirrors test_selector_events.py::SelectorTransportTests::test_fatal_error_custom_exception
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_data_received_error
  it("an error thrown by dataReceived is reported with the transport and protocol, and ends the connection with it", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      class LookupError extends Error {}
      const error = new LookupError("bad data");
      class Bad extends Recorder {
        override dataReceived(data: Uint8Array): void {
          super.dataReceived(data);
          throw error;
        }
      }
      const [tr, pr, peer] = await connectedPair(loop, () => new Bad(loop));
      peer.sock.write("data");
      await pr.lost;
      expect(pr.events).toEqual(["made", "data:data", "lost"]);
      expect(pr.lostWith).toBe(error);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ message: "Fatal error: protocol.data_received() call failed.", exception: error, transport: tr, protocol: pr });
      // A fatal error drops the connection at once: the peer sees it end.
      await peer.readAll();
      expect(peer.ended || peer.closed).toBe(true);
    });
  });

  // mirrors test_selector_events.py::SelectorTransportTests::test__add_reader
  it("reading cannot be resumed once the transport is force-closed", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      tr.pauseReading();
      tr.abort();
      tr.resumeReading();
      expect(tr.isReading()).toBe(false);
      peer.sock.write("too late");
      await pr.lost;
      await runBriefly(10);
      expect(pr.events).toEqual(["made", "lost"]);
    });
  });
});

describe("SocketTransport reading (_SelectorSocketTransport)", () => {
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_pause_resume_reading
  it("pauses and resumes reading idempotently, holding data back while paused, and stops reading on close", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      await runBriefly();
      expect(tr._paused).toBe(false);
      expect(tr.isReading()).toBe(true);
      tr.pauseReading();
      tr.pauseReading();
      expect(tr._paused).toBe(true);
      expect(tr.isReading()).toBe(false);
      peer.sock.write("held");
      await sleep(0.02);
      await runBriefly(10);
      expect(pr.events).toEqual(["made"]);
      tr.resumeReading();
      tr.resumeReading();
      expect(tr._paused).toBe(false);
      expect(tr.isReading()).toBe(true);
      await runUntil(() => pr.events.length === 2);
      expect(pr.events).toEqual(["made", "data:held"]);
      tr.close();
      expect(tr.isReading()).toBe(false);
      tr.resumeReading();
      expect(tr.isReading()).toBe(false);
      tr.pauseReading();
      expect(tr.isReading()).toBe(false);
      await pr.lost;
      expect(pr.events).toEqual(["made", "data:held", "lost"]);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_pause_reading_connection_made
  it("a pause in connectionMade holds data back until resumeReading", async () => {
    await inLoop(async (loop) => {
      class PauseAtOnce extends Recorder {
        override connectionMade(transport: unknown): void {
          super.connectionMade(transport);
          (transport as SocketTransport).pauseReading();
        }
      }
      const [tr, pr, peer] = await connectedPair(loop, () => new PauseAtOnce(loop));
      expect(tr.isReading()).toBe(false);
      peer.sock.write("hello");
      await sleep(0.02);
      await runBriefly(10);
      expect(pr.events).toEqual(["made"]);
      tr.resumeReading();
      expect(tr.isReading()).toBe(true);
      await runUntil(() => pr.events.length === 2);
      expect(pr.events).toEqual(["made", "data:hello"]);
      tr.close();
      expect(tr.isReading()).toBe(false);
      await pr.lost;
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_read_ready
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_read_ready_eof
  it("delivers data, then EOF, then closes itself: connectionLost(null), and the peer sees EOF", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      peer.sock.end("data");
      await pr.lost;
      expect(pr.events).toEqual(["made", "data:data", "eof", "lost"]);
      expect(pr.lostWith).toBeNull();
      expect(tr.isClosing()).toBe(true);
      await peer.readAll();
      expect(peer.ended).toBe(true);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_read_ready_eof_keep_open
  it("stays open for writing when eofReceived returns true", async () => {
    await inLoop(async (loop) => {
      class KeepOpen extends Recorder {
        override eofReceived(): boolean {
          super.eofReceived();
          return true;
        }
      }
      const [tr, pr, peer] = await connectedPair(loop, () => new KeepOpen(loop));
      peer.sock.end();
      await runUntil(() => pr.events.includes("eof"));
      await runBriefly(10);
      expect(pr.events).toEqual(["made", "eof"]);
      expect(tr.isClosing()).toBe(false);
      tr.write(Buffer.from("after"));
      tr.close();
      expect((await peer.readAll()).toString()).toBe("after");
      await pr.lost;
      expect(pr.events).toEqual(["made", "eof", "lost"]);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_read_eof_received_error
  it("an error thrown by eofReceived is a fatal error that ends the connection with it", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const error = new Error("eof boom");
      class Bad extends Recorder {
        override eofReceived(): boolean {
          super.eofReceived();
          throw error;
        }
      }
      const [tr, pr, peer] = await connectedPair(loop, () => new Bad(loop));
      peer.sock.end();
      await pr.lost;
      expect(pr.events).toEqual(["made", "eof", "lost"]);
      expect(pr.lostWith).toBe(error);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ message: "Fatal error: protocol.eof_received() call failed.", exception: error, transport: tr });
    });
  });
});

describe("SocketTransport writing (_SelectorSocketTransport)", () => {
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_bytearray
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_memoryview
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_str
  it("writes any Uint8Array (a Buffer, a view) unchanged, and refuses a string", async () => {
    await inLoop(async (loop) => {
      const [tr, , peer] = await connectedPair(loop, () => new Recorder(loop));
      const array = new Uint8Array([100, 97, 116, 97]);
      tr.write(Buffer.from("data"));
      tr.write(array);
      tr.write(Buffer.from("xdatax").subarray(1, 5));
      expect(array).toEqual(new Uint8Array([100, 97, 116, 97]));
      expect(() => tr.write("str" as never)).toThrow(new TypeError("data argument must be a bytes-like object, not 'str'"));
      tr.close();
      expect((await peer.readAll()).toString()).toBe("datadatadata");
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_no_data
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_sendmsg_no_data
  it("an empty write sends nothing and leaves the buffer as it was", async () => {
    await inLoop(async (loop) => {
      const [tr, , peer] = await connectedPair(loop, () => new Recorder(loop));
      tr.write(new Uint8Array(0));
      expect(tr.getWriteBufferSize()).toBe(0);
      const written = fillBuffer(tr, patternBytes(MiB, 8));
      const size = tr.getWriteBufferSize();
      tr.write(Buffer.alloc(0));
      expect(tr.getWriteBufferSize()).toBe(size);
      tr.close();
      expect(sha256(await peer.readAll())).toBe(sha256(...written));
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_buffer
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_partial
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_partial_none
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_tryagain
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_ready
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_ready_partial
  it("buffers what the socket cannot take yet, appends later writes, and sends it all in order", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      const written = fillBuffer(tr, patternBytes(MiB, 9));
      const before = tr.getWriteBufferSize();
      const tail = Buffer.from("data2");
      tr.write(tail);
      expect(tr.getWriteBufferSize()).toBe(before + tail.length);
      peer.startReading();
      await runUntil(() => peer.received.length === Buffer.concat(written).length + tail.length, 200_000);
      expect(sha256(peer.received)).toBe(sha256(...written, tail));
      expect(tr.getWriteBufferSize()).toBe(0);
      expect(pr.events).toEqual(["made", "pause_writing", "resume_writing"]);
      tr.close();
      await pr.lost;
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_writelines_send_full
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_writelines_send_partial
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_writelines_sendmsg_full
  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_writelines_sendmsg_partial
  it("writelines sends every buffer in order, buffering what the socket cannot take", async () => {
    await inLoop(async (loop) => {
      const [tr, , peer] = await connectedPair(loop, () => new Recorder(loop));
      tr.writelines([Buffer.from("da"), Buffer.from("ta")]);
      expect(tr.getWriteBufferSize()).toBe(0);
      const big = [patternBytes(4 * MiB, 10), patternBytes(4 * MiB, 11), Buffer.from("end")];
      tr.writelines(big);
      expect(tr.getWriteBufferSize()).toBeGreaterThan(0);
      tr.close();
      expect(sha256(await peer.readAll())).toBe(sha256(Buffer.from("data"), ...big));
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_closing
  it("drops writes after close, counting them", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      tr.write(Buffer.from("before"));
      await runUntil(() => tr.getWriteBufferSize() === 0);
      tr.close();
      expect(tr._connLost).toBe(1);
      tr.write(Buffer.from("data"));
      expect(tr._connLost).toBe(2);
      expect((await peer.readAll()).toString()).toBe("before");
      await pr.lost;
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_eof
  it("writeEof half-closes once; the transport still receives", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      expect(tr.canWriteEof()).toBe(true);
      tr.write(Buffer.from("request"));
      tr.writeEof();
      tr.writeEof();
      expect(tr.isClosing()).toBe(false);
      expect((await peer.readAll()).toString()).toBe("request");
      expect(peer.ended).toBe(true);
      peer.sock.end("reply");
      await pr.lost;
      expect(pr.events).toEqual(["made", "data:reply", "eof", "lost"]);
      expect(pr.lostWith).toBeNull();
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_eof_buffer
  it("writeEof with buffered data sends the data first, then EOF; later writes raise", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      const written = fillBuffer(tr, patternBytes(MiB, 12));
      tr.writeEof();
      expect(tr._eof).toBe(true);
      expect(tr.getWriteBufferSize()).toBeGreaterThan(0);
      expect(() => tr.write(Buffer.from("z"))).toThrow(new RuntimeError("Cannot call write() after write_eof()"));
      expect(() => tr.writelines([Buffer.from("z")])).toThrow(new RuntimeError("Cannot call writelines() after write_eof()"));
      expect(sha256(await peer.readAll())).toBe(sha256(...written));
      expect(peer.ended).toBe(true);
      peer.sock.write("back");
      await runUntil(() => pr.events.includes("data:back"));
      peer.sock.end();
      await pr.lost;
      expect(pr.events).toEqual(["made", "pause_writing", "resume_writing", "data:back", "eof", "lost"]);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportTests::test_write_eof_after_close
  it("writeEof after close does nothing", async () => {
    await inLoop(async (loop) => {
      const [tr, pr] = await connectedPair(loop, () => new Recorder(loop));
      tr.close();
      await sleep(0);
      expect(() => tr.writeEof()).not.toThrow();
      expect(tr._eof).toBe(false);
      await pr.lost;
    });
  });
});

describe("SocketTransport with a BufferedProtocol", () => {
  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_ctor
  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_ready
  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_ready_eof
  it("fills the buffers getBuffer gives, reports each with bufferUpdated, then EOF and close", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new BufferRecorder(loop));
      expect(pr.events).toEqual(["made"]);
      peer.sock.end("hello");
      await pr.lost;
      // A one-byte buffer (CPython's test buffer) takes one byte per call.
      expect(Buffer.from(pr.received).toString()).toBe("hello");
      // CPython asks for a buffer before the read that finds EOF too.
      expect(pr.events).toEqual(["made", ...Array<string[]>(5).fill(["get_buffer", "buffer_updated:1"]).flat(), "get_buffer", "eof", "lost"]);
      expect(pr.lostWith).toBeNull();
      expect(tr.isClosing()).toBe(true);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_ready_eof_keep_open
  it("stays open for writing when eofReceived returns true", async () => {
    await inLoop(async (loop) => {
      class KeepOpen extends BufferRecorder {
        override eofReceived(): boolean {
          super.eofReceived();
          return true;
        }
      }
      const [tr, pr, peer] = await connectedPair(loop, () => new KeepOpen(loop, 100));
      peer.sock.end("hi");
      await runUntil(() => pr.events.includes("eof"));
      await runBriefly(10);
      expect(pr.events).toEqual(["made", "get_buffer", "buffer_updated:2", "get_buffer", "eof"]);
      expect(tr.isClosing()).toBe(false);
      tr.write(Buffer.from("after"));
      tr.close();
      expect((await peer.readAll()).toString()).toBe("after");
      await pr.lost;
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_get_buffer_error
  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_get_buffer_zerosized
  for (const [name, getBuffer, check] of [
    [
      "an error thrown by getBuffer",
      (): Uint8Array => {
        throw new RangeError("lookup");
      },
      (exc: unknown) => expect(exc).toEqual(new RangeError("lookup")),
    ],
    [
      "an empty buffer from getBuffer",
      (): Uint8Array => new Uint8Array(0),
      (exc: unknown) => expect(exc).toEqual(new RuntimeError("get_buffer() returned an empty buffer")),
    ],
  ] as const) {
    it(`${name} is a fatal error; bufferUpdated is never called`, async () => {
      await inLoop(async (loop) => {
        const messages = captureExceptions(loop);
        class Bad extends BufferRecorder {
          override getBuffer(): Uint8Array {
            this.events.push("get_buffer");
            return getBuffer();
          }
        }
        const [tr, pr, peer] = await connectedPair(loop, () => new Bad(loop));
        peer.sock.write("data");
        await pr.lost;
        expect(pr.events).toEqual(["made", "get_buffer", "lost"]);
        check(pr.lostWith);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatchObject({ message: "Fatal error: protocol.get_buffer() call failed.", exception: pr.lostWith, transport: tr, protocol: pr });
      });
    });
  }

  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_buffer_updated_error
  it("an error thrown by bufferUpdated is a fatal error that ends the connection with it", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const error = new Error("lookup");
      class Bad extends BufferRecorder {
        override bufferUpdated(nbytes: number): void {
          super.bufferUpdated(nbytes);
          throw error;
        }
      }
      const [tr, pr, peer] = await connectedPair(loop, () => new Bad(loop, 100));
      peer.sock.write("data");
      await pr.lost;
      expect(pr.events).toEqual(["made", "get_buffer", "buffer_updated:4", "lost"]);
      expect(pr.lostWith).toBe(error);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ message: "Fatal error: protocol.buffer_updated() call failed.", exception: error, transport: tr });
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_eof_received_error
  it("an error thrown by eofReceived is a fatal error that ends the connection with it", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const error = new Error("eof boom");
      class Bad extends BufferRecorder {
        override eofReceived(): boolean {
          super.eofReceived();
          throw error;
        }
      }
      const [, pr, peer] = await connectedPair(loop, () => new Bad(loop));
      peer.sock.end();
      await pr.lost;
      expect(pr.events).toEqual(["made", "get_buffer", "eof", "lost"]);
      expect(pr.lostWith).toBe(error);
      expect(messages.map((context: ExceptionContext) => context.message)).toEqual(["Fatal error: protocol.eof_received() call failed."]);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_read_ready_conn_reset
  it("a peer reset ends the connection with ConnectionResetError, unreported", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const [, pr, peer] = await connectedPair(loop, () => new BufferRecorder(loop));
      peer.sock.resetAndDestroy();
      await pr.lost;
      expect(pr.lostWith).toBeInstanceOf(ConnectionResetError);
      expect(pr.events).toEqual(["made", "lost"]);
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_selector_events.py::SelectorSocketTransportBufferedProtocolTests::test_proto_type_switch
  it("switches to getBuffer/bufferUpdated when setProtocol installs a BufferedProtocol", async () => {
    await inLoop(async (loop) => {
      const [tr, pr, peer] = await connectedPair(loop, () => new Recorder(loop));
      peer.sock.write("data");
      await runUntil(() => pr.events.length === 2);
      expect(pr.events).toEqual(["made", "data:data"]);
      const buffered = new BufferRecorder(loop, 4);
      tr.setProtocol(buffered);
      expect(tr.getProtocol()).toBe(buffered);
      peer.sock.write("more");
      await runUntil(() => buffered.events.length === 2);
      expect(buffered.events).toEqual(["get_buffer", "buffer_updated:4"]);
      expect(Buffer.from(buffered.received).toString()).toBe("more");
      expect(pr.events).toEqual(["made", "data:data"]);
      tr.close();
      await buffered.lost;
    });
  });
});

/** Datagram protocol recording every callback. */
class DatagramRecorder extends DatagramProtocol {
  readonly events: unknown[] = [];
  readonly datagrams: [string, unknown][] = [];
  readonly errors: unknown[] = [];
  readonly lost: Future<void>;

  constructor(loop: AbstractEventLoop) {
    super();
    this.lost = loop.createFuture<void>() as Future<void>;
  }

  override connectionMade(): void {
    this.events.push("made");
  }

  override datagramReceived(data: Uint8Array, addr: unknown): void {
    this.events.push("datagram");
    this.datagrams.push([Buffer.from(data).toString(), addr]);
  }

  override errorReceived(exc: unknown): void {
    this.events.push("error");
    this.errors.push(exc);
  }

  override connectionLost(exc: unknown): void {
    this.events.push(`lost:${String(exc)}`);
    this.lost.setResult(undefined);
  }
}

/** A UDP port on 127.0.0.1 nothing listens on (bound, then released). */
async function deadUdpPort(): Promise<number> {
  const probe = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(resolve));
  return port;
}

describe("UDPTransport (_SelectorDatagramTransport)", () => {
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_read_ready
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_transport_inheritance
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_bytearray
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_memoryview
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_no_data
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_buffer
  it("delivers each datagram, an empty one too, with its sender's address, in order", async () => {
    await inLoop(async (loop) => {
      const [rt, rp] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { localAddr: ["127.0.0.1", 0] });
      const [st, sp] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { localAddr: ["127.0.0.1", 0] });
      try {
        expect(rt).toBeInstanceOf(DatagramTransport);
        const addr = rt.getExtraInfo("sockname") as [string, number];
        const from = st.getExtraInfo("sockname") as [string, number];
        const array = new Uint8Array([116, 119, 111]);
        st.sendto(Buffer.from("one"), addr);
        st.sendto(new Uint8Array(0), addr);
        st.sendto(array, addr);
        st.sendto(Buffer.from("xthreex").subarray(1, 6), addr);
        for (let i = 0; i < 20; i++) st.sendto(Buffer.from(`n${i}`), addr);
        expect(array).toEqual(new Uint8Array([116, 119, 111]));
        await runUntil(() => rp.datagrams.length === 24);
        expect(rp.datagrams.slice(0, 4)).toEqual([
          ["one", from],
          ["", from],
          ["two", from],
          ["three", from],
        ]);
        expect(rp.datagrams.slice(4).map(([data]) => data)).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
        expect(sp.events).toEqual(["made"]);
        await runUntil(() => st.getWriteBufferSize() === 0);
      } finally {
        rt.close();
        st.close();
      }
    });
  });

  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_read_ready_oserr
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_error_received_connected
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_ready_error_received_connection
  it("reports ConnectionRefusedError of a connected endpoint to errorReceived and stays open", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const port = await deadUdpPort();
      const [tr, pr] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { remoteAddr: ["127.0.0.1", port] });
      try {
        // The ICMP port-unreachable of the first datagram fails the next socket call.
        for (let i = 0; i < 50 && pr.errors.length === 0; i++) {
          tr.sendto(Buffer.from("data"));
          await sleep(0.005);
        }
        expect(pr.errors.length).toBeGreaterThan(0);
        expect(pr.errors[0]).toBeInstanceOf(ConnectionRefusedError);
        expect(tr.isClosing()).toBe(false);
        expect(tr._connLost).toBe(0);
        expect(messages).toEqual([]);
      } finally {
        tr.close();
      }
      await pr.lost;
      expect(pr.events.at(-1)).toBe("lost:null");
    });
  });

  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_error_received
  it("an unconnected endpoint keeps sending to an address nobody listens on, with no fatal error", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const port = await deadUdpPort();
      const [tr, pr] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { localAddr: ["127.0.0.1", 0] });
      try {
        for (let i = 0; i < 5; i++) {
          tr.sendto(Buffer.from("data"), ["127.0.0.1", port]);
          await sleep(0.005);
        }
        await runUntil(() => tr.getWriteBufferSize() === 0);
        expect(tr._connLost).toBe(0);
        expect(tr.isClosing()).toBe(false);
        expect(messages).toEqual([]);
      } finally {
        tr.close();
      }
      await pr.lost;
    });
  });

  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_closing
  // mirrors test_selector_events.py::SelectorDatagramTransportTests::test_sendto_exception
  it("drops datagrams sent after close, counting them and warning past the threshold", async () => {
    await inLoop(async (loop) => {
      const warnings = captureWarnings();
      const [rt, rp] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { localAddr: ["127.0.0.1", 0] });
      const addr = rt.getExtraInfo("sockname") as [string, number];
      const [tr, pr] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { remoteAddr: addr });
      try {
        tr.close();
        expect(tr._connLost).toBe(1);
        tr.sendto(Buffer.from("data"), addr);
        expect(tr._connLost).toBe(2);
        for (let i = 0; i < 4; i++) tr.sendto(Buffer.from("data"));
        expect(tr._connLost).toBe(6);
        // LOG_THRESHOLD_FOR_CONNLOST_WRITES is 5: only the send that finds the count at 5 warns.
        expect(warnings).toEqual(["socket.send() raised exception."]);
        await pr.lost;
        expect(pr.events).toEqual(["made", "lost:null"]);
        await sleep(0.02);
        await runBriefly(10);
        expect(rp.datagrams).toEqual([]);
      } finally {
        rt.close();
      }
    });
  });

  it("reports an error thrown by datagramReceived as an error in a callback and keeps the endpoint open, as CPython does", async () => {
    // CPython selector_events.py _SelectorDatagramTransport._read_ready calls datagram_received
    // outside its try: the error reaches the loop's handler ("Exception in callback ...") once per
    // datagram, and the transport stays open.
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const error = new Error("dg boom");
      class Bad extends DatagramRecorder {
        override datagramReceived(data: Uint8Array, addr: unknown): void {
          super.datagramReceived(data, addr);
          throw error;
        }
      }
      const [rt, rp] = await createDatagramEndpoint(loop, () => new Bad(loop), { localAddr: ["127.0.0.1", 0] });
      const [st] = await createDatagramEndpoint(loop, () => new DatagramRecorder(loop), { localAddr: ["127.0.0.1", 0] });
      try {
        const addr = rt.getExtraInfo("sockname") as [string, number];
        st.sendto(Buffer.from("one"), addr);
        st.sendto(Buffer.from("two"), addr);
        await runUntil(() => rp.datagrams.length === 2);
        expect(rp.datagrams.map(([data]) => data)).toEqual(["one", "two"]);
        expect(rt.isClosing()).toBe(false);
        expect(messages).toHaveLength(2);
        for (const context of messages) {
          expect(context.message).toMatch(/^Exception in callback /);
          expect(context.exception).toBe(error);
        }
      } finally {
        rt.close();
        st.close();
      }
      await rp.lost;
      expect(rp.events.filter((event) => String(event).startsWith("lost"))).toEqual(["lost:null"]);
    });
  });
});

describe("loop socket transports (BaseSelectorEventLoop)", () => {
  // mirrors test_selector_events.py::BaseSelectorEventLoopTests::test_make_socket_transport
  it("a transport still has a repr once its loop is closed", async () => {
    let transport: SocketTransport | null = null;
    await inLoop(async (loop) => {
      const [tr] = await connectedPair(loop, () => new Recorder(loop));
      transport = tr;
    });
    const tr = transport as SocketTransport | null;
    expect(tr).not.toBeNull();
    // Python: `<_SelectorSocketTransport fd=N>` (no polling state once the loop is closed).
    expect(tr!.toString()).toMatch(/^<SocketTransport (closed )?fd=\d+>$/);
    tr!.abort();
  });

  // mirrors test_selector_events.py::BaseSelectorEventLoopTests::test_accept_connection_multiple
  it("accepts a burst of connections, making a transport for each", async () => {
    await inLoop(async (loop) => {
      const COUNT = 50;
      const protocols: Recorder[] = [];
      const server = (await createServer(loop, () => {
        const protocol = new Recorder(loop);
        protocols.push(protocol);
        return protocol;
      }, "127.0.0.1", 0));
      const clients: net.Socket[] = [];
      try {
        const [host, port] = server.sockets[0]!.getsockname() as [string, number];
        for (let i = 0; i < COUNT; i++) {
          const client = net.connect({ host, port });
          client.on("error", () => {
            // The server is closed under it at the end of the test.
          });
          clients.push(client);
        }
        await runUntil(() => protocols.length === COUNT && protocols.every((protocol) => protocol.events.includes("made")), 200_000);
        expect(new Set(protocols.map((protocol) => protocol.transport)).size).toBe(COUNT);
        expect(server._clients.size).toBe(COUNT);
      } finally {
        for (const client of clients) client.destroy();
        server.close();
        await server.waitClosed();
      }
    });
  });
});
