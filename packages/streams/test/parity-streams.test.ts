/**
 * Whole programs over StreamReader, StreamWriter, startServer and Server on 127.0.0.1, whose
 * printed lines must equal what the same program prints under CPython 3.13 (the Python source
 * is summarised above each test; the expected lines are its output). Python names and reprs are
 * kept in the printed lines: bytes print as b'...', a RangeError as ValueError.
 */
import {
  CancelledError,
  ConnectionRefusedError,
  ConnectionResetError,
  EOFError,
  IncompleteReadError,
  LimitOverrunError,
  OSError,
  RuntimeError,
  asyncWith,
  getRunningLoop,
} from "@aio/core";
import type { ExceptionContext } from "@aio/core";
import type { Future } from "@aio/futures";
import { AF_INET, SOCK_STREAM, StreamReader, openConnection, startServer } from "@aio/streams";
import type { StreamReader as Reader, StreamWriter } from "@aio/streams";
import { createTask, currentTask, sleep } from "@aio/tasks";
import { b, pyBytes, pyType, runProgram, sameAddress } from "./support/parity.js";
import { describe, expect, it } from "vitest";

type Address = [string, number];

/** Python's str() of what a program prints: booleans, None and bytes as Python shows them. */
function show(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (value instanceof Uint8Array) return pyBytes(value);
  if (typeof value === "string" || typeof value === "number") return String(value);
  return JSON.stringify(value);
}

/** Runs `body` as the main task of a fresh loop and returns the lines it printed. */
const program = (body: (print: (...parts: unknown[]) => void) => Promise<void>): Promise<string[]> => runProgram(show, body);

