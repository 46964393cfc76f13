/**
 * Abstract protocols: the callbacks a transport calls. Every method does nothing by default.
 * Mirrors CPython 3.13 asyncio/protocols.py.
 */
import { NotImplementedError } from "./errors.js";

/** The base of all protocols. @see https://docs.python.org/3/library/asyncio-protocol.html#asyncio.BaseProtocol */
export class BaseProtocol {
  connectionMade(_transport: unknown): void {}
  connectionLost(_exc: unknown): void {}
  pauseWriting(): void {}
  resumeWriting(): void {}
}

/** A stream protocol. */
export class Protocol extends BaseProtocol {
  dataReceived(_data: Uint8Array): void {}
  /** Return true to keep the transport open for writing after the peer's EOF. */
  eofReceived(): boolean | void {}
}

/** A stream protocol that supplies its own receive buffer. */
export class BufferedProtocol extends BaseProtocol {
  getBuffer(_sizehint: number): Uint8Array {
    throw new NotImplementedError();
  }
  bufferUpdated(_nbytes: number): void {
    throw new NotImplementedError();
  }
  eofReceived(): boolean | void {}
}

/** A datagram protocol. */
export class DatagramProtocol extends BaseProtocol {
  datagramReceived(_data: Uint8Array, _addr: unknown): void {}
  errorReceived(_exc: unknown): void {}
}

/** A subprocess protocol. */
export class SubprocessProtocol extends BaseProtocol {
  pipeDataReceived(_fd: number, _data: Uint8Array): void {}
  pipeConnectionLost(_fd: number, _exc: unknown): void {}
  processExited(): void {}
}
