import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionError, RuntimeError, SendfileNotAvailableError } from "@aio/core";
import type { Transport } from "@aio/core";
import { SSLContext, createConnection, createDatagramEndpoint, createDefaultContext, createServer, sendfile } from "@aio/streams";
import type { Server } from "@aio/streams";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { inLoop, makeCertificate, sha256 } from "./support/loop.js";
import type { Pems } from "./support/loop.js";
import { MyBaseProto, MyDatagramProto } from "./support/protocols.js";
import type { BaseEventLoop } from "@aio/loop";

const DATA = Buffer.from("SendfileBaseTests".repeat(1024 * 8));
let dir: string;
let filePath: string;
let pems: Pems;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aio-sendfile-"));
  filePath = join(dir, "data.bin");
  writeFileSync(filePath, DATA);
  pems = await makeCertificate();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openFile(): Promise<FileHandle> {
  const file = await open(filePath, "r");
  onTestFinished(() => file.close());
  return file;
}

/** CPython test_sendfile.py MySendfileProto: collects data; closes after `closeAfter` bytes. */
class ServerProto extends MyBaseProto {
  readonly closeAfter: number;
  constructor(loop: BaseEventLoop, closeAfter = 0) {
    super(loop);
    this.closeAfter = closeAfter;
  }
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    if (this.closeAfter > 0 && this.nbytes >= this.closeAfter) this.transport!.close();
  }
  get received(): Buffer {
    return Buffer.concat(this.data);
  }
}

async function prepareSendfile(loop: BaseEventLoop, options: { isSsl?: boolean; closeAfter?: number } = {}): Promise<[ServerProto, MyBaseProto, Server]> {
  const srvProto = new ServerProto(loop, options.closeAfter ?? 0);
  let serverSsl: SSLContext | undefined;
  if (options.isSsl === true) {
    serverSsl = new SSLContext("CLIENT_AUTH");
    serverSsl.loadCertChain(pems.cert, pems.private);
  }
  const server = await createServer(loop, () => srvProto, "127.0.0.1", 0, { ssl: serverSsl });
  onTestFinished(async () => {
    server.close();
  });
  const port = (server.sockets[0]!.getsockname() as [string, number])[1];
  const [, cliProto] = await createConnection(loop, () => new MyBaseProto(loop), "127.0.0.1", port, {
    ssl: options.isSsl === true ? createDefaultContext("SERVER_AUTH", { cadata: pems.cert }) : undefined,
    serverHostname: options.isSsl === true ? "localhost" : undefined,
  });
  // Python shrinks SO_SNDBUF so the fallback really waits for drains; a smaller high-water mark
  // has the same effect here.
  cliProto.transport!.setWriteBufferLimits(4096);
  await srvProto.connected;
  return [srvProto, cliProto, server];
}