describe("StreamReader (CPython 3.13 parity)", () => {
  // r = StreamReader(limit=8); feed b"hello\nwor"; readline(); read(2); feed b"ld\r", b"\nXY", b"Z";
  // readuntil(b"\r\n"), at_eof(); read(0), readexactly(0); feed_eof(); readexactly(5) ->
  // IncompleteReadError (partial, expected, str, EOFError?); read(), read(3), readline() at EOF;
  // readexactly(-1), readuntil(b""), readuntil(()) -> ValueError; StreamReader(limit=0);
  // r2: feed b"abc", b"defg"; read(5), read(5), at_eof(); feed_eof(); read(5), at_eof()
  it("reads lines, blocks and exact sizes, and reports EOF as Python does", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader({ limit: 8 });
      r.feedData(b("hello\nwor"));
      print(await r.readline());
      print(await r.read(2));
      r.feedData(b("ld\r"));
      r.feedData(b("\nXY"));
      r.feedData(b("Z"));
      print(await r.readuntil(b("\r\n")), r.atEof());
      print(await r.read(0), await r.readexactly(0));
      r.feedEof();
      print("at_eof", r.atEof());
      try {
        await r.readexactly(5);
      } catch (error) {
        if (!(error instanceof IncompleteReadError)) throw error;
        print(pyType(error), error.partial, error.expected, error.message, error instanceof EOFError);
      }
      print("at_eof", r.atEof());
      print(await r.read(), await r.read(3), await r.readline());
      try {
        await r.readexactly(-1);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message);
      }
      for (const sep of [b(""), []]) {
        try {
          await r.readuntil(sep);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          print("ValueError", error.message);
        }
      }
      try {
        new StreamReader({ limit: 0 });
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message);
      }
      const r2 = new StreamReader();
      r2.feedData(b("abc"));
      r2.feedData(b("defg"));
      print(await r2.read(5), await r2.read(5), r2.atEof());
      r2.feedEof();
      print(await r2.read(5), r2.atEof());
    });
    expect(lines).toEqual([
      "b'hello\\n'", "b'wo'", "b'rld\\r\\n' False", "b'' b''", "at_eof False",
      "IncompleteReadError b'XYZ' 5 3 bytes read on a total of 5 expected bytes True", "at_eof True",
      "b'' b'' b''", "ValueError readexactly size can not be less than zero",
      "ValueError Separator should be at least one-byte string",
      "ValueError Separator should contain at least one element", "ValueError Limit cannot be <= 0",
      "b'abcde' b'fg' False", "b'' True",
    ]);
  });

  // r = StreamReader(limit=5): readline() over b"abcdefgh" (no newline) -> ValueError, buffer
  // cleared; b"1234567\nrest": readline() -> ValueError, the line is dropped, b"rest" stays;
  // + b"123\n": readuntil -> LimitOverrunError(consumed=7), data kept; b"abcdefg" with
  // readuntil(b"XY") -> consumed=6; b"abcde\nz": a separator right at the limit is fine
  it("raises LimitOverrunError / ValueError and keeps or drops the buffer as Python does", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader({ limit: 5 });
      r.feedData(b("abcdefgh"));
      try {
        await r.readline();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message);
      }
      print("buffer after", r.toString());
      r.feedData(b("1234567\nrest"));
      try {
        await r.readline();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message);
      }
      print("left", r.toString());
      r.feedData(b("123\n"));
      try {
        await r.readuntil(b("\n"));
      } catch (error) {
        if (!(error instanceof LimitOverrunError)) throw error;
        print(pyType(error), error.consumed, error.message, `('${error.message}',)`);
      }
      print("kept", await r.read(100));
      r.feedData(b("abcdefg"));
      try {
        await r.readuntil(b("XY"));
      } catch (error) {
        if (!(error instanceof LimitOverrunError)) throw error;
        print(pyType(error), error.consumed, error.message);
      }
      print("kept", await r.read(100));
      r.feedData(b("abcde\nz"));
      print(await r.readline());
      print(await r.read(100));
    });
    expect(lines).toEqual([
      "ValueError Separator is not found, and chunk exceed the limit", "buffer after <StreamReader limit=5>",
      "ValueError Separator is found, but chunk is longer than limit", "left <StreamReader 4 bytes limit=5>",
      "LimitOverrunError 7 Separator is found, but chunk is longer than limit ('Separator is found, but chunk is longer than limit',)",
      "kept b'rest123\\n'", "LimitOverrunError 6 Separator is not found, and chunk exceed the limit",
      "kept b'abcdefg'", "b'abcde\\n'", "b'z'",
    ]);
  });

  // readuntil((b"\r\n", b"\n", b"!!")) over b"a!!b\r\nc\nd"; separators spanning fed chunks
  // (b"xx--", b"-E", b"ND--yy" with b"---END"); a feeder task feeding b"p", b"q\r", b"\n",
  // b"tail" then EOF one iteration apart while readuntil((b"\r\n", b"+")) waits; readuntil(b"@@")
  // at EOF -> IncompleteReadError(partial=b"tail", expected=None)
  it("matches the earliest-ending separator, across chunks and while data trickles in", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader();
      r.feedData(b("a!!b\r\nc\nd"));
      print(await r.readuntil([b("\r\n"), b("\n"), b("!!")]));
      print(await r.readuntil([b("\n"), b("\r\n")]));
      print(await r.readuntil([b("\r\n"), b("\n")]));
      r.feedData(b("xx--"));
      r.feedData(b("-E"));
      r.feedData(b("ND--yy"));
      print(await r.readuntil(b("---END")));
      const f = createTask(async () => {
        for (const chunk of [b("p"), b("q\r"), b("\n"), b("tail")]) {
          await sleep(0);
          print("feed", chunk);
          r.feedData(chunk);
        }
        await sleep(0);
        print("feed eof");
        r.feedEof();
      });
      print("got", await r.readuntil([b("\r\n"), b("+")]));
      try {
        await r.readuntil(b("@@"));
      } catch (error) {
        if (!(error instanceof IncompleteReadError)) throw error;
        print("incomplete", error.partial, error.expected);
      }
      await f;
      print(r.atEof());
    });
    expect(lines).toEqual([
      "b'a!!'", "b'b\\r\\n'", "b'c\\n'", "b'dxx---END'", "feed b'p'", "feed b'q\\r'", "feed b'\\n'",
      "got b'--yypq\\r\\n'", "feed b'tail'", "feed eof", "incomplete b'tail' None", "True",
    ]);
  });
});

