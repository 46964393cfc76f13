export {
  AbstractEventLoopPolicy,
  BaseDefaultEventLoopPolicy,
  DefaultEventLoopPolicy,
  getEventLoopPolicy,
  setEventLoopPolicy,
  getEventLoop,
  setEventLoop,
  newEventLoop,
} from "./policy.js";
