import { IncompleteReadError, LimitOverrunError, RuntimeError, isCancelledError } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { FlowControlMixin, StreamReader, StreamReaderProtocol } from "@aio/streams";
import { gather, sleep, wait } from "@aio/tasks";
import { AssertionError } from "node:assert";
import { describe, expect, it } from "vitest";
import { inLoop, runBriefly } from "./support/loop.js";

const DATA = Buffer.from("line1\nline2\nline3\n");
const b = (text: string): Buffer => Buffer.from(text);

/** The bytes held in the reader's buffer (Python's `stream._buffer`), without consuming them. */
function buffered(stream: StreamReader): Buffer {
  const length = stream._buffer.length;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = stream._buffer.byteAt(i);
  return bytes;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("StreamReader", () => {
  // mirrors test_streams.py::test_feed_empty_data
  it("ignores empty data", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b(""));
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_feed_nonempty_data
  it("buffers fed data", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(DATA);
      expect(buffered(stream)).toEqual(DATA);
    });
  });

  // mirrors test_streams.py::test_read_zero
  it("reads zero bytes without consuming", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(DATA);
      expect(await stream.read(0)).toEqual(b(""));
      expect(buffered(stream)).toEqual(DATA);
    });
  });

  // mirrors test_streams.py::test_read
  it("waits for data and returns what arrives", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const readTask = loop.createTask(() => stream.read(30));
      loop.callSoon(() => stream.feedData(DATA));
      expect(await readTask).toEqual(DATA);
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_read_line_breaks
  it("reads across fed chunks without line breaks", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("line1"));
      stream.feedData(b("line2"));
      expect(await stream.read(5)).toEqual(b("line1"));
      expect(buffered(stream)).toEqual(b("line2"));
    });
  });

  // mirrors test_streams.py::test_read_eof
  it("returns empty bytes at EOF", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const readTask = loop.createTask(() => stream.read(1024));
      loop.callSoon(() => stream.feedEof());
      expect(await readTask).toEqual(b(""));
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_read_until_eof
  it("reads everything until EOF with n = -1", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const readTask = loop.createTask(() => stream.read(-1));
      loop.callSoon(() => {
        stream.feedData(b("chunk1\n"));
        stream.feedData(b("chunk2"));
        stream.feedEof();
      });
      expect(await readTask).toEqual(b("chunk1\nchunk2"));
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  it("reads everything until EOF by default (n omitted)", async () => {
    await inLoop(async () => {
      const stream = new StreamReader({ limit: 2 });
      stream.feedData(b("abcdefg"));
      stream.feedEof();
      expect(await stream.read()).toEqual(b("abcdefg"));
    });
  });

  // mirrors test_streams.py::test_read_exception
  it("raises the set exception from read", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("line\n"));
      expect(await stream.read(2)).toEqual(b("li"));
      const error = new RangeError();
      stream.setException(error);
      expect(await rejection(stream.read(2))).toBe(error);
    });
  });

  // mirrors test_streams.py::test_invalid_limit
  it("rejects a limit <= 0", async () => {
    await inLoop(async () => {
      expect(() => new StreamReader({ limit: 0 })).toThrow(RangeError);
      expect(() => new StreamReader({ limit: 0 })).toThrow(/imit/);
      expect(() => new StreamReader(-1)).toThrow("Limit cannot be <= 0");
    });
  });

  // mirrors test_streams.py::test_read_limit
  it("reads more than the limit with read(n)", async () => {
    await inLoop(async () => {
      const stream = new StreamReader({ limit: 3 });
      stream.feedData(b("chunk"));
      expect(await stream.read(5)).toEqual(b("chunk"));
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readline
  it("waits for the newline across chunks", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      stream.feedData(b("chunk1 "));
      const readTask = loop.createTask(() => stream.readline());
      loop.callSoon(() => {
        stream.feedData(b("chunk2 "));
        stream.feedData(b("chunk3 "));
        stream.feedData(b("\n chunk4"));
      });
      expect(await readTask).toEqual(b("chunk1 chunk2 chunk3 \n"));
      expect(buffered(stream)).toEqual(b(" chunk4"));
    });
  });

  // mirrors test_streams.py::test_readline_limit_with_existing_data
  it("drops an over-long line already buffered up to its newline", async () => {
    await inLoop(async () => {
      let stream = new StreamReader({ limit: 3 });
      stream.feedData(b("li"));
      stream.feedData(b("ne1\nline2\n"));
      expect(await rejection(stream.readline())).toBeInstanceOf(RangeError);
      expect(buffered(stream)).toEqual(b("line2\n"));

      stream = new StreamReader({ limit: 3 });
      stream.feedData(b("li"));
      stream.feedData(b("ne1"));
      stream.feedData(b("li"));
      expect(await rejection(stream.readline())).toBeInstanceOf(RangeError);
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_at_eof
  it("is at EOF only once EOF was fed and the buffer is empty", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      expect(stream.atEof()).toBe(false);
      stream.feedData(b("some data\n"));
      expect(stream.atEof()).toBe(false);
      await stream.readline();
      expect(stream.atEof()).toBe(false);
      stream.feedData(b("some data\n"));
      stream.feedEof();
      await stream.readline();
      expect(stream.atEof()).toBe(true);
    });
  });

  // mirrors test_streams.py::test_readline_limit
  it("raises RangeError for lines over the limit and leaves Python's buffer state", async () => {
    await inLoop(async (loop) => {
      let stream = new StreamReader({ limit: 7 });
      loop.callSoon(() => {
        stream.feedData(b("chunk1"));
        stream.feedData(b("chunk2"));
        stream.feedData(b("chunk3\n"));
        stream.feedEof();
      });
      let error = await rejection(stream.readline());
      expect(error).toBeInstanceOf(RangeError);
      expect(buffered(stream)).toEqual(b(""));

      stream = new StreamReader({ limit: 7 });
      loop.callSoon(() => {
        stream.feedData(b("chunk1"));
        stream.feedData(b("chunk2\n"));
        stream.feedData(b("chunk3\n"));
        stream.feedEof();
      });
      error = await rejection(stream.readline());
      expect(error).toBeInstanceOf(RangeError);
      expect(buffered(stream)).toEqual(b("chunk3\n"));

      stream = new StreamReader({ limit: 7 });
      stream.feedData(b("1234567\n"));
      expect(await stream.readline()).toEqual(b("1234567\n"));
      expect(buffered(stream)).toEqual(b(""));

      stream.feedData(b("12345678\n"));
      error = await rejection(stream.readline());
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe("Separator is found, but chunk is longer than limit");
      expect(buffered(stream)).toEqual(b(""));

      stream.feedData(b("12345678"));
      error = await rejection(stream.readline());
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe("Separator is not found, and chunk exceed the limit");
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readline_nolimit_nowait
  it("returns a buffered line without waiting", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(DATA.subarray(0, 6));
      stream.feedData(DATA.subarray(6));
      expect(await stream.readline()).toEqual(b("line1\n"));
      expect(buffered(stream)).toEqual(b("line2\nline3\n"));
    });
  });

  // mirrors test_streams.py::test_readline_eof
  it("returns the partial last line at EOF", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("some data"));
      stream.feedEof();
      expect(await stream.readline()).toEqual(b("some data"));
    });
  });

  // mirrors test_streams.py::test_readline_empty_eof
  it("returns empty bytes from readline at EOF", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedEof();
      expect(await stream.readline()).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readline_read_byte_count
  it("mixes readline and read", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(DATA);
      await stream.readline();
      expect(await stream.read(7)).toEqual(b("line2\nl"));
      expect(buffered(stream)).toEqual(b("ine3\n"));
    });
  });

  // mirrors test_streams.py::test_readline_exception
  it("raises the set exception from readline", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("line\n"));
      expect(await stream.readline()).toEqual(b("line\n"));
      const error = new RangeError();
      stream.setException(error);
      expect(await rejection(stream.readline())).toBe(error);
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readuntil_separator
  it("rejects empty separators", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      await expect(stream.readuntil(b(""))).rejects.toThrow(/^Separator should be/);
      await expect(stream.readuntil([b("")])).rejects.toThrow(/^Separator should be/);
      await expect(stream.readuntil([])).rejects.toThrow(/^Separator should contain/);
      await expect(stream.readuntil([])).rejects.toBeInstanceOf(RangeError);
    });
  });

  // mirrors test_streams.py::test_readuntil_multi_chunks
  it("reads until a multi-byte separator", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("lineAAA"));
      expect(await stream.readuntil(b("AAA"))).toEqual(b("lineAAA"));
      expect(buffered(stream)).toEqual(b(""));
      stream.feedData(b("lineAAA"));
      expect(await stream.readuntil("AAA")).toEqual(b("lineAAA"));
      expect(buffered(stream)).toEqual(b(""));
      stream.feedData(b("lineAAAxxx"));
      expect(await stream.readuntil(b("AAA"))).toEqual(b("lineAAA"));
      expect(buffered(stream)).toEqual(b("xxx"));
    });
  });

  // mirrors test_streams.py::test_readuntil_multi_chunks_1
  it("finds a separator split across fed chunks", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      const cases: [string[], string][] = [
        [["QWEaa", "XYaa", "a"], "QWEaaXYaaa"],
        [["QWEaa", "XYa", "aa"], "QWEaaXYaaa"],
        [["aaa"], "aaa"],
        [["Xaaa"], "Xaaa"],
        [["XXX", "a", "a", "a"], "XXXaaa"],
      ];
      for (const [chunks, expected] of cases) {
        for (const chunk of chunks) stream.feedData(b(chunk));
        expect(await stream.readuntil(b("aaa"))).toEqual(b(expected));
        expect(buffered(stream)).toEqual(b(""));
      }
    });
  });

  // mirrors test_streams.py::test_readuntil_eof
  it("raises IncompleteReadError with everything buffered at EOF", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      const data = b("some dataAA");
      stream.feedData(data);
      stream.feedEof();
      const error = (await rejection(stream.readuntil(b("AAA")))) as IncompleteReadError;
      expect(error).toBeInstanceOf(IncompleteReadError);
      expect(error.message).toMatch(/undefined expected bytes/);
      expect(Buffer.from(error.partial)).toEqual(data);
      expect(error.expected).toBeNull();
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readuntil_limit_found_sep
  it("raises LimitOverrunError and keeps the buffer", async () => {
    await inLoop(async () => {
      const stream = new StreamReader({ limit: 3 });
      stream.feedData(b("some dataAA"));
      let error = (await rejection(stream.readuntil(b("AAA")))) as LimitOverrunError;
      expect(error).toBeInstanceOf(LimitOverrunError);
      expect(error.message).toMatch(/not found/);
      expect(error.consumed).toBe(9);
      expect(buffered(stream)).toEqual(b("some dataAA"));

      stream.feedData(b("A"));
      error = (await rejection(stream.readuntil(b("AAA")))) as LimitOverrunError;
      expect(error).toBeInstanceOf(LimitOverrunError);
      expect(error.message).toMatch(/is found/);
      expect(error.consumed).toBe(9);
      expect(buffered(stream)).toEqual(b("some dataAAA"));
    });
  });

  // mirrors test_streams.py::test_readuntil_multi_separator
  it("stops at the first end position among several separators", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("line 1\nline 2\r"));
      expect(await stream.readuntil([b("\r"), b("\n")])).toEqual(b("line 1\n"));
      expect(await stream.readuntil([b("\r"), b("\n")])).toEqual(b("line 2\r"));
      expect(buffered(stream)).toEqual(b(""));

      stream.feedData(b("ABCDEFG"));
      expect(await stream.readuntil([b("DEF"), b("BCDE")])).toEqual(b("ABCDE"));
      expect(buffered(stream)).toEqual(b("FG"));
    });
  });

  // mirrors test_streams.py::test_readuntil_multi_separator_limit
  it("applies the limit to the match start with several separators", async () => {
    await inLoop(async () => {
      const stream = new StreamReader({ limit: 3 });
      stream.feedData(b("some dataA"));
      const error = await rejection(stream.readuntil([b("A"), b("ome dataA")]));
      expect(error).toBeInstanceOf(LimitOverrunError);
      expect((error as Error).message).toMatch(/is found/);
      expect(buffered(stream)).toEqual(b("some dataA"));
    });
  });

  // mirrors test_streams.py::test_readuntil_multi_separator_negative_offset
  it("keeps the search offset non-negative when the longest separator does not fit", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      stream.feedData(b("data"));
      const task = loop.createTask(() => stream.readuntil([b("A"), b("long sep")]));
      loop.callSoon(() => stream.feedData(b("Z")));
      loop.callSoon(() => stream.feedData(b("Aaaa")));
      expect(await task).toEqual(b("dataZA"));
      expect(buffered(stream)).toEqual(b("aaa"));
    });
  });

  // mirrors test_streams.py::test_readuntil_bytearray
  it("accepts a Uint8Array separator", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("some data\r\n"));
      expect(await stream.readuntil(new Uint8Array([13, 10]))).toEqual(b("some data\r\n"));
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readexactly_zero_or_less
  it("reads exactly zero bytes and rejects negative sizes", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(DATA);
      expect(await stream.readexactly(0)).toEqual(b(""));
      expect(buffered(stream)).toEqual(DATA);
      await expect(stream.readexactly(-1)).rejects.toThrow(/less than zero/);
      await expect(stream.readexactly(-1)).rejects.toBeInstanceOf(RangeError);
      expect(buffered(stream)).toEqual(DATA);
    });
  });

  // mirrors test_streams.py::test_readexactly
  it("waits until exactly n bytes are buffered", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const n = 2 * DATA.length;
      const task = loop.createTask(() => stream.readexactly(n));
      loop.callSoon(() => {
        stream.feedData(DATA);
        stream.feedData(DATA);
        stream.feedData(DATA);
      });
      expect(await task).toEqual(Buffer.concat([DATA, DATA]));
      expect(buffered(stream)).toEqual(DATA);
    });
  });

  // mirrors test_streams.py::test_readexactly_limit
  it("reads exactly more than the limit", async () => {
    await inLoop(async () => {
      const stream = new StreamReader({ limit: 3 });
      stream.feedData(b("chunk"));
      expect(await stream.readexactly(5)).toEqual(b("chunk"));
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readexactly_eof
  it("raises IncompleteReadError when EOF comes first", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const n = 2 * DATA.length;
      const task = loop.createTask(() => stream.readexactly(n));
      loop.callSoon(() => {
        stream.feedData(DATA);
        stream.feedEof();
      });
      const error = (await rejection(Promise.resolve(task))) as IncompleteReadError;
      expect(error).toBeInstanceOf(IncompleteReadError);
      expect(Buffer.from(error.partial)).toEqual(DATA);
      expect(error.expected).toBe(n);
      expect(error.message).toBe("18 bytes read on a total of 36 expected bytes");
      expect(buffered(stream)).toEqual(b(""));
    });
  });

  // mirrors test_streams.py::test_readexactly_exception
  it("raises the set exception from readexactly", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedData(b("line\n"));
      expect(await stream.readexactly(2)).toEqual(b("li"));
      const error = new RangeError();
      stream.setException(error);
      expect(await rejection(stream.readexactly(2))).toBe(error);
    });
  });

  // mirrors test_streams.py::test_exception
  it("reports the set exception", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      expect(stream.exception()).toBeNull();
      const error = new RangeError();
      stream.setException(error);
      expect(stream.exception()).toBe(error);
    });
  });

  // mirrors test_streams.py::test_exception_waiter
  it("wakes a waiting reader with the set exception", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const t1 = loop.createTask(() => stream.readline());
      const t2 = loop.createTask(async () => {
        stream.setException(new RangeError("boom"));
      });
      await wait([t1, t2] as unknown[] as never[]);
      expect(() => t1.result()).toThrow(RangeError);
    });
  });

  // mirrors test_streams.py::test_exception_cancel
  it("survives setException after the waiting read was cancelled", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const task = loop.createTask(() => stream.readline());
      await runBriefly();
      task.cancel();
      await runBriefly();
      stream.setException(new RuntimeError("message"));
      await runBriefly();
      expect(stream._waiter).toBeNull();
      expect(task.cancelled()).toBe(true);
    });
  });

  it("refuses a second concurrent waiter", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      const first = loop.createTask(() => stream.read(1));
      await runBriefly(1);
      for (const [call, name] of [
        [() => stream.read(1), "read"],
        [() => stream.readline(), "readuntil"],
        [() => stream.readexactly(2), "readexactly"],
        [() => stream.readuntil(b("x")), "readuntil"],
      ] as const) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(RuntimeError);
        expect((error as Error).message).toBe(`${name}() called while another coroutine is already waiting for incoming data`);
      }
      stream.feedData(b("z"));
      expect(await first).toEqual(b("z"));
    });
  });

  it("raises AssertionError on feedData after feedEof", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      stream.feedEof();
      // Python asserts: AssertionError "feed_data after feed_eof" (even for b""); here Node's
      // AssertionError with the same text.
      expect(() => stream.feedData(b("x"))).toThrow(AssertionError);
      expect(() => stream.feedData(b(""))).toThrow(new AssertionError({ message: "feed_data after feed_eof" }));
      expect(() => stream.feedData(b("x"))).toThrow("feed_data after feed_eof");
    });
  });

  it("keeps its own copy of fed bytes when the caller reuses its buffer", async () => {
    await inLoop(async () => {
      const stream = new StreamReader();
      const chunk = Buffer.from("abc");
      stream.feedData(chunk);
      chunk.fill(0x7a);
      expect(await stream.read(3)).toEqual(b("abc"));
    });
  });

  // mirrors test_streams.py::test_streamreader_constructor_without_loop
  it("needs a loop when constructed outside one", () => {
    expect(() => new StreamReader()).toThrow(/no running event loop|no current event loop/);
  });

  // mirrors test_streams.py::test_streamreader_constructor_use_running_loop
  it("binds to the running loop", async () => {
    await inLoop(async (loop) => {
      expect(new StreamReader()._loop).toBe(loop);
    });
  });

  it("takes an explicit loop", () => {
    const loop = newEventLoop();
    try {
      expect(new StreamReader({ loop })._loop).toBe(loop);
    } finally {
      loop.close();
    }
  });

  // mirrors test_streams.py::test___repr__
  // mirrors test_streams.py::test___repr__nondefault_limit
  // mirrors test_streams.py::test___repr__eof
  // mirrors test_streams.py::test___repr__data
  // mirrors test_streams.py::test___repr__exception
  // mirrors test_streams.py::test___repr__waiter
  // mirrors test_streams.py::test___repr__transport
  it("has Python's repr shapes", async () => {
    await inLoop(async (loop) => {
      expect(String(new StreamReader())).toBe("<StreamReader>");
      expect(String(new StreamReader({ limit: 123 }))).toBe("<StreamReader limit=123>");
      let stream = new StreamReader();
      stream.feedEof();
      expect(String(stream)).toBe("<StreamReader eof>");
      stream = new StreamReader();
      stream.feedData(b("data"));
      expect(String(stream)).toBe("<StreamReader 4 bytes>");
      stream = new StreamReader();
      stream.setException(new RuntimeError());
      expect(String(stream)).toBe("<StreamReader exception=RuntimeError()>");
      stream = new StreamReader();
      const waiter = loop.createFuture<void>();
      stream._waiter = waiter;
      expect(String(stream)).toMatch(/^<StreamReader waiter=<Future pending[\S ]*>>$/);
      waiter.setResult(undefined);
      await waiter;
      stream._waiter = null;
      expect(String(stream)).toBe("<StreamReader>");
      stream = new StreamReader();
      stream._transport = { toString: () => "<Transport>" } as unknown as typeof stream._transport;
      expect(String(stream)).toBe("<StreamReader transport=<Transport>>");
    });
  });
});

