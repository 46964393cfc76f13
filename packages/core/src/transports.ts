/**
 * Abstract transports: what a protocol may ask of the channel it is connected to.
 * Mirrors CPython 3.13 asyncio/transports.py (BaseTransport … SubprocessTransport).
 *
 * Python's Transport inherits from both ReadTransport and WriteTransport. JavaScript has single
 * inheritance, so Transport extends WriteTransport and copies ReadTransport's methods, and
 * `instanceof ReadTransport` is also true for a Transport (Symbol.hasInstance).
 */
import { NotImplementedError } from "./errors.js";

/** The base of all transports. @see https://docs.python.org/3/library/asyncio-protocol.html#asyncio.BaseTransport */
export class BaseTransport {
  /** @internal */
  _extra: Record<string, unknown>;
  constructor(extra?: Record<string, unknown> | null) {
    this._extra = extra ?? {};
  }
  /** Optional transport information (`peername`, `sockname`, `socket`, `sslcontext`, …). */
  getExtraInfo(name: string, defaultValue: unknown = null): unknown {
    return Object.hasOwn(this._extra, name) ? this._extra[name] : defaultValue;
  }
  isClosing(): boolean {
    throw new NotImplementedError();
  }
  close(): void {
    throw new NotImplementedError();
  }
  setProtocol(_protocol: unknown): void {
    throw new NotImplementedError();
  }
  getProtocol(): unknown {
    throw new NotImplementedError();
  }
}

/** A transport that reads. */
export class ReadTransport extends BaseTransport {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      value instanceof BaseTransport &&
      (Object.prototype.isPrototypeOf.call(ReadTransport.prototype, value) ||
        Object.prototype.isPrototypeOf.call(Transport.prototype, value))
    );
  }
  isReading(): boolean {
    throw new NotImplementedError();
  }
  pauseReading(): void {
    throw new NotImplementedError();
  }
  resumeReading(): void {
    throw new NotImplementedError();
  }
}

/** A transport that writes, with flow control limits. */
export class WriteTransport extends BaseTransport {
  setWriteBufferLimits(_high?: number | null, _low?: number | null): void {
    throw new NotImplementedError();
  }
  getWriteBufferSize(): number {
    throw new NotImplementedError();
  }
  getWriteBufferLimits(): [number, number] {
    throw new NotImplementedError();
  }
  write(_data: Uint8Array): void {
    throw new NotImplementedError();
  }
  /** Writes each buffer in order (the default joins them into one write). */
  writelines(listOfData: Iterable<Uint8Array>): void {
    const parts = [...listOfData];
    let size = 0;
    for (const part of parts) size += part.length;
    const joined = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    this.write(joined);
  }
  writeEof(): void {
    throw new NotImplementedError();
  }
  canWriteEof(): boolean {
    throw new NotImplementedError();
  }
  abort(): void {
    throw new NotImplementedError();
  }
}

/** A bidirectional stream transport (TCP, TLS, Unix, pipes). */
export class Transport extends WriteTransport {
  isReading(): boolean {
    throw new NotImplementedError();
  }
  pauseReading(): void {
    throw new NotImplementedError();
  }
  resumeReading(): void {
    throw new NotImplementedError();
  }
}

/** A datagram (UDP) transport. */
export class DatagramTransport extends BaseTransport {
  sendto(_data: Uint8Array, _addr?: unknown): void {
    throw new NotImplementedError();
  }
  abort(): void {
    throw new NotImplementedError();
  }
}

/** The transport of a child process. */
export class SubprocessTransport extends BaseTransport {
  getPid(): number {
    throw new NotImplementedError();
  }
  getReturncode(): number | null {
    throw new NotImplementedError();
  }
  getPipeTransport(_fd: number): BaseTransport | null {
    throw new NotImplementedError();
  }
  sendSignal(_signal: number | string): void {
    throw new NotImplementedError();
  }
  terminate(): void {
    throw new NotImplementedError();
  }
  kill(): void {
    throw new NotImplementedError();
  }
}
