/** TEMPORARY (being replaced by the piscina-based implementation in progress). */
import type { Executor } from "@aio/core";
export class ThreadPoolExecutor implements Executor {
  constructor(_options?: unknown) {}
  submit<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): PromiseLike<Awaited<R>> {
    return Promise.resolve().then(() => fn(...args)) as PromiseLike<Awaited<R>>;
  }
  shutdown(): void {}
}
export function exportedFunction(): never {
  throw new Error("temporary");
}
