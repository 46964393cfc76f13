/**
 * Context variables (Python's contextvars) on top of one AsyncLocalStorage.
 * Mirrors CPython 3.13 Python/context.c (Context, ContextVar, Token, copy_context).
 *
 * Design: the AsyncLocalStorage store is a *frame*: the context that code runs in plus the task
 * it belongs to (a Task is itself a frame, so entering a task costs no allocation). Outside any
 * frame, code runs in the process's root context, like a Python thread's base context.
 *
 * A Context's mapping is an immutable Map replaced on every `set` (copy-on-write), so
 * `copyContext()` is O(1) and a task's copy never sees its creator's later writes, as in Python.
 * Context variables are few in practice, so copying a small Map on write beats a HAMT here.
 */
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { RuntimeError } from "./errors.js";
import { _pyRepr as repr } from "./repr.js";

/** The minimal view of a task that core needs: it runs in a context and may suspend on futures. */
export interface TaskFrame {
  /** The context the task's code runs in. */
  readonly _context: Context;
  /** The task itself (`null` for a frame made by `Context.run` outside any task). */
  readonly _frameTask: object | null;
}

/** The async-local store shared by every `@aio` package. @internal */
export const frameStorage = new AsyncLocalStorage<TaskFrame>();

/**
 * The root frame, entered through the resource `AsyncLocalStorage.snapshot()` would wrap: the
 * snapshot's bound function adds two argument arrays and two `Reflect.apply` per call, and the
 * loop enters the root frame for every task it starts (benchmark W1).
 */
const rootResource = new AsyncResource("aio-root", { requireManualDestroy: true });

/**
 * Runs a function in the async context this module was loaded in, where no task frame is set.
 * The loop enters it to run callbacks outside any task. Unlike `frameStorage.exit`, which
 * builds a new frame each call (and every task started inside would copy it), this swaps the
 * saved frame in and out without allocating (benchmark W1). @internal
 */
export const runInRootContext = <R>(fn: () => R): R => rootResource.runInAsyncScope(fn);

/** Python's `LookupError`: a context variable has no value and no default. */
export class LookupError extends Error {
  override name = "LookupError";
}

const MISSING: unique symbol = Symbol("Token.MISSING");

let nextContextId = 1;

/**
 * True once any ContextVar has been set. Until then every context is empty and equivalent, so
 * the loop may skip capturing contexts for callbacks (benchmark W0). @internal
 */
export let contextVarsTouched = false;

/**
 * A mapping of context variables to values; code runs "in" a context.
 * @see https://docs.python.org/3/library/contextvars.html#contextvars.Context
 */
export class Context implements Iterable<ContextVar<unknown>> {
  /** Immutable snapshot; replaced, never mutated. @internal */
  _data: ReadonlyMap<ContextVar<unknown>, unknown>;
  /** True while `run` executes synchronously in this context. @internal */
  _entered = false;
  /** @internal */
  readonly _id = nextContextId++;

  /** An empty context (Python's `contextvars.Context()`). @throws TypeError if given an argument. */
  constructor(data?: ReadonlyMap<ContextVar<unknown>, unknown>) {
    // The optional map is how copy() and copyContext() share a snapshot; users pass nothing.
    if (data !== undefined && !(data instanceof Map)) {
      throw new TypeError("Context() does not accept any arguments");
    }
    this._data = data ?? new Map();
  }

  /**
   * Runs `fn(...args)` with this context current; writes inside stay in this context.
   * Asynchronous continuations started inside `fn` keep running in this context.
   * @throws RuntimeError if this context is already entered (Python: "cannot enter context").
   */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (typeof fn !== "function") {
      throw new TypeError(
        fn === undefined ? "run() missing 1 required positional argument" : `'${typeof fn}' object is not callable`,
      );
    }
    if (this._entered) {
      throw new RuntimeError(`cannot enter context: ${String(this)} is already entered`);
    }
    const parent = frameStorage.getStore();
    const frame: TaskFrame = { _context: this, _frameTask: parent ? parent._frameTask : null };
    this._entered = true;
    try {
      return frameStorage.run(frame, fn, ...args);
    } finally {
      this._entered = false;
    }
  }

  /** A shallow copy (Python's `Context.copy`). */
  copy(): Context {
    return new Context(this._data);
  }

  /**
   * The value of `variable` here, or `defaultValue` (null, Python's None, when omitted).
   * @throws TypeError if `variable` is not a ContextVar.
   */
  get<T>(variable: ContextVar<T>, defaultValue: T | null = null): T | null {
    checkKey(variable);
    return this._data.has(variable) ? (this._data.get(variable) as T) : defaultValue;
  }

  /** Python's `var in ctx`. @throws TypeError if `variable` is not a ContextVar. */
  has(variable: ContextVar<unknown>): boolean {
    checkKey(variable);
    return this._data.has(variable);
  }

  /** Python's `len(ctx)`. */
  get size(): number {
    return this._data.size;
  }

  keys(): IterableIterator<ContextVar<unknown>> {
    return this._data.keys();
  }

  values(): IterableIterator<unknown> {
    return this._data.values();
  }

  items(): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._data.entries();
  }

  [Symbol.iterator](): IterableIterator<ContextVar<unknown>> {
    return this._data.keys();
  }

  toString(): string {
    return `<Context object #${this._id}>`;
  }
}

