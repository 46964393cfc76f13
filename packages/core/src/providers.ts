/**
 * Late binding between packages that cannot import each other without a cycle.
 * Mirrors nothing in CPython (Python's modules import each other freely); see API.md
 * "where it would create a cycle, the name lives in the lowest package that can hold it".
 *
 * @aio/loop defines the loop's I/O methods and `createTask`, but their implementations live in
 * higher packages (@aio/streams, @aio/subprocess, @aio/tasks). Those packages register here when
 * imported; until then the loop method throws an error naming the package to install or import.
 */
import type { AbstractEventLoop, TaskFactory } from "./event-loop.js";
import { RuntimeError } from "./errors.js";
import { _getRunningLoop } from "./running-loop.js";

/** An implementation of one loop method, called with the loop as first argument. */
export type LoopMethodProvider = (loop: AbstractEventLoop, ...args: never[]) => unknown;

const loopMethods = new Map<string, LoopMethodProvider>();
let defaultTaskFactory: TaskFactory | null = null;

/** Registers implementations of loop methods (called by @aio/streams, @aio/subprocess). @internal */
export function _registerLoopMethods(methods: Record<string, LoopMethodProvider>): void {
  for (const [name, fn] of Object.entries(methods)) loopMethods.set(name, fn);
}

/**
 * Looks up the implementation of loop method `name`.
 * @throws RuntimeError naming `packageName` when it has not been loaded.
 * @internal
 */
export function _loopMethod(name: string, packageName: string): LoopMethodProvider {
  const fn = loopMethods.get(name);
  if (fn === undefined) {
    throw new RuntimeError(
      `loop.${name}() is provided by ${packageName}: install it and import it (or @aio/asyncio) before calling`,
    );
  }
  return fn;
}

/** Registers the task constructor used when a loop has no task factory (called by @aio/tasks). @internal */
export function _registerDefaultTaskFactory(factory: TaskFactory): void {
  defaultTaskFactory = factory;
}

/** @throws RuntimeError naming @aio/tasks when it has not been loaded. @internal */
export function _defaultTaskFactory(): TaskFactory {
  if (defaultTaskFactory === null) {
    throw new RuntimeError(
      "loop.createTask() is provided by @aio/tasks: install it and import it (or @aio/asyncio) before calling",
    );
  }
  return defaultTaskFactory;
}

let eventLoopGetter: (() => AbstractEventLoop) | null = null;

/** Registers Python's `get_event_loop()` (called by @aio/policy). @internal */
export function _registerEventLoopGetter(getter: () => AbstractEventLoop): void {
  eventLoopGetter = getter;
}

/**
 * The loop a future or primitive binds to when none is given: the running loop, else the
 * policy's current loop (when @aio/policy is loaded). @internal
 * @throws RuntimeError "no running event loop" otherwise.
 */
export function _getEventLoop(): AbstractEventLoop {
  const running = _getRunningLoop();
  if (running !== null) return running;
  if (eventLoopGetter !== null) return eventLoopGetter();
  throw new RuntimeError("no running event loop");
}

let eventLoopSetter: ((loop: AbstractEventLoop | null) => void) | null = null;

/** Registers Python's `set_event_loop()` (called by @aio/policy). @internal */
export function _registerEventLoopSetter(setter: (loop: AbstractEventLoop | null) => void): void {
  eventLoopSetter = setter;
}

/** Python's `events.set_event_loop` when @aio/policy is loaded; otherwise nothing to set. @internal */
export function _setEventLoop(loop: AbstractEventLoop | null): void {
  eventLoopSetter?.(loop);
}
