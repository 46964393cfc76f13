/**
 * Network tests of CPython 3.13 Lib/test/test_asyncio/test_base_events.py (BaseEventTests,
 * BaseEventLoopWithSelectorTests) and test_events.py (EventLoopTestsMixin, TestServer) not ported
 * elsewhere in this package. CPython mocks getaddrinfo and sockets in many of them; these run the
 * same scenarios on real loopback sockets, names that cannot resolve (".invalid") and addresses
 * that are not local (192.0.2.1, TEST-NET-1).
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import { CancelledError, ConnectionRefusedError, ExceptionGroup, OSError, RuntimeError, Transport } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import {
  AF_INET,
  AF_INET6,
  SOCK_DGRAM,
  SOCK_STREAM,
  SSLCertVerificationError,
  SSLContext,
  TransportSocket,
  addReader,
  addWriter,
  connectAcceptedSocket,
  createConnection,
  createDatagramEndpoint,
  createDefaultContext,
  createServer,
  createUnixServer,
  getaddrinfo,
  removeReader,
  removeWriter,
  socket,
  startServer,
} from "@aio/streams";
import type { Server, StreamReader, StreamWriter, UDPTransport } from "@aio/streams";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { hasIPv6, inLoop, makeCertificate, unusedPort } from "./support/loop.js";
import type { Pems } from "./support/loop.js";
import { MyDatagramProto, MyProto } from "./support/protocols.js";
import { socketPair } from "./support/sock-servers.js";
// socketPair makes its sockets with the source module, whose AioSocket class sockRecv checks for.
import { sockRecv } from "../src/sock.js";

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const SOCK_RAW = 3;
/** Not assigned to any host (RFC 5737), so binding it fails with EADDRNOTAVAIL. */
const NOT_LOCAL = "192.0.2.1";
/** Never resolves (RFC 6761). */
const NO_SUCH_HOST = "no-such-host.invalid";

/** A certificate for the name "aio.test" and the loopback IPs, but not for "localhost". */
let pems: Pems;
beforeAll(async () => {
  pems = await makeCertificate("aio.test");
});

/** The error `promise` rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

/** CPython's run_test_server: answers any request with a short HTTP response and closes. */
async function httpServer(host = "127.0.0.1", ssl?: SSLContext): Promise<Server> {
  const handler = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
    await reader.readuntil(Buffer.from("\r\n\r\n")).catch(() => undefined);
    writer.write(Buffer.from("HTTP/1.0 200 OK\r\n\r\nTest message"));
    writer.close();
  };
  const server = await startServer(handler, host, 0, { ssl });
  onTestFinished(async () => {
    server.close();
    await server.waitClosed();
  });
  return server;
}

function portOf(server: Server): number {
  return (server.sockets[0]!.getsockname() as [string, number])[1];
}

/** A UDP socket, closed when the test finishes. */
function udpSocket(): dgram.Socket {
  const sock = dgram.createSocket("udp4");
  onTestFinished(() => {
    try {
      sock.close();
    } catch {
      // Already closed by the transport that took it over.
    }
  });
  return sock;
}

