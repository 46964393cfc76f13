/**
 * Whole programs over the loop's low-level network API (transports and protocols: createConnection,
 * createServer, createUnixConnection, createUnixServer, connectAcceptedSocket,
 * createDatagramEndpoint), whose printed lines must equal what the same program prints under
 * CPython 3.13 (the Python source is summarised above each test; the expected lines are its
 * output). Python names and reprs are kept in the printed lines: bytes print as b'...', None as
 * None, a RangeError as ValueError. Ports and file names never reach the printed lines.
 */
import * as dgram from "node:dgram";
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { join } from "node:path";
import { BufferedProtocol, ConnectionError, ConnectionRefusedError, DatagramProtocol, OSError, Protocol, TimeoutError, Transport, asyncWith } from "@aio/core";
import type { ExceptionContext } from "@aio/core";
import type { BaseEventLoop } from "@aio/loop";
// Importing @aio/streams also registers the loop's network methods.
import { AF_INET, socket } from "@aio/streams";
import type { AioSocket, Server, TransportSocket, UDPTransport } from "@aio/streams";
import { createTask, shield, sleep, waitFor } from "@aio/tasks";
import { b, pyBytes, pyType, runProgram, sameAddress } from "./support/parity.js";
import { describe, expect, it, onTestFinished } from "vitest";
import { runUntil, unixSocketPath, unusedPort } from "./support/loop.js";

type Address = [string, number];

/** Python's str() of what a program prints: booleans, None and bytes as Python shows them. */
function show(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (value instanceof Uint8Array) return pyBytes(value);
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return pyTuple(value);
  return JSON.stringify(value);
}

/** Python's repr() of a printed value: strings quoted as Python quotes them, the rest as `show`. */
function pyRepr(value: unknown): string {
  if (typeof value === "string") return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value}'`;
  return show(value);
}

/** Python's repr() of a tuple. */
function pyTuple(items: readonly unknown[]): string {
  return items.length === 1 ? `(${pyRepr(items[0])},)` : `(${items.map(pyRepr).join(", ")})`;
}

/** Python's repr() of a list. */
function pyList(items: readonly unknown[]): string {
  return `[${items.map(pyRepr).join(", ")}]`;
}

/** Python's repr() of an exception, or None. */
function pyError(error: unknown): string {
  if (error === null || error === undefined) return "None";
  return `${pyType(error)}('${(error as Error).message}')`;
}

/** Runs `body` as the main task of a fresh loop and returns the lines it printed. */
const program = (body: (print: (...parts: unknown[]) => void, loop: BaseEventLoop) => Promise<void>): Promise<string[]> => runProgram(show, body);

/** The port a server listens on (never printed). */
const portOf = (server: Server): number => (server.sockets[0]!.getsockname() as Address)[1];

/**
 * Closes a server or socket when the test finishes, so a program failing half-way leaves nothing
 * listening (the programs close everything themselves when they pass).
 */
function closeLater<T extends { close(): unknown }>(resource: T): T {
  onTestFinished(() => {
    try {
      resource.close();
    } catch {
      // Already closed, or its loop is closed by now: nothing is left to release.
    }
  });
  return resource;
}

/** Views of the loop's network methods taking any protocol factory and options (the programs pass Python-shaped ones). */
const createConnection = <P>(loop: BaseEventLoop, factory: () => P, host: string | null, port: number | null, options: object = {}): Promise<[Transport, P]> =>
  loop.createConnection(factory as never, host, port, options) as Promise<[Transport, P]>;
const createDatagramEndpoint = async <P>(loop: BaseEventLoop, factory: () => P, options: object): Promise<[UDPTransport, P]> => {
  const [transport, protocol] = (await loop.createDatagramEndpoint(factory as never, options)) as [UDPTransport, P];
  return [closeLater(transport), protocol];
};
const createServer = async (loop: BaseEventLoop, factory: () => unknown, host: string | null, port: number | null, options: object = {}): Promise<Server> =>
  closeLater((await loop.createServer(factory as never, host, port, options as never)));
const createUnixServer = async (loop: BaseEventLoop, factory: () => unknown, path: string | null, options: object = {}): Promise<Server> =>
  closeLater((await loop.createUnixServer(factory as never, path, options as never)));

