export { PIPE, STDOUT, DEVNULL } from "./constants.js";
export { Process, SubprocessStreamProtocol, createSubprocessExec, createSubprocessShell } from "./process.js";
export type { CreateSubprocessOptions } from "./process.js";
export { subprocessExec, subprocessShell, connectReadPipe, connectWritePipe } from "./loop-methods.js";
export { UnixSubprocessTransport } from "./subprocess-transport.js";
export type { SubprocessOptions, SubprocessProtocolLike, StdioSpec } from "./subprocess-transport.js";
export { ReadPipeTransport, WritePipeTransport } from "./pipe-transports.js";
export type { ReadPipeProtocol, WritePipeProtocol } from "./pipe-transports.js";
export { quote } from "./quote.js";
