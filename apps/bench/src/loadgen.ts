/**
 * The one fixed load generator of W6 / W6b, a separate Node process that drives whichever echo server
 * the runner started (aio, CPython, uvloop or raw Node) on 127.0.0.1, checks every reply, and prints the
 * result line for that server's implementation. lines: `conns` connections each do `rounds` round trips
 * of one `size`-byte newline-terminated message. bulk: one connection sends `bytes` in `chunk`-byte
 * writes while counting the echo, then half-closes and waits for the server's end.
 */
import { connect } from "node:net";
import type { Socket } from "node:net";
import { check, fail, measure, now, param, readSpec, sized } from "./common.ts";
import type { Result } from "./common.ts";

const spec = readSpec();
const port = param(spec, "port");
const HOST = "127.0.0.1";

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port, noDelay: true, allowHalfOpen: true });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** 64 distinct printable messages of `size` bytes, the last one a newline. */
function messages(size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let m = 0; m < 64; m++) {
    const message = Buffer.alloc(size);
    for (let i = 0; i < size - 1; i++) {
      message[i] = 0x21 + ((i * 7 + m * 13) % 90);
    }
    message[size - 1] = 0x0a;
    out.push(message);
  }
  return out;
}

/** Does `rounds` round trips on one connection; every reply must equal its message byte for byte. */
function roundTrips(socket: Socket, id: number, rounds: number, pool: Buffer[]): Promise<void> {
  const size = (pool[0] as Buffer).length;
  const reply = Buffer.alloc(size);
  return new Promise((resolve, reject) => {
    let round = 0;
    let got = 0;
    let message = pool[id % pool.length] as Buffer;
    socket.on("error", reject);
    socket.on("end", () => reject(new Error(`connection ${id}: server closed after ${round} of ${rounds} round trips`)));
    socket.on("data", (chunk: Buffer) => {
      if (got + chunk.length > size) {
        reject(new Error(`connection ${id}: ${got + chunk.length} bytes for a ${size}-byte reply in round ${round}`));
        return;
      }
      chunk.copy(reply, got);
      got += chunk.length;
      if (got < size) {
        return;
      }
      if (!reply.equals(message)) {
        reject(new Error(`connection ${id}: reply ${round} differs from its message`));
        return;
      }
      round++;
      got = 0;
      if (round === rounds) {
        socket.removeAllListeners("end");
        resolve();
        return;
      }
      message = pool[(id + round) % pool.length] as Buffer;
      socket.write(message);
    });
    socket.write(message);
  });
}

async function lines(warm: boolean): Promise<Result> {
  const conns = param(spec, "conns");
  const rounds = sized(param(spec, "rounds"), warm);
  const pool = messages(param(spec, "size"));
  const start = now();
  const sockets = await Promise.all(Array.from({ length: conns }, open));
  await Promise.all(sockets.map((socket, id) => roundTrips(socket, id, rounds, pool)));
  const seconds = now() - start;
  for (const socket of sockets) {
    socket.destroy();
  }
  const n = conns * rounds;
  return { n, seconds, rate: n / seconds, unit: "requests/s" };
}

/** Resolves at the socket's next 'drain'; rejects if it closes first. */
function drained(socket: Socket, sent: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      socket.off("close", onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off("drain", onDrain);
      reject(new Error(`the server closed the connection after ${sent} bytes were sent`));
    };
    socket.once("drain", onDrain);
    socket.once("close", onClose);
  });
}

async function bulk(warm: boolean): Promise<Result> {
  const total = sized(param(spec, "bytes"), warm, param(spec, "chunk"));
  const chunk = Buffer.alloc(param(spec, "chunk"), 0x61);
  const start = now();
  const socket = await open();
  let received = 0;
  const echoed = new Promise<void>((resolve, reject) => {
    socket.on("data", (data: Buffer) => {
      received += data.length;
    });
    socket.once("end", resolve);
    socket.once("error", reject);
  });
  let sent = 0;
  while (sent < total) {
    const size = Math.min(chunk.length, total - sent);
    const flushed = socket.write(size === chunk.length ? chunk : chunk.subarray(0, size));
    sent += size;
    if (!flushed) {
      await drained(socket, sent);
    }
  }
  socket.end();
  await echoed;
  const seconds = now() - start;
  socket.destroy();
  check(received === total, `${received} bytes echoed, expected ${total}`);
  return { n: total, seconds, rate: total / 1048576 / seconds, unit: "MiB/s" };
}

try {
  await measure(spec, spec["mode"] === "lines" ? lines : bulk);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