describe("loop.createConnection and Protocol callbacks (CPython 3.13 parity)", () => {
  // class Srv(Protocol): connection_made writes b"hello" then write_eof(); logs data and eof and
  // closes on eof. For ret in (None, False, True): Cli logs connection_made (isinstance Transport,
  // is_closing, is_reading), data_received, eof_received (returning ret), connection_lost; after
  // eof: is_closing(); with True the client still writes b"late" + write_eof() and closes once the
  // server saw its EOF. Then both logs.
  it("calls connection_made, data_received, eof_received, connection_lost in order; True keeps it open", async () => {
    const lines = await program(async (print, loop) => {
      const slog: string[] = [];
      class Srv extends Protocol {
        t!: Transport;
        override connectionMade(t: Transport): void {
          this.t = t;
          t.write(b("hello"));
          t.writeEof();
        }
        override dataReceived(d: Uint8Array): void {
          slog.push(`server data ${show(d)}`);
        }
        override eofReceived(): void {
          slog.push("server eof");
          this.t.close();
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      const port = portOf(server);
      for (const ret of [null, false, true] as const) {
        const done = loop.createFuture<void>();
        const log: string[] = [];
        class Cli extends Protocol {
          t!: Transport;
          override connectionMade(t: Transport): void {
            this.t = t;
            log.push(`made Transport=${show(t instanceof Transport)} closing=${show(t.isClosing())} reading=${show(t.isReading())}`);
          }
          override dataReceived(d: Uint8Array): void {
            log.push(`data ${show(d)}`);
          }
          override eofReceived(): boolean | void {
            log.push(`eof closing=${show(this.t.isClosing())} -> ${show(ret)}`);
            return ret as boolean;
          }
          override connectionLost(exc: unknown): void {
            log.push(`lost ${pyError(exc)} closing=${show(this.t.isClosing())}`);
            done.setResult(undefined);
          }
        }
        const [t, p] = await createConnection(loop, () => new Cli(), "127.0.0.1", port);
        print("returned", p.constructor.name, p.t === t, t.getProtocol() === p);
        await runUntil(() => log.some((line) => line.startsWith("eof")));
        await sleep(0);
        print("after eof closing", t.isClosing());
        if (!t.isClosing()) {
          t.write(b("late"));
          t.writeEof();
          print("can_write_eof", t.canWriteEof(), "closing", t.isClosing());
          await runUntil(() => slog.includes("server eof"));
          t.close();
        }
        await done;
        await runUntil(() => slog.includes("server eof"));
        for (const line of log) print(line);
        print("closing", t.isClosing(), "reading", t.isReading());
        for (const line of slog.splice(0)) print(line);
      }
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "returned Cli True True", "after eof closing True", "made Transport=True closing=False reading=True",
      "data b'hello'", "eof closing=False -> None", "lost None closing=True", "closing True reading False", "server eof",
      "returned Cli True True", "after eof closing True", "made Transport=True closing=False reading=True",
      "data b'hello'", "eof closing=False -> False", "lost None closing=True", "closing True reading False", "server eof",
      "returned Cli True True", "after eof closing False", "can_write_eof True closing False",
      "made Transport=True closing=False reading=True", "data b'hello'", "eof closing=False -> True",
      "lost None closing=True", "closing True reading False", "server data b'late'", "server eof",
    ]);
  });
});

describe("stream transport writing (CPython 3.13 parity)", () => {
  // Sink(Protocol) collects data and closes on EOF. Client: get_write_buffer_limits() and
  // get_write_buffer_size(); set_write_buffer_limits(high=100), (low=10), (high=0), (200, 50), ();
  // (1000, 10) then (1, 2), (-1,), (None, -1), (10, -1) -> ValueError, limits kept; write("text"),
  // write(42), write(None), writelines([b"a", "b"]) -> TypeError; write b"", b"a", bytearray b"b",
  // memoryview b"c", writelines([b"d", bytearray(b"e"), memoryview(b"f")]), writelines([]);
  // write_eof() twice; then write / writelines (empty or not) -> RuntimeError; the server gets
  // b"abcdef" and closes; connection_lost(None)
  it("validates limits and data, writes every bytes-like, and refuses writes after write_eof", async () => {
    const lines = await program(async (print, loop) => {
      const got = loop.createFuture<Buffer>();
      class Sink extends Protocol {
        t!: Transport;
        buf = Buffer.alloc(0);
        override connectionMade(t: Transport): void {
          this.t = t;
        }
        override dataReceived(d: Uint8Array): void {
          this.buf = Buffer.concat([this.buf, d]);
        }
        override eofReceived(): void {
          got.setResult(this.buf);
          this.t.close();
        }
      }
      const server = await createServer(loop, () => new Sink(), "127.0.0.1", 0);
      const done = loop.createFuture<unknown>();
      class Cli extends Protocol {
        override connectionLost(exc: unknown): void {
          done.setResult(exc);
        }
      }
      const [t] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
      print("limits", t.getWriteBufferLimits(), "size", t.getWriteBufferSize());
      const settings: [string, (number | null)[]][] = [["high=100", [100]], ["low=10", [null, 10]], ["high=0", [0]], ["200, 50", [200, 50]], ["()", []]];
      for (const [label, args] of settings) {
        t.setWriteBufferLimits(...args);
        print("set", label, "->", t.getWriteBufferLimits());
      }
      t.setWriteBufferLimits(1000, 10);
      for (const args of [[1, 2], [-1], [null, -1], [10, -1]]) {
        try {
          t.setWriteBufferLimits(...args);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          print("ValueError", error.message);
        }
      }
      print("limits kept", t.getWriteBufferLimits());
      for (const bad of ["text", 42, null]) {
        try {
          t.write(bad as unknown as Uint8Array);
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          print("TypeError", error.message);
        }
      }
      try {
        t.writelines([b("a"), "b" as unknown as Uint8Array]);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        print("TypeError", error.message);
      }
      t.write(b(""));
      t.write(b("a"));
      t.write(new Uint8Array([0x62]));
      t.write(b("xcx").subarray(1, 2));
      t.writelines([b("d"), new Uint8Array([0x65]), b("f").subarray(0)]);
      t.writelines([]);
      print("can_write_eof", t.canWriteEof(), "closing", t.isClosing(), "size", t.getWriteBufferSize());
      t.writeEof();
      t.writeEof();
      print("after write_eof closing", t.isClosing());
      const calls: [string, () => void][] = [
        ["write", () => t.write(b("x"))],
        ["write empty", () => t.write(b(""))],
        ["writelines", () => t.writelines([b("x")])],
        ["writelines empty", () => t.writelines([])],
      ];
      for (const [name, call] of calls) {
        try {
          call();
          print(name, "accepted");
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          print(name, pyType(error), error.message);
        }
      }
      print("server got", await got);
      print("lost", pyError(await done), "closing", t.isClosing());
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "limits (16384, 65536) size 0", "set high=100 -> (25, 100)", "set low=10 -> (10, 40)", "set high=0 -> (0, 0)",
      "set 200, 50 -> (50, 200)", "set () -> (16384, 65536)", "ValueError high (1) must be >= low (2) must be >= 0",
      "ValueError high (-1) must be >= low (-1) must be >= 0", "ValueError high (-4) must be >= low (-1) must be >= 0",
      "ValueError high (10) must be >= low (-1) must be >= 0", "limits kept (10, 1000)",
      "TypeError data argument must be a bytes-like object, not 'str'",
      "TypeError data argument must be a bytes-like object, not 'int'",
      "TypeError data argument must be a bytes-like object, not 'NoneType'",
      "TypeError memoryview: a bytes-like object is required, not 'str'", "can_write_eof True closing False size 0",
      "after write_eof closing False", "write RuntimeError Cannot call write() after write_eof()",
      "write empty RuntimeError Cannot call write() after write_eof()",
      "writelines RuntimeError Cannot call writelines() after write_eof()",
      "writelines empty RuntimeError Cannot call writelines() after write_eof()", "server got b'abcdef'",
      "lost None closing True",
    ]);
  });

  // Slow(Protocol) pauses reading in connection_made. The client writes 1 MiB chunks until
  // pause_writing() is called (buffer above the high-water mark), writes once more (no second
  // pause), then the server resumes reading: resume_writing() comes once the buffer is at or below
  // the low-water mark; after write_eof() the server has every byte
  it("calls pause_writing once above the high-water mark and resume_writing once drained", async () => {
    const lines = await program(async (print, loop) => {
      const servers: Slow[] = [];
      let serverEof = false;
      class Slow extends Protocol {
        t!: Transport;
        n = 0;
        override connectionMade(t: Transport): void {
          this.t = t;
          t.pauseReading();
          servers.push(this);
        }
        override dataReceived(d: Uint8Array): void {
          this.n += d.length;
        }
        override eofReceived(): void {
          serverEof = true;
        }
      }
      const server = await createServer(loop, () => new Slow(), "127.0.0.1", 0);
      const events: string[] = [];
      const resumed = loop.createFuture<void>();
      class Cli extends Protocol {
        t!: Transport;
        override connectionMade(t: Transport): void {
          this.t = t;
        }
        override pauseWriting(): void {
          events.push(`pause_writing above_high=${show(this.t.getWriteBufferSize() > 65536)}`);
        }
        override resumeWriting(): void {
          events.push(`resume_writing below_low=${show(this.t.getWriteBufferSize() <= 16384)}`);
          resumed.setResult(undefined);
        }
      }
      const [t] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
      await runUntil(() => servers.length > 0);
      const chunk = Buffer.alloc(1024 * 1024, 0x78);
      let written = 0;
      for (let i = 0; i < 64; i++) {
        t.write(chunk);
        written += chunk.length;
        if (events.length > 0) break;
      }
      print(pyList(events));
      print("buffered", t.getWriteBufferSize() > 65536);
      t.write(chunk);
      written += chunk.length;
      print("still one pause", events.length);
      servers[0]!.t.resumeReading();
      await resumed;
      print(pyList(events));
      t.writeEof();
      await runUntil(() => serverEof);
      print("server got all", servers[0]!.n === written);
      t.close();
      servers[0]!.t.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "['pause_writing above_high=True']", "buffered True", "still one pause 1",
      "['pause_writing above_high=True', 'resume_writing below_low=True']", "server got all True",
    ]);
  });
});

describe("protocol callback errors (CPython 3.13 parity)", () => {
  // Srv writes b"data" and write_eof(). For each failing callback (data_received, eof_received of a
  // Protocol; get_buffer, buffer_updated, and get_buffer returning an empty bytearray, of a
  // BufferedProtocol) the client logs its callbacks; the loop's exception handler gets the message,
  // the exception, sorted(context), and whether exception/protocol/transport are the same objects
  it("reports a failing callback to the exception handler and passes its exception to connection_lost", async () => {
    class Boom extends Error {
      override name = "Boom";
    }
    const lines = await program(async (print, loop) => {
      const contexts: ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          t.write(b("data"));
          t.writeEof();
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      for (const where of ["data_received", "eof_received", "get_buffer", "buffer_updated", "empty_buffer"]) {
        const done = loop.createFuture<unknown>();
        const log: string[] = [];
        const lost = (exc: unknown): void => {
          log.push(`connection_lost ${pyError(exc)}`);
          done.setResult(exc);
        };
        class Plain extends Protocol {
          override dataReceived(): void {
            log.push("data_received");
            if (where === "data_received") throw new Boom("in data_received");
          }
          override eofReceived(): void {
            log.push("eof_received");
            if (where === "eof_received") throw new Boom("in eof_received");
          }
          override connectionLost(exc: unknown): void {
            lost(exc);
          }
        }
        class Buffered extends BufferedProtocol {
          buf = new Uint8Array(10);
          override getBuffer(): Uint8Array {
            log.push("get_buffer");
            if (where === "get_buffer") throw new Boom("in get_buffer");
            return where === "empty_buffer" ? new Uint8Array(0) : this.buf;
          }
          override bufferUpdated(): void {
            log.push("buffer_updated");
            if (where === "buffer_updated") throw new Boom("in buffer_updated");
          }
          override connectionLost(exc: unknown): void {
            lost(exc);
          }
        }
        const factory = where.endsWith("_received") ? () => new Plain() : () => new Buffered();
        const [t, p] = await createConnection<Protocol | BufferedProtocol>(loop, factory, "127.0.0.1", portOf(server));
        const exc = await done;
        print(where, pyList(log));
        for (const c of contexts) {
          const keys = pyList(Object.keys(c).sort());
          print("  handler:", c.message, pyError(c.exception), keys, c.exception === exc, c.protocol === p, c.transport === t);
        }
        contexts.length = 0;
        print("  closing", t.isClosing());
      }
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "data_received ['data_received', \"connection_lost Boom('in data_received')\"]",
      "  handler: Fatal error: protocol.data_received() call failed. Boom('in data_received') ['exception', 'message', 'protocol', 'transport'] True True True",
      "  closing True",
      "eof_received ['data_received', 'eof_received', \"connection_lost Boom('in eof_received')\"]",
      "  handler: Fatal error: protocol.eof_received() call failed. Boom('in eof_received') ['exception', 'message', 'protocol', 'transport'] True True True",
      "  closing True", "get_buffer ['get_buffer', \"connection_lost Boom('in get_buffer')\"]",
      "  handler: Fatal error: protocol.get_buffer() call failed. Boom('in get_buffer') ['exception', 'message', 'protocol', 'transport'] True True True",
      "  closing True",
      "buffer_updated ['get_buffer', 'buffer_updated', \"connection_lost Boom('in buffer_updated')\"]",
      "  handler: Fatal error: protocol.buffer_updated() call failed. Boom('in buffer_updated') ['exception', 'message', 'protocol', 'transport'] True True True",
      "  closing True",
      "empty_buffer ['get_buffer', \"connection_lost RuntimeError('get_buffer() returned an empty buffer')\"]",
      "  handler: Fatal error: protocol.get_buffer() call failed. RuntimeError('get_buffer() returned an empty buffer') ['exception', 'message', 'protocol', 'transport'] True True True",
      "  closing True",
    ]);
  });
});

describe("stream transport reading (CPython 3.13 parity)", () => {
  // Srv writes to the client on demand. Client: is_reading(); pause_reading() twice; the server
  // writes b"one": nothing arrives for 50 ms; resume_reading() twice: b"one" arrives. Then
  // data_received pauses reading itself: b"two" arrives, is_reading() False, b"three" waits
  // until resume_reading(). After close(), is_reading() stays False through pause/resume
  it("pauses and resumes reading, from outside or inside data_received", async () => {
    const lines = await program(async (print, loop) => {
      const servers: Transport[] = [];
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          servers.push(t);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      const received: Buffer[] = [];
      class Cli extends Protocol {
        t!: Transport;
        pauseInCallback = false;
        override connectionMade(t: Transport): void {
          this.t = t;
        }
        override dataReceived(d: Uint8Array): void {
          received.push(Buffer.from(d));
          if (this.pauseInCallback) this.t.pauseReading();
        }
      }
      const [t, p] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
      await runUntil(() => servers.length > 0);
      const st = servers[0]!;
      print("reading", t.isReading());
      t.pauseReading();
      t.pauseReading();
      print("paused: reading", t.isReading());
      st.write(b("one"));
      await sleep(0.05);
      print("while paused", pyList(received));
      t.resumeReading();
      t.resumeReading();
      print("resumed: reading", t.isReading());
      await runUntil(() => received.length > 0);
      print("after resume", pyList(received));
      p.pauseInCallback = true;
      st.write(b("two"));
      await runUntil(() => received.length >= 2);
      print("paused in callback", received[1], "reading", t.isReading());
      st.write(b("three"));
      await sleep(0.05);
      print("still", received.length);
      p.pauseInCallback = false;
      t.resumeReading();
      await runUntil(() => received.length >= 3);
      print("got", received[2], "reading", t.isReading());
      t.close();
      print("closed: reading", t.isReading());
      t.pauseReading();
      t.resumeReading();
      print("after pause/resume on closed: reading", t.isReading());
      st.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "reading True", "paused: reading False", "while paused []", "resumed: reading True", "after resume [b'one']",
      "paused in callback b'two' reading False", "still 2", "got b'three' reading True", "closed: reading False",
      "after pause/resume on closed: reading False",
    ]);
  });

  // The client pauses reading; the server writes b"unread" and its EOF; 50 ms later the client
  // close()s and then resume_reading()s: only connection_lost(None) is called, is_reading() False
  it("delivers neither pending data nor EOF after close()", async () => {
    const lines = await program(async (print, loop) => {
      const st = loop.createFuture<Transport>();
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          st.setResult(t);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      const log: string[] = [];
      const done = loop.createFuture<void>();
      class Cli extends Protocol {
        override dataReceived(d: Uint8Array): void {
          log.push(`data ${show(d)}`);
        }
        override eofReceived(): void {
          log.push("eof");
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyError(exc)}`);
          done.setResult(undefined);
        }
      }
      const [t] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
      const s = await st;
      t.pauseReading();
      s.write(b("unread"));
      s.writeEof();
      await sleep(0.05);
      t.close();
      t.resumeReading();
      await done;
      await sleep(0.05);
      print(pyList(log), "reading", t.isReading());
      s.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "['lost None'] reading False",
    ]);
  });

  // Cli(BufferedProtocol) hands out a fresh 100-byte bytearray from each get_buffer() call; the
  // server writes b"0123456789" * 25 in one write; the client closes once it has 250 bytes (so no
  // EOF reaches it): get_buffer / buffer_updated 100, 100, 50, connection_lost(None).
  // The size hint is not printed: README "Differences from Python", "`BufferedProtocol.getBuffer`
  // receives the size of the pending chunk as its size hint (Python passes `-1`)".
  it("fills one get_buffer() buffer after another with a chunk", async () => {
    const lines = await program(async (print, loop) => {
      const st = loop.createFuture<Transport>();
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          st.setResult(t);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      const done = loop.createFuture<void>();
      const log: string[] = [];
      class Cli extends BufferedProtocol {
        t!: Transport;
        bufs: Uint8Array[] = [];
        data: Buffer[] = [];
        received = 0;
        override connectionMade(t: Transport): void {
          this.t = t;
          log.push("made");
        }
        override getBuffer(): Uint8Array {
          this.bufs.push(new Uint8Array(100));
          log.push(`get_buffer #${this.bufs.length}`);
          return this.bufs.at(-1)!;
        }
        override bufferUpdated(nbytes: number): void {
          this.data.push(Buffer.from(this.bufs.at(-1)!.subarray(0, nbytes)));
          this.received += nbytes;
          log.push(`buffer_updated ${nbytes}`);
          if (this.received === 250) this.t.close();
        }
        override eofReceived(): void {
          log.push("eof");
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyError(exc)}`);
          done.setResult(undefined);
        }
      }
      const [t, p] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
      const s = await st;
      s.write(b("0123456789".repeat(25)));
      await done;
      for (const line of log) print(line);
      const data = Buffer.concat(p.data);
      print(data.length, data.equals(b("0123456789".repeat(25))), "closing", t.isClosing());
      s.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "made", "get_buffer #1", "buffer_updated 100", "get_buffer #2", "buffer_updated 100", "get_buffer #3",
      "buffer_updated 50", "lost None", "250 True closing True",
    ]);
  });
});

describe("closing a stream transport (CPython 3.13 parity)", () => {
  // Srv pauses reading in connection_made. For close and then abort: the client writes 1 MiB
  // chunks until some stay buffered; close() (or abort()): is_closing(), data still buffered
  // (close) or dropped (abort); the same call again and close() do nothing; the server resumes
  // reading; the client's connection_lost(None) comes once, the buffer is empty; the server gets
  // all the data (close) or less (abort), then EOF and connection_lost(None)
  it("sends buffered data on close(), drops it on abort(), and loses the connection once", async () => {
    const lines = await program(async (print, loop) => {
      const servers: Srv[] = [];
      class Srv extends Protocol {
        t!: Transport;
        n = 0;
        log: string[] = [];
        override connectionMade(t: Transport): void {
          this.t = t;
          servers.push(this);
          t.pauseReading();
        }
        override dataReceived(d: Uint8Array): void {
          this.n += d.length;
        }
        override eofReceived(): void {
          this.log.push(`eof after ${this.n}`);
        }
        override connectionLost(exc: unknown): void {
          this.log.push(`lost ${pyError(exc)}`);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      for (const how of ["close", "abort"] as const) {
        const log: string[] = [];
        const done = loop.createFuture<void>();
        class Cli extends Protocol {
          override connectionLost(exc: unknown): void {
            log.push(`lost ${pyError(exc)}`);
            done.setResult(undefined);
          }
        }
        const [t] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
        await runUntil(() => servers.length === (how === "close" ? 1 : 2));
        const srv = servers.at(-1)!;
        const chunk = Buffer.alloc(1024 * 1024, 0x78);
        let total = 0;
        while (t.getWriteBufferSize() === 0) {
          t.write(chunk);
          total += chunk.length;
        }
        print(how, "buffered", t.getWriteBufferSize() > 0);
        t[how]();
        print(how, "closing", t.isClosing(), "size>0", t.getWriteBufferSize() > 0);
        t[how]();
        t.close();
        await sleep(0);
        srv.t.resumeReading();
        await done;
        for (let i = 0; i < 5; i++) await sleep(0);
        print(how, "client", pyList(log), "size", t.getWriteBufferSize());
        await runUntil(() => srv.log.some((line) => line.startsWith("lost")));
        const got = srv.n === total ? "all" : srv.n < total ? "less" : "more";
        print(how, "server got", got, pyList(srv.log.map((line) => line.split(" after")[0])));
      }
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "close buffered True", "close closing True size>0 True", "close client ['lost None'] size 0",
      "close server got all ['eof', 'lost None']", "abort buffered True", "abort closing True size>0 False",
      "abort client ['lost None'] size 0", "abort server got less ['eof', 'lost None']",
    ]);
  });
});

describe("loop.createServer and Server (CPython 3.13 parity)", () => {
  // Echo(Protocol) counts its instances, logs made/data/eof/lost and writes data.upper(). Two
  // clients (c1, c2) each send a word and get it back. server.close(): not serving, no sockets, a
  // new create_connection is refused, but c1 still echoes; wait_closed() waits: still pending after
  // c1 closes (and its server side saw EOF and lost the connection); close_clients() closes c2 (the client sees EOF) and wait_closed() returns, and
  // returns at once when called again. Then the server and client logs.
  it("makes one protocol per connection and closes the listener before the clients", async () => {
    const lines = await program(async (print, loop) => {
      const slog: string[] = [];
      const made: Echo[] = [];
      class Echo extends Protocol {
        n = made.length + 1;
        t!: Transport;
        constructor() {
          super();
          made.push(this);
        }
        override connectionMade(t: Transport): void {
          this.t = t;
          slog.push(`s${this.n} made`);
        }
        override dataReceived(d: Uint8Array): void {
          slog.push(`s${this.n} data ${show(d)}`);
          this.t.write(b(Buffer.from(d).toString("latin1").toUpperCase()));
        }
        override eofReceived(): void {
          slog.push(`s${this.n} eof`);
        }
        override connectionLost(exc: unknown): void {
          slog.push(`s${this.n} lost ${pyError(exc)}`);
        }
      }
      const server = await createServer(loop, () => new Echo(), "127.0.0.1", 0);
      print("serving", server.isServing(), "sockets", server.sockets.length, "get_loop", server.getLoop() === loop, "made", made.length);
      const port = portOf(server);
      const clog: string[] = [];
      class Cli extends Protocol {
        got = loop.createFuture<Buffer>();
        lost = loop.createFuture<void>();
        readonly name: string;
        constructor(name: string) {
          super();
          this.name = name;
        }
        override dataReceived(d: Uint8Array): void {
          clog.push(`${this.name} data ${show(d)}`);
          if (!this.got.done()) this.got.setResult(Buffer.from(d));
        }
        override eofReceived(): void {
          clog.push(`${this.name} eof`);
        }
        override connectionLost(exc: unknown): void {
          clog.push(`${this.name} lost ${pyError(exc)}`);
          this.lost.setResult(undefined);
        }
      }
      const [t1, p1] = await createConnection(loop, () => new Cli("c1"), "127.0.0.1", port);
      t1.write(b("one"));
      await p1.got;
      const [t2, p2] = await createConnection(loop, () => new Cli("c2"), "127.0.0.1", port);
      t2.write(b("two"));
      await p2.got;
      print("made", made.length, made[0] !== made[1], made[0]!.t !== made[1]!.t);
      server.close();
      print("after close: serving", server.isServing(), "sockets", server.sockets.length);
      try {
        await createConnection(loop, () => new Protocol(), "127.0.0.1", port);
      } catch (error) {
        if (!(error instanceof ConnectionRefusedError)) throw error;
        print("refused", error.name, error.errno);
      }
      p1.got = loop.createFuture<Buffer>();
      t1.write(b("still"));
      print("old connection works", await p1.got);
      const wc = createTask(() => server.waitClosed());
      for (let i = 0; i < 5; i++) await sleep(0);
      print("wait_closed done", wc.done());
      t1.close();
      await p1.lost;
      await runUntil(() => slog.includes("s1 lost None"));
      for (let i = 0; i < 5; i++) await sleep(0);
      print("after c1 closed: wait_closed done", wc.done());
      server.closeClients();
      await p2.lost;
      await wc;
      print("wait_closed returned");
      await runUntil(() => slog.filter((line) => line.includes("lost")).length >= 2);
      for (const line of slog) print(line);
      for (const line of clog) print(line);
      await server.waitClosed();
      print("again at once");
    });
    expect(lines).toEqual([
      "serving True sockets 1 get_loop True made 0", "made 2 True True", "after close: serving False sockets 0",
      "refused ConnectionRefusedError 111", "old connection works b'STILL'", "wait_closed done False",
      "after c1 closed: wait_closed done False", "wait_closed returned", "s1 made", "s1 data b'one'", "s2 made",
      "s2 data b'two'", "s1 data b'still'", "s1 eof", "s1 lost None", "s2 lost None", "c1 data b'ONE'",
      "c2 data b'TWO'", "c1 data b'STILL'", "c1 lost None", "c2 eof", "c2 lost None", "again at once",
    ]);
  });

  // Srv writes b"hi" in connection_made and logs connection_lost. create_server(start_serving=False):
  // not serving (one socket); await start_serving(); a client connects and gets b"hi";
  // abort_clients(): the server protocol loses its connection, the client sees EOF and then
  // connection_lost; async with server closes it.
  // Common part only: Python refuses a connection made before start_serving(), this listens
  // (README "Differences from Python": "`startServing: false` still listens").
  it("serves only after start_serving, aborts its clients and closes on leaving async with", async () => {
    const lines = await program(async (print, loop) => {
      const slog: string[] = [];
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          slog.push("made");
          t.write(b("hi"));
        }
        override connectionLost(exc: unknown): void {
          slog.push(`lost ${pyError(exc)}`);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0, { startServing: false });
      print("serving", server.isServing(), "sockets", server.sockets.length);
      const clog: string[] = [];
      const got = loop.createFuture<void>();
      const lost = loop.createFuture<void>();
      class Cli extends Protocol {
        override dataReceived(d: Uint8Array): void {
          clog.push(`data ${show(d)}`);
          got.setResult(undefined);
        }
        override eofReceived(): void {
          clog.push("eof");
        }
        override connectionLost(exc: unknown): void {
          clog.push(`lost ${pyError(exc)}`);
          lost.setResult(undefined);
        }
      }
      await server.startServing();
      print("serving", server.isServing());
      const [t] = await createConnection(loop, () => new Cli(), "127.0.0.1", portOf(server));
      await got;
      print("after start_serving", pyList(slog), pyList(clog));
      server.abortClients();
      await lost;
      await runUntil(() => slog.length >= 2);
      print("after abort_clients", pyList(slog), pyList(clog), "client closing", t.isClosing());
      await asyncWith(server, async () => {
        print("in async with", server.isServing());
      });
      print("after async with", server.isServing(), server.sockets.length);
    });
    expect(lines).toEqual([
      "serving False sockets 1", "serving True", "after start_serving ['made'] [\"data b'hi'\"]",
      "after abort_clients ['made', 'lost None'] [\"data b'hi'\", 'eof', 'lost None'] client closing True",
      "in async with True", "after async with False 0",
    ]);
  });
});

/** Datagrams received, in order (the programs' asyncio.Queue). */
class Inbox {
  items: [Buffer, unknown][] = [];
  put(data: Uint8Array, addr: unknown): void {
    this.items.push([Buffer.from(data), addr]);
  }
  async get(): Promise<[Buffer, unknown]> {
    await runUntil(() => this.items.length > 0);
    return this.items.shift()!;
  }
}

describe("loop.createDatagramEndpoint (CPython 3.13 parity)", () => {
  // Srv(DatagramProtocol) on local_addr=("127.0.0.1", 0) echoes data.upper() and queues what it
  // gets; Cli connects with remote_addr=the server's sockname. get_extra_info sockname/peername on
  // both; sendto(b"ping") with no address, then with the server's address; sendto to another
  // address -> ValueError (port shown as PORT); sendto("text") / sendto(None) -> TypeError; an
  // empty datagram; close(): is_closing(), a later sendto is dropped; both log connection_lost(None)
  it("sends to the connected peer, checks addresses and data, and loses the connection on close", async () => {
    const lines = await program(async (print, loop) => {
      class Srv extends DatagramProtocol {
        log: string[] = [];
        q = new Inbox();
        t!: UDPTransport;
        override connectionMade(t: unknown): void {
          this.t = t as UDPTransport;
          this.log.push("made");
        }
        override datagramReceived(data: Uint8Array, addr: unknown): void {
          this.q.put(data, addr);
          this.t.sendto(b(Buffer.from(data).toString("latin1").toUpperCase()), addr as Address);
        }
        override errorReceived(exc: unknown): void {
          this.log.push(`error ${pyError(exc)}`);
        }
        override connectionLost(exc: unknown): void {
          this.log.push(`lost ${pyError(exc)}`);
        }
      }
      class Cli extends Srv {
        override datagramReceived(data: Uint8Array, addr: unknown): void {
          this.q.put(data, addr);
        }
      }
      const [st, sp] = await createDatagramEndpoint(loop, () => new Srv(), { localAddr: ["127.0.0.1", 0] });
      const saddr = st.getExtraInfo("sockname") as Address;
      print("server sockname", Array.isArray(saddr) ? "tuple" : typeof saddr, saddr[0], "peername", st.getExtraInfo("peername"));
      const [ct, cp] = await createDatagramEndpoint(loop, () => new Cli(), { remoteAddr: saddr });
      const caddr = ct.getExtraInfo("sockname") as Address;
      print("client peername is server", sameAddress(ct.getExtraInfo("peername"), saddr), "sockname", caddr[0]);
      print("closing", ct.isClosing(), "buffer", ct.getWriteBufferSize());
      ct.sendto(b("ping"));
      let [data, addr] = await sp.q.get();
      print("server got", data, sameAddress(addr, caddr));
      [data, addr] = await cp.q.get();
      print("client got", data, sameAddress(addr, saddr));
      ct.sendto(b("again"), saddr);
      print("server got", (await sp.q.get())[0], "client got", (await cp.q.get())[0]);
      try {
        ct.sendto(b("x"), ["127.0.0.1", saddr[1] < 65535 ? saddr[1] + 1 : 1]);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message.replaceAll(String(saddr[1]), "PORT"));
      }
      for (const bad of ["text", null]) {
        try {
          ct.sendto(bad as unknown as Uint8Array);
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          print("TypeError", error.message);
        }
      }
      ct.sendto(b(""));
      [data] = await sp.q.get();
      print("empty datagram", data);
      await cp.q.get();
      ct.close();
      print("closing", ct.isClosing());
      ct.sendto(b("dropped"));
      for (let i = 0; i < 3; i++) await sleep(0);
      st.close();
      for (let i = 0; i < 3; i++) await sleep(0);
      print("client", pyList(cp.log));
      print("server", pyList(sp.log), "queued", sp.q.items.length);
    });
    expect(lines).toEqual([
      "server sockname tuple 127.0.0.1 peername None", "client peername is server True sockname 127.0.0.1",
      "closing False buffer 0", "server got b'ping' True", "client got b'PING' True",
      "server got b'again' client got b'AGAIN'", "ValueError Invalid address: must be None or ('127.0.0.1', PORT)",
      "TypeError data argument must be a bytes-like object, not 'str'",
      "TypeError data argument must be a bytes-like object, not 'NoneType'", "empty datagram b''", "closing True",
      "client ['made', 'lost None']", "server ['made', 'lost None'] queued 0",
    ]);
  });

  // Cli connects (remote_addr) to a UDP port nobody listens on (bound then released) and sends
  // until error_received gets the ICMP port-unreachable as ConnectionRefusedError (errno 111);
  // the endpoint stays open until close(), then connection_lost(None)
  it("passes ConnectionRefusedError from an unreachable peer to error_received", async () => {
    const lines = await program(async (print, loop) => {
      const probe = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", resolve));
      const dead: Address = ["127.0.0.1", probe.address().port];
      await new Promise<void>((resolve) => probe.close(resolve));
      const errors = loop.createFuture<unknown>();
      const log: string[] = [];
      class Cli extends DatagramProtocol {
        override connectionMade(): void {
          log.push("made");
        }
        override errorReceived(exc: unknown): void {
          log.push(`error_received ${pyType(exc)} errno=${(exc as OSError).errno}`);
          if (!errors.done()) errors.setResult(exc);
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyError(exc)}`);
        }
      }
      const [t] = await createDatagramEndpoint(loop, () => new Cli(), { remoteAddr: dead });
      for (let i = 0; i < 20; i++) {
        t.sendto(b("anyone?"));
        try {
          await waitFor(shield(errors), 0.05);
          break;
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        }
      }
      print("closing after error", t.isClosing());
      t.close();
      for (let i = 0; i < 3; i++) await sleep(0);
      print(pyList(log.slice(0, 2)), log.at(-1));
    });
    expect(lines).toEqual([
      "closing after error False", "['made', 'error_received ConnectionRefusedError errno=111'] lost None",
    ]);
  });

  // Two endpoints on local_addr=("127.0.0.1", 0), not connected (peername None): a sends three
  // datagrams to b, b sends bytes, bytearray and memoryview to a; each sees the other's sockname
  // as the sender; get_write_buffer_size(); a.close() and b.abort(): connection_lost(None) each
  it("exchanges datagrams between unconnected endpoints with explicit addresses", async () => {
    const lines = await program(async (print, loop) => {
      class Peer extends DatagramProtocol {
        log: string[] = [];
        got: [Buffer, unknown][] = [];
        override connectionMade(): void {
          this.log.push("made");
        }
        override datagramReceived(data: Uint8Array, addr: unknown): void {
          this.got.push([Buffer.from(data), addr]);
        }
        override errorReceived(exc: unknown): void {
          this.log.push(`error_received ${pyType(exc)} errno=${(exc as OSError).errno}`);
        }
        override connectionLost(exc: unknown): void {
          this.log.push(`lost ${pyError(exc)}`);
        }
      }
      const [at, ap] = await createDatagramEndpoint(loop, () => new Peer(), { localAddr: ["127.0.0.1", 0] });
      const [bt, bp] = await createDatagramEndpoint(loop, () => new Peer(), { localAddr: ["127.0.0.1", 0] });
      const aaddr = at.getExtraInfo("sockname") as Address;
      const baddr = bt.getExtraInfo("sockname") as Address;
      print("peername", at.getExtraInfo("peername"), bt.getExtraInfo("peername"));
      for (let i = 0; i < 3; i++) at.sendto(b(`a${i}`), baddr);
      bt.sendto(b("b0"), aaddr);
      bt.sendto(new Uint8Array([0x62, 0x31]), aaddr);
      bt.sendto(b("xb2").subarray(1), aaddr);
      await runUntil(() => ap.got.length >= 3 && bp.got.length >= 3);
      print("b got", pyList(bp.got.map(([d]) => d)), bp.got.every(([, a]) => sameAddress(a, aaddr)));
      print("a got", pyList(ap.got.map(([d]) => d)), ap.got.every(([, a]) => sameAddress(a, baddr)));
      print("buffer", at.getWriteBufferSize(), "closing", at.isClosing());
      at.close();
      bt.abort();
      print("closing", at.isClosing(), bt.isClosing());
      for (let i = 0; i < 3; i++) await sleep(0);
      print(pyList(ap.log), pyList(bp.log));
    });
    expect(lines).toEqual([
      "peername None None", "b got [b'a0', b'a1', b'a2'] True", "a got [b'b0', b'b1', b'b2'] True",
      "buffer 0 closing False", "closing True True", "['made', 'lost None'] ['made', 'lost None']",
    ]);
  });
});

