/**
 * Edge cases of StreamReader, StreamWriter, startServer and Server as whole programs (a reader fed
 * by hand, 127.0.0.1, a Unix socket in a temp dir), whose printed lines must equal what the same
 * program prints under CPython 3.13 (the Python source is summarised above each test; the
 * expected lines are its output). A companion of parity-streams.test.ts, with its conventions:
 * Python names and reprs are kept in the printed lines (bytes as b'...', a RangeError as
 * ValueError), ports and paths are replaced by PORT / PATH, and a transport's repr, which is
 * ours and not Python's, by `transport=<T>`.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  CancelledError,
  ConnectionResetError,
  EOFError,
  IncompleteReadError,
  LimitOverrunError,
  NotImplementedError,
  RuntimeError,
  asyncWith,
  getRunningLoop,
} from "@aio/core";
import type { ExceptionContext, Transport } from "@aio/core";
import type { Future } from "@aio/futures";
import { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, StreamReader, openConnection, openUnixConnection, startServer, startUnixServer } from "@aio/streams";
import type { StreamReader as Reader, Server, StreamWriter } from "@aio/streams";
import { createTask, sleep } from "@aio/tasks";
import { b, pyBytes, pyType, runProgram, sameAddress } from "./support/parity.js";
import { describe, expect, it } from "vitest";
import { hasIPv6, unixSocketPath } from "./support/loop.js";

type Address = [string, number];

/** Python's str() of what a program prints: booleans, None, bytes and lists as Python shows them. */
function show(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (value instanceof Uint8Array) return pyBytes(value);
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  return JSON.stringify(value);
}

/** Python's repr() of an exception with one (or no) string argument. */
function pyError(error: unknown): string {
  const message = (error as Error).message;
  return `${pyType(error)}(${message ? `'${message}'` : ""})`;
}

/** A repr with each `transport=<...>` (ours differs from Python's) replaced by `transport=<T>`. */
function norm(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("transport=<", i)) {
      out += "transport=<T>";
      let depth = 0;
      let j = i + "transport=".length;
      for (;;) {
        if (text[j] === "<") depth += 1;
        else if (text[j] === ">" && --depth === 0) break;
        j += 1;
      }
      i = j + 1;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** Runs `body` as the main task of a fresh loop and returns the lines it printed. */
const program = (body: (print: (...parts: unknown[]) => void) => Promise<void>): Promise<string[]> => runProgram(show, body);

/** The port a server listens on (never printed). */
const portOf = (server: Server): number => (server.sockets[0]!.getsockname() as Address)[1];

/** Awaits `call` and returns its error (the program expects one). */
async function raised(call: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("no error raised");
}

/**
 * Python's asyncio.Queue as the programs use it (put_nowait / get, unbounded), over loop futures
 * with the same wake-ups: @aio/queues is not a dependency of this package.
 */
class Queue<T> {
  readonly _items: T[] = [];
  readonly _getters: Future<void>[] = [];

  putNowait(item: T): void {
    this._items.push(item);
    const getter = this._getters.shift();
    if (getter !== undefined && !getter.done()) getter.setResult(undefined);
  }

  async get(): Promise<T> {
    while (this._items.length === 0) {
      const getter = getRunningLoop().createFuture<void>() as Future<void>;
      this._getters.push(getter);
      await getter;
    }
    return this._items.shift()!;
  }
}

/** Every line of an async iteration over `reader`. */
async function allLines(reader: Reader): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const line of reader) out.push(line);
  return out;
}

describe("StreamReader fed by hand: limits and separators (CPython 3.13 parity)", () => {
  // r = StreamReader(limit=3): feed b"abcdef!"; readuntil(b"abcdef") (longer than the limit, at
  // 0); feed b"xyzwABCDE"; readuntil(b"ABCDE") -> LimitOverrunError (consumed, str, args), repr;
  // read(4), readuntil(b"ABCDE"). r2 (limit=2) over b"xxab": readuntil((b"ab", b"b")) -> the
  // shortest separator sets match_start; readuntil((b"xa", b"x")); readuntil((b"xab", b"ab")).
  // r3 (limit=4) over b"abcdefghij": readuntil((b"\n", b"END!")) -> consumed = len + 1 - 4; feed
  // b"END!tail" -> found past the limit; read(100)
  it("measures the limit from the start of the earliest-ending, shortest separator", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader({ limit: 3 });
      r.feedData(b("abcdef!"));
      print(await r.readuntil(b("abcdef")));
      r.feedData(b("xyzwABCDE"));
      const e = await raised(() => r.readuntil(b("ABCDE")));
      if (!(e instanceof LimitOverrunError)) throw e;
      print(pyType(e), e.consumed, e.message, `('${e.message}',)`);
      print("buffer", r.toString());
      print(await r.read(4), await r.readuntil(b("ABCDE")));
      const r2 = new StreamReader({ limit: 2 });
      r2.feedData(b("xxab"));
      const e2 = await raised(() => r2.readuntil([b("ab"), b("b")]));
      if (!(e2 instanceof LimitOverrunError)) throw e2;
      print("shortest wins:", pyType(e2), e2.consumed);
      print(await r2.readuntil([b("xa"), b("x")]));
      print(await r2.readuntil([b("xab"), b("ab")]));
      const r3 = new StreamReader({ limit: 4 });
      r3.feedData(b("abcdefghij"));
      for (const chunk of [null, b("END!tail")]) {
        if (chunk !== null) r3.feedData(chunk);
        const e3 = await raised(() => r3.readuntil([b("\n"), b("END!")]));
        if (!(e3 instanceof LimitOverrunError)) throw e3;
        print(e3.message, e3.consumed);
      }
      print(await r3.read(100));
    });
    expect(lines).toEqual([
      "b'abcdef'",
      "LimitOverrunError 5 Separator is found, but chunk is longer than limit ('Separator is found, but chunk is longer than limit',)",
      "buffer <StreamReader 10 bytes limit=3>", "b'!xyz' b'wABCDE'", "shortest wins: LimitOverrunError 3", "b'x'", "b'xab'",
      "Separator is not found, and chunk exceed the limit 7", "Separator is found, but chunk is longer than limit 10",
      "b'abcdefghijEND!tail'",
    ]);
  });

  // r = StreamReader(limit=4): feed b"abc"; a readline task waits (repr shows the waiter); feed
  // b"defgh" -> ValueError, buffer cleared; feed b"ij\nkl": readline; feed b"mnopq\nrs\n" ->
  // ValueError, dropped through the newline; readline twice; feed b"12345" + EOF -> ValueError
  // with EOF set; readline -> b''
  it("clears or trims the buffer when a line outgrows the limit while readline waits", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader({ limit: 4 });
      r.feedData(b("abc"));
      const t = createTask(() => r.readline());
      await sleep(0);
      print("pending", t.done(), r.toString().startsWith("<StreamReader 3 bytes limit=4 waiter=<Future pending"));
      r.feedData(b("defgh"));
      const e = await raised(() => t);
      print(pyType(e), (e as Error).message, r.toString());
      r.feedData(b("ij\nkl"));
      print(await r.readline(), r.toString());
      r.feedData(b("mnopq\nrs\n"));
      const e2 = await raised(() => r.readline());
      print(pyType(e2), (e2 as Error).message, r.toString());
      print(await r.readline());
      r.feedData(b("\n"));
      print(await r.readline());
      r.feedData(b("12345"));
      r.feedEof();
      const e3 = await raised(() => r.readline());
      print(pyType(e3), (e3 as Error).message, r.toString(), r.atEof());
      print(await r.readline(), r.atEof());
    });
    expect(lines).toEqual([
      "pending False True", "ValueError Separator is not found, and chunk exceed the limit <StreamReader limit=4>",
      "b'ij\\n' <StreamReader 2 bytes limit=4>",
      "ValueError Separator is found, but chunk is longer than limit <StreamReader 3 bytes limit=4>", "b'rs\\n'", "b'\\n'",
      "ValueError Separator is not found, and chunk exceed the limit <StreamReader eof limit=4> True", "b'' True",
    ]);
  });
});

