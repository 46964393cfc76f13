/**
 * EventLoop, the default loop for Node, and newEventLoop().
 * Mirrors CPython 3.13 asyncio/unix_events.py (_UnixSelectorEventLoop) and events.new_event_loop.
 */
import { BaseEventLoop } from "./base-event-loop.js";

/**
 * The default event loop on Node: BaseEventLoop plus the I/O methods of @aio/streams and
 * @aio/subprocess.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html
 */
export class EventLoop extends BaseEventLoop {}

/**
 * A new event loop. Without @aio/policy this is an `EventLoop`; with it, the policy's loop.
 * @see https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.new_event_loop
 */
export function newEventLoop(): BaseEventLoop {
  return loopFactory();
}

let loopFactory: () => BaseEventLoop = () => new EventLoop();

/** Lets @aio/policy route `newEventLoop()` through the current policy. @internal */
export function _setNewEventLoopFactory(factory: (() => BaseEventLoop) | null): void {
  loopFactory = factory ?? (() => new EventLoop());
}