describe("Unix sockets and accepted sockets (CPython 3.13 parity)", () => {
  // In a temporary directory: create_unix_server(Echo, path), Echo reverses each chunk and writes
  // b"!" on EOF. server.sockets[0] family/type/getsockname; the file exists; create_unix_connection:
  // client sockname '' and peername path, the server side the other way round; can_write_eof(); the client writes b"abc" and EOF and gets b"cba!" then EOF.
  // After close the file is gone; cleanup_socket=False keeps it; a stale file is replaced
  it("connects over a Unix socket, with Python's addresses, and removes the socket file on close", async () => {
    const lines = await program(async (print, loop) => {
      const path = unixSocketPath();
      let sinfo = loop.createFuture<[boolean, unknown]>();
      class Echo extends Protocol {
        t!: Transport;
        override connectionMade(t: Transport): void {
          this.t = t;
          sinfo.setResult([t.getExtraInfo("sockname") === path, t.getExtraInfo("peername")]);
        }
        override dataReceived(data: Uint8Array): void {
          this.t.write(Buffer.from(data).reverse());
        }
        override eofReceived(): boolean {
          this.t.write(b("!"));
          return false;
        }
      }
      const unixServer = (options: object = {}): Promise<Server> =>
        createUnixServer(loop, () => new Echo(), path, options);
      let server = await unixServer();
      const s = server.sockets[0]!;
      print("socket family", s.family, "type", s.type, "getsockname is path", s.getsockname() === path);
      print("file exists", existsSync(path));
      const log: string[] = [];
      const done = loop.createFuture<void>();
      class Cli extends Protocol {
        data = Buffer.alloc(0);
        override dataReceived(d: Uint8Array): void {
          this.data = Buffer.concat([this.data, d]);
        }
        override eofReceived(): void {
          log.push(`eof after ${show(this.data)}`);
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyError(exc)}`);
          done.setResult(undefined);
        }
      }
      const [t] = await loop.createUnixConnection(() => new Cli(), path);
      print("client sockname", pyRepr(t.getExtraInfo("sockname")), "peername is path", t.getExtraInfo("peername") === path);
      const [isPath, peer] = await sinfo;
      print("server side sockname is path, peername", `(${show(isPath)}, ${pyRepr(peer)})`);
      print("can_write_eof", t.canWriteEof());
      t.write(b("abc"));
      t.writeEof();
      await done;
      print(pyList(log));
      server.close();
      await server.waitClosed();
      print("after close exists", existsSync(path));
      sinfo = loop.createFuture<[boolean, unknown]>();
      server = await unixServer({ cleanupSocket: false });
      server.close();
      await server.waitClosed();
      print("cleanup_socket=False exists", existsSync(path));
      server = await unixServer();
      print("stale file replaced", server.isServing());
      server.close();
      await server.waitClosed();
      print("exists", existsSync(path));
    });
    expect(lines).toEqual([
      "socket family 1 type 1 getsockname is path True", "file exists True",
      "client sockname '' peername is path True", "server side sockname is path, peername (True, '')",
      "can_write_eof True", "[\"eof after b'cba!'\", 'lost None']",
      "after close exists False", "cleanup_socket=False exists True", "stale file replaced True", "exists False",
    ]);
  });

  // A listening socket outside asyncio (socket.create_server, non-blocking); sock_accept() while
  // the client connects with create_connection; connect_accepted_socket with ssl_handshake_timeout
  // or ssl_shutdown_timeout (no ssl) -> ValueError; then connect_accepted_socket(Srv, conn): the
  // addresses mirror the client's; Srv answers b"re:" + data; the client closes: eof, lost
  // (Python passes the socket object; here the accepted AioSocket's detach() gives the Node socket,
  // README "Differences from Python": "The `sock*` methods ... take an `AioSocket`")
  it("wraps an accepted socket in a transport and protocol", async () => {
    const lines = await program(async (print, loop) => {
      const lsock = closeLater(socket());
      await lsock.bind(["127.0.0.1", 0]);
      await lsock.listen();
      lsock.setblocking(false);
      const port = (lsock.getsockname() as Address)[1];
      const log: string[] = [];
      const done = loop.createFuture<void>();
      class Srv extends Protocol {
        t!: Transport;
        override connectionMade(t: Transport): void {
          this.t = t;
          log.push("made");
        }
        override dataReceived(d: Uint8Array): void {
          log.push(`data ${show(d)}`);
          this.t.write(Buffer.concat([b("re:"), d]));
        }
        override eofReceived(): void {
          log.push("eof");
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyError(exc)}`);
          done.setResult(undefined);
        }
      }
      const got = loop.createFuture<Buffer>();
      class Cli extends Protocol {
        override dataReceived(d: Uint8Array): void {
          got.setResult(Buffer.from(d));
        }
      }
      const accept = createTask(() => loop.sockAccept(lsock) as Promise<[AioSocket, unknown]>);
      const [ct] = await createConnection(loop, () => new Cli(), "127.0.0.1", port);
      const [conn] = await accept;
      const nodeSocket = conn.detach() as net.Socket;
      for (const options of [{ sslHandshakeTimeout: 1 }, { sslShutdownTimeout: 1 }]) {
        try {
          await loop.connectAcceptedSocket(() => new Srv(), nodeSocket, options);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          print("ValueError", error.message);
        }
      }
      const [t, p] = await loop.connectAcceptedSocket(() => new Srv(), nodeSocket);
      print("protocol", p.constructor.name, "closing", t.isClosing());
      print("peername is client's sockname", sameAddress(t.getExtraInfo("peername"), ct.getExtraInfo("sockname")));
      print("sockname is client's peername", sameAddress(t.getExtraInfo("sockname"), ct.getExtraInfo("peername")));
      ct.write(b("hi"));
      print("client got", await got);
      ct.close();
      await done;
      print(pyList(log));
      lsock.close();
    });
    expect(lines).toEqual([
      "ValueError ssl_handshake_timeout is only meaningful with ssl",
      "ValueError ssl_shutdown_timeout is only meaningful with ssl", "protocol Srv closing False",
      "peername is client's sockname True", "sockname is client's peername True", "client got b're:hi'",
      "['made', \"data b'hi'\", 'eof', 'lost None']",
    ]);
  });

  // create_unix_server on a path holding a regular file -> OSError errno 98 (the message is Node's:
  // @aio/core README "Differences from Python", "`OSError` messages read `[Errno ECONNRESET] …`
  // with Node's code"), the file is kept; a
  // second server on the path of a live one replaces its socket file and gets the connections;
  // closing the first leaves the file (no longer its own), closing the second removes it
  it("refuses a regular file, replaces another server's socket file and removes only its own", async () => {
    const lines = await program(async (print, loop) => {
      const path = unixSocketPath();
      writeFileSync(path, "not a socket");
      const unixServer = (): Promise<Server> => createUnixServer(loop, () => new Protocol(), path);
      try {
        await unixServer();
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("regular file ->", pyType(error), error.errno);
      }
      print("file kept", existsSync(path), readFileSync(path, "latin1"));
      unlinkSync(path);
      const s1 = await unixServer();
      const s2 = await unixServer();
      print("second server on the same path", s2.isServing());
      const [t] = await loop.createUnixConnection(() => new Protocol(), path);
      print("connected", !t.isClosing());
      t.close();
      s1.close();
      await s1.waitClosed();
      print("after first close exists", existsSync(path));
      s2.close();
      await s2.waitClosed();
      print("after second close exists", existsSync(path));
    });
    expect(lines).toEqual([
      "regular file -> OSError 98", "file kept True not a socket",
      "second server on the same path True", "connected True", "after first close exists True",
      "after second close exists False",
    ]);
  });
});

