/**
 * Awaiting a native promise so that a task cancel can interrupt the wait.
 * A task can only be interrupted at an aio await, so a foreign promise is awaited through an aio
 * future that follows it; cancelling the task cancels that future (the promise itself runs on,
 * since JavaScript promises cannot be cancelled).
 */
import { CancelledError, getRunningLoop } from "@aio/core";
import { awaitFuture } from "@aio/futures";
import type { Future } from "@aio/futures";

/** Awaits `promise` as an aio future of the running loop. */
export function awaitPromise<T>(promise: PromiseLike<T>): Promise<T> {
  const future = getRunningLoop().createFuture<T>() as Future<T>;
  promise.then(
    (value) => {
      if (!future.done()) future.setResult(value);
    },
    (error: unknown) => {
      if (future.done()) return;
      if (error instanceof CancelledError) future.cancel(error.message || undefined);
      else future.setException(error ?? new TypeError(`promise rejected with ${String(error)}`));
    },
  );
  return awaitFuture(future);
}
