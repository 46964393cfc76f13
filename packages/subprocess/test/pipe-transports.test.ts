import { execFileSync, spawn } from "node:child_process";
import { closeSync, constants as fsConstants, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BaseProtocol, BrokenPipeError, Protocol, logger } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import type { Future } from "@aio/futures";
import type { ReadPipeTransport, WritePipeTransport} from "@aio/subprocess";
import { connectReadPipe, connectWritePipe } from "@aio/subprocess";
import { inLoop, runBriefly, runUntil } from "./support/loop.js";

let dir: string;
let fifo: string;
/** Descriptors the test itself holds (the transports own and close theirs). */
const held: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aio-pipe-"));
  fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
});

afterEach(() => {
  for (const fd of held.splice(0)) {
    try {
      closeSync(fd);
    } catch {
      // Closed by the test already.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Opens both ends of the FIFO without blocking: [readFd, writeFd]. */
function openFifo(): [number, number] {
  const readFd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const writeFd = openSync(fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
  return [readFd, writeFd];
}

/** Reads what is available from a non-blocking descriptor. */
function readAvailable(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    try {
      const n = readSync(fd, buf);
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") break;
      throw error;
    }
  }
  return Buffer.concat(chunks);
}

/** CPython test_events.py MyReadPipeProto. */
class MyReadPipeProto extends Protocol {
  state = ["INITIAL"];
  nbytes = 0;
  data = Buffer.alloc(0);
  transport: ReadPipeTransport | null = null;
  lostWith: unknown = "unset";
  done: Future<null>;
  constructor(loop: AbstractEventLoop) {
    super();
    this.done = loop.createFuture() as Future<null>;
  }
  assertState(expected: string[]): void {
    expect(this.state).toEqual(expected);
  }
  override connectionMade(transport: unknown): void {
    this.transport = transport as ReadPipeTransport;
    this.assertState(["INITIAL"]);
    this.state.push("CONNECTED");
  }
  override dataReceived(data: Uint8Array): void {
    this.assertState(["INITIAL", "CONNECTED"]);
    this.nbytes += data.length;
    this.data = Buffer.concat([this.data, data]);
  }
  override eofReceived(): void {
    this.assertState(["INITIAL", "CONNECTED"]);
    this.state.push("EOF");
  }
  override connectionLost(exc: unknown): void {
    if (!this.state.includes("EOF")) this.state.push("EOF");
    this.assertState(["INITIAL", "CONNECTED", "EOF"]);
    this.state.push("CLOSED");
    this.lostWith = exc;
    this.done.setResult(null);
  }
}

/** CPython test_events.py MyWritePipeProto, recording flow control. */
class MyWritePipeProto extends BaseProtocol {
  state = "INITIAL";
  transport: WritePipeTransport | null = null;
  lostWith: unknown = "unset";
  events: string[] = [];
  done: Future<null>;
  constructor(loop: AbstractEventLoop) {
    super();
    this.done = loop.createFuture() as Future<null>;
  }
  override connectionMade(transport: unknown): void {
    this.transport = transport as WritePipeTransport;
    expect(this.state).toBe("INITIAL");
    this.state = "CONNECTED";
  }
  override connectionLost(exc: unknown): void {
    expect(this.state).toBe("CONNECTED");
    this.state = "CLOSED";
    this.lostWith = exc;
    this.done.setResult(null);
  }
  override pauseWriting(): void {
    this.events.push("pause");
  }
  override resumeWriting(): void {
    this.events.push("resume");
  }
}

describe("ReadPipeTransport", () => {
  // mirrors test_events.py::test_read_pipe
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_ctor
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test__read_ready
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_eof
  it("delivers data, then eofReceived and connectionLost(null) when the writer closes", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(writeFd);
      const proto = new MyReadPipeProto(loop);
      const [transport, protocol] = await connectReadPipe(loop, () => proto, readFd);
      expect(protocol).toBe(proto);
      expect(transport).toBe(proto.transport);
      expect(proto.state).toEqual(["INITIAL", "CONNECTED"]);
      expect(proto.nbytes).toBe(0);
      expect(transport.isReading()).toBe(true);

      writeSync(writeFd, Buffer.from("1"));
      await runUntil(() => proto.nbytes >= 1);
      expect(proto.nbytes).toBe(1);
      writeSync(writeFd, Buffer.from("2345"));
      await runUntil(() => proto.nbytes >= 5);
      expect(proto.state).toEqual(["INITIAL", "CONNECTED"]);
      expect(proto.data.toString()).toBe("12345");

      closeSync(writeFd);
      await proto.done;
      expect(proto.state).toEqual(["INITIAL", "CONNECTED", "EOF", "CLOSED"]);
      expect(proto.lostWith).toBe(null);
      expect(transport.isClosing()).toBe(true);
      expect(transport.getExtraInfo("pipe")).not.toBe(null);
    });
  });

  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading_on_paused_pipe
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading_on_paused_pipe
  it("pauseReading() holds data back until resumeReading(), and both are idempotent", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(writeFd);
      const proto = new MyReadPipeProto(loop);
      const [transport] = await connectReadPipe(loop, () => proto, readFd);
      transport.resumeReading(); // not paused: nothing happens
      expect(transport.isReading()).toBe(true);
      transport.pauseReading();
      transport.pauseReading();
      expect(transport.isReading()).toBe(false);
      expect(String(transport)).toBe("<ReadPipeTransport paused>");
      writeSync(writeFd, Buffer.from("data"));
      // The loop goes on turning (real delays so the pipe could deliver), yet nothing arrives.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      await runBriefly();
      expect(proto.nbytes).toBe(0);
      transport.resumeReading();
      expect(transport.isReading()).toBe(true);
      await runUntil(() => proto.nbytes === 4);
      expect(proto.data.toString()).toBe("data");
      transport.close();
      await proto.done;
    });
  });

  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_close
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_close_already_closing
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test__close
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading_on_closed_pipe
  // mirrors test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading_on_closed_pipe
  it("close() loses the connection once, with null; pause/resume after close do nothing", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(writeFd);
      const proto = new MyReadPipeProto(loop);
      const lost = vi.spyOn(proto, "connectionLost");
      const [transport] = await connectReadPipe(loop, () => proto, readFd);
      transport.close();
      expect(transport.isClosing()).toBe(true);
      transport.close();
      transport.pauseReading();
      transport.resumeReading();
      expect(transport.isReading()).toBe(false);
      await proto.done;
      await runBriefly();
      expect(lost).toHaveBeenCalledTimes(1);
      expect(proto.lostWith).toBe(null);
      expect(String(transport)).toBe("<ReadPipeTransport closed>");
    });
  });

  it("reads a child's stdout given as a stream", async () => {
    await inLoop(async (loop) => {
      const child = spawn("echo", ["from child"], { stdio: ["ignore", "pipe", "ignore"] });
      const proto = new MyReadPipeProto(loop);
      await connectReadPipe(loop, () => proto, child.stdout);
      await proto.done;
      expect(proto.data.toString()).toBe("from child\n");
      expect(proto.state).toEqual(["INITIAL", "CONNECTED", "EOF", "CLOSED"]);
    });
  });

  it("rejects what is not a pipe", async () => {
    await inLoop(async (loop) => {
      await expect(connectReadPipe(loop, () => new Protocol(), "nope")).rejects.toThrow(TypeError);
      await expect(connectWritePipe(loop, () => new BaseProtocol(), null)).rejects.toThrow(TypeError);
    });
  });
});

