import { describe, expect, it } from "vitest";
import {
  BaseProtocol,
  BufferedProtocol,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "../src/index.js";

const f = {};

describe("BaseProtocol", () => {
  // mirrors test_protocols.py::test_base_protocol
  it("does nothing by default", () => {
    const p = new BaseProtocol();
    expect(p.connectionMade(f)).toBeUndefined();
    expect(p.connectionLost(f)).toBeUndefined();
    expect(p.pauseWriting()).toBeUndefined();
    expect(p.resumeWriting()).toBeUndefined();
    expect(Object.keys(p)).toEqual([]);
  });
});

describe("Protocol", () => {
  // mirrors test_protocols.py::test_protocol
  it("does nothing by default", () => {
    const p = new Protocol();
    expect(p.connectionMade(f)).toBeUndefined();
    expect(p.connectionLost(f)).toBeUndefined();
    expect(p.dataReceived(new Uint8Array())).toBeUndefined();
    expect(p.eofReceived()).toBeUndefined();
    expect(p.pauseWriting()).toBeUndefined();
    expect(p.resumeWriting()).toBeUndefined();
    expect(Object.keys(p)).toEqual([]);
  });
});

describe("BufferedProtocol", () => {
  // mirrors test_protocols.py::test_buffered_protocol
  it("does nothing by default except for the buffer methods", () => {
    const p = new BufferedProtocol();
    expect(p.connectionMade(f)).toBeUndefined();
    expect(p.connectionLost(f)).toBeUndefined();
    expect(p.getBuffer(100)).toBeNull();
    expect(p.bufferUpdated(150)).toBeUndefined();
    expect(p.eofReceived()).toBeUndefined();
    expect(p.pauseWriting()).toBeUndefined();
    expect(p.resumeWriting()).toBeUndefined();
  });
});

describe("DatagramProtocol", () => {
  // mirrors test_protocols.py::test_datagram_protocol
  it("does nothing by default", () => {
    const dp = new DatagramProtocol();
    expect(dp.connectionMade(f)).toBeUndefined();
    expect(dp.connectionLost(f)).toBeUndefined();
    expect(dp.errorReceived(f)).toBeUndefined();
    expect(dp.datagramReceived(new Uint8Array(), f)).toBeUndefined();
  });
});

describe("SubprocessProtocol", () => {
  // mirrors test_protocols.py::test_subprocess_protocol
  it("does nothing by default", () => {
    const sp = new SubprocessProtocol();
    expect(sp.connectionMade(f)).toBeUndefined();
    expect(sp.connectionLost(f)).toBeUndefined();
    expect(sp.pipeDataReceived(1, new Uint8Array())).toBeUndefined();
    expect(sp.pipeConnectionLost(1, f)).toBeUndefined();
    expect(sp.processExited()).toBeUndefined();
  });
});
