/**
 * The tests of CPython 3.13 Lib/test/test_asyncio/test_streams.py (StreamTests) not ported
 * elsewhere in this package: a StreamReader or StreamReaderProtocol made outside a running loop
 * binds to the current loop that `set_event_loop()` installed.
 */
import { globalLoopStandIn } from "@aio-tools/test-support";
import { describe, expect, it } from "vitest";
import { RuntimeError, _registerEventLoopGetter } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import { StreamReader, StreamReaderProtocol } from "@aio/streams";

// Python's "current event loop" (set_event_loop) for the *_use_global_loop ports.
const setGlobalLoop = globalLoopStandIn<AbstractEventLoop>(_registerEventLoopGetter, () => new RuntimeError("no running event loop"));

/** Runs `body` with a new loop set as the current one (not running), then closes the loop. */
function withCurrentLoop(body: (loop: AbstractEventLoop) => void): void {
  const loop = newEventLoop();
  try {
    setGlobalLoop(loop);
    body(loop);
  } finally {
    setGlobalLoop(null);
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