describe("sendfile", () => {
  // mirrors test_sendfile.py::test_sendfile_not_supported
  it("is not supported on a datagram transport", async () => {
    await inLoop(async (loop) => {
      const [tr] = await createDatagramEndpoint(loop, () => new MyDatagramProto(), { family: 2 });
      try {
        await expect(loop.sendfile(tr as never, await openFile())).rejects.toThrow(/not supported/);
        await expect(sendfile(loop, tr as never, await openFile())).rejects.toBeInstanceOf(RuntimeError);
      } finally {
        tr.close();
      }
    });
  });

  // mirrors test_sendfile.py::test_sendfile
  // mirrors test_sendfile.py::test_sendfile_force_fallback
  // mirrors test_sendfile.py::test_sendfile_ssl
  it("sends a whole file, over TCP and TLS", async () => {
    for (const isSsl of [false, true]) {
      await inLoop(async (loop) => {
        const [srvProto, cliProto] = await prepareSendfile(loop, { isSsl });
        const ret = await loop.sendfile(cliProto.transport!, await openFile());
        cliProto.transport!.close();
        await srvProto.done;
        expect(ret).toBe(DATA.length);
        expect(srvProto.nbytes).toBe(DATA.length);
        expect(sha256(srvProto.received)).toBe(sha256(DATA));
        // Differs from CPython: Python also checks file.tell(); a FileHandle has no position
        // that sendfile moves (reads are positional), so there is nothing to check.
      });
    }
  });

  // mirrors test_sendfile.py::test_sendfile_force_unsupported_native
  it("raises SendfileNotAvailableError with fallback: false and sends nothing", async () => {
    await inLoop(async (loop) => {
      const [srvProto, cliProto] = await prepareSendfile(loop);
      const error = await sendfile(loop, cliProto.transport!, await openFile(), 0, null, { fallback: false }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SendfileNotAvailableError);
      expect((error as Error).message).toMatch(/not supported/);
      cliProto.transport!.close();
      await srvProto.done;
      expect(srvProto.nbytes).toBe(0);
    });
  });

  // mirrors test_sendfile.py::test_sendfile_no_fallback_for_fallback_transport
  it("raises RuntimeError with fallback: false over TLS (fallback-only transport)", async () => {
    await inLoop(async (loop) => {
      const [srvProto, cliProto] = await prepareSendfile(loop, { isSsl: true });
      await expect(loop.sendfile(cliProto.transport!, await openFile(), 0, null, { fallback: false })).rejects.toThrow(/fallback is disabled/);
      cliProto.transport!.close();
      await srvProto.done;
    });
  });

  // mirrors test_sendfile.py::test_sendfile_for_closing_transp
  it("refuses a closing transport", async () => {
    await inLoop(async (loop) => {
      const [srvProto, cliProto] = await prepareSendfile(loop);
      cliProto.transport!.close();
      await expect(loop.sendfile(cliProto.transport!, await openFile())).rejects.toThrow(/is closing/);
      await srvProto.done;
      expect(srvProto.nbytes).toBe(0);
    });
  });

  // mirrors test_sendfile.py::test_sendfile_pre_and_post_data
  // mirrors test_sendfile.py::test_sendfile_ssl_pre_and_post_data
  it("keeps data written before and after in order", async () => {
    for (const isSsl of [false, true]) {
      await inLoop(async (loop) => {
        const [srvProto, cliProto] = await prepareSendfile(loop, { isSsl });
        const PREFIX = Buffer.from("PREFIX__".repeat(1024));
        const SUFFIX = Buffer.from("--SUFFIX".repeat(1024));
        const tr = cliProto.transport as Transport;
        tr.write(PREFIX);
        const ret = await loop.sendfile(tr, await openFile());
        tr.write(SUFFIX);
        tr.close();
        await srvProto.done;
        expect(ret).toBe(DATA.length);
        expect(sha256(srvProto.received)).toBe(sha256(PREFIX, DATA, SUFFIX));
      });
    }
  });

  // mirrors test_sendfile.py::test_sendfile_partial
  // mirrors test_sendfile.py::test_sendfile_ssl_partial
  it("sends count bytes from offset", async () => {
    for (const isSsl of [false, true]) {
      await inLoop(async (loop) => {
        const [srvProto, cliProto] = await prepareSendfile(loop, { isSsl });
        const ret = await loop.sendfile(cliProto.transport!, await openFile(), 1000, 100);
        cliProto.transport!.close();
        await srvProto.done;
        expect(ret).toBe(100);
        expect(srvProto.nbytes).toBe(100);
        expect(srvProto.received).toEqual(DATA.subarray(1000, 1100));
      });
    }
  });

  it("sends from offset to the end, and validates offset and count", async () => {
    await inLoop(async (loop) => {
      const [srvProto, cliProto] = await prepareSendfile(loop);
      const file = await openFile();
      await expect(loop.sendfile(cliProto.transport!, file, -1)).rejects.toThrow(new RangeError("offset must be a non-negative integer (got -1)"));
      await expect(loop.sendfile(cliProto.transport!, file, 0, 0)).rejects.toThrow(new RangeError("count must be a positive integer (got 0)"));
      const ret = await loop.sendfile(cliProto.transport!, file, 70_000);
      cliProto.transport!.close();
      await srvProto.done;
      expect(ret).toBe(DATA.length - 70_000);
      expect(sha256(srvProto.received)).toBe(sha256(DATA.subarray(70_000)));
    });
  });

  // mirrors test_sendfile.py::test_sendfile_close_peer_after_receiving
  // mirrors test_sendfile.py::test_sendfile_ssl_close_peer_after_receiving
  it("completes when the peer closes after receiving everything", async () => {
    for (const isSsl of [false, true]) {
      await inLoop(async (loop) => {
        const [srvProto, cliProto] = await prepareSendfile(loop, { isSsl, closeAfter: DATA.length });
        const ret = await loop.sendfile(cliProto.transport!, await openFile());
        if (!isSsl) cliProto.transport!.close();
        await srvProto.done;
        expect(ret).toBe(DATA.length);
        expect(srvProto.nbytes).toBe(DATA.length);
        expect(sha256(srvProto.received)).toBe(sha256(DATA));
      });
    }
  });

  // mirrors test_sendfile.py::test_sendfile_close_peer_in_the_middle_of_receiving
  // mirrors test_sendfile.py::test_sendfile_fallback_close_peer_in_the_middle_of_receiving
  it("raises ConnectionError when the peer closes in the middle", async () => {
    await inLoop(async (loop) => {
      // Differs from CPython: Python shrinks SO_SNDBUF/SO_RCVBUF to 1 KiB so the file cannot fit in
      // the kernel's buffers; Node cannot set them on TCP sockets, so the file is made larger
      // (64 MiB) than the loopback buffers instead.
      const bigPath = join(dir, "big.bin");
      writeFileSync(bigPath, Buffer.alloc(64 * 1024 * 1024, 0x78));
      const big = await open(bigPath, "r");
      onTestFinished(() => big.close());
      const [srvProto, cliProto] = await prepareSendfile(loop, { closeAfter: 1024 });
      const error = await (loop.sendfile(cliProto.transport!, big)).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      await srvProto.done;
      expect(srvProto.nbytes).toBeGreaterThanOrEqual(1024);
      expect(srvProto.nbytes).toBeLessThan(64 * 1024 * 1024);
      expect(cliProto.transport!.isClosing()).toBe(true);
    });
  });
});
