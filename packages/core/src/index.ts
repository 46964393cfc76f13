export {
  RuntimeError,
  CancelledError,
  isCancelledError,
  InvalidStateError,
  EOFError,
  OSError,
  TimeoutError,
  BlockingIOError,
  ChildProcessError,
  ConnectionError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
  ProcessLookupError,
  fromNodeError,
  IncompleteReadError,
  LimitOverrunError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  BrokenBarrierError,
  SendfileNotAvailableError,
  NotImplementedError,
  KeyboardInterrupt,
} from "./errors.js";
export type { OSErrorOptions } from "./errors.js";
export { ExceptionGroup } from "./exception-group.js";
export type { ExceptionGroupCondition } from "./exception-group.js";
export {
  Context,
  ContextVar,
  Token,
  LookupError,
  copyContext,
  currentContext,
  frameStorage,
  runInRootContext,
  contextVarsTouched,
} from "./context.js";
export type { ContextVarOptions, TaskFrame } from "./context.js";
export { getRunningLoop, _getRunningLoop, _setRunningLoop } from "./running-loop.js";
export { logger, setLogger, consoleLogger } from "./logger.js";
export { _pyNumberRepr, _pyStrRepr, _pyTypeName } from "./type-name.js";
export { _pyRepr, _pyReprlib } from "./repr.js";
export type { Logger } from "./logger.js";
export { asyncWith, enter } from "./async-context.js";
export type { AsyncContextManager } from "./async-context.js";
export type {
  AbstractEventLoop,
  LoopIOMethods,
  AbstractFuture,
  AbstractHandle,
  AbstractTimerHandle,
  ContextOption,
  Coroutine,
  CreateTaskOptions,
  DoneCallback,
  ExceptionContext,
  ExceptionHandler,
  Executor,
  LoopInternals,
  LoopStepHooks,
  FutureWaiter,
  ReadyHandle,
  TaskFactory,
} from "./event-loop.js";
export {
  _registerLoopMethods,
  _loopMethod,
  _registerDefaultTaskFactory,
  _defaultTaskFactory,
  _registerEventLoopGetter,
  _getEventLoop,
  _registerEventLoopSetter,
  _setEventLoop,
} from "./providers.js";
export type { LoopMethodProvider } from "./providers.js";
export {
  BaseTransport,
  ReadTransport,
  WriteTransport,
  Transport,
  DatagramTransport,
  SubprocessTransport,
} from "./transports.js";
export {
  BaseProtocol,
  Protocol,
  BufferedProtocol,
  DatagramProtocol,
  SubprocessProtocol,
} from "./protocols.js";
