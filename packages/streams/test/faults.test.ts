/**
 * Fault tests (issue requirements): resets, half-close, slow readers and backpressure, over-long
 * lines, disconnects during TLS handshakes, and a server closed while clients are sending.
 * Every byte that is received is checked against what was sent (sha256).
 */
import { createHash } from "node:crypto";
import * as net from "node:net";
import { BrokenPipeError, ConnectionResetError, OSError, Protocol } from "@aio/core";
import type { Transport } from "@aio/core";
import { SSLContext, createDefaultContext, openConnection, startServer } from "@aio/streams";
import type { Server, StreamReader, StreamWriter } from "@aio/streams";
import { createTask, gather, sleep } from "@aio/tasks";
import { beforeAll, describe, expect, it } from "vitest";
import { captureExceptions, inLoop, makeCertificate, patternBytes, runUntil, sha256 } from "./support/loop.js";
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

function address(server: Server): [string, number] {
  const name = server.sockets[0]!.getsockname() as [string, number];
  return [name[0], name[1]];
}

async function closeServer(server: Server): Promise<void> {
  server.close();
  await server.waitClosed();
}

describe("peer reset", () => {
  it("gives the server reader ConnectionResetError after the bytes that arrived, as CPython does", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const payload = patternBytes(200_000, 7);
      const outcome = loop.createFuture<[string, unknown]>();
      const server = await startServer(async (reader, writer) => {
        const data = await reader.readexactly(payload.length);
        try {
          const more = await reader.read(100);
          outcome.setResult([sha256(data), more]);
        } catch (error) {
          outcome.setResult([sha256(data), error]);
        } finally {
          writer.close();
        }
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server));
        writer.write(payload);
        await writer.drain();
        // Wait until the server has read everything (it then blocks in read(100)).
        await runUntil(() => server._clients.size === 1 && [...server._clients][0]!._sock.bytesRead >= payload.length);
        await sleep(0.01);
        (writer.transport as unknown as { _sock: net.Socket })._sock.resetAndDestroy();
        const [digest, result] = await outcome;
        expect(digest).toBe(sha256(payload));
        expect(result).toBeInstanceOf(ConnectionResetError);
        expect((result as OSError).code).toBe("ECONNRESET");
        await expect(reader.read()).resolves.toBeDefined();
      } finally {
        await closeServer(server);
      }
      // CPython logs OSErrors of a transport in debug mode only.
      expect(messages).toEqual([]);
    });
  });

  it("gives the client reader ConnectionResetError when the server aborts with unread data", async () => {
    await inLoop(async (loop) => {
      const server = await startServer(async (_reader, writer) => {
        writer.write(Buffer.from("partial"));
        await writer.drain();
        await sleep(0.01);
        (writer.transport as unknown as { _sock: net.Socket })._sock.resetAndDestroy();
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server));
        expect((await reader.readexactly(7)).toString()).toBe("partial");
        const error = await reader.read().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ConnectionResetError);
        await expect(writer.waitClosed()).rejects.toBeInstanceOf(ConnectionResetError);
        // drain after the connection is lost raises the reader's error (CPython StreamWriter.drain).
        await expect(writer.drain()).rejects.toBe(error);
        void loop;
      } finally {
        await closeServer(server);
      }
    });
  });
});

describe("half-close", () => {
  it("lets the peer keep writing after writeEof, byte for byte", async () => {
    await inLoop(async () => {
      const request = patternBytes(300_000, 3);
      const server = await startServer(async (reader, writer) => {
        const data = await reader.read();
        expect(reader.atEof()).toBe(true);
        // After the client's EOF the server still writes back (reversed checksum + data).
        writer.write(Buffer.from(sha256(data)));
        writer.write(data);
        await writer.drain();
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server));
        expect(writer.canWriteEof()).toBe(true);
        writer.write(request);
        writer.writeEof();
        expect(() => writer.write(Buffer.from("late"))).toThrow("Cannot call write() after write_eof()");
        const reply = await reader.read();
        expect(reply.subarray(0, 64).toString()).toBe(sha256(request));
        expect(sha256(reply.subarray(64))).toBe(sha256(request));
        await writer.waitClosed();
      } finally {
        await closeServer(server);
      }
    });
  });

  it("keeps the transport open when eofReceived returns true, and closes it otherwise", async () => {
    await inLoop(async (loop) => {
      for (const keepOpen of [true, false]) {
        const events: string[] = [];
        const lost = loop.createFuture<void>();
        class HalfOpen extends Protocol {
          transport: Transport | null = null;
          override connectionMade(transport: unknown): void {
            this.transport = transport as Transport;
            // The server speaks first and then half-closes.
            this.transport.write(Buffer.from("server says hi"));
            this.transport.writeEof();
          }
          override dataReceived(data: Uint8Array): void {
            events.push(`data:${Buffer.from(data).toString()}`);
          }
          override eofReceived(): boolean {
            events.push(`eof closing=${this.transport!.isClosing()}`);
            return keepOpen;
          }
          override connectionLost(): void {
            events.push("lost");
            lost.setResult(undefined);
          }
        }
        const server = await loop.createServer(() => new HalfOpen(), "127.0.0.1", 0);
        try {
          const [reader, writer] = await openConnection(...address(server));
          expect((await reader.read()).toString()).toBe("server says hi");
          // The client writes after the server's EOF, then half-closes too.
          writer.write(Buffer.from("client replies"));
          writer.writeEof();
          await lost;
          expect(events).toEqual(["data:client replies", "eof closing=false", "lost"]);
          writer.close();
        } finally {
          await closeServer(server);
        }
      }
    });
  });
});

