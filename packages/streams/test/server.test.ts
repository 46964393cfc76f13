import { existsSync, unlinkSync } from "node:fs";
import * as net from "node:net";
import { CancelledError, RuntimeError, asyncWith } from "@aio/core";
import { AF_INET, AF_UNIX, SOCK_STREAM, openConnection, openUnixConnection, startServer, startUnixServer } from "@aio/streams";
import type { Server, StreamReader, StreamWriter } from "@aio/streams";
import { createTask, sleep } from "@aio/tasks";
import { describe, expect, it } from "vitest";
import { captureExceptions, inLoop, runUntil, unixSocketPath } from "./support/loop.js";

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

/** Reads until EOF, then closes (CPython test_server.py's `serve`). */
async function readThenClose(reader: StreamReader, writer: StreamWriter): Promise<void> {
  try {
    await reader.read();
  } finally {
    writer.close();
    await writer.waitClosed().catch(() => undefined);
  }
}

/** A raw Node client: connects, sends, waits for `expect` bytes back, closes. */
function rawClient(connect: net.NetConnectOpts, payload: Buffer, expectBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(connect, () => sock.write(payload));
    sock.on("data", (data: Buffer) => {
      chunks.push(data);
      if (Buffer.concat(chunks).length >= expectBytes) sock.end();
    });
    sock.on("error", reject);
    sock.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

describe("Server", () => {
  // mirrors test_server.py::BaseStartServer::test_start_server_1
  it("serves forever from startServing: false until the serving task is cancelled", async () => {
    await inLoop(async (loop) => {
      const hello = Buffer.concat([Buffer.alloc(5 * 1024, 0x31), Buffer.from("\n")]);
      let mainTask: ReturnType<typeof loop.createTask> | null = null;
      const srv = await startServer(
        async (reader, writer) => {
          await reader.readline();
          mainTask!.cancel();
          writer.write(Buffer.from("1"));
          writer.close();
          await writer.waitClosed();
        },
        "127.0.0.1",
        0,
        { startServing: false },
      );
      expect(srv.isServing()).toBe(false);
      mainTask = loop.createTask(async () => {
        await asyncWith(srv, async () => {
          await srv.serveForever();
        });
      });
      const [host, port] = address(srv);
      const client = rawClient({ host, port }, hello, 1);
      await runUntil(() => mainTask.done());
      expect(mainTask.cancelled()).toBe(true);
      expect((await client).toString()).toBe("1");
      expect(srv.sockets).toEqual([]);
      expect(srv._servers).toBeNull();
      expect(srv._waiters).toBeNull();
      expect(srv.isServing()).toBe(false);
      await expect(srv.serveForever()).rejects.toThrow(/is closed/);
      await expect(srv.serveForever()).rejects.toBeInstanceOf(RuntimeError);
    });
  });

  // mirrors test_server.py::SelectorStartServerTests::test_start_unix_server_1
  it("serves a Unix socket after startServing, until cancelled", async () => {
    await inLoop(async (loop) => {
      const hello = Buffer.concat([Buffer.alloc(5 * 1024, 0x31), Buffer.from("\n")]);
      const path = unixSocketPath();
      let mainTask: ReturnType<typeof loop.createTask> | null = null;
      const states: boolean[] = [];
      const srv = await startUnixServer(
        async (reader, writer) => {
          await reader.readline();
          mainTask!.cancel();
          writer.write(Buffer.from("1"));
          writer.close();
          await writer.waitClosed();
        },
        path,
        { startServing: false },
      );
      let client: Promise<Buffer> | null = null;
      mainTask = loop.createTask(async () => {
        await asyncWith(srv, async () => {
          states.push(srv.isServing());
          await srv.startServing();
          states.push(srv.isServing());
          client = rawClient({ path }, hello, 1);
          await srv.serveForever();
        });
      });
      await runUntil(() => mainTask.done());
      expect(mainTask.cancelled()).toBe(true);
      expect(states).toEqual([false, true]);
      expect((await client!).toString()).toBe("1");
      expect(srv.sockets).toEqual([]);
      expect(srv._servers).toBeNull();
      expect(srv._waiters).toBeNull();
      expect(srv.isServing()).toBe(false);
      await expect(srv.serveForever()).rejects.toThrow(/is closed/);
    });
  });

  it("refuses a second serveForever", async () => {
    await inLoop(async () => {
      const srv = await startServer(readThenClose, "127.0.0.1", 0);
      const first = createTask(() => srv.serveForever());
      await sleep(0);
      await expect(srv.serveForever()).rejects.toThrow(/is already being awaited on serve_forever\(\)$/);
      first.cancel();
      await expect(Promise.resolve(first)).rejects.toBeInstanceOf(CancelledError);
      expect(srv.sockets).toEqual([]);
    });
  });

  // mirrors test_server.py::TestServer2::test_wait_closed_basic
  it("waitClosed blocks until closed and every connection is gone", async () => {
    await inLoop(async () => {
      const srv = await startServer(readThenClose, "127.0.0.1", 0);
      try {
        const task1 = createTask(() => srv.waitClosed());
        await sleep(0);
        expect(task1.done()).toBe(false);

        const [, wr] = await openConnection(...address(srv));
        const task2 = createTask(() => srv.waitClosed());
        await sleep(0);
        expect(task1.done()).toBe(false);
        expect(task2.done()).toBe(false);

        srv.close();
        await sleep(0);
        const task3 = createTask(() => srv.waitClosed());
        await sleep(0);
        expect(task1.done()).toBe(false);
        expect(task2.done()).toBe(false);
        expect(task3.done()).toBe(false);

        wr.close();
        await wr.waitClosed();
        await task1;
        await task2;
        await task3;
        await srv.waitClosed();
      } finally {
        srv.close();
      }
    });
  });

  // mirrors test_server.py::TestServer2::test_wait_closed_race
  it("waitClosed returns when close and the last client close race", async () => {
    await inLoop(async (loop) => {
      const srv = await startServer(readThenClose, "127.0.0.1", 0);
      try {
        const task = createTask(() => srv.waitClosed());
        await sleep(0);
        expect(task.done()).toBe(false);
        const [, wr] = await openConnection(...address(srv));
        loop.callSoon(() => srv.close());
        loop.callSoon(() => wr.close());
        await srv.waitClosed();
        await task;
      } finally {
        srv.close();
      }
    });
  });

  // mirrors test_server.py::TestServer2::test_close_clients
  it("closeClients closes the server side of every connection", async () => {
    await inLoop(async () => {
      const srv = await startServer(readThenClose, "127.0.0.1", 0);
      const [, wr] = await openConnection(...address(srv));
      try {
        await runUntil(() => srv._clients.size === 1);
        const task = createTask(() => srv.waitClosed());
        await sleep(0);
        expect(task.done()).toBe(false);
        srv.close();
        srv.closeClients();
        await sleep(0);
        await sleep(0);
        expect(task.done()).toBe(true);
      } finally {
        srv.close();
        wr.close();
      }
    });
  });

  // mirrors test_server.py::TestServer2::test_abort_clients
  it("abortClients drops connections whose write buffers are full", async () => {
    await inLoop(async (loop) => {
      const served = loop.createFuture<[StreamReader, StreamWriter]>();
      const srv = await startServer(async (rd, wr) => {
        served.setResult([rd, wr]);
        await wr.waitClosed().catch(() => undefined);
      }, "127.0.0.1", 0);
      const [, cWr] = await openConnection(...address(srv), { limit: 4096 });
      try {
        const [, sWr] = await served;
        sWr.write(Buffer.alloc(4096, 0x61));
        sWr.write(Buffer.alloc(4096, 0x61));
        sWr.write(Buffer.alloc(4096, 0x61));
        await runUntil(() => !cWr.transport.isReading());
        for (let i = 0; i < 10 && sWr.transport.getWriteBufferSize() === 0; i++) {
          sWr.write(Buffer.alloc(1024 * 1024, 0x61));
        }
        expect(sWr.transport.getWriteBufferSize()).not.toBe(0);
        const task = createTask(() => srv.waitClosed());
        await sleep(0);
        expect(task.done()).toBe(false);
        srv.close();
        srv.abortClients();
        await sleep(0);
        await sleep(0);
        expect(task.done()).toBe(true);
      } finally {
        srv.close();
        cWr.close();
      }
    });
  });

  it("is an async context manager that closes and waits", async () => {
    await inLoop(async () => {
      const srv = await startServer(readThenClose, "127.0.0.1", 0);
      const result = await asyncWith(srv, async (entered) => {
        expect(entered).toBe(srv);
        expect(srv.isServing()).toBe(true);
        return 42;
      });
      expect(result).toBe(42);
      expect(srv.sockets).toEqual([]);
      expect(srv._waiters).toBeNull();
    });
  });

  it("holds connections made before startServing and serves them after", async () => {
    await inLoop(async () => {
      const accepted: string[] = [];
      const srv = await startServer(
        async (reader, writer) => {
          accepted.push((await reader.readline()).toString());
          writer.write(Buffer.from("ok\n"));
          writer.close();
        },
        "127.0.0.1",
        0,
        { startServing: false },
      );
      try {
        const client = createTask(() => openConnection(...address(srv)));
        await runUntil(() => srv._held.length === 1);
        expect(accepted).toEqual([]);
        const [reader, writer] = await client;
        writer.write(Buffer.from("hi\n"));
        for (let i = 0; i < 5; i++) await sleep(0);
        expect(accepted).toEqual([]);
        await srv.startServing();
        expect(await reader.readline()).toEqual(Buffer.from("ok\n"));
        expect(accepted).toEqual(["hi\n"]);
        writer.close();
      } finally {
        srv.close();
        await srv.waitClosed();
      }
    });
  });

  it("exposes its loop, its sockets and a repr", async () => {
    await inLoop(async (loop) => {
      const srv = await startServer(readThenClose, "127.0.0.1", 0);
      try {
        expect(srv.getLoop()).toBe(loop);
        expect(srv.sockets).toHaveLength(1);
        const sock = srv.sockets[0]!;
        expect(sock.family).toBe(AF_INET);
        expect(sock.type).toBe(SOCK_STREAM);
        // Python: getpeername() of a listening socket raises OSError ENOTCONN.
        expect(() => sock.getpeername()).toThrow("[Errno 107] Transport endpoint is not connected");
        expect(sock.proto).toBe(6);
        expect(String(srv)).toMatch(/^<Server sockets=\(<asyncio\.TransportSocket fd=\d+, family=2, type=1, proto=6, laddr=\('127\.0\.0\.1', \d+\)>,\)>$/);
      } finally {
        srv.close();
        await srv.waitClosed();
      }
      expect(String(srv)).toBe("<Server sockets=()>");
    });
  });
});

describe("Server (Unix socket cleanup)", () => {
  // mirrors test_server.py::UnixServerCleanupTests::test_unix_server_addr_cleanup
  it("removes its socket file on close", async () => {
    await inLoop(async () => {
      const path = unixSocketPath();
      const srv = await startUnixServer(() => undefined, path);
      expect(srv.sockets[0]!.family).toBe(AF_UNIX);
      expect(existsSync(path)).toBe(true);
      srv.close();
      expect(existsSync(path)).toBe(false);
      await srv.waitClosed();
    });
  });

  // mirrors test_server.py::UnixServerCleanupTests::test_unix_server_sock_cleanup
  // mirrors test_server.py::UnixServerCleanupTests::test_unix_server_cleanup_gone
  it("removes the file of a listening socket it was given, and tolerates it being gone", async () => {
    await inLoop(async () => {
      for (const removeFirst of [false, true]) {
        const path = unixSocketPath();
        const raw = net.createServer();
        await new Promise<void>((resolve) => raw.listen(path, resolve));
        const srv = await startUnixServer(() => undefined, null, { sock: raw });
        if (removeFirst) unlinkSync(path);
        srv.close();
        expect(existsSync(path)).toBe(false);
        await srv.waitClosed();
        raw.close();
      }
    });
  });

  // mirrors test_server.py::UnixServerCleanupTests::test_unix_server_cleanup_replaced
  it("leaves a socket file that someone else replaced", async () => {
    await inLoop(async () => {
      const path = unixSocketPath();
      const srv = await startUnixServer(() => undefined, path);
      unlinkSync(path);
      const other = net.createServer();
      await new Promise<void>((resolve) => other.listen(path, resolve));
      try {
        srv.close();
        await srv.waitClosed();
        await sleep(0.01);
        expect(existsSync(path)).toBe(true);
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }
    });
  });

  // mirrors test_server.py::UnixServerCleanupTests::test_unix_server_cleanup_prevented
  it("keeps its socket file with cleanupSocket: false", async () => {
    await inLoop(async () => {
      const path = unixSocketPath();
      const srv = await startUnixServer(() => undefined, path, { cleanupSocket: false });
      srv.close();
      await srv.waitClosed();
      await sleep(0.01);
      expect(existsSync(path)).toBe(true);
    });
  });

  it("replaces a stale socket file left by a previous server", async () => {
    await inLoop(async () => {
      const path = unixSocketPath();
      const first = await startUnixServer(() => undefined, path, { cleanupSocket: false });
      first.close();
      await first.waitClosed();
      const messages = captureExceptions(first.getLoop());
      const second = await startUnixServer(async (_r, w) => w.close(), path);
      try {
        const [reader, writer] = await openUnixConnection(path);
        expect(await reader.read()).toEqual(Buffer.alloc(0));
        writer.close();
      } finally {
        second.close();
        await second.waitClosed();
      }
      expect(messages).toEqual([]);
    });
  });
});