describe("StreamReader fed by hand: EOF (CPython 3.13 parity)", () => {
  // feed b"ab" + EOF: readexactly(0); readexactly(3) -> IncompleteReadError (str, args, partial,
  // expected, EOFError?); at_eof, repr; readexactly(1) -> b'' of 1. b"no separator" + EOF:
  // readuntil((b"\r\n", b"\n")) -> expected None ("undefined" in str); readuntil() at EOF;
  // b"12345" + EOF: readexactly(5) consumes all, at_eof
  it("reports what EOF cut short in IncompleteReadError", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader();
      r.feedData(b("ab"));
      r.feedEof();
      print("readexactly(0)", await r.readexactly(0), r.atEof());
      const e = await raised(() => r.readexactly(3));
      if (!(e instanceof IncompleteReadError)) throw e;
      print(pyType(e), e.message, `('${e.message}',)`, e.partial, e.expected, e instanceof EOFError);
      print("at_eof", r.atEof(), r.toString());
      const e1 = await raised(() => r.readexactly(1));
      if (!(e1 instanceof IncompleteReadError)) throw e1;
      print(e1.message, e1.partial, e1.expected);
      const r2 = new StreamReader();
      r2.feedData(b("no separator"));
      r2.feedEof();
      const e2 = await raised(() => r2.readuntil([b("\r\n"), b("\n")]));
      if (!(e2 instanceof IncompleteReadError)) throw e2;
      print(e2.message, e2.partial, e2.expected);
      print("at_eof", r2.atEof());
      const e3 = await raised(() => r2.readuntil());
      if (!(e3 instanceof IncompleteReadError)) throw e3;
      print(e3.message, e3.partial, e3.expected);
      const r3 = new StreamReader();
      r3.feedData(b("12345"));
      r3.feedEof();
      print(await r3.readexactly(5), r3.atEof());
    });
    expect(lines).toEqual([
      "readexactly(0) b'' False",
      "IncompleteReadError 2 bytes read on a total of 3 expected bytes ('2 bytes read on a total of 3 expected bytes',) b'ab' 3 True",
      "at_eof True <StreamReader eof>", "0 bytes read on a total of 1 expected bytes b'' 1",
      "12 bytes read on a total of undefined expected bytes b'no separator' None", "at_eof True",
      "0 bytes read on a total of undefined expected bytes b'' None", "b'12345' True",
    ]);
  });

  // fresh reader: at_eof, repr; feed_eof on empty: read(0), read(-1), read(10), readline() all
  // b''. limit=3: feed b"ab", b"cdef", b"gh": read(0) (repr), read(100) (past the limit); feed
  // b"xyz" + EOF: at_eof False until read(2) and read(-7) drain it. A feeder task trickles three
  // chunks then EOF while read(-1) waits. A pending read(5) gets both chunks fed before it runs
  it("reads nothing, everything or up to n around EOF, and at_eof waits for an empty buffer", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader();
      print("fresh", r.atEof(), r.toString());
      r.feedEof();
      print("eof on empty", r.atEof(), r.toString());
      print(await r.read(0), await r.read(-1), await r.read(10), await r.readline());
      const r2 = new StreamReader({ limit: 3 });
      for (const chunk of ["ab", "cdef", "gh"]) r2.feedData(b(chunk));
      print("read(0)", await r2.read(0), r2.toString());
      print("read(100)", await r2.read(100));
      r2.feedData(b("xyz"));
      r2.feedEof();
      print("after eof", r2.atEof(), r2.toString());
      print("read(2)", await r2.read(2), r2.atEof());
      print("read(-7)", await r2.read(-7), r2.atEof(), r2.toString());
      const r3 = new StreamReader();
      const t = createTask(async () => {
        for (const chunk of ["one ", "two ", "three"]) {
          await sleep(0);
          r3.feedData(b(chunk));
        }
        await sleep(0);
        r3.feedEof();
      });
      print("read(-1) waits for EOF:", await r3.read(-1));
      await t;
      const r4 = new StreamReader();
      const t4 = createTask(() => r4.read(5));
      await sleep(0);
      r4.feedData(b("ab"));
      r4.feedData(b("cdefg"));
      print("read(5) gets what arrived first:", await t4, await r4.read(5));
    });
    expect(lines).toEqual([
      "fresh False <StreamReader>", "eof on empty True <StreamReader eof>", "b'' b'' b'' b''",
      "read(0) b'' <StreamReader 8 bytes limit=3>", "read(100) b'abcdefgh'", "after eof False <StreamReader 3 bytes eof limit=3>",
      "read(2) b'xy' False", "read(-7) b'z' True <StreamReader eof limit=3>", "read(-1) waits for EOF: b'one two three'",
      "read(5) gets what arrived first: b'abcde' b'fg'",
    ]);
  });
});