describe("WritePipeTransport", () => {
  // mirrors test_events.py::test_write_pipe
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_ctor
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_can_write_eof
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_no_data
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_close
  it("writes data to the pipe; close() loses the connection with null", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(readFd);
      const proto = new MyWritePipeProto(loop);
      const [transport, protocol] = await connectWritePipe(loop, () => proto, writeFd);
      expect(protocol).toBe(proto);
      expect(transport).toBe(proto.transport);
      expect(proto.state).toBe("CONNECTED");
      expect(transport.canWriteEof()).toBe(true);

      transport.write(Buffer.from("1"));
      const data: Buffer[] = [];
      const reader = (): number => {
        data.push(readAvailable(readFd));
        return Buffer.concat(data).length;
      };
      await runUntil(() => reader() >= 1);
      expect(Buffer.concat(data).toString()).toBe("1");
      transport.write(Buffer.from("2345"));
      transport.write(Buffer.alloc(0));
      await runUntil(() => reader() >= 5);
      expect(Buffer.concat(data).toString()).toBe("12345");
      expect(transport.getWriteBufferSize()).toBe(0);
      expect(proto.state).toBe("CONNECTED");
      expect(transport.getExtraInfo("pipe")).not.toBe(null);

      transport.close();
      transport.close();
      await proto.done;
      expect(proto.state).toBe("CLOSED");
      expect(proto.lostWith).toBe(null);
    });
  });

  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_partial
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_buffer
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test__write_ready
  it("buffers what the pipe cannot take, pauses the protocol above the high-water mark and resumes it", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(readFd);
      const proto = new MyWritePipeProto(loop);
      const [transport] = await connectWritePipe(loop, () => proto, writeFd);
      const payload = Buffer.alloc(1024 * 1024, "z");
      transport.write(payload);
      expect(transport.getWriteBufferSize()).toBeGreaterThan(0);
      expect(proto.events).toEqual(["pause"]);
      let received = 0;
      await runUntil(() => {
        received += readAvailable(readFd).length;
        return received === payload.length && proto.events.length === 2;
      });
      expect(proto.events).toEqual(["pause", "resume"]);
      expect(transport.getWriteBufferSize()).toBe(0);
      transport.close();
      await proto.done;
    });
  });

  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_eof
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_eof_pending
  it("writeEof() flushes the buffer, then the reader sees EOF and the protocol loses the connection", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(readFd);
      const proto = new MyWritePipeProto(loop);
      const [transport] = await connectWritePipe(loop, () => proto, writeFd);
      const payload = Buffer.alloc(256 * 1024, "q");
      transport.write(payload);
      transport.writeEof();
      expect(transport.isClosing()).toBe(true);
      await runBriefly();
      // Data is still pending: the connection is not lost yet.
      expect(proto.state).toBe("CONNECTED");
      let received = 0;
      await runUntil(() => {
        received += readAvailable(readFd).length;
        return proto.state === "CLOSED";
      });
      received += readAvailable(readFd).length;
      expect(received).toBe(payload.length);
      expect(proto.lostWith).toBe(null);
    });
  });

  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_abort
  it("abort() drops the buffer and loses the connection with null", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(readFd);
      const proto = new MyWritePipeProto(loop);
      const [transport] = await connectWritePipe(loop, () => proto, writeFd);
      transport.write(Buffer.alloc(1024 * 1024, "a"));
      transport.abort();
      expect(transport.isClosing()).toBe(true);
      await proto.done;
      expect(proto.lostWith).toBe(null);
      expect(readAvailable(readFd).length).toBeLessThan(1024 * 1024);
    });
  });

  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_close
  it("write() after close() is dropped and counted", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(readFd);
      const proto = new MyWritePipeProto(loop);
      const [transport] = await connectWritePipe(loop, () => proto, writeFd);
      transport.close();
      transport.write(Buffer.from("data"));
      expect(transport._connLost).toBe(1);
      transport.write(Buffer.from("data"));
      expect(transport._connLost).toBe(2);
      await proto.done;
      expect(readAvailable(readFd).length).toBe(0);
    });
  });

  // mirrors test_events.py::test_write_pipe_disconnect_on_close
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test_write_err
  // mirrors test_unix_events.py::UnixWritePipeTransportTests::test__write_ready_err
  it("loses the connection with BrokenPipeError once the reader closed, then counts dropped writes", async () => {
    await inLoop(async (loop) => {
      const warning = vi.spyOn(logger, "warning").mockImplementation(() => undefined);
      try {
        const [readFd, writeFd] = openFifo();
        const proto = new MyWritePipeProto(loop);
        const [transport] = await connectWritePipe(loop, () => proto, writeFd);
        transport.write(Buffer.from("1"));
        await runUntil(() => readAvailable(readFd).length === 1);
        closeSync(readFd);
        // Differs from CPython: CPython polls the write end for the reader's hang-up and loses
        // the connection at once; Node notices at the next write (EPIPE), because it does not
        // poll a write-only pipe.
        transport.write(Buffer.from("2"));
        expect(transport.isClosing()).toBe(true);
        expect(transport._connLost).toBe(1);
        await proto.done;
        expect(proto.lostWith).toBeInstanceOf(BrokenPipeError);
        for (let i = 0; i < 5; i++) transport.write(Buffer.from("data"));
        expect(transport._connLost).toBe(6);
        expect(warning).toHaveBeenCalledWith("pipe closed by peer or os.write(pipe, data) raised exception.");
      } finally {
        warning.mockRestore();
      }
    });
  });

  it("rejects non-bytes data with TypeError", async () => {
    await inLoop(async (loop) => {
      const [readFd, writeFd] = openFifo();
      held.push(readFd);
      const proto = new MyWritePipeProto(loop);
      const [transport] = await connectWritePipe(loop, () => proto, writeFd);
      expect(() => transport.write("text" as unknown as Uint8Array)).toThrow(
        new TypeError("data argument must be a bytes-like object, not 'str'"),
      );
      transport.close();
      await proto.done;
    });
  });

  it("writes to a child's stdin given as a stream", async () => {
    await inLoop(async (loop) => {
      const child = spawn("cat", [], { stdio: ["pipe", "pipe", "ignore"] });
      const out: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      const ended = new Promise((resolve) => child.stdout.once("end", resolve));
      const proto = new MyWritePipeProto(loop);
      const [transport] = await connectWritePipe(loop, () => proto, child.stdin);
      transport.write(Buffer.from("to child"));
      transport.writeEof();
      await proto.done;
      await ended;
      expect(Buffer.concat(out).toString()).toBe("to child");
    });
  });
});
