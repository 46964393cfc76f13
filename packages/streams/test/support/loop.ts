/**
 * Test helpers for @aio/streams: run a test body as the main task of a fresh loop (Python's
 * IsolatedAsyncioTestCase), CPython test_asyncio/utils.py's run_briefly / run_until, certificates
 * from `selfsigned`, temporary Unix socket paths and checksums.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AbstractEventLoop, ExceptionContext } from "@aio/core";
import { newEventLoop } from "@aio/loop";
import type { BaseEventLoop } from "@aio/loop";
import { allTasks, currentTask, gather, sleep } from "@aio/tasks";
import selfsigned from "selfsigned";
import { onTestFinished } from "vitest";

/**
 * Runs `body` as the main task of a new loop, then cancels and awaits the tasks it left pending,
 * and closes the loop.
 */
export async function inLoop<T>(body: (loop: BaseEventLoop) => Promise<T>, guardMs = 8_000): Promise<T> {
  const loop = newEventLoop();
  // A hung test must not leave its loop running (every later test would fail with "another loop
  // is running"): just before vitest's timeout, stop the loop so runUntilComplete rejects.
  const guard = setTimeout(() => loop.stop(), guardMs);
  try {
    return await loop.runUntilComplete(() => body(loop));
  } finally {
    clearTimeout(guard);
    try {
      await loop.runUntilComplete(async () => {
        const self = currentTask();
        const pending = [...allTasks(loop)].filter((task) => task !== self);
        for (const task of pending) task.cancel();
        if (pending.length > 0) await gather(...pending, { returnExceptions: true });
      });
    } finally {
      loop.close();
    }
  }
}

/** CPython utils.run_briefly: lets the loop run a few iterations (from inside a task). */
export async function runBriefly(iterations = 3): Promise<void> {
  for (let i = 0; i < iterations; i++) await sleep(0);
}

/**
 * CPython utils.run_until: yields until `predicate()` holds. Network events arrive from outside
 * the loop, so each step also gives Node's event loop a turn (a real 1 ms sleep every 50
 * iterations); the bound is on iterations, never on wall time.
 * @throws Error after `maxIterations`.
 */
export async function runUntil(predicate: () => boolean, maxIterations = 20_000): Promise<number> {
  for (let i = 0; i < maxIterations; i++) {
    if (predicate()) return i;
    await sleep(i % 50 === 49 ? 0.001 : 0);
  }
  throw new Error(`condition not reached after ${maxIterations} iterations`);
}

/** Records every exception-handler call of `loop`. */
export function captureExceptions(loop: AbstractEventLoop): ExceptionContext[] {
  const calls: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    calls.push(context);
  });
  return calls;
}

/** A fresh temporary directory (removed when the test finishes) and a socket path in it. */
export function unixSocketPath(name = "sock"): string {
  const dir = mkdtempSync(join(tmpdir(), "aio-streams-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** sha256 of some bytes, hex. */
export function sha256(...parts: Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/** Deterministic pseudo-random bytes (xorshift), so a failure is reproducible. */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** PEM certificate and key for "localhost" / 127.0.0.1 / ::1. */
export interface Pems {
  cert: string;
  private: string;
}

/** Generates a self-signed certificate (slow-ish: call once per file, in beforeAll). */
export async function makeCertificate(commonName = "localhost"): Promise<Pems> {
  const pems = await selfsigned.generate([{ name: "commonName", value: commonName }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: commonName },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { cert: pems.cert, private: pems.private };
}

/** Whether this machine can bind the IPv6 loopback (tests of ::1 are skipped where it cannot). */
export const hasIPv6 = await new Promise<boolean>((resolve) => {
  const probe = net.createServer();
  probe.once("error", () => resolve(false));
  probe.listen(0, "::1", () => probe.close(() => resolve(true)));
});

/** A TCP port on 127.0.0.1 nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
