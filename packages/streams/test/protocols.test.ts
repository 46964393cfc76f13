import { BaseProtocol, BufferedProtocol, DatagramProtocol, Protocol, SubprocessProtocol } from "@aio/core";
import { createConnection, startServer } from "@aio/streams";
import type { SocketTransport } from "@aio/streams";
import type { Server, StreamReader, StreamWriter } from "@aio/streams";
import { waitFor } from "@aio/tasks";
import { describe, expect, it } from "vitest";
import { captureExceptions, inLoop, runUntil } from "./support/loop.js";
import { MyBaseProto } from "./support/protocols.js";

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

describe("protocol base classes", () => {
  // mirrors test_protocols.py::test_base_protocol
  // mirrors test_protocols.py::test_protocol
  // mirrors test_protocols.py::test_datagram_protocol
  // mirrors test_protocols.py::test_subprocess_protocol
  it("do nothing by default", () => {
    const f = {};
    const p = new BaseProtocol();
    expect(p.connectionMade(f)).toBeUndefined();
    expect(p.connectionLost(f)).toBeUndefined();
    expect(p.pauseWriting()).toBeUndefined();
    expect(p.resumeWriting()).toBeUndefined();
    const sp = new Protocol();
    expect(sp.dataReceived(new Uint8Array())).toBeUndefined();
    expect(sp.eofReceived()).toBeUndefined();
    const dp = new DatagramProtocol();
    expect(dp.errorReceived(f)).toBeUndefined();
    expect(dp.datagramReceived(new Uint8Array(), f)).toBeUndefined();
    const sub = new SubprocessProtocol();
    expect(sub.pipeDataReceived(1, new Uint8Array())).toBeUndefined();
    expect(sub.pipeConnectionLost(1, f)).toBeUndefined();
    expect(sub.processExited()).toBeUndefined();
  });

  // mirrors test_protocols.py::test_buffered_protocol
  it("BufferedProtocol does nothing by default (getBuffer gives null)", () => {
    const p = new BufferedProtocol();
    expect(p.connectionMade({})).toBeUndefined();
    expect(p.connectionLost(null)).toBeUndefined();
    expect(p.getBuffer(100)).toBeNull();
    expect(p.bufferUpdated(150)).toBeUndefined();
  });
});

class ReceiveStuffProto extends BufferedProtocol {
  buffer = new Uint8Array(0);
  sizehints: number[] = [];
  readonly cb: (data: Uint8Array) => void;
  readonly conLost: { setResult(v: undefined): void; setException(e: unknown): void };
  constructor(cb: (data: Uint8Array) => void, conLost: { setResult(v: undefined): void; setException(e: unknown): void }) {
    super();
    this.cb = cb;
    this.conLost = conLost;
  }
  override getBuffer(sizehint: number): Uint8Array {
    this.sizehints.push(sizehint);
    this.buffer = new Uint8Array(100);
    return this.buffer;
  }
  override bufferUpdated(nbytes: number): void {
    this.cb(this.buffer.slice(0, nbytes));
  }
  override connectionLost(exc: unknown): void {
    if (exc === null || exc === undefined) this.conLost.setResult(undefined);
    else this.conLost.setException(exc);
  }
}

