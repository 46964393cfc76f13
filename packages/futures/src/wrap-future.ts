/**
 * wrapFuture: an aio Future that follows a Promise or a concurrent future.
 * Mirrors CPython 3.13 asyncio/futures.py (wrap_future, _chain_future).
 *
 * The source settles outside the loop's control, so its outcome is delivered with
 * `callSoonThreadsafe`, as Python does for concurrent.futures. Cancelling the aio future calls the
 * source's `cancel()` when it has one (a concurrent future from an executor); a plain Promise
 * cannot be cancelled, and its late outcome is then ignored.
 */
import { _getEventLoop, CancelledError } from "@aio/core";
import type { AbstractEventLoop, AbstractFuture } from "@aio/core";
import type { Future } from "./future.js";
import { isFuture } from "./future.js";

/** Options of {@link wrapFuture}. */
export interface WrapFutureOptions {
  loop?: AbstractEventLoop | null;
}

/**
 * An aio Future for `source`: an aio future is returned as is; a Promise or any thenable (a
 * concurrent future from an executor) is followed.
 * @throws TypeError if `source` is neither.
 * @see https://docs.python.org/3/library/asyncio-future.html#asyncio.wrap_future
 */
export function wrapFuture<T>(
  source: PromiseLike<T> | AbstractFuture<T>,
  options: WrapFutureOptions = {},
): AbstractFuture<T> {
  if (isFuture(source)) return source;
  if (source === null || typeof source !== "object" || typeof source.then !== "function") {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- shows what arrived, as Python's {future!r}.
    throw new TypeError(`concurrent.futures.Future or Promise is expected, got ${String(source)}`);
  }
  const loop = options.loop ?? _getEventLoop();
  const future = loop.createFuture<T>() as Future<T>;
  const cancelSource = (source as { cancel?: unknown }).cancel;
  future.addDoneCallback(() => {
    if (future.cancelled() && typeof cancelSource === "function") {
      (cancelSource as () => unknown).call(source);
    }
  });
  source.then(
    (value) => {
      if (loop.isClosed()) return;
      loop.callSoonThreadsafe(() => {
        if (!future.done()) future.setResult(value);
      });
    },
    (error: unknown) => {
      if (loop.isClosed()) return;
      loop.callSoonThreadsafe(() => {
        if (future.done()) return;
        if (error instanceof CancelledError) future.cancel(error.message || undefined);
        else future.setException(error);
      });
    },
  );
  return future;
}
