/**
 * Servers for the low-level socket tests: ports of CPython test_asyncio/utils.py's
 * run_test_server / run_test_unix_server (an HTTP/1.0 server whose POST /loop echoes the body)
 * and run_udp_echo_server, plus a connected AioSocket pair (Python's socket.socketpair()).
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import type { AbstractEventLoop } from "@aio/core";
import { onTestFinished } from "vitest";
import { AF_INET, AF_UNIX } from "@aio/streams";
import { sockAccept, sockConnect, socket } from "../../src/sock.js";
import type { AioSocket } from "../../src/sock.js";

/** A running test server: its address, closed when the test finishes. */
export interface TestServer {
  address: [string, number] | string;
}

/**
 * CPython utils.run_test_server: answers `GET` with "Test message" and `POST /loop` with the
 * request body, as HTTP/1.0, then closes. `path` makes it a Unix server (run_test_unix_server).
 */
export async function runTestServer(path?: string): Promise<TestServer> {
  const connections = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    connections.add(conn);
    conn.on("close", () => connections.delete(conn));
    conn.on("error", () => {
      // The client may reset: the test is about the client side.
    });
    let head = Buffer.alloc(0);
    let body: Buffer[] | null = null;
    let bodySize = 0;
    let expected = 0;
    const respond = (payload: Buffer): void => {
      conn.end(Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: ${payload.length}\r\n\r\n`), payload]));
    };
    conn.on("data", (chunk: Buffer) => {
      if (body === null) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end === -1) return;
        const request = head.subarray(0, end).toString();
        const rest = head.subarray(end + 4);
        if (!request.startsWith("POST /loop")) {
          respond(Buffer.from("Test message"));
          return;
        }
        expected = Number(/Content-Length: (\d+)/i.exec(request)?.[1] ?? "0");
        body = [rest];
        bodySize = rest.length;
      } else {
        body.push(chunk);
        bodySize += chunk.length;
      }
      if (bodySize >= expected) respond(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => {
    if (path === undefined) server.listen(0, "127.0.0.1", resolve);
    else server.listen(path, resolve);
  });
  onTestFinished(async () => {
    for (const conn of connections) conn.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const info = server.address();
  return { address: typeof info === "string" ? info : [info!.address, info!.port] };
}

/** CPython utils.run_udp_echo_server: sends every datagram back to its sender. */
export async function runUdpEchoServer(): Promise<[string, number]> {
  const server = dgram.createSocket("udp4");
  server.on("message", (message, rinfo) => server.send(message, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
  onTestFinished(() => {
    server.close();
  });
  const { address, port } = server.address();
  return [address, port];
}

/**
 * Python's socket.socketpair(): two connected non-blocking stream sockets (over 127.0.0.1, or a
 * Unix socket at `path`), both closed when the test finishes.
 */
export async function socketPair(loop: AbstractEventLoop, path?: string): Promise<[AioSocket, AioSocket]> {
  const listener = socket(path === undefined ? AF_INET : AF_UNIX);
  const a = socket(listener.family);
  onTestFinished(() => {
    listener.close();
    a.close();
  });
  await listener.bind(path ?? ["127.0.0.1", 0]);
  await listener.listen(1);
  listener.setblocking(false);
  a.setblocking(false);
  // Two awaits in one task would supersede each other: the accept runs in its own task.
  const accepting = loop.createTask(() => sockAccept(loop, listener));
  await sockConnect(loop, a, listener.getsockname());
  const [b] = (await accepting) as [AioSocket, unknown];
  onTestFinished(() => b.close());
  listener.close();
  return [a, b];
}
