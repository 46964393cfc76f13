/**
 * Helpers for the structured-concurrency tests (task groups, timeouts, waitFor, runners,
 * threads): Python's exception classes the ported tests raise, and `get_error_types`.
 */
import { ExceptionGroup } from "@aio/core";

/** Python's ZeroDivisionError, which CPython's tests raise with `1 / 0`. */
export class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

/** test_taskgroups.py's MyExc(Exception). */
export class MyExc extends Error {
  override name = "MyExc";
}

/**
 * test_taskgroups.py's MyBaseExc(BaseException). JavaScript has no BaseException, so it is an
 * ordinary Error here.
 */
export class MyBaseExc extends Error {
  override name = "MyBaseExc";
}

/** Python's KeyError. */
export class KeyError extends Error {
  override name = "KeyError";
}

/** Python's `1 / 0`. */
export function divideByZero(): never {
  throw new ZeroDivisionError("division by zero");
}

/** test_taskgroups.py's get_error_types: the set of classes of a group's direct members. */
export function errorTypes(error: unknown): Set<unknown> {
  if (!(error instanceof ExceptionGroup)) throw new Error(`expected an ExceptionGroup, got ${String(error)}`);
  return new Set(error.exceptions.map((exception) => (exception as object).constructor));
}

/** Runs `fn` and returns what it threw (fails if it did not throw). */
export async function catchError(fn: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, but none was thrown");
}
