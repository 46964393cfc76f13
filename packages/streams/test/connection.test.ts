import * as net from "node:net";
import { constants } from "node:os";
import * as tls from "node:tls";
import { ConnectionAbortedError, ConnectionRefusedError, FileNotFoundError, OSError, Transport } from "@aio/core";
import {
  SSLCertVerificationError,
  SSLContext,
  SSLError,
  connectAcceptedSocket,
  createConnection,
  createDefaultContext,
  createServer,
  createUnixConnection,
  createUnixServer,
  openConnection,
  openUnixConnection,
  startServer,
  startUnixServer,
} from "@aio/streams";
import type { Server, StreamReader, StreamWriter } from "@aio/streams";
import { sleep, waitFor } from "@aio/tasks";
import { beforeAll, describe, expect, it } from "vitest";
import { captureExceptions, hasIPv6, inLoop, makeCertificate, runUntil, unixSocketPath, unusedPort } from "./support/loop.js";
import type { Pems } from "./support/loop.js";
import { MyBaseProto, MyProto } from "./support/protocols.js";

let pems: Pems;
beforeAll(async () => {
  pems = await makeCertificate();
});

function serverContext(): SSLContext {
  const context = new SSLContext("CLIENT_AUTH");
  context.loadCertChain(pems.cert, pems.private);
  return context;
}

function clientContext(): SSLContext {
  return createDefaultContext("SERVER_AUTH", { cadata: pems.cert });
}

/** CPython's run_test_server: answers any request with a short HTTP response and closes. */
async function httpServer(options: { ssl?: SSLContext; path?: string } = {}): Promise<Server> {
  const handler = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
    await reader.readuntil(Buffer.from("\r\n\r\n")).catch(() => undefined);
    writer.write(Buffer.from("HTTP/1.0 200 OK\r\n\r\nTest message"));
    writer.close();
  };
  if (options.path !== undefined) return startUnixServer(handler, options.path, { ssl: options.ssl });
  return startServer(handler, "127.0.0.1", 0, { ssl: options.ssl });
}

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

async function closeServer(server: Server): Promise<void> {
  server.close();
  await server.waitClosed();
}

