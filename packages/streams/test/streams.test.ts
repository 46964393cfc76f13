import * as net from "node:net";
import { BrokenPipeError, ConnectionAbortedError, ConnectionResetError, IncompleteReadError, OSError, asyncWith } from "@aio/core";
import { SSLContext, createDefaultContext, openConnection, openUnixConnection, startServer, startUnixServer } from "@aio/streams";
import type { Server, StreamReader , StreamWriter} from "@aio/streams";
import { currentTask, sleep } from "@aio/tasks";
import { beforeAll, describe, expect, it } from "vitest";
import { captureExceptions, hasIPv6, inLoop, makeCertificate, runUntil, unixSocketPath } from "./support/loop.js";
import type { Pems } from "./support/loop.js";

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

/** A tiny HTTP-ish server like CPython's run_test_server: answers a request, then closes. */
async function httpServer(host = "127.0.0.1"): Promise<Server> {
  return startServer(async (reader, writer) => {
    try {
      await reader.readuntil(Buffer.from("\r\n\r\n"));
    } catch (error) {
      // A client that closes without a request: close too, as CPython's test server does.
      if (!(error instanceof IncompleteReadError)) throw error;
      writer.close();
      return;
    }
    writer.write(Buffer.from("HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nTest message"));
    await writer.drain();
    writer.close();
    await writer.waitClosed();
  }, host, 0);
}

function ignoreOSError(error: unknown): void {
  if (!(error instanceof OSError)) throw error;
}

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

async function echoLine(reader: StreamReader, writer: StreamWriter): Promise<void> {
  const data = await reader.readline();
  writer.write(data);
  await writer.drain();
  writer.close();
  await writer.waitClosed();
}

async function lineClient(open: () => Promise<[StreamReader, StreamWriter]>): Promise<Buffer> {
  const [reader, writer] = await open();
  writer.write(Buffer.from("hello world!\n"));
  const back = await reader.readline();
  writer.close();
  await writer.waitClosed();
  return back;
}

