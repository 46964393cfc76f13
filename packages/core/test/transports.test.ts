import { describe, expect, it } from "vitest";
import {
  BaseTransport,
  DatagramTransport,
  NotImplementedError,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from "../src/index.js";

describe("Transport", () => {
  // mirrors test_transports.py::test_ctor_extra_is_none
  it("has no extra info by default", () => {
    expect(new Transport()._extra).toEqual({});
    expect(new Transport(null)._extra).toEqual({});
  });

  // mirrors test_transports.py::test_get_extra_info
  it("returns extra info, null or the given default", () => {
    const transport = new Transport({ extra: "info" });
    expect(transport.getExtraInfo("extra")).toBe("info");
    expect(transport.getExtraInfo("unknown")).toBeNull();
    const fallback = {};
    expect(transport.getExtraInfo("unknown", fallback)).toBe(fallback);
    expect(transport.getExtraInfo("toString")).toBeNull();
  });

  // mirrors test_transports.py::test_writelines
  it("joins writelines into one write", () => {
    const writes: Uint8Array[] = [];
    class MyTransport extends Transport {
      override write(data: Uint8Array): void {
        writes.push(data);
      }
    }
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    new MyTransport().writelines([encode("line1"), Buffer.from("line2"), encode("line3")]);
    expect(writes).toHaveLength(1);
    expect(new TextDecoder().decode(writes[0])).toBe("line1line2line3");
  });

  // mirrors test_transports.py::test_not_implemented
  it("leaves the abstract methods to subclasses", () => {
    const transport = new Transport();
    const calls: (() => unknown)[] = [
      () => transport.setWriteBufferLimits(),
      () => transport.getWriteBufferSize(),
      () => transport.getWriteBufferLimits(),
      () => transport.write(new Uint8Array()),
      () => transport.writeEof(),
      () => transport.canWriteEof(),
      () => transport.pauseReading(),
      () => transport.resumeReading(),
      () => transport.isReading(),
      () => transport.close(),
      () => transport.abort(),
      () => transport.isClosing(),
      () => transport.setProtocol(null),
      () => transport.getProtocol(),
    ];
    for (const call of calls) expect(call).toThrow(NotImplementedError);
  });

  it("is both a ReadTransport and a WriteTransport, as Python's multiple inheritance", () => {
    const transport = new Transport();
    expect(transport).toBeInstanceOf(ReadTransport);
    expect(transport).toBeInstanceOf(WriteTransport);
    expect(transport).toBeInstanceOf(BaseTransport);
    expect(new ReadTransport()).toBeInstanceOf(ReadTransport);
    expect(new WriteTransport()).not.toBeInstanceOf(ReadTransport);
    expect(new DatagramTransport()).not.toBeInstanceOf(ReadTransport);
    expect({}).not.toBeInstanceOf(ReadTransport);
    class Sub extends Transport {}
    expect(new Sub()).toBeInstanceOf(ReadTransport);
  });
});

describe("DatagramTransport", () => {
  // mirrors test_transports.py::test_dgram_not_implemented
  it("leaves sendto and abort to subclasses", () => {
    const transport = new DatagramTransport();
    expect(() => transport.sendto(new Uint8Array())).toThrow(NotImplementedError);
    expect(() => transport.abort()).toThrow(NotImplementedError);
  });
});

describe("SubprocessTransport", () => {
  // mirrors test_transports.py::test_subprocess_transport_not_implemented
  it("leaves the process methods to subclasses", () => {
    const transport = new SubprocessTransport();
    expect(() => transport.getPid()).toThrow(NotImplementedError);
    expect(() => transport.getReturncode()).toThrow(NotImplementedError);
    expect(() => transport.getPipeTransport(1)).toThrow(NotImplementedError);
    expect(() => transport.sendSignal(1)).toThrow(NotImplementedError);
    expect(() => transport.terminate()).toThrow(NotImplementedError);
    expect(() => transport.kill()).toThrow(NotImplementedError);
  });
});