describe("createConnection", () => {
  // mirrors test_events.py::test_create_connection
  // mirrors test_events.py::test_create_unix_connection
  it("connects a protocol over TCP and Unix sockets", async () => {
    await inLoop(async (loop) => {
      const path = unixSocketPath();
      const tcp = await httpServer();
      const unix = await httpServer({ path });
      try {
        for (const connect of [
          () => loop.createConnection(() => new MyProto(loop), ...address(tcp)),
          () => loop.createUnixConnection(() => new MyProto(loop), path),
        ]) {
          const [tr, pr] = (await connect());
          expect(tr).toBeInstanceOf(Transport);
          expect(pr).toBeInstanceOf(MyProto);
          expect(pr.transport).toBe(tr);
          expect(tr.getExtraInfo("sockname")).not.toBeNull();
          await pr.done;
          expect(pr.nbytes).toBeGreaterThan(0);
          expect(pr.state).toBe("CLOSED");
          tr.close();
        }
      } finally {
        await closeServer(tcp);
        await closeServer(unix);
      }
    });
  });

  // mirrors test_events.py::test_create_ssl_connection
  // mirrors test_events.py::test_create_ssl_unix_connection
  it("connects over TLS, and ssl: true verifies against the system CAs", async () => {
    await inLoop(async (loop) => {
      const path = unixSocketPath();
      const tcp = await httpServer({ ssl: serverContext() });
      const unix = await httpServer({ ssl: serverContext(), path });
      try {
        const [host, port] = address(tcp);
        const variants = [
          (ssl: SSLContext | boolean) => createConnection(loop, () => new MyProto(loop), host, port, { ssl }),
          (ssl: SSLContext | boolean) => createUnixConnection(loop, () => new MyProto(loop), path, { ssl, serverHostname: "127.0.0.1" }),
        ];
        for (const connect of variants) {
          const [tr, pr] = await connect(clientContext());
          await pr.done;
          expect(pr.nbytes).toBeGreaterThan(0);
          expect(tr.getExtraInfo("sslcontext")).toBeInstanceOf(SSLContext);
          expect(tr.getExtraInfo("peercert")).not.toBeNull();
          expect(tr.getExtraInfo("cipher")).not.toBeNull();
          expect(tr.getExtraInfo("ssl_object")).toBeInstanceOf(tls.TLSSocket);
          tr.close();
          // With ssl: true, the default context does not know the self-signed CA.
          const error = await connect(true).then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(SSLError);
          expect(error).toBeInstanceOf(OSError);
          expect((error as SSLError).reason).toBe("CERTIFICATE_VERIFY_FAILED");
        }
      } finally {
        await closeServer(tcp);
        await closeServer(unix);
      }
    });
  });

  // mirrors test_events.py::test_create_connection_local_addr
  it("binds the local address it is given", async () => {
    await inLoop(async (loop) => {
      const server = await httpServer();
      try {
        const port = await unusedPort();
        const [tr] = await createConnection(loop, () => new MyProto(loop), ...address(server), { localAddr: ["127.0.0.1", port] });
        expect((tr.getExtraInfo("sockname") as [string, number])[1]).toBe(port);
        tr.close();
      } finally {
        await closeServer(server);
      }
    });
  });

  // mirrors test_events.py::test_create_connection_local_addr_in_use
  it("raises EADDRINUSE for a local address in use", async () => {
    await inLoop(async (loop) => {
      const server = await httpServer();
      try {
        const error = await createConnection(loop, () => new MyProto(loop), ...address(server), { localAddr: address(server) }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(OSError);
        expect((error as OSError).errno).toBe(constants.errno.EADDRINUSE);
        expect((error as OSError).code).toBe("EADDRINUSE");
      } finally {
        await closeServer(server);
      }
    });
  });

  it("raises ConnectionRefusedError when nobody listens", async () => {
    await inLoop(async (loop) => {
      const port = await unusedPort();
      const error = await createConnection(loop, () => new MyProto(loop), "127.0.0.1", port).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConnectionRefusedError);
      expect((error as OSError).errno).toBe(constants.errno.ECONNREFUSED);
      expect((error as Error).cause).toBeInstanceOf(Error);
      const unixError = await createUnixConnection(loop, () => new MyProto(loop), unixSocketPath()).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(unixError).toBeInstanceOf(OSError);
    });
  });

  // Python 3.13 (str of the error):
  //   ConnectionRefusedError [Errno 111] Connect call failed ('127.0.0.1', PORT)
  //   FileNotFoundError [Errno 2] No such file or directory
  //   ConnectionRefusedError [Errno 111] Connection refused    (a stale socket file)
  it("words connect failures as Python does", async () => {
    await inLoop(async (loop) => {
      const caught = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (error: unknown) => error);
      const port = await unusedPort();
      const refused = await caught(openConnection("127.0.0.1", port));
      expect(refused).toBeInstanceOf(ConnectionRefusedError);
      expect((refused as Error).message).toBe(`[Errno 111] Connect call failed ('127.0.0.1', ${port})`);
      const missing = await caught(createUnixConnection(loop, () => new MyProto(loop), unixSocketPath()));
      expect(missing).toBeInstanceOf(FileNotFoundError);
      expect((missing as Error).message).toBe("[Errno 2] No such file or directory");
      const stale = unixSocketPath("stale");
      const server = await startUnixServer(() => undefined, stale, { cleanupSocket: false });
      server.close();
      await server.waitClosed();
      const staleError = await caught(createUnixConnection(loop, () => new MyProto(loop), stale));
      expect(staleError).toBeInstanceOf(ConnectionRefusedError);
      expect((staleError as Error).message).toBe("[Errno 111] Connection refused");
    });
  });

  // Python 3.13 (a local port held by another connection):
  //   OSError 98 [Errno 98] error while attempting to bind on address ('127.0.0.1', LPORT): [errno 98] address already in use
  it("words a local address in use as Python's bind error", async () => {
    await inLoop(async (loop) => {
      const other = await startServer((_reader, writer) => writer.close(), "127.0.0.1", 0);
      const target = await startServer(() => undefined, "127.0.0.1", 0);
      const holder = net.connect((other.sockets[0]!.getsockname() as [string, number])[1], "127.0.0.1");
      try {
        await new Promise((resolve) => holder.once("connect", resolve));
        const lport = holder.localPort!;
        const error = await createConnection(loop, () => new MyBaseProto(loop), ...(target.sockets[0]!.getsockname() as [string, number]), {
          localAddr: ["127.0.0.1", lport],
        }).then(() => null, (caught: unknown) => caught);
        expect(error).toBeInstanceOf(OSError);
        expect((error as OSError).errno).toBe(98);
        expect((error as Error).message).toBe(`[Errno 98] error while attempting to bind on address ('127.0.0.1', ${lport}): [errno 98] address already in use`);
      } finally {
        holder.destroy();
        target.close();
        other.close();
        await target.waitClosed();
        await other.waitClosed();
      }
    });
  });

  // Python 3.13: a client protocol factory that raises leaves no socket behind (the server sees
  // `eof` and `lost None`); a server-side one that raises is reported only in debug mode.
  it("closes the socket when a protocol factory raises", async () => {
    await inLoop(async (loop) => {
      const events: string[] = [];
      const reported: unknown[] = [];
      loop.setExceptionHandler((_loop, context) => reported.push(context.message));
      const server = await createServer(loop, () => {
        const proto = new MyBaseProto(loop);
        proto.eofReceived = () => void events.push("server eof");
        const lost = proto.connectionLost.bind(proto);
        proto.connectionLost = (exc: unknown) => {
          events.push(`server lost ${exc === null || exc === undefined ? "None" : (exc as Error).message}`);
          lost(exc);
        };
        return proto;
      }, "127.0.0.1", 0);
      const [host, port] = server.sockets[0]!.getsockname() as [string, number];
      const error = await createConnection(loop, () => {
        throw new RangeError("no protocol");
      }, host, port).then(() => null, (caught: unknown) => caught);
      expect((error as Error).message).toBe("no protocol");
      await runUntil(() => events.length === 2);
      expect(events).toEqual(["server eof", "server lost None"]);
      server.close();
      await server.waitClosed();

      let calls = 0;
      const failing = await createServer(loop, () => {
        calls += 1;
        throw new RangeError("no protocol");
      }, "127.0.0.1", 0);
      const [fhost, fport] = failing.sockets[0]!.getsockname() as [string, number];
      const client = new MyBaseProto(loop);
      await createConnection(loop, () => client, fhost, fport);
      await waitFor(client.done!, 5);
      expect(calls).toBe(1);
      expect(reported).toEqual([]);
      loop.setDebug(true);
      const debugClient = new MyBaseProto(loop);
      await createConnection(loop, () => debugClient, fhost, fport);
      await waitFor(debugClient.done!, 5);
      loop.setDebug(false);
      expect(reported).toEqual(["Error on transport creation for incoming connection"]);
      failing.close();
      await failing.waitClosed();
    });
  });

  // Python 3.13: a Unix connection's get_extra_info('socket') has family 1 and the addresses
  // `'' '/path'` on the client, `'/path' ''` on the server side.
  it("gives a Unix connection's TransportSocket the Unix addresses", async () => {
    await inLoop(async () => {
      const path = unixSocketPath();
      const seen: unknown[] = [];
      const server = await startUnixServer((_reader, writer) => {
        const sock = writer.getExtraInfo("socket") as { family: number; getsockname(): unknown; getpeername(): unknown };
        seen.push([sock.family, sock.getsockname(), sock.getpeername()]);
        writer.close();
      }, path);
      try {
        const [reader, writer] = await openUnixConnection(path);
        const sock = writer.getExtraInfo("socket") as { family: number; proto: number; getsockname(): unknown; getpeername(): unknown };
        expect([sock.family, sock.proto, sock.getsockname(), sock.getpeername()]).toEqual([1, 0, "", path]);
        await reader.read();
        writer.close();
        await writer.waitClosed();
        expect(seen).toEqual([[1, path, ""]]);
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("validates its arguments with Python's messages", async () => {
    await inLoop(async (loop) => {
      const factory = (): MyProto => new MyProto(loop);
      const cases: [() => Promise<unknown>, string][] = [
        [() => createConnection(loop, factory, "127.0.0.1", 1, { serverHostname: "x" }), "server_hostname is only meaningful with ssl"],
        [() => createConnection(loop, factory, null, 1, { ssl: clientContext() }), "You must set server_hostname when using ssl without a host"],
        [() => createConnection(loop, factory, "127.0.0.1", 1, { sslHandshakeTimeout: 1 }), "ssl_handshake_timeout is only meaningful with ssl"],
        [() => createConnection(loop, factory, "127.0.0.1", 1, { sslShutdownTimeout: 1 }), "ssl_shutdown_timeout is only meaningful with ssl"],
        [() => createConnection(loop, factory, "127.0.0.1", 1, { sock: new net.Socket() }), "host/port and sock can not be specified at the same time"],
        [() => createConnection(loop, factory), "host and port was not specified and no sock specified"],
        [() => createUnixConnection(loop, factory, "/x", { ssl: clientContext() }), "you have to pass server_hostname when using ssl"],
        [() => createUnixConnection(loop, factory, "/x", { serverHostname: "x" }), "server_hostname is only meaningful with ssl"],
        [() => createUnixConnection(loop, factory, "/x", { sslHandshakeTimeout: 1 }), "ssl_handshake_timeout is only meaningful with ssl"],
        [() => createUnixConnection(loop, factory, "/x", { sock: new net.Socket() }), "path and sock can not be specified at the same time"],
        [() => createUnixConnection(loop, factory), "no path and sock were specified"],
        [() => createServer(loop, factory, "127.0.0.1", 0, { sslHandshakeTimeout: 1 }), "ssl_handshake_timeout is only meaningful with ssl"],
        [() => createServer(loop, factory, "127.0.0.1", 0, { sslShutdownTimeout: 1 }), "ssl_shutdown_timeout is only meaningful with ssl"],
        [() => createServer(loop, factory, "127.0.0.1", 0, { sock: net.createServer() }), "host/port and sock can not be specified at the same time"],
        [() => createServer(loop, factory), "Neither host/port nor sock were specified"],
        [() => createUnixServer(loop, factory, "/x", { sock: net.createServer() }), "path and sock can not be specified at the same time"],
        [() => createUnixServer(loop, factory), "path was not specified, and no sock specified"],
        [() => createUnixServer(loop, factory, "/x", { sslHandshakeTimeout: 1 }), "ssl_handshake_timeout is only meaningful with ssl"],
        [() => connectAcceptedSocket(loop, factory, new net.Socket(), { sslHandshakeTimeout: 1 }), "ssl_handshake_timeout is only meaningful with ssl"],
        // CPython's OverflowError from socket.connect()/bind() for a port outside 0-65535.
        [() => createConnection(loop, factory, "127.0.0.1", 70000), "connect(): port must be 0-65535."],
        [() => createConnection(loop, factory, "127.0.0.1", -1), "connect(): port must be 0-65535."],
        [() => createServer(loop, factory, "127.0.0.1", 70000), "bind(): port must be 0-65535."],
        [() => createServer(loop, factory, null, 70000), "bind(): port must be 0-65535."],
      ];
      for (const [call, message] of cases) {
        const error = await call().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error, message).toBeInstanceOf(RangeError);
        expect((error as Error).message).toBe(message);
      }
      for (const ssl of [true, false]) {
        await expect(createServer(loop, factory, "127.0.0.1", 0, { ssl })).rejects.toThrow(new TypeError("ssl argument must be an SSLContext or None"));
        await expect(createUnixServer(loop, factory, "/x", { ssl })).rejects.toThrow(new TypeError("ssl argument must be an SSLContext or None"));
      }
    });
  });
});

describe("TLS handshake timeouts", () => {
  /** A TCP server that accepts and never answers (a peer that stalls the handshake). */
  async function silentServer(use: (port: number) => Promise<void>): Promise<void> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((sock) => {
      sockets.add(sock);
      sock.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await use((server.address() as net.AddressInfo).port);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  // mirrors test_ssl.py::TestSSL::test_create_connection_ssl_slow_handshake
  it("aborts a stalled handshake with ConnectionAbortedError", async () => {
    await inLoop(async (loop) => {
      loop.setExceptionHandler(() => undefined);
      await silentServer(async (port) => {
        const error = await openConnection("127.0.0.1", port, { ssl: clientContext(), serverHostname: "", sslHandshakeTimeout: 0.2 }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ConnectionAbortedError);
        expect((error as Error).message).toMatch(/SSL handshake.*is taking longer/);
      });
    });
  });

  // CPython 3.13 sslproto.py SSLProtocol.__init__ (checked once connected).
  it("rejects a handshake or shutdown timeout that is not positive", async () => {
    await inLoop(async () => {
      await silentServer(async (port) => {
        for (const [option, name] of [["sslHandshakeTimeout", "ssl_handshake_timeout"], ["sslShutdownTimeout", "ssl_shutdown_timeout"]] as const) {
          for (const value of [0, -10]) {
            await expect(openConnection("127.0.0.1", port, { ssl: clientContext(), serverHostname: "x", [option]: value })).rejects.toThrow(
              new RangeError(`${name} should be a positive number, got ${value}`),
            );
          }
        }
      });
    });
  });
});

describe("createUnixServer errors", () => {
  // mirrors test_unix_events.py::test_create_unix_server_bind_error (bind's error is raised as is):
  // a path in a missing directory is ENOENT, as bind(2) gives, not libuv's EACCES.
  it("raises FileNotFoundError for a path in a missing directory", async () => {
    await inLoop(async (loop) => {
      const error = await createUnixServer(loop, () => new MyProto(loop), "/nonexistent-aio-dir/s.sock").then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(FileNotFoundError);
      expect((error as FileNotFoundError).code).toBe("ENOENT");
    });
  });
});

describe("connectAcceptedSocket", () => {
  // mirrors test_events.py::test_connect_accepted_socket
  // mirrors test_events.py::test_ssl_connect_accepted_socket
  it("wraps an accepted socket, plain or TLS", async () => {
    for (const useSsl of [false, true]) {
      await inLoop(async (loop) => {
        const accepted = loop.createFuture<net.Socket>();
        const lsock = net.createServer({ pauseOnConnect: true }, (conn) => accepted.setResult(conn));
        await new Promise<void>((resolve) => lsock.listen(0, "127.0.0.1", 1, resolve));
        const { port } = lsock.address() as net.AddressInfo;
        const response = new Promise<Buffer>((resolve, reject) => {
          const csock = useSsl
            ? tls.connect({ host: "127.0.0.1", port, ca: pems.cert, servername: "localhost" })
            : net.connect(port, "127.0.0.1");
          const chunks: Buffer[] = [];
          csock.once(useSsl ? "secureConnect" : "connect", () => csock.write("test data"));
          csock.on("data", (data: Buffer) => {
            chunks.push(data);
            csock.end();
          });
          csock.on("error", reject);
          csock.on("close", () => resolve(Buffer.concat(chunks)));
        });
        class Echo extends MyBaseProto {
          override dataReceived(data: Uint8Array): void {
            super.dataReceived(data);
            this.transport!.write(Buffer.from("roger"));
          }
        }
        const proto = new Echo(loop);
        try {
          const conn = await accepted;
          const [tr] = await connectAcceptedSocket(loop, () => proto, conn, useSsl ? { ssl: serverContext() } : {});
          expect(tr).toBe(proto.transport);
          await proto.done;
          tr.close();
        } finally {
          await new Promise((resolve) => lsock.close(resolve));
        }
        expect(proto.state).toBe("CLOSED");
        expect(proto.nbytes).toBe("test data".length);
        expect((await response).toString()).toBe("roger");
      });
    }
  });

  it("rejects something that is not a socket", async () => {
    await inLoop(async (loop) => {
      await expect(connectAcceptedSocket(loop, () => new MyBaseProto(), {} as net.Socket)).rejects.toBeInstanceOf(TypeError);
    });
  });
});

describe("createServer", () => {
  // mirrors test_events.py::test_create_server
  // mirrors test_events.py::test_create_server_trsock
  it("serves a protocol on 0.0.0.0", async () => {
    await inLoop(async (loop) => {
      const proto = new MyProto(loop);
      const server = await loop.createServer(() => proto, "0.0.0.0", 0);
      const [host, port] = address(server);
      expect(server.sockets).toHaveLength(1);
      expect(host).toBe("0.0.0.0");
      const client = net.connect(port, "127.0.0.1", () => client.write("xxx"));
      client.on("error", () => undefined);
      try {
        await proto.connected;
        expect(proto.state).toBe("CONNECTED");
        await runUntil(() => proto.nbytes > 0);
        expect(proto.nbytes).toBe(3);
        expect(proto.transport!.getExtraInfo("sockname")).not.toBeNull();
        expect((proto.transport!.getExtraInfo("peername") as [string, number])[0]).toBe("127.0.0.1");
        proto.transport!.close();
        await proto.done;
        expect(proto.state).toBe("CLOSED");
      } finally {
        client.destroy();
        await closeServer(server);
      }
    });
  });

  // mirrors test_events.py::test_create_server_multiple_hosts_ipv4
  // mirrors test_events.py::test_create_server_multiple_hosts_ipv6
  it.skipIf(!hasIPv6)("listens once per distinct host in a list", async () => {
    await inLoop(async (loop) => {
      const server = await createServer(loop, () => new MyBaseProto(), ["127.0.0.1", "::1", "127.0.0.1"], 0);
      try {
        const hosts = new Set(server.sockets.map((sock) => (sock.getsockname() as unknown as [string])[0]));
        expect(hosts).toEqual(new Set(["127.0.0.1", "::1"]));
      } finally {
        await closeServer(server);
      }
    });
  });

  // mirrors test_events.py::test_create_server_reuse_port
  it("shares a port between servers only with reusePort", async () => {
    await inLoop(async (loop) => {
      const first = await createServer(loop, () => new MyBaseProto(), "127.0.0.1", 0);
      const [, port] = address(first);
      try {
        const error = await createServer(loop, () => new MyBaseProto(), "127.0.0.1", port).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect((error as OSError).code).toBe("EADDRINUSE");
      } finally {
        await closeServer(first);
      }
      const a = await createServer(loop, () => new MyBaseProto(), "127.0.0.1", 0, { reusePort: true });
      try {
        const b = await createServer(loop, () => new MyBaseProto(), "127.0.0.1", address(a)[1], { reusePort: true });
        expect(address(b)[1]).toBe(address(a)[1]);
        await closeServer(b);
      } finally {
        await closeServer(a);
      }
    });
  });

  // mirrors test_events.py::test_create_unix_server
  it("serves a protocol on a Unix socket", async () => {
    await inLoop(async (loop) => {
      const proto = new MyProto(loop);
      const path = unixSocketPath();
      const server = await createUnixServer(loop, () => proto, path);
      expect(server.sockets).toHaveLength(1);
      const client = net.connect(path, () => client.write("xxx"));
      client.on("error", () => undefined);
      try {
        await proto.connected;
        await runUntil(() => proto.nbytes > 0);
        expect(proto.nbytes).toBe(3);
        proto.transport!.close();
        await proto.done;
        expect(proto.state).toBe("CLOSED");
      } finally {
        client.destroy();
        await closeServer(server);
      }
    });
  });

  // mirrors test_events.py::test_create_server_ssl
  // mirrors test_events.py::test_create_unix_server_ssl
  // mirrors test_events.py::test_create_server_ssl_verified
  // mirrors test_events.py::test_create_unix_server_ssl_verified
  it("serves TLS to a verifying client, over TCP and Unix sockets", async () => {
    await inLoop(async (loop) => {
      const path = unixSocketPath();
      const proto1 = new MyProto(loop);
      const proto2 = new MyProto(loop);
      const tcp = await createServer(loop, () => proto1, "127.0.0.1", 0, { ssl: serverContext() });
      const unix = await createUnixServer(loop, () => proto2, path, { ssl: serverContext() });
      try {
        const [host, port] = address(tcp);
        expect(host).toBe("127.0.0.1");
        const [client1] = await createConnection(loop, () => new MyBaseProto(), host, port, { ssl: clientContext(), serverHostname: "localhost" });
        const [client2] = await createUnixConnection(loop, () => new MyBaseProto(), path, { ssl: clientContext(), serverHostname: "localhost" });
        await proto1.connected;
        await proto2.connected;
        expect(client1.getExtraInfo("peername")).toEqual([host, port]);
        expect((client1.getExtraInfo("peercert") as { subject: { CN: string } }).subject.CN).toBe("localhost");
        client1.write(Buffer.from("xxx"));
        await runUntil(() => proto1.nbytes > 0);
        expect(proto1.nbytes).toBe(3);
        for (const [proto, client] of [[proto1, client1], [proto2, client2]] as const) {
          proto.transport!.close();
          client.close();
          await proto.done;
        }
      } finally {
        await closeServer(tcp);
        await closeServer(unix);
      }
    });
  });

  // mirrors test_events.py::test_create_server_ssl_verify_failed
  // mirrors test_events.py::test_create_unix_server_ssl_verify_failed
  it("fails the client with SSLCertVerificationError when the CA is unknown", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const path = unixSocketPath();
      const proto = new MyProto(loop);
      const tcp = await createServer(loop, () => proto, "127.0.0.1", 0, { ssl: serverContext() });
      const unix = await createUnixServer(loop, () => proto, path, { ssl: serverContext() });
      try {
        const noCa = createDefaultContext();
        for (const connect of [
          () => createConnection(loop, () => new MyProto(loop), ...address(tcp), { ssl: noCa }),
          () => createUnixConnection(loop, () => new MyProto(loop), path, { ssl: noCa, serverHostname: "invalid" }),
        ]) {
          const error = await connect().then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(SSLCertVerificationError);
          expect(error).toBeInstanceOf(SSLError);
          expect((error as Error).message).toMatch(/certificate.verify.failed/i);
        }
        await sleep(0.01);
        expect(proto.transport).toBeNull();
      } finally {
        await closeServer(tcp);
        await closeServer(unix);
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_events.py::test_create_server_ssl_match_failed
  it("fails the client with SSLCertVerificationError on a host name mismatch", async () => {
    await inLoop(async (loop) => {
      const proto = new MyProto(loop);
      const server = await createServer(loop, () => proto, "127.0.0.1", 0, { ssl: serverContext() });
      try {
        const error = await createConnection(loop, () => new MyProto(loop), ...address(server), {
          ssl: clientContext(),
          serverHostname: "example.com",
        }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(SSLCertVerificationError);
        expect((error as SSLCertVerificationError).verifyMessage).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
        expect((error as Error).message).toMatch(/example\.com/);
        await sleep(0.01);
        expect(proto.transport).toBeNull();
      } finally {
        await closeServer(server);
      }
    });
  });

  // mirrors test_events.py::test_create_server_sock
  // mirrors test_events.py::test_create_server_addr_in_use
  it("takes over a listening socket, and a second bind of its port is EADDRINUSE", async () => {
    await inLoop(async (loop) => {
      const connected = loop.createFuture<MyProto>();
      class TestMyProto extends MyProto {
        override connectionMade(transport: unknown): void {
          super.connectionMade(transport);
          connected.setResult(this);
        }
      }
      const sockOb = net.createServer();
      await new Promise<void>((resolve) => sockOb.listen(0, "0.0.0.0", resolve));
      const server = await createServer(loop, () => new TestMyProto(), null, null, { sock: sockOb });
      const [host, port] = address(server);
      expect(host).toBe("0.0.0.0");
      const client = net.connect(port, "127.0.0.1", () => client.end("xxx"));
      client.on("error", () => undefined);
      try {
        const proto = await connected;
        proto.transport!.close();
        const error = await createServer(loop, () => new MyProto(), host, port).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(OSError);
        expect((error as OSError).errno).toBe(constants.errno.EADDRINUSE);
      } finally {
        client.destroy();
        await closeServer(server);
        sockOb.close();
      }
    });
  });

  // mirrors test_events.py::test_create_server_dual_stack
  it.skipIf(!hasIPv6)("listens on IPv4 and IPv6 with host null", async () => {
    await inLoop(async (loop) => {
      let next = loop.createFuture<MyProto>();
      class TestMyProto extends MyProto {
        override connectionMade(transport: unknown): void {
          super.connectionMade(transport);
          next.setResult(this);
        }
      }
      const server = await createServer(loop, () => new TestMyProto(), null, 0);
      // Differs from CPython: Python binds one socket per address family; Node listens on one
      // dual-stack socket (`::`), so there is a single entry.
      expect(server.sockets).toHaveLength(1);
      expect((server.sockets[0]!.getsockname() as unknown as [string])[0]).toBe("::");
      const port = (server.sockets[0]!.getsockname() as [string, number])[1];
      try {
        for (const host of ["127.0.0.1", "::1"]) {
          const client = net.connect(port, host, () => client.write("xxx"));
          client.on("error", () => undefined);
          const proto = await next;
          expect((proto.transport!.getExtraInfo("peername") as [string])[0]).toMatch(host === "::1" ? /^::1$/ : /127\.0\.0\.1$/);
          proto.transport!.close();
          client.destroy();
          next = loop.createFuture<MyProto>();
        }
      } finally {
        await closeServer(server);
      }
    });
  });

  // mirrors test_events.py::test_server_close
  it("refuses connections once closed", async () => {
    await inLoop(async (loop) => {
      const server = await createServer(loop, () => new MyProto(), "0.0.0.0", 0);
      const [, port] = address(server);
      await closeServer(server);
      const refused = await new Promise<unknown>((resolve) => {
        const client = net.connect(port, "127.0.0.1", () => resolve(null));
        client.on("error", resolve);
      });
      expect((refused as { code?: string }).code).toBe("ECONNREFUSED");
    });
  });
});
