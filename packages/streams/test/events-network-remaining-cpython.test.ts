/**
 * Network tests of CPython 3.13 Lib/test/test_asyncio/test_base_events.py
 * (BaseEventLoopWithSelectorTests) left unported by events-cpython.test.ts. CPython mocks the
 * socket module here; these run the same scenarios on real loopback sockets.
 */
import * as dgram from "node:dgram";
import { createDatagramEndpoint } from "@aio/streams";
import { describe, expect, it } from "vitest";
import { inLoop } from "./support/loop.js";
import { MyDatagramProto } from "./support/protocols.js";

describe("createDatagramEndpoint with an IP literal", () => {
  // mirrors test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_ip_addr
  it("binds exactly that address with a UDP socket of its family", async () => {
    await inLoop(async (loop) => {
      // CPython binds the mocked socket to ('1.2.3.4', 0); a real bind needs a local address.
      const [transport, protocol] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), {
        localAddr: ["127.0.0.1", 0],
        reusePort: true,
      });
      try {
        const sockname = transport.getExtraInfo("sockname") as [string, number];
        expect(sockname[0]).toBe("127.0.0.1");
        expect(sockname[1]).toBeGreaterThan(0);
        // Differs from CPython: the "socket" extra is the dgram.Socket itself (README), so the
        // family and type CPython reads from socket.socket() are its address family and class.
        const sock = transport.getExtraInfo("socket") as dgram.Socket;
        expect(sock).toBeInstanceOf(dgram.Socket);
        expect(sock.address()).toEqual({ address: "127.0.0.1", family: "IPv4", port: sockname[1] });
      } finally {
        transport.close();
      }
      await protocol.done;
      expect(protocol.state).toBe("CLOSED");
    });
  });
});
