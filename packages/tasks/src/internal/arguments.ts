/** Argument conventions of API.md: `f(...items)` or `f(items)`, with an optional trailing options object. */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Splits `args` into the items and a trailing options object made only of `keys` (a plain
 * object literal). A single array or Set argument stands for the items.
 * @throws TypeError for an options object with an unknown key.
 */
export function splitTrailingOptions<O extends object>(args: unknown[], keys: readonly string[]): [unknown[], O] {
  let options = {} as O;
  let items = args;
  const last = items.at(-1);
  if (isPlainObject(last) && !("then" in last)) {
    const unknown = Object.keys(last).filter((key) => !keys.includes(key));
    if (unknown.length > 0) {
      throw new TypeError(`got an unexpected keyword argument '${unknown[0]}'`);
    }
    options = last as O;
    items = items.slice(0, -1);
  }
  if (items.length === 1) {
    // The caller's array is read once, at once: no copy (benchmark W1).
    if (Array.isArray(items[0])) items = items[0] as unknown[];
    else if (items[0] instanceof Set) items = [...(items[0] as Set<unknown>)];
  }
  return [items, options];
}
