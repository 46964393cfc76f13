/**
 * W6 / W6b server on @aio: `startServer` echoing lines (`readline` / `write` / `drain`) or bulk
 * (`read(65536)` / `write` / `drain`). Prints `PORT <n>` once it listens on 127.0.0.1; the runner's load
 * generator drives it and the runner kills it. Mirrors python/w6_echo_server.py.
 */
import { isCancelledError } from "@aio/core";
import type { StreamReader, StreamWriter } from "@aio/streams";
import { startServer } from "@aio/streams";
import { run } from "@aio/tasks";
import { readSpec } from "../common.ts";

const spec = readSpec();
const chunk = typeof spec["chunk"] === "number" ? spec["chunk"] : 65536;

async function echoLines(reader: StreamReader, writer: StreamWriter): Promise<void> {
  for (;;) {
    const line = await reader.readline();
    if (line.length === 0) {
      return;
    }
    writer.write(line);
    await writer.drain();
  }
}

async function echoBulk(reader: StreamReader, writer: StreamWriter): Promise<void> {
  for (;;) {
    const data = await reader.read(chunk);
    if (data.length === 0) {
      return;
    }
    writer.write(data);
    await writer.drain();
  }
}

async function handle(reader: StreamReader, writer: StreamWriter): Promise<void> {
  try {
    await (spec["mode"] === "lines" ? echoLines(reader, writer) : echoBulk(reader, writer));
  } catch (error) {
    // A reset connection only ends this handler; the load generator reports what it did not get back.
    if (isCancelledError(error)) {
      throw error;
    }
  } finally {
    writer.close();
  }
}

/** The listening port, from a Python-shaped socket (`getsockname()`) or a Node-shaped one (`address()`). */
function portOf(socket: unknown): number {
  const candidate = socket as { getsockname?: () => unknown; address?: () => unknown };
  const name = candidate.getsockname?.() ?? candidate.address?.();
  if (Array.isArray(name) && typeof name[1] === "number") {
    return name[1];
  }
  if (typeof name === "object" && name !== null && typeof (name as { port?: unknown }).port === "number") {
    return (name as { port: number }).port;
  }
  throw new Error(`cannot read the port of server socket ${String(socket)}`);
}

// The runner kills this server's process group when it is done; should the runner itself die first, the
// server is re-parented, notices within a second, and exits instead of serving forever.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000).unref();

await run(async () => {
  const server = await startServer(handle, "127.0.0.1", 0);
  const sockets: readonly unknown[] = server.sockets;
  process.stdout.write(`PORT ${portOf(sockets[0])}\n`);
  await server.serveForever();
});