describe("startServer and StreamWriter (CPython 3.13 parity)", () => {
  // handle(reader, writer): readline -> name; write f"hello {name}\n"; drain; read() to EOF;
  // write b"bye\n"; close(); is_closing(); wait_closed(); two clients one after the other:
  // write name, drain, readline, writelines([b"x", b"y", b"z"]), can_write_eof(), write_eof(),
  // read() to EOF, close(), is_closing(), wait_closed(). Server and client lines logged apart.
  it("runs client callbacks in connection order and closes both ends cleanly", async () => {
    const lines = await program(async (print) => {
      const slog: string[] = [];
      const clog: string[] = [];
      let count = 0;
      const done = getRunningLoop().createFuture<void>() as Future<void>;
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        count += 1;
        const n = count;
        slog.push(`cb${n} start`);
        const name = (await reader.readline()).toString().trim();
        slog.push(`cb${n} got ${name}`);
        writer.write(b(`hello ${name}\n`));
        await writer.drain();
        const rest = await reader.read();
        slog.push(`cb${n} rest ${show(rest)} at_eof=${show(reader.atEof())}`);
        writer.write(b("bye\n"));
        writer.close();
        slog.push(`cb${n} closing=${show(writer.isClosing())}`);
        await writer.waitClosed();
        slog.push(`cb${n} closed`);
        if (n === 2) done.setResult(undefined);
      };
      const server = await startServer(handle, "127.0.0.1", 0);
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      for (const name of ["alice", "bob"]) {
        const [r, w] = await openConnection("127.0.0.1", port);
        w.write(b(`${name}\n`));
        await w.drain();
        clog.push(`${name} got ${show(await r.readline())}`);
        w.writelines([b("x"), b("y"), b("z")]);
        clog.push(`${name} can_write_eof=${show(w.canWriteEof())}`);
        w.writeEof();
        clog.push(`${name} after eof: ${show(await r.read())} at_eof=${show(r.atEof())}`);
        w.close();
        clog.push(`${name} closing=${show(w.isClosing())}`);
        await w.waitClosed();
        clog.push(`${name} closed`);
      }
      await done;
      server.close();
      await server.waitClosed();
      print(["server:", ...slog].join("\n  "));
      print(["client:", ...clog].join("\n  "));
      print("serving", server.isServing(), server.sockets.length);
    });
    expect(lines.join("\n").split("\n")).toEqual([
      "server:", "  cb1 start", "  cb1 got alice", "  cb1 rest b'xyz' at_eof=True", "  cb1 closing=True",
      "  cb1 closed", "  cb2 start", "  cb2 got bob", "  cb2 rest b'xyz' at_eof=True", "  cb2 closing=True",
      "  cb2 closed", "client:", "  alice got b'hello alice\\n'", "  alice can_write_eof=True",
      "  alice after eof: b'bye\\n' at_eof=True", "  alice closing=True", "  alice closed",
      "  bob got b'hello bob\\n'", "  bob can_write_eof=True", "  bob after eof: b'bye\\n' at_eof=True",
      "  bob closing=True", "  bob closed", "serving False 0",
    ]);
  });
});