/** The context of code outside any task or `Context.run` (a Python thread's base context). */
const rootContext = new Context();

function checkKey(variable: unknown): void {
  if (!(variable instanceof ContextVar)) {
    throw new TypeError(`a ContextVar key was expected, got ${repr(variable)}`);
  }
}

/** The context the caller runs in. @internal */
export function currentContext(): Context {
  const frame = frameStorage.getStore();
  return frame === undefined ? rootContext : frame._context;
}

/** A copy of the current context (Python's `contextvars.copy_context()`). */
export function copyContext(): Context {
  return new Context(currentContext()._data);
}

/** Options of {@link ContextVar}. */
export interface ContextVarOptions<T> {
  /** The value `get()` returns when the variable has none in the current context. */
  default?: T;
}

/**
 * A context variable: its value depends on the context code runs in.
 * @see https://docs.python.org/3/library/contextvars.html#contextvars.ContextVar
 */
export class ContextVar<T> {
  /** @internal */
  readonly _name: string;
  /** @internal */
  readonly _hasDefault: boolean;
  /** @internal */
  readonly _default: T | undefined;

  /** @throws TypeError if `name` is not a string. */
  constructor(name: string, options: ContextVarOptions<T> = {}) {
    if (typeof name !== "string") {
      throw new TypeError("context variable name must be a str");
    }
    this._name = name;
    this._hasDefault = Object.hasOwn(options, "default");
    this._default = options.default;
  }

  /** The variable's name (read-only, as in Python). */
  get name(): string {
    return this._name;
  }

  /**
   * The variable's value in the current context; else `defaultValue` if given; else the
   * variable's default.
   * @throws LookupError when there is none of these.
   */
  get(defaultValue?: T): T {
    const data = currentContext()._data;
    if (data.has(this)) return data.get(this) as T;
    if (arguments.length > 0) return defaultValue as T;
    if (this._hasDefault) return this._default as T;
    throw new LookupError(String(this));
  }

  /** Sets the value in the current context and returns a Token to undo it with `reset`. */
  set(value: T): Token<T> {
    contextVarsTouched = true;
    const context = currentContext();
    const key = this as ContextVar<unknown>;
    const old = context._data.has(key) ? (context._data.get(key) as T) : MISSING;
    const data = new Map(context._data);
    data.set(key, value);
    context._data = data;
    return new Token(context, this, old);
  }

  /**
   * Restores the value the variable had before the `set` that made `token`.
   * @throws RuntimeError if the token was used already; RangeError if it belongs to another
   * variable or context (Python's ValueError).
   */
  reset(token: Token<T>): void {
    if (!(token instanceof Token)) {
      throw new TypeError(`expected an instance of Token, got ${repr(token)}`);
    }
    if (token._used) throw new RuntimeError(`${String(token)} has already been used once`);
    if (token.var !== this) throw new RangeError(`${String(token)} was created by a different ContextVar`);
    const context = currentContext();
    if (token._context !== context) throw new RangeError(`${String(token)} was created in a different Context`);
    token._used = true;
    const data = new Map(context._data);
    const key = this as ContextVar<unknown>;
    if (token._old === MISSING) data.delete(key);
    else data.set(key, token._old);
    context._data = data;
  }

  toString(): string {
    const defaultText = this._hasDefault ? ` default=${repr(this._default)}` : "";
    return `<ContextVar name='${this.name}'${defaultText}>`;
  }
}

/**
 * Returned by `ContextVar.set`; gives the previous value to `ContextVar.reset`.
 * @see https://docs.python.org/3/library/contextvars.html#contextvars.Token
 */
export class Token<T> {
  /** Marks "the variable had no value" in `oldValue`. */
  static readonly MISSING: typeof MISSING = MISSING;
  /** @internal */
  _used = false;
  /** @internal */
  readonly _context: Context;
  /** The variable this token belongs to. */
  readonly var: ContextVar<T>;
  /** @internal */
  readonly _old: T | typeof MISSING;

  /** @internal */
  constructor(context: Context, variable: ContextVar<T>, old: T | typeof MISSING) {
    this._context = context;
    this.var = variable;
    this._old = old;
  }

  /** The value before `set`, or `Token.MISSING`. */
  get oldValue(): T | typeof MISSING {
    return this._old;
  }

  toString(): string {
    return `<Token${this._used ? " used" : ""} var=${String(this.var)}>`;
  }
}
