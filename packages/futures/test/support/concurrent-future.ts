/**
 * ConcurrentFuture: a stand-in for Python's concurrent.futures.Future in wrapFuture tests — a
 * thenable with `cancel()`, settled from "another thread" (here: directly by the test).
 * Mirrors the part of CPython 3.13 concurrent/futures/_base.py (Future) that wrap_future uses.
 */
import { CancelledError } from "@aio/core";

export class ConcurrentFuture<T> implements PromiseLike<T> {
  private state: "PENDING" | "CANCELLED" | "FINISHED" = "PENDING";
  private value: T | undefined;
  private error: unknown = null;
  private readonly listeners: [(value: T) => void, (error: unknown) => void][] = [];

  cancel(): boolean {
    if (this.state === "FINISHED") return false;
    if (this.state === "PENDING") {
      this.state = "CANCELLED";
      this.notify();
    }
    return true;
  }
  cancelled(): boolean {
    return this.state === "CANCELLED";
  }
  done(): boolean {
    return this.state !== "PENDING";
  }
  result(): T {
    if (this.state === "CANCELLED") throw new CancelledError();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the error set by the test, as Python raises it.
    if (this.error !== null) throw this.error;
    return this.value as T;
  }
  setResult(value: T): void {
    this.value = value;
    this.state = "FINISHED";
    this.notify();
  }
  setException(error: unknown): void {
    this.error = error;
    this.state = "FINISHED";
    this.notify();
  }
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<T>((resolve, reject) => {
      this.listeners.push([resolve, reject]);
      if (this.done()) this.notify();
    }).then(onFulfilled, onRejected);
  }
  private notify(): void {
    for (const [resolve, reject] of this.listeners.splice(0)) {
      if (this.state === "CANCELLED") reject(new CancelledError());
      else if (this.error !== null) reject(this.error);
      else resolve(this.value as T);
    }
  }
}
