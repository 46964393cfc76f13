export { Handle, TimerHandle } from "./handles.js";
export { BaseEventLoop } from "./base-event-loop.js";
export type { ContextOption } from "./base-event-loop.js";
export { EventLoop, newEventLoop, _setNewEventLoopFactory } from "./event-loop.js";
export { IO_METHODS } from "./io-methods.js";
export type { IOMethod, IOMethodName, IOMethods } from "./io-methods.js";
export { ThreadPoolExecutor, exportedFunction } from "./thread-pool-executor.js";
export { VirtualTimeEventLoop } from "./virtual-time-event-loop.js";
export type { VirtualTimeEventLoopOptions } from "./virtual-time-event-loop.js";