describe("slow reader", () => {
  it("keeps the server's write buffer bounded with drain while 50 MiB arrive byte for byte", async () => {
    await inLoop(async () => {
      const TOTAL = 50 * 1024 * 1024;
      const CHUNK = 64 * 1024;
      const block = patternBytes(CHUNK, 11);
      let maxWriteBuffer = 0;
      let serverDigest = "";
      const server = await startServer(async (_reader, writer) => {
        const hash = createHash("sha256");
        for (let sent = 0; sent < TOTAL; sent += CHUNK) {
          block[0] = (sent / CHUNK) & 0xff;
          hash.update(block);
          writer.write(Buffer.from(block));
          maxWriteBuffer = Math.max(maxWriteBuffer, writer.transport.getWriteBufferSize());
          await writer.drain();
        }
        serverDigest = hash.digest("hex");
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server));
        const hash = createHash("sha256");
        let received = 0;
        let reads = 0;
        let maxReaderBuffer = 0;
        for (;;) {
          const data = await reader.read(16 * 1024);
          if (data.length === 0) break;
          hash.update(data);
          received += data.length;
          maxReaderBuffer = Math.max(maxReaderBuffer, reader._buffer.length);
          // Read slowly: a real pause every 64 reads lets the server's buffers fill up.
          if (++reads % 64 === 0) await sleep(0.002);
        }
        expect(received).toBe(TOTAL);
        expect(hash.digest("hex")).toBe(serverDigest);
        expect(maxWriteBuffer).toBeGreaterThan(0);
        expect(maxWriteBuffer).toBeLessThan(2 * 1024 * 1024);
        // The reader pauses its transport above 2 * limit (128 KiB); one more socket read may land.
        expect(maxReaderBuffer).toBeLessThan(256 * 1024);
        writer.close();
      } finally {
        await closeServer(server);
      }
    });
  }, 60_000);
});

describe("slow reader over TLS", () => {
  it("keeps the TLS server's write buffer bounded with drain while 8 MiB arrive byte for byte", async () => {
    await inLoop(async () => {
      const payload = patternBytes(8 * 1024 * 1024, 21);
      let maxWriteBuffer = 0;
      const server = await startServer(async (_reader, writer) => {
        for (let offset = 0; offset < payload.length; offset += 64 * 1024) {
          writer.write(payload.subarray(offset, offset + 64 * 1024));
          maxWriteBuffer = Math.max(maxWriteBuffer, writer.transport.getWriteBufferSize());
          await writer.drain();
        }
        writer.close();
      }, "127.0.0.1", 0, { ssl: serverContext() });
      try {
        const [reader, writer] = await openConnection(...address(server), {
          ssl: createDefaultContext("SERVER_AUTH", { cadata: pems.cert }),
          serverHostname: "localhost",
        });
        const chunks: Buffer[] = [];
        let reads = 0;
        let maxReaderBuffer = 0;
        for (;;) {
          const data = await reader.read(16 * 1024);
          if (data.length === 0) break;
          chunks.push(data);
          maxReaderBuffer = Math.max(maxReaderBuffer, reader._buffer.length);
          if (++reads % 32 === 0) await sleep(0.002);
        }
        expect(sha256(Buffer.concat(chunks))).toBe(sha256(payload));
        expect(maxWriteBuffer).toBeLessThan(2 * 1024 * 1024);
        expect(maxReaderBuffer).toBeLessThan(256 * 1024);
        writer.close();
      } finally {
        await closeServer(server);
      }
    });
  }, 30_000);
});

describe("line over the limit", () => {
  it("raises RangeError and drops the line through its separator when the separator is buffered", async () => {
    await inLoop(async () => {
      const server = await startServer(async (reader, writer) => {
        writer.write(Buffer.concat([Buffer.alloc(5000, 0x78), Buffer.from("\nnext\n")]));
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server), { limit: 4096 });
        await runUntil(() => reader._buffer.length === 5006);
        const error = await reader.readline().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toBe("Separator is found, but chunk is longer than limit");
        expect(reader._buffer.length).toBe(5);
        expect((await reader.readline()).toString()).toBe("next\n");
        writer.close();
      } finally {
        await closeServer(server);
      }
    });
  });

  it("raises RangeError and clears the buffer when no separator is buffered yet", async () => {
    await inLoop(async () => {
      const server = await startServer(async (reader, writer) => {
        writer.write(Buffer.alloc(1500, 0x79));
        await reader.readexactly(1);
        writer.write(Buffer.from("\nnext\n"));
        await reader.read();
        writer.close();
      }, "127.0.0.1", 0);
      try {
        const [reader, writer] = await openConnection(...address(server), { limit: 1024 });
        await runUntil(() => reader._buffer.length === 1500);
        const error = await reader.readline().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toBe("Separator is not found, and chunk exceed the limit");
        expect(reader._buffer.length).toBe(0);
        writer.write(Buffer.from("!"));
        expect((await reader.readline()).toString()).toBe("\n");
        expect((await reader.readline()).toString()).toBe("next\n");
        writer.close();
      } finally {
        await closeServer(server);
      }
    });
  });
});

