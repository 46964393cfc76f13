export {
  Future,
  isFuture,
  awaitFuture,
  settle,
  Settler,
  setResultUnlessCancelled,
  reprValue,
  captureStack,
  loopMismatchError,
} from "./future.js";
export type { AwaitingTask, FutureOptions } from "./future.js";
export { wrapFuture } from "./wrap-future.js";
export type { WrapFutureOptions } from "./wrap-future.js";
