/**
 * The tests of CPython 3.13 Lib/test/test_asyncio/test_streams.py (StreamTests) not ported
 * elsewhere in this package: a StreamReader or StreamReaderProtocol made outside a running loop
 * binds to the current loop that `set_event_loop()` installed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeError, _registerEventLoopGetter } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { StreamReader, StreamReaderProtocol } from "@aio/streams";

// Python's "current event loop" (set_event_loop) for the *_use_global_loop tests: @aio/policy
// registers such a getter; without one set, the lookup fails as with no loop at all.
let globalLoop: AbstractEventLoop | null = null;
_registerEventLoopGetter(() => {
  if (globalLoop === null) throw new RuntimeError("no running event loop");
  return globalLoop;
});

afterEach(() => {
  // Python: self.addCleanup(asyncio.set_event_loop, None).
  globalLoop = null;
});

/** Runs `body` with a new loop set as the current one (not running), then closes the loop. */
function withCurrentLoop(body: (loop: AbstractEventLoop) => void): void {
  const loop = newEventLoop();
  try {
    globalLoop = loop;
    body(loop);
  } finally {
    globalLoop = null;
    loop.close();
  }
}

describe("StreamReader", () => {
  // mirrors test_streams.py::test_streamreader_constructor_use_global_loop
  it("binds to the current loop when none runs", () => {
    withCurrentLoop((loop) => {
      const reader = new StreamReader();
      expect(reader._loop).toBe(loop);
    });
    // Without a current loop the same construction fails: the loop above came from the getter.
    expect(() => new StreamReader()).toThrow(RuntimeError);
  });
});

describe("StreamReaderProtocol", () => {
  // mirrors test_streams.py::test_streamreaderprotocol_constructor_use_global_loop
  it("binds to the current loop when none runs", () => {
    withCurrentLoop((loop) => {
      const other = newEventLoop();
      try {
        // CPython passes a mock reader; a reader bound to another loop shows that the protocol
        // takes its loop from the current one, not from its reader.
        const protocol = new StreamReaderProtocol(new StreamReader({ loop: other }));
        expect(protocol._loop).toBe(loop);
      } finally {
        other.close();
      }
    });
    expect(() => new StreamReaderProtocol(null)).toThrow(RuntimeError);
  });
});