describe("getaddrinfo", () => {
  // mirrors test_base_events.py::test_ipaddr_info
  it("answers numeric hosts as socket.getaddrinfo does, choosing the protocol from the type", async () => {
    await inLoop(async (loop) => {
      const inet: [number, number, number, string, [string, number]] = [AF_INET, SOCK_STREAM, IPPROTO_TCP, "", ["1.2.3.4", 1]];
      expect(await getaddrinfo(loop, "1.2.3.4", 1, { family: AF_INET, type: SOCK_STREAM, proto: IPPROTO_TCP })).toEqual([inet]);
      expect(await getaddrinfo(loop, "1.2.3.4", 1, { type: SOCK_STREAM, proto: IPPROTO_TCP })).toEqual([inet]);
      expect(await getaddrinfo(loop, "1.2.3.4", 1, { type: SOCK_DGRAM, proto: IPPROTO_UDP })).toEqual([[AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", ["1.2.3.4", 1]]]);
      // Socket type STREAM implies TCP, DGRAM implies UDP.
      expect(await getaddrinfo(loop, "1.2.3.4", 1, { type: SOCK_STREAM })).toEqual([inet]);
      expect(await getaddrinfo(loop, "1.2.3.4", 1, { type: SOCK_DGRAM })).toEqual([[AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", ["1.2.3.4", 1]]]);
      // No socket type: CPython falls back to socket.getaddrinfo, which lists every type.
      expect(await getaddrinfo(loop, "1.2.3.4", 1)).toEqual([
        inet,
        [AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", ["1.2.3.4", 1]],
        [AF_INET, SOCK_RAW, 0, "", ["1.2.3.4", 1]],
      ]);
      const inet6 = [AF_INET6, SOCK_STREAM, IPPROTO_TCP, "", ["::3", 1, 0, 0]];
      expect(await getaddrinfo(loop, "::3", 1, { family: AF_INET6, type: SOCK_STREAM, proto: IPPROTO_TCP })).toEqual([inet6]);
      expect(await getaddrinfo(loop, "::3", 1, { type: SOCK_STREAM, proto: IPPROTO_TCP })).toEqual([inet6]);
      // An address of the other family: socket.gaierror(-9).
      for (const [host, family] of [
        ["1.2.3.4", AF_INET6],
        ["::3", AF_INET],
      ] as const) {
        const error = await rejection(getaddrinfo(loop, host, 1, { family, type: SOCK_STREAM, proto: IPPROTO_TCP }));
        expect(error).toBeInstanceOf(OSError);
        expect((error as OSError).message).toBe("[Errno -9] Address family for hostname not supported");
      }
    });
  });

  // mirrors test_base_events.py::test_port_parameter_types
  it("takes a missing or empty port as 0 and a numeric string as its number", async () => {
    await inLoop(async (loop) => {
      const options = { family: AF_INET, type: SOCK_STREAM, proto: IPPROTO_TCP };
      for (const [port, expected] of [
        [null, 0],
        ["", 0],
        ["1", 1],
      ] as const) {
        expect(await getaddrinfo(loop, "1.2.3.4", port, options), String(port)).toEqual([[AF_INET, SOCK_STREAM, IPPROTO_TCP, "", ["1.2.3.4", expected]]]);
      }
    });
  });
});

describe("createConnection", () => {
  // mirrors test_base_events.py::test_create_connection_host_port_sock
  it("refuses host/port together with sock", async () => {
    await inLoop(async (loop) => {
      await expect(createConnection(loop, () => new MyProto(loop), "example.com", 80, { sock: new net.Socket() })).rejects.toThrow(
        new RangeError("host/port and sock can not be specified at the same time"),
      );
    });
  });

  // mirrors test_base_events.py::test_create_connection_no_host_port_sock
  it("refuses to connect without host, port or sock", async () => {
    await inLoop(async (loop) => {
      await expect(createConnection(loop, () => new MyProto(loop))).rejects.toThrow(new RangeError("host and port was not specified and no sock specified"));
    });
  });

  // mirrors test_base_events.py::test_create_connection_wrong_sock
  it("refuses a datagram socket", async () => {
    await inLoop(async (loop) => {
      const sock = udpSocket();
      const error = await rejection(createConnection(loop, () => new MyProto(loop), null, null, { sock: sock as never }));
      expect(error).toBeInstanceOf(RangeError); // Python: ValueError
      expect((error as Error).message).toMatch(/^A Stream Socket was expected, got /);
    });
  });

  // mirrors test_base_events.py::test_create_connection_no_ssl_server_hostname_errors
  it("refuses server_hostname without ssl, even an empty one", async () => {
    await inLoop(async (loop) => {
      for (const serverHostname of ["", "python.org"]) {
        await expect(createConnection(loop, () => new MyProto(loop), "python.org", 80, { serverHostname })).rejects.toThrow(
          new RangeError("server_hostname is only meaningful with ssl"),
        );
      }
    });
  });

  // mirrors test_base_events.py::test_create_connection_ssl_server_hostname_errors
  it("needs server_hostname with ssl when there is no host to default it from", async () => {
    await inLoop(async (loop) => {
      const message = new RangeError("You must set server_hostname when using ssl without a host");
      await expect(createConnection(loop, () => new MyProto(loop), "", 80, { ssl: true })).rejects.toThrow(message);
      await expect(createConnection(loop, () => new MyProto(loop), null, 80, { ssl: true })).rejects.toThrow(message);
      const sock = new net.Socket();
      await expect(createConnection(loop, () => new MyProto(loop), null, null, { ssl: true, sock })).rejects.toThrow(message);
      sock.destroy();
    });
  });

  // mirrors test_base_events.py::test_create_connection_ssl_timeout_for_plain_socket
  it("refuses ssl_handshake_timeout without ssl", async () => {
    await inLoop(async (loop) => {
      await expect(createConnection(loop, () => new MyProto(loop), "example.com", 80, { sslHandshakeTimeout: 1 })).rejects.toThrow(
        new RangeError("ssl_handshake_timeout is only meaningful with ssl"),
      );
    });
  });

  // mirrors test_base_events.py::test_create_connection_ssl_server_hostname_default
  it("checks the certificate against the host by default, or against server_hostname", async () => {
    await inLoop(async (loop) => {
      const serverContext = new SSLContext("CLIENT_AUTH");
      serverContext.loadCertChain(pems.cert, pems.private);
      const server = await httpServer("127.0.0.1", serverContext);
      const port = portOf(server);
      const connect = async (host: string, serverHostname?: string): Promise<void> => {
        const ssl = createDefaultContext("SERVER_AUTH", { cadata: pems.cert });
        const [transport, protocol] = await createConnection(loop, () => new MyProto(loop), host, port, { ssl, serverHostname });
        await protocol.done;
        transport.close();
        expect(protocol.nbytes).toBeGreaterThan(0);
      };
      // The certificate names "aio.test" and 127.0.0.1, not "localhost".
      await connect("127.0.0.1");
      expect(await rejection(connect("localhost"))).toBeInstanceOf(SSLCertVerificationError);
      await connect("localhost", "aio.test");
      expect(await rejection(connect("127.0.0.1", "perl.com"))).toBeInstanceOf(SSLCertVerificationError);
    });
  });

  // mirrors test_base_events.py::test_create_connection_connect_err
  it("raises the connect error, or an ExceptionGroup of it with allErrors", async () => {
    await inLoop(async (loop) => {
      const port = await unusedPort();
      expect(await rejection(createConnection(loop, () => new MyProto(loop), "127.0.0.1", port))).toBeInstanceOf(ConnectionRefusedError);
      const group = await rejection(createConnection(loop, () => new MyProto(loop), "127.0.0.1", port, { allErrors: true }));
      expect(group).toBeInstanceOf(ExceptionGroup);
      expect((group as ExceptionGroup).message).toMatch(/^create_connection failed/);
      expect((group as ExceptionGroup).exceptions).toHaveLength(1);
      expect((group as ExceptionGroup).exceptions[0]).toBeInstanceOf(ConnectionRefusedError);
    });
  });

  // mirrors test_base_events.py::test_create_connection_no_getaddrinfo
  it("raises OSError for a host that resolves to nothing", async () => {
    await inLoop(async (loop) => {
      expect(await rejection(createConnection(loop, () => new MyProto(loop), NO_SUCH_HOST, 80))).toBeInstanceOf(OSError);
    });
  });

  // mirrors test_base_events.py::test_create_connection_no_local_addr
  it("raises OSError for a local address that resolves to nothing", async () => {
    await inLoop(async (loop) => {
      const server = await httpServer();
      const error = await rejection(
        createConnection(loop, () => new MyProto(loop), "127.0.0.1", portOf(server), { family: AF_INET, localAddr: [NO_SUCH_HOST, 0] }),
      );
      expect(error).toBeInstanceOf(OSError);
    });
  });

  // mirrors test_events.py::test_create_connection_local_addr_nomatch_family
  it("raises OSError when no local address has the remote's family", async () => {
    await inLoop(async (loop) => {
      const server = await httpServer();
      const error = await rejection(createConnection(loop, () => new MyProto(loop), "127.0.0.1", portOf(server), { localAddr: ["::1", 0] }));
      expect(error).toBeInstanceOf(OSError);
      expect((error as OSError).message).toBe("no matching local address with family=<AddressFamily.AF_INET: 2> found");
    });
  });

  // mirrors test_events.py::test_create_connection_local_addr_skip_different_family
  it("resolves a local host name, binding only an address of the remote's family", async () => {
    await inLoop(async (loop) => {
      const server = await httpServer();
      const [transport, protocol] = await createConnection(loop, () => new MyProto(loop), "127.0.0.1", portOf(server), { localAddr: ["localhost", 0] });
      expect((transport.getExtraInfo("sockname") as [string, number])[0]).toBe("127.0.0.1");
      await protocol.done;
      transport.close();
      // CPython's scenario: the bind succeeds and the connect itself fails.
      const port = await unusedPort();
      const error = await rejection(createConnection(loop, () => new MyProto(loop), "127.0.0.1", port, { localAddr: ["localhost", 0] }));
      expect(error).toBeInstanceOf(ConnectionRefusedError);
    });
  });

  // mirrors test_base_events.py::test_create_connection_ip_addr
  it("connects to an IP literal with a socket of its family", async () => {
    await inLoop(async (loop) => {
      const hosts = hasIPv6 ? ["127.0.0.1", "::1"] : ["127.0.0.1"];
      for (const host of hosts) {
        const server = await httpServer(host);
        const [transport, protocol] = await createConnection(loop, () => new MyProto(loop), host, portOf(server));
        expect(transport).toBeInstanceOf(Transport);
        const sock = transport.getExtraInfo("socket") as TransportSocket;
        expect(sock).toBeInstanceOf(TransportSocket);
        expect(sock.family).toBe(host === "::1" ? AF_INET6 : AF_INET);
        expect(sock.getpeername()).toEqual(transport.getExtraInfo("peername"));
        expect(sock.getsockname()).toEqual(transport.getExtraInfo("sockname"));
        expect(transport.getExtraInfo("peername")).toEqual(host === "::1" ? [host, portOf(server), 0, 0] : [host, portOf(server)]);
        await protocol.done;
        transport.close();
      }
    });
  });
});

describe("createServer", () => {
  // mirrors test_base_events.py::test_create_server_wrong_sock
  it("refuses a datagram socket", async () => {
    await inLoop(async (loop) => {
      const error = await rejection(createServer(loop, () => new MyProto(loop), null, null, { sock: udpSocket() as never }));
      expect(error).toBeInstanceOf(RangeError); // Python: ValueError
      expect((error as Error).message).toMatch(/^A Stream Socket was expected, got /);
    });
  });

  // mirrors test_base_events.py::test_create_server_ssl_timeout_for_plain_socket
  it("refuses ssl_handshake_timeout without ssl", async () => {
    await inLoop(async (loop) => {
      await expect(createServer(loop, () => new MyProto(loop), "example.com", 80, { sslHandshakeTimeout: 1 })).rejects.toThrow(
        new RangeError("ssl_handshake_timeout is only meaningful with ssl"),
      );
    });
  });

  // mirrors test_base_events.py::test_create_server_host_port_sock
  it("refuses host/port together with sock", async () => {
    await inLoop(async (loop) => {
      await expect(createServer(loop, () => new MyProto(loop), "0.0.0.0", 0, { sock: {} as net.Server })).rejects.toThrow(
        new RangeError("host/port and sock can not be specified at the same time"),
      );
    });
  });

  // mirrors test_base_events.py::test_create_server_no_host_port_sock
  it("refuses to listen without host, port or sock", async () => {
    await inLoop(async (loop) => {
      await expect(createServer(loop, () => new MyProto(loop))).rejects.toThrow(new RangeError("Neither host/port nor sock were specified"));
    });
  });

  // mirrors test_base_events.py::test_create_server_empty_host
  it("listens on every interface for an empty host", async () => {
    await inLoop(async (loop) => {
      const server = await createServer(loop, () => new MyProto(), "", 0);
      try {
        expect(server.sockets.length).toBeGreaterThan(0);
        const [transport, protocol] = await createConnection(loop, () => new MyProto(loop), "127.0.0.1", portOf(server));
        expect(protocol.state).toBe("CONNECTED");
        transport.close();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  // mirrors test_base_events.py::test_create_server_no_getaddrinfo
  it("raises OSError for a host that resolves to nothing", async () => {
    await inLoop(async (loop) => {
      expect(await rejection(createServer(loop, () => new MyProto(), NO_SUCH_HOST, 0))).toBeInstanceOf(OSError);
    });
  });

  // mirrors test_base_events.py::test_create_server_cant_bind
  it("raises OSError when the address cannot be bound", async () => {
    await inLoop(async (loop) => {
      expect(await rejection(createServer(loop, () => new MyProto(), NOT_LOCAL, 0))).toBeInstanceOf(OSError);
    });
  });

  // mirrors test_base_events.py::test_create_server_ipv6
  it.skipIf(!hasIPv6)("serves on ::1", async () => {
    await inLoop(async () => {
      const server = await startServer(async () => undefined, "::1", 0);
      try {
        expect(server.sockets.length).toBeGreaterThan(0);
        expect(server.sockets[0]!.family).toBe(AF_INET6);
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });
});

describe("createUnixServer", () => {
  // mirrors test_events.py::test_create_unix_server_path_socket_error
  it("refuses a path together with sock", async () => {
    await inLoop(async (loop) => {
      await expect(createUnixServer(loop, () => new MyProto(loop), "/test", { sock: net.createServer() })).rejects.toThrow(
        new RangeError("path and sock can not be specified at the same time"),
      );
    });
  });
});

describe("connectAcceptedSocket", () => {
  // mirrors test_events.py::test_connect_accepted_socket_ssl_timeout_for_plain_socket
  it("refuses ssl_handshake_timeout without ssl", async () => {
    await inLoop(async (loop) => {
      const sock = new net.Socket();
      try {
        await expect(connectAcceptedSocket(loop, () => new MyProto(loop), sock, { sslHandshakeTimeout: 5 })).rejects.toThrow(
          new RangeError("ssl_handshake_timeout is only meaningful with ssl"),
        );
      } finally {
        sock.destroy();
      }
    });
  });
});

describe("createDatagramEndpoint", () => {
  // mirrors test_base_events.py::test_create_datagram_endpoint_addr_error
  it("wants [host, port] pairs as addresses", async () => {
    await inLoop(async (loop) => {
      for (const localAddr of ["localhost", ["localhost", 1, 2, 3]]) {
        await expect(createDatagramEndpoint(loop, () => new MyDatagramProto(), { localAddr: localAddr as never })).rejects.toThrow(new TypeError("2-tuple is expected"));
      }
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_noaddr_nofamily
  it("needs an address or a family", async () => {
    await inLoop(async (loop) => {
      await expect(createDatagramEndpoint(loop, () => new MyDatagramProto())).rejects.toThrow(new RangeError("unexpected address family"));
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_no_matching_family
  it("refuses local and remote addresses of different families", async () => {
    await inLoop(async (loop) => {
      await expect(createDatagramEndpoint(loop, () => new MyDatagramProto(), { remoteAddr: ["127.0.0.1", 0], localAddr: ["::1", 0] })).rejects.toThrow(
        new RangeError("can not get address information"),
      );
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_no_addrinfo
  it("raises OSError for a local address that resolves to nothing", async () => {
    await inLoop(async (loop) => {
      expect(await rejection(createDatagramEndpoint(loop, () => new MyDatagramProto(), { localAddr: [NO_SUCH_HOST, 0] }))).toBeInstanceOf(OSError);
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_cant_bind
  it("raises OSError when the local address cannot be bound", async () => {
    await inLoop(async (loop) => {
      const error = await rejection(createDatagramEndpoint(loop, () => new MyDatagramProto(), { localAddr: [NOT_LOCAL, 0], family: AF_INET }));
      expect(error).toBeInstanceOf(OSError);
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_allow_broadcast
  it("does not connect the socket with allowBroadcast, and closes", async () => {
    await inLoop(async (loop) => {
      const [peer] = await createDatagramEndpoint(loop, () => new MyDatagramProto(), { localAddr: ["127.0.0.1", 0] });
      try {
        const port = (peer.getExtraInfo("sockname") as [string, number])[1];
        const protocol = new MyDatagramProto(loop);
        const [transport] = await createDatagramEndpoint(loop, () => protocol, { remoteAddr: ["127.0.0.1", port], allowBroadcast: true });
        expect(transport.getExtraInfo("peername")).toBeNull();
        transport.close();
        await protocol.done;
        expect(protocol.state).toBe("CLOSED");
      } finally {
        peer.close();
      }
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_sock
  it("takes over a bound socket, and closes", async () => {
    await inLoop(async (loop) => {
      const sock = udpSocket();
      await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
      const [transport, protocol] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { sock });
      expect(transport.getExtraInfo("socket")).toBe(sock);
      transport.close();
      await protocol.done;
      expect(protocol.state).toBe("CLOSED");
    });
  });

  // mirrors test_base_events.py::test_create_datagram_endpoint_sockopts
  it("sets SO_REUSEPORT only when asked, so only such endpoints share a port", async () => {
    await inLoop(async (loop) => {
      const endpoints: UDPTransport[] = [];
      try {
        const open = async (port: number, reusePort: boolean): Promise<UDPTransport> => {
          const [transport, protocol] = await createDatagramEndpoint(loop, () => new MyDatagramProto(loop), { localAddr: ["127.0.0.1", port], reusePort });
          endpoints.push(transport);
          expect(protocol.state).toBe("INITIALIZED");
          return transport;
        };
        const plain = await open(0, false);
        const plainPort = (plain.getExtraInfo("sockname") as [string, number])[1];
        // The first endpoint did not get SO_REUSEPORT by default.
        expect(((await rejection(open(plainPort, true))) as OSError).code).toBe("EADDRINUSE");

        const shared = await open(0, true);
        const sharedPort = (shared.getExtraInfo("sockname") as [string, number])[1];
        const second = await open(sharedPort, true);
        expect((second.getExtraInfo("sockname") as [string, number])[1]).toBe(sharedPort);
        expect(((await rejection(open(sharedPort, false))) as OSError).code).toBe("EADDRINUSE");
      } finally {
        for (const transport of endpoints) transport.close();
      }
    });
  });
});

describe("addReader and addWriter", () => {
  // mirrors test_events.py::test_remove_fds_after_closing
  it("has nothing left to remove once the loop is closed", () => {
    const loop = newEventLoop();
    const reader = socket();
    const writer = socket();
    try {
      addReader(loop, reader, () => undefined);
      addWriter(loop, writer, () => undefined);
      loop.close();
      expect(removeReader(loop, reader)).toBe(false);
      expect(removeWriter(loop, writer)).toBe(false);
    } finally {
      loop.close();
      reader.close();
      writer.close();
    }
  });

  // mirrors test_events.py::test_add_fds_after_closing
  it("refuses new callbacks on a closed loop", () => {
    const loop = newEventLoop();
    const reader = socket();
    const writer = socket();
    try {
      loop.close();
      expect(() => addReader(loop, reader, () => undefined)).toThrow(new RuntimeError("Event loop is closed"));
      expect(() => addWriter(loop, writer, () => undefined)).toThrow(new RuntimeError("Event loop is closed"));
    } finally {
      reader.close();
      writer.close();
    }
  });
});

describe("sockRecv", () => {
  // mirrors test_events.py::test_prompt_cancellation
  it("is cancelled promptly while waiting for data", async () => {
    await inLoop(async (loop) => {
      const [r] = await socketPair(loop);
      const receiving = loop.createTask(() => sockRecv(loop, r, 1));
      const main = loop.createTask(async () => {
        try {
          loop.callSoon(() => receiving.cancel());
          await receiving;
        } catch (error) {
          if (error instanceof CancelledError) return "cancelled";
          throw error;
        }
        return null;
      });
      expect(await main).toBe("cancelled");
      expect(() => receiving.result()).toThrow(CancelledError);
    });
  });
});

describe("Server", () => {
  // mirrors test_events.py::TestServer::test_get_loop
  it("reports the loop it serves on", async () => {
    await inLoop(async (loop) => {
      const server = await createServer(loop, () => new MyProto(loop), "127.0.0.1", 0);
      expect(server.getLoop()).toBe(loop);
      server.close();
      await server.waitClosed();
    });
  });
});