describe("argument errors (CPython 3.13 parity)", () => {
  // create_connection with: nothing; server_hostname / ssl_handshake_timeout / ssl_shutdown_timeout
  // without ssl; host or port with sock; ssl=True with sock but no host. create_unix_connection
  // with: path and sock; neither; ssl without server_hostname; server_hostname without ssl. Then a
  // refused port (type, errno, isinstance ConnectionError) and a Unix path in a missing directory
  it("rejects bad create_connection and create_unix_connection arguments with Python's messages", async () => {
    const lines = await program(async (print, loop) => {
      const dead = await unusedPort();
      const live = closeLater(net.createServer());
      await new Promise<void>((resolve) => live.listen(0, "127.0.0.1", resolve));
      const livePort = (live.address() as net.AddressInfo).port;
      const s = net.connect(livePort, "127.0.0.1");
      await new Promise((resolve) => s.once("connect", resolve));
      const P = (): Protocol => new Protocol();
      const unix = (path: string | null, options: object = {}): Promise<unknown> => loop.createUnixConnection(P, path, options);
      const cases: [string, () => Promise<unknown>][] = [
        ["no host, port, sock", () => createConnection(loop, P, null, null)],
        ["server_hostname without ssl", () => createConnection(loop, P, "127.0.0.1", dead, { serverHostname: "x" })],
        ["ssl_handshake_timeout without ssl", () => createConnection(loop, P, "127.0.0.1", dead, { sslHandshakeTimeout: 1 })],
        ["ssl_shutdown_timeout without ssl", () => createConnection(loop, P, "127.0.0.1", dead, { sslShutdownTimeout: 1 })],
        ["host and sock", () => createConnection(loop, P, "127.0.0.1", null, { sock: s })],
        ["port and sock", () => createConnection(loop, P, null, dead, { sock: s })],
        ["ssl without host", () => createConnection(loop, P, null, null, { sock: s, ssl: true })],
        ["unix: path and sock", () => unix("/nonexistent/x", { sock: s })],
        ["unix: no path, no sock", () => unix(null)],
        ["unix: ssl without server_hostname", () => unix("/nonexistent/x", { ssl: true })],
        ["unix: server_hostname without ssl", () => unix("/nonexistent/x", { serverHostname: "x" })],
      ];
      for (const [name, call] of cases) {
        try {
          await call();
          print(name, "-> connected?!");
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          print(name, "->", pyType(error), error.message);
        }
      }
      try {
        await createConnection(loop, P, "127.0.0.1", dead);
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("refused ->", pyType(error), error.errno, error instanceof ConnectionError);
      }
      try {
        await unix("/nonexistent-dir-for-aio/sock");
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("missing unix path ->", pyType(error), error.errno);
      }
      s.destroy();
      await new Promise((resolve) => live.close(resolve));
    });
    expect(lines).toEqual([
      "no host, port, sock -> ValueError host and port was not specified and no sock specified",
      "server_hostname without ssl -> ValueError server_hostname is only meaningful with ssl",
      "ssl_handshake_timeout without ssl -> ValueError ssl_handshake_timeout is only meaningful with ssl",
      "ssl_shutdown_timeout without ssl -> ValueError ssl_shutdown_timeout is only meaningful with ssl",
      "host and sock -> ValueError host/port and sock can not be specified at the same time",
      "port and sock -> ValueError host/port and sock can not be specified at the same time",
      "ssl without host -> ValueError You must set server_hostname when using ssl without a host",
      "unix: path and sock -> ValueError path and sock can not be specified at the same time",
      "unix: no path, no sock -> ValueError no path and sock were specified",
      "unix: ssl without server_hostname -> ValueError you have to pass server_hostname when using ssl",
      "unix: server_hostname without ssl -> ValueError server_hostname is only meaningful with ssl",
      "refused -> ConnectionRefusedError 111 True", "missing unix path -> FileNotFoundError 2",
    ]);
  });

  // create_server with: nothing; ssl=True; ssl_handshake_timeout / ssl_shutdown_timeout without
  // ssl; host with sock. create_unix_server with: path and sock; neither; ssl=True;
  // ssl_handshake_timeout without ssl. Then a port in use (type, errno) and a path in a missing
  // directory
  it("rejects bad create_server and create_unix_server arguments with Python's messages", async () => {
    const lines = await program(async (print, loop) => {
      const P = (): Protocol => new Protocol();
      const server = await createServer(loop, P, "127.0.0.1", 0);
      const port = portOf(server);
      const lsock = closeLater(net.createServer());
      await new Promise<void>((resolve) => lsock.listen(0, "127.0.0.1", resolve));
      const d = join(unixSocketPath(), "..");
      const unix = (path: string | null, options: object = {}): Promise<unknown> => createUnixServer(loop, P, path, options);
      const cases: [string, () => Promise<unknown>][] = [
        ["neither host/port nor sock", () => createServer(loop, P, null, null)],
        ["ssl=True", () => createServer(loop, P, "127.0.0.1", 0, { ssl: true })],
        ["ssl_handshake_timeout without ssl", () => createServer(loop, P, "127.0.0.1", 0, { sslHandshakeTimeout: 1 })],
        ["ssl_shutdown_timeout without ssl", () => createServer(loop, P, "127.0.0.1", 0, { sslShutdownTimeout: 1 })],
        ["host and sock", () => createServer(loop, P, "127.0.0.1", null, { sock: lsock })],
        ["unix: path and sock", () => unix(join(d, "s"), { sock: lsock })],
        ["unix: no path, no sock", () => unix(null)],
        ["unix: ssl=True", () => unix(join(d, "s"), { ssl: true })],
        ["unix: ssl_handshake_timeout without ssl", () => unix(join(d, "s"), { sslHandshakeTimeout: 1 })],
      ];
      for (const [name, call] of cases) {
        try {
          const srv = (await call()) as Server;
          print(name, "-> served?!");
          srv.close();
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          print(name, "->", pyType(error), error.message);
        }
      }
      // The message is Node's: @aio/core README "Differences from Python", "`OSError` messages read
      // `[Errno ECONNRESET] …` with Node's code".
      try {
        await createServer(loop, P, "127.0.0.1", port);
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("in use ->", pyType(error), error.errno);
      }
      try {
        await unix(join(d, "missing", "s"));
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("missing dir ->", pyType(error), error.errno);
      }
      await new Promise((resolve) => lsock.close(resolve));
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "neither host/port nor sock -> ValueError Neither host/port nor sock were specified",
      "ssl=True -> TypeError ssl argument must be an SSLContext or None",
      "ssl_handshake_timeout without ssl -> ValueError ssl_handshake_timeout is only meaningful with ssl",
      "ssl_shutdown_timeout without ssl -> ValueError ssl_shutdown_timeout is only meaningful with ssl",
      "host and sock -> ValueError host/port and sock can not be specified at the same time",
      "unix: path and sock -> ValueError path and sock can not be specified at the same time",
      "unix: no path, no sock -> ValueError path was not specified, and no sock specified",
      "unix: ssl=True -> TypeError ssl argument must be an SSLContext or None",
      "unix: ssl_handshake_timeout without ssl -> ValueError ssl_handshake_timeout is only meaningful with ssl",
      "in use -> OSError 98",
      "missing dir -> FileNotFoundError 2",
    ]);
  });

  // create_datagram_endpoint with: nothing; sock plus local_addr / remote_addr + allow_broadcast /
  // family; a one-item local_addr; an IPv4 local_addr with an IPv6 remote_addr. Then a bound
  // socket passed as sock: its sockname, and no peername
  it("rejects bad create_datagram_endpoint arguments with Python's messages", async () => {
    const lines = await program(async (print, loop) => {
      const P = (): DatagramProtocol => new DatagramProtocol();
      const usock = closeLater(dgram.createSocket("udp4"));
      await new Promise<void>((resolve) => usock.bind(0, "127.0.0.1", resolve));
      const cases: [string, () => Promise<[UDPTransport, unknown]>][] = [
        ["no address, no family", () => createDatagramEndpoint(loop, P, {})],
        ["sock and local_addr", () => createDatagramEndpoint(loop, P, { sock: usock, localAddr: ["127.0.0.1", 0] })],
        ["sock and remote_addr, allow_broadcast", () => createDatagramEndpoint(loop, P, { sock: usock, remoteAddr: ["127.0.0.1", 9], allowBroadcast: true })],
        ["sock and family", () => createDatagramEndpoint(loop, P, { sock: usock, family: AF_INET })],
        ["local_addr not a pair", () => createDatagramEndpoint(loop, P, { localAddr: ["127.0.0.1"] })],
        ["ipv4 local, ipv6 remote", () => createDatagramEndpoint(loop, P, { localAddr: ["127.0.0.1", 0], remoteAddr: ["::1", 9] })],
      ];
      for (const [name, call] of cases) {
        try {
          const [t] = await call();
          print(name, "-> opened?!");
          t.close();
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          print(name, "->", pyType(error), error.message);
        }
      }
      const [t] = await createDatagramEndpoint(loop, P, { sock: usock });
      const { address, port } = usock.address();
      print("sock: sockname is the socket's", sameAddress(t.getExtraInfo("sockname"), [address, port]), "peername", t.getExtraInfo("peername"));
      t.close();
      await sleep(0);
    });
    expect(lines).toEqual([
      "no address, no family -> ValueError unexpected address family",
      "sock and local_addr -> ValueError socket modifier keyword arguments can not be used when sock is specified. (local_addr=('127.0.0.1', 0))",
      "sock and remote_addr, allow_broadcast -> ValueError socket modifier keyword arguments can not be used when sock is specified. (remote_addr=('127.0.0.1', 9), allow_broadcast=True)",
      "sock and family -> ValueError socket modifier keyword arguments can not be used when sock is specified. (family=2)",
      "local_addr not a pair -> TypeError 2-tuple is expected",
      "ipv4 local, ipv6 remote -> ValueError can not get address information",
      "sock: sockname is the socket's True peername None",
    ]);
  });
});

