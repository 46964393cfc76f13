/**
 * Python's "current event loop" (`asyncio.set_event_loop`) for the `*_use_global_loop` ports:
 * `@aio/policy` registers such a getter in real use; a test registers this stand-in instead, and
 * without a loop set the lookup fails as with no loop at all. The loop is unset after each test
 * (Python: `self.addCleanup(asyncio.set_event_loop, None)`).
 */
import { afterEach } from "vitest";

/**
 * Installs the stand-in through `register` (core's `_registerEventLoopGetter`) and returns its
 * setter. `noLoop` makes the error raised while no loop is set.
 */
export function globalLoopStandIn<L>(register: (getter: () => L) => void, noLoop: () => Error): (loop: L | null) => void {
  let current: L | null = null;
  register(() => {
    if (current === null) throw noLoop();
    return current;
  });
  afterEach(() => {
    current = null;
  });
  return (loop) => {
    current = loop;
  };
}