describe("StreamReader fed by hand: exceptions, iteration, repr (CPython 3.13 parity)", () => {
  // exception() None; feed b"line\nrest"; set_exception(ValueError("first")): readline, read(2),
  // readexactly(1), readuntil(b"e"), read(0) all raise it though data is buffered; feed_eof:
  // at_eof False, repr; set_exception(KeyError("second")) replaces it; read() raises it. A reader
  // at EOF, then set_exception(RuntimeError()): at_eof True, read(0) and async for raise
  it("raises a set exception whatever is buffered, and a later one replaces it", async () => {
    class KeyError extends Error {
      override name = "KeyError";
    }
    const lines = await program(async (print) => {
      const r = new StreamReader();
      print("exception()", r.exception());
      r.feedData(b("line\nrest"));
      const e1 = new RangeError("first");
      r.setException(e1);
      const calls: [string, () => Promise<unknown>][] = [
        ["readline", () => r.readline()],
        ["read", () => r.read(2)],
        ["readexactly", () => r.readexactly(1)],
        ["readuntil", () => r.readuntil(b("e"))],
        ["read(0)", () => r.read(0)],
      ];
      for (const [name, call] of calls) {
        try {
          print(name, "->", await call());
        } catch (error) {
          print(name, "raised", pyError(error), error === e1);
        }
      }
      r.feedEof();
      print("at_eof", r.atEof(), r.toString().replace("RangeError", "ValueError"));
      const e2 = new KeyError("second");
      r.setException(e2);
      print("exception() is e2", r.exception() === e2, r.toString());
      print("read raised", pyError(await raised(() => r.read())));
      const r2 = new StreamReader();
      r2.feedEof();
      r2.setException(new RuntimeError());
      print("eof then exception:", r2.atEof(), r2.toString());
      print("read(0) raised", pyError(await raised(() => r2.read(0))));
      try {
        for await (const line of r2) print("line", line);
      } catch (error) {
        print("async for raised", pyError(error));
      }
    });
    expect(lines).toEqual([
      "exception() None", "readline raised ValueError('first') True", "read raised ValueError('first') True",
      "readexactly raised ValueError('first') True", "readuntil raised ValueError('first') True",
      "read(0) raised ValueError('first') True", "at_eof False <StreamReader 9 bytes eof exception=ValueError('first')>",
      "exception() is e2 True <StreamReader 9 bytes eof exception=KeyError('second')>", "read raised KeyError('second')",
      "eof then exception: True <StreamReader eof exception=RuntimeError()>", "read(0) raised RuntimeError()",
      "async for raised RuntimeError()",
    ]);
  });

  // async for over: b"a\nb\n" + EOF (no empty last line); an empty stream; b"x\ry\r\n\r"; b"1\n2\n3\n4"
  // broken out of after b"2\n", then readline, then a second loop; limit=3 over
  // b"ok\ntoo long\nfin\n" (ValueError ends the loop, a new loop resumes after the long line);
  // chunks trickled in by a task
  it("iterates lines until EOF, and resumes after a break or a too-long line", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader();
      r.feedData(b("a\nb\n"));
      r.feedEof();
      print(await allLines(r), r.atEof());
      const empty = new StreamReader();
      empty.feedEof();
      print(await allLines(empty));
      const cr = new StreamReader();
      cr.feedData(b("x\ry\r\n\r"));
      cr.feedEof();
      print(await allLines(cr));
      const r4 = new StreamReader();
      r4.feedData(b("1\n2\n3\n4"));
      r4.feedEof();
      for await (const line of r4) {
        print("first loop", line);
        if (line.equals(b("2\n"))) break;
      }
      print("between", await r4.readline());
      print("second loop", await allLines(r4));
      const r5 = new StreamReader({ limit: 3 });
      r5.feedData(b("ok\ntoo long\nfin\n"));
      r5.feedEof();
      const got: Buffer[] = [];
      try {
        for await (const line of r5) got.push(line);
      } catch (error) {
        print(pyType(error), (error as Error).message, got);
      }
      print("resumed", await allLines(r5));
      const r6 = new StreamReader();
      const t = createTask(async () => {
        for (const chunk of ["he", "llo\nwor", "ld", "\n", "!"]) {
          await sleep(0);
          r6.feedData(b(chunk));
        }
        r6.feedEof();
      });
      print("trickled", await allLines(r6));
      await t;
    });
    expect(lines).toEqual([
      "[b'a\\n', b'b\\n'] True", "[]", "[b'x\\ry\\r\\n', b'\\r']", "first loop b'1\\n'", "first loop b'2\\n'",
      "between b'3\\n'", "second loop [b'4']", "ValueError Separator is found, but chunk is longer than limit [b'ok\\n']",
      "resumed [b'fin\\n']", "trickled [b'hello\\n', b'world\\n', b'!']",
    ]);
  });

  // repr(StreamReader(limit=10)); a readexactly(3) task waiting (waiter=<Future pending ...>);
  // feed b"a" (the waiter goes), the task waits again; cancel it; feed b"bc" + EOF and set
  // ValueError(), IncompleteReadError(b"ab", 7), LimitOverrunError("too long", 3) in turn;
  // StreamReader(limit=2**16) with 70000 bytes (the default limit is not shown)
  it("shows bytes, eof, limit, waiter and exception in its repr", async () => {
    const lines = await program(async (print) => {
      const r = new StreamReader({ limit: 10 });
      print(r.toString());
      const t = createTask(() => r.readexactly(3));
      await sleep(0);
      print(r.toString().split(" waiter=")[0], r.toString().includes("waiter=<Future pending"));
      r.feedData(b("a"));
      print("fed", r.toString());
      await sleep(0);
      print("waiting again", r.toString().includes("waiter="));
      t.cancel();
      const e = await raised(() => t);
      if (!(e instanceof CancelledError)) throw e;
      print("cancelled", r.toString());
      r.feedData(b("bc"));
      r.feedEof();
      for (const error of [new RangeError(), new IncompleteReadError(b("ab"), 7), new LimitOverrunError("too long", 3)]) {
        r.setException(error);
        print(r.toString().replace("RangeError", "ValueError"));
      }
      const r65 = new StreamReader({ limit: 2 ** 16 });
      r65.feedData(Buffer.alloc(70000, "x"));
      print(r65.toString());
    });
    expect(lines).toEqual([
      "<StreamReader limit=10>", "<StreamReader limit=10 True", "fed <StreamReader 1 bytes limit=10>", "waiting again True",
      "cancelled <StreamReader 1 bytes limit=10>", "<StreamReader 3 bytes eof limit=10 exception=ValueError()>",
      "<StreamReader 3 bytes eof limit=10 exception=IncompleteReadError('2 bytes read on a total of 7 expected bytes')>",
      "<StreamReader 3 bytes eof limit=10 exception=LimitOverrunError('too long')>", "<StreamReader 70000 bytes>",
    ]);
  });
});


