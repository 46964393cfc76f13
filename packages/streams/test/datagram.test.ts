import * as dgram from "node:dgram";
import { DatagramTransport } from "@aio/core";
import { UDPTransport, createDatagramEndpoint } from "@aio/streams";
import { describe, expect, it } from "vitest";
import { hasIPv6, inLoop, runUntil } from "./support/loop.js";
import { MyDatagramProto } from "./support/protocols.js";

const AF_INET = 2;
const AF_INET6 = 10;
const AF_UNIX = 1;

describe("UDPTransport.sendto without an address", () => {
  // Python 3.13 (unconnected endpoint, `t.sendto(b"x")`): the handler gets "Fatal write error on
  // datagram transport" with TypeError('sendto(): AF_INET address must be tuple, not NoneType'),
  // sendto returns, the transport is closing and connection_lost gets that TypeError.
  it("closes an unconnected endpoint with Python's TypeError", async () => {
    await inLoop(async (loop) => {
      const reported: [unknown, unknown][] = [];
      loop.setExceptionHandler((_loop, context) => reported.push([context.message, context.exception]));
      let lost: unknown = "not yet";
      class Proto extends MyDatagramProto {
        override connectionLost(exc: unknown): void {
          super.connectionLost(exc);
          lost = exc;
        }
      }
      const [transport] = await createDatagramEndpoint(loop, () => new Proto(loop), { localAddr: ["127.0.0.1", 0] });
      expect(transport.sendto(Buffer.from("x"))).toBeUndefined();
      expect(transport.isClosing()).toBe(true);
      expect(reported).toHaveLength(1);
      expect(reported[0]![0]).toBe("Fatal write error on datagram transport");
      expect(reported[0]![1]).toEqual(new TypeError("sendto(): AF_INET address must be tuple, not NoneType"));
      await runUntil(() => lost !== "not yet");
      expect(lost).toBe(reported[0]![1]);
      // Python's repr once the connection is lost: `<_SelectorDatagramTransport closed fd=N>`.
      expect(String(transport)).toMatch(/^<UDPTransport closed fd=\d+>$/);
    });
  });

  it("shows Python's repr while open", async () => {
    await inLoop(async (loop) => {
      const [transport] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", 0] });
      expect(String(transport)).toMatch(/^<UDPTransport fd=\d+ read=polling write=<idle, bufsize=0>>$/);
      transport.close();
    });
  });
});

