/**
 * Abstract protocols: the callbacks a transport calls. Every method does nothing by default.
 * Mirrors CPython 3.13 asyncio/protocols.py.
 */

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
  /**
   * The buffer to receive into (at least one byte). The default returns null, as Python's
   * returns None; a transport treats that as a failed `get_buffer()` call.
   */
  getBuffer(_sizehint: number): Uint8Array | null {
    return null;
  }
  /** `nbytes` were written into the last buffer. Does nothing by default. */
  bufferUpdated(_nbytes: number): void {}
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