describe("StreamReader async iteration", () => {
  // mirrors test_pep492.py::StreamReaderTests::test_readline
  it("yields lines until EOF", async () => {
    await inLoop(async (loop) => {
      const stream = new StreamReader();
      loop.callSoon(() => {
        stream.feedData(b("a\nbb\n"));
        stream.feedData(b("ccc"));
        stream.feedEof();
      });
      const lines: string[] = [];
      for await (const line of stream) lines.push(line.toString());
      expect(lines).toEqual(["a\n", "bb\n", "ccc"]);
    });
  });
});

describe("StreamReader flow control", () => {
  it("pauses the transport above twice the limit and resumes once drained", async () => {
    await inLoop(async () => {
      const calls: string[] = [];
      const transport = {
        pauseReading: () => calls.push("pause"),
        resumeReading: () => calls.push("resume"),
      };
      const stream = new StreamReader({ limit: 4 });
      stream.setTransport(transport as never);
      stream.feedData(b("12345678"));
      expect(calls).toEqual([]);
      stream.feedData(b("9"));
      expect(calls).toEqual(["pause"]);
      expect(stream._paused).toBe(true);
      await stream.read(4);
      expect(calls).toEqual(["pause"]);
      await stream.read(1);
      expect(calls).toEqual(["pause", "resume"]);
      expect(stream._paused).toBe(false);
      expect(() => stream.setTransport(transport as never)).toThrow(new AssertionError({ message: "Transport already set" }));
    });
  });
});