describe("StreamReader errors and cancellation (CPython 3.13 parity)", () => {
  // a pending readline(); read(1) and readexactly(2) meanwhile -> RuntimeError; feed b"part",
  // cancel the readline (the bytes stay); feed b"ial\nnext"; readline(); readexactly(10) pending
  // when set_exception(Boom("boom")); then read(0), read(), readexactly(0), readexactly(-1),
  // readline(), readuntil(b""), read(5) (argument errors first, then the stored exception);
  // feed, feed_eof, at_eof(); async for over b"one\ntwo\r\n\nthree" + EOF
  it("keeps data across a cancelled read and replays a set exception", async () => {
    class Boom extends Error {
      override name = "Boom";
    }
    const lines = await program(async (print) => {
      const r = new StreamReader();
      const t = createTask(() => r.readline());
      await sleep(0);
      try {
        await r.read(1);
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("RuntimeError", error.message);
      }
      try {
        await r.readexactly(2);
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("RuntimeError", error.message);
      }
      r.feedData(b("part"));
      t.cancel();
      try {
        await t;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        print("readline cancelled; buffer", r.toString());
      }
      r.feedData(b("ial\nnext"));
      print(await r.readline());
      const err = new Boom("boom");
      const w = createTask(() => r.readexactly(10));
      await sleep(0);
      r.setException(err);
      try {
        await w;
      } catch (error) {
        if (!(error instanceof Boom)) throw error;
        print("waiter got", `Boom('${error.message}')`, error === err);
      }
      print("exception()", `Boom('${(r.exception() as Error).message}')`, r.toString());
      const calls: [string, () => Promise<unknown>][] = [
        ["read0", () => r.read(0)],
        ["read", () => r.read()],
        ["readexactly0", () => r.readexactly(0)],
        ["readexactly-1", () => r.readexactly(-1)],
        ["readline", () => r.readline()],
        ["readuntil-empty", () => r.readuntil(b(""))],
        ["read5", () => r.read(5)],
      ];
      for (const [name, call] of calls) {
        try {
          print(name, "->", await call());
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          print(name, "raised", pyType(error), error.message, error === err);
        }
      }
      r.feedData(b("!"));
      print("after feed", r.toString());
      r.feedEof();
      print("at_eof", r.atEof());
      const r3 = new StreamReader();
      r3.feedData(b("one\ntwo\r\n\nthree"));
      r3.feedEof();
      const got: string[] = [];
      for await (const line of r3) got.push(pyBytes(line));
      print(`[${got.join(", ")}]`);
    });
    expect(lines).toEqual([
      "RuntimeError read() called while another coroutine is already waiting for incoming data",
      "RuntimeError readexactly() called while another coroutine is already waiting for incoming data",
      "readline cancelled; buffer <StreamReader 4 bytes>", "b'partial\\n'", "waiter got Boom('boom') True",
      "exception() Boom('boom') <StreamReader 4 bytes exception=Boom('boom')>", "read0 raised Boom boom True",
      "read raised Boom boom True", "readexactly0 raised Boom boom True",
      "readexactly-1 raised ValueError readexactly size can not be less than zero False",
      "readline raised Boom boom True", "readuntil-empty raised ValueError Separator should be at least one-byte string False",
      "read5 raised Boom boom True", "after feed <StreamReader 5 bytes exception=Boom('boom')>", "at_eof False",
      "[b'one\\n', b'two\\r\\n', b'\\n', b'three']",
    ]);
  });
});

