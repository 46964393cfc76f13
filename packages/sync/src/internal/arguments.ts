/**
 * Argument checks shared by the primitives' constructors, with Python's messages.
 * Mirrors the TypeErrors CPython raises for asyncio.locks' `__init__` signatures.
 */

/** True for a plain options object (`{ value: 2 }`), as opposed to a positional value. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Throws Python's TypeError for an option `cls` does not take (3.10 removed the `loop` argument).
 * @throws TypeError "<cls>.__init__() got an unexpected keyword argument '<name>'"
 */
export function checkOptionNames(cls: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      throw new TypeError(`${cls}.__init__() got an unexpected keyword argument '${name}'`);
    }
  }
}

/**
 * Rejects any argument to a constructor that takes none (Lock, Event).
 * @throws TypeError in Python's words.
 */
export function checkNoArguments(cls: string, args: ArrayLike<unknown>): void {
  if (args.length === 0 || args[0] === undefined) return;
  const first = args[0];
  if (isOptionsObject(first)) {
    checkOptionNames(cls, first, []);
    return;
  }
  throw new TypeError(`${cls}.__init__() takes 1 positional argument but ${args.length + 1} were given`);
}

/** Shows a bad argument in a message: strings quoted, everything else as `String()` gives it. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value !== null && typeof value === "object") {
    return `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? "object"}`;
  }
  return String(value);
}