describe("BufferedProtocol over a socket", () => {
  // mirrors test_buffered_proto.py::test_buffered_proto_create_connection
  it("receives through getBuffer/bufferUpdated in 100-byte buffers", async () => {
    await inLoop(async (loop) => {
      const NOISE = Buffer.from("12345678+".repeat(1024));
      const srv = await startServer(async (reader: StreamReader, writer: StreamWriter) => {
        writer.write(NOISE);
        await reader.readexactly(1);
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      let proto: ReceiveStuffProto | null = null;
      try {
        const chunks: Uint8Array[] = [];
        let total = 0;
        const conLost = loop.createFuture<undefined>();
        const [tr] = await createConnection(
          loop,
          () => {
            proto = new ReceiveStuffProto((buf) => {
              chunks.push(buf);
              total += buf.length;
              if (total === NOISE.length) tr.write(Buffer.from("1"));
            }, conLost);
            return proto as never;
          },
          ...address(srv),
        );
        await waitFor(conLost, 5);
        expect(Buffer.concat(chunks)).toEqual(NOISE);
        expect(chunks.every((chunk) => chunk.length <= 100)).toBe(true);
        // Python asks for a buffer before every read, the one that finds EOF too (hint -1 there).
        expect(proto!.sizehints.at(-1)).toBe(-1);
        expect(proto!.sizehints.slice(0, -1).every((hint) => hint > 0)).toBe(true);
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });

  it("reports an empty buffer from getBuffer as a fatal error", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const srv = await startServer(async (_reader, writer) => {
        writer.write(Buffer.from("data"));
        await writer.drain();
      }, "127.0.0.1", 0);
      try {
        const lost = loop.createFuture<unknown>();
        class Empty extends BufferedProtocol {
          override getBuffer(): Uint8Array {
            return new Uint8Array(0);
          }
          override bufferUpdated(): void {}
          override connectionLost(exc: unknown): void {
            lost.setResult(exc);
          }
        }
        await createConnection(loop, () => new Empty() as never, ...address(srv));
        const exc = await lost;
        expect((exc as Error).message).toBe("get_buffer() returned an empty buffer");
        expect(messages.map((m) => m.message)).toEqual(["Fatal error: protocol.get_buffer() call failed."]);
      } finally {
        srv.abortClients();
        srv.close();
        await srv.waitClosed();
      }
    });
  });
});

describe("Protocol callbacks over a socket", () => {
  it("calls connectionMade, dataReceived, eofReceived, connectionLost in order and closes after EOF", async () => {
    await inLoop(async (loop) => {
      const srv = await startServer(async (_reader, writer) => {
        writer.write(Buffer.from("hello"));
        writer.close();
      }, "127.0.0.1", 0);
      try {
        const events: string[] = [];
        class Recorder extends MyBaseProto {
          override connectionMade(transport: unknown): void {
            super.connectionMade(transport);
            events.push("made");
          }
          override dataReceived(data: Uint8Array): void {
            super.dataReceived(data);
            events.push(`data:${Buffer.from(data).toString()}`);
          }
          override eofReceived(): boolean | void {
            super.eofReceived();
            events.push("eof");
          }
          override connectionLost(exc: unknown): void {
            super.connectionLost(exc);
            events.push(`lost:${String(exc)}`);
          }
        }
        const [tr, pr] = await createConnection(loop, () => new Recorder(loop), ...address(srv));
        await pr.done;
        expect(events).toEqual(["made", "data:hello", "eof", "lost:null"]);
        expect(tr.isClosing()).toBe(true);
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });

  it("reports an exception from dataReceived and closes the transport", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const srv = await startServer(async (reader, writer) => {
        writer.write(Buffer.from("boom"));
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      try {
        class Bad extends MyBaseProto {
          override dataReceived(): void {
            throw new Error("bad protocol");
          }
        }
        const [tr, pr] = await createConnection(loop, () => new Bad(loop), ...address(srv));
        await pr.done;
        expect(tr.isClosing()).toBe(true);
        expect(messages).toHaveLength(1);
        expect(messages[0]!.message).toBe("Fatal error: protocol.data_received() call failed.");
        expect((messages[0]!.exception as Error).message).toBe("bad protocol");
        expect(messages[0]!.protocol).toBe(pr);
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });
});

describe("SocketTransport", () => {
  it("validates write buffer limits and writes", async () => {
    await inLoop(async (loop) => {
      const srv = await startServer(async (reader, writer) => {
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      try {
        const [tr, pr] = await createConnection(loop, () => new MyBaseProto(loop), ...address(srv));
        expect(tr.getWriteBufferLimits()).toEqual([16384, 65536]);
        tr.setWriteBufferLimits(100);
        expect(tr.getWriteBufferLimits()).toEqual([25, 100]);
        tr.setWriteBufferLimits(null, 10);
        expect(tr.getWriteBufferLimits()).toEqual([10, 40]);
        expect(() => tr.setWriteBufferLimits(1, 2)).toThrow(RangeError);
        expect(() => tr.setWriteBufferLimits(1, 2)).toThrow("high (1) must be >= low (2) must be >= 0");
        expect(() => tr.write("text" as never)).toThrow(new TypeError("data argument must be a bytes-like object, not 'str'"));
        expect(tr.isReading()).toBe(true);
        tr.pauseReading();
        expect(tr.isReading()).toBe(false);
        tr.resumeReading();
        expect(tr.isReading()).toBe(true);
        expect(tr.getProtocol()).toBe(pr);
        // Python: `<_SelectorSocketTransport fd=N read=polling write=<idle, bufsize=0>>`, `read=idle` when paused.
        expect((tr as SocketTransport).toString()).toMatch(/^<SocketTransport fd=\d+ read=polling write=<idle, bufsize=0>>$/);
        tr.pauseReading();
        expect((tr as SocketTransport).toString()).toMatch(/^<SocketTransport fd=\d+ read=idle write=<idle, bufsize=0>>$/);
        tr.resumeReading();
        tr.writeEof();
        expect(() => tr.write(Buffer.from("x"))).toThrow("Cannot call write() after write_eof()");
        await pr.done;
        expect((tr as SocketTransport).toString()).toMatch(/^<SocketTransport closed /);
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });

  it("pauses and resumes the protocol around the high-water mark", async () => {
    await inLoop(async (loop) => {
      const srv = await startServer(async (reader, writer) => {
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      try {
        const events: string[] = [];
        class Flow extends MyBaseProto {
          override pauseWriting(): void {
            events.push("pause");
          }
          override resumeWriting(): void {
            events.push("resume");
          }
        }
        const [tr, pr] = await createConnection(loop, () => new Flow(loop), ...address(srv));
        tr.setWriteBufferLimits(1024);
        for (let i = 0; i < 64 && events.length === 0; i++) tr.write(Buffer.alloc(1024 * 1024));
        expect(events).toEqual(["pause"]);
        await runUntil(() => events.length === 2);
        expect(events).toEqual(["pause", "resume"]);
        expect(tr.getWriteBufferSize()).toBe(0);
        tr.close();
        await pr.done;
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });

  it("keeps the connection open for writing when eofReceived returns true (half-close)", async () => {
    await inLoop(async (loop) => {
      const srv = await startServer(async (reader, writer) => {
        const request = await reader.read();
        expect(reader.atEof()).toBe(true);
        writer.write(Buffer.concat([Buffer.from("echo:"), request]));
        await writer.drain();
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const [tr, pr] = await createConnection(loop, () => new MyBaseProto(loop), ...address(srv));
        expect(tr.canWriteEof()).toBe(true);
        tr.write(Buffer.from("question"));
        tr.writeEof();
        await pr.done;
        expect(Buffer.concat(pr.data).toString()).toBe("echo:question");
        expect(pr.state).toBe("CLOSED");
        void (tr);
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });
});