describe("disconnect during a TLS handshake", () => {
  it("leaves the TLS server serving, with nothing reported", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      let served = 0;
      const server = await startServer(async (reader, writer) => {
        served += 1;
        writer.write(await reader.readline());
        await writer.drain();
        writer.close();
        await writer.waitClosed();
      }, "127.0.0.1", 0, { ssl: serverContext() });
      try {
        const [host, port] = address(server);
        // 1. connect and close at once; 2. send half a ClientHello and reset; 3. send garbage.
        const attempts: ((sock: net.Socket) => void)[] = [
          (sock) => sock.destroy(),
          (sock) => {
            sock.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]));
            setTimeout(() => sock.resetAndDestroy(), 5);
          },
          (sock) => sock.end(Buffer.from("GET / HTTP/1.0\r\n\r\n")),
        ];
        for (const attempt of attempts) {
          await new Promise<void>((resolve) => {
            const sock = net.connect(port, host, () => attempt(sock));
            sock.on("error", () => undefined);
            sock.on("close", () => resolve());
          });
        }
        await sleep(0.02);
        const [reader, writer] = await openConnection(host, port, {
          ssl: createDefaultContext("SERVER_AUTH", { cadata: pems.cert }),
          serverHostname: "localhost",
        });
        writer.write(Buffer.from("still serving\n"));
        expect((await reader.readline()).toString()).toBe("still serving\n");
        writer.close();
        await writer.waitClosed();
        expect(served).toBe(1);
        expect(server.isServing()).toBe(true);
      } finally {
        await closeServer(server);
      }
      expect(messages).toEqual([]);
    });
  });
});

describe("server closed while clients are sending", () => {
  it("ends every client cleanly and every server task, with a byte-exact prefix received", async () => {
    await inLoop(async (loop) => {
      const messages = captureExceptions(loop);
      const CLIENTS = 4;
      const streams = Array.from({ length: CLIENTS }, (_, i) => patternBytes(4 * 1024 * 1024, 100 + i));
      const received = new Map<number, { bytes: number; digest: string }>();
      let handlersDone = 0;
      const progress = new Map<number, number>();
      const handler = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
        const id = (await reader.readexactly(1))[0]!;
        const hash = createHash("sha256");
        let bytes = 0;
        try {
          for (;;) {
            const data = await reader.read(65536);
            if (data.length === 0) break;
            hash.update(data);
            bytes += data.length;
            progress.set(id, bytes);
          }
        } catch (error) {
          if (!(error instanceof OSError)) throw error;
        } finally {
          received.set(id, { bytes, digest: hash.digest("hex") });
          handlersDone += 1;
          writer.close();
        }
      };
      const server = await startServer(handler, "127.0.0.1", 0);
      const [host, port] = address(server);
      const sentBytes = new Array<number>(CLIENTS).fill(0);
      const clientEnds: unknown[] = [];
      const clients = streams.map((stream, id) =>
        createTask(async () => {
          const [reader, writer] = await openConnection(host, port);
          writer.write(Buffer.from([id]));
          try {
            for (let offset = 0; offset < stream.length; offset += 32 * 1024) {
              writer.write(stream.subarray(offset, offset + 32 * 1024));
              sentBytes[id] = offset + 32 * 1024;
              await writer.drain();
            }
            clientEnds.push("finished");
          } catch (error) {
            // A clean error: the connection was reset or closed by the server.
            if (!(error instanceof ConnectionResetError || error instanceof BrokenPipeError)) throw error;
            clientEnds.push(error.name);
          } finally {
            writer.close();
            await writer.waitClosed().catch((error: unknown) => {
              if (!(error instanceof OSError)) throw error;
            });
            expect(reader.exception() === null || reader.exception() instanceof OSError).toBe(true);
          }
        }),
      );
      // Close while every connection is mid-stream: each server task has read some of its stream.
      await runUntil(() => progress.size === CLIENTS && [...progress.values()].every((n) => n >= 64 * 1024));
      server.close();
      server.abortClients();
      await server.waitClosed();
      await gather(...clients);
      expect(clientEnds).toHaveLength(CLIENTS);
      await runUntil(() => handlersDone === CLIENTS);
      expect(server._clients.size).toBe(0);
      for (let id = 0; id < CLIENTS; id++) {
        const entry = received.get(id)!;
        expect(entry.bytes).toBeGreaterThan(0);
        expect(entry.digest).toBe(sha256(streams[id]!.subarray(0, entry.bytes)));
      }
      expect(messages).toEqual([]);
    });
  }, 30_000);
});
