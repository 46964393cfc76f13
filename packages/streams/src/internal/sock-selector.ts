/**
 * A level-triggered reader/writer registry per socket: what add_reader / add_writer and the
 * sock_* methods register in. Mirrors CPython 3.13 asyncio/selector_events.py (_add_reader,
 * _remove_reader, _add_writer, _remove_writer, _process_events) over selectors.py's key map.
 *
 * Python polls the kernel once per loop iteration and queues the handle of every ready fd.
 * Node has no poll for our sockets, so readiness is pushed instead: whenever the socket's state
 * changes (data arrived, the write buffer drained, a connection came in, the socket closed) and
 * after every dispatch, `pollWatches` checks the registered slots and queues each ready one with
 * `callSoon`. A slot has at most one dispatch queued, and a dispatch re-polls when it finishes,
 * so a callback runs at most once per loop iteration while its socket stays ready — the
 * level-triggered behaviour of select/epoll. Each registration is a `SelectorHandle`; replacing
 * or removing it cancels it, as Python cancels the old Handle.
 *
 * A closed socket is dropped from dispatch like a closed fd from epoll, except for the internal
 * callbacks of the sock_* methods, which run once more so that their future fails with EBADF
 * instead of hanging.
 */
import { _pyRepr as repr, contextVarsTouched, copyContext } from "@aio/core";
import type { AbstractEventLoop, AbstractHandle, Context, LoopInternals } from "@aio/core";

type Loop = AbstractEventLoop & LoopInternals;

/** What a registration can be attached to (AioSocket implements it). */
export interface Selectable {
  /** Data, EOF, an error or a pending connection can be taken without waiting. */
  _isReadable(): boolean;
  /** The socket is connected and its write buffer is below the high-water mark. */
  _isWritable(): boolean;
  /** The socket was closed. */
  _isClosed(): boolean;
  /** The reader registration, if any. */
  _reader: Watch | null;
  /** The writer registration, if any. */
  _writer: Watch | null;
}

/** One registered callback (Python's `events.Handle` created by `_add_reader`). */
export class SelectorHandle {
  /** @internal */
  readonly _callback: (...args: never[]) => unknown;
  /** @internal */
  readonly _args: unknown[];
  /** @internal */
  readonly _context: Context | null;
  /** True for the callbacks of the sock_* methods (run once more when the socket closes). @internal */
  readonly _internal: boolean;
  /** @internal */
  _cancelled = false;

  constructor(callback: (...args: never[]) => unknown, args: unknown[], internal: boolean) {
    this._callback = callback;
    this._args = args;
    this._internal = internal;
    // CPython events.Handle: a handle made without a context runs in a copy of the current one.
    this._context = contextVarsTouched ? copyContext() : null;
  }

  cancel(): void {
    this._cancelled = true;
  }

  cancelled(): boolean {
    return this._cancelled;
  }

  /** The callback as CPython's format_helpers shows it: `reader(1, 'two')`. */
  _format(): string {
    const name = this._callback.name === "" ? "<anonymous>" : this._callback.name;
    const args = this._args.map((arg) => (typeof arg === "string" ? `'${arg}'` : repr(arg)));
    return `${name}(${args.join(", ")})`;
  }

  toString(): string {
    return `<Handle${this._cancelled ? " cancelled" : ""} ${this._format()}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A slot of a socket: the handle, its loop, and the dispatch queued for it. */
export interface Watch {
  loop: Loop;
  handle: SelectorHandle;
  /** The queued dispatch; at most one at a time. */
  scheduled: AbstractHandle | null;
}

/** Which slot: reading or writing. */
export type WatchKind = "_reader" | "_writer";

/**
 * Registers `callback(...args)` in `target`'s slot, replacing (and cancelling) the previous one.
 * @throws RuntimeError "Event loop is closed" (checked by the caller).
 */
export function addWatch(
  loop: Loop,
  target: Selectable,
  kind: WatchKind,
  callback: (...args: never[]) => unknown,
  args: unknown[],
  internal: boolean,
): SelectorHandle {
  const handle = new SelectorHandle(callback, args, internal);
  const previous = target[kind];
  if (previous !== null) dropWatch(previous);
  target[kind] = { loop, handle, scheduled: null };
  pollWatches(target);
  return handle;
}

/** Removes `target`'s slot; true when a callback was registered (Python's `_remove_reader`). */
export function removeWatch(target: Selectable, kind: WatchKind): boolean {
  const watch = target[kind];
  if (watch === null) return false;
  target[kind] = null;
  dropWatch(watch);
  return true;
}

function dropWatch(watch: Watch): void {
  watch.handle.cancel();
  watch.scheduled?.cancel();
  watch.scheduled = null;
}

/** Queues a dispatch for each registered slot whose socket is ready. Called on every state change. */
export function pollWatches(target: Selectable): void {
  const reader = target._reader;
  if (reader !== null) schedule(target, reader, "_reader");
  const writer = target._writer;
  if (writer !== null) schedule(target, writer, "_writer");
}

function schedule(target: Selectable, watch: Watch, kind: WatchKind): void {
  if (watch.scheduled !== null || watch.handle._cancelled || watch.loop.isClosed()) return;
  if (target._isClosed()) {
    if (!watch.handle._internal) return;
  } else if (!(kind === "_reader" ? target._isReadable() : target._isWritable())) {
    return;
  }
  watch.scheduled = watch.loop._callSoon(dispatch, [target, watch], watch.handle._context);
}

function dispatch(target: Selectable, watch: Watch): void {
  watch.scheduled = null;
  const handle = watch.handle;
  if (handle._cancelled) return;
  try {
    (handle._callback as (...args: unknown[]) => unknown)(...handle._args);
  } catch (error) {
    // CPython events.Handle._run: the error goes to the exception handler, the loop goes on.
    watch.loop.callExceptionHandler({ message: `Exception in callback ${handle._format()}`, exception: error, handle });
  } finally {
    // Level-triggered: still registered and still ready means called again next iteration.
    if (!handle._cancelled) pollWatches(target);
  }
}
