/** Validation of callbacks and the trailing `{ context }` option. Mirrors CPython 3.13 base_events._check_callback. */
import { Context } from "@aio/core";
import { toText } from "./format.js";

const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

/**
 * @throws TypeError "coroutines cannot be used with NAME()" for async functions, and
 * "a callable object was expected by NAME(), got …" for non-functions.
 */
export function checkCallback(callback: unknown, method: string): void {
  if (typeof callback !== "function") {
    throw new TypeError(`a callable object was expected by ${method}(), got ${describe(callback)}`);
  }
  if (callback instanceof AsyncFunction || callback instanceof AsyncGeneratorFunction) {
    throw new TypeError(`coroutines cannot be used with ${method}()`);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return `'${value}'`;
  return toText(value);
}

/**
 * Removes a trailing `{ context }` options object from `args` and returns the context
 * (undefined when there was no such object). Only an object literal whose sole key is
 * `context`, holding a Context or null, counts, so ordinary object arguments pass through.
 */
export function splitContextOption(args: unknown[]): Context | null | undefined {
  if (args.length === 0) return undefined;
  const last = args[args.length - 1];
  if (last === null || typeof last !== "object" || Object.getPrototypeOf(last) !== Object.prototype) {
    return undefined;
  }
  const keys = Object.keys(last);
  if (keys.length !== 1 || keys[0] !== "context") return undefined;
  const context = (last as { context: unknown }).context;
  if (context !== null && context !== undefined && !(context instanceof Context)) {
    throw new TypeError(`context must be a Context, got ${toText(context)}`);
  }
  args.pop();
  return context ?? undefined;
}