describe("StreamReader fed by hand: waiting reads and flow control (CPython 3.13 parity)", () => {
  // for readline, readuntil((b"END", b"\r\n")), readexactly(5), read(-1), read(10), one step of
  // async for: feed b"pa", start the read in a task, feed b"rt" (still pending?), feed_eof ->
  // result or IncompleteReadError, at_eof. One async-for step on an empty reader + EOF ends it
  it("wakes every kind of pending read at EOF with what is buffered", async () => {
    const lines = await program(async (print) => {
      const cases: [string, (r: Reader) => Promise<Buffer | null>][] = [
        ["readline", (r) => r.readline()],
        ["readuntil", (r) => r.readuntil([b("END"), b("\r\n")])],
        ["readexactly", (r) => r.readexactly(5)],
        ["read(-1)", (r) => r.read()],
        ["read(10)", (r) => r.read(10)],
        ["async for", async (r) => (await r[Symbol.asyncIterator]().next()).value ?? null],
      ];
      for (const [name, call] of cases) {
        const r = new StreamReader();
        r.feedData(b("pa"));
        const t = createTask(() => call(r));
        await sleep(0);
        r.feedData(b("rt"));
        await sleep(0);
        print(name, "pending after more data", !t.done());
        r.feedEof();
        try {
          print(" ->", await t, r.atEof());
        } catch (error) {
          if (!(error instanceof IncompleteReadError)) throw error;
          print(" -> IncompleteReadError", error.partial, error.expected, r.atEof());
        }
      }
      const r = new StreamReader();
      const t = createTask(() => r[Symbol.asyncIterator]().next());
      await sleep(0);
      r.feedEof();
      if ((await t).done === true) print("async for on empty -> StopAsyncIteration");
    });
    expect(lines).toEqual([
      "readline pending after more data True", " -> b'part' True", "readuntil pending after more data True",
      " -> IncompleteReadError b'part' None True", "readexactly pending after more data True",
      " -> IncompleteReadError b'part' 5 True", "read(-1) pending after more data True", " -> b'part' True",
      "read(10) pending after more data False", " -> b'pa' False", "async for pending after more data True",
      " -> b'part' True", "async for on empty -> StopAsyncIteration",
    ]);
  });

  // probe(limit, seps, data): a reader with `data`, readuntil(seps) in a task, one iteration:
  // still waiting (how much buffered), the line, or LimitOverrunError (consumed, found or not);
  // fifteen cases on both sides of each boundary
  it("draws the limit boundaries exactly where Python does", async () => {
    const lines = await program(async (print) => {
      const probe = async (limit: number, seps: Buffer | Buffer[], data: Buffer): Promise<unknown> => {
        const r = new StreamReader({ limit });
        r.feedData(data);
        const t = createTask(() => r.readuntil(seps));
        await sleep(0);
        if (!t.done()) {
          t.cancel();
          return `waits (${r._buffer.length} buffered)`;
        }
        try {
          return await t;
        } catch (error) {
          if (!(error instanceof LimitOverrunError)) throw error;
          return `LimitOverrunError consumed=${error.consumed} ${error.message.includes("is found") ? "found" : "not found"}`;
        }
      };
      const cases: [number, Buffer | Buffer[], string][] = [
        [4, b("\n"), "abcd\n"], [4, b("\n"), "abcde\n"], [4, b("\n"), "abcd"], [4, b("\n"), "abcde"],
        [4, b("--"), "abcd--"], [4, b("--"), "abcde--"], [4, b("--"), "abcde"], [4, b("--"), "abcdef"],
        [4, [b("\n"), b("---")], "abcdef"], [4, [b("\n"), b("---")], "abcdefg"], [1, b("\n"), "\n"], [1, b("\n"), "x\n"],
        [1, b("\n"), "xy\n"], [1, b("ab"), "xab"], [1, b("ab"), "xyab"],
      ];
      for (const [limit, seps, data] of cases) {
        const sepsText = Array.isArray(seps) ? `(${seps.map(pyBytes).join(", ")})` : pyBytes(seps);
        print(limit, sepsText, b(data), "->", await probe(limit, seps, b(data)));
      }
    });
    expect(lines).toEqual([
      "4 b'\\n' b'abcd\\n' -> b'abcd\\n'", "4 b'\\n' b'abcde\\n' -> LimitOverrunError consumed=5 found",
      "4 b'\\n' b'abcd' -> waits (4 buffered)", "4 b'\\n' b'abcde' -> LimitOverrunError consumed=5 not found",
      "4 b'--' b'abcd--' -> b'abcd--'", "4 b'--' b'abcde--' -> LimitOverrunError consumed=5 found",
      "4 b'--' b'abcde' -> waits (5 buffered)", "4 b'--' b'abcdef' -> LimitOverrunError consumed=5 not found",
      "4 (b'\\n', b'---') b'abcdef' -> waits (6 buffered)", "4 (b'\\n', b'---') b'abcdefg' -> LimitOverrunError consumed=5 not found",
      "1 b'\\n' b'\\n' -> b'\\n'", "1 b'\\n' b'x\\n' -> b'x\\n'", "1 b'\\n' b'xy\\n' -> LimitOverrunError consumed=2 found",
      "1 b'ab' b'xab' -> b'xab'", "1 b'ab' b'xyab' -> LimitOverrunError consumed=2 found",
    ]);
  });

  // StreamReader(limit=2) with set_transport(FakeTransport) logging pause/resume: 4 bytes (no
  // pause), 5 (pause, repr "paused"), 6; read(3) (3 left: still paused); read(1) (resume); feed
  // b"ghijk" (pause); readexactly(7) (resume); a pending read(1) and b"12345" fed (paused again
  // though a reader waits); read(1), read(10) (resume). A transport whose pause_reading raises
  // NotImplementedError is dropped from the reader
  it("pauses the transport above twice the limit and resumes it at the limit", async () => {
    const lines = await program(async (print) => {
      const log: string[] = [];
      const fake = {
        pauseReading: () => log.push("pause_reading"),
        resumeReading: () => log.push("resume_reading"),
        toString: () => "<FakeTransport>",
      } as unknown as Transport;
      const list = (): string => `[${log.map((entry) => `'${entry}'`).join(", ")}]`;
      const r = new StreamReader({ limit: 2 });
      r.setTransport(fake);
      r.feedData(b("abcd"));
      print("4 bytes", list(), r.toString());
      r.feedData(b("e"));
      print("5 bytes", list(), r.toString());
      r.feedData(b("f"));
      print("6 bytes, already paused", list());
      print(await r.read(3), list(), r.toString());
      print(await r.read(1), list(), r.toString());
      r.feedData(b("ghijk"));
      print("paused again", list());
      print(await r.readexactly(7), list());
      const t = createTask(() => r.read(1));
      await sleep(0);
      r.feedData(b("12345"));
      print("paused with a reader waiting?", log.at(-1), r.toString());
      print(await t, await r.read(10), log.at(-1), log.length);
      const noPause = {
        pauseReading: () => {
          throw new NotImplementedError();
        },
        toString: () => "<NoPause>",
      } as unknown as Transport;
      const r2 = new StreamReader({ limit: 1 });
      r2.setTransport(noPause);
      print(r2.toString());
      r2.feedData(b("xyz"));
      print("dropped", r2.toString());
    });
    expect(lines).toEqual([
      "4 bytes [] <StreamReader 4 bytes limit=2 transport=<FakeTransport>>",
      "5 bytes ['pause_reading'] <StreamReader 5 bytes limit=2 transport=<FakeTransport> paused>",
      "6 bytes, already paused ['pause_reading']",
      "b'abc' ['pause_reading'] <StreamReader 3 bytes limit=2 transport=<FakeTransport> paused>",
      "b'd' ['pause_reading', 'resume_reading'] <StreamReader 2 bytes limit=2 transport=<FakeTransport>>",
      "paused again ['pause_reading', 'resume_reading', 'pause_reading']",
      "b'efghijk' ['pause_reading', 'resume_reading', 'pause_reading', 'resume_reading']",
      "paused with a reader waiting? pause_reading <StreamReader 5 bytes limit=2 transport=<FakeTransport> paused>",
      "b'1' b'2345' resume_reading 6", "<StreamReader limit=1 transport=<NoPause>>", "dropped <StreamReader 3 bytes limit=1>",
    ]);
  });
});

describe("open_connection, start_server and their readers (CPython 3.13 parity)", () => {
  // start_server(limit=7), open_connection(limit=5): reprs of both readers and writers; the
  // server writes b"abcdefgh\nok\n": client readline -> ValueError, then b"ok\n"; the client
  // writes b"123456789" + write_eof: handler readuntil -> LimitOverrunError(consumed=9), read()
  // gets the bytes; reprs at EOF and after close keep the transport
  it("hands the limit to both readers and shows it in their reprs", async () => {
    const lines = await program(async (print) => {
      const log: string[] = [];
      const done = getRunningLoop().createFuture<void>() as Future<void>;
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        log.push(`server reader ${norm(reader.toString())}`);
        log.push(`server writer ${norm(writer.toString())}`);
        writer.write(b("abcdefgh\nok\n"));
        const e = await raised(() => reader.readuntil(b("\n")));
        if (!(e instanceof LimitOverrunError)) throw e;
        log.push(`server LimitOverrunError ${e.consumed}`);
        log.push(`server rest ${show(await reader.read())}`);
        writer.close();
        await writer.waitClosed();
        done.setResult(undefined);
      };
      const server = await startServer(handle, "127.0.0.1", 0, { limit: 7 });
      const [r, w] = await openConnection("127.0.0.1", portOf(server), { limit: 5 });
      print("client reader", norm(r.toString()));
      print("client writer", norm(w.toString()));
      const e = await raised(() => r.readline());
      print(pyType(e), (e as Error).message);
      print(await r.readline());
      w.write(b("123456789"));
      await w.drain();
      w.writeEof();
      await done;
      print(log.join("\n"));
      print("at eof", await r.read(), norm(r.toString()));
      w.close();
      await w.waitClosed();
      print("closed", norm(r.toString()));
      server.close();
      await server.waitClosed();
    });
    expect(lines.join("\n").split("\n")).toEqual([
      "client reader <StreamReader limit=5 transport=<T>>",
      "client writer <StreamWriter transport=<T> reader=<StreamReader limit=5 transport=<T>>>",
      "ValueError Separator is found, but chunk is longer than limit", "b'ok\\n'",
      "server reader <StreamReader limit=7 transport=<T>>",
      "server writer <StreamWriter transport=<T> reader=<StreamReader limit=7 transport=<T>>>",
      "server LimitOverrunError 9", "server rest b'123456789'", "at eof b'' <StreamReader eof limit=5 transport=<T>>",
      "closed <StreamReader eof limit=5 transport=<T>>",
    ]);
  });

  // start_unix_server in a temp dir: sockets (one, AF_UNIX, SOCK_STREAM, the path); the client's
  // sockname '' and peername the path, the server's the reverse; echo upper-cased; the path is
  // removed on close, kept with cleanup_socket=False
  it("gives Unix sockets Python's address shapes and removes the path on close", async () => {
    const lines = await program(async (print) => {
      const path = unixSocketPath();
      const P = (value: unknown): string => (value === path ? "PATH" : `'${String(value)}'`);
      const info = getRunningLoop().createFuture<[unknown, unknown]>() as Future<[unknown, unknown]>;
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        info.setResult([writer.getExtraInfo("sockname"), writer.getExtraInfo("peername")]);
        writer.write(b((await reader.readline()).toString("latin1").toUpperCase()));
        await writer.drain();
        writer.close();
      };
      const server = await startUnixServer(handle, path);
      const s = server.sockets;
      print("sockets", s.length, s[0]!.family === AF_UNIX, s[0]!.type === SOCK_STREAM, P(s[0]!.getsockname()));
      const [r, w] = await openUnixConnection(path);
      print("client sockname", P(w.getExtraInfo("sockname")), "peername", P(w.getExtraInfo("peername")));
      w.write(b("hello unix\n"));
      print(await r.readline(), await r.read(), r.atEof());
      const [sn, pn] = await info;
      print("server sockname", P(sn), "peername", P(pn));
      w.close();
      await w.waitClosed();
      print("path exists while serving", existsSync(path));
      server.close();
      await server.waitClosed();
      print("path exists after close", existsSync(path));
      const server2 = await startUnixServer(handle, path, { cleanupSocket: false });
      server2.close();
      await server2.waitClosed();
      print("cleanup_socket=False leaves it", existsSync(path));
    });
    expect(lines).toEqual([
      "sockets 1 True True PATH", "client sockname '' peername PATH",
      "b'HELLO UNIX\\n' b'' True", "server sockname PATH peername ''", "path exists while serving True",
      "path exists after close False", "cleanup_socket=False leaves it True",
    ]);
  });
});