describe("createDatagramEndpoint", () => {
  // mirrors test_events.py::test_create_datagram_endpoint
  // mirrors test_events.py::test_create_datagram_endpoint_ipv6
  for (const [host, family] of [
    ["127.0.0.1", AF_INET],
    ["::1", AF_INET6],
  ] as const) {
    it.skipIf(family === AF_INET6 && !hasIPv6)(`sends and receives datagrams on ${host}`, async () => {
      await inLoop(async (loop) => {
        class Echo extends MyDatagramProto {
          override datagramReceived(data: Uint8Array, addr: unknown): void {
            super.datagramReceived(data, addr);
            this.transport!.sendto(Buffer.concat([Buffer.from("resp:"), data]), addr);
          }
        }
        const [sTransport, server] = await loop.createDatagramEndpoint(() => new Echo(), { localAddr: [host, 0], family });
        const sockname = sTransport.getExtraInfo("sockname") as [string, number];
        expect(sockname[0]).toBe(host);
        expect(sockname).toHaveLength(family === AF_INET6 ? 4 : 2);
        expect(sTransport).toBeInstanceOf(DatagramTransport);
        expect(server).toBeInstanceOf(Echo);
        expect(server.state).toBe("INITIALIZED");
        expect(server.transport).toBe(sTransport);

        const [transport, client] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { remoteAddr: [host, sockname[1]] });
        expect(client.state).toBe("INITIALIZED");
        expect(client.transport).toBe(transport);
        try {
          transport.sendto(Buffer.from("xxx"));
          await runUntil(() => server.nbytes > 0);
          expect(server.nbytes).toBe(3);
          await runUntil(() => client.nbytes > 0);
          expect(client.nbytes).toBe(8);
          expect(client.received[0]![0].toString()).toBe("resp:xxx");
          expect((client.received[0]![1] as [string, number])[1]).toBe(sockname[1]);
          expect(transport.getExtraInfo("sockname")).not.toBeNull();
          expect((transport.getExtraInfo("peername") as [string, number])[1]).toBe(sockname[1]);
          transport.close();
          await client.done;
          expect(client.state).toBe("CLOSED");
        } finally {
          transport.close();
          sTransport.close();
        }
      });
    });
  }

  // mirrors test_events.py::test_create_datagram_endpoint_sock
  it("uses a bound dgram socket it is given", async () => {
    await inLoop(async (loop) => {
      const sock = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
      const [tr, pr] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { sock });
      expect(tr).toBeInstanceOf(UDPTransport);
      expect(pr).toBeInstanceOf(MyDatagramProto);
      expect(tr.getExtraInfo("peername")).toBeNull();
      tr.close();
      await pr.done;
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_sock_sockopts
  it("rejects socket modifiers together with sock, naming them", async () => {
    await inLoop(async (loop) => {
      const sock = dgram.createSocket("udp4");
      try {
        await expect(createDatagramEndpoint(loop, () => new MyDatagramProto(), { sock, localAddr: ["127.0.0.1", 0], allowBroadcast: true })).rejects.toThrow(
          new RangeError("socket modifier keyword arguments can not be used when sock is specified. (local_addr=('127.0.0.1', 0), allow_broadcast=True)"),
        );
      } finally {
        sock.close();
      }
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_connect_err
  // mirrors test_base_events.py::test_create_datagram_endpoint_wrong_sock
  it("validates its arguments", async () => {
    await inLoop(async (loop) => {
      const factory = (): MyDatagramProto => new MyDatagramProto();
      await expect(createDatagramEndpoint(loop, factory)).rejects.toThrow(new RangeError("unexpected address family"));
      await expect(createDatagramEndpoint(loop, factory, { reuseAddress: true })).rejects.toThrow(/reuse_address=True. is no longer supported/);
      // Differs from CPython: Unix datagram sockets (family AF_UNIX) are not available in Node's dgram.
      await expect(createDatagramEndpoint(loop, factory, { family: AF_UNIX })).rejects.toThrow(/Unix datagram sockets are not supported/);
    });
  });

  it("sends to the connected address only: another address is 'Invalid address'", async () => {
    await inLoop(async (loop) => {
      const [server] = await createDatagramEndpoint(loop, () => new MyDatagramProto(), { localAddr: ["127.0.0.1", 0] });
      const port = (server.getExtraInfo("sockname") as [string, number])[1];
      const [transport] = await createDatagramEndpoint(loop, () => new MyDatagramProto(), { remoteAddr: ["127.0.0.1", port] });
      try {
        expect(() => transport.sendto(Buffer.from("x"), ["127.0.0.1", port + 1])).toThrow(
          new RangeError(`Invalid address: must be None or ('127.0.0.1', ${port})`),
        );
        transport.sendto(Buffer.from("x"), ["127.0.0.1", port]);
        expect(() => transport.sendto("text" as never)).toThrow(TypeError);
      } finally {
        transport.close();
        server.close();
      }
    });
  });

  it("sends broadcast-enabled datagrams to remoteAddr without connecting", async () => {
    await inLoop(async (loop) => {
      const [sTransport, server] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", 0] });
      const port = (sTransport.getExtraInfo("sockname") as [string, number])[1];
      const [transport] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), {
        remoteAddr: ["127.0.0.1", port],
        allowBroadcast: true,
      });
      try {
        expect(transport.getExtraInfo("peername")).toBeNull();
        expect((transport._sock as unknown as { getBroadcast?: unknown }) !== null).toBe(true);
        transport.sendto(Buffer.from("hi"));
        await runUntil(() => server.nbytes > 0);
        expect(server.received[0]![0].toString()).toBe("hi");
      } finally {
        transport.close();
        sTransport.close();
      }
    });
  });

  // mirrors test_events.py::test_datagram_send_to_non_listening_address
  it("keeps receiving after sending to an address nobody listens on", async () => {
    await inLoop(async (loop) => {
      const [t1, p1] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", 0] });
      const [t2, p2] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", 0] });
      const addr1 = t1.getExtraInfo("sockname") as [string, number];
      const addr2 = t2.getExtraInfo("sockname") as [string, number];
      const [t3] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", 0] });
      const nowhere = (t3.getExtraInfo("sockname") as [string, number])[1];
      t3.close();
      try {
        t1.sendto(Buffer.from("a"), ["127.0.0.1", nowhere]);
        t2.sendto(Buffer.from("b"), addr1);
        await runUntil(() => p1.nbytes > 0);
        expect(p1.received[0]![0].toString()).toBe("b");
        t1.sendto(Buffer.from("c"), addr2);
        await runUntil(() => p2.nbytes > 0);
        expect(p2.received[0]![0].toString()).toBe("c");
      } finally {
        t1.close();
        t2.close();
      }
    });
  });

  it("drops sends after abort and reports connectionLost once", async () => {
    await inLoop(async (loop) => {
      const [tr, pr] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", 0] });
      tr.abort();
      expect(tr.isClosing()).toBe(true);
      tr.sendto(Buffer.from("x"), ["127.0.0.1", 9]);
      await pr.done;
      expect(pr.state).toBe("CLOSED");
      expect(tr.getWriteBufferSize()).toBe(0);
    });
  });
});
