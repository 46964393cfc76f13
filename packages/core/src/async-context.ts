/**
 * `async with` for TypeScript: the AsyncContextManager protocol, `asyncWith` and `enter`.
 * Mirrors Python's async context manager protocol (PEP 492: __aenter__ / __aexit__).
 */

/** Python's async context manager: `aenter` gives the `as` value, `aexit` sees the body's error. */
export interface AsyncContextManager<T> {
  aenter(): Promise<T>;
  /**
   * Called when the body ends; `error` is what it threw, or undefined on success.
   * Returning true suppresses the error.
   */
  aexit(error: unknown): Promise<boolean | void>;
}

/**
 * Python's `async with cm as value: body`.
 * The body's error reaches `aexit`; a true return suppresses it (the result is then undefined).
 * @example
 * await asyncWith(lock, async () => { counter += 1; });
 */
export async function asyncWith<T, R>(
  cm: AsyncContextManager<T>,
  body: (value: T) => Promise<R> | R,
): Promise<R> {
  if (cm == null || typeof cm.aenter !== "function" || typeof cm.aexit !== "function") {
    throw new TypeError(
      `'${describe(cm)}' object does not support the asynchronous context manager protocol`,
    );
  }
  const value = await cm.aenter();
  let result: R;
  try {
    result = await body(value);
  } catch (error) {
    if (await cm.aexit(error)) return undefined as R;
    throw error;
  }
  await cm.aexit(undefined);
  return result;
}

/**
 * Enters `cm` for `await using`: `await using held = await enter(lock)`.
 * Use it only where the exit does not need the body's error (locks, semaphores, servers, writers).
 */
export async function enter<T>(cm: AsyncContextManager<T>): Promise<AsyncDisposable & { value: T }> {
  if (cm == null || typeof cm.aenter !== "function" || typeof cm.aexit !== "function") {
    throw new TypeError(
      `'${describe(cm)}' object does not support the asynchronous context manager protocol`,
    );
  }
  const value = await cm.aenter();
  let exited = false;
  return {
    value,
    async [Symbol.asyncDispose]() {
      if (exited) return;
      exited = true;
      await cm.aexit(undefined);
    },
  };
}

function describe(value: unknown): string {
  if (value === null) return "NoneType";
  if (typeof value === "object" || typeof value === "function") {
    return (value as { constructor?: { name?: string } }).constructor?.name ?? typeof value;
  }
  return typeof value;
}