describe("openConnection", () => {
  // mirrors test_streams.py::test_open_connection
  it("talks to a TCP server", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const server = await httpServer();
      try {
        const [reader, writer] = await openConnection(...address(server));
        writer.write(Buffer.from("GET / HTTP/1.0\r\n\r\n"));
        expect(await reader.readline()).toEqual(Buffer.from("HTTP/1.0 200 OK\r\n"));
        const rest = await reader.read();
        expect(rest.toString().endsWith("\r\n\r\nTest message")).toBe(true);
        writer.close();
        await writer.waitClosed();
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_open_connection (over ::1)
  it.skipIf(!hasIPv6)("talks to a TCP server over IPv6 loopback", async () => {
    await inLoop(async () => {
      const server = await startServer(echoLine, "::1", 0);
      try {
        const name = server.sockets[0]!.getsockname() as [string, number, number, number];
        expect(name).toHaveLength(4);
        expect(name[0]).toBe("::1");
        expect(await lineClient(() => openConnection("::1", name[1]))).toEqual(Buffer.from("hello world!\n"));
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  // mirrors test_streams.py::test_open_unix_connection
  it("talks to a Unix server", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const path = unixSocketPath();
      const server = await startUnixServer(echoLine, path);
      try {
        expect(await lineClient(() => openUnixConnection(path))).toEqual(Buffer.from("hello world!\n"));
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_open_connection_no_loop_ssl
  it("talks to a TLS server", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const server = await startServer(echoLine, "127.0.0.1", 0, { ssl: serverContext() });
      try {
        const [host, port] = address(server);
        expect(await lineClient(() => openConnection(host, port, { ssl: clientContext() }))).toEqual(Buffer.from("hello world!\n"));
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_open_unix_connection_no_loop_ssl
  it("talks to a TLS server over a Unix socket with serverHostname ''", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const path = unixSocketPath();
      const server = await startUnixServer(echoLine, path, { ssl: serverContext() });
      try {
        const context = clientContext();
        context.checkHostname = false;
        expect(await lineClient(() => openUnixConnection(path, { ssl: context, serverHostname: "" }))).toEqual(Buffer.from("hello world!\n"));
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_open_connection_error
  // mirrors test_streams.py::test_open_unix_connection_error
  it("raises the error the connection was lost with", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const path = unixSocketPath();
      const readAllThenClose = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
        await reader.read();
        writer.close();
        await writer.waitClosed();
      };
      const tcp = await startServer(readAllThenClose, "127.0.0.1", 0);
      const unix = await startUnixServer(readAllThenClose, path);
      try {
        for (const open of [() => openConnection(...address(tcp)), () => openUnixConnection(path)]) {
          const [reader, writer] = await open();
          const error = new Error("ZeroDivisionError");
          (writer._protocol as unknown as { connectionLost(e: unknown): void }).connectionLost(error);
          await expect(reader.read()).rejects.toBe(error);
          writer.close();
          await sleep(0);
        }
      } finally {
        tcp.close();
        unix.close();
        await tcp.waitClosed();
        await unix.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });
});

describe("startServer", () => {
  // mirrors test_streams.py::test_start_server
  it("serves with an async handler and with a plain callback, from host/port or a listening socket", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const raw = net.createServer();
      await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
      const fromSock = await startServer(echoLine, null, null, { sock: raw });
      const callback = await startServer(
        (reader, writer) => {
          loop.createTask(() => echoLine(reader, writer));
        },
        "127.0.0.1",
        0,
      );
      try {
        for (const server of [fromSock, callback]) {
          expect(await lineClient(() => openConnection(...address(server)))).toEqual(Buffer.from("hello world!\n"));
        }
      } finally {
        for (const server of [fromSock, callback]) {
          server.close();
          await server.waitClosed();
        }
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_start_unix_server
  it("serves Unix sockets with an async handler and with a plain callback", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      for (const handler of [
        echoLine,
        (reader: StreamReader, writer: StreamWriter) => {
          loop.createTask(() => echoLine(reader, writer));
        },
      ]) {
        const path = unixSocketPath();
        const server = await startUnixServer(handler, path);
        try {
          expect(await lineClient(() => openUnixConnection(path))).toEqual(Buffer.from("hello world!\n"));
        } finally {
          server.close();
          await server.waitClosed();
        }
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_unhandled_exception
  it("reports an exception escaping the client callback", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const server = await startServer(async () => {
        throw new Error("test");
      }, "127.0.0.1", 0);
      try {
        await server.startServing();
        const [, writer] = await openConnection(...address(server));
        writer.write(Buffer.from("test msg"));
        await writer.drain();
        writer.close();
        await writer.waitClosed();
        await runUntil(() => messages.length > 0);
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages[0]!.message).toBe("Unhandled exception in client_connected_cb");
      expect((messages[0]!.exception as Error).message).toBe("test");
    });
  });

  // mirrors test_streams.py::test_unhandled_cancel
  it("does not report a client callback that cancels itself", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      let handled = false;
      const server = await startServer(async (_reader, writer) => {
        writer.close();
        handled = true;
        currentTask()!.cancel();
        await sleep(0);
      }, "127.0.0.1", 0);
      try {
        await server.startServing();
        const [, writer] = await openConnection(...address(server));
        writer.write(Buffer.from("test msg"));
        // The server closes with "test msg" unread, so its kernel may answer with a reset: that
        // is the peer's business, not the client callback's.
        await writer.drain().catch(ignoreOSError);
        writer.close();
        await writer.waitClosed().catch(ignoreOSError);
        await runUntil(() => handled);
        await sleep(0);
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });
});

describe("StreamWriter", () => {
  // mirrors test_streams.py::test_start_tls
  it("upgrades both sides to TLS with startTls", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const seen: unknown[] = [];
      const server = await startServer(async (reader, writer) => {
        const line1 = await reader.readline();
        writer.write(line1);
        await writer.drain();
        seen.push(writer.getExtraInfo("sslcontext"));
        await writer.startTls(serverContext());
        seen.push(writer.getExtraInfo("sslcontext") !== null);
        const line2 = await reader.readline();
        writer.write(line2);
        await writer.drain();
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server));
        writer.write(Buffer.from("hello world 1!\n"));
        await writer.drain();
        const back1 = await reader.readline();
        expect(writer.getExtraInfo("sslcontext")).toBeNull();
        const plain = writer.transport;
        await writer.startTls(clientContext(), { serverHostname: "localhost" });
        expect(writer.getExtraInfo("sslcontext")).not.toBeNull();
        expect(writer.transport).not.toBe(plain);
        expect(plain.isClosing()).toBe(true);
        // The reader's flow control (pauseReading) follows the new transport.
        expect(reader._transport).toBe(writer.transport);
        writer.write(Buffer.from("hello world 2!\n"));
        await writer.drain();
        const back2 = await reader.readline();
        writer.close();
        await writer.waitClosed();
        expect(back1).toEqual(Buffer.from("hello world 1!\n"));
        expect(back2).toEqual(Buffer.from("hello world 2!\n"));
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(seen).toEqual([null, true]);
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_drain_raises
  it("raises from drain once the peer closed, instead of looping forever", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const raw = net.createServer((sock) => sock.destroy());
      await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = raw.address() as net.AddressInfo;
        const [, writer] = await openConnection("127.0.0.1", port);
        let error: unknown = null;
        try {
          for (;;) {
            writer.write(Buffer.from("foo\n"));
            await writer.drain();
          }
        } catch (caught) {
          error = caught;
        }
        expect(
          error instanceof ConnectionResetError || error instanceof ConnectionAbortedError || error instanceof BrokenPipeError,
        ).toBe(true);
        writer.close();
      } finally {
        await new Promise((resolve) => raw.close(resolve));
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_wait_closed_on_close
  // mirrors test_streams.py::test_wait_closed_on_close_with_unread_data
  // mirrors test_streams.py::test_async_writer_api
  it("is closing after close and waitClosed resolves, with or without unread data", async () => {
    await inLoop(async () => {
      const server = await httpServer();
      try {
        for (const readAll of [true, false]) {
          const [reader, writer] = await openConnection(...address(server));
          writer.write(Buffer.from("GET / HTTP/1.0\r\n\r\n"));
          expect(await reader.readline()).toEqual(Buffer.from("HTTP/1.0 200 OK\r\n"));
          if (readAll) expect((await reader.read()).toString().endsWith("\r\n\r\nTest message")).toBe(true);
          expect(writer.isClosing()).toBe(false);
          writer.close();
          expect(writer.isClosing()).toBe(true);
          await writer.waitClosed();
        }
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  // mirrors test_streams.py::test_async_writer_api_exception_after_close
  it("raises ConnectionResetError from drain after close", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const server = await httpServer();
      try {
        const [reader, writer] = await openConnection(...address(server));
        writer.write(Buffer.from("GET / HTTP/1.0\r\n\r\n"));
        await reader.readline();
        await reader.read();
        writer.close();
        let error: unknown = null;
        try {
          writer.write(Buffer.from("data"));
          await writer.drain();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ConnectionResetError);
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  // mirrors test_streams.py::test_eof_feed_when_closing_writer
  it("feeds EOF to its reader when it closes", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const server = await httpServer();
      try {
        const [reader, writer] = await openConnection(...address(server));
        writer.close();
        await writer.waitClosed();
        expect(reader.atEof()).toBe(true);
        expect(await reader.read()).toEqual(Buffer.alloc(0));
      } finally {
        server.close();
        await server.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });

  it("is an async context manager that closes and waits", async () => {
    await inLoop(async () => {
      const server = await startServer(echoLine, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server));
        await asyncWith(writer, async (w) => {
          expect(w).toBe(writer);
          w.write(Buffer.from("x\n"));
          expect(await reader.readline()).toEqual(Buffer.from("x\n"));
        });
        expect(writer.isClosing()).toBe(true);
        expect(writer.transport.isClosing()).toBe(true);
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });

  it("has Python's repr shape and exposes extra info", async () => {
    await inLoop(async () => {
      const server = await startServer(echoLine, "127.0.0.1", 0);
      try {
        const [, port] = address(server);
        const [, writer] = await openConnection("127.0.0.1", port);
        expect(String(writer)).toMatch(/^<StreamWriter transport=<SocketTransport .*> reader=<StreamReader transport=<SocketTransport .*>>>$/);
        expect(writer.getExtraInfo("peername")).toEqual(["127.0.0.1", port]);
        expect((writer.getExtraInfo("sockname") as [string, number])[0]).toBe("127.0.0.1");
        expect(writer.getExtraInfo("nothing", "dflt")).toBe("dflt");
        expect(writer.canWriteEof()).toBe(true);
        writer.close();
        await writer.waitClosed();
      } finally {
        server.close();
        await server.waitClosed();
      }
    });
  });
});