describe("StreamReaderProtocol", () => {
  // mirrors test_streams.py::test_streamreaderprotocol_constructor_use_running_loop
  it("binds to the running loop", async () => {
    await inLoop(async (loop) => {
      const protocol = new StreamReaderProtocol(new StreamReader());
      expect(protocol._loop).toBe(loop);
    });
  });

  // mirrors test_streams.py::test_streamreaderprotocol_constructor_without_loop
  it("needs a loop when constructed outside one", () => {
    expect(() => new StreamReaderProtocol(null)).toThrow(/no running event loop|no current event loop/);
  });
});

describe("FlowControlMixin", () => {
  // mirrors test_streams.py::test_multiple_drain
  it("wakes every drain waiter on resumeWriting", async () => {
    await inLoop(async (loop) => {
      let drained = 0;
      const stream = new FlowControlMixin(loop);
      stream.pauseWriting();
      loop.callLater(0.01, () => stream.resumeWriting());
      await gather(
        ...Array.from({ length: 10 }, () => async () => {
          await stream._drainHelper();
          drained += 1;
        }),
      );
      expect(drained).toBe(10);
    });
  });

  it("raises ConnectionResetError from drain once the connection is lost", async () => {
    await inLoop(async (loop) => {
      const stream = new FlowControlMixin(loop);
      stream.pauseWriting();
      const waiter = loop.createTask(() => stream._drainHelper());
      await sleep(0);
      const error = new Error("gone");
      stream.connectionLost(error);
      await expect(Promise.resolve(waiter)).rejects.toBe(error);
      await expect(stream._drainHelper()).rejects.toThrow("Connection lost");
      expect(isCancelledError(error)).toBe(false);
    });
  });
});