describe("StreamWriter edges on 127.0.0.1 (CPython 3.13 parity)", () => {
  // handler writes b"bye" and closes. Client: read() -> b"bye", at_eof, exception(); is_closing
  // False (half-closed), can_write_eof; drain() succeeds; a wait_closed() task stays pending until
  // close(); drain() after -> ConnectionResetError; read() / readline() b''
  it("stays half-open after the peer's EOF: drain works, wait_closed waits for our close", async () => {
    const lines = await program(async (print) => {
      const server = await startServer(async (_reader, writer) => {
        writer.write(b("bye"));
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", portOf(server));
      print("read", await r.read(), r.atEof(), r.exception());
      print("is_closing", w.isClosing(), "can_write_eof", w.canWriteEof());
      await w.drain();
      print("drain ok");
      const wc = createTask(() => w.waitClosed());
      for (let i = 0; i < 5; i++) await sleep(0);
      print("wait_closed done before close?", wc.done());
      w.close();
      print("is_closing", w.isClosing());
      await wc;
      print("wait_closed", wc.done(), wc.result());
      const e = await raised(() => w.drain());
      if (!(e instanceof ConnectionResetError)) throw e;
      print("drain after close", e.name, `('${e.message}',)`);
      print("read again", await r.read(), await r.readline());
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "read b'bye' True None", "is_closing False can_write_eof True", "drain ok", "wait_closed done before close? False",
      "is_closing True", "wait_closed True None", "drain after close ConnectionResetError ('Connection lost',)",
      "read again b'' b''",
    ]);
  });

  // write b"data", can_write_eof, write_eof, is_closing; then write(b""), write("text"),
  // write(bytearray(b"z")): RuntimeError / TypeError (type checked first); the server gets
  // b"data"; close(), write_eof() (no-op), is_closing, can_write_eof, write -> still RuntimeError.
  // Second client: close(), write_eof() (no-op), write(b"dropped") accepted and dropped
  it("checks the type before the EOF state, and ignores write_eof after close", async () => {
    const lines = await program(async (print) => {
      const got = new Queue<Buffer>();
      const server = await startServer(async (reader, writer) => {
        got.putNowait(await reader.read());
        writer.close();
      }, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", portOf(server));
      w.write(b("data"));
      print("can_write_eof", w.canWriteEof());
      w.writeEof();
      print("after write_eof: closing", w.isClosing());
      const attempts: [string, unknown][] = [["empty", b("")], ["str", "text"], ["bytearray", new Uint8Array([0x7a])]];
      for (const [label, data] of attempts) {
        try {
          w.write(data as Uint8Array);
          print(label, "accepted");
        } catch (error) {
          print(label, pyType(error), (error as Error).message);
        }
      }
      print("server got", await got.get());
      print("client read", await r.read());
      w.close();
      w.writeEof();
      print("write_eof after close ok, closing", w.isClosing(), "can_write_eof", w.canWriteEof());
      try {
        w.write(b("late"));
      } catch (error) {
        print("write after close", pyType(error), (error as Error).message);
      }
      await w.waitClosed();
      const [, w2] = await openConnection("127.0.0.1", portOf(server));
      w2.close();
      w2.writeEof();
      w2.write(b("dropped"));
      print("closed before write_eof: writes accepted, closing", w2.isClosing());
      await w2.waitClosed();
      print("server got", await got.get());
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "can_write_eof True", "after write_eof: closing False", "empty RuntimeError Cannot call write() after write_eof()",
      "str TypeError data argument must be a bytes-like object, not 'str'",
      "bytearray RuntimeError Cannot call write() after write_eof()", "server got b'data'", "client read b''",
      "write_eof after close ok, closing True can_write_eof True",
      "write after close RuntimeError Cannot call write() after write_eof()",
      "closed before write_eof: writes accepted, closing True", "server got b''",
    ]);
  });

  // r.set_exception(ValueError("reader broke")): drain() raises it (the same object); the
  // transport is aborted: is_closing, drain() still raises the reader's error first; the server
  // reads b'' (EOF). Second client: abort(), drain() -> ConnectionResetError('Connection lost'),
  // wait_closed() returns, read() b''; the server reads b''
  it("raises the reader's exception from drain before the lost connection", async () => {
    const lines = await program(async (print) => {
      const got = new Queue<Buffer>();
      const server = await startServer(async (reader, writer) => {
        got.putNowait(await reader.read());
        writer.close();
      }, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", portOf(server));
      const err = new RangeError("reader broke");
      r.setException(err);
      const e = await raised(() => w.drain());
      print("drain raised", pyError(e), e === err);
      w.transport.abort();
      print("aborted: closing", w.isClosing());
      print("drain raised", pyError(await raised(() => w.drain())));
      await w.waitClosed();
      print("server got", await got.get());
      const [r2, w2] = await openConnection("127.0.0.1", portOf(server));
      w2.transport.abort();
      const e2 = await raised(() => w2.drain());
      if (!(e2 instanceof ConnectionResetError)) throw e2;
      print("drain after abort", e2.name, `('${e2.message}',)`);
      try {
        await w2.waitClosed();
        print("wait_closed after abort ok");
      } catch (error) {
        print("wait_closed raised", pyError(error));
      }
      print("reader after abort", await r2.read(), r2.atEof());
      print("server got", await got.get());
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "drain raised ValueError('reader broke') True", "aborted: closing True", "drain raised ValueError('reader broke')",
      "server got b''", "drain after abort ConnectionResetError ('Connection lost',)", "wait_closed after abort ok",
      "reader after abort b'' True", "server got b''",
    ]);
  });

  // the server writes, one drain per step: b"ab\r", b"\ncd", b"|x", b"y|": readuntil(b"\r\n"),
  // readuntil((b"||", b"y|")); then b"l1\n", b"l2\nl", b"3", b"12", EOF: async for breaks after
  // b"l2\n"; readexactly(6) -> IncompleteReadError(b"l312", 6); at_eof, readline(), read(5)
  it("reads separators split across TCP writes and reports EOF inside readexactly", async () => {
    const lines = await program(async (print) => {
      const steps = new Queue<Buffer | null>();
      const server = await startServer(async (_reader, writer) => {
        for (let chunk = await steps.get(); chunk !== null; chunk = await steps.get()) {
          writer.write(chunk);
          await writer.drain();
        }
        writer.close();
      }, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", portOf(server));
      for (const chunk of ["ab\r", "\ncd", "|x", "y|"]) steps.putNowait(b(chunk));
      print(await r.readuntil(b("\r\n")), await r.readuntil([b("||"), b("y|")]));
      for (const chunk of ["l1\n", "l2\nl", "3", "12", null]) steps.putNowait(chunk === null ? null : b(chunk));
      const got: Buffer[] = [];
      for await (const line of r) {
        got.push(line);
        if (line.equals(b("l2\n"))) break;
      }
      print(got);
      const e = await raised(() => r.readexactly(6));
      if (!(e instanceof IncompleteReadError)) throw e;
      print("IncompleteReadError", e.partial, e.expected);
      print("at_eof", r.atEof(), await r.readline(), await r.read(5));
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "b'ab\\r\\n' b'cd|xy|'", "[b'l1\\n', b'l2\\n']", "IncompleteReadError b'l312' 6", "at_eof True b'' b''",
    ]);
  });
});

describe("Server lifecycle edges (CPython 3.13 parity)", () => {
  // handler: reads to EOF, logs (data, at_eof, writer closing). client1 connects; close_clients():
  // still serving, one socket; client1 reads b''. client2 sends b"ping", client3 connects;
  // abort_clients(): both read b''; handler lines sorted; close, wait_closed, is_serving
  it("closes or aborts the current clients and keeps serving new ones", async () => {
    const lines = await program(async (print) => {
      const log: string[] = [];
      const started = new Queue<null>();
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        started.putNowait(null);
        const data = await reader.read();
        log.push(`handler read ${show(data)} at_eof=${show(reader.atEof())} closing=${show(writer.isClosing())}`);
      };
      const server = await startServer(handle, "127.0.0.1", 0);
      const port = portOf(server);
      const [r1, w1] = await openConnection("127.0.0.1", port);
      await started.get();
      server.closeClients();
      print("after close_clients: serving", server.isServing(), server.sockets.length);
      print("client1 read", await r1.read(), r1.atEof(), "closing", w1.isClosing());
      const [r2, w2] = await openConnection("127.0.0.1", port);
      await started.get();
      w2.write(b("ping"));
      await w2.drain();
      const [r3, w3] = await openConnection("127.0.0.1", port);
      await started.get();
      server.abortClients();
      print("client2 read", await r2.read(), r2.atEof());
      print("client3 read", await r3.read(), r3.atEof());
      for (let i = 0; i < 5; i++) await sleep(0);
      print(log.sort().join("\n"));
      for (const w of [w1, w2, w3]) {
        w.close();
        await w.waitClosed();
      }
      server.close();
      await server.waitClosed();
      print("closed", server.isServing());
    });
    expect(lines.join("\n").split("\n")).toEqual([
      "after close_clients: serving True 1", "client1 read b'' True closing False", "client2 read b'' True",
      "client3 read b'' True", "handler read b'' at_eof=True closing=True", "handler read b'' at_eof=True closing=True",
      "handler read b'ping' at_eof=True closing=True", "closed False",
    ]);
  });

  // handler writes 4_000_000 bytes without drain, hands its writer over, then reads to EOF;
  // close_clients(): the writer is closing at once, yet the client reads every byte, then EOF
  it("flushes what a client's writer buffered before close_clients closes it", async () => {
    const lines = await program(async (print) => {
      const size = 4_000_000;
      const written = getRunningLoop().createFuture<StreamWriter>() as Future<StreamWriter>;
      const log: string[] = [];
      const server = await startServer(async (reader, writer) => {
        writer.write(Buffer.alloc(size, "x"));
        written.setResult(writer);
        log.push(`handler read ${show(await reader.read())}`);
      }, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", portOf(server));
      const sw = await written;
      server.closeClients();
      print("server writer closing", sw.isClosing());
      const data = await r.read();
      print("client got", data.length, data.equals(Buffer.alloc(size, "x")), r.atEof());
      await sw.waitClosed();
      print(log.join("\n"));
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual(["server writer closing True", "client got 4000000 True True", "handler read b''"]);
  });

  // start_server(start_serving=False): is_serving False, one socket (the README's "startServing:
  // false still listens" is not observed: nobody connects before start_serving); start_serving()
  // twice; an echo. A second such server: serve_forever() starts it; an echo; cancel -> closed
  it("starts a server created with start_serving=False by start_serving or serve_forever", async () => {
    const lines = await program(async (print) => {
      const handle = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        writer.write(await reader.readline());
        await writer.drain();
        writer.close();
      };
      const server = await startServer(handle, "127.0.0.1", 0, { startServing: false });
      print("created", server.isServing(), server.sockets.length);
      const port = portOf(server);
      await server.startServing();
      print("start_serving", server.isServing());
      await server.startServing();
      print("again", server.isServing());
      let [r, w] = await openConnection("127.0.0.1", port);
      w.write(b("one\n"));
      print(await r.readline(), await r.read());
      w.close();
      await w.waitClosed();
      const server2 = await startServer(handle, "127.0.0.1", 0, { startServing: false });
      const port2 = portOf(server2);
      const t = createTask(() => server2.serveForever());
      await sleep(0);
      print("serve_forever serving", server2.isServing());
      [r, w] = await openConnection("127.0.0.1", port2);
      w.write(b("two\n"));
      print(await r.readline());
      w.close();
      await w.waitClosed();
      t.cancel();
      const e = await raised(() => t);
      if (!(e instanceof CancelledError)) throw e;
      print("cancelled", server2.isServing(), server2.sockets.length);
      server.close();
      await server.waitClosed();
      print("closed", server.isServing(), server.sockets.length);
    });
    expect(lines).toEqual([
      "created False 1", "start_serving True", "again True", "b'one\\n' b''", "serve_forever serving True", "b'two\\n'",
      "cancelled False 0", "closed False 0",
    ]);
  });

  // a client connected, its handler in read(); `async with server` exits in a task: the exit
  // closes the listener and waits for the client (3.12+); the client writes b"last" + EOF; the
  // handler closes; the exit returns. Log order: enter, handler, exited
  it("waits for open clients when leaving async with", async () => {
    const lines = await program(async (print) => {
      const log: string[] = [];
      const started = getRunningLoop().createFuture<void>() as Future<void>;
      const server = await startServer(async (reader, writer) => {
        started.setResult(undefined);
        log.push(`handler read ${show(await reader.read())}`);
        writer.close();
      }, "127.0.0.1", 0);
      const [r, w] = await openConnection("127.0.0.1", portOf(server));
      await started;
      const t = createTask(async () => {
        await asyncWith(server, async (s) => {
          log.push(`enter returns the server ${show(s === server)} ${show(s.isServing())}`);
        });
        log.push("exited");
      });
      for (let i = 0; i < 10; i++) await sleep(0);
      print("exit waiting for the client?", !t.done(), server.isServing(), server.sockets.length);
      w.write(b("last"));
      w.writeEof();
      print("client read", await r.read());
      await t;
      print(log.join("\n"));
      w.close();
      await w.waitClosed();
    });
    expect(lines.join("\n").split("\n")).toEqual([
      "exit waiting for the client? True False 0", "client read b''", "enter returns the server True True",
      "handler read b'last'", "exited",
    ]);
  });

  // two wait_closed() tasks before close(): pending while serving; close() twice; two
  // iterations later both are done; a third returns at once
  it("lets wait_closed wait for a close that has not happened yet", async () => {
    const lines = await program(async (print) => {
      const server = await startServer((_reader, writer) => writer.close(), "127.0.0.1", 0);
      const w1 = createTask(() => server.waitClosed());
      const w2 = createTask(() => server.waitClosed());
      for (let i = 0; i < 5; i++) await sleep(0);
      print("before close", w1.done(), w2.done(), server.isServing());
      server.close();
      server.close();
      await sleep(0);
      await sleep(0);
      print("after close", w1.done(), w2.done(), server.isServing());
      await server.waitClosed();
      print("third returns at once");
    });
    expect(lines).toEqual(["before close False False True", "after close True True False", "third returns at once"]);
  });

  // serve_forever() in a task, a client connected (handler in read()); cancel("stop"): ten
  // iterations later still pending (closing waits for the client), not serving, no sockets; the
  // client closes -> CancelledError('stop'), cancelled(); a new connection is refused
  it("finishes a cancelled serve_forever only when its clients are gone", async () => {
    const lines = await program(async (print) => {
      const started = getRunningLoop().createFuture<void>() as Future<void>;
      const server = await startServer(async (reader, writer) => {
        started.setResult(undefined);
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      const port = portOf(server);
      const t = createTask(() => server.serveForever());
      const [, w] = await openConnection("127.0.0.1", port);
      await started;
      t.cancel("stop");
      for (let i = 0; i < 10; i++) await sleep(0);
      print("cancel pending while the client is open", t.done(), server.isServing(), server.sockets.length);
      w.close();
      await w.waitClosed();
      const e = await raised(() => t);
      if (!(e instanceof CancelledError)) throw e;
      print("serve_forever raised CancelledError", `('${e.message}',)`, t.cancelled());
      print(pyType(await raised(() => openConnection("127.0.0.1", port))));
    });
    expect(lines).toEqual([
      "cancel pending while the client is open False False 0", "serve_forever raised CancelledError ('stop',) True",
      "ConnectionRefusedError",
    ]);
  });

  // echo handler (async for over lines); client gets b"echo a\n"; server.close(): not serving,
  // no sockets, wait_closed() in a task; the open connection still echoes b"b\n"; a new one is
  // refused; wait_closed pending; b"c" + EOF -> b"echo c" and EOF; wait_closed returns
  it("keeps established connections working after close()", async () => {
    const lines = await program(async (print) => {
      const server = await startServer(async (reader, writer) => {
        for await (const line of reader) {
          writer.write(Buffer.concat([b("echo "), line]));
          await writer.drain();
        }
        writer.close();
      }, "127.0.0.1", 0);
      const port = portOf(server);
      const [r, w] = await openConnection("127.0.0.1", port);
      w.write(b("a\n"));
      print(await r.readline());
      server.close();
      print("closed listener", server.isServing(), server.sockets.length);
      const wc = createTask(() => server.waitClosed());
      w.write(b("b\n"));
      print("still connected", await r.readline());
      const e = await raised(() => openConnection("127.0.0.1", port));
      if (pyType(e) === "ConnectionRefusedError") print("new connection refused");
      print("wait_closed done?", wc.done());
      w.write(b("c"));
      w.writeEof();
      print(await r.read());
      await wc;
      print("wait_closed returned", r.atEof());
      w.close();
      await w.waitClosed();
    });
    expect(lines).toEqual([
      "b'echo a\\n'", "closed listener False 0", "still connected b'echo b\\n'", "new connection refused",
      "wait_closed done? False", "b'echo c'", "wait_closed returned True",
    ]);
  });
});

describe("more connections (CPython 3.13 parity)", () => {
  // open_unix_connection(limit=8); writelines([b"a\n", b"bb\n", b"ccc"]), write_eof; the
  // handler counts lines by async for, writes b"3 lines\nno nl", prints can_write_eof and
  // is_closing, write_eof, reads to EOF, closes; the client's async for gets both lines
  it("half-closes a Unix connection with write_eof and answers after the EOF", async () => {
    const lines = await program(async (print) => {
      const path = unixSocketPath();
      const server = await startUnixServer(async (reader, writer) => {
        let n = 0;
        for await (const _line of reader) n += 1;
        writer.write(b(`${n} lines\nno nl`));
        print("server: can_write_eof", writer.canWriteEof(), "closing", writer.isClosing());
        writer.writeEof();
        await reader.read();
        writer.close();
      }, path);
      const [r, w] = await openUnixConnection(path, { limit: 8 });
      w.writelines([b("a\n"), b("bb\n"), b("ccc")]);
      print("client: can_write_eof", w.canWriteEof());
      w.writeEof();
      const got = [];
      for await (const line of r) got.push(line);
      print(got, r.atEof());
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "client: can_write_eof True", "server: can_write_eof True closing False", "[b'3 lines\\n', b'no nl'] True",
    ]);
  });

  // get_extra_info("socket") on both ends of a TCP connection: AF_INET, SOCK_STREAM, and its
  // getsockname()/getpeername() equal get_extra_info("sockname"/"peername")
  it("gives a TCP connection a socket view that agrees with sockname and peername", async () => {
    const lines = await program(async (print) => {
      interface View {
        family: number;
        type: number;
        getsockname(): unknown;
        getpeername(): unknown;
      }
      const check = (w: StreamWriter): boolean[] => {
        const s = w.getExtraInfo("socket") as View;
        return [s.family === AF_INET, s.type === SOCK_STREAM, sameAddress(s.getsockname(), w.getExtraInfo("sockname")),
          sameAddress(s.getpeername(), w.getExtraInfo("peername"))];
      };
      const q = new Queue<boolean[]>();
      const server = await startServer(async (reader, writer) => {
        q.putNowait(check(writer));
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      const port = portOf(server);
      const [, w] = await openConnection("127.0.0.1", port);
      const peer = (w.getExtraInfo("socket") as View).getpeername() as Address;
      print("client", ...check(w), peer[1] === port);
      print("server", ...(await q.get()));
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual(["client True True True True True", "server True True True True"]);
  });

  // callback(reader, writer) is a plain function returning work(reader, writer): the coroutine
  // runs as a task; b"hi\n" -> b"ok hi\n"; b"boom\n" raises LookupError('boom'): the client reads
  // b'', the loop's handler gets one context (message, exception, keys)
  it("runs the promise a plain callback returns, and reports its failure", async () => {
    class LookupError extends Error {
      override name = "LookupError";
    }
    const lines = await program(async (print) => {
      const contexts: ExceptionContext[] = [];
      getRunningLoop().setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      const work = async (reader: Reader, writer: StreamWriter): Promise<void> => {
        const line = await reader.readline();
        if (line.equals(b("boom\n"))) throw new LookupError("boom");
        writer.write(Buffer.concat([b("ok "), line]));
        await writer.drain();
        writer.close();
      };
      const callback = (reader: Reader, writer: StreamWriter): Promise<void> => work(reader, writer);
      const server = await startServer(callback, "127.0.0.1", 0);
      for (const cmd of ["hi\n", "boom\n"]) {
        const [r, w] = await openConnection("127.0.0.1", portOf(server));
        w.write(b(cmd));
        print(b(cmd), "->", await r.read());
        w.close();
        await w.waitClosed();
      }
      for (const context of contexts) {
        const keys = Object.keys(context).sort().map((key) => `'${key}'`);
        print(context.message, pyError(context.exception), `[${keys.join(", ")}]`);
      }
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "b'hi\\n' -> b'ok hi\\n'", "b'boom\\n' -> b''",
      "Unhandled exception in client_connected_cb LookupError('boom') ['exception', 'message', 'transport']",
    ]);
  });

  // limit=10 on both ends: the client sends 1_024_000 bytes and EOF; the handler reads
  // readexactly(600_000) then read() (sizes, sha256 of the whole), readexactly(1) ->
  // IncompleteReadError(b'', 1), then sends the payload back: readexactly(5) + read()
  it("lets readexactly and read(-1) take any size whatever the limit", async () => {
    const lines = await program(async (print) => {
      const payload = Buffer.alloc(1_024_000);
      for (let i = 0; i < payload.length; i++) payload[i] = i % 256;
      const digest = (data: Buffer): string => createHash("sha256").update(data).digest("hex");
      const q = new Queue<string>();
      const server = await startServer(async (reader, writer) => {
        const first = await reader.readexactly(600_000);
        const rest = await reader.read();
        q.putNowait(`(${first.length}, ${rest.length}, ${show(digest(Buffer.concat([first, rest])) === digest(payload))})`);
        const e = await raised(() => reader.readexactly(1));
        if (!(e instanceof IncompleteReadError)) throw e;
        q.putNowait(`('IncompleteReadError', ${show(e.partial)}, ${e.expected})`);
        writer.write(payload);
        await writer.drain();
        writer.close();
      }, "127.0.0.1", 0, { limit: 10 });
      const [r, w] = await openConnection("127.0.0.1", portOf(server), { limit: 10 });
      w.write(payload);
      await w.drain();
      w.writeEof();
      print("server", await q.get());
      print("server", await q.get());
      const head = await r.readexactly(5);
      const data = Buffer.concat([head, await r.read()]);
      print("client", head, data.length, data.equals(payload), r.atEof());
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "server (600000, 424000, True)", "server ('IncompleteReadError', b'', 1)",
      "client b'\\x00\\x01\\x02\\x03\\x04' 1024000 True True",
    ]);
  });

  // the client connects and closes at once. The handler: read(5), readline(), at_eof(),
  // readexactly(1) and readuntil(b"\r\n") -> IncompleteReadError, async for -> [], is_closing()
  // False, drain() ok, close(), wait_closed()
  it("shows a handler whose client already left nothing but EOF", async () => {
    const lines = await program(async (print) => {
      const q = new Queue<unknown[]>();
      const server = await startServer(async (reader, writer) => {
        const out: unknown[] = [await reader.read(5), await reader.readline(), reader.atEof()];
        for (const call of [() => reader.readexactly(1), () => reader.readuntil(b("\r\n"))]) {
          const e = await raised(call);
          if (!(e instanceof IncompleteReadError)) throw e;
          out.push(`IncompleteReadError ${show(e.partial)} ${show(e.expected)}`);
        }
        out.push(await allLines(reader));
        out.push(writer.isClosing());
        await writer.drain();
        out.push("drain ok");
        writer.close();
        await writer.waitClosed();
        out.push("closed");
        q.putNowait(out);
      }, "127.0.0.1", 0);
      const [, w] = await openConnection("127.0.0.1", portOf(server));
      w.close();
      await w.waitClosed();
      for (const item of await q.get()) print(item);
      server.close();
      await server.waitClosed();
    });
    expect(lines).toEqual([
      "b''", "b''", "True", "IncompleteReadError b'' 1", "IncompleteReadError b'' None", "[]", "False", "drain ok", "closed",
    ]);
  });

  // argument errors before any connection: open_connection() without host/port/sock;
  // server_hostname / ssl_handshake_timeout / ssl_shutdown_timeout without ssl (client and
  // server); open_unix_connection() without path; server_hostname on a Unix connection;
  // start_unix_server() without path; start_server(limit=0) (fails only per connection)
  it("rejects meaningless arguments with Python's ValueError messages", async () => {
    const lines = await program(async (print) => {
      const noop = (): void => undefined;
      const calls: [string, () => Promise<unknown>][] = [
        ["open_connection()", () => openConnection()],
        ["server_hostname", () => openConnection("127.0.0.1", 1, { serverHostname: "x" })],
        ["ssl_handshake_timeout", () => openConnection("127.0.0.1", 1, { sslHandshakeTimeout: 1 })],
        ["ssl_shutdown_timeout", () => openConnection("127.0.0.1", 1, { sslShutdownTimeout: 1 })],
        ["server ssl_handshake_timeout", () => startServer(noop, "127.0.0.1", 0, { sslHandshakeTimeout: 1 })],
        ["open_unix_connection()", () => openUnixConnection()],
        ["unix server_hostname", () => openUnixConnection("/nonexistent", { serverHostname: "x" })],
        ["start_unix_server()", () => startUnixServer(noop)],
        ["limit=0 server", () => startServer(noop, "127.0.0.1", 0, { limit: 0 })],
      ];
      for (const [name, call] of calls) {
        try {
          const res = await call();
          print(name, "->", (res as object).constructor.name);
          (res as Server).close();
          await (res as Server).waitClosed();
        } catch (error) {
          print(name, pyType(error), (error as Error).message);
        }
      }
    });
    expect(lines).toEqual([
      "open_connection() ValueError host and port was not specified and no sock specified",
      "server_hostname ValueError server_hostname is only meaningful with ssl",
      "ssl_handshake_timeout ValueError ssl_handshake_timeout is only meaningful with ssl",
      "ssl_shutdown_timeout ValueError ssl_shutdown_timeout is only meaningful with ssl",
      "server ssl_handshake_timeout ValueError ssl_handshake_timeout is only meaningful with ssl",
      "open_unix_connection() ValueError no path and sock were specified",
      "unix server_hostname ValueError server_hostname is only meaningful with ssl",
      "start_unix_server() ValueError path was not specified, and no sock specified", "limit=0 server -> Server",
    ]);
  });

  // start_server(["127.0.0.1", "127.0.0.1"], 0): one socket; ["127.0.0.1", "::1"]: two (sorted by
  // family; name lengths and flowinfo/scope_id); a client on ::1: peername/sockname 4-tuples, the
  // socket view's family, the server sees the same addresses; read() b''; closed: no sockets
  it.skipIf(!hasIPv6)("binds a host list once per distinct address, with IPv6 4-tuples", async () => {
    const lines = await program(async (print) => {
      const tuple = (items: unknown[]): string => `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
      const info = new Queue<[unknown, unknown]>();
      const handle = (_reader: Reader, writer: StreamWriter): void => {
        info.putNowait([writer.getExtraInfo("sockname"), writer.getExtraInfo("peername")]);
        writer.close();
      };
      const s1 = await startServer(handle, ["127.0.0.1", "127.0.0.1"], 0);
      print("duplicate hosts", s1.sockets.length);
      s1.close();
      await s1.waitClosed();
      const server = await startServer(handle, ["127.0.0.1", "::1"], 0);
      const socks = [...server.sockets].sort((x, y) => x.family - y.family);
      print("sockets", socks.length, socks.map((s) => s.family === AF_INET6));
      for (const s of socks) {
        const name = s.getsockname() as unknown[];
        print(" ", name[0], name.length, tuple(name.slice(2)));
      }
      const port6 = (socks[1]!.getsockname() as Address)[1];
      const [r, w] = await openConnection("::1", port6);
      const peer = w.getExtraInfo("peername") as unknown[];
      const sockname = w.getExtraInfo("sockname") as unknown[];
      print("client peername", peer[0], peer[1] === port6, tuple(peer.slice(2)), "sockname", sockname[0], sockname.length);
      print("socket family", (w.getExtraInfo("socket") as { family: number }).family === AF_INET6);
      const [sn, pn] = await info.get();
      print("server sees", sameAddress(sn, peer), sameAddress(pn, sockname));
      print("read", await r.read());
      w.close();
      await w.waitClosed();
      server.close();
      await server.waitClosed();
      print("closed", server.sockets.length);
    });
    expect(lines).toEqual([
      "duplicate hosts 1", "sockets 2 [False, True]", "  127.0.0.1 2 ()", "  ::1 4 (0, 0)",
      "client peername ::1 True (0, 0) sockname ::1 4", "socket family True", "server sees True True", "read b''", "closed 0",
    ]);
  });
});