describe("connection options and flow-control errors (CPython 3.13 parity)", () => {
  // create_connection(local_addr=("127.0.0.1", 0)): the client is bound there; an IPv6 local
  // address for an IPv4 host -> OSError with errno None and Python's message
  it("binds the client to local_addr and rejects a local address of another family", async () => {
    const lines = await program(async (print, loop) => {
      const P = (): Protocol => new Protocol();
      const server = await createServer(loop, P, "127.0.0.1", 0);
      const port = portOf(server);
      const [t] = await createConnection(loop, P, "127.0.0.1", port, { localAddr: ["127.0.0.1", 0] });
      const name = t.getExtraInfo("sockname") as Address;
      print("bound", name[0], name[1] !== 0);
      try {
        await createConnection(loop, P, "127.0.0.1", port, { localAddr: ["::1", 0] });
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("other family ->", pyType(error), error.errno, error.message);
      }
      t.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "bound 127.0.0.1 True",
      "other family -> OSError None no matching local address with family=<AddressFamily.AF_INET: 2> found",
    ]);
  });

  // Bad(Protocol): pause_writing raises KeyError("pause"), resume_writing KeyError("resume"). The
  // client writes 1 MiB chunks to a server that does not read until the handler has a context,
  // then the server reads everything: two handler calls (message, exception, sorted keys, the
  // transport and protocol); the connection is still open with an empty buffer
  it("reports a failing pause_writing / resume_writing and keeps the connection", async () => {
    class KeyError extends Error {
      override name = "KeyError";
    }
    const lines = await program(async (print, loop) => {
      const contexts: ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      const servers: Slow[] = [];
      class Slow extends Protocol {
        t!: Transport;
        n = 0;
        override connectionMade(t: Transport): void {
          this.t = t;
          t.pauseReading();
          servers.push(this);
        }
        override dataReceived(d: Uint8Array): void {
          this.n += d.length;
        }
      }
      const server = await createServer(loop, () => new Slow(), "127.0.0.1", 0);
      class Bad extends Protocol {
        override pauseWriting(): void {
          throw new KeyError("pause");
        }
        override resumeWriting(): void {
          throw new KeyError("resume");
        }
      }
      const [t, p] = await createConnection(loop, () => new Bad(), "127.0.0.1", portOf(server));
      await runUntil(() => servers.length > 0);
      const chunk = Buffer.alloc(1024 * 1024, 0x78);
      let total = 0;
      for (let i = 0; i < 64; i++) {
        t.write(chunk);
        total += chunk.length;
        if (contexts.length > 0) break;
      }
      servers[0]!.t.resumeReading();
      await runUntil(() => servers[0]!.n >= total);
      for (let i = 0; i < 5; i++) await sleep(0);
      for (const c of contexts) {
        print("handler:", c.message, pyError(c.exception), pyList(Object.keys(c).sort()), c.transport === t, c.protocol === p);
      }
      print("closing", t.isClosing(), "size", t.getWriteBufferSize());
      t.close();
      servers[0]!.t.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([

      "handler: protocol.pause_writing() failed KeyError('pause') ['exception', 'message', 'protocol', 'transport'] True True",
      "handler: protocol.resume_writing() failed KeyError('resume') ['exception', 'message', 'protocol', 'transport'] True True",
      "closing False size 0",
    ]);
  });

  // create_server(sock=a listening socket made outside asyncio) serves on its address;
  // create_connection(sock=a connected socket) wraps it: the client writes b"ab", Srv answers
  // b"abab" and closes. Then reuse_port=True lets a second server bind the same port; without it
  // the bind fails with errno 98
  // (Python passes socket objects; here Node's net.Server / net.Socket, README "Differences from
  // Python": "To hand a connected socket to `createConnection`, pass `{ sock: s.detach() }`")
  it("serves on a given listening socket, connects over a given socket, and shares a port with reuse_port", async () => {
    const lines = await program(async (print, loop) => {
      const lsock = closeLater(net.createServer());
      await new Promise<void>((resolve) => lsock.listen(0, "127.0.0.1", resolve));
      const port = (lsock.address() as net.AddressInfo).port;
      class Srv extends Protocol {
        t!: Transport;
        override connectionMade(t: Transport): void {
          this.t = t;
        }
        override dataReceived(d: Uint8Array): void {
          this.t.write(Buffer.concat([d, d]));
          this.t.close();
        }
      }
      const server = await createServer(loop, () => new Srv(), null, null, { sock: lsock });
      print("sock= server", server.sockets.length, sameAddress(server.sockets[0]!.getsockname(), ["127.0.0.1", port]), server.isServing());
      const s = net.connect(port, "127.0.0.1");
      await new Promise((resolve) => s.once("connect", resolve));
      const log: string[] = [];
      const done = loop.createFuture<void>();
      class Cli extends Protocol {
        override dataReceived(d: Uint8Array): void {
          log.push(`data ${show(d)}`);
        }
        override eofReceived(): void {
          log.push("eof");
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyError(exc)}`);
          done.setResult(undefined);
        }
      }
      const [t] = await createConnection(loop, () => new Cli(), null, null, { sock: s });
      print("sock= client peername port", (t.getExtraInfo("peername") as Address)[1] === port);
      t.write(b("ab"));
      await done;
      print(pyList(log));
      server.close();
      await server.waitClosed();
      lsock.close();
      const r1 = await createServer(loop, () => new Srv(), "127.0.0.1", 0, { reusePort: true });
      const rport = portOf(r1);
      const r2 = await createServer(loop, () => new Srv(), "127.0.0.1", rport, { reusePort: true });
      print("reuse_port: second server", r2.isServing(), portOf(r2) === rport);
      try {
        await createServer(loop, () => new Srv(), "127.0.0.1", rport);
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print("without reuse_port ->", pyType(error), error.errno);
      }
      r1.close();
      r2.close();
      await r1.waitClosed();
      await r2.waitClosed();
    });
    expect(lines).toEqual([
      "sock= server 1 True True", "sock= client peername port True", "[\"data b'abab'\", 'eof', 'lost None']",
      "reuse_port: second server True True", "without reuse_port -> OSError 98",
    ]);
  });
});

describe("transport state and information (CPython 3.13 parity)", () => {
  // server.sockets[0] family/type/address; client peername/sockname shapes; the server side sees
  // them the other way round; get_extra_info("socket"): family, type, getsockname, getpeername;
  // keys a plain TCP transport does not have -> None; a default; after close the addresses stay
  it("answers get_extra_info on both sides of a TCP connection", async () => {
    const lines = await program(async (print, loop) => {
      const st = loop.createFuture<Transport>();
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          st.setResult(t);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      const port = portOf(server);
      const ss = server.sockets[0]!;
      const sname = ss.getsockname() as Address;
      print("server socket", ss.family, ss.type, sname[0], sname[1] === port);
      const done = loop.createFuture<void>();
      class Cli extends Protocol {
        override connectionLost(): void {
          done.setResult(undefined);
        }
      }
      const [t] = await createConnection(loop, () => new Cli(), "127.0.0.1", port);
      const s = await st;
      const peer = t.getExtraInfo("peername") as Address;
      const name = t.getExtraInfo("sockname") as Address;
      const kind = (value: unknown): string => (Array.isArray(value) ? "tuple" : typeof value);
      print("client peername", kind(peer), peer[0], peer[1] === port, "sockname", kind(name), name[0]);
      print("server sees", sameAddress(s.getExtraInfo("peername"), name), sameAddress(s.getExtraInfo("sockname"), peer));
      const sock = t.getExtraInfo("socket") as TransportSocket;
      print("socket", sock.constructor.name, sock.family, sock.type, sameAddress(sock.getsockname(), name), sameAddress(sock.getpeername(), peer));
      for (const key of ["sslcontext", "ssl_object", "peercert", "cipher", "compression", "pipe", "subprocess", "nope"]) {
        print(key, pyRepr(t.getExtraInfo(key)));
      }
      print("default", t.getExtraInfo("nope", "dflt"), sameAddress(t.getExtraInfo("peername", "dflt"), peer));
      t.close();
      await done;
      print("after close", sameAddress(t.getExtraInfo("peername"), peer), sameAddress(t.getExtraInfo("sockname"), name));
      s.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "server socket 2 1 127.0.0.1 True", "client peername tuple 127.0.0.1 True sockname tuple 127.0.0.1",
      "server sees True True", "socket TransportSocket 2 1 True True", "sslcontext None", "ssl_object None",
      "peercert None", "cipher None", "compression None", "pipe None", "subprocess None", "nope None",
      "default dflt True", "after close True True",
    ]);
  });

  // A raw listening socket; sock_accept() while the client connects; the peer sends b"bye", then
  // resets the connection (Python: SO_LINGER 0 and close; here Node's resetAndDestroy()): the
  // client's connection_lost gets ConnectionResetError (errno 104) and no eof_received; a later
  // write is dropped
  it("passes a connection reset to connection_lost without eof_received", async () => {
    const lines = await program(async (print, loop) => {
      const lsock = closeLater(socket());
      await lsock.bind(["127.0.0.1", 0]);
      await lsock.listen();
      lsock.setblocking(false);
      const accept = createTask(() => loop.sockAccept(lsock) as Promise<[AioSocket, unknown]>);
      const log: string[] = [];
      const done = loop.createFuture<void>();
      class Cli extends Protocol {
        override dataReceived(d: Uint8Array): void {
          log.push(`data ${show(d)}`);
        }
        override eofReceived(): void {
          log.push("eof");
        }
        override connectionLost(exc: unknown): void {
          log.push(`lost ${pyType(exc)} errno=${show((exc as OSError).errno)}`);
          done.setResult(undefined);
        }
      }
      const [host, port] = lsock.getsockname() as Address;
      const [t] = await createConnection(loop, () => new Cli(), host, port);
      const [conn] = await accept;
      await loop.sockSendall(conn, b("bye"));
      await runUntil(() => log.length > 0);
      (conn.detach() as net.Socket).resetAndDestroy();
      await done;
      print(pyList(log), "closing", t.isClosing());
      t.write(b("dropped"));
      print("size after write", t.getWriteBufferSize());
      lsock.close();
    });
    expect(lines).toEqual([
      "[\"data b'bye'\", 'lost ConnectionResetError errno=104'] closing True", "size after write 0",
    ]);
  });

  // Protocol A gets b"one"; t.set_protocol(B()): get_protocol() is B, and B gets b"two", the EOF
  // and connection_lost(None)
  it("hands later events to the protocol given to set_protocol", async () => {
    const lines = await program(async (print, loop) => {
      const st = loop.createFuture<Transport>();
      class Srv extends Protocol {
        override connectionMade(t: Transport): void {
          st.setResult(t);
        }
      }
      const server = await createServer(loop, () => new Srv(), "127.0.0.1", 0);
      const log: string[] = [];
      const done = loop.createFuture<void>();
      class Logged extends Protocol {
        readonly name: string;
        constructor(name: string) {
          super();
          this.name = name;
        }
        override dataReceived(d: Uint8Array): void {
          log.push(`${this.name} data ${show(d)}`);
        }
        override eofReceived(): void {
          log.push(`${this.name} eof`);
        }
        override connectionLost(exc: unknown): void {
          log.push(`${this.name} lost ${pyError(exc)}`);
          if (this.name === "B") done.setResult(undefined);
        }
      }
      const [t] = await createConnection(loop, () => new Logged("A"), "127.0.0.1", portOf(server));
      const s = await st;
      s.write(b("one"));
      await runUntil(() => log.length > 0);
      const pb = new Logged("B");
      t.setProtocol(pb);
      print("get_protocol is B", t.getProtocol() === pb);
      s.write(b("two"));
      s.writeEof();
      await done;
      print(pyList(log));
      s.close();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "get_protocol is B True", "[\"A data b'one'\", \"B data b'two'\", 'B eof', 'B lost None']",
    ]);
  });
});
