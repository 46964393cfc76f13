/** Python's `_SelectorTransport._fatal_error`, shared by the stream and datagram transports. */
import { OSError, logger } from "@aio/core";
import type { AbstractEventLoop } from "@aio/core";

/**
 * Reports a fatal transport error: an OSError (a reset, a broken pipe) is expected and only
 * logged in debug mode; anything else goes to the loop's exception handler with the transport
 * and its protocol. The caller then closes the transport with `error`.
 */
export function reportFatalError(loop: AbstractEventLoop, transport: { toString(): string }, protocol: unknown, error: unknown, message: string): void {
  if (error instanceof OSError) {
    if (loop.getDebug()) logger.debug(`${transport.toString()}: ${message}`, error);
  } else {
    loop.callExceptionHandler({ message, exception: error, transport, protocol });
  }
}
