/**
 * W6 / W6b raw Node floor server on node:net: echoes every complete line as it arrives (lines), or every
 * chunk with backpressure (bulk). Prints `PORT <n>` once it listens on 127.0.0.1; the runner kills it.
 */
import { createServer } from "node:net";
import type { Socket } from "node:net";
import { readSpec } from "../common.ts";

const spec = readSpec();
const NEWLINE = 0x0a;

function echoLines(socket: Socket): void {
  let pending: Buffer | null = null;
  socket.on("data", (chunk: Buffer) => {
    const data = pending === null ? chunk : Buffer.concat([pending, chunk]);
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      pending = data;
      return;
    }
    // Whole lines go back in one write, byte for byte; a partial line waits for its end.
    socket.write(end === data.length - 1 ? data : data.subarray(0, end + 1));
    pending = end === data.length - 1 ? null : Buffer.from(data.subarray(end + 1));
  });
  socket.on("end", () => socket.end());
}

function echoBulk(socket: Socket): void {
  socket.on("data", (chunk: Buffer) => {
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once("drain", () => socket.resume());
    }
  });
  socket.on("end", () => socket.end());
}

const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
  // The load generator reports what it did not get back; a reset only ends this connection.
  socket.on("error", () => socket.destroy());
  if (spec["mode"] === "lines") {
    echoLines(socket);
  } else {
    echoBulk(socket);
  }
});
// The runner kills this server's process group when it is done; should the runner itself die first, the
// server is re-parented, notices within a second, and exits instead of serving forever.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000).unref();

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error(`unexpected server address ${String(address)}`);
  }
  process.stdout.write(`PORT ${address.port}\n`);
});
