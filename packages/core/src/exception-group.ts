/**
 * ExceptionGroup: several errors raised together (PEP 654), as an AggregateError.
 * Mirrors CPython 3.13 Objects/exceptions.c (BaseExceptionGroup: subgroup, split, derive).
 */

/** An Error class to match, an array of them (Python's tuple), or a predicate over the errors. */
export type ExceptionGroupCondition =
  | (abstract new (...args: never[]) => unknown)
  | readonly (abstract new (...args: never[]) => unknown)[]
  | ((error: unknown) => boolean);

/** An Error class (a type to match by `instanceof`). */
function isErrorClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  if (typeof value !== "function") return false;
  return value === Error || (value as { prototype?: unknown }).prototype instanceof Error;
}

/** A `class` that does not extend Error: neither a type to match nor a predicate (Python: TypeError). */
function isOtherClass(value: unknown): boolean {
  return typeof value === "function" && /^class\b/.test(Function.prototype.toString.call(value));
}

const CONDITION_MESSAGE =
  "expected an exception type, a tuple of exception types, or a callable (other than a class)";

function matcher(condition: ExceptionGroupCondition): (error: unknown) => boolean {
  if (Array.isArray(condition)) {
    const classes = condition as readonly (abstract new (...args: never[]) => unknown)[];
    // CPython get_matcher_type: every item of the tuple must be an exception type, checked up front.
    if (!classes.every(isErrorClass)) throw new TypeError(CONDITION_MESSAGE);
    return (error) => classes.some((Class) => error instanceof Class);
  }
  if (isErrorClass(condition)) {
    const Class = condition;
    return (error) => error instanceof Class;
  }
  if (typeof condition === "function" && !isOtherClass(condition)) {
    return condition;
  }
  throw new TypeError(CONDITION_MESSAGE);
}

/** Set while building a group of values already thrown (see `ExceptionGroup._ofThrown`). */
let trustItems = false;

/** An Error, including one from another realm (a worker, `vm`). */
function isErrorValue(value: unknown): boolean {
  return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]";
}

/**
 * Several unrelated errors raised together; `exceptions` holds them (possibly nested groups).
 * @see https://docs.python.org/3/library/exceptions.html#ExceptionGroup
 */
export class ExceptionGroup extends AggregateError {
  override name = "ExceptionGroup";
  /** The grouped errors, in the order given. */
  readonly exceptions: readonly unknown[];

  /**
   * @throws TypeError if `message` is not a string.
   * @throws RangeError if `exceptions` is empty or an item is not an Error (Python's ValueError).
   */
  constructor(message: string, exceptions: Iterable<unknown>) {
    if (typeof message !== "string") {
      throw new TypeError("argument 1 must be str, not " + typeof message);
    }
    if (exceptions == null || typeof (exceptions)[Symbol.iterator] !== "function") {
      throw new TypeError("second argument (exceptions) must be a sequence");
    }
    const list = [...exceptions];
    if (list.length === 0) {
      throw new RangeError("second argument (exceptions) must be a non-empty sequence");
    }
    if (!trustItems) {
      for (let i = 0; i < list.length; i++) {
        if (!isErrorValue(list[i])) {
          throw new RangeError(`Item ${i} of second argument (exceptions) is not an exception`);
        }
      }
    }
    super(list, message);
    this.exceptions = Object.freeze(list);
  }

  /**
   * A group of values that were thrown (a JavaScript task may throw a non-Error value, which
   * Python cannot): built without the constructor's check that every item is an Error.
   * @internal
   */
  static _ofThrown(message: string, thrown: readonly unknown[]): ExceptionGroup {
    trustItems = true;
    try {
      return new ExceptionGroup(message, thrown);
    } finally {
      trustItems = false;
    }
  }

  /**
   * A new group of the same message with the given errors (Python's `derive`).
   * @throws RangeError for an item that is not an Error and not one of this group's (thrown) items.
   */
  derive(exceptions: Iterable<unknown>): ExceptionGroup {
    const list = [...exceptions];
    // split() and subgroup() derive from this group's own items, which may be thrown non-Errors.
    const own = list.every((item) => isErrorValue(item) || this.exceptions.includes(item));
    return own ? ExceptionGroup._ofThrown(this.message, list) : new ExceptionGroup(this.message, list);
  }

  /**
   * The group restricted to the leaves matching `condition`, keeping nesting, or null when none match.
   * A group that itself matches is returned whole.
   * @throws TypeError if `condition` is not a class, an array of classes or a predicate.
   */
  subgroup(condition: ExceptionGroupCondition): ExceptionGroup | null {
    return this.split(condition)[0];
  }

  /**
   * `[matching, rest]`: each a group keeping this one's nesting (and its `cause` and `stack`), or
   * null when empty. A group that itself matches is `[this, null]`.
   * @throws TypeError if `condition` is not a class, an array of classes or a predicate.
   * @see https://docs.python.org/3/library/exceptions.html#BaseExceptionGroup.split
   */
  split(condition: ExceptionGroupCondition): [ExceptionGroup | null, ExceptionGroup | null] {
    const matches = matcher(condition);
    if (matches(this)) return [this, null];
    const matched: unknown[] = [];
    const rest: unknown[] = [];
    for (const error of this.exceptions) {
      if (error instanceof ExceptionGroup) {
        const [m, r] = error.split(matches);
        if (m !== null) matched.push(m);
        if (r !== null) rest.push(r);
      } else if (matches(error)) {
        matched.push(error);
      } else {
        rest.push(error);
      }
    }
    const wrap = (errors: unknown[]): ExceptionGroup | null => {
      if (errors.length === 0) return null;
      const group: unknown = this.derive(errors);
      if (!(group instanceof ExceptionGroup)) {
        throw new TypeError("derive must return an instance of BaseExceptionGroup");
      }
      // CPython exceptiongroup_split_recursive copies __cause__ and __traceback__ to each part.
      if (this.cause !== undefined) group.cause = this.cause;
      if (this.stack !== undefined) group.stack = this.stack;
      return group;
    };
    return [wrap(matched), wrap(rest)];
  }

  override toString(): string {
    const n = this.exceptions.length;
    return `${this.name}: ${this.message} (${n} sub-exception${n === 1 ? "" : "s"})`;
  }
}