describe("connections on 127.0.0.1 (CPython 3.13 parity)", () => {
  // handle: records the writer's peername/sockname, reads to EOF, closes. server.sockets[0]
  // family/type/getsockname; client peername/sockname shapes; each side sees the other's address;
  // sslcontext / peercert missing (None), a default for an unknown key; after close the
  // addresses stay readable
  it("reports the peer and local addresses through getExtraInfo", async () => {
    const lines = await program(async (print) => {
      const info = getRunningLoop().createFuture<[unknown, unknown]>() as Future<[unknown, unknown]>;
      const server = await startServer(async (reader, writer) => {
        info.setResult([writer.getExtraInfo("peername"), writer.getExtraInfo("sockname")]);
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      const ssock = server.sockets[0]!;
      const ssockname = ssock.getsockname() as Address;
      print("server socket", ssock.family === AF_INET, ssock.type === SOCK_STREAM, Array.isArray(ssockname) ? "tuple" : typeof ssockname, ssockname[0]);
      const port = ssockname[1];
      const [, w] = await openConnection("127.0.0.1", port);
      const peer = w.getExtraInfo("peername") as Address;
      const sockname = w.getExtraInfo("sockname") as Address;
      print("client peername", Array.isArray(peer) ? "tuple" : typeof peer, peer[0], peer[1] === port);
      print("client sockname", Array.isArray(sockname) ? "tuple" : typeof sockname, sockname[0]);
      const [speer, sname] = await info;
      print("server sees", sameAddress(speer, sockname), sameAddress(sname, peer));
      print("missing", w.getExtraInfo("sslcontext"), w.getExtraInfo("nope", "dflt"), w.getExtraInfo("peercert"));
      print("transport", sameAddress(w.transport.getExtraInfo("peername"), peer), w.transport.isClosing());
      w.close();
      await w.waitClosed();
      print("after close", w.isClosing(), sameAddress(w.getExtraInfo("peername"), peer));
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "server socket True True tuple 127.0.0.1", "client peername tuple 127.0.0.1 True",
      "client sockname tuple 127.0.0.1", "server sees True True", "missing None dflt None", "transport True False",
      "after close True True",
    ]);
  });

  // two clients connected and their handlers waiting in read(); server.close(): not serving, no
  // sockets, a new connection is refused; wait_closed() waits for the clients; close_clients()
  // gives both sides EOF; wait_closed() returns, and at once when called again
  it("closes the listener first, then waits for close_clients", async () => {
    const lines = await program(async (print) => {
      const slog: string[] = [];
      let started = 0;
      const both = getRunningLoop().createFuture<void>() as Future<void>;
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        started += 1;
        const n = started;
        if (started === 2) both.setResult(undefined);
        const data = await reader.read();
        slog.push(`handler${n} read ${show(data)} at_eof=${show(reader.atEof())} closing=${show(writer.isClosing())}`);
      };
      const server = await startServer(handle, "127.0.0.1", 0);
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      print("serving", server.isServing());
      const [r1, w1] = await openConnection("127.0.0.1", port);
      const [r2, w2] = await openConnection("127.0.0.1", port);
      await both;
      server.close();
      print("after close", server.isServing(), server.sockets.length);
      try {
        await openConnection("127.0.0.1", port);
        print("connected?!");
      } catch (error) {
        if (!(error instanceof ConnectionRefusedError)) throw error;
        print(error.name, error.errno === 111, error instanceof OSError);
      }
      const wc = createTask(() => server.waitClosed());
      for (let i = 0; i < 5; i++) await sleep(0);
      print("wait_closed done while clients open?", wc.done());
      server.closeClients();
      print("client1 read", await r1.read(), r1.atEof());
      print("client2 read", await r2.read(), r2.atEof());
      await wc;
      print("wait_closed returned");
      for (const line of slog.sort()) print(line);
      await server.waitClosed();
      print("again returns at once");
      server.close();
      w1.close();
      w2.close();
      await w1.waitClosed();
      await w2.waitClosed();
    });
    expect(lines).toEqual([
      "serving True", "after close False 0", "ConnectionRefusedError True True",
      "wait_closed done while clients open? False", "client1 read b'' True", "client2 read b'' True",
      "wait_closed returned", "handler1 read b'' at_eof=True closing=True",
      "handler2 read b'' at_eof=True closing=True", "again returns at once",
    ]);
  });

  // handler: read() to EOF, close, wait_closed. Client: close(); drain() -> ConnectionResetError
  // ('Connection lost',); wait_closed() twice; read() b''; a second client sends EOF (write_eof),
  // reads the server's EOF, readline() b'', readexactly(1) -> IncompleteReadError(b'', 1);
  it("fails drain with 'Connection lost' after close and reads EOF as b''", async () => {
    const lines = await program(async (print) => {
      const server = await startServer(async (reader, writer) => {
        await reader.read();
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      const [r, w] = await openConnection("127.0.0.1", port);
      w.close();
      print("closing", w.isClosing());
      try {
        await w.drain();
        print("drain ok");
      } catch (error) {
        if (!(error instanceof ConnectionResetError)) throw error;
        print("drain", error.name, `('${error.message}',)`);
      }
      await w.waitClosed();
      print("wait_closed", w.isClosing());
      await w.waitClosed();
      print("wait_closed twice ok");
      print("read after close", await r.read(), r.atEof());
      try {
        await w.drain();
      } catch (error) {
        if (!(error instanceof ConnectionResetError)) throw error;
        print("drain again", error.name, `('${error.message}',)`);
      }
      const [r2, w2] = await openConnection("127.0.0.1", port);
      w2.writeEof();
      print("peer eof read", await r2.read(), r2.atEof());
      print("readline at eof", await r2.readline());
      try {
        await r2.readexactly(1);
      } catch (error) {
        if (!(error instanceof IncompleteReadError)) throw error;
        print("readexactly", error.partial, error.expected);
      }
      // Not printed: is_closing() here. Python keeps the transport open until close(); Node closes
      // a socket whose both directions ended by itself, so ours may already be closing (streams
      // README, "Differences from Python": "Once both directions have ended ...").
      w2.close();
      await w2.waitClosed();
      print("closed", w2.isClosing());
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "closing True", "drain ConnectionResetError ('Connection lost',)", "wait_closed True", "wait_closed twice ok",
      "read after close b'' True", "drain again ConnectionResetError ('Connection lost',)", "peer eof read b'' True",
      "readline at eof b''", "readexactly b'' 1", "closed True",
    ]);
  });

  // handler puts reader.read() in a queue and closes. write("text") -> TypeError; write b"",
  // b"a", bytearray b"b", a memoryview b"c"; write_eof() twice; write(b"d") -> RuntimeError;
  // the server gets b"abc". Second client: write b"x", close(), write b"y" (dropped: closing),
  // wait_closed(), write b"z" (dropped): the server gets b"x"
  it("checks write arguments, refuses writes after write_eof and drops writes after close", async () => {
    const lines = await program(async (print) => {
      const got: Buffer[] = [];
      let arrived: Future<void> | null = null;
      const server = await startServer(async (reader, writer) => {
        got.push(await reader.read());
        arrived?.setResult(undefined);
        writer.close();
      }, "127.0.0.1", 0);
      const next = async (): Promise<Buffer> => {
        if (got.length === 0) {
          arrived = server.getLoop().createFuture<void>() as Future<void>;
          await arrived;
          arrived = null;
        }
        return got.shift()!;
      };
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      const [r, w] = await openConnection("127.0.0.1", port);
      try {
        w.write("text" as unknown as Uint8Array);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        print("TypeError", error.message);
      }
      w.write(b(""));
      w.write(b("a"));
      w.write(new Uint8Array([98]));
      w.write(new Uint8Array([0, 99, 0]).subarray(1, 2));
      w.writeEof();
      w.writeEof();
      try {
        w.write(b("d"));
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("RuntimeError", error.message);
      }
      print("server got", await next());
      print("client read", await r.read());
      w.close();
      await w.waitClosed();
      const [, w2] = await openConnection("127.0.0.1", port);
      w2.write(b("x"));
      w2.close();
      w2.write(b("y"));
      print("wrote while closing", w2.isClosing());
      await w2.waitClosed();
      w2.write(b("z"));
      print("wrote after closed", w2.isClosing());
      print("server got", await next());
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "TypeError data argument must be a bytes-like object, not 'str'", "RuntimeError Cannot call write() after write_eof()",
      "server got b'abc'", "client read b''", "wrote while closing True", "wrote after closed True", "server got b'x'",
    ]);
  });

  // handler: readline; b"raise\n" -> raises KeyError('bad client'); b"cancel\n" -> cancels its own
  // task; else writes b"ok\n" and closes. Each client reads to EOF. The loop's exception handler
  // sees one context (message, exception, transport). A plain (non-async) callback also works.
  it("closes the connection when the client callback fails or is cancelled", async () => {
    class KeyError extends Error {
      override name = "KeyError";
    }
    const lines = await program(async (print) => {
      const contexts: ExceptionContext[] = [];
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        const line = (await reader.readline()).toString();
        if (line === "raise\n") throw new KeyError("'bad client'");
        if (line === "cancel\n") {
          currentTask()!.cancel();
          await sleep(0);
        }
        writer.write(b("ok\n"));
        await writer.drain();
        writer.close();
      };
      const server = await startServer(handle, "127.0.0.1", 0);
      server.getLoop().setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      for (const cmd of ["raise\n", "cancel\n", "fine\n"]) {
        const [r, w] = await openConnection("127.0.0.1", port);
        w.write(b(cmd));
        const data = await r.read();
        print(b(cmd), "->", data, r.atEof());
        w.close();
        await w.waitClosed();
      }
      for (let i = 0; i < 3; i++) await sleep(0);
      for (const context of contexts) {
        const error = context.exception as Error;
        const keys = Object.keys(context).sort().map((key) => `'${key}'`);
        print("handler:", context.message, `${error.name}(${error.message})`, `[${keys.join(", ")}]`);
      }
      const calls: string[] = [];
      const plain = (reader: Reader, writer: StreamWriter): void => {
        calls.push(`${reader.constructor.name}/${writer.constructor.name}`);
        writer.write(b("plain\n"));
        writer.close();
      };
      const server2 = await startServer(plain, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", (server2.sockets[0]!.getsockname() as Address)[1]);
      print("plain ->", await r.read(), `['${calls.join("', '")}']`);
      w.close();
      server.close();
      server2.close();
      await server.waitClosed();
      await server2.waitClosed();
    });
    expect(lines).toEqual([
      "b'raise\\n' -> b'' True", "b'cancel\\n' -> b'' True", "b'fine\\n' -> b'ok\\n' True",
      "handler: Unhandled exception in client_connected_cb KeyError('bad client') ['exception', 'message', 'transport']",
      "plain -> b'plain\\n' ['StreamReader/StreamWriter']",
    ]);
  });

  // serve_forever() in a task; a second serve_forever() -> RuntimeError "server <Server ...> is
  // already being awaited on serve_forever()"; an echo; cancel("enough") closes the server;
  // serve_forever() on it -> RuntimeError "... is closed"; async with start_server(...) closes
  // on exit, after which a connection is refused
  it("serves forever until cancelled, and closes on leaving async with", async () => {
    const lines = await program(async (print) => {
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        writer.write(await reader.readline());
        await writer.drain();
        writer.close();
      };
      const server = await startServer(handle, "127.0.0.1", 0);
      print("get_loop", server.getLoop() === currentTask()!.getLoop(), "serving", server.isServing());
      const t = createTask(() => server.serveForever());
      await sleep(0);
      print("serving", server.isServing());
      try {
        await server.serveForever();
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("RuntimeError", error.message.startsWith("server <Server"), error.message.endsWith("is already being awaited on serve_forever()"));
      }
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      const [r, w] = await openConnection("127.0.0.1", port);
      w.write(b("echo\n"));
      print("echo", await r.readline());
      t.cancel("enough");
      try {
        await t;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        print("serve_forever cancelled", `('${error.message}',)`, t.cancelled());
      }
      print("serving", server.isServing(), server.sockets.length);
      try {
        await server.serveForever();
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        print("RuntimeError", error.message.endsWith("is closed"));
      }
      w.close();
      await w.waitClosed();
      let port2 = 0;
      const s2 = await startServer(handle, "127.0.0.1", 0);
      await asyncWith(s2, async () => {
        print("in async with", s2.isServing());
        port2 = (s2.sockets[0]!.getsockname() as Address)[1];
      });
      print("after async with", s2.isServing(), s2.sockets.length);
      try {
        await openConnection("127.0.0.1", port2);
      } catch (error) {
        if (!(error instanceof OSError)) throw error;
        print(error.name);
      }
    });
    expect(lines).toEqual([
      "get_loop True serving True", "serving True", "RuntimeError True True", "echo b'echo\\n'",
      "serve_forever cancelled ('enough',) True", "serving False 0", "RuntimeError True", "in async with True",
      "after async with False 0", "ConnectionRefusedError",
    ]);
  });

  // open_connection(limit=2); the server writes b"0123456789" in one write: the reader pauses the
  // transport (more than 2 * limit buffered) and resumes it once at most `limit` bytes are left;
  // readline over b"abcdefgh\nZ" -> ValueError, the line is dropped and b"Z" stays
  it("pauses and resumes reading around twice the limit", async () => {
    const lines = await program(async (print) => {
      const pending: (Buffer | null)[] = [];
      let wake: Future<void> | null = null;
      const handle = async (_reader: Reader, writer: StreamWriter): Promise<void> => {
        for (;;) {
          while (pending.length === 0) {
            wake = currentTask()!.getLoop().createFuture<void>() as Future<void>;
            await wake;
          }
          const cmd = pending.shift()!;
          if (cmd === null) break;
          writer.write(cmd);
          await writer.drain();
        }
        writer.close();
      };
      const go = (cmd: Buffer | null): void => {
        pending.push(cmd);
        if (wake !== null && !wake.done()) wake.setResult(undefined);
      };
      const server = await startServer(handle, "127.0.0.1", 0);
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      const [r, w] = await openConnection("127.0.0.1", port, { limit: 2 });
      const state = (): string =>
        `buffered=${r._buffer.length} paused=${show(r.toString().includes("paused"))} reading=${show(w.transport.isReading())}`;
      print("start", state());
      go(b("0123456789"));
      print("readexactly(3)", await r.readexactly(3), state());
      print("read(4)", await r.read(4), state());
      print("read(1)", await r.read(1), state());
      print("read(5)", await r.read(5), state());
      go(b("ab\n"));
      print("readline", await r.readline(), state());
      go(b("abcdefgh\nZ"));
      try {
        await r.readline();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        print("ValueError", error.message, state());
      }
      print("read(9)", await r.read(9), state());
      go(null);
      print("read()", await r.read(), state(), r.atEof());
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "start buffered=0 paused=False reading=True", "readexactly(3) b'012' buffered=7 paused=True reading=False",
      "read(4) b'3456' buffered=3 paused=True reading=False", "read(1) b'7' buffered=2 paused=False reading=True",
      "read(5) b'89' buffered=0 paused=False reading=True", "readline b'ab\\n' buffered=0 paused=False reading=True",
      "ValueError Separator is found, but chunk is longer than limit buffered=1 paused=False reading=True",
      "read(9) b'Z' buffered=0 paused=False reading=True", "read() b'' buffered=0 paused=False reading=True True",
    ]);
  });
});

describe("StreamWriter.writelines (CPython 3.13 parity)", () => {
  // w.writelines([b"1", bytearray(b"2")]); w.writelines([]); w.writelines(iter([b"3", b"4"]))
  // try: w.writelines([b"5", "six", b"7"]) except TypeError as e: print("TypeError", e)
  // w.write_eof(); for data in ([], [b"8"]): try w.writelines(data) except RuntimeError as e: print(...)
  // print("server got", await got.get())   # the server reads to EOF
  it("checks the whole list before writing any of it, and refuses after write_eof", async () => {
    const lines = await program(async (print) => {
      const got: Buffer[] = [];
      let done!: () => void;
      const received = new Promise<void>((resolve) => (done = resolve));
      const server = await startServer(async (reader, writer) => {
        got.push(await reader.read());
        writer.close();
        done();
      }, "127.0.0.1", 0);
      const port = (server.sockets[0]!.getsockname() as Address)[1];
      const [, w] = await openConnection("127.0.0.1", port);
      w.writelines([b("1"), new Uint8Array([0x32])]);
      w.writelines([]);
      w.writelines([b("3"), b("4")][Symbol.iterator]());
      try {
        w.writelines([b("5"), "six" as unknown as Uint8Array, b("7")]);
      } catch (error) {
        print(pyType(error), (error as Error).message);
      }
      w.writeEof();
      for (const data of [[], [b("8")]]) {
        try {
          w.writelines(data);
          print("writelines accepted");
        } catch (error) {
          print(pyType(error), (error as Error).message);
        }
      }
      await received;
      print("server got", got[0]);
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "TypeError memoryview: a bytes-like object is required, not 'str'",
      "RuntimeError Cannot call writelines() after write_eof()",
      "RuntimeError Cannot call writelines() after write_eof()",
      "server got b'1234'",
    ]);
  });
});
